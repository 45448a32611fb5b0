package render

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"linghang/program"
	"linghang/render/typeset"
)

var (
	noticeFontsOnce sync.Once
	noticeFonts     *typeset.Fonts
	noticeFontsErr  error
)

// noticeTestFonts returns the fonts every notice test uses, loaded once.
func noticeTestFonts(t testing.TB) *typeset.Fonts {
	t.Helper()
	noticeFontsOnce.Do(func() { noticeFonts, noticeFontsErr = typeset.Embedded() })
	if noticeFontsErr != nil {
		t.Fatalf("fonts: %v", noticeFontsErr)
	}
	return noticeFonts
}

func needPoppler(t *testing.T) {
	t.Helper()
	needTools(t, "pdftotext", "pdffonts", "pdfinfo", "pdftoppm")
}

// renderNoticeFile renders p to a PDF file in a temporary directory.
func renderNoticeFile(t *testing.T, p *program.Programme, opts ...NoticeOption) string {
	t.Helper()
	var buf bytes.Buffer
	opts = append([]NoticeOption{NoticeFonts(noticeTestFonts(t))}, opts...)
	if err := NoticePDF(&buf, p, opts...); err != nil {
		t.Fatalf("NoticePDF: %v", err)
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("notice-%d.pdf", p.Year))
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if keep := os.Getenv("LINGHANG_KEEP"); keep != "" {
		os.WriteFile(filepath.Join(keep, filepath.Base(path)), buf.Bytes(), 0o644)
	}
	return path
}

func poppler(t *testing.T, tool string, args ...string) string {
	t.Helper()
	out, err := exec.Command(tool, args...).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("%s %v: %v\n%s", tool, args, err, ee.Stderr)
		}
		t.Fatalf("%s %v: %v", tool, args, err)
	}
	return string(out)
}

func pageCount(t *testing.T, pdf string) int {
	t.Helper()
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindStringSubmatch(poppler(t, "pdfinfo", pdf))
	if m == nil {
		t.Fatal("pdfinfo: no page count")
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// seedNotice returns the notice and 附件1 of the published 2022 notice
// (../program/testdata/notice-2022.txt) without white space: the text
// before the line 附件2, less the first line 附 件 (the label of the web
// page that carried the notice). Removing all white space also repairs
// the page break inside 战略科|学家 and the wrapped title lines.
func seedNotice(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "program", "testdata", "notice-2022.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		l = squashSpace(l)
		if l == "附件2" {
			break
		}
		if l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 || lines[0] != "附件" {
		t.Fatalf("seed does not start with the page label 附 件")
	}
	return strings.Join(lines[1:], "")
}

// pdfText is the text of the PDF in drawing order without white space and
// page numbers.
func pdfText(t *testing.T, pdf string, page int) string {
	t.Helper()
	args := []string{"-raw", "-enc", "UTF-8"}
	if page > 0 {
		args = append(args, "-f", strconv.Itoa(page), "-l", strconv.Itoa(page))
	}
	return pageNumber.ReplaceAllString(squashSpace(poppler(t, "pdftotext", append(args, pdf, "-")...)), "")
}

func TestNoticePDFHasEverySeedParagraph(t *testing.T) {
	needPoppler(t)
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	pdf := renderNoticeFile(t, p)
	got := pdfText(t, pdf, 0)
	want := seedNotice(t)
	cut := strings.Index(got, program.AnnexLabel(2))
	if cut < 0 {
		t.Fatalf("PDF has no %s", program.AnnexLabel(2))
	}
	if got[:cut] != want {
		g, w := []rune(got[:cut]), []rune(want)
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		ctx := func(r []rune) string { return string(r[max(0, i-20):min(len(r), i+30)]) }
		t.Errorf("PDF text differs from the seed at character %d:\n got …%s…\nwant …%s…", i, ctx(g), ctx(w))
	}
	// 附件2 is the form: its title and every cohort label are on it.
	form := got[cut:]
	for _, w := range append([]string{squashSpace(p.Form.Title)}, cohortLabels(p)...) {
		if !strings.Contains(form, w) {
			t.Errorf("附件2 lacks %q", w)
		}
	}
}

func cohortLabels(p *program.Programme) []string {
	var out []string
	for _, c := range p.Cohorts {
		out = append(out, c.Label)
	}
	return out
}

// TestNoticePDFParagraphsInOrder renders the bundled and the example
// programme and finds every paragraph of each, in order.
func TestNoticePDFParagraphsInOrder(t *testing.T) {
	needPoppler(t)
	for name, p := range loadProgrammes(t) {
		t.Run(name, func(t *testing.T) {
			text := pdfText(t, renderNoticeFile(t, p), 0)
			pos := 0
			for _, para := range p.NoticeParagraphs() {
				if para.Annex == 2 {
					break
				}
				w := squashSpace(para.String())
				i := strings.Index(text[pos:], w)
				if i < 0 {
					t.Errorf("missing or out of order: %q", clipText(w, 30))
					continue
				}
				pos += i + len(w)
			}
		})
	}
}

// bboxWord is a word of pdftotext -bbox output.
type bboxWord struct {
	page     int
	x, y, y2 float64
	text     string
}

var (
	reBBoxPage = regexp.MustCompile(`<page `)
	reBBoxWord = regexp.MustCompile(`<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)</word>`)
)

// textLine is a line of text as drawn: its left edge and baseline box top
// in mm, and its text.
type textLine struct {
	x, y float64
	text string
}

// textLines returns the lines of each page as drawn: words grouped by
// their vertical position, left to right. (pdftotext's text modes may split
// a squeezed “。 or ”， pair onto lines of their own; the boxes do not.)
func textLines(t *testing.T, pdf string) [][]textLine {
	t.Helper()
	out := poppler(t, "pdftotext", "-bbox", "-enc", "UTF-8", pdf, "-")
	var words []bboxWord
	page := 0
	for _, line := range strings.Split(out, "\n") {
		if reBBoxPage.MatchString(line) {
			page++
			continue
		}
		m := reBBoxWord.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		x, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.ParseFloat(m[2], 64)
		y2, _ := strconv.ParseFloat(m[3], 64)
		words = append(words, bboxWord{page, x, y, y2, html.UnescapeString(m[4])})
	}
	pages := make([][]textLine, page)
	for len(words) > 0 {
		w := words[0]
		var line, rest []bboxWord
		for _, o := range words {
			// Same page and overlapping vertically by more than half.
			if o.page == w.page && math.Min(o.y2, w.y2)-math.Max(o.y, w.y) > (w.y2-w.y)/2 {
				line = append(line, o)
			} else {
				rest = append(rest, o)
			}
		}
		sort.Slice(line, func(i, j int) bool { return line[i].x < line[j].x })
		var b strings.Builder
		for _, o := range line {
			b.WriteString(o.text)
		}
		const mmPerPt = 25.4 / 72
		pages[w.page-1] = append(pages[w.page-1], textLine{line[0].x * mmPerPt, w.y * mmPerPt, b.String()})
		words = rest
	}
	return pages
}

func TestNoticePDFLineStarts(t *testing.T) {
	needPoppler(t)
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	const forbidden = "，。、；：？！）》」’”"
	lines := 0
	for pg, page := range textLines(t, renderNoticeFile(t, p)) {
		for _, line := range page {
			lines++
			if r := []rune(line.text)[0]; strings.ContainsRune(forbidden, r) {
				t.Errorf("page %d: line starts with %q: %q", pg+1, r, line.text)
			}
		}
	}
	if lines < 200 {
		t.Errorf("only %d lines found; the text check looked at too little", lines)
	}
}

func TestNoticePDFFontsAndPages(t *testing.T) {
	needPoppler(t)
	for name, p := range loadProgrammes(t) {
		t.Run(name, func(t *testing.T) {
			pdf := renderNoticeFile(t, p)
			fonts := 0
			for _, row := range strings.Split(poppler(t, "pdffonts", pdf), "\n")[2:] {
				f := strings.Fields(row)
				if len(f) < 5 {
					continue
				}
				fonts++
				// name type encoding emb sub uni …; the type may be two words.
				if !strings.Contains(row, " yes ") || strings.Contains(row, "Type 3") {
					t.Errorf("font not embedded: %s", row)
				}
			}
			if fonts < 3 {
				t.Errorf("%d fonts, want title, body and heading fonts", fonts)
			}
			info := poppler(t, "pdfinfo", pdf)
			if !strings.Contains(info, "(A4)") {
				t.Errorf("not A4:\n%s", info)
			}
			n := pageCount(t, pdf)
			first := pdfText(t, pdf, 1)
			if !strings.HasPrefix(first, p.IssuingBody+p.DocNumber) {
				t.Errorf("page 1 starts %q, want the letter head", clipText(first, 20))
			}
			raw := squashSpace(poppler(t, "pdftotext", "-raw", "-f", "1", "-l", "1", pdf, "-"))
			if pageNumber.MatchString(raw) {
				t.Error("page 1 carries a page number")
			}
			annex1 := 0
			for pg := 2; pg <= n; pg++ {
				raw := squashSpace(poppler(t, "pdftotext", "-raw", "-f", strconv.Itoa(pg), "-l", strconv.Itoa(pg), pdf, "-"))
				if !strings.Contains(raw, "—"+strconv.Itoa(pg)+"—") { // 附件2's page too
					t.Errorf("page %d lacks its number — %d —", pg, pg)
				}
				if strings.HasPrefix(pdfText(t, pdf, pg), program.AnnexLabel(1)+squashSpace(p.Attachments[0].Title)) {
					annex1 = pg
				}
			}
			if annex1 == 0 {
				t.Error("附件1 does not start a page with its title")
			}
			if last := pdfText(t, pdf, n); !strings.HasPrefix(last, program.AnnexLabel(2)) {
				t.Errorf("last page (%d) starts %q, want 附件2", n, clipText(last, 12))
			}
			// The cohorts fill the pages between 附件1 and the form.
			if n-annex1 < 1 {
				t.Errorf("附件1 on page %d of %d", annex1, n)
			}
		})
	}
}

// TestNoticePDFRules looks at page 1 and 2 as pixels: the red letter head
// and rules are where GB/T 9704 puts them, and only on the first page.
func TestNoticePDFRules(t *testing.T) {
	needPoppler(t)
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	pdf := renderNoticeFile(t, p)
	const dpi = 100
	prefix := filepath.Join(t.TempDir(), "page")
	poppler(t, "pdftoppm", "-r", strconv.Itoa(dpi), "-f", "1", "-l", "2", "-png", pdf, prefix)
	pages, _ := filepath.Glob(prefix + "*.png")
	if len(pages) != 2 {
		t.Fatalf("pdftoppm wrote %v", pages)
	}
	px := func(mm float64) int { return int(mm * dpi / 25.4) }
	// redIn counts the rows between y0 and y1 mm in which red spans at
	// least frac of the columns between x0 and x1 mm, and the red pixels.
	redIn := func(img image.Image, x0, x1, y0, y1, frac float64) (rows, pixels int) {
		for y := px(y0); y <= px(y1); y++ {
			n := 0
			for x := px(x0); x <= px(x1); x++ {
				r, g, b, _ := img.At(x, y).RGBA()
				if r>>8 > 180 && g>>8 < 110 && b>>8 < 110 {
					n++
				}
			}
			pixels += n
			if float64(n) >= frac*float64(px(x1)-px(x0)+1) {
				rows++
			}
		}
		return rows, pixels
	}
	decode := func(path string) image.Image {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		img, err := png.Decode(f)
		if err != nil {
			t.Fatal(err)
		}
		return img
	}
	p1, p2 := decode(pages[0]), decode(pages[1])
	em := typeset.PtToMM(letterHeadSize)
	ruleTop := letterHeadTop + em + letterRuleGap
	tests := []struct {
		name           string
		img            image.Image
		x0, x1, y0, y1 float64
		frac           float64
		minRows        int
	}{
		// 170 mm rules from x = 20 to 190 mm; nothing red beyond them.
		{"top double rule", p1, 21, 189, ruleTop - 0.5, ruleTop + 2.5, 0.95, 2},
		{"bottom double rule", p1, 21, 189, 297 - 20 - 2.5, 297 - 20 + 0.5, 0.95, 2},
		{"letter head in red", p1, 30, 180, letterHeadTop, letterHeadTop + em, 0.2, 3},
	}
	for _, tt := range tests {
		if rows, _ := redIn(tt.img, tt.x0, tt.x1, tt.y0, tt.y1, tt.frac); rows < tt.minRows {
			t.Errorf("%s: %d red rows between %.1f and %.1f mm, want ≥ %d", tt.name, rows, tt.y0, tt.y1, tt.minRows)
		}
	}
	if _, n := redIn(p1, 0, 19, 0, 296, 1); n > 0 {
		t.Errorf("page 1: %d red pixels left of the 170 mm rules", n)
	}
	if _, n := redIn(p1, 0, 209, letterHeadTop-3, letterHeadTop-1, 1); n > 0 {
		t.Errorf("page 1: red above the letter head's top at %v mm", letterHeadTop)
	}
	if _, n := redIn(p2, 0, 209, 0, 296, 1); n > 0 {
		t.Errorf("page 2: %d red pixels, want none", n)
	}
}

func TestNoticePDFWithoutForm(t *testing.T) {
	needPoppler(t)
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	with := renderNoticeFile(t, p)
	without := renderNoticeFile(t, p, NoticeForm(nil))
	if got, want := pageCount(t, without), pageCount(t, with)-1; got != want {
		t.Errorf("without the form: %d pages, want %d", got, want)
	}
	if strings.Contains(pdfText(t, without, 0), program.AnnexLabel(2)) {
		t.Error("附件2 drawn although no form drawer was given")
	}
}

func TestNoticePDFErrors(t *testing.T) {
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := NoticePDF(failWriter{}, p, NoticeFonts(noticeTestFonts(t))); err == nil {
		t.Error("write error not reported")
	}
	if err := NoticePDF(&bytes.Buffer{}, nil); err == nil {
		t.Error("nil programme: no error")
	}
	// A character no font has stops rendering and names it.
	q := *p
	q.Lead = append([]string{"测试𠀀字"}, p.Lead...)
	err = NoticePDF(&bytes.Buffer{}, &q, NoticeFonts(noticeTestFonts(t)))
	if err == nil || !strings.Contains(err.Error(), "𠀀") {
		t.Errorf("missing glyph: err = %v, want it named", err)
	}
	formErr := errors.New("表格坏了")
	err = NoticePDF(&bytes.Buffer{}, p, NoticeFonts(noticeTestFonts(t)), NoticeForm(func(*typeset.Document, *program.Programme, string) error { return formErr }))
	if !errors.Is(err, formErr) {
		t.Errorf("form drawer error: got %v", err)
	}
}

// TestNoticePDFGolden compares the lines of every page — page, left edge
// and top in mm, text — with testdata/notice-2022.golden (go test ./render -run Golden -update
// rewrites it). It renders with the bundled fonts (typeset.Embedded), whose
// metrics make the layout the same on every machine.
func TestNoticePDFGolden(t *testing.T) {
	needPoppler(t)
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	// Without 附件2: the form's layout is the form renderer's and has its
	// own golden files.
	var b strings.Builder
	for pg, page := range textLines(t, renderNoticeFile(t, p, NoticeForm(nil))) {
		sort.SliceStable(page, func(i, j int) bool { return page[i].y < page[j].y })
		for _, l := range page {
			fmt.Fprintf(&b, "%2d %5.1f %5.1f  %s\n", pg+1, l.x, l.y, l.text)
		}
	}
	got := b.String()
	golden := filepath.Join("testdata", "notice-2022.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./render -run Golden -update)", err)
	}
	if got != string(want) {
		gl, wl := strings.Split(got, "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(gl), len(wl)); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("layout differs from %s at line %d:\n got %q\nwant %q", golden, i+1, g, w)
			}
		}
	}
}

func BenchmarkNoticePDF(b *testing.B) {
	p, err := program.Default()
	if err != nil {
		b.Fatal(err)
	}
	fs := noticeTestFonts(b)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := NoticePDF(&buf, p, NoticeFonts(fs)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}

func BenchmarkNoticeDOCX(b *testing.B) {
	p, err := program.Default()
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := NoticeDOCX(&buf, p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
}

// TestNoticeOddProgrammes renders programmes that the bundled one does not
// exercise — empty parts, a very long paragraph and title, all four
// heading levels — in both formats: no panic, every paragraph present.
func TestNoticeOddProgrammes(t *testing.T) {
	needPoppler(t)
	base, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("研修活动聚焦产业布局、特色资源和学科领域，", 120)
	kai := regexp.MustCompile(`<w:pStyle w:val="Heading2"/>[^<]*(<[^>]*>)*（一）指导思想`)
	tests := []struct {
		name  string
		edit  func(p *program.Programme)
		check func(t *testing.T, docXML, pdf string)
	}{
		{"bare", func(p *program.Programme) {
			*p = program.Programme{Year: 2024, IssuingBody: "中国科协办公厅", DocNumber: "科协办函组字〔2024〕1号",
				Title: "关于测试的通知", Addressees: "各有关单位", Signature: "中国科协办公厅", Date: program.NewDate(2024, 1, 2)}
		}, nil},
		{"long paragraph", func(p *program.Programme) { p.Lead = []string{long} }, nil},
		{"long title", func(p *program.Programme) {
			p.Title = strings.Repeat("中国科协办公厅关于开展青年科技领军人才国情研修活动", 4) + "的通知"
		}, nil},
		{"four heading levels", func(p *program.Programme) {
			p.Body = []program.Section{{Number: "一、", Heading: "总体要求", Sections: []program.Section{
				{Number: "（一）", Heading: "指导思想", Paragraphs: []string{"坚持面向世界科技前沿。"}, Sections: []program.Section{
					{Number: "1.", Heading: "基本原则", Sections: []program.Section{
						{Number: "（1）", Paragraphs: []string{"突出政治引领。"}}}}}}}}}
		}, func(t *testing.T, docXML, pdf string) {
			if !kai.MatchString(docXML) {
				t.Error("DOCX: （一） heading not in style Heading2 (楷体)")
			}
			want := noticeTestFonts(t).Font(typeset.Heading2).PostScript
			if fonts := poppler(t, "pdffonts", pdf); !strings.Contains(strings.ToLower(fonts), strings.ToLower(want)) {
				t.Errorf("PDF: （一） heading not set in %s:\n%s", want, fonts)
			}
		}},
		{"no cohorts, no form", func(p *program.Programme) { p.Cohorts, p.Form = nil, program.FormDef{} }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := *base
			p.Cohorts = append([]program.Cohort(nil), base.Cohorts...)
			tt.edit(&p)
			var docx bytes.Buffer
			if err := NoticeDOCX(&docx, &p); err != nil {
				t.Fatalf("NoticeDOCX: %v", err)
			}
			pkg := unzipDOCX(t, docx.Bytes())
			doc := strings.Join(wordParagraphs(t, "document", pkg["word/document.xml"]), "\n")
			pdf := renderNoticeFile(t, &p)
			text := pdfText(t, pdf, 0)
			pos := 0
			for _, para := range p.NoticeParagraphs() {
				if para.Annex == 2 {
					break
				}
				w := squashSpace(para.String())
				if w == "" {
					continue
				}
				if i := strings.Index(text[pos:], w); i < 0 {
					t.Errorf("PDF: missing or out of order: %q", clipText(w, 30))
				} else {
					pos += i + len(w)
				}
				if para.Kind != program.ParaIssuingBody && para.Kind != program.ParaDocNumber && !strings.Contains(doc, para.String()) {
					t.Errorf("DOCX: missing %q", clipText(para.String(), 30))
				}
			}
			if tt.check != nil {
				tt.check(t, string(pkg["word/document.xml"]), pdf)
			}
		})
	}
}

func ExampleNoticePDF() {
	p, err := program.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	var pdf bytes.Buffer
	// The default fonts honour LINGHANG_FONTS; NoticeForm(nil) would stop
	// after 附件1.
	if err := NoticePDF(&pdf, p); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")))
	// Output: true
}

func ExampleNoticeDOCX() {
	p, err := program.Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	var docx bytes.Buffer
	if err := NoticeDOCX(&docx, p); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(bytes.HasPrefix(docx.Bytes(), []byte("PK")))
	// Output: true
}
