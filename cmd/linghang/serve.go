package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

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
	token := af.String("token", "", "访问令牌（默认 $LINGHANG_WEB_TOKEN；为空则不校验，仅宜在本机使用）")
	if _, done, err := af.parse(args); done || err != nil {
		return err
	}
	if *token == "" {
		*token = e.getenv("LINGHANG_WEB_TOKEN")
	}
	a, err := af.open(ctx, e)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(e.stderr, nil))
	h, err := web.New(a, *token, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("监听 %s 失败: %w", *addr, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(e.stdout, "归档库网页服务: http://%s/  （存储: %s；Ctrl-C 停止）\n", ln.Addr(), a.Endpoint())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
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
