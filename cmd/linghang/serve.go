package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"linghang/jobs"
	"linghang/web"
)

// runServe serves the archive pages (web package) until interrupted.
func runServe(ctx context.Context, e *env, args []string) error {
	af := newArchiveFlags(e, "serve", "[--addr HOST:PORT] [--token TOKEN] [--store …]",
		"启动归档库网页服务：按年度、类别、期次浏览，按题名、学员姓名、文号查询，查看版本历史并下载。")
	af.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang serve [--addr HOST:PORT] [--token TOKEN] [--store 目录|s3://…]\n\n启动归档库网页服务：按年度、类别、期次浏览，按题名、学员姓名、文号查询，查看版本历史并下载。\n\n参数:")
		af.PrintDefaults()
	}
	addr := af.String("addr", "127.0.0.1:8080", "监听地址")
	noSched := af.Bool("no-scheduler", false, "不在本进程中运行作业调度器（只提供网页）")
	progFile := af.String("programme", "", "年度计划 YAML 文件（默认 $LINGHANG_PROGRAMME，再默认内置的2022年计划）")
	schedFile := af.String("schedule-file", "", "日程文件 YAML（默认 $LINGHANG_SCHEDULE_FILE，再默认内置）")
	fontsDir := af.String("fonts", "", "字体目录（默认 $LINGHANG_FONTS）")
	token := af.String("token", "", "访问令牌（默认 $LINGHANG_WEB_TOKEN；为空则不校验，仅宜在本机使用）")
	if _, done, err := af.parse(args); done || err != nil {
		return err
	}
	if *token == "" {
		*token = e.getenv("LINGHANG_WEB_TOKEN")
	}
	// Programme, schedule and fonts are checked before anything starts.
	cfg := settings{store: *af.store, spool: *af.spool, fonts: *fontsDir, programme: *progFile, scheduleFile: *schedFile, order: "strokes"}
	l, err := cfg.load(e)
	if err != nil {
		return err
	}
	a, st, err := cfg.openArchiveRetrying(ctx, e)
	if err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	var sched *jobs.Scheduler
	if !*noSched {
		p, err := l.pipeline(e, a, st)
		if err != nil {
			return err
		}
		sched = newScheduler(e, p)
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	h, err := web.New(a, *token, log)
	if err != nil {
		return err
	}
	verify, err := certificateVerifier(e, a, l)
	if err != nil {
		return err
	}
	h.SetCertificateVerifier(verify)
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("监听 %s 失败: %w", *addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stdout, "归档库网页服务: http://%s/  （存储: %s；Ctrl-C 停止）\n", ln.Addr(), a.Endpoint())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	schedCtx, stopSched := context.WithCancel(ctx)
	schedDone := make(chan struct{})
	if sched != nil {
		if o, ok := sched.Next(time.Now()); ok {
			fmt.Fprintf(e.stdout, "作业调度器已在本进程中运行（%s），下一个作业：%s %s\n", l.schedule.File, jobs.FormatTime(o.At), jobLabel(l.schedule, o.Job, cohortList(o.Cohort)))
		} else {
			fmt.Fprintf(e.stdout, "作业调度器已在本进程中运行（%s）；暂无将来的作业（暂定日期不触发）\n", l.schedule.File)
		}
		go func() { defer close(schedDone); _ = sched.Run(schedCtx) }()
	} else {
		close(schedDone)
	}
	defer func() { stopSched(); <-schedDone }() // wait for a running job to stop
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shut); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
