package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"linghang/jobs"
	"linghang/storage/archive"
)

// progressFor returns a progress callback drawing a bar on a terminal
// (nothing otherwise) and a func that finishes it.
func progressFor(e *env, what string) (func(done, total int), func()) {
	var bar *progressbar.ProgressBar
	f, ok := e.stderr.(*os.File)
	if !ok || !isatty.IsTerminal(f.Fd()) {
		return nil, func() {}
	}
	return func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(e.stderr),
					progressbar.OptionSetDescription(what), progressbar.OptionShowCount(),
					progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100*time.Millisecond))
			}
			_ = bar.Set(done)
		}, func() {
			if bar != nil {
				_ = bar.Finish()
			}
		}
}

// jobLabel names a run for the terminal: 报名截止（第3期）.
func jobLabel(sched *jobs.Schedule, job string, cohorts []int) string {
	label := job
	if r, ok := sched.Rule(job); ok && r.Title != "" {
		label = r.Title
		if i := strings.IndexAny(label, "："); i > 0 {
			label = label[:i]
		}
	}
	if len(cohorts) == 1 {
		label += fmt.Sprintf("（第%d期）", cohorts[0])
	} else if len(cohorts) > 1 {
		var s []string
		for _, c := range cohorts {
			s = append(s, fmt.Sprint(c))
		}
		label += "（第" + strings.Join(s, "、") + "期）"
	}
	return label
}

// printOutcome says what one run did, in one or two lines.
func printOutcome(e *env, label string, out jobs.Outcome) {
	defer func() {
		if out.WithdrawHeld > 0 {
			fmt.Fprintf(e.stdout, "%s：有 %d 份以前生成的文档这次不再生成，数量异常，未作废；请核对学员数据，确认无误后加 --withdraw-all 再运行一次以作废它们\n", label, out.WithdrawHeld)
		}
	}()
	switch out.Status {
	case jobs.StatusFailed:
		if out.Rendered > 0 {
			fmt.Fprintf(e.stdout, "%s：生成了 %d 份文档，但未能全部完成\n", label, out.Rendered)
		}
	case jobs.StatusSkipped:
		fmt.Fprintf(e.stdout, "%s：%v，本进程跳过\n", label, out.Held)
	case jobs.StatusNothing:
		if out.Rendered == 0 {
			if out.Planned == 0 {
				fmt.Fprintf(e.stdout, "%s：没有需要生成的文档\n", label)
			} else {
				fmt.Fprintf(e.stdout, "%s：输入未变，无需生成（%d 份文档均为最新）\n", label, out.Planned)
			}
		} else {
			fmt.Fprintf(e.stdout, "%s：重新生成 %d 份，内容与归档中的当前版本相同，未写入新版本\n", label, out.Rendered)
		}
	default:
		fmt.Fprintf(e.stdout, "%s：已生成 %d 份文档（%s），新版本 %d 份", label, out.Rendered, archive.HumanSize(out.Bytes), out.Stored)
		if out.Unchanged > 0 {
			fmt.Fprintf(e.stdout, "，与归档相同 %d 份", out.Unchanged)
		}
		if len(out.Withdrawn) > 0 {
			fmt.Fprintf(e.stdout, "，作废不再生成的文档 %d 份", len(out.Withdrawn))
		}
		if out.Manifest != nil {
			fmt.Fprintf(e.stdout, "；批次 %s", out.Manifest.RunID)
		}
		fmt.Fprintln(e.stdout)
	}
	if len(out.Failures) > 0 {
		fmt.Fprintf(e.stdout, "  有 %d 份文档未能生成：\n", len(out.Failures))
		for _, f := range out.Failures {
			fmt.Fprintf(e.stdout, "    %s：%v\n", f.Doc.Filename, f.Err)
		}
	}
}

// dueJobs groups what `run` runs now: for each document job, the cohorts
// whose trigger has passed (nil cohorts for a year job), in schedule
// order; and the triggers left out because their dates are tentative.
func dueJobs(p *jobs.Pipeline, now time.Time, all bool) (runs []jobs.Request, tentative []jobs.Occurrence, err error) {
	made := map[string]bool{}
	for _, j := range p.Catalogue.Jobs() {
		made[j] = true
	}
	dated, err := p.Schedule.Dated(p.Programme)
	if err != nil {
		return nil, nil, err
	}
	byJob := map[string][]int{}
	year := map[string]bool{}
	for _, o := range dated {
		if !made[o.Job] {
			continue
		}
		switch {
		case all:
		case o.Tentative:
			tentative = append(tentative, o)
			continue
		case o.At.After(now):
			continue
		}
		if o.Cohort == 0 {
			year[o.Job] = true
		} else if !containsInt(byJob[o.Job], o.Cohort) {
			byJob[o.Job] = append(byJob[o.Job], o.Cohort)
		}
	}
	for i := range p.Schedule.Rules {
		r := &p.Schedule.Rules[i]
		switch {
		case !made[r.Name]:
		case r.Periodic():
			// Periodic document jobs (the nightly refresh) make a subset of
			// what the dated ones make; `run --all` covers them.
			if all {
				runs = append(runs, jobs.Request{Job: r.Name})
			}
		case year[r.Name] || (all && r.Per == jobs.PerYear):
			runs = append(runs, jobs.Request{Job: r.Name})
		case len(byJob[r.Name]) > 0:
			cs := byJob[r.Name]
			if all {
				cs = nil
			}
			runs = append(runs, jobs.Request{Job: r.Name, Cohorts: cs})
		}
	}
	return runs, tentative, nil
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// runAll runs reqs one after another and prints each outcome. It
// returns the number of documents rendered and an error if any run failed.
func runAll(ctx context.Context, e *env, p *jobs.Pipeline, reqs []jobs.Request, force, withdrawMany bool, copyDir string) (rendered int, err error) {
	var errs []error
	var copy jobs.Sink
	if copyDir != "" {
		dir := &jobs.DirSink{Dir: filepath.Join(copyDir, fmt.Sprint(p.Programme.Year))}
		defer func() {
			if cerr := dir.Close(); cerr != nil {
				err = errors.Join(err, fmt.Errorf("复制到 %s：%w", copyDir, cerr))
			}
		}()
		copy = dir
	}
	for _, req := range reqs {
		req.Force, req.WithdrawMany = force, withdrawMany
		req.Copy = copy
		label := jobLabel(p.Schedule, req.Job, req.Cohorts)
		progress, finish := progressFor(e, label)
		req.Progress = progress
		_, out, rerr := p.Run(ctx, req)
		finish()
		printOutcome(e, label, out)
		rendered += out.Rendered
		if rerr != nil {
			var df *jobs.DocsFailed
			if !errors.As(rerr, &df) {
				fmt.Fprintf(e.stdout, "%s：失败：%v\n", label, rerr)
			}
			errs = append(errs, fmt.Errorf("%s：%w", label, rerr))
		}
		if ctx.Err() != nil {
			break
		}
	}
	return rendered, errors.Join(errs...)
}

// runRun is `linghang run`: every document job whose trigger has passed,
// now (idempotent: unchanged inputs render nothing); --all runs every
// document job for every cohort; --daemon keeps running the scheduler.
func runRun(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var s settings
	s.register(fs)
	out := fs.String("out", "", "另存一份可直接打开的副本到此目录（默认不另存）")
	all := fs.Bool("all", false, "不论触发时间，运行全部生成文档的作业（全部班次）")
	force := fs.Bool("force", false, "输入未变的文档也重新生成")
	withdrawAll := fs.Bool("withdraw-all", false, "不再生成的文档即使数量异常多也作废（确认学员数据无误后使用）")
	daemon := fs.Bool("daemon", false, "常驻运行调度器：按日程在触发时间运行各作业（Ctrl-C 停止）")
	legacy := fs.String("schedule", "", "（已取消）请改用 --daemon 与日程文件 --schedule-file")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang run [--all] [--force] [--out 目录] [--daemon] [--programme 文件] [--schedule-file 文件] [--store 存储]\n\n运行触发时间已到的各作业（日程见 linghang jobs list）：生成文档并归档，每个作业一个批次。\n输入未变的文档不重新生成；没有新内容时不写入任何版本或清单。日期为暂定的触发器不运行。\n\n参数:")
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *legacy != "" {
		return errors.New("--schedule 已取消：定时规则写在日程文件中（linghang jobs list 查看，--schedule-file 指定自己的文件），常驻运行请用 linghang run --daemon 或 linghang serve")
	}
	l, err := s.load(e)
	if err != nil {
		return err
	}
	if *daemon {
		return runDaemon(ctx, e, &s, l)
	}
	p, err := s.openPipeline(ctx, e, l)
	if err != nil {
		return err
	}
	now := time.Now()
	reqs, tentative, err := dueJobs(p, now, *all)
	if err != nil {
		return err
	}
	if len(tentative) > 0 {
		fmt.Fprintf(e.stdout, "有 %d 个触发器的日期为暂定（年度计划中 tentative: true），未运行；定下正式日期后自动生效，或用 linghang run --all 立即运行全部作业。\n", len(tentative))
	}
	if len(reqs) == 0 {
		fmt.Fprintf(e.stdout, "现在（%s）没有触发时间已到的作业。linghang jobs list 查看日程。\n", jobs.FormatTime(now.In(l.schedule.Location)))
		return nil
	}
	_, err = runAll(ctx, e, p, reqs, *force, *withdrawAll, *out)
	fmt.Fprintf(e.stdout, "归档位置：%s\n", p.Archive.Endpoint())
	if *out != "" {
		abs, _ := filepath.Abs(*out)
		fmt.Fprintf(e.stdout, "本次生成的文档另存在：%s\n", abs)
	}
	return err
}

// runDaemon runs the scheduler in the foreground until interrupted. An
// unreachable store at start-up or later is reported and retried.
func runDaemon(ctx context.Context, e *env, s *settings, l *loaded) error {
	a, st, err := s.openArchiveRetrying(ctx, e)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	p, err := l.pipeline(e, a, st)
	if err != nil {
		return err
	}
	sch := newScheduler(e, p)
	if o, ok := sch.Next(time.Now()); ok {
		fmt.Fprintf(e.stdout, "调度器已启动（%s），下一个作业：%s %s（Ctrl-C 停止）\n", l.schedule.File, jobs.FormatTime(o.At), jobLabel(l.schedule, o.Job, cohortList(o.Cohort)))
	} else {
		fmt.Fprintln(e.stdout, "调度器已启动；日程中没有将来的作业（暂定日期不触发）。Ctrl-C 停止。")
	}
	err = sch.Run(ctx)
	fmt.Fprintln(e.stdout, "调度器已停止。")
	return err
}

func cohortList(n int) []int {
	if n == 0 {
		return nil
	}
	return []int{n}
}

func newScheduler(e *env, p *jobs.Pipeline) *jobs.Scheduler {
	return &jobs.Scheduler{Schedule: p.Schedule, Programme: p.Programme, Ledger: jobs.NewLedger(p.Store, nil), Runner: p, Log: newLogger(e)}
}

// demoRun runs every document job once over the archived applicants, as
// the calendar would over a year, with readable copies in outDir. After
// the host units' templates are made, sample summaries are submitted as
// if each host unit had filled them in, so the summary reports and the
// evaluation have something to show.
func demoRun(ctx context.Context, e *env, p *jobs.Pipeline, outDir string, seed int64) (int, error) {
	reqs, _, err := dueJobs(p, time.Now(), true)
	if err != nil {
		return 0, err
	}
	total := 0
	var errs []error
	for _, req := range reqs {
		n, err := runAll(ctx, e, p, []jobs.Request{req}, false, false, outDir)
		total += n
		if err != nil {
			errs = append(errs, err)
		}
		if req.Job == jobs.JobSummaryTemplate {
			set, err := jobs.LoadApplicantSet(ctx, p.Archive, p.Programme.Year)
			if err != nil {
				return total, err
			}
			k, err := jobs.ImportSampleSummaries(ctx, p.Archive, p.Programme, set.Applicants, uint64(seed))
			if err != nil {
				return total, fmt.Errorf("导入样例总结：%w", err)
			}
			fmt.Fprintf(e.stdout, "（演示：%d 期的承办单位已“填写并提交”样例总结材料）\n", k)
		}
		if ctx.Err() != nil {
			break
		}
	}
	return total, errors.Join(errs...)
}
