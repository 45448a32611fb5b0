package render

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"linghang/program"
	"linghang/render/typeset"
)

// The bound copy (合订本) of a cohort's forms, laid out for duplex
// printing: every part starts on a front (odd) page.
//
//	page 1      cover: programme, cohort, host units, number of forms, date
//	page 2      blank (back of the cover)
//	page 3…     目录: each applicant with the page their form starts on
//	            (a blank page after it if it takes an odd number of pages)
//	then        the forms in roster order, each followed by a blank page
//	            when it has an odd number of pages
//
// Every page but the cover and the blanks carries the bound copy's page
// number at its outer corner; the PDF outline has 目录 and one entry per
// applicant.
const (
	boundContentsRows = 24   // applicants per contents page
	boundRowH         = 10.0 // mm, a contents row (two lines of 工作单位)
	boundTop          = 42.0 // first contents row
	boundNumberY      = 291.0
)

// CohortForms writes the forms of apps, in the order given (the roster
// order), into one PDF: the bound copy a host unit prints, with a cover,
// contents with page numbers, an outline entry per applicant, page
// numbers, and blank pages so that each form starts on a front side.
func CohortForms(w io.Writer, fonts *typeset.Fonts, p *program.Programme, cohort int, apps []program.Applicant, opts ...FormOption) error {
	if p == nil || fonts == nil {
		return errors.New("报名表合订本：未提供年度计划或字体")
	}
	name := fmt.Sprintf("第%d期报名表合订本", cohort)
	cfg := formConfigOf(opts)
	info := formInfo(p, nil)
	info.Plain = cfg.plain
	c, ok := p.Cohort(cohort)
	if ok {
		name = c.Title() + " 报名表合订本"
		info.Title = formTitle(p) + "合订本（" + c.Title() + "）"
	}
	info.Subject = "报名表合订本"
	// Each form is laid out once, on its own: its page count places the
	// contents, then its pages are included as they are.
	counts := make([]int, len(apps))
	laid := make([]*typeset.Document, len(apps))
	for i := range apps {
		if cfg.laid != nil {
			laid[i] = cfg.laid(&apps[i])
		}
		if laid[i] == nil {
			laid[i] = typeset.New(fonts, formDocName(&apps[i]), typeset.A4, info)
			if err := FormPage(laid[i], p, &apps[i]); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
		counts[i] = laid[i].PageCount()
	}
	contents := max(1, (len(apps)+boundContentsRows-1)/boundContentsRows)
	starts := make([]int, len(apps))
	page := 2 + contents + contents%2 + 1
	for i, n := range counts {
		starts[i] = page
		page += n + n%2
	}

	d := typeset.New(fonts, name, typeset.A4, info)
	b := &bound{d: d, p: p, c: c, name: name}
	b.cover(len(apps))
	d.AddPage() // back of the cover
	b.contents(apps, starts)
	if contents%2 == 1 {
		d.AddPage()
	}
	for i := range apps {
		if err := d.Include(laid[i]); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		laid[i] = nil // its display list now lives in d
		last := d.PageCount()
		if last-starts[i]+1 != counts[i] {
			return fmt.Errorf("%s：%s 的报名表起始页不符（%d/%d）", name, apps[i].Name, last-starts[i]+1, counts[i])
		}
		d.SetPage(starts[i])
		d.Bookmark(fmt.Sprintf("%d. %s", i+1, apps[i].Name), 0, 0)
		for n := starts[i]; n <= last; n++ {
			d.SetPage(n)
			b.pageNumber(n)
		}
		d.SetPage(last)
		if counts[i]%2 == 1 {
			d.AddPage() // the next form starts on a front side
		}
	}
	if b.err != nil {
		return fmt.Errorf("%s: %w", name, b.err)
	}
	return d.Write(w)
}

type bound struct {
	d    *typeset.Document
	p    *program.Programme
	c    *program.Cohort
	name string
	err  error
}

func (b *bound) check(err error) {
	if err != nil && b.err == nil {
		b.err = err
	}
}

func (b *bound) center(y float64, text string, st typeset.Style) {
	st.Align, st.VAlign = typeset.Center, typeset.Middle
	fit, err := b.d.Fit(typeset.Rect{X: formLeft, Y: y, W: formWidth, H: 2.2 * typeset.PtToMM(st.Size)}, text, st, st.Size*0.7)
	b.check(err)
	if err == nil && fit.Overflow() {
		b.check(fmt.Errorf("封面“%s”一行放不下", text))
	}
}

// cover draws the cover: programme, 报名表合订本, cohort, host units,
// number of forms, date.
func (b *bound) cover(n int) {
	b.d.AddPage()
	title := typeset.Style{Role: typeset.Title, Size: typeset.Size2, Field: "封面标题"}
	y := 60.0
	for _, l := range titleLines(formTitle(b.p)) {
		b.center(y, l, title)
		y += 13
	}
	b.center(y+4, "合　订　本", typeset.Style{Role: typeset.Title, Size: typeset.Size1, Field: "封面标题"})
	y += 40
	head := typeset.Style{Role: typeset.Heading1, Size: typeset.Size3, Field: "封面班次"}
	body := typeset.Style{Role: typeset.Body, Size: typeset.Size3, Field: "封面"}
	if b.c != nil {
		b.center(y, b.c.Title(), head)
		y += 14
		if len(b.c.Hosts) > 0 {
			b.center(y, "承办单位："+strings.Join(b.c.Hosts, "、"), body)
			y += 11
		}
		if when := cohortWhen(b.c); when != "" {
			b.center(y, "时间："+when, body)
			y += 11
		}
	}
	b.center(y, fmt.Sprintf("报名表共%d份", n), body)
	created := formInfo(b.p, nil).Created
	b.center(250, b.p.IssuingBody, body)
	b.center(261, fmt.Sprintf("%d年%d月%d日", created.Year(), int(created.Month()), created.Day()), body)
}

// contents lists the applicants with the page their form starts on.
func (b *bound) contents(apps []program.Applicant, starts []int) {
	row := typeset.Style{Role: typeset.Table, Size: typeset.Size5, VAlign: typeset.Middle, Field: "目录"}
	for i := range max(1, len(apps)) {
		if i%boundContentsRows == 0 {
			b.d.AddPage()
			if i == 0 {
				b.d.Bookmark("目录", 0, 0)
			}
			st := typeset.Style{Role: typeset.Heading1, Size: typeset.Size3, Field: "目录标题"}
			b.center(20, "目　录", st)
			b.pageNumber(b.d.PageCount())
			h := typeset.Style{Role: typeset.Heading1, Size: typeset.Size5, VAlign: typeset.Middle, Field: "目录表头"}
			b.cells(boundTop-boundRowH, [4]string{"序号", "姓名", "工作单位及职务、职称", "页码"}, h)
		}
		if len(apps) == 0 {
			break
		}
		y := boundTop + float64(i%boundContentsRows)*boundRowH
		b.cells(y, [4]string{fmt.Sprint(i + 1), apps[i].Name, apps[i].Employer, fmt.Sprint(starts[i])}, row)
	}
}

var boundCols = [4]float64{14, 30, 106, 20}

// cells sets one contents row: 序号 centred, 姓名, 工作单位 (shrunk, two
// lines at most), 页码 right-aligned; a fine rule below.
func (b *bound) cells(y float64, v [4]string, st typeset.Style) {
	x := formLeft
	for j, text := range v {
		s := st
		switch j {
		case 0:
			s.Align = typeset.Center
		case 3:
			s.Align = typeset.Right
		}
		r := typeset.Rect{X: x + 1.5, Y: y, W: boundCols[j] - 3, H: boundRowH}
		fit, err := b.d.Fit(r, cellWords(text), s, typeset.SizeSmall5-1.5)
		b.check(err)
		if err == nil && fit.Overflow() {
			b.check(fmt.Errorf("目录第“%s”行的“%s”放不下", v[1], text))
		}
		x += boundCols[j]
	}
	b.d.Line(formLeft, y+boundRowH, formLeft+formWidth, y+boundRowH, typeset.Pen{Width: 0.15})
}

// pageNumber writes the bound copy's page number at the outer corner: on
// the right of a front (odd) page, on the left of a back page.
func (b *bound) pageNumber(n int) {
	st := typeset.Style{Role: typeset.Table, Size: typeset.SizeSmall4, Field: "合订本页码"}
	s := fmt.Sprintf("— %d —", n)
	if n%2 == 1 {
		st.Align = typeset.Right
		b.check(b.d.Text(formLeft+formWidth, boundNumberY, s, st))
		return
	}
	b.check(b.d.Text(formLeft, boundNumberY, s, st))
}
