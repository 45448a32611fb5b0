package typeset

import (
	"math"
	"strings"
	"testing"
)

func TestBreakRules(t *testing.T) {
	fs := mustFonts(t)
	st := Style{Size: 10}
	em := st.em()
	tests := []struct {
		name  string
		text  string
		chars float64 // line width in ems
		want  []string
	}{
		{"plain hanzi fill each line", "一二三四五六七八九", 4, []string{"一二三四", "五六七八", "九"}},
		{"comma pushed out with the last hanzi (推出)", "一二三四，五六", 4, []string{"一二三", "四，五六"}},
		{"comma squeezed into half an em of room (挤进)", "一二三四，五六", 4.5, []string{"一二三四，", "五六"}},
		{"full stop never starts a line", "一二三四。五六", 4, []string{"一二三", "四。五六"}},
		{"two closing marks pushed out with the last hanzi", "一二三四》。五六", 4, []string{"一二三", "四》。五", "六"}},
		{"closing bracket never starts a line", "一二三（四）五", 4, []string{"一二三", "（四）五"}},
		{"opening bracket never ends a line", "一二三《四五》六", 4, []string{"一二三", "《四五》", "六"}},
		{"opening quote never ends a line", "一二三“四”五", 4, []string{"一二三", "“四”五"}},
		{"dash —— never split nor at line start", "一二三——四五", 4, []string{"一二", "三——四", "五"}},
		{"ellipsis …… never split", "一二三……四五", 4, []string{"一二", "三……四", "五"}},
		{"顿号 and question mark", "甲、乙、丙、丁？戊", 4, []string{"甲、乙、", "丙、丁？", "戊"}},
		{"paragraphs", "一二\n三四五六七", 4, []string{"一二", "三四五六", "七"}},
		{"ideographic space kept", "一　二", 4, []string{"一　二"}},
		{"number glued to its unit", "一二三2022年四", 5, []string{"一二三", "2022年四"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, err := fs.Break(tt.text, st, tt.chars*em+0.001)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range lines {
				got = append(got, l.Text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("Break(%q, %v em)\n got %q\nwant %q", tt.text, tt.chars, got, tt.want)
			}
		})
	}
}

// Latin words, numbers with units and URLs stay whole; only a URL wider
// than the line is split, after a '/'.
func TestBreakKeepsWords(t *testing.T) {
	fs := mustFonts(t)
	st := Style{Size: 10}
	em := st.em()
	tests := []struct {
		name   string
		text   string
		chars  float64
		whole  []string // must each appear unbroken on one line
		pieces []string // if set, the exact lines
	}{
		{"English words", "研修 leadership programme for young scientists 活动", 8, []string{"leadership", "programme", "scientists"}, nil},
		{"phone numbers", "联系电话：010-68530471，18810383746", 8, []string{"010-68530471，", "18810383746"}, nil},
		{"number and unit with space", "版心尺寸为156 mm × 225 mm，每页22行", 7, []string{"156 mm", "225 mm"}, nil},
		{"percent", "通过率达到100%以上的比例", 6, []string{"100%"}, nil},
		{"URL fits on its own line", "平台（http://xuexi.cast.org.cn/）强化", 16, []string{"（http://xuexi.cast.org.cn/）"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			width := tt.chars * em
			lines, err := fs.Break(tt.text, st, width)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range lines {
				got = append(got, l.Text)
				if l.Width > width+0.01 && len([]rune(l.Text)) > 1 {
					t.Errorf("line %q is %.2f mm wide, more than %.2f", l.Text, l.Width, width)
				}
			}
			joined := strings.Join(got, "|")
			for _, w := range tt.whole {
				if !containsLine(got, w) {
					t.Errorf("%q split across lines: %q", w, got)
				}
			}
			if tt.pieces != nil && joined != strings.Join(tt.pieces, "|") {
				t.Errorf("got %q, want %q", got, tt.pieces)
			}
			if strings.ReplaceAll(strings.Join(got, " "), " ", "") != strings.ReplaceAll(tt.text, " ", "") {
				t.Errorf("text lost: %q from %q", got, tt.text)
			}
		})
	}
}

// A URL wider than the line breaks after '/' only, and every line fits.
func TestBreakLongURL(t *testing.T) {
	fs := mustFonts(t)
	st := Style{Size: 10}
	url := "http://xuexi.cast.org.cn/portal/course/detail/2022/index.html"
	text := "平台（" + url + "）强化"
	start := len([]rune("平台（"))
	end := start + len([]rune(url))
	for _, chars := range []float64{11, 14, 18} {
		width := chars * st.em()
		lines, err := fs.Break(text, st, width)
		if err != nil {
			t.Fatal(err)
		}
		var all string
		pos := 0
		for i, l := range lines {
			all += l.Text
			pos += len([]rune(l.Text))
			if l.Width > width+0.01 {
				t.Errorf("%v em: line %q is %.1f mm, wider than %.1f", chars, l.Text, l.Width, width)
			}
			if i < len(lines)-1 && pos > start && pos < end && !strings.HasSuffix(l.Text, "/") {
				t.Errorf("%v em: URL broken elsewhere than after '/': %q | %q", chars, l.Text, lines[i+1].Text)
			}
		}
		if all != text {
			t.Errorf("%v em: text changed: %q", chars, all)
		}
		if len(lines) < 2 {
			t.Errorf("%v em: want the URL split over lines, got %d lines", chars, len(lines))
		}
	}
}

// An e-mail address wider than its cell breaks after the '@' or before a
// '.', never leaving a stray letter of the domain alone on a line (on the
// 通讯录 "maxingang1990@126.co" | "m" was printed).
func TestBreakEmail(t *testing.T) {
	fs := mustFonts(t)
	st := Style{Size: 10}
	tests := []struct {
		addr  string
		width float64 // mm
		want  []string
	}{
		{"maxingang1990@126.com", 34, []string{"maxingang1990@126", ".com"}},
		{"zhouhaosong@changan.com.cn", 34, []string{"zhouhaosong@", "changan.com.cn"}},
		{"huxiangsong@xmu.edu.cn", 34, []string{"huxiangsong@xmu", ".edu.cn"}},
		{"a.very.long.local.part.of.an.address@example.org", 30, nil},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			lines, err := fs.Break(tt.addr, st, tt.width)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range lines {
				got = append(got, l.Text)
				if l.Width > tt.width+0.01 {
					t.Errorf("line %q is %.1f mm, wider than %.1f", l.Text, l.Width, tt.width)
				}
			}
			if strings.Join(got, "") != tt.addr {
				t.Errorf("text changed: %q", got)
			}
			if len(got) < 2 {
				t.Fatalf("%q fits in %.0f mm; widen the test", tt.addr, tt.width)
			}
			for i, l := range got[:len(got)-1] {
				if !strings.HasSuffix(l, "@") && !strings.HasPrefix(got[i+1], ".") {
					t.Errorf("address broken elsewhere than after '@' or before '.': %q | %q", l, got[i+1])
				}
			}
			if tt.want != nil && strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// A joined word (WordJoiner) wider than the whole line is split between
// its characters rather than drawn past the edge: the 年度评估's heading
// 高等院校 ran into the next cell.
func TestBreakJoinedWordWiderThanLine(t *testing.T) {
	fs := mustFonts(t)
	st := Style{Size: 10}
	em := st.em()
	tests := []struct {
		text  string
		chars float64
		want  []string
	}{
		{JoinWords([]string{"高等院校"}), 3, []string{"高等院", "校"}},
		{JoinWords([]string{"医疗", "卫生", "机构"}), 3, []string{"医疗", "卫生", "机构"}},
		{JoinWords([]string{"中国", "高等院校"}), 3, []string{"中国", "高等院", "校"}},
		{JoinWords([]string{"高等院校"}), 4, []string{"高等院校"}},
	}
	for _, tt := range tests {
		width := tt.chars*em + 0.001
		lines, err := fs.Break(tt.text, st, width)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range lines {
			got = append(got, l.Text)
			if l.Width > width+0.01 {
				t.Errorf("%q: line %q is %.1f mm, wider than %.1f", tt.want, l.Text, l.Width, width)
			}
		}
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("got %q, want %q", got, tt.want)
		}
	}
}

func containsLine(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// No line of a long real text breaks a rule.
func TestBreakNoticeText(t *testing.T) {
	fs := mustFonts(t)
	text := "习近平总书记指出，要深入实施新时代人才强国战略，加快建设世界重要人才中心和创新高地，强调做好人才工作必须坚持正确政治方向，不断加强和改进知识分子工作，鼓励人才深怀爱国之心、砥砺报国之志，主动担负起时代赋予的使命责任。中国科协党校科技人才“领航计划”，着眼于全面贯彻新时代组织路线和人才工作新理念新战略新举措，切实做到“三个一”，即因地制宜突出特色；依托科协系统网上党校平台（http://xuexi.cast.org.cn/）强化全流程管理。活动开始前30日，组织学员填写《“领航计划”青年科技领军人才国情研修活动报名表》并通过平台提交。"
	for _, chars := range []float64{7, 10, 13, 17, 23, 28} {
		st := Style{Size: Size3, Indent: 2}
		lines, err := fs.Break(text, st, chars*st.em())
		if err != nil {
			t.Fatal(err)
		}
		var all strings.Builder
		for i, l := range lines {
			r := []rune(l.Text)
			all.WriteString(l.Text)
			if i > 0 && isNoStart(r[0]) {
				t.Errorf("%v em: line %d starts with %q: %q", chars, i+1, r[0], l.Text)
			}
			if isNoEnd(r[len(r)-1]) {
				t.Errorf("%v em: line %d ends with %q: %q", chars, i+1, r[len(r)-1], l.Text)
			}
			if strings.HasPrefix(l.Text, "—") || strings.HasSuffix(l.Text, "—") && !strings.HasSuffix(l.Text, "——") {
				t.Errorf("%v em: dash split at line %d: %q", chars, i+1, l.Text)
			}
		}
		if all.String() != text {
			t.Errorf("%v em: lines do not add up to the text", chars)
		}
	}
}

// Adjacent full-width marks lose the blank half between them (标点挤压).
func TestPunctuationCompression(t *testing.T) {
	fs := mustFonts(t)
	st := Style{Size: 10}
	em := st.em()
	tests := []struct {
		text string
		ems  float64
	}{
		{"领航", 2},
		{"。”", 1.5},
		{"，“", 1.5},
		{"）《", 1.5},
		{"《“", 1.5},
		{"《“领航计划”》", 7},
		{"“领”", 3},    // a mark next to a hanzi keeps its width
		{"（一）", 3},    // likewise
		{"。。", 1.5},   // two closing marks
		{"“”", 2},     // an opening then a closing mark: both halves are ink-side
		{"活动。”", 3.5}, // GB/T 15834 example
	}
	for _, tt := range tests {
		w, err := fs.Measure(tt.text, st)
		if err != nil {
			t.Fatal(err)
		}
		if got := w / em; got < tt.ems-0.01 || got > tt.ems+0.01 {
			t.Errorf("%q is %.2f em wide, want %.2f", tt.text, got, tt.ems)
		}
	}
	// The compressed runs still extract as the text.
	d := New(fs, "挤压", A4, Info{Created: fixedClock})
	s := "填写《“领航计划”报名表》。”（一）"
	if err := d.Text(20, 20, s, Style{}); err != nil {
		t.Fatal(err)
	}
	path := writePDF(t, d)
	for _, mode := range []string{"-raw", "-layout", "-enc"} {
		args := []string{mode, path, "-"}
		if mode == "-enc" {
			args = []string{"-enc", "UTF-8", path, "-"}
		}
		if got := strings.TrimSpace(poppler(t, "pdftotext", args...)); got != s {
			t.Errorf("pdftotext %s = %q, want %q", mode, got, s)
		}
	}
}

// A WORD JOINER keeps a word on one line and is neither drawn nor
// measured.
func TestWordJoiner(t *testing.T) {
	fs := mustFonts(t)
	st := Style{Role: Table, Size: 10}
	plain := "山西大学电气工程学院副系主任"
	joined := JoinWords([]string{"山西", "大学", "电气", "工程", "学院", "副系主任"})
	pw, err := fs.Measure(plain, st)
	if err != nil {
		t.Fatal(err)
	}
	if jw, _ := fs.Measure(joined, st); math.Abs(jw-pw) > 1e-9 {
		t.Errorf("joined text measures %.2f mm, plain %.2f", jw, pw)
	}
	for _, chars := range []float64{5, 6, 7, 9, 11, 12} {
		width := chars * st.em()
		lines, err := fs.Break(joined, st, width)
		if err != nil {
			t.Fatal(err)
		}
		var all string
		for _, l := range lines {
			all += l.Text
			if strings.HasSuffix(l.Text, "副系主") || strings.HasSuffix(l.Text, "副系") || strings.HasSuffix(l.Text, "电") || strings.HasSuffix(l.Text, "山") {
				t.Errorf("%v em: line %q ends inside a word", chars, l.Text)
			}
		}
		if all != plain {
			t.Errorf("%v em: text %q, want %q (the joiner is not text)", chars, all, plain)
		}
	}
}
