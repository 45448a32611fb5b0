package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"linghang/jobs"
	"linghang/program"
)

// runDemo is the one command a new user runs: the bundled programme,
// generated sample applicants (with two deliberately faulty rows, to show
// validation), intake into the archive, then every document of the year
// generated and archived as one batch, with readable copies in --out.
func runDemo(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	n := fs.Int("n", 120, "样例学员人数")
	seed := fs.Int64("seed", 2022, "随机种子（相同种子生成相同数据）")
	var s settings
	s.register(fs)
	out := fs.String("out", "linghang-out", "样例数据和文档副本的输出目录")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang demo [--n 120] [--seed 2022] [--programme 文件] [--store 存储] [--out 目录]\n\n演示全流程：载入年度计划 → 生成样例学员（含2行故意出错的数据以演示校验）→ 导入并校验 →\n生成全部文档（通知、报名表、胸卡、名单、签到表）→ 作为一个批次归档。\n\n参数:")
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *n <= 0 || *n > 100000 {
		return fmt.Errorf("--n %d 超出范围（1–100000）", *n)
	}
	l, err := s.load(e)
	if err != nil {
		return err
	}
	prog := l.prog
	// The store is checked before any work, so a wrong address fails now.
	p, err := s.openPipeline(ctx, e, l)
	if err != nil {
		return err
	}
	start := time.Now()
	fmt.Fprintf(e.stdout, "年度计划：%d年 %s（%s），%d 个班次\n\n", prog.Year, prog.Title, prog.DocNumber, len(prog.Cohorts))

	// 1. Sample applicants as a host unit would send them: a workbook and a photo folder.
	sampleDir := filepath.Join(*out, "样例数据")
	if err := os.MkdirAll(sampleDir, 0o755); err != nil {
		return fmt.Errorf("创建输出目录 %s: %w", sampleDir, err)
	}
	apps := program.Sample(prog, *n, *seed)
	photosDir := filepath.Join(sampleDir, "照片")
	if err := writeSamplePhotos(ctx, photosDir, apps, *seed); err != nil {
		return err
	}
	withFaults := append(apps[:len(apps):len(apps)], demoFaults(prog, apps)...)
	var buf bytes.Buffer
	if err := program.SampleXLSX(&buf, prog, withFaults); err != nil {
		return fmt.Errorf("生成样例报名汇总表: %w", err)
	}
	xlsx := filepath.Join(sampleDir, "报名汇总.xlsx")
	if err := writeFileSynced(xlsx, buf.Bytes()); err != nil {
		return err
	}

	// 2. Intake: validate every row; the faulty rows are reported, the rest imported.
	set, rep, err := program.ImportFile(ctx, xlsx, program.ImportOptions{Programme: prog, PhotosDir: photosDir, Partial: true, Covers: l.fonts.Covers})
	if rep != nil {
		writeImportReport(e.stdout, rep, set, prog)
	}
	if err != nil {
		return err
	}
	if rep.Rejected > 0 {
		fmt.Fprintf(e.stdout, "（演示校验：样例中故意加入了 %d 行有误的数据，已被拒绝，其余照常导入）\n", len(withFaults)-len(apps))
	}
	_, entry, err := jobs.SaveApplicants(ctx, p.Archive, set)
	if err != nil {
		return fmt.Errorf("保存学员数据: %w", err)
	}
	fmt.Fprintf(e.stdout, "学员数据已存入归档：%s（第 %d 版）\n", entry.Key, entry.Version)
	// 3. Every document job of the year once, as the calendar would run
	// them, each archived as its own batch and recorded in the ledger.
	fmt.Fprintln(e.stdout)
	docsDir := filepath.Join(*out, "文档")
	rendered, runErr := demoRun(ctx, e, p, docsDir, *seed)
	fmt.Fprintf(e.stdout, "\n共生成 %d 份文档，用时 %.1f 秒。归档位置：%s\n", rendered, time.Since(start).Seconds(), p.Archive.Endpoint())
	if rendered > 0 {
		abs, _ := filepath.Abs(docsDir)
		fmt.Fprintf(e.stdout, "可直接打开的副本：%s\n", abs)
	}
	fmt.Fprintln(e.stdout, "\n试试：")
	fmt.Fprintln(e.stdout, "  linghang archive ls "+fmt.Sprint(prog.Year)+"/")
	if len(set.Applicants) > 0 {
		fmt.Fprintf(e.stdout, "  linghang archive find --kind 报名表 --name %s\n", set.Applicants[0].Name)
	}
	fmt.Fprintln(e.stdout, "  linghang archive verify")
	fmt.Fprintln(e.stdout, "  linghang serve            # 在浏览器中浏览、查询、下载归档文档")
	fmt.Fprintln(e.stdout, "  linghang jobs list         # 年度日程：各作业的触发时间")
	fmt.Fprintln(e.stdout, "  linghang jobs history      # 作业运行记录")
	return runErr
}

// demoFaults returns rows with the mistakes intake sees most: an ID that
// Excel turned into a number, and a man choosing a women-only cohort (when
// the programme has one).
func demoFaults(prog *program.Programme, apps []program.Applicant) []program.Applicant {
	if len(apps) == 0 {
		return nil
	}
	a := apps[0]
	a.ID, a.Name = "1.10105E+17", "赵演示"
	out := []program.Applicant{a}
	for _, c := range prog.Cohorts {
		if !c.WomenOnly {
			continue
		}
		for _, x := range apps {
			if x.Gender == "男" {
				x.Name, x.Cohort = "钱演示", c.Number
				x.ID = x.ID[:16] + "9" // odd sex digit: a man, with a fresh ID
				x.ID += string(program.IDCheckDigit(x.ID))
				return append(out, x)
			}
		}
	}
	return out
}
