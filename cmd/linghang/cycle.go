package main

import (
	"context"
	"errors"
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

// cycleResult is what one generation run did.
type cycleResult struct {
	RunID    string
	Docs     int
	Bytes    int64
	Failures []jobs.Failure
	Manifest *archive.Manifest
	Took     time.Duration
}

// copySink archives each document and, when dir is set, also writes a
// readable copy under dir with the archive's own layout (without versions).
type copySink struct {
	batch *archive.Batch
	dir   string
}

func (s copySink) Add(ctx context.Context, d archive.Doc) error {
	if _, err := s.batch.Add(ctx, d); err != nil {
		return err
	}
	if s.dir == "" {
		return nil
	}
	key, err := archive.DocKey(d)
	if err != nil {
		return err
	}
	p := filepath.Join(s.dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("写出副本 %s: %w", p, err)
	}
	return writeFileSynced(p, d.Body)
}

// generateCycle renders every document of the programme year for set and
// archives them as one batch (a job run): documents first, the manifest
// last. Documents that fail are reported; the rest are archived.
func generateCycle(ctx context.Context, e *env, a *archive.Archive, prog *program.Programme, set *program.ApplicantSet, outDir string, fonts *typeset.Fonts) (cycleResult, error) {
	start := time.Now()
	runID := jobs.RunID(ctx)
	if runID == "" {
		runID = jobs.NewRunID(start)
	}
	res := cycleResult{RunID: runID}
	created := prog.Date.Time
	if set != nil && !set.Imported.IsZero() {
		created = set.Imported
	}
	badges, err := cycleBadges(e, "a4-8", created)
	if err != nil {
		return res, err
	}
	docs, err := jobs.CycleDocs(prog, set, jobs.CycleOptions{Fonts: fonts, Badges: badges})
	if err != nil {
		return res, err
	}
	inputSHA := ""
	if set != nil {
		inputSHA = set.SourceSHA256
	}
	batch, err := a.Begin(ctx, runID, inputSHA)
	if err != nil {
		return res, fmt.Errorf("开始归档批次: %w", err)
	}
	var bar *progressbar.ProgressBar
	if f, ok := e.stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		bar = progressbar.NewOptions(len(docs), progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionSetDescription("生成并归档文档"), progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
	}
	gen, err := jobs.Generate(ctx, docs, copySink{batch: batch, dir: outDir}, 0, func(done, total int) {
		if bar != nil {
			_ = bar.Set(done)
		}
	})
	if bar != nil {
		_ = bar.Finish()
	}
	res.Docs, res.Bytes, res.Failures = gen.Done, gen.Bytes, gen.Failures
	if err != nil {
		// Interrupted: what was added stays journalled in the spool; the
		// next run or `linghang archive flush` completes the batch.
		return res, err
	}
	m, err := batch.Commit(ctx)
	res.Manifest, res.Took = m, time.Since(start)
	if err != nil {
		var se *archive.SpoolError
		if errors.As(err, &se) {
			return res, fmt.Errorf("文档已生成并暂存在本机 %s，但归档存储暂不可用：%w；存储恢复后运行 linghang archive flush 补交", a.SpoolDir(), err)
		}
		return res, fmt.Errorf("提交归档批次 %s: %w", runID, err)
	}
	return res, nil
}

func printCycle(e *env, a *archive.Archive, r cycleResult, outDir string) {
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
		set, err := currentApplicants(ctx, a, st, prog.Year)
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
