package program

import (
	"strconv"
	"strings"
)

// ParaKind tells a renderer what a notice paragraph is, so that it can pick
// the font, alignment and spacing (GB/T 9704) without re-parsing the text.
type ParaKind int

const (
	ParaIssuingBody ParaKind = iota // 发文机关 (letter head)
	ParaDocNumber                   // 文号
	ParaTitle                       // 标题
	ParaAddressees                  // 主送机关, Text ends with "："
	ParaBody                        // body paragraph; Label holds a run-in number ("1.") if any
	ParaHeading                     // numbered heading; Level 1 一、 (黑体), 2 （一） (楷体), 3 1., 4 （1）
	ParaContactOrg                  // 联系单位
	ParaContact                     // 联 系 人：… / 联系电话：…
	ParaAttachment                  // 附件说明 entry; the first has Label "附件：1."
	ParaSignature                   // 署名
	ParaDate                        // 成文日期
	ParaAnnexLabel                  // 附件1 / 附件2 at the top of an attachment page
	ParaAnnexTitle                  // title of an attachment
	ParaCohortTitle                 // 第1期 河南省科协党校班
	ParaCohortField                 // 时间：… 地点：… (Label is the field name with its colon)
	ParaCohortNote                  // 本班学员仅限女性。
	ParaFormHint                    // 个人简介 hint of the form
	ParaFormNote                    // 注：1.… lines under the form
)

// Paragraph is one paragraph of the notice in reading order.
type Paragraph struct {
	Kind  ParaKind
	Level int    // heading level (1 一、, 2 （一）, 3 1., 4 （1）); 0 otherwise
	Annex int    // 0 for the notice itself, 1 or 2 inside 附件1/附件2
	Label string // a number or field label written before Text: "一、", "1.", "时间：", "联 系 人："
	Text  string
}

// String returns the paragraph as printed: Label followed by Text.
func (p Paragraph) String() string { return p.Label + p.Text }

// Labels written before contact and cohort lines, as in the 2022 notice.
const (
	LabelPerson   = "联 系 人："
	LabelPhone    = "联系电话："
	LabelTime     = "时间："
	LabelLocation = "地点："
	LabelHosts    = "承办单位："
	LabelFeatures = "特色内容："
	LabelAttach   = "附件："
	LabelFormNote = "注："
)

// PhonesText joins the phones of the closing contact block of the notice
// (two spaces, as in the 2022 notice).
func (c Contact) PhonesText() string { return strings.Join(c.Phones, "  ") }

// CohortPhonesText joins a cohort contact's phones with a full-width comma,
// as in 附件1.
func (c Contact) CohortPhonesText() string { return strings.Join(c.Phones, "，") }

// HostsText joins the host units with a full-width comma.
func (c Cohort) HostsText() string { return strings.Join(c.Hosts, "，") }

// AnnexLabel is the label of attachment i (1-based): 附件1.
func AnnexLabel(i int) string { return "附件" + strconv.Itoa(i) }

// NoticeParagraphs returns the whole notice in reading order: letter head,
// 文号, title, 主送, lead, numbered sections, contacts, 附件说明, signature,
// date, then 附件1 (the cohorts) and the text parts of 附件2 (title, bio
// hint, notes; the form grid itself is drawn by the form renderer).
func (p *Programme) NoticeParagraphs() []Paragraph {
	var out []Paragraph
	add := func(para Paragraph) { out = append(out, para) }
	add(Paragraph{Kind: ParaIssuingBody, Text: p.IssuingBody})
	add(Paragraph{Kind: ParaDocNumber, Text: p.DocNumber})
	add(Paragraph{Kind: ParaTitle, Text: p.Title})
	add(Paragraph{Kind: ParaAddressees, Text: p.Addressees + "："})
	for _, t := range p.Lead {
		add(Paragraph{Kind: ParaBody, Text: t})
	}
	var walk func(ss []Section, depth int)
	walk = func(ss []Section, depth int) {
		for _, s := range ss {
			level := SectionLevel(s.Number, depth)
			if s.Heading != "" {
				add(Paragraph{Kind: ParaHeading, Level: level, Label: s.Number, Text: s.Heading})
				for _, t := range s.Paragraphs {
					add(Paragraph{Kind: ParaBody, Text: t})
				}
			} else {
				for i, t := range s.Paragraphs {
					label := ""
					if i == 0 {
						label = s.Number
					}
					add(Paragraph{Kind: ParaBody, Level: level, Label: label, Text: t})
				}
			}
			walk(s.Sections, depth+1)
		}
	}
	walk(p.Body, 1)
	for _, c := range p.Contacts {
		if c.Org != "" {
			add(Paragraph{Kind: ParaContactOrg, Text: c.Org})
		}
		add(Paragraph{Kind: ParaContact, Label: LabelPerson, Text: c.Person})
		add(Paragraph{Kind: ParaContact, Label: LabelPhone, Text: c.PhonesText()})
	}
	for i, a := range p.Attachments {
		label := strconv.Itoa(i+1) + "."
		if i == 0 {
			label = LabelAttach + label
		}
		add(Paragraph{Kind: ParaAttachment, Label: label, Text: a.Title})
	}
	add(Paragraph{Kind: ParaSignature, Text: p.Signature})
	add(Paragraph{Kind: ParaDate, Text: p.Date.Chinese()})

	if len(p.Cohorts) > 0 {
		out = append(out, p.CohortParagraphs(1)...)
	}
	if p.Form.Title != "" {
		add(Paragraph{Kind: ParaAnnexLabel, Annex: 2, Text: AnnexLabel(2)})
		add(Paragraph{Kind: ParaAnnexTitle, Annex: 2, Text: p.Form.Title})
		if p.Form.BioHint != "" {
			add(Paragraph{Kind: ParaFormHint, Annex: 2, Text: p.Form.BioHint})
		}
		for i, n := range p.Form.Notes {
			label := strconv.Itoa(i+1) + "."
			if i == 0 {
				label = LabelFormNote + label
			}
			add(Paragraph{Kind: ParaFormNote, Annex: 2, Label: label, Text: n})
		}
	}
	return out
}

// CohortParagraphs returns attachment annex (附件1): its label, its title and
// every cohort's lines.
func (p *Programme) CohortParagraphs(annex int) []Paragraph {
	title := "班次介绍"
	if len(p.Attachments) >= annex && annex > 0 {
		title = p.Attachments[annex-1].Title
	}
	out := []Paragraph{
		{Kind: ParaAnnexLabel, Annex: annex, Text: AnnexLabel(annex)},
		{Kind: ParaAnnexTitle, Annex: annex, Text: title},
	}
	for _, c := range p.Cohorts {
		out = append(out, Paragraph{Kind: ParaCohortTitle, Annex: annex, Text: c.Title()})
		for _, f := range []struct{ label, text string }{
			{LabelTime, c.Time},
			{LabelLocation, c.Location},
			{LabelHosts, c.HostsText()},
			{LabelFeatures, c.Features},
		} {
			out = append(out, Paragraph{Kind: ParaCohortField, Annex: annex, Label: f.label, Text: f.text})
		}
		if c.Note != "" {
			out = append(out, Paragraph{Kind: ParaCohortNote, Annex: annex, Text: c.Note})
		}
		for _, ct := range c.Contacts {
			out = append(out,
				Paragraph{Kind: ParaCohortField, Annex: annex, Label: LabelPerson, Text: ct.Person},
				Paragraph{Kind: ParaCohortField, Annex: annex, Label: LabelPhone, Text: ct.CohortPhonesText()})
		}
	}
	return out
}

// SectionLevel returns the heading level of a section number: 一、 → 1,
// （一） → 2, 1. → 3, （1） → 4. An unrecognised number takes its depth.
func SectionLevel(number string, depth int) int {
	n := strings.TrimSpace(number)
	switch {
	case strings.HasSuffix(n, "、"):
		return 1
	case strings.HasPrefix(n, "（") || strings.HasPrefix(n, "("):
		inner := strings.Trim(n, "（）()")
		if _, err := strconv.Atoi(inner); err == nil {
			return 4
		}
		return 2
	case strings.HasSuffix(n, ".") || strings.HasSuffix(n, "．"):
		return 3
	}
	return depth
}
