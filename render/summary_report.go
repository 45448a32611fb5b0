package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"linghang/program"
	"linghang/render/typeset"
)

// ReportOptions shapes the summary report and the evaluation.
type ReportOptions struct {
	// Fonts sets the type; nil means typeset.Default().
	Fonts *typeset.Fonts
	// Created dates the document; zero means the programme's date.
	Created time.Time
	// Top keeps the largest categories of a composition measure and
	// counts the rest as 其他 (default 10).
	Top int
}

func (o ReportOptions) fonts() (*typeset.Fonts, error) {
	if o.Fonts != nil {
		return o.Fonts, nil
	}
	return typeset.Default()
}

func (o ReportOptions) top() int {
	if o.Top <= 0 {
		return 10
	}
	return o.Top
}

// NotSubmitted marks what a host unit has not yet sent.
const NotSubmitted = "承办单位尚未提交"

// SummaryReportPDF writes the end-of-activity summary report of cohort n
// for headquarters: the cohort's facts; the composition of its
// participants computed from the applicant data (sex, ethnic groups, age
// bands from the ID birth dates, political status, provinces from the ID
// region code, research fields, type of work unit), each as a bar chart
// drawn in the PDF with its table; attendance by day and feedback scores
// from the host unit's workbook; the schedule; the host unit's narrative
// sections. What the host unit has not submitted (s nil, or a part
// missing) is marked 承办单位尚未提交.
func SummaryReportPDF(w io.Writer, p *program.Programme, n int, as []program.Applicant, s *program.Summary, opts ReportOptions) error {
	c, ok := p.Cohort(n)
	if !ok {
		return fmt.Errorf("render summary report: 第%d期不在%d年计划中", n, p.Year)
	}
	fonts, err := opts.fonts()
	if err != nil {
		return fmt.Errorf("render summary report for cohort %d: %w", n, err)
	}
	created := opts.Created
	if created.IsZero() {
		created = p.Date.Time
	}
	mine := cohortApplicants(as, n, program.AsGiven)
	title := SummaryTitle(p)
	d := typeset.New(fonts, title+"（"+c.Title()+"）", typeset.A4, typeset.Info{
		Title: title + " · " + c.Title(), Author: strings.Join(c.Hosts, "、"), Subject: "活动总结报告", Created: created,
	})
	f := newFlow(d, c.Title()+" 活动总结报告")
	f.text(strings.Replace(title, "人才", "人才\n", 1), reportTitle)
	f.text(c.Title(), reportSub)
	f.gap(4)

	// 一、活动概况
	f.heading("一、活动概况", reportH1, 30)
	submitted := NotSubmitted
	if t := s.Submitted(); !t.IsZero() {
		submitted = "已提交（" + t.In(beijingZone).Format("2006年1月2日") + "）"
	} else if s.HasNarrative() || s.HasData() {
		submitted = "部分提交（" + partsMissing(s) + "未提交）"
	}
	f.table([]reportCol{{head: "项目", width: 30, align: typeset.Center}, {head: "内容"}}, [][]string{
		{"承办单位", strings.Join(c.Hosts, "、")},
		{"时间", CohortPeriod(c)},
		{"地点", c.Location},
		{"学员人数", program.CompositionLine(mine, c.Start.Time)},
		{"特色内容", c.Features},
		{"总结材料", submitted},
		{"提交期限", deadlineText(p, c)},
	})

	// 二、学员构成
	f.heading("二、学员构成", reportH1, 40)
	if len(mine) == 0 {
		f.missing("本期没有学员数据")
	}
	for i, m := range program.Composition(mine, c.Start.Time, opts.top()) {
		if len(mine) == 0 {
			break
		}
		f.heading(fmt.Sprintf("（%s）%s", chineseNumber(i+1), m.Title), reportH2, float64(len(m.Counts))*6.5+12)
		total := m.Total()
		var bars []bar
		var rows [][]string
		for _, ct := range m.Counts {
			bars = append(bars, bar{label: ct.Label, value: float64(ct.N), text: fmt.Sprintf("%d人", ct.N)})
			rows = append(rows, []string{ct.Label, fmt.Sprint(ct.N), pct(ct.N, total)})
		}
		rows = append(rows, []string{"合计", fmt.Sprint(total), pct(total, total)})
		f.chartWithTable(bars, 0, 4, func(v float64) string { return fmt.Sprintf("%.0f", v) },
			[]reportCol{{head: "类别"}, {head: "人数", width: 12, align: typeset.Right}, {head: "占比", width: 16, align: typeset.Right}}, rows)
	}

	// 三、考勤情况
	f.heading("三、考勤情况", reportH1, 10+float64(len(s.AttendanceByDay())+1)*chartRow+8)
	if !s.HasData() {
		f.missing(NotSubmitted + "学员考勤（总结数据 XLSX）")
	} else {
		days := s.AttendanceByDay()
		var bars []bar
		var rows [][]string
		for _, dd := range days {
			bars = append(bars, bar{label: dd.Day, value: dd.Rate() * 100, text: fmt.Sprintf("%.1f%%", dd.Rate()*100)})
			rows = append(rows, []string{dd.Day, fmt.Sprint(dd.Present), fmt.Sprint(dd.Leave), fmt.Sprint(dd.Absent)})
		}
		rate, _ := s.AttendanceRate()
		f.text(fmt.Sprintf("考勤学员%d人，共%d天；总出勤率%.1f%%。下图为每日出勤率。", len(s.Attendance), len(days), rate*100), reportBody)
		f.chartWithTable(bars, 100, 4, func(v float64) string { return fmt.Sprintf("%.0f%%", v) },
			[]reportCol{{head: "日期"}, {head: "出勤", width: 10, align: typeset.Right}, {head: "请假", width: 10, align: typeset.Right}, {head: "缺勤", width: 10, align: typeset.Right}}, rows)
	}

	// 四、学员反馈
	f.heading("四、学员反馈", reportH1, 10+float64(len(program.FeedbackItems)+1)*chartRow+8)
	if !s.HasData() {
		f.missing(NotSubmitted + "学员反馈汇总（总结数据 XLSX）")
	} else {
		scores := s.FeedbackScores()
		var bars []bar
		var rows [][]string
		for _, sc := range scores {
			bars = append(bars, bar{label: sc.Item, value: sc.Mean, text: fmt.Sprintf("%.2f", sc.Mean)})
			rows = append(rows, []string{sc.Item, fmt.Sprintf("%.2f", sc.Mean), fmt.Sprint(sc.Responses)})
		}
		f.text(fmt.Sprintf("收回反馈%d份（学员%d人）；各项平均分（满分%d分）如下。", s.Respondents(), len(s.Feedback), program.ScoreMax), reportBody)
		f.chartWithTable(bars, program.ScoreMax, program.ScoreMax, func(v float64) string { return fmt.Sprintf("%.0f", v) },
			[]reportCol{{head: "项目"}, {head: "平均分", width: 14, align: typeset.Right}, {head: "评分人数", width: 16, align: typeset.Right}}, rows)
		var comments [][]string
		for _, fb := range s.Feedback {
			if fb.Comment != "" {
				comments = append(comments, []string{fb.Name, fb.Comment})
			}
		}
		if len(comments) > 0 {
			f.heading("学员意见与建议", reportH2, 22)
			f.table([]reportCol{{head: "学员", width: 22, align: typeset.Center}, {head: "意见与建议"}}, comments)
		}
	}

	// 五、活动日程
	f.heading("五、活动日程", reportH1, 30)
	if !s.HasData() {
		f.missing(NotSubmitted + "活动日程（总结数据 XLSX）")
	} else {
		var rows [][]string
		for _, it := range s.Schedule {
			rows = append(rows, []string{it.Day, it.Time, it.Activity, it.Speaker})
		}
		f.table([]reportCol{{head: "日期", width: 34}, {head: "时间", width: 27}, {head: "活动内容"}, {head: "主讲人/地点", width: 45}}, rows)
	}

	// 六、承办单位总结
	f.heading("六、承办单位总结", reportH1, 30)
	if !s.HasNarrative() {
		f.missing(NotSubmitted + "总结报告（DOCX）")
	} else {
		for _, sec := range program.SummarySections {
			f.heading("（"+strings.TrimSuffix(sec.Number, "、")+"）"+sec.Title, reportH2, 16)
			if t := s.Section(sec.Heading()); t != "" {
				f.text(t, reportBody)
			} else {
				f.text("（未填写）", reportNote)
			}
		}
	}
	if s != nil && len(s.Sources) > 0 {
		f.heading("附：所据材料", reportH2, 22)
		var rows [][]string
		for _, src := range s.Sources {
			rows = append(rows, []string{src.File, src.Received.In(beijingZone).Format("2006-01-02 15:04"), src.SHA256[:16] + "…"})
		}
		f.table([]reportCol{{head: "文件"}, {head: "收到时间", width: 32, align: typeset.Center}, {head: "SHA-256", width: 44, align: typeset.Center}}, rows)
	}
	f.finish()
	if err := d.Write(w); err != nil {
		return fmt.Errorf("render summary report for cohort %d: %w", n, err)
	}
	return nil
}

var beijingZone = time.FixedZone("CST", 8*3600)

func partsMissing(s *program.Summary) string {
	if !s.HasNarrative() {
		return "总结报告（DOCX）"
	}
	return "总结数据（XLSX）"
}

func deadlineText(p *program.Programme, c *program.Cohort) string {
	d := p.SummaryDeadline(c)
	if d.IsZero() {
		return "—"
	}
	days := p.SummaryDays
	if days <= 0 {
		days = program.DefaultSummaryDays
	}
	return fmt.Sprintf("%d年%d月%d日（活动结束后%d日内）", d.Year(), int(d.Month()), d.Day(), days)
}

var chineseDigits = []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

func chineseNumber(n int) string {
	switch {
	case n <= 10:
		return chineseDigits[n]
	case n < 20:
		return "十" + chineseDigits[n-10]
	case n < 100 && n%10 == 0:
		return chineseDigits[n/10] + "十"
	case n < 100:
		return chineseDigits[n/10] + "十" + chineseDigits[n%10]
	}
	return fmt.Sprint(n)
}
