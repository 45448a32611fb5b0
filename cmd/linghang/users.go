package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"linghang/web"
)

// defaultAccounts is where accounts live when neither --accounts nor
// LINGHANG_ACCOUNTS says otherwise: next to the default local store.
const defaultAccounts = "linghang-accounts.json"

func accountsPath(e *env, flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if v := e.getenv("LINGHANG_ACCOUNTS"); v != "" {
		return v
	}
	return defaultAccounts
}

func accountsFlag(fs *flag.FlagSet) *string {
	return fs.String("accounts", "", "账户文件（默认 $LINGHANG_ACCOUNTS，再默认 ./"+defaultAccounts+"）")
}

// runUsers manages the web service's accounts: add, list, reset, remove.
func runUsers(ctx context.Context, e *env, args []string) error {
	const usage = `用法:
  linghang users add 名称 --role hq|host|archivist [--cohort N]   创建账户，显示一次性口令
  linghang users list                                             列出账户
  linghang users reset 名称                                       重设口令，显示新的一次性口令
  linghang users remove 名称                                      删除账户（其会话随即失效）
共同参数：--accounts 文件（默认 $LINGHANG_ACCOUNTS，再默认 ./` + defaultAccounts + `）。
角色：hq 总部（全部功能）；host 承办单位（只看本期，须 --cohort）；archivist 档案（查询、下载、校验归档文档）。`
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, usage)
		if len(args) == 0 {
			return errors.New("请指定 add、list、reset 或 remove")
		}
		return nil
	}
	fs := flag.NewFlagSet("users "+args[0], flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(e.stderr, usage+"\n\n参数:"); fs.PrintDefaults() }
	file := accountsFlag(fs)
	role := fs.String("role", "", "角色：hq | host | archivist")
	cohort := fs.Int("cohort", 0, "承办单位账户的期次")
	pos, help, err := parseWithArgs(fs, args[1:])
	if help || err != nil {
		return err
	}
	path := accountsPath(e, *file)
	acc, err := web.LoadAccounts(path)
	if err != nil {
		return err
	}
	one := func() (string, error) {
		if len(pos) != 1 {
			return "", fmt.Errorf("users %s 需要一个账户名", args[0])
		}
		return pos[0], nil
	}
	switch args[0] {
	case "add":
		name, err := one()
		if err != nil {
			return err
		}
		r, err := web.ParseRole(*role)
		if err != nil {
			return err
		}
		pw, err := acc.AddUser(name, r, *cohort)
		if err != nil {
			return err
		}
		if err := acc.Save(); err != nil {
			return err
		}
		scope := ""
		if r == web.RoleHost {
			scope = fmt.Sprintf("，第%d期", *cohort)
		}
		fmt.Fprintf(e.stdout, "已创建账户 %s（%s%s），写入 %s。\n一次性口令（只显示这一次，请当面或经安全渠道交给本人）：\n\n    %s\n\n", name, r.Chinese(), scope, path, pw)
	case "reset":
		name, err := one()
		if err != nil {
			return err
		}
		pw, err := acc.ResetPassword(name)
		if err != nil {
			return err
		}
		if err := acc.Save(); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "账户 %s 的新口令（只显示这一次）：\n\n    %s\n\n", name, pw)
	case "remove":
		name, err := one()
		if err != nil {
			return err
		}
		if err := acc.RemoveUser(name); err != nil {
			return err
		}
		if err := acc.Save(); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已删除账户 %s。\n", name)
	case "list":
		users, _ := acc.Sorted()
		if len(users) == 0 {
			fmt.Fprintf(e.stdout, "%s 中还没有账户。创建第一个总部账户：linghang users add 名称 --role hq\n", path)
			return nil
		}
		var rows [][]string
		for _, u := range users {
			c := "—"
			if u.Cohort > 0 {
				c = fmt.Sprintf("第%d期", u.Cohort)
			}
			rows = append(rows, []string{u.Name, u.Role.Chinese(), c, u.Created.Format("2006-01-02 15:04")})
		}
		printTable(e.stdout, []string{"账户", "角色", "期次", "创建时间（UTC）"}, rows)
	default:
		fmt.Fprintln(e.stderr, usage)
		return fmt.Errorf("未知的子命令 users %s", args[0])
	}
	return nil
}

// runTokens manages API tokens: create, list, revoke.
func runTokens(ctx context.Context, e *env, args []string) error {
	const usage = `用法:
  linghang tokens create --role hq|host|archivist [--cohort N] [--name 说明]   创建访问令牌（只显示一次）
  linghang tokens list                                                      列出令牌（不含令牌本身）
  linghang tokens revoke 编号                                               吊销令牌
共同参数：--accounts 文件（默认 $LINGHANG_ACCOUNTS，再默认 ./` + defaultAccounts + `）。
令牌用于 /api/：curl -H "Authorization: Bearer 令牌" http://127.0.0.1:8080/api/documents`
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(e.stderr, usage)
		if len(args) == 0 {
			return errors.New("请指定 create、list 或 revoke")
		}
		return nil
	}
	fs := flag.NewFlagSet("tokens "+args[0], flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() { fmt.Fprintln(e.stderr, usage+"\n\n参数:"); fs.PrintDefaults() }
	file := accountsFlag(fs)
	role := fs.String("role", "", "角色：hq | host | archivist")
	cohort := fs.Int("cohort", 0, "承办单位令牌的期次")
	name := fs.String("name", "", "说明（如：报名平台）")
	pos, help, err := parseWithArgs(fs, args[1:])
	if help || err != nil {
		return err
	}
	path := accountsPath(e, *file)
	acc, err := web.LoadAccounts(path)
	if err != nil {
		return err
	}
	switch args[0] {
	case "create":
		r, err := web.ParseRole(*role)
		if err != nil {
			return err
		}
		full, t, err := acc.CreateToken(r, *cohort, strings.TrimSpace(*name))
		if err != nil {
			return err
		}
		if err := acc.Save(); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已创建令牌 %s（%s），写入 %s（只存摘要）。令牌只显示这一次：\n\n    %s\n\n吊销：linghang tokens revoke %s\n", t.ID, r.Chinese(), path, full, t.ID)
	case "revoke":
		if len(pos) != 1 {
			return errors.New("tokens revoke 需要一个令牌编号（linghang tokens list 列出）")
		}
		if err := acc.RevokeToken(pos[0]); err != nil {
			return err
		}
		if err := acc.Save(); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已吊销令牌 %s；正在运行的服务在几秒内生效。\n", pos[0])
	case "list":
		_, toks := acc.Sorted()
		if len(toks) == 0 {
			fmt.Fprintf(e.stdout, "%s 中没有令牌。\n", path)
			return nil
		}
		var rows [][]string
		for _, t := range toks {
			c := "—"
			if t.Cohort > 0 {
				c = fmt.Sprintf("第%d期", t.Cohort)
			}
			rows = append(rows, []string{t.ID, t.Role.Chinese(), c, t.Name, t.Created.Format("2006-01-02 15:04")})
		}
		printTable(e.stdout, []string{"编号", "角色", "期次", "说明", "创建时间（UTC）"}, rows)
	default:
		fmt.Fprintln(e.stderr, usage)
		return fmt.Errorf("未知的子命令 tokens %s", args[0])
	}
	return nil
}
