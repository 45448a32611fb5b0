package render

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"linghang/program"
)

// SummaryReportXLSX writes the summary report of cohort n as a workbook
// with the same tables as the PDF and native Excel charts: 活动概况, one
// sheet per composition measure (table and bar chart), 考勤 and 反馈 (with
// charts, when submitted), 活动日程 and 承办单位总结.
func SummaryReportXLSX(w io.Writer, p *program.Programme, n int, as []program.Applicant, s *program.Summary, opts ReportOptions) error {
	c, ok := p.Cohort(n)
	if !ok {
		return fmt.Errorf("render summary report XLSX: 第%d期不在%d年计划中", n, p.Year)
	}
	created := opts.Created
	if created.IsZero() {
		created = p.Date.Time
	}
	mine := cohortApplicants(as, n, program.AsGiven)
	f := excelize.NewFile()
	defer f.Close()
	st, err := newTemplateStyles(f)
	if err != nil {
		return fmt.Errorf("render summary report XLSX: %w", err)
	}
	b := workbook{sw: sheetWriter{f: f, st: st}}
	submitted := NotSubmitted
	if t := s.Submitted(); !t.IsZero() {
		submitted = "已提交（" + t.In(beijingZone).Format("2006年1月2日") + "）"
	}
	b.sheet("活动概况", SummaryTitle(p)+" · "+c.Title(), []string{"项目", "内容"}, []float64{14, 90}, [][]any{
		{"承办单位", strings.Join(c.Hosts, "、")}, {"时间", CohortPeriod(c)}, {"地点", c.Location},
		{"学员人数", program.CompositionLine(mine, c.Start.Time)}, {"总结材料", submitted}, {"提交期限", deadlineText(p, c)},
	})
	for _, m := range program.Composition(mine, c.Start.Time, opts.top()) {
		var rows [][]any
		for _, ct := range m.Counts {
			share := 0.0
			if t := m.Total(); t > 0 {
				share = float64(ct.N) / float64(t)
			}
			rows = append(rows, []any{ct.Label, ct.N, share})
		}
		name := MeasureSheet(strings.TrimSuffix(m.Title, "（据身份证号）"))
		b.sheet(name, c.Title()+" 学员构成："+m.Title, []string{"类别", "人数", "占比"}, []float64{24, 10, 10}, rows)
		b.percent(name, "C", len(rows))
		b.chart(name, m.Title+"（人）", "A", "B", len(rows), 0)
	}
	if s.HasData() {
		var rows [][]any
		for _, d := range s.AttendanceByDay() {
			rows = append(rows, []any{d.Day, d.Present, d.Leave, d.Absent, d.Rate()})
		}
		b.sheet("考勤", c.Title()+" 每日考勤", []string{"日期", "出勤", "请假", "缺勤", "出勤率"}, []float64{20, 8, 8, 8, 10}, rows)
		b.percent("考勤", "E", len(rows))
		b.chart("考勤", "每日出勤率", "A", "E", len(rows), 1)
		rows = nil
		for _, sc := range s.FeedbackScores() {
			rows = append(rows, []any{sc.Item, sc.Mean, sc.Responses})
		}
		b.sheet("反馈", c.Title()+" 学员反馈（满分5分）", []string{"项目", "平均分", "评分人数"}, []float64{16, 10, 10}, rows)
		b.chart("反馈", "学员反馈平均分", "A", "B", len(rows), program.ScoreMax)
		rows = nil
		for _, it := range s.Schedule {
			rows = append(rows, []any{it.Day, it.Time, it.Activity, it.Speaker})
		}
		b.sheet("活动日程", c.Title()+" 活动日程", program.ScheduleColumns, []float64{20, 16, 48, 36}, rows)
	}
	if s.HasNarrative() {
		var rows [][]any
		for _, sec := range s.Sections {
			rows = append(rows, []any{sec.Heading, sec.Text})
		}
		b.sheet("承办单位总结", c.Title()+" 承办单位总结", []string{"部分", "内容"}, []float64{20, 100}, rows)
	}
	if b.sw.err == nil {
		b.sw.check(f.SetDocProps(&excelize.DocProperties{Title: SummaryTitle(p) + " · " + c.Title(), Subject: "活动总结报告", Creator: "linghang", Language: "zh-CN",
			Created: created.UTC().Format("2006-01-02T15:04:05Z"), Modified: created.UTC().Format("2006-01-02T15:04:05Z")}))
	}
	if b.sw.err != nil {
		return fmt.Errorf("render summary report XLSX for cohort %d: %w", n, b.sw.err)
	}
	f.SetActiveSheet(0)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return fmt.Errorf("render summary report XLSX: write: %w", err)
	}
	pkg, err := sortContentTypes(buf.Bytes())
	if err != nil {
		return fmt.Errorf("render summary report XLSX: %w", err)
	}
	return canonicalZip(w, pkg, created)
}

// workbook writes report sheets: a title, a header and rows each.
type workbook struct {
	sw    sheetWriter
	count int
}

func (b *workbook) sheet(name, title string, head []string, widths []float64, rows [][]any) {
	f := b.sw.f
	if b.sw.err != nil {
		return
	}
	if b.count == 0 {
		b.sw.check(f.SetSheetName("Sheet1", name))
	} else if _, err := f.NewSheet(name); err != nil {
		b.sw.check(err)
		return
	}
	b.count++
	b.sw.start(name, title, "", head, widths)
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, program.SummaryFirstRow+i)
		r := row
		b.sw.check(f.SetSheetRow(name, cell, &r))
	}
}

// percent formats a column's data cells as 0.0%.
func (b *workbook) percent(name, col string, n int) {
	if b.sw.err != nil || n == 0 {
		return
	}
	id, err := b.sw.f.NewStyle(&excelize.Style{NumFmt: 176, CustomNumFmt: strPtr("0.0%")})
	b.sw.check(err)
	b.sw.check(b.sw.f.SetCellStyle(name, fmt.Sprintf("%s%d", col, program.SummaryFirstRow), fmt.Sprintf("%s%d", col, program.SummaryFirstRow+n-1), id))
}

// chart adds a bar chart of column val by column cat beside the table;
// max > 0 fixes the value axis.
func (b *workbook) chart(name, title, cat, val string, n int, max float64) {
	if b.sw.err != nil || n == 0 {
		return
	}
	last := program.SummaryFirstRow + n - 1
	ref := func(col string) string {
		return fmt.Sprintf("'%s'!$%s$%d:$%s$%d", name, col, program.SummaryFirstRow, col, last)
	}
	ch := &excelize.Chart{
		Type:      excelize.Bar,
		Series:    []excelize.ChartSeries{{Name: fmt.Sprintf("'%s'!$%s$%d", name, val, program.SummaryHeaderRow), Categories: ref(cat), Values: ref(val)}},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: title}}},
		Legend:    excelize.ChartLegend{Position: "none"},
		PlotArea:  excelize.ChartPlotArea{ShowVal: true},
		XAxis:     excelize.ChartAxis{ReverseOrder: true},
		Dimension: excelize.ChartDimension{Width: 560, Height: uint(120 + 26*n)},
	}
	if max > 0 {
		mx := max
		ch.YAxis = excelize.ChartAxis{Maximum: &mx}
	}
	col, _ := excelize.ColumnNumberToName(7)
	b.sw.check(b.sw.f.AddChart(name, col+"3", ch))
}
