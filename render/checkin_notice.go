package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nguyenthenguyen/docx"

	"linghang/program"
	"linghang/render/typeset"
	"linghang/templates"
)

// CohortOptions are what every per-cohort document takes besides its data.
type CohortOptions struct {
	Fonts *typeset.Fonts // nil: typeset.Default()
	Order program.Order  // the applicants' order where the renderer sorts
	// Created dates the document; zero means the programme's date.
	Created time.Time
	// Laid, when set, passes the letters and certificates a cohort's
	// combined file lays out to the people's own files (see LaidOut).
	Laid *LaidOut
}

// LaidOut hands documents laid out for one file to another, so that no
// page is laid out twice. A cohort's combined 报到通知 and 结业证书 lay out
// each person's letter or certificate as a document of its own, exactly
// as the person's own file would, give it to Keep and include it; the
// person's own file then writes what Take returns (nil: lay it out).
type LaidOut struct {
	Keep func(id string, d *typeset.Document)
	Take func(id string) *typeset.Document
}

func (l *LaidOut) keep(id string, d *typeset.Document) {
	if l != nil && l.Keep != nil {
		l.Keep(id, d)
	}
}

func (l *LaidOut) take(id string) *typeset.Document {
	if l == nil || l.Take == nil {
		return nil
	}
	return l.Take(id)
}

func (o CohortOptions) fonts() (*typeset.Fonts, error) {
	if o.Fonts != nil {
		return o.Fonts, nil
	}
	return typeset.Default()
}

func (o CohortOptions) created(p *program.Programme) time.Time {
	if !o.Created.IsZero() {
		return o.Created
	}
	return p.Date.Time
}

// exampleMark is printed on documents made from example data.
const exampleMark = "示例数据，承办单位确认前不得发出"

// checkinLetter is the text of one 报到通知, shared by the PDF and DOCX.
type checkinLetter struct {
	issuer    string // 发文机关标志: the first host unit
	title     string
	addressee string // 张三同志 / 各位学员
	lead      string
	sections  []checkinSection
	signature []string // the host units, one a line
	date      string
	example   bool
}

type checkinSection struct {
	heading string // 一、报到时间和地点
	paras   []string
}

var chineseNumbers = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// checkinText builds the letter to applicant a (nil: to every applicant
// of the cohort) from the cohort's arrival facts; a fact missing is an
// error naming it, never a blank.
func checkinText(p *program.Programme, c *program.Cohort, a *program.Applicant) (*checkinLetter, error) {
	if missing := c.ArrivalMissing(); len(missing) > 0 {
		return nil, &program.MissingError{Document: "报到通知", Cohort: c.Title(), Missing: missing}
	}
	ar := c.Arrival
	l := &checkinLetter{
		issuer:    c.Hosts[0],
		title:     fmt.Sprintf("关于%s报到事项的通知", strings.ReplaceAll(c.Title(), " ", "")),
		addressee: "各位学员",
		signature: c.Hosts,
		date:      c.DateText(c.ArrivalIssued()),
		example:   ar.Example,
	}
	if a != nil {
		l.addressee = a.Name + "同志"
	}
	l.lead = fmt.Sprintf("您已报名参加%d年“领航计划”青年科技领军人才国情研修活动%s，现将报到有关事项通知如下。", p.Year, strings.ReplaceAll(c.Title(), " ", ""))
	place := ar.Venue
	if ar.Address != "" {
		place += "（" + ar.Address + "）"
	}
	add := func(heading string, paras ...string) {
		n := chineseNumbers[len(l.sections)]
		l.sections = append(l.sections, checkinSection{heading: n + "、" + heading, paras: paras})
	}
	add("报到时间和地点",
		fmt.Sprintf("报到时间：%s %s。", c.DateText(ar.Date), ar.Time),
		fmt.Sprintf("报到地点：%s。", place))
	add("活动时间", fmt.Sprintf("%s，为期%d天。活动地点：%s。", c.Period(), len(c.Days()), c.Location))
	add("需携带的材料", numbered(ar.Bring)...)
	add("交通", append(numbered(ar.Transport), "研修期间食宿费由承办单位承担，城际交通费由学员所在单位承担。")...)
	var contacts []string
	for _, ct := range c.ArrivalContacts() {
		s := ct.Person + "，联系电话：" + strings.Join(ct.Phones, "、") + "。"
		if ct.Org != "" {
			s = ct.Org + " " + s
		}
		contacts = append(contacts, s)
	}
	add("联系人", contacts...)
	return l, nil
}

// numbered writes items as 1.… 2.…, each closed with 。 or ；.
func numbered(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		s = strings.TrimRight(s, "。；;，,")
		end := "；"
		if i == len(items)-1 {
			end = "。"
		}
		out[i] = fmt.Sprintf("%d.%s%s", i+1, s, end)
	}
	return out
}

// CheckinNoticePDF typesets the cohort's 报到通知 in the notice's letter
// format (信函格式), from the host unit: one letter per applicant in as,
// each starting a page and numbering its own pages; with no applicants,
// one letter to 各位学员. The facts come from the cohort's arrival block;
// a missing one is a *program.MissingError naming it. Dates of a tentative
// cohort are printed with （暂定）, example data is marked on every page.
func CheckinNoticePDF(w io.Writer, p *program.Programme, cohort int, as []program.Applicant, opts CohortOptions) error {
	c, letters, err := checkinLetters(p, cohort, as)
	if err != nil {
		return fmt.Errorf("render check-in notice: %w", err)
	}
	fonts, err := opts.fonts()
	if err != nil {
		return fmt.Errorf("render check-in notice: fonts: %w", err)
	}
	g := typeset.Official
	name := c.Title() + " 报到通知"
	info := func(cl *checkinLetter) typeset.Info {
		return typeset.Info{Title: cl.title, Author: strings.Join(c.Hosts, "、"), Subject: "报到通知", Created: opts.created(p)}
	}
	if len(as) == 1 {
		if ld := opts.Laid.take(as[0].ID); ld != nil {
			if err := ld.Write(w); err != nil {
				return fmt.Errorf("render check-in notice: %w", err)
			}
			return nil
		}
	}
	// Each letter is laid out on its own, as the person's own file lays
	// it out (its pages numbered from 1), then included.
	d := typeset.New(fonts, name, g.Page, info(letters[0]))
	for i, cl := range letters {
		ld := typeset.New(fonts, name, g.Page, info(cl))
		l := &letter{d: ld, fonts: fonts, g: g}
		if err := l.checkin(cl); err != nil {
			return fmt.Errorf("render check-in notice for %s: %w", cl.addressee, err)
		}
		if len(as) > 1 { // then letters[i] is as[i]'s
			opts.Laid.keep(as[i].ID, ld)
		}
		if err := d.Include(ld); err != nil {
			return fmt.Errorf("render check-in notice for %s: %w", cl.addressee, err)
		}
	}
	if err := d.Write(w); err != nil {
		return fmt.Errorf("render check-in notice: %w", err)
	}
	return nil
}

func checkinLetters(p *program.Programme, cohort int, as []program.Applicant) (*program.Cohort, []*checkinLetter, error) {
	if p == nil {
		return nil, nil, errors.New("no programme")
	}
	c, ok := p.Cohort(cohort)
	if !ok {
		return nil, nil, fmt.Errorf("%d年度没有第%d期", p.Year, cohort)
	}
	var letters []*checkinLetter
	if len(as) == 0 {
		cl, err := checkinText(p, c, nil)
		if err != nil {
			return nil, nil, err
		}
		letters = append(letters, cl)
	}
	for i := range as {
		cl, err := checkinText(p, c, &as[i])
		if err != nil {
			return nil, nil, err
		}
		letters = append(letters, cl)
	}
	return c, letters, nil
}

func (l *letter) checkin(cl *checkinLetter) error {
	// Every letter of a cohort has the same wording; only the addressee
	// is the person's own.
	l.d.Sharing(true)
	defer l.d.Sharing(false)
	if err := l.newPage(); err != nil {
		return err
	}
	if err := l.letterHead(cl.issuer, ""); err != nil {
		return err
	}
	if cl.example {
		if err := l.exampleMark(); err != nil {
			return err
		}
	}
	if err := l.title(cl.title, nil); err != nil {
		return err
	}
	g := l.g
	l.skip(1)
	l.d.Sharing(false)
	if _, err := l.flow(cl.addressee+"：", l.flat(), g.Left, g.Width, 1); err != nil {
		return err
	}
	l.d.Sharing(true)
	if _, err := l.flow(cl.lead, l.body(), g.Left, g.Width, 1); err != nil {
		return err
	}
	for _, s := range cl.sections {
		if _, err := l.flow(s.heading, l.heading(typeset.Heading1), g.Left, g.Width, 2); err != nil {
			return err
		}
		for _, para := range s.paras {
			if _, err := l.flow(para, l.body(), g.Left, g.Width, 1); err != nil {
				return err
			}
		}
	}
	return l.signature(cl.date, cl.signature...)
}

// exampleMark prints, in red above the head, that the letter is made
// from example data.
func (l *letter) exampleMark() error {
	st := typeset.Style{Role: typeset.Heading1, Size: typeset.Size4, Color: typeset.Red, Align: typeset.Center}
	_, err := l.d.Paragraph(typeset.Rect{X: l.g.Left, Y: 14, W: l.g.Width, H: 10}, "【"+exampleMark+"】", st)
	return err
}

// CheckinNoticeDOCX writes the same letters as an editable Word document
// built on the notice's template: one section per letter, each with the
// host unit's letter head on its first page.
func CheckinNoticeDOCX(w io.Writer, p *program.Programme, cohort int, as []program.Applicant, opts CohortOptions) error {
	c, letters, err := checkinLetters(p, cohort, as)
	if err != nil {
		return fmt.Errorf("render check-in notice DOCX: %w", err)
	}
	date := opts.created(p).Format("2006-01-02")
	props := map[string]string{"{{标题}}": letters[0].title, "{{文号}}": "报到通知", "{{发文机关}}": strings.Join(c.Hosts, "、"), "{{成文日期}}": date}
	tmpl, err := templatePackage(templates.NoticeDOCX, "notice-docx", map[string]map[string]string{"docProps/core.xml": props})
	if err != nil {
		return fmt.Errorf("render check-in notice DOCX: template: %w", err)
	}
	r, err := docx.ReadDocxFromMemory(bytes.NewReader(tmpl), int64(len(tmpl)))
	if err != nil {
		return fmt.Errorf("render check-in notice DOCX: open template: %w", err)
	}
	defer r.Close()
	d := r.Editable()
	content := d.GetContent()
	if !strings.Contains(content, bodyPlaceholder) {
		return fmt.Errorf("render check-in notice DOCX: template word/document.xml lacks the paragraph %s", bodyPlaceholder)
	}
	// Every letter but the last ends its section with a copy of the
	// document's section properties: a new page, its own first-page head
	// and page numbers from 1.
	sect := ""
	if i, j := strings.Index(content, "<w:sectPr>"), strings.Index(content, "</w:sectPr>"); i >= 0 && j > i {
		sect = content[i : j+len("</w:sectPr>")]
	}
	var b wml
	for i, cl := range letters {
		checkinXML(&b, cl)
		if i < len(letters)-1 {
			b.WriteString("<w:p><w:pPr>" + sect + "</w:pPr></w:p>")
		}
	}
	d.ReplaceRaw(bodyPlaceholder, b.String(), 1)
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		return fmt.Errorf("render check-in notice DOCX: %w", err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("render check-in notice DOCX: write: %w", err)
	}
	return nil
}

func checkinXML(b *wml, cl *checkinLetter) {
	// 版头 in the body, as in the notice's DOCX: the host unit's 标志 and
	// the red rule, editable like any text.
	b.para("IssuingBody", "", run(cl.issuer))
	b.para("RuleTop", "")
	if cl.example {
		b.para("", `<w:jc w:val="center"/>`, `<w:r><w:rPr><w:color w:val="FF0000"/></w:rPr><w:t>`+"【"+exampleMark+"】"+`</w:t></w:r>`)
	}
	b.para("Title", spaceBefore(2), run(balanceLines(cl.title, docxTitleChars, emWidth)...))
	b.para("Addressee", spaceBefore(1), run(cl.addressee+"："))
	b.para("", "", run(cl.lead))
	for _, s := range cl.sections {
		b.para("Heading1", keepNext, run(s.heading))
		for _, para := range s.paras {
			b.para("", "", run(para))
		}
	}
	for i, s := range cl.signature {
		pPr := rightIndent(4 + (emWidth(cl.date)-emWidth(s))/2)
		if i == 0 {
			pPr = spaceBefore(2) + pPr
		}
		b.para("Signature", pPr, run(s))
	}
	b.para("DocDate", rightIndent(4), run(cl.date))
}
