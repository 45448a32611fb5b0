package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"linghang/jobs"
)

func jobsCommands() map[string]command {
	return map[string]command{
		"list":    {"年度日程：每个触发器及其时间（按时间排序，暂定的注明）", jobsList},
		"run":     {"立即运行一个作业：linghang jobs run NAME [--cohort N] [--force]", jobsRun},
		"history": {"作业运行记录：linghang jobs history [NAME]", jobsHistory},
	}
}

func runJobs(ctx context.Context, e *env, args []string) error {
	cmds := jobsCommands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		names := make([]string, 0, len(cmds))
		for n := range cmds {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintln(e.stdout, "用法: linghang jobs <操作> [参数]\n\n作业按日程文件（内置 templates/schedule.yaml，或 --schedule-file）在各期日期前后运行；\n每次运行记录在归档中（_jobs/），重启后仍在。\n\n操作:")
		for _, n := range names {
			fmt.Fprintf(e.stdout, "  %-8s %s\n", n, cmds[n].summary)
		}
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		return fmt.Errorf("未知的作业操作 %q（可选: list, run, history）", args[0])
	}
	return c.run(ctx, e, args[1:])
}

func jobsList(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("jobs list", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var s settings
	s.register(fs)
	at := fs.String("now", "", "按此时间列出（YYYY-MM-DD 或 YYYY-MM-DD HH:MM，北京时间）；默认现在")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang jobs list [--programme 文件] [--schedule-file 文件] [--now 时间]\n\n按时间列出年度计划的每个触发器：时间（注明时区）、作业、班次；日期暂定的注明“暂定”（不会自动运行）。\n\n参数:")
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	l, err := s.load(e)
	if err != nil {
		return err
	}
	now := time.Now()
	if *at != "" {
		if now, err = parseLocalTime(*at, l.schedule.Location); err != nil {
			return err
		}
	}
	list, err := l.schedule.List(l.prog, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%d年日程（%s，时区 %s），现在 %s\n\n", l.prog.Year, l.schedule.File, l.schedule.Location, jobs.FormatTime(now.In(l.schedule.Location)))
	var rows [][]string
	nextMarked := false
	for _, it := range list {
		state := ""
		switch {
		case it.Periodic:
			state = "周期"
		case it.Tentative:
			state = "暂定"
		case it.Past:
			state = "已过"
		case !nextMarked:
			state, nextMarked = "下次", true
		}
		who := "全年"
		if it.Cohort > 0 {
			if c, ok := l.prog.Cohort(it.Cohort); ok {
				who = c.Title()
			}
		}
		if it.Periodic {
			who = "—"
			if r, ok := l.schedule.Rule(it.Job); ok && r.WhileRegistration {
				who = "报名中的各期"
			}
		}
		when := jobs.FormatTime(it.At)
		if it.Periodic {
			when = "下次 " + when
		}
		rows = append(rows, []string{when, state, it.Job, who, it.Trigger, it.Title})
	}
	printTable(e.stdout, []string{"时间", "状态", "作业", "班次", "触发", "说明"}, rows)
	tentative := 0
	for _, it := range list {
		if it.Tentative {
			tentative++
		}
	}
	if tentative > 0 {
		fmt.Fprintf(e.stdout, "\n%d 个触发器的日期为暂定（年度计划中 tentative: true），不会自动运行；定下正式日期后删去 tentative 即生效。\n", tentative)
	}
	return nil
}

func parseLocalTime(s string, loc *time.Location) (time.Time, error) {
	for _, layout := range []string{"2006-01-02 15:04", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSpace(s), loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("时间 %q 无效：应为 YYYY-MM-DD 或 YYYY-MM-DD HH:MM", s)
}

func jobsRun(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("jobs run", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var s settings
	s.register(fs)
	cohort := fs.Int("cohort", 0, "只运行这一期（期数）；默认全部班次")
	force := fs.Bool("force", false, "输入未变的文档也重新生成")
	withdrawAll := fs.Bool("withdraw-all", false, "不再生成的文档即使数量异常多也作废（确认学员数据无误后使用）")
	out := fs.String("out", "", "另存一份可直接打开的副本到此目录")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang jobs run NAME [--cohort N] [--force] [--withdraw-all] [--out 目录]\n\n立即运行作业 NAME（linghang jobs list 查看作业名），不论其触发时间与暂定日期。\n\n参数:")
		fs.PrintDefaults()
	}
	pos, help, err := parseWithArgs(fs, args)
	if help || err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errors.New("请给出一个作业名，如 linghang jobs run registration-close --cohort 3")
	}
	l, err := s.load(e)
	if err != nil {
		return err
	}
	name := pos[0]
	rule, ok := l.schedule.Rule(name)
	if !ok {
		var names []string
		for _, r := range l.schedule.Rules {
			names = append(names, r.Name)
		}
		return fmt.Errorf("日程中没有作业 %q（可选：%s）", name, strings.Join(names, "、"))
	}
	var cohorts []int
	if *cohort != 0 {
		if _, ok := l.prog.Cohort(*cohort); !ok {
			return fmt.Errorf("--cohort %d 无效：%d年计划共%d期", *cohort, l.prog.Year, len(l.prog.Cohorts))
		}
		if !rule.Periodic() && rule.Per == jobs.PerYear {
			return fmt.Errorf("作业 %s 每年一次，不分班次：请去掉 --cohort", name)
		}
		cohorts = []int{*cohort}
	}
	p, err := s.openPipeline(ctx, e, l)
	if err != nil {
		return err
	}
	_, err = runAll(ctx, e, p, []jobs.Request{{Job: name, Cohorts: cohorts}}, *force, *withdrawAll, *out)
	return err
}

func jobsHistory(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("jobs history", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var s settings
	s.register(fs)
	limit := fs.Int("n", 50, "最多显示最近几条")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang jobs history [NAME] [--n 50] [--store 存储]\n\n显示作业运行记录（最新的在后）：作业、班次、触发、计划时间、开始与结束、状态、尝试次数、生成的文档数、错误。\n\n参数:")
		fs.PrintDefaults()
	}
	pos, help, err := parseWithArgs(fs, args)
	if help || err != nil {
		return err
	}
	if len(pos) > 1 {
		return fmt.Errorf("多余的参数 %q", pos[1:])
	}
	name := ""
	if len(pos) == 1 {
		name = pos[0]
	}
	_, st, err := s.openArchive(ctx, e)
	if err != nil {
		return err
	}
	recs, err := jobs.NewLedger(st, nil).History(ctx, name)
	if err != nil {
		return err
	}
	if len(recs) == 0 {
		fmt.Fprintln(e.stdout, "还没有运行记录。")
		return nil
	}
	if len(recs) > *limit && *limit > 0 {
		recs = recs[len(recs)-*limit:]
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	var rows [][]string
	for _, r := range recs {
		cohort := "—"
		if r.Cohort > 0 {
			cohort = fmt.Sprintf("第%d期", r.Cohort)
		}
		sched := "—"
		if !r.Scheduled.IsZero() {
			sched = r.Scheduled.In(loc).Format("2006-01-02 15:04")
		}
		end := "—"
		if !r.End.IsZero() {
			end = r.End.In(loc).Format("15:04:05")
		}
		docs := fmt.Sprintf("%d/%d/%d", r.Docs, r.Rendered, r.Stored)
		if len(r.Withdrawn) > 0 {
			docs += fmt.Sprintf("，作废 %d", len(r.Withdrawn))
		}
		if r.WithdrawHeld > 0 {
			docs += fmt.Sprintf("，%d 份不再生成但数量异常未作废", r.WithdrawHeld)
		}
		note := r.Err
		if note == "" && len(r.Failures) > 0 {
			note = fmt.Sprintf("%d 份文档未能生成", len(r.Failures))
		}
		rows = append(rows, []string{r.ID, r.Job, cohort, r.Trigger, sched, r.Start.In(loc).Format("2006-01-02 15:04:05"), end,
			r.Status.Chinese(), fmt.Sprint(len(r.Attempts)), docs, note})
	}
	printTable(e.stdout, []string{"运行编号", "作业", "班次", "触发", "计划时间", "开始", "结束", "状态", "尝试", "文档 计划/生成/新版本", "错误"}, rows)
	fmt.Fprintln(e.stdout, "\n时间均为北京时间（Asia/Shanghai）。")
	return nil
}

func printTable(w io.Writer, header []string, rows [][]string) {
	_ = writeTable(w, append([][]string{header}, rows...))
}
