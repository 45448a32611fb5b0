package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"linghang/jobs"
	"linghang/program"
	"linghang/render/typeset"
	"linghang/storage/archive"
)

// generateCycle renders and archives every document of the year
// (jobs.RunCycle) with a progress bar on a terminal.
func generateCycle(ctx context.Context, e *env, a *archive.Archive, prog *program.Programme, set *program.ApplicantSet, outDir string, fonts *typeset.Fonts) (jobs.CycleResult, error) {
	created := prog.Date.Time
	if set != nil && !set.Imported.IsZero() {
		created = set.Imported
	}
	badges, err := cycleBadges(e, "a4-8", created)
	if err != nil {
		return jobs.CycleResult{}, err
	}
	var bar *progressbar.ProgressBar
	progress := func(done, total int) {
		if bar == nil {
			if f, ok := e.stderr.(*os.File); !ok || !isatty.IsTerminal(f.Fd()) {
				return
			}
			bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(e.stderr),
				progressbar.OptionSetDescription("生成并归档文档"), progressbar.OptionShowCount(),
				progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
		}
		_ = bar.Set(done)
	}
	r, err := jobs.RunCycle(ctx, a, prog, set, jobs.CycleOptions{Fonts: fonts, Badges: badges}, outDir, progress)
	if bar != nil {
		_ = bar.Finish()
	}
	return r, err
}

func printCycle(e *env, a *archive.Archive, r jobs.CycleResult, outDir string) {
	fmt.Fprintf(e.stdout, "\n已生成并归档 %d 份文档（%s，用时 %.1f 秒），批次 %s\n", r.Docs, archive.HumanSize(r.Bytes), r.Took.Seconds(), r.RunID)
	fmt.Fprintf(e.stdout, "归档位置：%s\n", a.Endpoint())
	if outDir != "" {
		abs, _ := filepath.Abs(outDir)
		fmt.Fprintf(e.stdout, "可直接打开的副本：%s\n", abs)
	}
	if len(r.Failures) > 0 {
		fmt.Fprintf(e.stdout, "\n有 %d 份文档未能生成：\n", len(r.Failures))
		for _, f := range r.Failures {
			fmt.Fprintf(e.stdout, "  %s：%v\n", f.Doc.Filename, f.Err)
		}
	}
}

// runRun is the main job: every document of the year from the current
// applicant set in the archive, once or on a cron schedule.
func runRun(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	progFile := fs.String("programme", "", "年度计划 YAML 文件（默认：内置的2022年计划）")
	store := fs.String("store", "", "归档存储：本地目录或 s3://存储桶/前缀（默认 $LINGHANG_STORE，再默认 ./linghang-data）")
	out := fs.String("out", "", "另存一份可直接打开的副本到此目录（默认不另存）")
	fontsDir := fs.String("fonts", "", "字体目录（默认 $LINGHANG_FONTS，再找系统字体，最后用内置字体）")
	schedule := fs.String("schedule", "", "定时规则（cron 5段式或 @daily 等），如 \"0 2 * * *\"；为空则只运行一次")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang run [--programme 文件] [--store 存储] [--out 目录] [--schedule 规则]\n\n主作业：按当前学员数据生成该年度全部文档（通知、报名表、胸卡、名单、签到表）并作为一个批次归档。\n\n参数:")
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *schedule != "" {
		if _, err := jobs.ParseSpec(*schedule); err != nil { // fail at start, not at 3 a.m.
			return err
		}
	}
	prog, err := loadProgramme(*progFile)
	if err != nil {
		return err
	}
	fonts, err := loadFonts(e, *fontsDir)
	if err != nil {
		return err
	}
	a, st, err := openArchive(ctx, e, *store)
	if err != nil {
		return err
	}
	job := func(ctx context.Context) error {
		set, err := jobs.LoadApplicants(ctx, a, st, prog.Year)
		if err != nil {
			return err
		}
		r, err := generateCycle(ctx, e, a, prog, set, *out, fonts)
		printCycle(e, a, r, *out)
		if err == nil && len(r.Failures) > 0 {
			err = fmt.Errorf("%d 份文档未能生成", len(r.Failures))
		}
		return err
	}
	if *schedule == "" {
		return job(jobs.WithRunID(ctx, jobs.NewRunID(time.Now())))
	}
	s := jobs.New(jobs.Options{Logger: newLogger(e)})
	if err := s.Add(jobs.Job{Name: "cycle", Spec: *schedule, Timeout: 2 * time.Hour, Retries: 2, Backoff: time.Minute, Run: job}); err != nil {
		return err
	}
	next, _ := s.Next("cycle", time.Now())
	fmt.Fprintf(e.stdout, "按“%s”定时运行，下次：%s（Ctrl-C 停止）\n", *schedule, next.Format("2006-01-02 15:04"))
	s.Start()
	<-ctx.Done()
	fmt.Fprintln(e.stdout, "正在停止：等待运行中的作业结束……")
	stop, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	return s.Stop(stop)
}
