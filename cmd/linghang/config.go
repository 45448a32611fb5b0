package main

import (
	"fmt"
	"log/slog"
	"os"

	"linghang/program"
	"linghang/render/typeset"
)

var osGetenv = os.Getenv

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// loadFonts resolves the fonts by role from dir (a flag), else
// LINGHANG_FONTS, else installed and embedded fonts. A damaged font file
// fails here, at start-up.
func loadFonts(e *env, dir string) (*typeset.Fonts, error) {
	if dir == "" {
		dir = e.getenv("LINGHANG_FONTS")
	}
	f, err := typeset.Load(dir)
	if err != nil {
		return nil, fmt.Errorf("加载字体: %w", err)
	}
	warnStyles(e, f)
	return f, nil
}

// warnStyles says on stderr, once per command, which roles are set in a
// face of another style than GB/T 9704 prescribes (宋体 for 仿宋, …).
func warnStyles(e *env, f *typeset.Fonts) {
	for _, w := range f.StyleWarnings() {
		fmt.Fprintf(e.stderr, "注意：%v\n", w)
	}
}

// newLogger logs to stderr.
func newLogger(e *env) *slog.Logger { return slog.New(slog.NewTextHandler(e.stderr, nil)) }

// loadProgramme reads the programme YAML named by file, or the built-in
// 2022 programme when file is empty.
func loadProgramme(file string) (*program.Programme, error) {
	if file == "" {
		p, err := program.Default()
		if err != nil {
			return nil, fmt.Errorf("读取内置年度计划: %w", err)
		}
		return p, nil
	}
	return program.LoadFile(file)
}
