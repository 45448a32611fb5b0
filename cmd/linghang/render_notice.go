package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"path/filepath"
	"strings"

	"linghang/render"
)

// renderNotice implements `linghang render notice [--programme FILE]
// [--format pdf|docx] -o FILE`: the official notice with its attachments.
func renderNotice(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("render notice", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	progFile := fs.String("programme", "", "年度计划 YAML 文件（默认：内置的2022年计划）")
	format := fs.String("format", "", "输出格式: pdf（GB/T 9704 信函格式）或 docx（可编辑）；默认按 -o 的扩展名，否则 pdf")
	out := fs.String("o", "", "输出文件（必填）")
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
	var buf bytes.Buffer
	if f == "docx" {
		err = render.NoticeDOCX(&buf, p)
	} else {
		fonts, ferr := loadFonts(e, "")
		if ferr != nil {
			return ferr
		}
		opts := []render.NoticeOption{render.NoticeFonts(fonts)}
		if !*pdfa {
			opts = append(opts, render.NoticePlainPDF())
		}
		err = render.NoticePDF(&buf, p, opts...)
	}
	if err != nil {
		return fmt.Errorf("生成%d年通知（%s）: %w", p.Year, strings.ToUpper(f), err)
	}
	if err := writeFileSynced(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已生成%d年通知（%s）: %s\n", p.Year, strings.ToUpper(f), *out)
	return nil
}
