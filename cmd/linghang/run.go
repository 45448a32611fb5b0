package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
)

// command is one subcommand: it parses its own flags from args.
type command struct {
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env carries what every subcommand shares: output streams and the
// configuration read from the environment.
type env struct {
	stdout, stderr io.Writer
	getenv         func(string) string
}

func commands() map[string]command {
	return map[string]command{
		"checkin": {"解析胸卡二维码中的签到码，找到对应学员", runCheckin},
		"demo":    {"用内置2022年计划和样例学员运行一遍全部流程", runDemo},
		"import":  {"导入学员报名数据（XLSX/CSV/JSON）并校验", runImport},
		"sample":  {"生成样例学员数据（XLSX，可带照片）", runSample},
		"render":  {"生成文档：notice|form|forms|badges|roster|signin", runRender},
		"fonts":   {"显示各字体角色所用的字体文件及覆盖范围", runFonts},
		"archive": {"归档库：ls|find|get|history|runs|verify|reindex|flush", runArchive},
		"run":     {"运行触发时间已到的作业：生成文档并归档（--all 全部，--daemon 常驻调度）", runRun},
		"jobs":    {"年度日程与作业：list | run | history", runJobs},
		"serve":   {"启动网页服务：总部、承办单位、档案各自的页面与 /api/（同一进程运行调度器）", runServe},
		"version": {"显示版本", runVersion},
		// Issue 15.
		"certificate": {"核验结业证书二维码：certificate verify 核验码", runCertificate},
		"summary":     {"承办单位总结材料：import（导入填写后的总结模板）", runSummary},
		// web accounts (issue 11)
		"users":  {"网页服务账户：add | list | reset | remove", runUsers},
		"tokens": {"网页服务 API 令牌：create | list | revoke", runTokens},
	}
}

// exitStatus lets a command choose its exit status (e.g. 2 for rejected rows).
type exitStatus struct {
	code int
	err  error
}

func (e *exitStatus) Error() string { return e.err.Error() }
func (e *exitStatus) Unwrap() error { return e.err }

func exitCode(err error) int {
	var es *exitStatus
	if errors.As(err, &es) {
		return es.code
	}
	return 1
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	e := &env{stdout: stdout, stderr: stderr, getenv: osGetenv}
	cmds := commands()
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout, cmds)
		return nil
	}
	c, ok := cmds[args[0]]
	if !ok {
		usage(stderr, cmds)
		return fmt.Errorf("未知的子命令 %q", args[0])
	}
	return c.run(ctx, e, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintln(w, "linghang — 领航计划文档生成与归档引擎")
	fmt.Fprintln(w, "\n用法: linghang <子命令> [参数]\n\n子命令:")
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\n每个子命令均支持 --help。")
}
