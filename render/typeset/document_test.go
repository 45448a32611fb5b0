package typeset

import (
	"bytes"
	"errors"
	"math"
	"regexp"
	"strings"
	"testing"
)

// The text of a rendered page, as pdftotext extracts it, is the input:
// every character, in order, with line breaks only where lines were broken.
func TestPDFTextRoundTrip(t *testing.T) {
	fs := mustFonts(t)
	g := Official
	paras := []struct {
		role Role
		text string
	}{
		{Title, "中国科协办公厅关于开展2022年“领航计划”青年科技领军人才国情研修活动的通知"},
		{Body, "各全国学会、协会、研究会，各省、自治区、直辖市科协，新疆生产建设兵团科协，各有关单位："},
		{Heading1, "一、重要意义"},
		{Body, "习近平总书记指出，要深入实施新时代人才强国战略，加快建设世界重要人才中心和创新高地，强调做好人才工作必须坚持正确政治方向。"},
		{Heading2, "（一）整体安排"},
		{Table, "联系电话：010-68530471，18810383746；平台：http://xuexi.cast.org.cn/"},
		{Body, "学员刘䶮、张喆、王堃、李赟参加研修——为期5天……"},
	}
	d := New(fs, "通知", A4, Info{Title: "通知", Created: fixedClock})
	line := 1
	var want []string
	for _, p := range paras {
		st := g.Style(p.role)
		if p.role == Title {
			st.Size, st.Align, st.Leading = Size2, Center, 0
		}
		fit, err := d.Paragraph(g.LineBox(line, g.Lines-line+1), p.text, st)
		if err != nil {
			t.Fatal(err)
		}
		if fit.Overflow() {
			t.Fatalf("paragraph overflowed: %q", fit.Rest)
		}
		var got strings.Builder
		for _, l := range fit.Lines {
			got.WriteString(l.Text)
			want = append(want, l.Text)
		}
		if got.String() != p.text {
			t.Errorf("lines of %q add up to %q", p.text, got.String())
		}
		line += int(fit.Height/g.Pitch()+0.999) + 0
	}
	path := writePDF(t, d)
	out := poppler(t, "pdftotext", "-raw", path, "-")
	var got []string
	for _, l := range strings.Split(strings.TrimRight(out, "\f\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			got = append(got, l)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("pdftotext:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Every font is embedded, as a CID TrueType font with a ToUnicode map.
func TestPDFFontsEmbedded(t *testing.T) {
	fs := mustFonts(t)
	d := New(fs, "字体", A4, Info{Created: fixedClock})
	for i, r := range Roles {
		if err := d.Text(20, 30+float64(i)*15, r.String()+"：领航计划2022（刘䶮）", Style{Role: r}); err != nil {
			t.Fatal(err)
		}
	}
	out := poppler(t, "pdffonts", writePDF(t, d))
	rows := strings.Split(strings.TrimSpace(out), "\n")[2:]
	// Title, Body (仿宋), Heading1, Heading2 and the fallback (表格/䶮): 5 fonts.
	if len(rows) != 5 {
		t.Fatalf("want 5 fonts, got %d:\n%s", len(rows), out)
	}
	re := regexp.MustCompile(`CID TrueType\s+Identity-H\s+yes\s+(yes|no)\s+yes`)
	for _, r := range rows {
		if !re.MatchString(r) {
			t.Errorf("font not embedded with ToUnicode: %s", r)
		}
	}
}

// A character missing from the role font is drawn in the fallback font.
func TestFallbackGlyph(t *testing.T) {
	fs := mustFonts(t)
	if fs.Font(Title).Has('䶮') {
		t.Skip("title font has 䶮 itself; nothing falls back")
	}
	d := New(fs, "报名表（刘䶮）", A4, Info{Created: fixedClock})
	if err := d.Text(20, 30, "刘䶮", Style{Role: Title, Field: "姓名"}); err != nil {
		t.Fatal(err)
	}
	ops := d.Ops()
	if len(ops) != 2 || ops[0].Text != "刘" || ops[0].Font != fs.Font(Title) || ops[1].Text != "䶮" || ops[1].Font != fs.Fallback()[0] {
		t.Fatalf("runs: %+v", ops)
	}
	if ops[1].Box.X < ops[0].Box.X+ops[0].Box.W-0.01 {
		t.Errorf("fallback run overlaps: %v then %v", ops[0].Box, ops[1].Box)
	}
	if got := strings.TrimSpace(poppler(t, "pdftotext", writePDF(t, d), "-")); got != "刘䶮" {
		t.Errorf("pdftotext = %q, want 刘䶮", got)
	}
}

// The fallback covers every BMP hanzi: the URO and Extension A.
func TestFallbackCoverage(t *testing.T) {
	fb := mustFonts(t).Fallback()[0]
	for _, rg := range []struct {
		name     string
		lo, hi   rune
		min, max int
	}{{"CJK Unified Ideographs", 0x4E00, 0x9FFF, 0x9FFF - 0x4E00 + 1, 0}, {"Extension A", 0x3400, 0x4DBF, 0x4DBF - 0x3400 + 1, 0}} {
		missing := 0
		for r := rg.lo; r <= rg.hi; r++ {
			if !fb.Has(r) {
				missing++
			}
		}
		if missing > 0 {
			t.Errorf("%s: fallback lacks %d of %d", rg.name, missing, rg.min)
		}
	}
}

// A character no font can draw stops rendering with a named error.
func TestGlyphError(t *testing.T) {
	fs := mustFonts(t)
	tests := []struct {
		text string
		r    rune
		want string
	}{
		{"吉𠮷", 0x20BB7, "U+20BB7 𠮷"},
		{"笑😀", 0x1F600, "U+1F600 😀"},
		{"a\x07b", 0x07, "U+0007"},
	}
	for _, tt := range tests {
		d := New(fs, "报名表（吉𠮷）", A4, Info{Created: fixedClock})
		err := d.Text(20, 30, tt.text, Style{Field: "姓名"})
		var ge *GlyphError
		if !errors.As(err, &ge) {
			t.Fatalf("%q: err = %v, want *GlyphError", tt.text, err)
		}
		if ge.Rune != tt.r || ge.Field != "姓名" || ge.Doc != "报名表（吉𠮷）" {
			t.Errorf("%q: got %+v", tt.text, ge)
		}
		for _, w := range []string{tt.want, "姓名", "报名表（吉𠮷）"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: error %q lacks %q", tt.text, err, w)
			}
		}
		if werr := d.Write(&bytes.Buffer{}); !errors.As(werr, &ge) {
			t.Errorf("%q: Write after a glyph error = %v, want the error", tt.text, werr)
		}
	}
}

// Same input and clock, same bytes.
func TestDeterministic(t *testing.T) {
	fs := mustFonts(t)
	render := func() []byte {
		d := New(fs, "通知", A4, Info{Title: "通知", Author: "中国科协办公厅", Subject: "领航计划", Keywords: "领航计划 研修", Created: fixedClock})
		for i, r := range Roles {
			d.Text(20, 30+float64(i)*12, "领航计划 Linghang 2022 䶮", Style{Role: r, Color: Red})
		}
		d.Line(20, 100, 190, 100, Pen{Width: 0.5, Color: Red})
		d.Rect(Rect{20, 110, 50, 20}, Pen{Width: 0.3, Dash: []float64{1, 1}})
		d.AddPageSize(A6.Landscape())
		d.Fill(Rect{5, 5, 20, 20}, Gray)
		var b bytes.Buffer
		if err := d.Write(&b); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	a, b := render(), render()
	if !bytes.Equal(a, b) {
		t.Fatalf("two renders differ (%d and %d bytes)", len(a), len(b))
	}
}

// Metadata lands in the PDF's Info dictionary.
func TestMetadata(t *testing.T) {
	fs := mustFonts(t)
	d := New(fs, "通知", A4, Info{Title: "关于开展研修活动的通知", Author: "中国科协办公厅", Subject: "领航计划", Keywords: "领航计划, 研修", Created: fixedClock})
	d.Text(20, 20, "正文", Style{})
	out := poppler(t, "pdfinfo", writePDF(t, d))
	for _, w := range []string{"Title:           关于开展研修活动的通知", "Author:          中国科协办公厅", "Subject:         领航计划", "Keywords:        领航计划, 研修", "Creator:         linghang", "Pages:           1", "Page size:       595.28 x 841.89 pts (A4)"} {
		if !strings.Contains(out, w) {
			t.Errorf("pdfinfo lacks %q:\n%s", w, out)
		}
	}
	if !strings.Contains(out, "2022") {
		t.Errorf("creation date not the fixed clock:\n%s", out)
	}
}

// Justification widens the gaps between characters, not those inside a
// Latin word or number.
func TestJustifyKeepsWordsTight(t *testing.T) {
	fs := mustFonts(t)
	g := Official
	st := g.Style(Body)
	st.Indent = 0
	d := New(fs, "两端对齐", A4, Info{Created: fixedClock})
	fit, err := d.Paragraph(g.Block(), "联系电话：010-68530471，18810383746；平台：http://xuexi.cast.org.cn/ 以及更多说明文字", st)
	if err != nil {
		t.Fatal(err)
	}
	if len(fit.Lines) < 2 || fit.Lines[0].Width >= g.Width-1 {
		t.Fatalf("want a first line with room to stretch, got %d lines", len(fit.Lines))
	}
	var words, cjk int
	end := 0.0
	for _, op := range d.Ops() {
		if op.Box.Y > g.Top+g.Pitch() { // first line only
			break
		}
		end = op.Box.X + op.Box.W
		r := []rune(op.Text)
		if len(r) < 2 {
			continue
		}
		switch {
		case !isCJK(r[0]) && !isCJK(r[1]):
			words++
			if math.Abs(op.spacing-st.Tracking) > 1e-9 {
				t.Errorf("word run %q stretched: spacing %.3f mm", op.Text, op.spacing)
			}
		default:
			cjk++
			if op.spacing <= st.Tracking {
				t.Errorf("CJK run %q not stretched", op.Text)
			}
		}
	}
	if words == 0 || cjk == 0 {
		t.Errorf("runs: %d words, %d CJK", words, cjk)
	}
	if math.Abs(end-(g.Left+g.Width)) > 0.3 {
		t.Errorf("justified line ends at %.2f, want %.2f", end, g.Left+g.Width)
	}
}

// A character beyond U+FFFF that a font has (𫖮 U+2B5AE, in the 通用规范汉字表)
// is drawn as an outline and still extracted as text.
func TestOutlineBeyondBMP(t *testing.T) {
	fs := mustFonts(t)
	if !fs.Fallback()[0].Has('𫖮') {
		t.Fatal("fallback font lacks 𫖮 U+2B5AE")
	}
	for _, role := range []Role{Body, Title} {
		d := New(fs, "报名表（王𫖮）", A4, Info{Created: fixedClock})
		fit, err := d.Paragraph(Rect{20, 20, 100, 20}, "王𫖮同志，𫖮与𬌗", Style{Role: role, Field: "姓名"})
		if err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		if fit.Overflow() {
			t.Fatalf("%s: overflow %q", role, fit.Rest)
		}
		outlines := 0
		for _, op := range d.Ops() {
			if r := []rune(op.Text); r[0] > 0xFFFF {
				outlines++
				if len(r) != 1 || op.Font != fs.Fallback()[0] {
					t.Errorf("%s: outline run %q in %s", role, op.Text, op.Font.FullName)
				}
			}
		}
		if outlines != 3 {
			t.Errorf("%s: %d outline runs, want 3", role, outlines)
		}
		got := poppler(t, "pdftotext", "-raw", writePDF(t, d), "-")
		if strings.TrimSpace(got) != "王𫖮同志，𫖮与𬌗" {
			t.Errorf("%s: pdftotext = %q", role, got)
		}
	}
}

// TestIncludeKeepsPagesAndOps: a document included in another keeps its
// pages and drawing, shifted after the host's pages; different fonts are
// refused.
func TestIncludeKeepsPagesAndOps(t *testing.T) {
	fonts, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	part := New(fonts, "part", A4, Info{})
	part.AddPage()
	if err := part.Text(20, 20, "第一页", Style{Size: 12}); err != nil {
		t.Fatal(err)
	}
	part.AddPage()
	part.Line(10, 10, 50, 10, Pen{Width: 0.3})
	host := New(fonts, "host", A4, Info{})
	host.AddPage()
	host.Line(0, 0, 1, 1, Pen{Width: 0.1})
	if err := host.Include(part); err != nil {
		t.Fatal(err)
	}
	if host.PageCount() != 3 {
		t.Fatalf("pages = %d, want 3", host.PageCount())
	}
	pages := map[OpKind][]int{}
	for _, op := range host.Ops() {
		pages[op.Kind] = append(pages[op.Kind], op.Page)
	}
	if got := pages[OpLine]; len(got) != 2 || got[0] != 1 || got[1] != 3 {
		t.Errorf("line pages = %v, want [1 3]", got)
	}
	if got := pages[OpText]; len(got) == 0 || got[0] != 2 {
		t.Errorf("text pages = %v, want on page 2", got)
	}
	other := &Fonts{} // another font set, even if alike
	if err := New(other, "x", A4, Info{}).Include(part); err == nil {
		t.Error("a document with other fonts was included")
	}
}

// Write gives an empty bytes.Buffer the document's bytes (fpdf hands
// them over rather than copying): the same bytes as any other writer
// gets, and a buffer that already holds something has them appended.
func TestWriteHandsBytesToEmptyBuffer(t *testing.T) {
	fs := mustFonts(t)
	doc := func() *Document {
		d := New(fs, "交付", A4, Info{Title: "交付", Created: fixedClock})
		if err := d.Text(20, 20, "报名表", Official.Style(Body)); err != nil {
			t.Fatal(err)
		}
		return d
	}
	var plain strings.Builder // not a bytes.Buffer: written to
	if err := doc().Write(&plain); err != nil {
		t.Fatal(err)
	}
	var empty bytes.Buffer
	if err := doc().Write(&empty); err != nil {
		t.Fatal(err)
	}
	held := bytes.NewBufferString("前缀")
	if err := doc().Write(held); err != nil {
		t.Fatal(err)
	}
	if empty.String() != plain.String() {
		t.Errorf("empty buffer got %d bytes, another writer %d: not the same", empty.Len(), plain.Len())
	}
	if held.String() != "前缀"+plain.String() {
		t.Errorf("a buffer holding 前缀 got %q…, want 前缀 then the document", held.String()[:min(held.Len(), 20)])
	}
}
