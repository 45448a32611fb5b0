package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"linghang/jobs"
	"path/filepath"
	"strings"
)

// renderNotice implements `linghang render notice [--programme FILE]
// [--format pdf|docx] -o FILE`: the official notice with its attachments.
func renderNotice(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("render notice", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	progFile := fs.String("programme", "", "年度计划 YAML 文件（默认：内置的2022年计划）")
	format := fs.String("format", "", "输出格式: pdf（GB/T 9704 信函格式）或 docx（可编辑）；默认按 -o 的扩展名，否则 pdf")
	out := fs.String("o", "", "输出文件（必填）")
	fontsDir := fs.String("fonts", "", "字体目录（默认 $LINGHANG_FONTS，再找系统字体，最后用内置字体）")
	pdfa := pdfaFlag(fs)
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang render notice [--programme 计划.yaml] [--format pdf|docx] -o 通知.pdf\n\n生成年度通知（含附件1班次介绍、附件2报名表）。\n\n参数:")
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *out == "" {
		return errors.New("请用 -o 指定输出文件，如 -o 通知.pdf 或 -o 通知.docx")
	}
	f := strings.ToLower(strings.TrimSpace(*format))
	if f == "" {
		f = "pdf"
		if strings.EqualFold(filepath.Ext(*out), ".docx") {
			f = "docx"
		}
	}
	if f != "pdf" && f != "docx" {
		return fmt.Errorf("--format %q 无效，可选 pdf 或 docx", *format)
	}
	p, err := loadProgramme(*progFile)
	if err != nil {
		return err
	}
	fonts, err := loadFonts(e, *fontsDir)
	if err != nil {
		return err
	}
	// The same catalogue entry the scheduled job archives.
	var buf bytes.Buffer
	if err := renderEntry(&buf, "notice-"+f, &jobs.Inputs{Programme: p, Fonts: fonts, PlainPDF: !*pdfa}); err != nil {
		return fmt.Errorf("生成%d年通知（%s）: %w", p.Year, strings.ToUpper(f), err)
	}
	if err := writeFileSynced(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已生成%d年通知（%s）: %s\n", p.Year, strings.ToUpper(f), *out)
	return nil
}

// renderEntry renders the catalogue's year document name (notice-pdf,
// notice-docx, form-blank) to w, exactly as the pipeline does.
func renderEntry(w io.Writer, name string, in *jobs.Inputs) error {
	plan, err := jobs.DefaultCatalogue().Plan(in, jobs.Selection{Entries: []string{name}})
	if err != nil {
		return err
	}
	if len(plan) != 1 {
		return fmt.Errorf("文档目录中没有 %s", name)
	}
	return plan[0].Render(w)
}
