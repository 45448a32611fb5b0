package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"linghang/render/typeset"
)

// runFonts prints which font file serves each typographic role and what
// it covers; with --text it shows which font draws each character.
func runFonts(ctx context.Context, e *env, args []string) error {
	fl := flag.NewFlagSet("fonts", flag.ContinueOnError)
	fl.SetOutput(e.stderr)
	dir := fl.String("fonts", e.getenv("LINGHANG_FONTS"), "字体目录（TrueType .ttf/.ttc；默认取环境变量 LINGHANG_FONTS）")
	text := fl.String("text", "", "检查这段文字在各角色中由哪个字体显示（如生僻字姓名）")
	fl.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang fonts [--fonts 目录] [--text 文字]\n\n显示各字体角色（标题、正文、一级标题、二级标题、表格）所用的字体文件及其汉字覆盖范围。\n查找顺序：--fonts 目录 → 系统已安装字体 → 内置默认字体。")
		fl.PrintDefaults()
	}
	if help, err := parseFlags(fl, args); help || err != nil {
		return err
	}
	set, err := typeset.Load(*dir)
	if err != nil {
		return fmt.Errorf("加载字体：%w", err)
	}
	rows := [][]string{{"角色", "规定字体", "实际字体", "风格", "来源", "GB 2312 汉字", "基本区汉字", "扩展A区", "扩展B区及以后", "文件"}}
	row := func(role, want string, f *typeset.Font) {
		c := f.Coverage()
		rows = append(rows, []string{role, want, f.FullName, f.Face().String(), f.Origin,
			fmt.Sprintf("%d/%d", c.GB2312, c.GB2312Total), fmt.Sprintf("%d/%d", c.URO, c.UROTotal),
			fmt.Sprintf("%d/%d", c.ExtA, c.ExtATotal), fmt.Sprint(c.Beyond), f.Source})
	}
	for _, r := range typeset.Roles {
		row(r.String(), r.Family()[0], set.Font(r))
	}
	for i, f := range set.Fallback() {
		if i == 0 {
			row("后备", "（缺字时补字）", f)
		} else {
			row("后备", "（用户目录补字）", f)
		}
	}
	if err := writeTable(e.stdout, rows); err != nil {
		return err
	}
	for _, w := range set.StyleWarnings() {
		fmt.Fprintf(e.stdout, "\n注意：%v\n", w)
	}
	if unused := set.Unused(); len(unused) > 0 {
		fmt.Fprintf(e.stdout, "\n字体目录 %s 中未用于任何角色的字体（族名不是规定字体，只用于补字）：\n", set.Dir)
		for _, f := range unused {
			fmt.Fprintf(e.stdout, "  %s：%s\n", f.Source, strings.Join(f.Names, "、"))
		}
	}
	if *text == "" {
		return nil
	}
	fmt.Fprintf(e.stdout, "\n文字 %q：\n", *text)
	for _, r := range typeset.Roles {
		runs, err := set.Runs(*text, r)
		if err != nil {
			fmt.Fprintf(e.stdout, "  %s：%v\n", r, err)
			continue
		}
		fmt.Fprintf(e.stdout, "  %s：", r)
		for i, run := range runs {
			if i > 0 {
				fmt.Fprint(e.stdout, " + ")
			}
			fmt.Fprintf(e.stdout, "%q 用 %s", run.Text, run.Font.FullName)
		}
		fmt.Fprintln(e.stdout)
	}
	return nil
}
