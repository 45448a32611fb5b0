package render

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/nguyenthenguyen/docx"

	"linghang/program"
	"linghang/templates"
)

// Page geometry of the DOCX template in characters: 28 per line of the
// 156 mm text block at 3号 (16 pt), 20 per line at 2号 (22 pt).
const (
	docxBodyChars   = 28.0
	docxTitleChars  = 20.0
	keepNext        = `<w:keepNext/>`
	bodyPlaceholder = `<w:p><w:r><w:t>{{正文}}</w:t></w:r></w:p>`
)

// NoticeDOCX writes the notice of p as an editable Word document built
// from templates/notice-docx: the 版头 (发文机关标志, red double rule, 文号)
// at the top of the body, body from the programme, signature and date,
// 附件1 (the cohorts) and 附件2 (the blank form) on new pages, page numbers
// “— 1 —” on odd and even pages.
func NoticeDOCX(w io.Writer, p *program.Programme) error {
	if p == nil {
		return errors.New("render notice DOCX: no programme")
	}
	date := p.Date.String()
	if date == "" {
		date = fmt.Sprintf("%04d-01-01", p.Year)
	}
	// The document properties (docProps/core.xml) are outside what the docx
	// library edits; they are filled while the package is built.
	props := map[string]string{"{{标题}}": p.Title, "{{文号}}": p.DocNumber, "{{发文机关}}": p.IssuingBody, "{{成文日期}}": date}
	tmpl, err := templatePackage(templates.NoticeDOCX, "notice-docx", map[string]map[string]string{"docProps/core.xml": props})
	if err != nil {
		return fmt.Errorf("render notice DOCX: template: %w", err)
	}
	r, err := docx.ReadDocxFromMemory(bytes.NewReader(tmpl), int64(len(tmpl)))
	if err != nil {
		return fmt.Errorf("render notice DOCX: open template: %w", err)
	}
	defer r.Close()
	d := r.Editable()
	if !strings.Contains(d.GetContent(), bodyPlaceholder) {
		return fmt.Errorf("render notice DOCX: template word/document.xml lacks the paragraph %s", bodyPlaceholder)
	}
	d.ReplaceRaw(bodyPlaceholder, noticeBodyXML(p), 1)
	// The docx library ignores write errors: write to memory, then copy.
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		return fmt.Errorf("render notice DOCX: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("render notice DOCX: write: %w", err)
	}
	return nil
}

// templatePackage zips the parts under dir of fsys into a DOCX package:
// [Content_Types].xml first, the rest in name order, fixed timestamps, so
// the output is byte-for-byte reproducible. fill maps a part name to the
// placeholders to replace in it by XML-escaped text.
func templatePackage(fsys fs.FS, dir string, fill map[string]map[string]string) ([]byte, error) {
	var names []string
	err := fs.WalkDir(fsys, dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() {
			names = append(names, strings.TrimPrefix(path, dir+"/"))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(names, func(i, j int) bool {
		ci, cj := names[i] == "[Content_Types].xml", names[j] == "[Content_Types].xml"
		if ci != cj {
			return ci
		}
		return names[i] < names[j]
	})
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		b, err := fs.ReadFile(fsys, dir+"/"+n)
		if err != nil {
			return nil, err
		}
		for k, v := range fill[n] {
			var esc bytes.Buffer
			xml.EscapeText(&esc, []byte(v))
			b = bytes.ReplaceAll(b, []byte(k), esc.Bytes())
		}
		f, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate, Modified: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return nil, err
		}
		if _, err := f.Write(b); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// wml builds WordprocessingML paragraphs.
type wml struct{ strings.Builder }

// para writes a paragraph in style with extra pPr elements and runs.
func (b *wml) para(style, pPr string, runs ...string) {
	b.WriteString("<w:p><w:pPr>")
	if style != "" {
		fmt.Fprintf(&b.Builder, `<w:pStyle w:val="%s"/>`, style)
	}
	b.WriteString(pPr)
	b.WriteString("</w:pPr>")
	for _, r := range runs {
		b.WriteString(r)
	}
	b.WriteString("</w:p>")
}

// run is a text run; lines are separated by <w:br/>.
func run(lines ...string) string {
	var b strings.Builder
	b.WriteString("<w:r>")
	for i, l := range lines {
		if i > 0 {
			b.WriteString("<w:br/>")
		}
		b.WriteString(`<w:t xml:space="preserve">`)
		xml.EscapeText(&b, []byte(l))
		b.WriteString("</w:t>")
	}
	b.WriteString("</w:r>")
	return b.String()
}

func spaceBefore(lines float64) string {
	return fmt.Sprintf(`<w:spacing w:before="%d"/>`, int(math.Round(lines*579)))
}

func noticeBodyXML(p *program.Programme) string {
	var b wml
	firstAttachment := true
	for _, para := range p.NoticeParagraphs() {
		if para.Annex == 2 {
			break // 附件2 is the form, drawn below
		}
		switch para.Kind {
		case program.ParaIssuingBody:
			// 版头 in the body, where it is edited like any text: the
			// 发文机关标志, the red double rule below it, then the 文号.
			// No frame: Word pushes text below a frame, LibreOffice lets it
			// run under, so the 标志 starts at the top of the text block.
			b.para("IssuingBody", "", run(para.Text))
			b.para("RuleTop", "")
		case program.ParaDocNumber:
			b.para("DocNumber", "", run(para.Text))
		case program.ParaTitle:
			b.para("Title", spaceBefore(2), run(titleBreaks(para.Text, p.TitleLines, docxTitleChars, emWidth)...))
		case program.ParaAddressees:
			b.para("Addressee", spaceBefore(1), run(para.Text))
		case program.ParaHeading:
			style := "Heading1"
			if para.Level == 2 {
				style = "Heading2"
			} else if para.Level > 2 {
				style = ""
			}
			b.para(style, "", run(para.String()))
		case program.ParaBody, program.ParaCohortNote:
			b.para("", "", run(para.String()))
		case program.ParaCohortField:
			// Keep a cohort's heading with its first lines.
			pPr := ""
			if para.Label != program.LabelFeatures && para.Label != program.LabelPhone {
				pPr = keepNext
			}
			b.para("", pPr, run(para.String()))
		case program.ParaContactOrg, program.ParaContact:
			// The contacts, the attachment list and the signature stay
			// together: a page must not hold the signature alone.
			b.para("", keepNext, run(para.String()))
		case program.ParaAttachment:
			// 附件：1.… with every entry's text aligned after its number and
			// 2. aligned under 1. (GB/T 9704 §7.3.4).
			left := 2 + emWidth(program.LabelAttach) + emWidth("1.")
			hanging := emWidth(para.Label)
			pPr := keepNext
			if firstAttachment {
				pPr += spaceBefore(1)
				firstAttachment = false
			}
			pPr += fmt.Sprintf(`<w:ind w:leftChars="%d" w:left="%d" w:hangingChars="%d" w:hanging="%d"/>`,
				chars100(left), twips(left), chars100(hanging), twips(hanging))
			b.para("Attachment", pPr, run(para.String()))
		case program.ParaSignature:
			// Sealed layout (GB/T 9704 §7.3.5.1): date 4 characters from the
			// right, signature centred over the date.
			right := 4 + (emWidth(p.Date.Chinese())-emWidth(para.Text))/2
			b.para("Signature", spaceBefore(2)+rightIndent(right), run(para.Text))
		case program.ParaDate:
			b.para("DocDate", rightIndent(4), run(para.Text))
		case program.ParaAnnexLabel:
			b.para("AnnexLabel", "", run(para.Text))
		case program.ParaAnnexTitle:
			b.para("AnnexTitle", "", run(balanceLines(para.Text, docxTitleChars, emWidth)...))
		case program.ParaCohortTitle:
			b.para("CohortTitle", "", run(para.Text))
		default:
			b.para("", "", run(para.String()))
		}
	}
	if p.Form.Title != "" {
		formXML(&b, p)
	}
	return b.String()
}

func rightIndent(chars float64) string {
	return fmt.Sprintf(`<w:ind w:rightChars="%d" w:right="%d" w:firstLineChars="0" w:firstLine="0"/>`, chars100(chars), twips(chars))
}

// chars100 converts characters to the hundredths of a character Word uses;
// twips gives the same at 16 pt for readers that ignore the *Chars values.
func chars100(c float64) int { return int(math.Round(c * 100)) }
func twips(c float64) int    { return twipsAt(c, 16) }

// twipsAt converts characters of pt points to twips.
func twipsAt(c, pt float64) int { return int(math.Round(c * pt * 20)) }

// emWidth estimates the width of s in ems of its font: Chinese characters
// and full-width forms are one em, ASCII letters, digits and most
// punctuation half an em, the full stop and comma a quarter.
func emWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r == '.' || r == ',' || r == ':' || r == ';' || r == '\'':
			w += 0.25
		case r < 0x2000:
			w += 0.5
		default:
			w += 1
		}
	}
	return w
}

// Characters a line must not start or end with (GB/T 15834, clreq).
const (
	titleNoStart = "，。、；：？！）》」』】〕’”…—·%"
	titleNoEnd   = "（《「『【〔‘“"
)

// titleBreaks returns the title's lines: the editor's own breaks when
// they spell the title and every line fits perLine, else balanced lines.
func titleBreaks(s string, preferred []string, perLine float64, width func(string) float64) []string {
	if len(preferred) == 0 || strings.Join(preferred, "") != s {
		return balanceLines(s, perLine, width)
	}
	for _, line := range preferred {
		if width(line) > perLine {
			return balanceLines(s, perLine, width)
		}
	}
	return preferred
}

// balanceLines splits a title into the fewest lines of at most perLine
// (measured by width) and makes them as even as possible, preferring to
// break after a closing quote or bracket, before an opening one or 关于, or
// after 的, 人才, 活动 — never inside quotation marks or brackets, inside a
// run of Latin letters or digits, against the rules above, or so that a
// line holds a lone character. When no such split exists in the fewest
// lines, one more line is tried; a title that fits is returned whole.
func balanceLines(s string, perLine float64, width func(string) float64) []string {
	total := width(s)
	if total <= perLine || perLine <= 0 {
		return []string{s}
	}
	rs := []rune(s)
	// depth[i] is the nesting of quotes and brackets before rs[i].
	depth := make([]int, len(rs)+1)
	for i, r := range rs {
		depth[i+1] = depth[i]
		switch {
		case strings.ContainsRune("“‘《（「『【〔", r):
			depth[i+1]++
		case strings.ContainsRune("”’》）」』】〕", r) && depth[i] > 0:
			depth[i+1]--
		}
	}
	// inWord[i] says a break before rs[i] would split a word (工作/者).
	inWord := make([]bool, len(rs)+1)
	at := 0
	for _, w := range unitWords(s) {
		n := len([]rune(w))
		if n > 1 && lexicon[w] {
			for k := at + 1; k < at+n; k++ {
				inWord[k] = true
			}
		}
		at += n
	}
	least := int(math.Ceil(total / perLine))
	for n := least; n <= least+2 && 2*n <= len(rs); n++ {
		if lines := balanceN(rs, n, total, perLine, width, depth, inWord); lines != nil {
			return lines
		}
	}
	return []string{s} // no acceptable break; let the reader wrap
}

func balanceN(rs []rune, n int, total, perLine float64, width func(string) float64, depth []int, inWord []bool) []string {
	em := width("国") // costs are in characters, whatever the unit of width
	if em <= 0 {
		em = 1
	}
	var out []string
	start := 0
	for k := 1; k < n; k++ {
		target := total * float64(k) / float64(n)
		best, bestCost := -1, math.Inf(1)
		for i := start + 2; i <= len(rs)-2; i++ {
			if depth[i] > 0 || !breakable(rs, i) {
				continue
			}
			if width(string(rs[start:i])) > perLine {
				break
			}
			done := width(string(rs[:i]))
			if total-done > perLine*float64(n-k)+0.01 {
				continue
			}
			cost := math.Abs(done-target)/em - breakBonus(rs, i)
			if inWord[i] {
				cost += wordBreakCost // 标题回行词意完整 (GB/T 9704 7.3.3)
			}
			if cost <= bestCost {
				best, bestCost = i, cost
			}
		}
		if best < 0 {
			return nil
		}
		out = append(out, string(rs[start:best]))
		start = best
	}
	if width(string(rs[start:])) > perLine {
		return nil
	}
	return append(out, string(rs[start:]))
}

// wordBreakCost is what splitting a word costs a title break, in
// characters of imbalance.
const wordBreakCost = 6

func breakable(rs []rune, i int) bool {
	a, b := rs[i-1], rs[i]
	if strings.ContainsRune(titleNoStart, b) || strings.ContainsRune(titleNoEnd, a) {
		return false
	}
	latin := func(r rune) bool { return r < 0x2000 && (unicode.IsLetter(r) || unicode.IsDigit(r)) }
	return !(latin(a) && latin(b))
}

func breakBonus(rs []rune, i int) float64 {
	prev, next := string(rs[:i]), string(rs[i:])
	switch {
	case strings.ContainsRune("”》）」』】", rs[i-1]):
		return 4
	case strings.HasPrefix(next, "关于"), strings.ContainsRune("“《（「『【", rs[i]):
		return 4
	case strings.HasSuffix(prev, "人才"), strings.HasSuffix(prev, "活动"), strings.HasSuffix(prev, "的"):
		return 4
	}
	return 0
}

// formXML writes 附件2: label, title, 推荐单位, the form grid, the notes.
func formXML(b *wml, p *program.Programme) {
	b.para("AnnexLabel", "", run(program.AnnexLabel(2)))
	b.para("AnnexTitle", `<w:spacing w:after="0"/>`, run(balanceLines(p.Form.Title, docxTitleChars, emWidth)...))
	b.para("", `<w:ind w:firstLineChars="0" w:firstLine="0"/>`, run("推荐单位："))

	// Column widths in twips, 8844 in all (156 mm).
	cols := []int{1300, 1500, 1300, 1100, 900, 1100, 1644}
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="8844" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(&b.Builder, `<w:%s w:val="single" w:sz="6" w:space="0" w:color="000000"/>`, side)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, c := range cols {
		fmt.Fprintf(&b.Builder, `<w:gridCol w:w="%d"/>`, c)
	}
	b.WriteString(`</w:tblGrid>`)

	type cell struct {
		text   []string
		span   int
		vMerge string // "restart", "continue" or ""
		left   bool   // left-aligned content
		label  bool
	}
	row := func(height int, cells ...cell) {
		fmt.Fprintf(&b.Builder, `<w:tr><w:trPr><w:trHeight w:val="%d"/><w:cantSplit/></w:trPr>`, height)
		col := 0
		for _, c := range cells {
			span := max(c.span, 1)
			wdt := 0
			for _, x := range cols[col : col+span] {
				wdt += x
			}
			col += span
			fmt.Fprintf(&b.Builder, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, wdt)
			if span > 1 {
				fmt.Fprintf(&b.Builder, `<w:gridSpan w:val="%d"/>`, span)
			}
			if c.vMerge == "restart" {
				b.WriteString(`<w:vMerge w:val="restart"/>`)
			} else if c.vMerge == "continue" {
				b.WriteString(`<w:vMerge/>`)
			}
			valign := "center"
			if c.left && len(c.text) > 0 && strings.HasPrefix(c.text[0], "（") {
				valign = "top"
			}
			fmt.Fprintf(&b.Builder, `<w:vAlign w:val="%s"/></w:tcPr>`, valign)
			if len(c.text) == 0 {
				b.para("FormText", "", "")
			}
			for _, t := range c.text {
				jc := ""
				switch {
				case c.label && emWidth(t) <= 4:
					jc = `<w:ind w:left="57" w:right="57"/><w:jc w:val="distribute"/>`
				case c.left:
					jc = `<w:jc w:val="left"/>`
				}
				b.para("FormText", jc, run(t))
			}
			b.WriteString(`</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	label := func(t string, span int) cell { return cell{text: []string{t}, span: span, label: true} }
	blank := func(span int) cell { return cell{span: span} }
	row(600, label("姓名", 1), blank(1), label("性别", 1), blank(1), label("民族", 1), blank(1), cell{text: []string{"照片"}, vMerge: "restart"})
	row(600, label("政治面貌", 1), blank(1), label("身份证号", 1), blank(3), cell{vMerge: "continue"})
	row(600, label("手机", 1), blank(1), label("办公电话", 1), blank(3), cell{vMerge: "continue"})
	row(600, label("电子邮箱", 1), blank(1), label("研究领域", 1), blank(3), cell{vMerge: "continue"})
	row(700, label("工作单位及职务、职称", 2), blank(5))
	var boxes []string
	var line strings.Builder
	for i, c := range p.Cohorts {
		item := "□" + c.Label
		if line.Len() > 0 && emWidth(line.String()+"　"+item) > 27 {
			boxes = append(boxes, line.String())
			line.Reset()
		}
		if line.Len() > 0 {
			line.WriteString("　")
		}
		line.WriteString(item)
		if i == len(p.Cohorts)-1 {
			boxes = append(boxes, line.String())
		}
	}
	row(1100, label("选择班次", 1), cell{text: boxes, span: 6, left: true})
	row(3050, label("个人简介", 1), cell{text: []string{p.Form.BioHint}, span: 6, left: true})
	b.WriteString(`</w:tbl>`)

	for i, n := range p.Form.Notes {
		label := strconv.Itoa(i+1) + "."
		lead := emWidth(program.LabelFormNote)
		if i == 0 {
			label = program.LabelFormNote + label
		}
		// 注：1.… with later notes aligned under 1.
		left := lead + emWidth("1.")
		const pt = 12 // FormNote
		pPr := fmt.Sprintf(`<w:ind w:leftChars="%d" w:left="%d" w:hangingChars="%d" w:hanging="%d"/>`,
			chars100(left), twipsAt(left, pt), chars100(emWidth(label)), twipsAt(emWidth(label), pt))
		if i == 0 {
			pPr = `<w:spacing w:before="200"/>` + pPr
		}
		b.para("FormNote", pPr, run(label+n))
	}
}
