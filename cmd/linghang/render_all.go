package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"linghang/jobs"
	"linghang/program"
	"linghang/storage/archive"
)

// renderAll implements `linghang render all -o DIR [--job NAME]
// [--cohort N] [--entry NAME,…] [--applicants FILE]`: any part of the
// year's document catalogue, rendered as the pipeline would, into a
// folder with the archive's layout — without archiving anything.
func renderAll(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("render all", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var s settings
	s.register(fs)
	applicants := fs.String("applicants", "", "学员数据文件 XLSX/CSV/JSON（默认：归档中的当前学员数据及总结）")
	photos := fs.String("photos", "", "照片文件夹（与 --applicants 一起使用）")
	job := fs.String("job", "", "只生成这个作业的文档（linghang jobs list 中的作业名）；默认全部")
	entries := fs.String("entry", "", "只生成这些文档类型（逗号分隔，见 --list）")
	cohort := fs.Int("cohort", 0, "只生成这一期的文档（全年的文档照常生成）")
	list := fs.Bool("list", false, "列出文档目录中的全部文档类型后退出")
	out := fs.String("o", "", "输出目录（必填）")
	pdfa := pdfaFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang render all -o 目录 [--job 作业] [--cohort N] [--entry 类型,…] [--applicants 文件]\n\n按文档目录生成文档到一个文件夹（与归档相同的目录结构：第03期-…/名单/学员名单.xlsx），不写入归档。\n\n参数:")
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	cat := jobs.DefaultCatalogue()
	if *list {
		var rows [][]string
		for _, en := range cat {
			rows = append(rows, []string{en.Name, en.Scope.String(), en.Kind.Folder(), strings.Join(en.Jobs, "、"), en.Title})
		}
		printTable(e.stdout, []string{"类型", "范围", "类别", "作业", "说明"}, rows)
		return nil
	}
	if *out == "" {
		return errors.New("请用 -o 指定输出目录")
	}
	l, err := s.load(e)
	if err != nil {
		return err
	}
	sel := jobs.Selection{Job: *job}
	if *entries != "" {
		for _, n := range strings.Split(*entries, ",") {
			n = strings.TrimSpace(n)
			if _, ok := cat.Entry(n); !ok {
				return fmt.Errorf("--entry %q 不在文档目录中（linghang render all --list 查看）", n)
			}
			sel.Entries = append(sel.Entries, n)
		}
	}
	if *job != "" {
		if _, ok := l.schedule.Rule(*job); !ok {
			return fmt.Errorf("--job %q 不在日程中（linghang jobs list 查看）", *job)
		}
	}
	if *cohort != 0 {
		if _, ok := l.prog.Cohort(*cohort); !ok {
			return fmt.Errorf("--cohort %d 无效：%d年计划共%d期", *cohort, l.prog.Year, len(l.prog.Cohorts))
		}
		sel.Cohorts = []int{*cohort}
	}
	// The pipeline gives the badges and certificate tokens (the check-in
	// key read once); it opens the archive only when no file is given.
	p, err := l.pipeline(e, nil, nil)
	if err != nil {
		return err
	}
	var in *jobs.Inputs
	if *applicants != "" {
		set, rejected, err := loadApplicantsForBatch(ctx, e, l.prog, *applicants, *photos, s.store)
		if err != nil {
			return err
		}
		if len(rejected) > 0 {
			fmt.Fprintf(e.stderr, "%d 行不合格，未为其生成文档（见上表）\n", len(rejected))
		}
		as := append([]program.Applicant(nil), set.Applicants...)
		l.order.Sort(as)
		in = &jobs.Inputs{Programme: l.prog, Applicants: as, Fonts: l.fonts, Order: l.order}
		in.BlockUntypesettable()
	} else {
		if p.Archive, p.Store, err = s.openArchive(ctx, e); err != nil {
			return err
		}
		if in, err = p.Inputs(ctx, sel); err != nil {
			return err
		}
		set := &program.ApplicantSet{Year: l.prog.Year, Applicants: in.Applicants}
		if err := jobs.AttachArchivedPhotos(ctx, p.Archive, p.Store, set); err != nil {
			return err
		}
	}
	in.Badges, in.Certify, in.CertifyID = p.Badges, p.Certify, p.CertifyID
	in.PlainPDF = !*pdfa
	sink := &jobs.DirSink{Dir: *out}
	progress, finish := progressFor(e, "生成文档")
	res, _, err := jobs.Render(ctx, cat, in, sel, sink, 0, progress)
	finish()
	if cerr := sink.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("写出文档：%w", cerr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已生成 %d 份文档（%s），位于 %s\n", sink.Written(), archive.HumanSize(res.Bytes), *out)
	var failed []string
	for _, b := range in.Blocked {
		failed = append(failed, fmt.Sprintf("第%d期 %s：%v", b.Applicant.Cohort, b.Applicant.Name, b.Problems))
	}
	for _, f := range res.Failures {
		failed = append(failed, fmt.Sprintf("%s：%v", f.Doc.Filename, f.Err))
	}
	if len(failed) == 0 {
		return nil
	}
	fmt.Fprintf(e.stderr, "\n以下 %d 项未能生成：\n", len(failed))
	for _, f := range failed {
		fmt.Fprintf(e.stderr, "  %s\n", f)
	}
	return &exitStatus{code: 2, err: fmt.Errorf("%d 项未能生成（见上），其余 %d 份已生成", len(failed), sink.Written())}
}
