package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"linghang/jobs"
	"linghang/program"
	"linghang/render"
)

const summaryAbout = `承办单位总结材料。

  linghang summary import --cohort N 文件...

导入承办单位按总结模板填写的总结报告（DOCX）与总结数据（XLSX），两者可一起或分别提交。
先逐一检查：是否为该期的模板（模板标识）、各部分是否已填写（只有提示文字视为未填写）、
考勤与评分是否有效；所有问题一次列出（文件、部分或工作表、单元格、原因），有任何问题则
不保存任何内容，退出状态 2。全部合格时，原件按收到的样子（带 SHA-256）与解析出的数据
一起存入归档库（类别“总结”）；再次提交产生新版本，报告使用最新版本。`

func runSummary(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stdout, "用法: linghang summary import --cohort N 总结报告.docx 总结数据.xlsx\n\n"+summaryAbout)
		return nil
	}
	if args[0] != "import" {
		return fmt.Errorf("未知的 summary 子命令 %q（可选: import）", args[0])
	}
	fs := flag.NewFlagSet("summary import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cohort := fs.Int("cohort", 0, "班次（期数）")
	store := fs.String("store", "", "归档存储（默认 $LINGHANG_STORE，再默认 ./linghang-data）")
	programme := fs.String("programme", "", "年度计划 YAML 文件（默认：内置的2022年计划）")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法: linghang summary import --cohort N 文件...\n\n%s\n\n参数:\n", summaryAbout)
		fs.PrintDefaults()
	}
	files, help, err := parseWithArgs(fs, args[1:])
	if help || err != nil {
		return err
	}
	if *cohort == 0 {
		fs.Usage()
		return errors.New("请用 --cohort N 指定班次")
	}
	if len(files) == 0 {
		fs.Usage()
		return errors.New("请给出要导入的总结文件（DOCX 和/或 XLSX）")
	}
	prog, err := loadProgramme(*programme)
	if err != nil {
		return err
	}
	var in []jobs.SummaryFile
	for _, path := range files {
		st, err := os.Stat(path)
		if err != nil {
			return fmt.Errorf("读取 %s：%w", path, err)
		}
		if st.Size() > program.MaxSummaryFile {
			return &exitStatus{code: 2, err: fmt.Errorf("%s：文件过大（%d MB），总结模板填写后应远小于 %d MB；未导入任何内容", path, st.Size()>>20, program.MaxSummaryFile>>20)}
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("读取 %s：%w", path, err)
		}
		in = append(in, jobs.SummaryFile{Name: filepath.Base(path), Data: b})
	}
	a, _, err := openArchive(ctx, e, *store)
	if err != nil {
		return err
	}
	s, m, err := jobs.ImportSummary(ctx, a, prog, *cohort, in, time.Now())
	var se program.SummaryErrors
	if errors.As(err, &se) {
		for _, x := range se {
			fmt.Fprintln(e.stderr, x.Error())
		}
		return &exitStatus{code: 2, err: fmt.Errorf("总结材料有 %d 处问题（见上），未导入任何内容；请修正后重新提交", len(se))}
	}
	if err != nil {
		return err
	}
	c, _ := prog.Cohort(*cohort)
	if m == nil {
		fmt.Fprintf(e.stdout, "%s：与归档中的总结完全相同，未产生新版本\n", c.Title())
		return nil
	}
	parts := []string{}
	if s.HasNarrative() {
		parts = append(parts, "总结报告")
	}
	if s.HasData() {
		rate, _ := s.AttendanceRate()
		parts = append(parts, fmt.Sprintf("总结数据（日程 %d 项，考勤 %d 人，出勤率 %.1f%%，反馈 %d 份）", len(s.Schedule), len(s.Attendance), rate*100, s.Respondents()))
	}
	fmt.Fprintf(e.stdout, "%s：已导入并归档（批次 %s）；现有 %s\n", c.Title(), m.RunID, strings.Join(parts, "、"))
	if s.Submitted().IsZero() {
		fmt.Fprintf(e.stdout, "尚缺：%s\n", missingPart(s))
	}
	return nil
}

func missingPart(s *program.Summary) string {
	if !s.HasNarrative() {
		return "总结报告（DOCX）"
	}
	return "总结数据（XLSX）"
}

// summaryFlags are the flags of the summary documents' render commands.
type summaryFlags struct {
	listFlags
	format string
}

func (l *summaryFlags) parse(e *env, name, usage, about string, formats []string, args []string) (bool, error) {
	fs := flag.NewFlagSet("render "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	l.register(fs)
	fs.StringVar(&l.format, "format", "", strings.Join(formats, " | ")+"（默认按 -o 的扩展名）")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法: %s\n\n%s\n\n参数:\n", usage, about)
		fs.PrintDefaults()
	}
	help, err := parseFlags(fs, args)
	if help || err != nil {
		return true, err
	}
	if l.format == "" {
		l.format = strings.TrimPrefix(strings.ToLower(filepath.Ext(l.out)), ".")
	}
	l.format = strings.ToLower(strings.TrimSpace(l.format))
	for _, f := range formats {
		if l.format == f {
			return false, nil
		}
	}
	return true, fmt.Errorf("无法确定格式：请用 --format %s，或让 -o 以相应扩展名结尾（现为 %q）", strings.Join(formats, "|"), l.out)
}

func renderSummaryTemplate(ctx context.Context, e *env, args []string) error {
	var l summaryFlags
	if stop, err := l.parse(e, "summary-template", "linghang render summary-template --cohort N [--applicants 文件] --format docx|xlsx -o 文件",
		"生成承办单位的总结模板：DOCX 为总结报告（标题、基本信息、五个部分及填写提示、学员名单），\nXLSX 为总结数据（活动日程、学员考勤、学员反馈汇总，带下拉列表、评分范围与保护）。",
		[]string{"docx", "xlsx"}, args); stop || err != nil {
		return err
	}
	if l.cohort == 0 {
		return errors.New("请用 --cohort N 指定班次（总结模板按期生成）")
	}
	prog, as, order, err := l.load(ctx, e)
	if err != nil {
		return err
	}
	opts := render.SummaryTemplateOptions{Order: order}
	write := func(w io.Writer) error { return render.SummaryTemplateDOCX(w, prog, l.cohort, as, opts) }
	if l.format == "xlsx" {
		write = func(w io.Writer) error { return render.SummaryTemplateXLSX(w, prog, l.cohort, as, opts) }
	}
	if err := saveRendered(e, l.out, write); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "已生成总结模板 %s（模板标识 %s）\n", l.out, program.SummaryTemplateID(prog.Year, l.cohort))
	return nil
}

// loadSummaries reads the imported summaries from the archive.
func loadSummaries(ctx context.Context, e *env, prog *program.Programme, store string) (map[int]*program.Summary, error) {
	a, _, err := openArchive(ctx, e, store)
	if err != nil {
		return nil, err
	}
	return jobs.LoadSummaries(ctx, a, prog)
}

func renderSummaryReport(ctx context.Context, e *env, args []string) error {
	var l summaryFlags
	if stop, err := l.parse(e, "summary", "linghang render summary --cohort N [--applicants 文件] [--format pdf|xlsx] -o 总结报告.pdf",
		"生成某期的活动总结报告 PDF：活动概况；学员构成（据学员数据计算，每项一张条形图和表）；\n考勤、反馈与日程（据承办单位提交的总结数据）；承办单位的总结报告正文。未提交的部分注明“承办单位尚未提交”。\nXLSX 含同样的表格与 Excel 图表。",
		[]string{"pdf", "xlsx"}, args); stop || err != nil {
		return err
	}
	if l.cohort == 0 {
		return errors.New("请用 --cohort N 指定班次（总结报告按期生成）")
	}
	prog, as, _, err := l.load(ctx, e)
	if err != nil {
		return err
	}
	sums, err := loadSummaries(ctx, e, prog, l.store)
	if err != nil {
		return err
	}
	opts := render.ReportOptions{Fonts: l.fonts} // resolved by l.load
	write := func(w io.Writer) error { return render.SummaryReportPDF(w, prog, l.cohort, as, sums[l.cohort], opts) }
	if l.format == "xlsx" {
		write = func(w io.Writer) error { return render.SummaryReportXLSX(w, prog, l.cohort, as, sums[l.cohort], opts) }
	}
	if err := saveRendered(e, l.out, write); err != nil {
		return err
	}
	state := "承办单位尚未提交总结"
	if s := sums[l.cohort]; !s.Submitted().IsZero() {
		state = "据 " + s.Submitted().In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04") + " 提交的总结"
	}
	fmt.Fprintf(e.stderr, "已生成活动总结报告 %s（%s）\n", l.out, state)
	return nil
}

func renderEvaluation(ctx context.Context, e *env, args []string) error {
	var l summaryFlags
	if stop, err := l.parse(e, "evaluation", "linghang render evaluation [--programme 文件] [--applicants 文件] [--format pdf|xlsx] -o 年度评估.pdf",
		"生成年度评估：全部班次并列比较（学员与出勤、学员构成、反馈评分、总结是否按时提交），\n每项一张比较图，并按总体满意度、出勤率、按时提交排名。XLSX 每项一个工作表并带图表。",
		[]string{"pdf", "xlsx"}, args); stop || err != nil {
		return err
	}
	prog, as, _, err := l.load(ctx, e)
	if err != nil {
		return err
	}
	sums, err := loadSummaries(ctx, e, prog, l.store)
	if err != nil {
		return err
	}
	opts := render.ReportOptions{Fonts: l.fonts} // resolved by l.load
	write := func(w io.Writer) error { return render.EvaluationPDF(w, prog, as, sums, opts) }
	if l.format == "xlsx" {
		write = func(w io.Writer) error { return render.EvaluationXLSX(w, prog, as, sums, opts) }
	}
	if err := saveRendered(e, l.out, write); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "已生成年度评估 %s（%d 期中 %d 期已提交总结）\n", l.out, len(prog.Cohorts), len(sums))
	return nil
}
