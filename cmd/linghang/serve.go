package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"linghang/jobs"
	"linghang/program"
	"linghang/web"
)

// runServe serves the web pages and the API (web package) and runs the
// job scheduler in the same process until interrupted.
func runServe(ctx context.Context, e *env, args []string) error {
	const about = "启动网页服务：总部、承办单位、档案各自的中文页面，/api/ 接口，/healthz、/readyz、/metrics；同一进程中运行作业调度器。\n" +
		"账户用 linghang users add 创建，API 令牌用 linghang tokens create 创建。"
	af := newArchiveFlags(e, "serve", "", about)
	af.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang serve [--addr HOST:PORT] [--store 目录|s3://…] [--accounts 文件] [--tls-cert 文件 --tls-key 文件]\n\n"+about+"\n\n参数:")
		af.PrintDefaults()
	}
	addr := af.String("addr", "", "监听地址（默认 $LINGHANG_ADDR，再默认 127.0.0.1:8080）")
	noSched := af.Bool("no-scheduler", false, "不在本进程中运行作业调度器（只提供网页）")
	progFile := af.String("programme", "", "年度计划 YAML 文件（默认 $LINGHANG_PROGRAMME，再默认内置的2022年计划）")
	schedFile := af.String("schedule-file", "", "日程文件 YAML（默认 $LINGHANG_SCHEDULE_FILE，再默认内置）")
	fontsDir := af.String("fonts", "", "字体目录（默认 $LINGHANG_FONTS）")
	accFile := accountsFlag(af.FlagSet)
	tlsCert := af.String("tls-cert", "", "TLS 证书文件（默认 $LINGHANG_TLS_CERT；给出时以 HTTPS 提供服务，Cookie 带 Secure）")
	tlsKey := af.String("tls-key", "", "TLS 私钥文件（默认 $LINGHANG_TLS_KEY）")
	secure := af.Bool("secure-cookies", false, "Cookie 一律带 Secure（在终止 TLS 的反向代理之后时；默认 $LINGHANG_SECURE_COOKIES=1）")
	if _, done, err := af.parse(args); done || err != nil {
		return err
	}
	for _, s := range []struct {
		v   *string
		env string
		def string
	}{{addr, "LINGHANG_ADDR", "127.0.0.1:8080"}, {tlsCert, "LINGHANG_TLS_CERT", ""}, {tlsKey, "LINGHANG_TLS_KEY", ""}} {
		if *s.v == "" {
			*s.v = e.getenv(s.env)
		}
		if *s.v == "" {
			*s.v = s.def
		}
	}
	if (*tlsCert == "") != (*tlsKey == "") {
		return errors.New("--tls-cert 与 --tls-key 须同时给出")
	}
	*secure = *secure || e.getenv("LINGHANG_SECURE_COOKIES") == "1"
	accounts, err := web.LoadAccounts(accountsPath(e, *accFile))
	if err != nil {
		return err
	}
	// Programme, schedule and fonts are checked before anything starts.
	cfg := settings{store: *af.store, spool: *af.spool, fonts: *fontsDir, programme: *progFile, scheduleFile: *schedFile, order: "strokes"}
	l, err := cfg.load(e)
	if err != nil {
		return err
	}
	lim, err := program.LimitsFromEnv(e.getenv)
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
	p, err := l.pipeline(e, a, st)
	if err != nil {
		return err
	}
	metrics := web.NewMetrics()
	var sched *jobs.Scheduler
	if !*noSched {
		sched = newScheduler(e, p)
		sched.Runner = metrics.Runner(p) // scheduled runs counted in /metrics
	}
	wc := web.Config{
		Archive: a, Store: st, Accounts: accounts, Programme: l.prog, Schedule: l.schedule,
		Ledger: jobs.NewLedger(st, nil), Runner: p, Metrics: metrics, Log: newLogger(e),
		Limits: lim, Covers: l.fonts.Covers, SecureCookies: *secure,
	}
	if sched != nil {
		wc.Scheduler = sched
	}
	if wc.Certificates, err = certificateVerifier(e, a, l); err != nil {
		return err
	}
	h, err := web.New(wc)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("监听 %s 失败: %w", *addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 64 << 10}
	scheme := "http"
	if *tlsCert != "" {
		scheme = "https"
	}
	fmt.Fprintf(e.stdout, "网页服务: %s://%s/  （存储: %s；账户文件: %s；Ctrl-C 停止）\n", scheme, ln.Addr(), a.Endpoint(), accounts.Path)
	if !accounts.HasHQ() {
		fmt.Fprintf(e.stdout, "还没有总部账户。创建第一个：\n    linghang users add 名称 --role hq --accounts %s\n然后用它显示的一次性口令登录。\n", accounts.Path)
	}
	errc := make(chan error, 1)
	go func() {
		if *tlsCert != "" {
			errc <- srv.ServeTLS(ln, *tlsCert, *tlsKey)
			return
		}
		errc <- srv.Serve(ln)
	}()
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
