package render

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"linghang/program"
	"linghang/render/typeset"
)

// Page geometry of the A4 lists (日程, 通讯录), mm.
const (
	listMargin = 20.0
	listTop    = 22.0
	listBottom = 277.0
)

// ScheduleMissing names what the cohort's 日程 lacks: no schedule at all,
// or days without one.
func ScheduleMissing(c *program.Cohort) []string {
	path := fmt.Sprintf("cohorts[%d].schedule.days", c.Number-1)
	if len(c.Schedule.Days) == 0 {
		return []string{"日程（" + path + "）"}
	}
	have := map[int]bool{}
	for _, d := range c.Schedule.Days {
		have[d.Day] = true
	}
	var out []string
	for n := 1; n <= len(c.Days()); n++ {
		if !have[n] {
			out = append(out, fmt.Sprintf("第%d天的安排（%s）", n, path))
		}
	}
	return out
}

// Schedule typesets the cohort's 日程 from the programme: a table of the
// days (date and weekday merged down each day), times, activities and
// places, continued on further pages with the heading repeated. Dates of a
// tentative cohort carry （暂定）; example data is marked.
func Schedule(w io.Writer, p *program.Programme, cohort int, opts CohortOptions) error {
	return ScheduleWithSummary(w, p, cohort, nil, opts)
}

// ScheduleWithSummary typesets the cohort's 日程 like Schedule, from the
// 活动日程 sheet of the host unit's imported summary sum when that is newer
// than the programme's schedule (program.Programme.CohortSchedule); the
// page then says so and the last column is 主讲人/地点.
func ScheduleWithSummary(w io.Writer, p *program.Programme, cohort int, sum *program.Summary, opts CohortOptions) error {
	if p == nil {
		return errors.New("render schedule: no programme")
	}
	c, ok := p.Cohort(cohort)
	if !ok {
		return fmt.Errorf("render schedule: %d年度没有第%d期", p.Year, cohort)
	}
	sched, from := p.CohortSchedule(c, sum)
	if from.Summary == nil {
		if missing := ScheduleMissing(c); len(missing) > 0 {
			return fmt.Errorf("render schedule: %w", &program.MissingError{Document: "日程", Cohort: c.Title(), Missing: missing})
		}
	}
	fonts, err := opts.fonts()
	if err != nil {
		return fmt.Errorf("render schedule: fonts: %w", err)
	}
	title := c.Title() + " 日程"
	d := typeset.New(fonts, title, typeset.A4, typeset.Info{Title: title, Author: joinHosts(c), Subject: "日程", Created: opts.created(p)})
	days := append([]program.ScheduleDay(nil), sched.Days...)
	sort.Slice(days, func(i, j int) bool { return days[i].Day < days[j].Day })
	var groups []ruledGroup
	for _, day := range days {
		date := c.DayDate(day.Day)
		lead := fmt.Sprintf("第%d天\n%d月%d日\n%s", day.Day, int(date.Month()), date.Day(), program.Weekday(date.Time))
		if c.Tentative {
			lead += "\n（暂定）"
		}
		g := ruledGroup{lead: lead}
		for _, it := range day.Items {
			// Kept to words: no character alone on a line (考察座/谈).
			g.rows = append(g.rows, []string{it.Time, cellWords(it.Activity), cellWords(it.Place)})
		}
		groups = append(groups, g)
	}
	body := typeset.Style{Role: typeset.Table, Size: 12, Leading: typeset.PtToMM(12) * 1.35}
	head := body
	head.Role = typeset.Heading1
	place := "地点"
	if from.Summary != nil {
		place = "主讲人/地点"
	}
	t := &ruledTable{d: d, x: listMargin, bottom: listBottom, body: body, head: head, pad: 1.8,
		cols: []ruledCol{
			{head: "日期", width: 26, align: typeset.Center},
			{head: "时间", width: 30, align: typeset.Center},
			{head: "活动内容", width: 74, align: typeset.Left},
			{head: place, width: 40, align: typeset.Left},
		}}
	pages := 0
	t.page = func() (float64, error) {
		d.AddPage()
		pages++
		y := listTop
		if sched.Example {
			if err := exampleLine(d, y-10); err != nil {
				return 0, err
			}
		}
		if pages > 1 {
			st := typeset.Style{Role: typeset.Body, Size: 12, Align: typeset.Right}
			if err := d.Text(210-listMargin, y-4, fmt.Sprintf("%s（续）", title), st); err != nil {
				return 0, err
			}
			return y, nil
		}
		ts := typeset.Style{Role: typeset.Title, Size: typeset.Size2, Align: typeset.Center}
		fit, err := d.Fit(typeset.Rect{X: listMargin, Y: y, W: 170, H: 24}, title, ts, 14)
		if err != nil {
			return 0, err
		}
		y += fit.Height + 3
		sub := fmt.Sprintf("%s　%s", c.Period(), c.Location)
		fit, err = d.Paragraph(typeset.Rect{X: listMargin, Y: y, W: 170, H: 16}, sub, typeset.Style{Role: typeset.Body, Size: 12, Align: typeset.Center})
		if err != nil {
			return 0, err
		}
		return y + fit.Height + 5, nil
	}
	if err := t.start(); err != nil {
		return fmt.Errorf("render schedule: %w", err)
	}
	if err := t.groups(groups, true); err != nil {
		return fmt.Errorf("render schedule %s: %w", c.Title(), err)
	}
	note := "承办单位：" + strings.Join(c.Hosts, "、")
	if src := from.Summary; src != nil {
		note += fmt.Sprintf("\n本日程据承办单位提交的总结数据（%s，%s收到）的“%s”表排印。", src.File, program.Date{Time: src.Received}.Chinese(), program.SheetSchedule)
	}
	// The closing note below the table, on a further page when it does
	// not fit under it; never cut.
	st := typeset.Style{Role: typeset.Body, Size: 12}
	if t.y+4+24 > listBottom { // room for three lines
		d.AddPage()
		t.y = listTop
	}
	for try := 0; ; try++ {
		fit, err := d.Paragraph(typeset.Rect{X: listMargin, Y: t.y + 4, W: 170, H: listBottom - t.y - 4}, note, st)
		if err != nil {
			return fmt.Errorf("render schedule: %w", err)
		}
		if !fit.Overflow() {
			break
		}
		if try > 0 || len(fit.Lines) > 0 {
			return fmt.Errorf("render schedule %s: 日程末尾的说明排不下：%q", c.Title(), fit.Rest)
		}
		d.AddPage()
		t.y = listTop
	}
	if err := d.Write(w); err != nil {
		return fmt.Errorf("render schedule: %w", err)
	}
	return nil
}

// exampleLine prints the example-data mark in red across the top.
func exampleLine(d *typeset.Document, y float64) error {
	st := typeset.Style{Role: typeset.Heading1, Size: 11, Color: typeset.Red, Align: typeset.Center}
	return d.Text(105, y, "【"+exampleMark+"】", st)
}
