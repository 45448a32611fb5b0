package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"

	"github.com/xuri/excelize/v2"

	"linghang/program"
	"linghang/render/typeset"
)

// EvaluationTitle is the title of the year-end evaluation.
func EvaluationTitle(p *program.Programme) string {
	return fmt.Sprintf("%d年“领航计划”青年科技领军人才国情研修活动年度评估", p.Year)
}

// evalMeasure is one measure the evaluation compares across cohorts.
type evalMeasure struct {
	title, unit string
	max         float64 // chart scale; 0: from the data
	ticks       int
	value       func(e *program.CohortEvaluation) (float64, bool) // false: no data
	format      func(v float64) string
}

func evalMeasures() []evalMeasure {
	num := func(v float64) string { return fmt.Sprintf("%.0f", v) }
	score := func(v float64) string { return fmt.Sprintf("%.2f", v) }
	measures := []evalMeasure{
		{title: "学员人数", unit: "人", ticks: 4, format: num,
			value: func(e *program.CohortEvaluation) (float64, bool) { return float64(e.Applicants), true }},
		{title: "出勤率", unit: "%", max: 100, ticks: 4, format: func(v float64) string { return fmt.Sprintf("%.1f", v) },
			value: func(e *program.CohortEvaluation) (float64, bool) { return e.Attendance * 100, e.HasData }},
	}
	for i, item := range program.FeedbackItems {
		measures = append(measures, evalMeasure{title: "反馈评分：" + item, unit: "分", max: program.ScoreMax, ticks: program.ScoreMax, format: score,
			value: func(e *program.CohortEvaluation) (float64, bool) {
				if i >= len(e.Feedback) || e.Feedback[i].Responses == 0 {
					return 0, false
				}
				return e.Feedback[i].Mean, true
			}})
	}
	measures = append(measures, evalMeasure{title: "总结提交用时（活动结束后天数）", unit: "天", ticks: 4, format: num,
		value: func(e *program.CohortEvaluation) (float64, bool) {
			if e.Submitted.IsZero() {
				return 0, false
			}
			days := e.DaysLate + int(e.Deadline.Sub(e.Cohort.End.Time).Hours()/24)
			return float64(max(days, 0)), true
		}})
	return measures
}

// submission describes when the summary came in: 6月5日（按时）,
// 7月20日（逾期5天）, 未提交.
func submission(e *program.CohortEvaluation) string {
	if e.Submitted.IsZero() {
		switch {
		case e.HasReport:
			return "部分提交（缺总结数据）"
		case e.HasData:
			return "部分提交（缺总结报告）"
		}
		return "未提交"
	}
	t := e.Submitted.In(beijingZone)
	day := fmt.Sprintf("%d月%d日", int(t.Month()), t.Day())
	if t.Year() != e.Cohort.End.Year() {
		day = fmt.Sprintf("%d年", t.Year()) + day
	}
	if e.OnTime() {
		return day + "（按时）"
	}
	return fmt.Sprintf("%s（逾期%d天）", day, e.DaysLate)
}

func rankText(e *program.CohortEvaluation) string {
	if e.Rank == 0 {
		return "—"
	}
	return fmt.Sprint(e.Rank)
}

// rankedOrder lists the evaluations by rank, unranked last by number.
func rankedOrder(es []program.CohortEvaluation) []*program.CohortEvaluation {
	out := make([]*program.CohortEvaluation, 0, len(es))
	for i := range es {
		if es[i].Rank > 0 {
			out = append(out, &es[i])
		}
	}
	for r := 1; r < len(out); r++ { // by rank (ranks are 1..n)
		for k := r; k > 0 && out[k].Rank < out[k-1].Rank; k-- {
			out[k], out[k-1] = out[k-1], out[k]
		}
	}
	for i := range es {
		if es[i].Rank == 0 {
			out = append(out, &es[i])
		}
	}
	return out
}

func rankedRows(p *program.Programme, es []program.CohortEvaluation) [][]string {
	var rows [][]string
	for _, e := range rankedOrder(es) {
		att, sat := "—", "—"
		if e.HasData {
			att = fmt.Sprintf("%.1f%%", e.Attendance*100)
			if e.Respondents > 0 {
				sat = fmt.Sprintf("%.2f", e.Satisfaction())
			}
		}
		rows = append(rows, []string{rankText(e), cohortShort(p, e.Cohort.Number), strings.Join(e.Cohort.Hosts, "、"),
			fmt.Sprint(e.Applicants), att, sat, submission(e)})
	}
	return rows
}

// compositionRows compares the cohorts' participants.
func compositionRows(p *program.Programme, as []program.Applicant, es []program.CohortEvaluation) (head []string, rows [][]string) {
	units := []string{program.UnitUniversity, program.UnitInstitute, program.UnitCompany, program.UnitHospital, program.UnitOther}
	head = append([]string{"期次", "学员", "女性", "党员", "平均年龄"}, units...)
	by := map[int][]program.Applicant{}
	for _, a := range as {
		by[a.Cohort] = append(by[a.Cohort], a)
	}
	for i := range es {
		e := &es[i]
		row := []string{cohortShort(p, e.Cohort.Number), fmt.Sprint(e.Applicants), pct(e.Women, e.Applicants), pct(e.Party, e.Applicants), "—"}
		if e.Applicants > 0 {
			row[4] = fmt.Sprintf("%.1f", e.MeanAge)
		}
		n := map[string]int{}
		for _, a := range by[e.Cohort.Number] {
			n[program.UnitType(a.Employer)]++
		}
		for _, u := range units {
			row = append(row, pct(n[u], e.Applicants))
		}
		rows = append(rows, row)
	}
	return head, rows
}

// EvaluationPDF writes the year-end evaluation (年底评优) of every cohort
// side by side: a ranked table (by 总体满意度, then attendance, then
// punctuality; cohorts whose data has not come in are listed unranked),
// a comparison chart per measure (participants, attendance, each
// feedback score, days to submit the summary), and the composition of
// each cohort's participants. sums maps a cohort number to its imported
// summary.
func EvaluationPDF(w io.Writer, p *program.Programme, as []program.Applicant, sums map[int]*program.Summary, opts ReportOptions) error {
	fonts, err := opts.fonts()
	if err != nil {
		return fmt.Errorf("render evaluation: %w", err)
	}
	created := opts.Created
	if created.IsZero() {
		created = p.Date.Time
	}
	es := program.Evaluate(p, as, sums)
	title := EvaluationTitle(p)
	d := typeset.New(fonts, title, typeset.A4, typeset.Info{Title: title, Author: p.IssuingBody, Subject: "年度评估", Created: created})
	f := newFlow(d, fmt.Sprintf("%d年度评估", p.Year))
	f.text(strings.Replace(title, "人才", "人才\n", 1), reportTitle)
	f.gap(4)
	total, got, onTime := 0, 0, 0
	for i := range es {
		total += es[i].Applicants
		if !es[i].Submitted.IsZero() {
			got++
			if es[i].OnTime() {
				onTime++
			}
		}
	}
	days := p.SummaryDays
	if days <= 0 {
		days = program.DefaultSummaryDays
	}
	f.text(fmt.Sprintf("全年共%d期，学员%d人；%d期的承办单位已提交总结材料，其中%d期在活动结束后%d日内按时提交。"+
		"排名依据依次为学员总体满意度、出勤率、是否按时提交总结；尚未提交总结数据的班次不参加排名。", len(es), total, got, onTime, days), reportBody)

	f.heading("一、综合排名", reportH1, 30)
	f.table([]reportCol{{head: "排名", width: 11, align: typeset.Center}, {head: "期次", width: 40}, {head: "承办单位"},
		{head: "学员", width: 11, align: typeset.Right}, {head: "出勤率", width: 15, align: typeset.Right},
		{head: "总体满意度", width: 18, align: typeset.Right}, {head: "总结提交", width: 33}}, rankedRows(p, es))

	f.heading("二、分项比较", reportH1, float64(len(es))*chartRow+20)
	for i, m := range evalMeasures() {
		var bars []bar
		for k := range es {
			e := &es[k]
			v, ok := m.value(e)
			text := "无数据"
			if ok {
				text = m.format(v) + m.unit
			}
			bars = append(bars, bar{label: cohortShort(p, e.Cohort.Number), value: v, text: text})
		}
		f.heading(fmt.Sprintf("（%s）%s", chineseNumber(i+1), m.title), reportH2, float64(len(bars))*chartRow+8)
		f.y += f.barChart(f.left, f.width, 48, bars, m.max, m.ticks, func(v float64) string { return fmt.Sprintf("%g", v) }, chartColors[i%len(chartColors)]) + 2
	}

	f.heading("三、学员构成比较", reportH1, 30)
	head, rows := compositionRows(p, as, es)
	cols := []reportCol{{head: head[0], width: 40}}
	for _, h := range head[1:] {
		cols = append(cols, reportCol{head: h, width: 130.0 / float64(len(head)-1), align: typeset.Right})
	}
	cols[len(cols)-1].width = 0
	f.table(cols, rows)
	f.text("注：单位类型按工作单位名称归类（高等院校、科研院所、企业、医疗卫生机构、其他）；年龄按身份证号中的出生日期计算至该期开班日。", reportNote)
	f.finish()
	if err := d.Write(w); err != nil {
		return fmt.Errorf("render evaluation: %w", err)
	}
	return nil
}

// EvaluationXLSX writes the evaluation as a workbook: 综合排名, one sheet
// per measure with its values by cohort and a native bar chart, and
// 学员构成.
func EvaluationXLSX(w io.Writer, p *program.Programme, as []program.Applicant, sums map[int]*program.Summary, opts ReportOptions) error {
	created := opts.Created
	if created.IsZero() {
		created = p.Date.Time
	}
	es := program.Evaluate(p, as, sums)
	f := excelize.NewFile()
	defer f.Close()
	if err := writeEvaluation(f, p, as, es); err != nil {
		return fmt.Errorf("render evaluation XLSX: %w", err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: EvaluationTitle(p), Subject: "年度评估", Creator: "linghang", Language: "zh-CN",
		Created: created.UTC().Format("2006-01-02T15:04:05Z"), Modified: created.UTC().Format("2006-01-02T15:04:05Z")}); err != nil {
		return fmt.Errorf("render evaluation XLSX: %w", err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return fmt.Errorf("render evaluation XLSX: write: %w", err)
	}
	pkg, err := sortContentTypes(buf.Bytes())
	if err != nil {
		return fmt.Errorf("render evaluation XLSX: %w", err)
	}
	if err := canonicalZip(w, pkg, created); err != nil {
		return fmt.Errorf("render evaluation XLSX: %w", err)
	}
	return nil
}

var contentTypeEntry = regexp.MustCompile(`<(Default|Override) [^>]*(?:/>|></(?:Default|Override)>)`)

// sortContentTypes sorts the entries of [Content_Types].xml: excelize
// writes the image extensions it adds with charts in map order, so the
// same workbook would not always give the same bytes.
func sortContentTypes(pkg []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		if f.Name == "[Content_Types].xml" {
			entries := contentTypeEntry.FindAllString(string(b), -1)
			sort.Strings(entries)
			first := contentTypeEntry.FindIndex(b)
			if first != nil {
				head := string(b[:first[0]])
				b = []byte(head + strings.Join(entries, "") + "</Types>")
			}
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(b); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// MeasureSheet names the evaluation sheet of a measure (Excel allows 31
// characters and no colon).
func MeasureSheet(title string) string {
	s := strings.NewReplacer("：", "-", "（活动结束后天数）", "").Replace(title)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}

func writeEvaluation(f *excelize.File, p *program.Programme, as []program.Applicant, es []program.CohortEvaluation) error {
	st, err := newTemplateStyles(f)
	if err != nil {
		return err
	}
	b := workbook{sw: sheetWriter{f: f, st: st}}
	b.sheet("综合排名", EvaluationTitle(p)+" · 综合排名", []string{"排名", "期次", "承办单位", "学员", "出勤率", "总体满意度", "总结提交"},
		[]float64{8, 22, 40, 8, 10, 12, 22}, anyRows(rankedRows(p, es)))
	for _, m := range evalMeasures() {
		name := MeasureSheet(m.title)
		var rows [][]any
		for k := range es {
			v, ok := m.value(&es[k])
			var cell any = v
			if !ok {
				cell = nil // no data: an empty cell, not a zero bar
			}
			rows = append(rows, []any{cohortShort(p, es[k].Cohort.Number), cell})
		}
		b.sheet(name, m.title, []string{"期次", m.title + "（" + m.unit + "）"}, []float64{24, 22}, rows)
		b.chart(name, m.title, "A", "B", len(rows), m.max)
	}
	head, rows := compositionRows(p, as, es)
	widths := []float64{22}
	for range head[1:] {
		widths = append(widths, 11)
	}
	b.sheet("学员构成", "学员构成比较", head, widths, anyRows(rows))
	f.SetActiveSheet(0)
	return b.sw.err
}

func anyRows(rows [][]string) [][]any {
	out := make([][]any, len(rows))
	for i, r := range rows {
		out[i] = make([]any, len(r))
		for j, v := range r {
			out[i][j] = v
		}
	}
	return out
}
