package render

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"linghang/program"
	"linghang/render/typeset"
)

// A bound copy of a 1-page and a 2-page form: cover, blank back, contents
// with the right page numbers, each form starting on a front (odd) page,
// blank pages where duplex needs them, page numbers at the outer corner,
// and an outline entry per applicant.
func TestBoundCopyDuplex(t *testing.T) {
	p := formProgramme(t)
	apps := boundApplicants(t, p)
	var buf bytes.Buffer
	if err := CohortForms(&buf, formFonts(t), p, 3, apps); err != nil {
		t.Fatal(err)
	}
	pages := formPDFText(t, buf.Bytes())
	// 1 cover, 2 blank, 3 contents, 4 blank, 5–6 form of apps[0], 7 form of apps[1], 8 blank.
	want := []struct {
		page     int
		contains []string
		blank    bool
	}{
		{1, []string{"合订本", "第3期", "江苏省科协党校班", "承办单位：", "报名表共2份", "中国科协办公厅", "2022年3月31日"}, false},
		{2, nil, true},
		{3, []string{"目录", fmt.Sprintf("1%s", apps[0].Name), "5", fmt.Sprintf("2%s", apps[1].Name), "7", "—3—"}, false},
		{4, nil, true},
		{5, []string{apps[0].ID, apps[0].Name + "报名表第1页共2页", "—5—"}, false},
		{6, []string{"个人简介（续）", apps[0].Name + "报名表第2页共2页", "—6—"}, false},
		{7, []string{apps[1].ID, "—7—"}, false},
		{8, nil, true},
	}
	if len(pages) != len(want) {
		t.Fatalf("%d pages, want %d", len(pages), len(want))
	}
	for _, w := range want {
		got := formSqueeze(pages[w.page-1])
		if w.blank && got != "" {
			t.Errorf("page %d should be blank (back of a page for duplex), has %q", w.page, got)
		}
		for _, s := range w.contains {
			if !strings.Contains(got, formSqueeze(s)) {
				t.Errorf("page %d lacks %q:\n%s", w.page, s, got)
			}
		}
	}
	if strings.Contains(formSqueeze(pages[6]), "共1页") {
		t.Error("the one-page form carries a form page number")
	}
	// Outline: 目录 and one entry per applicant, in order.
	raw := buf.String()
	if !strings.Contains(raw, "/Type /Outlines") || !strings.Contains(raw, "/PageMode /UseOutlines") {
		t.Fatal("no PDF outline")
	}
	var titles []string
	for _, m := range regexp.MustCompile(`<</Title \((.*?)\)\n/Parent`).FindAllStringSubmatch(raw, -1) {
		titles = append(titles, utf16Literal(m[1]))
	}
	wantTitles := []string{"目录", "1. " + apps[0].Name, "2. " + apps[1].Name}
	if strings.Join(titles, "|") != strings.Join(wantTitles, "|") {
		t.Errorf("outline %q, want %q", titles, wantTitles)
	}
	if *update || os.Getenv("LINGHANG_KEEP_PDF") != "" {
		_ = os.WriteFile(filepath.Join(os.TempDir(), "bound-copy.pdf"), buf.Bytes(), 0o644)
	}
}

// utf16Literal decodes a PDF literal string holding UTF-16BE with a BOM
// (as fpdf writes outline titles), undoing the \\ \( \) escapes.
func utf16Literal(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			default:
				b = append(b, s[i])
			}
			continue
		}
		b = append(b, s[i])
	}
	if len(b) < 2 || b[0] != 0xFE || b[1] != 0xFF {
		return string(b)
	}
	var rs []rune
	for i := 2; i+1 < len(b); i += 2 {
		rs = append(rs, rune(b[i])<<8|rune(b[i+1]))
	}
	return string(rs)
}

// boundApplicants are two applicants of cohort 3: the first with a
// biography that needs a second page, the second with a short one.
func boundApplicants(t testing.TB, p *program.Programme) []program.Applicant {
	apps := formSample(t, p, 2)
	for i := range apps {
		apps[i].Cohort = 3
	}
	apps[0].Bio = strings.Repeat("主持国家重点研发计划课题，在高性能计算与人工智能交叉领域取得系列成果。\n", 30) // two pages
	apps[1].Bio = "主持国家自然科学基金项目。"
	return apps
}

// tightBio is a 个人简介 two lines too long for its cell at 小四 with 1.5
// leading (see TestFormLongBiography).
func tightBio() string {
	s := []rune(strings.Repeat("主持国家重点研发计划课题，在高性能计算与人工智能交叉领域取得系列成果，获省部级科技奖励多项。", 13))
	return string(s[:560])
}

// Pixel check of the bound copy printed duplex: the backs left blank have
// no ink at all; page numbers sit at the outer corner (right on a front
// page, left on a back page).
func TestBoundCopyPixels(t *testing.T) {
	p := formProgramme(t)
	var buf bytes.Buffer
	if err := CohortForms(&buf, formFonts(t), p, 3, boundApplicants(t, p)); err != nil {
		t.Fatal(err)
	}
	const dpi = 72
	right := typeset.Rect{X: 150, Y: 285, W: 45, H: 9}
	left := typeset.Rect{X: 15, Y: 285, W: 45, H: 9}
	tests := []struct {
		page        int
		blank       bool
		left, right bool // ink of a page number in that corner
	}{
		{1, false, false, false}, // cover: no number
		{2, true, false, false},
		{3, false, false, true},
		{4, true, false, false},
		{5, false, false, true},
		{6, false, true, false},
		{7, false, false, true},
		{8, true, false, false},
	}
	for _, tt := range tests {
		img := formRaster(t, buf.Bytes(), tt.page, dpi)
		all := formInk(img, typeset.Rect{X: 0, Y: 0, W: 210, H: 297}, dpi)
		if tt.blank != (all == 0) {
			t.Errorf("page %d: ink %.4f, blank %v", tt.page, all, tt.blank)
		}
		if got := formInk(img, left, dpi) > 0; got != tt.left {
			t.Errorf("page %d: ink at the bottom left %v, want %v", tt.page, got, tt.left)
		}
		if got := formInk(img, right, dpi) > 0; got != tt.right {
			t.Errorf("page %d: ink at the bottom right %v, want %v", tt.page, got, tt.right)
		}
	}
}

// The contents header is one row above the first entry: the rule under
// 序号/姓名 must not cut into row 1, so the header and every row share the
// same pitch (on paper row 1 was squeezed 2 mm against the header's rule).
func TestBoundContentsRowPitch(t *testing.T) {
	needPoppler(t)
	p := formProgramme(t)
	apps := formSample(t, p, 3)
	for i := range apps {
		apps[i].Cohort = 3
	}
	var buf bytes.Buffer
	if err := CohortForms(&buf, formFonts(t), p, 3, apps); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(t.TempDir(), "bound.pdf")
	if err := os.WriteFile(pdf, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	var ys []float64
	for _, l := range textLines(t, pdf)[2] { // page 3: 目录
		if strings.HasPrefix(l.text, "序号") || strings.Contains(l.text, apps[0].Name) ||
			strings.Contains(l.text, apps[1].Name) || strings.Contains(l.text, apps[2].Name) {
			ys = append(ys, l.y)
		}
	}
	if len(ys) != 4 {
		t.Fatalf("found %d of header + 3 rows on the contents page", len(ys))
	}
	for i := 1; i < len(ys); i++ {
		if got := ys[i] - ys[i-1]; math.Abs(got-boundRowH) > 0.3 {
			t.Errorf("contents line %d is %.1f mm below the one above, want %.1f (rows %v)", i, got, boundRowH, ys)
		}
	}
}
