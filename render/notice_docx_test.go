package render

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"linghang/program"
	"linghang/render/typeset"
)

// docxPackage is a DOCX unzipped: part name → content.
type docxPackage map[string][]byte

func unzipDOCX(t *testing.T, b []byte) docxPackage {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("output is not a zip: %v", err)
	}
	out := docxPackage{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("open %s: %v", f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("read %s: %v", f.Name, err)
		}
		out[f.Name] = data
	}
	return out
}

// wordParagraphs returns the text of each w:p of a WordprocessingML part in
// document order (w:t concatenated, w:br and w:tab ignored), and fails on
// XML that is not well formed.
func wordParagraphs(t *testing.T, name string, b []byte) []string {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	var paras []string
	var cur strings.Builder
	inText := false
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s is not well-formed XML: %v", name, err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			switch tok.Name.Local {
			case "p":
				cur.Reset()
			case "t":
				inText = true
			}
		case xml.EndElement:
			switch tok.Name.Local {
			case "p":
				paras = append(paras, cur.String())
			case "t":
				inText = false
			}
		case xml.CharData:
			if inText {
				cur.Write(tok)
			}
		}
	}
	return paras
}

func nonEmpty(ss []string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func renderDOCX(t *testing.T, p *program.Programme) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := NoticeDOCX(&buf, p); err != nil {
		t.Fatalf("NoticeDOCX: %v", err)
	}
	return buf.Bytes()
}

func loadProgrammes(t *testing.T) map[string]*program.Programme {
	t.Helper()
	p22, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	p23, err := program.LoadFile(filepath.Join("..", "templates", "examples", "programme-2023.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*program.Programme{"2022": p22, "2023": p23}
}

func TestNoticeDOCXText(t *testing.T) {
	for name, p := range loadProgrammes(t) {
		t.Run(name, func(t *testing.T) {
			pkg := unzipDOCX(t, renderDOCX(t, p))
			for part, data := range pkg {
				if strings.HasSuffix(part, ".xml") || strings.HasSuffix(part, ".rels") {
					wordParagraphs(t, part, data) // well-formed
				}
				if bytes.Contains(data, []byte("{{")) {
					t.Errorf("%s: placeholder left: %s", part, data[bytes.Index(data, []byte("{{")):][:min(40, len(data)-bytes.Index(data, []byte("{{")))])
				}
			}

			// Document properties: title, subject (文号), author, date.
			core := string(pkg["docProps/core.xml"])
			for _, w := range []string{p.Title, p.DocNumber, p.IssuingBody, p.Date.String() + "T00:00:00Z"} {
				if !strings.Contains(core, w) {
					t.Errorf("docProps/core.xml lacks %q", w)
				}
			}

			// The letter head is in the body, not in a header.
			for _, h := range []string{"header1", "header2"} {
				if got := nonEmpty(wordParagraphs(t, h, pkg["word/"+h+".xml"])); len(got) != 0 {
					t.Errorf("%s holds %q; the 版头 belongs in the body", h, got)
				}
			}
			doc := string(pkg["word/document.xml"])
			head := []string{`<w:pStyle w:val="IssuingBody"/>`, `<w:pStyle w:val="RuleTop"/>`, `<w:pStyle w:val="DocNumber"/>`, `<w:pStyle w:val="Title"/>`}
			at := 0
			for _, h := range head {
				i := strings.Index(doc[at:], h)
				if i < 0 {
					t.Errorf("document.xml: %s missing or out of order", h)
					break
				}
				at += i
			}

			// The body: every paragraph of the notice and 附件1 in order.
			var want []string
			for _, para := range p.NoticeParagraphs() {
				if para.Annex == 2 {
					break
				}
				want = append(want, para.String())
			}
			got := nonEmpty(wordParagraphs(t, "document", pkg["word/document.xml"]))
			form := len(got)
			for i, g := range got {
				if g == program.AnnexLabel(2) {
					form = i
					break
				}
			}
			compareParagraphs(t, got[:form], want)

			// 附件2: label, title, the grid with a box for every cohort, notes.
			rest := strings.Join(got[form:], "\n")
			wantForm := []string{program.AnnexLabel(2), p.Form.Title, "推荐单位：", "姓名", "身份证号", "选择班次"}
			for _, c := range p.Cohorts {
				wantForm = append(wantForm, "□"+c.Label)
			}
			wantForm = append(wantForm, "个人简介", p.Form.BioHint)
			wantForm = append(wantForm, "注："+"1."+p.Form.Notes[0])
			for i, n := range p.Form.Notes[1:] {
				wantForm = append(wantForm, strconv.Itoa(i+2)+"."+n)
			}
			pos := 0
			for _, w := range wantForm {
				i := strings.Index(rest[pos:], w)
				if i < 0 {
					t.Errorf("附件2: %q missing or out of order", w)
					continue
				}
				pos += i + len(w)
			}
		})
	}
}

func compareParagraphs(t *testing.T, got, want []string) {
	t.Helper()
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("paragraph %d:\n got %q\nwant %q", i+1, g, w)
			return
		}
	}
}

// TestNoticeDOCXLayout checks the page set-up and the styles against
// GB/T 9704: A4, margins, text block, fonts and sizes by role, 22 lines.
func TestNoticeDOCXLayout(t *testing.T) {
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	pkg := unzipDOCX(t, renderDOCX(t, p))
	doc := string(pkg["word/document.xml"])
	styles := string(pkg["word/styles.xml"])

	attr := func(s, elem, name string) int {
		i := strings.Index(s, "<w:"+elem+" ")
		if i < 0 {
			t.Fatalf("no <w:%s>", elem)
		}
		e := s[i : i+strings.Index(s[i:], ">")]
		j := strings.Index(e, " w:"+name+`="`)
		if j < 0 {
			t.Fatalf("<w:%s> has no w:%s", elem, name)
		}
		v := e[j+len(name)+5:]
		n, err := strconv.Atoi(v[:strings.Index(v, `"`)])
		if err != nil {
			t.Fatalf("w:%s/@%s: %v", elem, name, err)
		}
		return n
	}
	const mm = 1440 / 25.4 // twips per mm
	near := func(twips int, wantMM float64) bool { return math.Abs(float64(twips)/mm-wantMM) < 0.1 }
	pageW, pageH := attr(doc, "pgSz", "w"), attr(doc, "pgSz", "h")
	top, left := attr(doc, "pgMar", "top"), attr(doc, "pgMar", "left")
	right, bottom := attr(doc, "pgMar", "right"), attr(doc, "pgMar", "bottom")
	pitch := attr(doc, "docGrid", "linePitch")
	geometry := []struct {
		name   string
		twips  int
		wantMM float64
	}{
		{"page width", pageW, 210},
		{"page height", pageH, 297},
		{"top margin", top, 37},
		{"left (binding) margin", left, 28},
		{"text width", pageW - left - right, 156},
		{"text height", pageH - top - bottom, 225},
	}
	for _, g := range geometry {
		if !near(g.twips, g.wantMM) {
			t.Errorf("%s = %.1f mm, want %.0f mm", g.name, float64(g.twips)/mm, g.wantMM)
		}
	}
	if lines := (pageH - top - bottom) / pitch; lines != 22 {
		t.Errorf("%d lines per page, want 22", lines)
	}
	for _, want := range []string{`<w:titlePg/>`, `w:type="first"`, `w:type="even"`, `w:type="default"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("section lacks %s", want)
		}
	}
	if !strings.Contains(string(pkg["word/settings.xml"]), "<w:evenAndOddHeaders/>") {
		t.Error("settings lack evenAndOddHeaders: page numbers would not alternate")
	}

	styleTests := []struct {
		style, want string
	}{
		{"Normal", `w:firstLineChars="200"`},
		{"Title", `w:eastAsia="方正小标宋简体"`},
		{"Title", `<w:sz w:val="44"/>`},
		{"IssuingBody", `<w:color w:val="FF0000"/>`},
		{"Heading1", `w:eastAsia="黑体"`},
		{"Heading2", `w:eastAsia="楷体_GB2312"`},
		{"AnnexLabel", `w:eastAsia="黑体"`},
		{"AnnexLabel", `<w:pageBreakBefore/>`},
		// Double rules as two single borders, so that every program draws
		// them in the same order: 上粗下细 at the head, 上细下粗 at the foot.
		{"RuleTop", `<w:top w:val="single" w:sz="18"`},
		{"RuleTop", `<w:bottom w:val="single" w:sz="6"`},
		{"RuleBottom", `<w:top w:val="single" w:sz="6"`},
		{"RuleBottom", `<w:bottom w:val="single" w:sz="18"`},
		// Page numbers: no inherited two-character first-line indent.
		{"PageNumber", `<w:ind w:firstLineChars="0" w:firstLine="0"/>`},
	}
	for _, tt := range styleTests {
		i := strings.Index(styles, `w:styleId="`+tt.style+`"`)
		if i < 0 {
			t.Errorf("no style %s", tt.style)
			continue
		}
		s := styles[i:]
		s = s[:strings.Index(s, "</w:style>")]
		if !strings.Contains(s, tt.want) {
			t.Errorf("style %s lacks %s", tt.style, tt.want)
		}
	}
	for _, want := range []string{`w:eastAsia="仿宋_GB2312"`, `<w:sz w:val="32"/>`, `w:line="579" w:lineRule="exact"`} {
		if !strings.Contains(styles[:strings.Index(styles, "</w:docDefaults>")], want) {
			t.Errorf("document defaults lack %s", want)
		}
	}
	for _, f := range []struct{ part, ind string }{
		{"word/footer2.xml", `<w:ind w:right="280" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="right"/>`}, // odd: right, one 4号 character in
		{"word/footer3.xml", `<w:ind w:left="280" w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="left"/>`},   // even: left, one character in
	} {
		s := string(pkg[f.part])
		if !strings.Contains(s, " PAGE ") || !strings.Contains(s, "— ") || !strings.Contains(s, " —") {
			t.Errorf("%s: no “— PAGE —” field", f.part)
		}
		if !strings.Contains(s, f.ind) {
			t.Errorf("%s: page number not placed one character from the edge (%s)", f.part, f.ind)
		}
	}
	for _, bad := range []string{"thickThin", "thinThick"} {
		if strings.Contains(styles, bad) {
			t.Errorf("styles use a compound %s border: its order differs between Word and LibreOffice", bad)
		}
	}
	if s := string(pkg["word/footer1.xml"]); strings.Contains(s, "PAGE") {
		t.Error("first page shows a page number")
	}
}

func TestNoticeDOCXDeterministic(t *testing.T) {
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	a, b := renderDOCX(t, p), renderDOCX(t, p)
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the same programme differ")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestNoticeDOCXErrors(t *testing.T) {
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	if err := NoticeDOCX(failWriter{}, p); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("write error: got %v, want it reported", err)
	}
	if err := NoticeDOCX(io.Discard, nil); err == nil {
		t.Error("nil programme: no error")
	}
	// Text that needs escaping stays text.
	q := *p
	q.Title = "关于<测试>&“引号”的通知"
	pkg := unzipDOCX(t, renderDOCX(t, &q))
	got := nonEmpty(wordParagraphs(t, "document", pkg["word/document.xml"]))
	if len(got) < 3 || got[2] != q.Title { // after 发文机关标志 and 文号
		t.Errorf("paragraphs %q, want the title %q third", got[:min(3, len(got))], q.Title)
	}
}

// A title's lines keep words whole when balancing them: the 第10期
// 报到通知 printed “关于第10期中国女科技工作” over “者协会党校班报到事项的通知”
// (measured in the PDF's own type, where 10 is wider than in emWidth).
func TestBalanceLinesKeepWords(t *testing.T) {
	fonts := noticeTestFonts(t)
	st := typeset.Style{Role: typeset.Title, Size: typeset.Size2, Align: typeset.Center}
	measure := func(s string) float64 {
		w, err := fonts.Measure(s, st)
		if err != nil {
			t.Fatal(err)
		}
		return w
	}
	tests := []struct {
		in   string
		want []string
	}{
		{"关于第10期中国女科技工作者协会党校班报到事项的通知", []string{"关于第10期中国女科技工作者", "协会党校班报到事项的通知"}},
		{"关于第9期全国学会分校班（中国细胞生物学学会）报到事项的通知", nil},
	}
	for _, tt := range tests {
		got := balanceLines(tt.in, 156, measure)
		if tt.want != nil && strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("balanceLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
		for i := 1; i < len(got); i++ {
			for _, w := range []string{"工作者", "学会", "党校", "协会", "细胞", "生物"} {
				r := []rune(w)
				for k := 1; k < len(r); k++ {
					if strings.HasSuffix(got[i-1], string(r[:k])) && strings.HasPrefix(got[i], string(r[k:])) {
						t.Errorf("%q splits %s: %q", tt.in, w, got)
					}
				}
			}
		}
	}
}

func TestBalanceLines(t *testing.T) {
	tests := []struct {
		in      string
		perLine float64
		want    []string
	}{
		{"中国科协办公厅关于开展2022年“领航计划”青年科技领军人才国情研修活动的通知", 20,
			[]string{"中国科协办公厅关于开展2022年“领航计划”", "青年科技领军人才国情研修活动的通知"}},
		{"“领航计划”青年科技领军人才国情研修活动报名表", 20,
			[]string{"“领航计划”青年科技领军人才", "国情研修活动报名表"}},
		{"“领航计划”青年科技领军人才国情研修活动班次介绍", 20,
			[]string{"“领航计划”青年科技领军人才", "国情研修活动班次介绍"}},
		{"关于举办研修活动的通知", 20, []string{"关于举办研修活动的通知"}},
		// Too wide for two lines unless “领航计划” is split: three lines.
		{"中国科协办公厅关于开展2022年“领航计划”青年科技领军人才国情研修活动的通知", 19,
			[]string{"中国科协办公厅关于开展2022年", "“领航计划”青年科技领军人才", "国情研修活动的通知"}},
		{"一二三四五六七八九十一二三四五六七八九十一", 20, []string{"一二三四五六七八九十一", "二三四五六七八九十一"}},
	}
	for _, tt := range tests {
		got := balanceLines(tt.in, tt.perLine, emWidth)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("balanceLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if strings.Join(got, "") != tt.in {
			t.Errorf("balanceLines(%q) lost text: %q", tt.in, got)
		}
		for _, l := range got {
			if emWidth(l) > tt.perLine {
				t.Errorf("line %q wider than %v", l, tt.perLine)
			}
			if r := []rune(l); len(got) > 1 && len(r) < 2 {
				t.Errorf("lone character line %q", l)
			}
			if r := []rune(l); strings.ContainsRune(titleNoStart, r[0]) {
				t.Errorf("line %q starts with forbidden punctuation", l)
			}
		}
	}
}

// TestNoticeDOCXOpensInLibreOffice converts the DOCX to PDF with soffice, as
// a stand-in for Word/WPS: it must open without repair and keep the text.
func TestNoticeDOCXOpensInLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("soffice not installed")
	}
	if testing.Short() {
		t.Skip("slow: converts with LibreOffice")
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "notice.docx")
	if err := os.WriteFile(in, renderDOCX(t, p), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"),
		"--headless", "--convert-to", "pdf", "--outdir", dir, in)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	pdf := filepath.Join(dir, "notice.pdf")
	if keep := os.Getenv("LINGHANG_KEEP"); keep != "" {
		b, _ := os.ReadFile(pdf)
		os.WriteFile(filepath.Join(keep, "notice-docx.pdf"), b, 0o644)
	}
	out, err := exec.Command("pdftotext", pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	// Drop the page numbers (— 2 —) that interrupt paragraphs across pages.
	text := pageNumber.ReplaceAllString(squashSpace(string(out)), "")
	pos := 0
	for _, para := range p.NoticeParagraphs() {
		if para.Annex == 2 {
			break
		}
		w := squashSpace(para.String())
		i := strings.Index(text[pos:], w)
		if i < 0 {
			t.Errorf("converted PDF lacks, or has out of order, %q", w)
			continue
		}
		pos += i + len(w)
	}
	info, err := exec.Command("pdfinfo", pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	if !strings.Contains(string(info), "595.") || !strings.Contains(string(info), "841.") {
		t.Errorf("page size is not A4:\n%s", info)
	}
}

var pageNumber = regexp.MustCompile(`—\d+—`)

func squashSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
