package main

import (
	"errors"
	"flag"
	"fmt"
	"strings"
)

// pdfaFlag registers --pdfa: PDFs are PDF/A-2b (ISO 19005-2) unless
// --pdfa=false asks for a plain PDF.
func pdfaFlag(fs *flag.FlagSet) *bool {
	return fs.Bool("pdfa", true, "生成 PDF/A-2b 长期保存格式（含 XMP 元数据、sRGB 输出意图）；--pdfa=false 生成普通 PDF")
}

// parseFlags parses a subcommand's flags. help is true when the user asked
// for --help (the usage has been printed); arguments left over are an
// error, in Chinese like every message a user sees.
func parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return true, nil
		}
		return false, fmt.Errorf("参数错误: %w", err)
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return false, fmt.Errorf("多余的参数: %s", strings.Join(fs.Args(), " "))
	}
	return false, nil
}

// parseWithArgs parses flags that may come before, between or after the
// positional arguments, which it returns in order. help is true when the
// user asked for --help (the usage has been printed).
func parseWithArgs(fs *flag.FlagSet, args []string) (pos []string, help bool, err error) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, true, nil
			}
			return nil, false, fmt.Errorf("参数错误: %w", err)
		}
		if fs.NArg() == 0 {
			return pos, false, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
