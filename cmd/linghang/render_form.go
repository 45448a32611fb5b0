package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"

	"linghang/jobs"
	"linghang/program"
)

// renderForm implements `linghang render form --blank [--programme FILE]
// -o FILE.pdf`: the blank 报名表 (附件2) of the programme's year.
func renderForm(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("render form", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	blank := fs.Bool("blank", false, "生成空白报名表（必填）")
	progFile := fs.String("programme", "", "年度计划 YAML 文件（默认：内置的2022年计划）")
	out := fs.String("o", "", "输出的 PDF 文件（必填）")
	fontsDir := fs.String("fonts", "", "字体目录（默认 $LINGHANG_FONTS，再找系统字体，最后用内置字体）")
	pdfa := pdfaFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang render form --blank [--programme 计划.yaml] -o 报名表.pdf\n\n生成空白报名表（附件2），班次列表取自年度计划。已填写的报名表请用 linghang render forms。\n\n参数:")
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if !*blank {
		return errors.New("render form 只生成空白报名表，请加 --blank；学员已填写的报名表请用 linghang render forms --applicants 学员.xlsx -o 目录")
	}
	if *out == "" {
		return errors.New("请用 -o 指定输出的 PDF 文件")
	}
	p, err := loadProgramme(*progFile)
	if err != nil {
		return err
	}
	fonts, err := loadFonts(e, *fontsDir)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := renderEntry(&buf, "form-blank", &jobs.Inputs{Programme: p, Fonts: fonts, PlainPDF: !*pdfa}); err != nil {
		return fmt.Errorf("生成空白报名表: %w", err)
	}
	if err := writeFileSynced(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已生成%d年空白报名表: %s\n", p.Year, *out)
	return nil
}

// renderForms implements `linghang render forms --applicants FILE
// [--photos DIR] [--cohort N] -o DIR`: the catalogue's per-applicant
// forms and per-cohort bound copies, written to a folder with the
// archive's layout (第03期-江苏省科协党校班/报名表/报名表-张三-002X.pdf).
// An applicant whose form cannot be made (a character no font has, a
// corrupt photo) is reported at the end and left out of the bound copy;
// the others are all written, and the exit status is 2.
// keepFormsUpTo bounds the forms render forms keeps laid out for the
// bound copies (≈50 KB each): all forms are made before any bound copy.
const keepFormsUpTo = 3000

func renderForms(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("render forms", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var s settings
	s.register(fs)
	applicants := fs.String("applicants", "", "学员数据文件 XLSX/CSV/JSON（默认：归档中的当前学员数据）")
	photos := fs.String("photos", "", "照片文件夹（与 --applicants 一起使用）")
	cohort := fs.Int("cohort", 0, "只生成这一期（期数）；默认全部班次")
	out := fs.String("o", "", "输出目录（必填）")
	pdfa := pdfaFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang render forms --applicants 学员.xlsx [--photos 照片目录] [--cohort 3] -o 输出目录\n\n为每位学员生成已填写的报名表 PDF（第03期-江苏省科协党校班/报名表/报名表-张三-1234.pdf），\n并为每期生成一份合订本（按 --order 排序，与学员名单一致）。\n\n参数:")
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *out == "" {
		return errors.New("请用 -o 指定输出目录")
	}
	l, err := s.load(e)
	if err != nil {
		return err
	}
	p := l.prog
	var cohorts []int
	if *cohort != 0 {
		if _, ok := p.Cohort(*cohort); !ok {
			return fmt.Errorf("--cohort %d 无效：%d年计划共%d期", *cohort, p.Year, len(p.Cohorts))
		}
		cohorts = []int{*cohort}
	}
	set, rejected, err := loadApplicantsForBatch(ctx, e, p, *applicants, *photos, s.store)
	if err != nil {
		return err
	}
	var apps []program.Applicant
	for _, a := range set.Applicants {
		if *cohort == 0 || a.Cohort == *cohort {
			apps = append(apps, a)
		}
	}
	if len(apps) == 0 {
		if len(rejected) > 0 {
			return &exitStatus{code: 2, err: fmt.Errorf("没有可生成报名表的学员：%d 行数据不合格（见上表）", len(rejected))}
		}
		return fmt.Errorf("没有需要生成报名表的学员（第%d期无学员）", *cohort)
	}
	l.order.Sort(apps)
	cat := jobs.DefaultCatalogue()
	sink := &jobs.DirSink{Dir: *out}
	in := &jobs.Inputs{Programme: p, Applicants: apps, Fonts: l.fonts, Order: l.order, PlainPDF: !*pdfa}
	if len(apps) <= keepFormsUpTo {
		// The bound copies below take the forms as laid out for their
		// PDFs instead of laying them out again.
		for _, c := range p.Cohorts {
			in.KeepForms(c.Number)
		}
	}
	progress, finish := progressFor(e, "生成报名表")
	res, plan, err := jobs.Render(ctx, cat, in, jobs.Selection{Entries: []string{"form"}, Cohorts: cohorts}, sink, 0, progress)
	finish()
	if err != nil {
		sink.Close() // what was written stays whole
		return fmt.Errorf("生成报名表被中断（已完成 %d 份）: %w", res.Done, err)
	}
	// Bound copies hold the forms that were made, in roster order.
	failedIDs := map[string]error{}
	for _, f := range res.Failures {
		for _, d := range plan {
			if d.Doc.Filename == f.Doc.Filename && d.Doc.Cohort == f.Doc.Cohort && d.Subject.Applicant != nil {
				failedIDs[d.Subject.Applicant.ID] = f.Err
			}
		}
	}
	var good []program.Applicant
	var failed []string
	for _, a := range apps {
		if err, bad := failedIDs[a.ID]; bad {
			where := "" // applicants read back from the archive have no source row
			if a.Row > 0 {
				where = fmt.Sprintf("，第%d行", a.Row)
			}
			failed = append(failed, fmt.Sprintf("第%d期 %s（身份证号尾号%s%s）：%v", a.Cohort, a.Name, formIDTail(a.ID), where, err))
			continue
		}
		good = append(good, a)
	}
	in.Applicants = good
	bres, _, err := jobs.Render(ctx, cat, in, jobs.Selection{Entries: []string{"forms-bound"}, Cohorts: cohorts}, sink, 0, nil)
	if cerr := sink.Close(); cerr != nil && err == nil {
		return fmt.Errorf("写出报名表：%w", cerr)
	}
	if err != nil {
		return fmt.Errorf("生成合订本被中断: %w", err)
	}
	for _, f := range bres.Failures {
		failed = append(failed, fmt.Sprintf("第%d期合订本：%v", f.Doc.Cohort, f.Err))
	}
	if res.Done+bres.Done > 0 {
		fmt.Fprintf(e.stdout, "已生成 %d 份报名表、%d 份班次合订本，位于 %s\n", res.Done, bres.Done, *out)
	} else {
		fmt.Fprintln(e.stdout, "未生成任何报名表。")
	}
	failed = append(rejected, failed...)
	if len(failed) == 0 {
		return nil
	}
	fmt.Fprintf(e.stderr, "\n以下 %d 名学员的报名表未能生成：\n", len(failed))
	for _, f := range failed {
		fmt.Fprintf(e.stderr, "  %s\n", f)
	}
	if res.Done == 0 {
		return &exitStatus{code: 2, err: fmt.Errorf("%d 名学员的报名表都未能生成（见上）", len(failed))}
	}
	return &exitStatus{code: 2, err: fmt.Errorf("%d 名学员的报名表未能生成（见上），其余 %d 份已生成", len(failed), res.Done)}
}

func formIDTail(id string) string {
	if len(id) < 4 {
		return id
	}
	return id[len(id)-4:]
}
