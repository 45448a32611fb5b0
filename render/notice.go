package render

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"linghang/program"
	"linghang/render/typeset"
)

// Letter format (信函格式, GB/T 9704—2012 §10.1) measures, mm from the
// top-left corner of an A4 page.
const (
	letterHeadTop    = 30.0  // top edge of 发文机关标志
	letterHeadSize   = 36.0  // 小初; the standard leaves the size open
	letterHeadTrack  = 4.0   // letter spacing of 发文机关标志
	letterRuleGap    = 4.0   // 发文机关标志 to the first double rule
	letterRuleLength = 170.0 // both double rules, centred
	letterRuleBottom = 20.0  // second double rule above the bottom edge
	ruleThick        = 0.8   // the thick line of a double rule
	ruleThin         = 0.3   // the thin line
	ruleGap          = 0.6   // between the two lines' edges
)

// FormDrawer draws the blank registration form (附件2) on a new page of d,
// headed by label; render.FormAttachmentPage has this signature.
type FormDrawer func(d *typeset.Document, p *program.Programme, label string) error

// NoticeOption changes how NoticePDF typesets.
type NoticeOption func(*noticeConfig)

type noticeConfig struct {
	fonts *typeset.Fonts
	form  FormDrawer
	plain bool
}

// NoticePlainPDF writes a plain PDF instead of PDF/A-2b.
func NoticePlainPDF() NoticeOption {
	return func(c *noticeConfig) { c.plain = true }
}

// NoticeFonts sets the fonts (default: typeset.Default()).
func NoticeFonts(fs *typeset.Fonts) NoticeOption {
	return func(c *noticeConfig) { c.fonts = fs }
}

// NoticeForm sets the function that draws 附件2, the blank form (default
// FormAttachmentPage); nil ends the notice after 附件1.
func NoticeForm(f FormDrawer) NoticeOption {
	return func(c *noticeConfig) { c.form = f }
}

// NoticePDF typesets the notice of p as a PDF in the letter format of
// GB/T 9704—2012: red 发文机关标志 30 mm from the top, red double rules
// (thick over thin below it, thin over thick 20 mm above the bottom edge),
// 文号 flush right, no page number on the first page; title in 2号
// 小标宋 in balanced lines, body on the 22 × 28 grid with 一、 headings in
// 黑体 and （一） in 楷体, contacts, 附件说明, signature and date in the
// sealed layout; 附件1 (the cohorts) and 附件2 (the blank form) on new
// pages. Pages after the first are numbered “— 2 —”, odd right,
// even left. The output is deterministic: its dates are the notice's.
func NoticePDF(w io.Writer, p *program.Programme, opts ...NoticeOption) error {
	if p == nil {
		return errors.New("render notice PDF: no programme")
	}
	cfg := noticeConfig{form: FormAttachmentPage}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.fonts == nil {
		fs, err := typeset.Default()
		if err != nil {
			return fmt.Errorf("render notice PDF: fonts: %w", err)
		}
		cfg.fonts = fs
	}
	created := p.Date.Time
	if created.IsZero() {
		created = time.Date(p.Year, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	g := typeset.Official
	d := typeset.New(cfg.fonts, fmt.Sprintf("%d年通知", p.Year), g.Page, typeset.Info{
		Title:   p.Title,
		Author:  p.IssuingBody,
		Subject: p.DocNumber,
		Number:  p.DocNumber,
		Created: created,
		Plain:   cfg.plain,
	})
	l := &letter{d: d, fonts: cfg.fonts, g: g}
	if err := l.notice(p); err != nil {
		return fmt.Errorf("render notice PDF: %w", err)
	}
	if cfg.form != nil && p.Form.Title != "" {
		before := d.PageCount()
		if err := cfg.form(d, p, program.AnnexLabel(2)); err != nil {
			return fmt.Errorf("render notice PDF: 附件2: %w", err)
		}
		// Number the form's page unless the form reaches into the page
		// number's place below the text block.
		if n := d.PageCount(); n > before && maxY(d, n) <= g.Top+g.Height+2 {
			if err := d.PageNumber(g, n); err != nil {
				return fmt.Errorf("render notice PDF: page number: %w", err)
			}
		}
	}
	if err := d.Write(w); err != nil {
		return fmt.Errorf("render notice PDF: %w", err)
	}
	return nil
}

// maxY is the lowest point drawn on page n.
func maxY(d *typeset.Document, n int) float64 {
	y := 0.0
	for _, op := range d.Ops() {
		if op.Page == n {
			y = max(y, op.Box.Y+op.Box.H)
		}
	}
	return y
}

// letter lays the notice out on the grid, line by line.
type letter struct {
	d     *typeset.Document
	fonts *typeset.Fonts
	g     typeset.Grid
	page  int // current page, from 1
	line  int // next free grid line on the page, from 1
	// base is the number of pages before this letter: letters merged in
	// one PDF number their own pages from 1.
	base int
}

func (l *letter) newPage() error {
	l.d.AddPage()
	l.page = l.d.PageCount() - l.base
	l.line = 1
	if l.page > 1 {
		return l.d.PageNumber(l.g, l.page)
	}
	return nil
}

func (l *letter) remaining() int { return l.g.Lines - l.line + 1 }

// skip leaves n blank lines; blank lines are never carried to a new page.
func (l *letter) skip(n int) { l.line = min(l.line+n, l.g.Lines+1) }

// rows is the box of the lines from the current one to the end of the page,
// x and w giving its horizontal extent.
func (l *letter) rows(x, w float64) typeset.Rect {
	pitch := l.g.Pitch()
	return typeset.Rect{X: x, Y: l.g.Top + float64(l.line-1)*pitch, W: w, H: float64(l.remaining()) * pitch}
}

// count returns how many lines text takes in st at width w.
func (l *letter) count(text string, st typeset.Style, w float64) (int, error) {
	lines, err := l.fonts.Break(text, st, w)
	return len(lines), err
}

// flow sets text from the current line at x, width w, continuing on new
// pages; keep is the number of lines that must stay together on the
// current page (a heading with the first line after it).
func (l *letter) flow(text string, st typeset.Style, x, w float64, keep int) (int, error) {
	// The paragraph's lines are counted only when the page has fewer
	// rows left than keep: otherwise whatever it counts fits.
	if keep > l.remaining() {
		if n, err := l.count(text, st, w); err != nil {
			return 0, err
		} else if need := min(keep, n); need > l.remaining() {
			if err := l.newPage(); err != nil {
				return 0, err
			}
		}
	}
	used := 0
	for {
		if l.remaining() <= 0 {
			if err := l.newPage(); err != nil {
				return used, err
			}
		}
		fit, err := l.d.Paragraph(l.rows(x, w), text, st)
		if err != nil {
			return used, err
		}
		l.line += len(fit.Lines)
		used += len(fit.Lines)
		if !fit.Overflow() {
			return used, nil
		}
		text, st.Indent = fit.Rest, 0
		if err := l.newPage(); err != nil {
			return used, err
		}
	}
}

func (l *letter) body() typeset.Style { return l.g.Style(typeset.Body) }

func (l *letter) flat() typeset.Style {
	st := l.body()
	st.Indent = 0
	return st
}

func (l *letter) heading(role typeset.Role) typeset.Style {
	st := l.g.Style(role)
	st.Indent = 2
	return st
}

func (l *letter) titleStyle() typeset.Style {
	return typeset.Style{Role: typeset.Title, Size: typeset.Size2, Align: typeset.Center, Leading: l.g.Pitch()}
}

// advance is the width of s in st including the tracking after its last
// character: where the next character starts.
func (l *letter) advance(s string, st typeset.Style) (float64, error) {
	w, err := l.fonts.Measure(s, st)
	return w + st.Tracking, err
}

// title sets a title centred in balanced lines (or the editor's own,
// when they fit), one grid line each.
func (l *letter) title(text string, preferred []string) error {
	st := l.titleStyle()
	var merr error
	measure := func(s string) float64 {
		w, err := l.fonts.Measure(s, st)
		if err != nil && merr == nil {
			merr = err
		}
		return w
	}
	lines := titleBreaks(text, preferred, l.g.Width, measure)
	if merr != nil {
		return merr
	}
	if len(lines) > l.remaining() {
		if err := l.newPage(); err != nil {
			return err
		}
	}
	for _, s := range lines {
		if _, err := l.d.Paragraph(l.rows(l.g.Left, l.g.Width), s, st); err != nil {
			return err
		}
		l.line++
	}
	return nil
}

func (l *letter) doubleRule(y float64, thickFirst bool) {
	x1 := (l.g.Page.W - letterRuleLength) / 2
	x2 := x1 + letterRuleLength
	pen := func(w float64) typeset.Pen { return typeset.Pen{Width: w, Color: typeset.Red} }
	first, second := ruleThin, ruleThick
	if thickFirst {
		first, second = ruleThick, ruleThin
	}
	l.d.Line(x1, y+first/2, x2, y+first/2, pen(first))
	y2 := y + first + ruleGap + second/2
	l.d.Line(x1, y2, x2, y2, pen(second))
}

// letterHead draws the first page's head: 发文机关标志, double rule, 文号,
// and the bottom double rule; it returns the grid line after the 文号.
func (l *letter) letterHead(issuer, number string) error {
	g := l.g
	em := typeset.PtToMM(letterHeadSize)
	head := typeset.Style{Role: typeset.Title, Size: letterHeadSize, Color: typeset.Red, Align: typeset.Center,
		Leading: em, Tracking: letterHeadTrack}
	// Centre on the page including the tracking after the last character.
	// A long name (a host unit's) is set smaller to stay on one line.
	if w, err := l.fonts.Measure(issuer, head); err != nil {
		return err
	} else if w > g.Width {
		head.Size *= g.Width / w
		head.Tracking *= g.Width / w
		head.Leading = em
	}
	r := typeset.Rect{X: g.Left + head.Tracking/2, Y: letterHeadTop + (em-typeset.PtToMM(head.Size))/2, W: g.Width, H: em}
	if _, err := l.d.Paragraph(r, issuer, head); err != nil {
		return err
	}
	ruleY := letterHeadTop + em + letterRuleGap
	l.doubleRule(ruleY, true)
	ruleBottom := ruleY + ruleThick + ruleGap + ruleThin
	l.doubleRule(g.Page.H-letterRuleBottom-(ruleThin+ruleGap+ruleThick), false)

	// 文号: flush right, its top 7/8 of a 三号 character below the rule.
	body := typeset.Style{Role: typeset.Body, Size: g.Size, Align: typeset.Right, Leading: typeset.PtToMM(g.Size)}
	em3 := typeset.PtToMM(g.Size)
	top := ruleBottom + em3*7/8
	if number != "" {
		if _, err := l.d.Paragraph(typeset.Rect{X: g.Left, Y: top, W: g.Width, H: em3}, number, body); err != nil {
			return err
		}
	}
	// The title comes two lines below the 文号.
	l.line = g.LineOf(top+em3+2*g.Pitch()-0.01) + 1
	return nil
}

func (l *letter) notice(p *program.Programme) error {
	if err := l.newPage(); err != nil {
		return err
	}
	if err := l.letterHead(p.IssuingBody, p.DocNumber); err != nil {
		return err
	}
	paras := p.NoticeParagraphs()
	g := l.g
	for i := 0; i < len(paras); i++ {
		para := paras[i]
		if para.Annex == 2 {
			break // the form, drawn by the FormDrawer
		}
		var err error
		switch para.Kind {
		case program.ParaIssuingBody, program.ParaDocNumber:
			// in the letter head
		case program.ParaTitle:
			err = l.title(para.Text, p.TitleLines)
		case program.ParaAddressees:
			l.skip(1)
			_, err = l.flow(para.Text, l.flat(), g.Left, g.Width, 1)
		case program.ParaHeading:
			st := l.heading(typeset.Heading1)
			switch {
			case para.Level == 2:
				st = l.heading(typeset.Heading2)
			case para.Level > 2:
				st = l.body()
			}
			_, err = l.flow(para.String(), st, g.Left, g.Width, 2)
		case program.ParaContactOrg:
			// A contact block stays together; the last one stays with
			// 附件说明, signature and date, so that no page holds the
			// signature without text above it (GB/T 9704 §7.3.5.4) and
			// no more of the page before is left empty than needed.
			var need int
			need, err = l.tailLines(p, paras[i:])
			if err == nil && need > l.remaining() && need <= g.Lines {
				err = l.newPage()
			}
			if err == nil {
				_, err = l.flow(para.String(), l.body(), g.Left, g.Width, 1)
			}
		case program.ParaAttachment:
			err = l.attachment(para, i > 0 && paras[i-1].Kind != program.ParaAttachment)
		case program.ParaSignature:
			err = l.signature(p.Date.Chinese(), p.Signature)
			i++ // the date is set with the signature
		case program.ParaAnnexLabel:
			if err = l.newPage(); err == nil {
				st := l.flat()
				st.Role = typeset.Heading1
				_, err = l.flow(para.Text, st, g.Left, g.Width, 1)
				l.skip(1) // the title on line 3
			}
		case program.ParaAnnexTitle:
			if err = l.title(para.Text, nil); err == nil {
				l.skip(1)
			}
		case program.ParaCohortTitle:
			_, err = l.flow(para.Text, l.heading(typeset.Heading1), g.Left, g.Width, 3)
		default:
			_, err = l.flow(para.String(), l.body(), g.Left, g.Width, 1)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", clipText(para.String(), 16), err)
		}
	}
	return nil
}

// tailLines counts the lines that must stay together from the contact
// block starting rest[0]: the block itself, and when it is the last one,
// everything to the date.
func (l *letter) tailLines(p *program.Programme, rest []program.Paragraph) (int, error) {
	n := 0
	for i, para := range rest {
		switch para.Kind {
		case program.ParaContactOrg, program.ParaContact:
			if i > 0 && para.Kind == program.ParaContactOrg {
				return n, nil // a further block: this one may end the page
			}
			c, err := l.count(para.String(), l.body(), l.g.Width)
			if err != nil {
				return 0, err
			}
			n += c
		case program.ParaAttachment:
			_, x, err := l.attachmentColumns(para)
			if err != nil {
				return 0, err
			}
			lines, err := l.attachmentLines(para.Text, l.g.Left+l.g.Width-x)
			if err != nil {
				return 0, err
			}
			n += len(lines)
		case program.ParaSignature:
			return n + 1 + 2 + 2, nil // blank before 附件说明, two before the signature, signature and date
		}
	}
	return n, nil
}

// attachmentColumns returns where an entry's number and its title start:
// 附件 two characters in, the numbers after 附件：, each title after its
// number, so that 2. stands under 1. and a wrapped title under its first
// character.
func (l *letter) attachmentColumns(para program.Paragraph) (numX, textX float64, err error) {
	st := l.flat()
	lead, err := l.advance(program.LabelAttach, st)
	if err != nil {
		return 0, 0, err
	}
	numX = l.g.Left + 2*l.g.CharPitch() + lead
	num := strings.TrimPrefix(para.Label, program.LabelAttach)
	nw, err := l.advance(num, st)
	if err != nil {
		return 0, 0, err
	}
	return numX, numX + nw, nil
}

// attachmentLines splits an attachment title into the lines it takes
// after its number: balanced, so that no line holds a lone character.
func (l *letter) attachmentLines(title string, w float64) ([]string, error) {
	st := l.flat()
	var merr error
	lines := balanceLines(title, w, func(s string) float64 {
		v, err := l.fonts.Measure(s, st)
		if err != nil && merr == nil {
			merr = err
		}
		return v
	})
	return lines, merr
}

func (l *letter) attachment(para program.Paragraph, first bool) error {
	if first {
		l.skip(1) // 附件说明 one line below the body
	}
	st := l.flat()
	st.Align = typeset.Left
	numX, textX, err := l.attachmentColumns(para)
	if err != nil {
		return err
	}
	lines, err := l.attachmentLines(para.Text, l.g.Left+l.g.Width-textX)
	if err != nil {
		return err
	}
	if len(lines) > l.remaining() {
		if err := l.newPage(); err != nil {
			return err
		}
	}
	one := l.rows(0, 0)
	one.H = l.g.Pitch()
	if strings.HasPrefix(para.Label, program.LabelAttach) {
		one.X, one.W = l.g.Left+2*l.g.CharPitch(), numX-l.g.Left
		if _, err := l.d.Paragraph(one, program.LabelAttach, st); err != nil {
			return err
		}
	}
	one.X, one.W = numX, textX-numX+1
	if _, err := l.d.Paragraph(one, strings.TrimPrefix(para.Label, program.LabelAttach), st); err != nil {
		return err
	}
	for _, line := range lines {
		if _, err := l.flow(line, st, textX, l.g.Left+l.g.Width-textX, 1); err != nil {
			return err
		}
	}
	return nil
}

// signature sets 署名 and 成文日期 in the sealed layout (GB/T 9704
// §7.3.5.1): the date four characters from the right edge, the signature
// centred over it, two lines below the body so that the seal's top stays
// within one line of the text.
func (l *letter) signature(date string, names ...string) error {
	l.skip(2)
	if l.remaining() < len(names)+1 {
		if err := l.newPage(); err != nil {
			return err
		}
	}
	g := l.g
	st := l.flat()
	dw, err := l.fonts.Measure(date, st)
	if err != nil {
		return err
	}
	right := g.Left + g.Width - 4*g.CharPitch()
	centre := right - dw/2
	sig := st
	sig.Align = typeset.Center
	// Several signers (joint host units) stand one above the other, each
	// centred over the date.
	for _, name := range names {
		one := l.rows(0, 0)
		one.H = g.Pitch()
		one.X, one.W = centre-g.Width/2, g.Width
		if _, err := l.d.Paragraph(one, name, sig); err != nil {
			return err
		}
		l.line++
	}
	one := l.rows(0, 0)
	one.H = g.Pitch()
	one.X, one.W = right-dw-1, dw+1
	day := st
	day.Align = typeset.Right
	if _, err := l.d.Paragraph(one, date, day); err != nil {
		return err
	}
	l.line++
	return nil
}

func clipText(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
