package typeset

import (
	"strings"
	"testing"
)

func TestEmbeddedFacesMatchTheirRoles(t *testing.T) {
	set, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		role Role
		font string
		face Face
	}{
		{Title, "Noto Serif SC Bold", FaceSong},
		{Body, "Zhuque Fangsong Regular", FaceFangsong},
		{Heading1, "Noto Sans SC", FaceHei},
		{Heading2, "Linghang Kai", FaceKai},
		{Table, "Noto Serif SC", FaceSong},
	}
	for _, tt := range tests {
		f := set.Font(tt.role)
		if !strings.Contains(f.FullName, tt.font) || f.Face() != tt.face || tt.role.Face() != tt.face {
			t.Errorf("%s: %s (%s), role wants %s; want %s (%s)", tt.role, f.FullName, f.Face(), tt.role.Face(), tt.font, tt.face)
		}
	}
	if w := set.StyleWarnings(); len(w) != 0 {
		t.Errorf("embedded defaults warn: %v", w)
	}
	// 仿宋 lacks some GB 2312 symbols; the fallback supplies them.
	runs, err := set.Runs("仿宋正文Ｏ", Body)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].Font != set.Font(Body) || runs[1].Text != "Ｏ" || runs[1].Font.Face() != FaceSong {
		t.Errorf("runs %+v, want 仿宋正文 in Zhuque and Ｏ in the fallback", runs)
	}
}

func TestStyleWarningNamesRoleFontAndFix(t *testing.T) {
	saved := defaults[Body]
	defaults[Body] = defaultSerif // as before Zhuque Fangsong was embedded
	defer func() { defaults[Body] = saved }()
	set, err := resolve("", false)
	if err != nil {
		t.Fatal(err)
	}
	ws := set.StyleWarnings()
	if len(ws) != 1 || ws[0].Role != Body || ws[0].Got != FaceSong || ws[0].Want != FaceFangsong {
		t.Fatalf("warnings %v, want one for 正文 (宋体 for 仿宋)", ws)
	}
	msg := ws[0].Error()
	for _, want := range []string{"正文规定用仿宋", "Noto Serif SC", "宋体风格", "内置默认字体", "simfang.ttf", "LINGHANG_FONTS", "--fonts"} {
		if !strings.Contains(msg, want) {
			t.Errorf("warning %q lacks %q", msg, want)
		}
	}
}

func TestFaceOfName(t *testing.T) {
	tests := []struct {
		name string
		want Face
	}{
		{"仿宋_GB2312", FaceFangsong}, {"FangSong", FaceFangsong}, {"STFangsong", FaceFangsong},
		{"方正小标宋简体", FaceSong}, {"SimSun", FaceSong}, {"Noto Serif SC", FaceSong},
		{"黑体", FaceHei}, {"SimHei", FaceHei}, {"Noto Sans SC", FaceHei},
		{"楷体_GB2312", FaceKai}, {"LXGW WenKai", FaceKai},
		{"Linghang Font", FaceUnknown},
	}
	for _, tt := range tests {
		if got := faceOf(tt.name); got != tt.want {
			t.Errorf("faceOf(%q) = %s, want %s", tt.name, got, tt.want)
		}
	}
}
