package main

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linghang/render/pdfa"
)

func TestRenderNotice(t *testing.T) {
	dir := t.TempDir()
	example := filepath.Join("..", "..", "templates", "examples", "programme-2023.yaml")
	tests := []struct {
		name    string
		args    []string
		file    string // output to check, "" when an error is expected
		magic   string
		wantOut string // in stdout, or in the error
	}{
		{"pdf by default", []string{"-o", filepath.Join(dir, "通知.pdf")}, "通知.pdf", "%PDF-", "已生成2022年通知（PDF）"},
		{"docx by extension", []string{"-o", filepath.Join(dir, "通知.docx")}, "通知.docx", "PK", "已生成2022年通知（DOCX）"},
		{"explicit format and programme", []string{"--format", "DOCX", "--programme", example, "-o", filepath.Join(dir, "2023")}, "2023", "PK", "已生成2023年通知（DOCX）"},
		{"no output", nil, "", "", "请用 -o 指定输出文件"},
		{"bad format", []string{"--format", "odt", "-o", filepath.Join(dir, "x.odt")}, "", "", `--format "odt" 无效`},
		{"missing programme", []string{"--programme", filepath.Join(dir, "无.yaml"), "-o", filepath.Join(dir, "x.pdf")}, "", "", "不存在"},
		{"stray argument", []string{"-o", filepath.Join(dir, "y.pdf"), "多余"}, "", "", "多余的参数"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), append([]string{"render", "notice"}, tt.args...), &stdout, &stderr)
			if tt.file == "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantOut) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantOut)
				}
				return
			}
			if err != nil {
				t.Fatalf("run: %v\n%s", err, stderr.String())
			}
			if !strings.Contains(stdout.String(), tt.wantOut) {
				t.Errorf("stdout %q lacks %q", stdout.String(), tt.wantOut)
			}
			b, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(b, []byte(tt.magic)) {
				t.Errorf("%s starts %q, want %q", tt.file, b[:min(8, len(b))], tt.magic)
			}
			if tt.magic == "PK" {
				if _, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err != nil {
					t.Errorf("%s is not a zip: %v", tt.file, err)
				}
			}
		})
	}
	// A failed render leaves no file behind.
	if _, err := os.Stat(filepath.Join(dir, "x.pdf")); !os.IsNotExist(err) {
		t.Errorf("x.pdf exists after a failed render: %v", err)
	}
}

// Every render command writes PDF/A-2b unless --pdfa=false; with the
// embedded fonts (each of its role's style) no style warning is printed.
func TestRenderPDFAFlag(t *testing.T) {
	t.Setenv("LINGHANG_FONTS", "")
	dir := t.TempDir()
	tests := []struct {
		name  string
		args  []string
		file  string
		plain bool
	}{
		{"notice", []string{"render", "notice", "-o", filepath.Join(dir, "n.pdf")}, "n.pdf", false},
		{"notice plain", []string{"render", "notice", "--pdfa=false", "-o", filepath.Join(dir, "np.pdf")}, "np.pdf", true},
		{"blank form", []string{"render", "form", "--blank", "-o", filepath.Join(dir, "f.pdf")}, "f.pdf", false},
		{"blank form plain", []string{"render", "form", "--blank", "--pdfa=false", "-o", filepath.Join(dir, "fp.pdf")}, "fp.pdf", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if err := run(context.Background(), tt.args, &stdout, &stderr); err != nil {
				t.Fatalf("%v\n%s", err, stderr.String())
			}
			if strings.Contains(stderr.String(), "注意") {
				t.Errorf("style warning with the embedded fonts:\n%s", stderr.String())
			}
			b, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			_, err = pdfa.Check(b)
			if tt.plain != (err != nil) {
				t.Errorf("pdfa.Check: %v; plain %v", err, tt.plain)
			}
		})
	}
}
