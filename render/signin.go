package render

import (
	"fmt"
	"io"
	"slices"
	"time"

	"linghang/program"
	"linghang/render/typeset"
)

// SigninOptions shapes the sign-in sheets (签到表).
type SigninOptions struct {
	// HalfDay prints a sheet per half-day (上午, 下午) instead of per day.
	HalfDay bool
	// Order sorts the names; the zero value is 姓氏笔画, as on the roster.
	Order program.Order
	// Blank adds up to this many empty rows on each session's last page
	// for walk-ins (as many as fit); 0 means SigninBlankRows, a negative
	// number adds none. Every caller (render signin, run, demo, the
	// scheduler) gets the same sheet from the zero value.
	Blank int
	// Fonts sets the type; nil means typeset.Default().
	Fonts *typeset.Fonts
	// Created dates the document; zero means the programme's date.
	Created time.Time
	// PlainPDF writes a plain PDF instead of PDF/A-2b.
	PlainPDF bool
}

// SigninBlankRows is the default number of blank rows for walk-ins.
const SigninBlankRows = 5

var weekdays = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// ChineseDate formats a day as 2022年5月23日 星期一.
func ChineseDate(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日 %s", t.Year(), int(t.Month()), t.Day(), weekdays[t.Weekday()])
}

// signinTable is the sign-in sheet's layout: A4 portrait, 小四 names,
// rows of at least 12 mm so that a signature fits.
func signinTable() *pdfTable {
	return &pdfTable{
		page: typeset.A4, left: 15, right: 15, top: 12, bot: 14,
		body:       typeset.Style{Role: typeset.Table, Size: typeset.Size5},
		head:       typeset.Style{Role: typeset.Heading1, Size: typeset.SizeSmall4},
		titleStyle: typeset.Style{Role: typeset.Title, Size: typeset.SizeSmall2},
		subStyle:   typeset.Style{Role: typeset.Heading2, Size: typeset.SizeSmall4},
		minRow:     12, headRow: 10, pad: 1.5, minSize: 8,
	}
}

// Signin writes the sign-in sheets of cohort n: one sheet per day of the
// cohort (or per half-day), headed with the cohort, the date and the
// session, listing 序号, 姓名, 工作单位 and a wide 签名 column in the
// roster's order. Long lists continue on further pages with the heading
// and header row repeated.
func Signin(w io.Writer, p *program.Programme, n int, as []program.Applicant, opts SigninOptions) error {
	doc, err := signinDoc(p, n, as, opts)
	if err != nil {
		return err
	}
	if err := doc.Write(w); err != nil {
		return fmt.Errorf("render sign-in sheets for cohort %d: %w", n, err)
	}
	return nil
}

// signinDoc lays out the sign-in sheets of cohort n.
func signinDoc(p *program.Programme, n int, as []program.Applicant, opts SigninOptions) (*typeset.Document, error) {
	c, ok := p.Cohort(n)
	if !ok {
		return nil, fmt.Errorf("render sign-in sheets: 第%d期不在%d年计划中", n, p.Year)
	}
	days := c.Days()
	if c.Start.IsZero() || c.End.IsZero() || len(days) == 0 {
		return nil, fmt.Errorf("render sign-in sheets: %s 没有具体的起止日期（计划文件中的 start/end），无法生成签到表", c.Title())
	}
	fonts := opts.Fonts
	if fonts == nil {
		var err error
		if fonts, err = typeset.Default(); err != nil {
			return nil, fmt.Errorf("render sign-in sheets for cohort %d: %w", n, err)
		}
	}
	var mine []program.Applicant
	for _, a := range as {
		if a.Cohort == n {
			mine = append(mine, a)
		}
	}
	mine = slices.Clone(mine)
	opts.Order.Sort(mine)
	rows := make([][]string, len(mine))
	for i := range mine {
		rows[i] = []string{fmt.Sprint(i + 1), mine[i].Name, mine[i].Employer, ""}
	}

	t := signinTable()
	wd := t.width()
	cols := []pdfColumn{
		{header: "序号", width: 14, align: typeset.Center},
		{header: "姓名", width: 30, align: typeset.Center},
		{header: "工作单位", width: wd - 14 - 30 - 62},
		{header: "签名", width: 62},
	}
	blank := opts.Blank
	switch {
	case blank == 0:
		blank = SigninBlankRows
	case blank < 0:
		blank = 0
	}
	sessions := []string{""}
	if opts.HalfDay {
		sessions = []string{"上午", "下午"}
	}
	title := c.Title() + " 签到表"
	var sections []pdfSection
	for _, d := range days {
		for _, s := range sessions {
			when := ChineseDate(d)
			if s != "" {
				when += " " + s
			}
			sub := when
			if c.Tentative {
				sub += "（日期暂定）"
			}
			if c.Location != "" {
				sub += "　　地点：" + c.Location
			}
			sections = append(sections, pdfSection{
				title: title, subtitle: sub, footer: when,
				cols: cols, rows: slices.Clone(rows), blankTo: blank,
				tally: fmt.Sprintf("应到 %d 人　　　实到 ＿＿＿＿ 人　　　请假 ＿＿＿＿ 人　　　核对人 ＿＿＿＿＿＿", len(mine)),
			})
		}
	}
	doc := typeset.New(fonts, title, t.page, typeset.Info{
		Title: title, Author: p.IssuingBody, Subject: "签到表", Created: createdOr(opts.Created, p), Plain: opts.PlainPDF,
	})
	if err := t.draw(doc, sections); err != nil {
		return nil, fmt.Errorf("render sign-in sheets for cohort %d: %w", n, err)
	}
	return doc, nil
}
