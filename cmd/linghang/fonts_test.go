package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFontsCommand(t *testing.T) {
	t.Setenv("LINGHANG_FONTS", "")
	empty := t.TempDir()
	bad := filepath.Join(t.TempDir(), "fonts")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "坏字体.ttf"), []byte("not a font"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		want    []string // in stdout
		wantErr string
	}{
		{"roles and coverage", []string{"fonts"},
			[]string{"标题", "方正小标宋简体", "正文", "仿宋_GB2312", "一级标题", "黑体", "二级标题", "楷体_GB2312", "表格", "后备", "6763/6763", "20992/20992",
				"Zhuque Fangsong Regular  仿宋"}, ""},
		{"rare name through the fallback", []string{"fonts", "--text", "欧阳䶮"},
			[]string{`"䶮" 用 Noto Serif SC Regular`}, ""},
		{"outside every font", []string{"fonts", "--text", "𠮷"},
			[]string{"U+20BB7", "𠮷"}, ""},
		{"missing directory", []string{"fonts", "--fonts", filepath.Join(empty, "无")}, nil, "不存在"},
		{"directory without fonts", []string{"fonts", "--fonts", empty}, nil, "没有 .ttf/.ttc"},
		{"damaged font fails at load", []string{"fonts", "--fonts", bad}, nil, "坏字体.ttf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runCLI(t, tt.args...)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
}
