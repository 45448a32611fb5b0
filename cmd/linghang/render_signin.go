package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"linghang/render"
)

const signinAbout = `生成某一期的签到表 PDF（A4 纵向）：研修期间每天一页（--half-day 时每半天一页，
分上午、下午），表头为班次、日期（如 2022年5月23日 星期一）和场次，
列为序号、姓名、工作单位、签名；顺序与学员名单相同，人数多时续页重复表头。`

func renderSignin(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("render signin", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var l listFlags
	l.register(fs)
	half := fs.Bool("half-day", false, "每半天一页（上午、下午）")
	blank := fs.Int("blank", render.SigninBlankRows, "每场最后一页补充的空白行数（供临时增加的学员签到），0 为不补")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法: linghang render signin [--applicants 文件] --cohort N [--half-day] -o 签到表.pdf\n\n%s\n\n参数:\n", signinAbout)
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if l.cohort == 0 {
		fs.Usage()
		return errors.New("请用 --cohort N 指定班次（签到表按期生成）")
	}
	if *blank < 0 {
		return fmt.Errorf("--blank %d 无效：应为 0 或正数", *blank)
	}
	prog, as, order, err := l.load(ctx, e)
	if err != nil {
		return err
	}
	rows := *blank
	if rows == 0 {
		rows = -1 // none; 0 would mean the default
	}
	opts := render.SigninOptions{HalfDay: *half, Order: order, Blank: rows, PlainPDF: !*l.pdfa, Fonts: l.fonts}
	if err := saveRendered(e, l.out, func(w io.Writer) error { return render.Signin(w, prog, l.cohort, as, opts) }); err != nil {
		return err
	}
	c, _ := prog.Cohort(l.cohort)
	fmt.Fprintf(e.stderr, "已生成签到表 %s（%s，%d 天）\n", l.out, c.Title(), len(c.Days()))
	return nil
}
