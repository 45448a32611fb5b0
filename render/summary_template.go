package render

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/nguyenthenguyen/docx"
	"github.com/xuri/excelize/v2"

	"linghang/program"
	"linghang/templates"
)

// SummaryTemplateOptions shapes the host units' summary templates.
type SummaryTemplateOptions struct {
	// Order sorts the roster and the attendance rows (zero: 姓氏笔画).
	Order program.Order
	// Created dates the file; zero means the programme's date.
	Created time.Time
}

// SummaryTitle is the title of a cohort's summary report:
// 2022年“领航计划”青年科技领军人才国情研修活动总结报告.
func SummaryTitle(p *program.Programme) string {
	return fmt.Sprintf("%d年“领航计划”青年科技领军人才国情研修活动总结报告", p.Year)
}

// CohortPeriod writes a cohort's dates: 2022年5月23日—27日,
// 2022年5月30日—6月3日, marked （暂定） when tentative; the notice's own
// wording when the plan has no dates.
func CohortPeriod(c *program.Cohort) string {
	if c.Start.IsZero() || c.End.IsZero() {
		return c.Time
	}
	s, e := c.Start.Time, c.End.Time
	out := fmt.Sprintf("%d年%d月%d日", s.Year(), int(s.Month()), s.Day())
	switch {
	case s.Equal(e):
	case s.Year() != e.Year():
		out += fmt.Sprintf("—%d年%d月%d日", e.Year(), int(e.Month()), e.Day())
	case s.Month() != e.Month():
		out += fmt.Sprintf("—%d月%d日", int(e.Month()), e.Day())
	default:
		out += fmt.Sprintf("—%d日", e.Day())
	}
	if c.Tentative {
		out += "（暂定）"
	}
	return out
}

// cohortApplicants returns the applicants of cohort n in the given order.
func cohortApplicants(as []program.Applicant, n int, order program.Order) []program.Applicant {
	var out []program.Applicant
	for _, a := range as {
		if a.Cohort == n {
			out = append(out, a)
		}
	}
	out = slices.Clone(out)
	order.Sort(out)
	return out
}

func summaryCohort(p *program.Programme, n int) (*program.Cohort, error) {
	if p == nil {
		return nil, errors.New("没有年度计划")
	}
	c, ok := p.Cohort(n)
	if !ok {
		return nil, fmt.Errorf("第%d期不在%d年计划中", n, p.Year)
	}
	if c.Start.IsZero() || c.End.IsZero() || len(c.Days()) == 0 {
		return nil, fmt.Errorf("%s 没有具体的起止日期（计划文件中的 start/end）", c.Title())
	}
	return c, nil
}

const (
	twipsPerMM   = 1440 / 25.4
	docxBlockTwp = 8844 // the 156 mm text block
)

// SummaryTemplateDOCX writes the narrative template a host unit fills in
// after cohort n: made from templates/summary-docx with the docx library,
// the page set-up of the notice, the title, the cohort's facts (承办单位,
// 时间, 地点, 学员人数 with its composition), the numbered sections of
// program.SummarySections each with its guidance in grey, and the roster
// as an appended table. The footer and the document properties carry
// the template identifier the import checks. Every placeholder stands
// alone in its run, and none is left in the output.
func SummaryTemplateDOCX(w io.Writer, p *program.Programme, n int, as []program.Applicant, opts SummaryTemplateOptions) error {
	c, err := summaryCohort(p, n)
	if err != nil {
		return fmt.Errorf("render summary template DOCX: %w", err)
	}
	mine := cohortApplicants(as, n, opts.Order)
	created := opts.Created
	if created.IsZero() {
		created = p.Date.Time
	}
	id := program.SummaryTemplateID(p.Year, n)
	hosts := strings.Join(c.Hosts, "、")
	title := SummaryTitle(p)
	fill := map[string]map[string]string{
		"docProps/core.xml": {"{{标题}}": title + " · " + c.Title(), "{{期次}}": c.Title(), "{{承办单位}}": hosts,
			"{{模板标识}}": id, "{{日期}}": created.Format("2006-01-02")},
		"word/footer2.xml": {"{{模板标识}}": id},
		"word/footer3.xml": {"{{模板标识}}": id},
	}
	tmpl, err := templatePackage(templates.SummaryDOCX, "summary-docx", fill)
	if err != nil {
		return fmt.Errorf("render summary template DOCX: template: %w", err)
	}
	r, err := docx.ReadDocxFromMemory(bytes.NewReader(tmpl), int64(len(tmpl)))
	if err != nil {
		return fmt.Errorf("render summary template DOCX: open template: %w", err)
	}
	defer r.Close()
	d := r.Editable()
	content := d.GetContent()
	for _, ph := range []string{"{{各部分}}", "{{学员名单}}"} {
		if !strings.Contains(content, "<w:p><w:r><w:t>"+ph+"</w:t></w:r></w:p>") {
			return fmt.Errorf("render summary template DOCX: templates/summary-docx/word/document.xml lacks the paragraph %s", ph)
		}
	}
	d.ReplaceRaw("<w:p><w:r><w:t>{{各部分}}</w:t></w:r></w:p>", summarySectionsXML(), 1)
	d.ReplaceRaw("<w:p><w:r><w:t>{{学员名单}}</w:t></w:r></w:p>", rosterTableXML(mine), 1)
	for _, kv := range [][2]string{
		{"{{标题}}", title}, {"{{期次}}", c.Title()}, {"{{承办单位}}", hosts}, {"{{时间}}", CohortPeriod(c)},
		{"{{地点}}", c.Location}, {"{{学员人数}}", program.CompositionLine(mine, c.Start.Time)},
	} {
		if !strings.Contains(d.GetContent(), kv[0]) {
			return fmt.Errorf("render summary template DOCX: template lacks %s", kv[0])
		}
		if err := d.Replace(kv[0], kv[1], -1); err != nil {
			return fmt.Errorf("render summary template DOCX: %s: %w", kv[0], err)
		}
	}
	if strings.Contains(d.GetContent(), "{{") {
		return errors.New("render summary template DOCX: a placeholder {{…}} is left in word/document.xml")
	}
	// The docx library ignores write errors: write to memory, then copy.
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		return fmt.Errorf("render summary template DOCX: %w", err)
	}
	if err := canonicalZip(w, buf.Bytes(), created); err != nil {
		return fmt.Errorf("render summary template DOCX: %w", err)
	}
	return nil
}

func summarySectionsXML() string {
	var b wml
	for _, s := range program.SummarySections {
		b.para("Heading1", "", run(s.Heading()))
		b.para("Guidance", "", run(s.Guidance))
	}
	return b.String()
}

// rosterTableXML is the roster as a ruled table across the text block:
// 序号, 姓名, 性别, 民族, 工作单位及职务、职称; the header row repeats on
// every page.
func rosterTableXML(as []program.Applicant) string {
	widths := []int{700, 1250, 700, 1100, docxBlockTwp - 700 - 1250 - 700 - 1100}
	var b strings.Builder
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="8844" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>`)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(&b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
	}
	b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>`)
	for _, wd := range widths {
		fmt.Fprintf(&b, `<w:gridCol w:w="%d"/>`, wd)
	}
	b.WriteString(`</w:tblGrid>`)
	row := func(header bool, cells ...string) {
		b.WriteString(`<w:tr>`)
		if header {
			b.WriteString(`<w:trPr><w:tblHeader/></w:trPr>`)
		}
		for i, v := range cells {
			fmt.Fprintf(&b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="FormText"/>`, widths[i])
			if i == 4 && !header {
				b.WriteString(`<w:jc w:val="left"/>`)
			}
			b.WriteString(`</w:pPr>`)
			if header {
				b.WriteString(`<w:r><w:rPr><w:rFonts w:eastAsia="黑体"/></w:rPr><w:t xml:space="preserve">`)
				b.WriteString(xmlText(v))
				b.WriteString(`</w:t></w:r>`)
			} else {
				b.WriteString(run(v))
			}
			b.WriteString(`</w:p></w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	row(true, "序号", "姓名", "性别", "民族", "工作单位及职务、职称")
	for i, a := range as {
		row(false, fmt.Sprint(i+1), a.Name, a.Gender, a.Ethnicity, a.Employer)
	}
	if len(as) == 0 {
		row(false, "", "（暂无学员数据）", "", "", "")
	}
	b.WriteString(`</w:tbl><w:p/>`)
	return b.String()
}

func xmlText(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

// SummaryTemplateXLSX writes the numbers template of cohort n: the sheets
// 活动日程 (day, time, activity, speaker/place; the day from a drop-down
// of the cohort's days), 学员考勤 (the participants, pre-filled, × the
// days, each cell a drop-down of 出勤/请假/缺勤) and 学员反馈汇总 (a score
// of 1–5 per item, enforced by data validation, and a comment). Titles,
// headers and the pre-filled names are locked and every sheet is
// protected (without a password): a host unit fills in the cells meant
// for it and cannot break the structure by accident. A very hidden sheet
// and the document properties carry the template identifier.
func SummaryTemplateXLSX(w io.Writer, p *program.Programme, n int, as []program.Applicant, opts SummaryTemplateOptions) error {
	c, err := summaryCohort(p, n)
	if err != nil {
		return fmt.Errorf("render summary template XLSX: %w", err)
	}
	mine := cohortApplicants(as, n, opts.Order)
	created := opts.Created
	if created.IsZero() {
		created = p.Date.Time
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := writeSummaryTemplate(f, p, c, mine, created); err != nil {
		return fmt.Errorf("render summary template XLSX for cohort %d: %w", n, err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return fmt.Errorf("render summary template XLSX: write: %w", err)
	}
	if err := canonicalZip(w, buf.Bytes(), created); err != nil {
		return fmt.Errorf("render summary template XLSX: %w", err)
	}
	return nil
}

type templateStyles struct{ title, note, head, label, input, inputWrap int }

func newTemplateStyles(f *excelize.File) (templateStyles, error) {
	var st templateStyles
	border := []excelize.Border{{Type: "left", Color: "808080", Style: 1}, {Type: "right", Color: "808080", Style: 1},
		{Type: "top", Color: "808080", Style: 1}, {Type: "bottom", Color: "808080", Style: 1}}
	locked := &excelize.Protection{Locked: true}
	open := &excelize.Protection{Locked: false}
	defs := []struct {
		dst *int
		s   *excelize.Style
	}{
		{&st.title, &excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 16, Bold: true}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}, Protection: locked}},
		{&st.note, &excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10, Color: "595959"}, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Protection: locked}},
		{&st.head, &excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 11, Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
			Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}, Border: border, Protection: locked}},
		{&st.label, &excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 11}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"F2F2F2"}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border, Protection: locked}},
		{&st.input, &excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 11}, Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}, Border: border, Protection: open}},
		{&st.inputWrap, &excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 11}, Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}, Border: border, Protection: open}},
	}
	for _, d := range defs {
		id, err := f.NewStyle(d.s)
		if err != nil {
			return st, err
		}
		*d.dst = id
	}
	return st, nil
}

func writeSummaryTemplate(f *excelize.File, p *program.Programme, c *program.Cohort, as []program.Applicant, created time.Time) error {
	id := program.SummaryTemplateID(p.Year, c.Number)
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: fmt.Sprintf("%s · %s（数据）", SummaryTitle(p), c.Title()), Subject: "承办单位总结模板", Identifier: id,
		Creator: "linghang", Language: "zh-CN",
		Created: created.UTC().Format("2006-01-02T15:04:05Z"), Modified: created.UTC().Format("2006-01-02T15:04:05Z"),
	}); err != nil {
		return err
	}
	st, err := newTemplateStyles(f)
	if err != nil {
		return fmt.Errorf("styles: %w", err)
	}
	days := c.Days()
	labels := make([]string, len(days))
	for i, d := range days {
		labels[i] = program.DayLabel(d)
	}
	if err := f.SetSheetName("Sheet1", program.SheetSchedule); err != nil {
		return err
	}
	for _, s := range []string{program.SheetAttendance, program.SheetFeedback, program.SheetTemplateInfo} {
		if _, err := f.NewSheet(s); err != nil {
			return err
		}
	}
	// The identifier and the day list (the source of the day drop-down).
	info := program.SheetTemplateInfo
	cells := [][2]any{{"A1", "模板标识"}, {"B1", id}, {"A2", "期次"}, {"B2", c.Title()}, {"A3", "日期"}}
	for _, kv := range cells {
		if err := f.SetCellValue(info, kv[0].(string), kv[1]); err != nil {
			return err
		}
	}
	for i, l := range labels {
		if err := f.SetCellStr(info, fmt.Sprintf("B%d", 3+i), l); err != nil {
			return err
		}
	}
	if err := f.SetSheetVisible(info, false, true); err != nil {
		return err
	}
	if err := f.ProtectSheet(info, &excelize.SheetProtectionOptions{}); err != nil {
		return err
	}
	sheet := sheetWriter{f: f, st: st}
	// 活动日程
	sheet.start(program.SheetSchedule, c.Title()+" 活动日程",
		"请按实际日程逐项填写，每项一行：日期从下拉列表中选择，时间如 8:30—11:30，主讲人请注明单位和职务（现场教学请写地点）。模板标识 "+id,
		program.ScheduleColumns, []float64{20, 16, 48, 36})
	last := program.SummaryFirstRow + program.ScheduleRows - 1
	sheet.inputs(1, program.SummaryFirstRow, 2, last, st.input)
	sheet.inputs(3, program.SummaryFirstRow, 4, last, st.inputWrap)
	dayList := fmt.Sprintf("'%s'!$B$3:$B$%d", info, 2+len(labels))
	sheet.list(fmt.Sprintf("A%d:A%d", program.SummaryFirstRow, last), labels, dayList, "日期", "请从下拉列表中选择本期的某一天")
	sheet.protect()
	// 学员考勤
	head := append([]string{"序号", "姓名", "工作单位"}, labels...)
	widths := []float64{6, 12, 40}
	for range labels {
		widths = append(widths, 16)
	}
	sheet.start(program.SheetAttendance, c.Title()+" 学员考勤",
		"每位学员每天一格，从下拉列表中选择“出勤”“请假”或“缺勤”。学员姓名已按名单填好，请勿改动。模板标识 "+id, head, widths)
	sheet.names(as, true)
	if len(as) > 0 {
		lastRow := program.SummaryFirstRow + len(as) - 1
		sheet.inputs(4, program.SummaryFirstRow, 3+len(labels), lastRow, st.input)
		from, _ := excelize.CoordinatesToCellName(4, program.SummaryFirstRow)
		to, _ := excelize.CoordinatesToCellName(3+len(labels), lastRow)
		sheet.list(from+":"+to, program.AttendanceMarks, "", "出勤情况", "请选择“出勤”“请假”或“缺勤”")
	}
	sheet.protect()
	// 学员反馈汇总
	head = append(append([]string{"序号", "姓名"}, program.FeedbackItems...), program.FeedbackComment)
	widths = []float64{6, 12}
	for range program.FeedbackItems {
		widths = append(widths, 12)
	}
	widths = append(widths, 50)
	sheet.start(program.SheetFeedback, c.Title()+" 学员反馈汇总",
		fmt.Sprintf("按学员反馈问卷汇总，每项评分 %d–%d 分（5 分最好，可有一位小数）；未交问卷的学员整行留空。模板标识 %s", program.ScoreMin, program.ScoreMax, id), head, widths)
	sheet.names(as, false)
	if len(as) > 0 {
		lastRow := program.SummaryFirstRow + len(as) - 1
		nItems := len(program.FeedbackItems)
		sheet.inputs(3, program.SummaryFirstRow, 2+nItems, lastRow, st.input)
		sheet.inputs(3+nItems, program.SummaryFirstRow, 3+nItems, lastRow, st.inputWrap)
		from, _ := excelize.CoordinatesToCellName(3, program.SummaryFirstRow)
		to, _ := excelize.CoordinatesToCellName(2+nItems, lastRow)
		sheet.score(from + ":" + to)
	}
	sheet.protect()
	f.SetActiveSheet(0)
	return sheet.err
}

// sheetWriter writes the template's sheets, keeping the first error.
type sheetWriter struct {
	f    *excelize.File
	st   templateStyles
	name string
	cols int
	err  error
}

func (s *sheetWriter) check(err error) {
	if err != nil && s.err == nil {
		s.err = fmt.Errorf("sheet %s: %w", s.name, err)
	}
}

// start writes the title (row 1), the note (row 2) and the header (row 3)
// and freezes the panes below the header.
func (s *sheetWriter) start(name, title, note string, head []string, widths []float64) {
	s.name, s.cols = name, len(head)
	f := s.f
	end, _ := excelize.ColumnNumberToName(len(head))
	s.check(f.SetCellStr(name, "A1", title))
	s.check(f.MergeCell(name, "A1", end+"1"))
	s.check(f.SetCellStyle(name, "A1", end+"1", s.st.title))
	s.check(f.SetCellStr(name, "A2", note))
	s.check(f.MergeCell(name, "A2", end+"2"))
	s.check(f.SetCellStyle(name, "A2", end+"2", s.st.note))
	s.check(f.SetRowHeight(name, 1, 30))
	s.check(f.SetRowHeight(name, 2, 32))
	s.check(f.SetRowHeight(name, program.SummaryHeaderRow, 28))
	for j, h := range head {
		c, _ := excelize.CoordinatesToCellName(j+1, program.SummaryHeaderRow)
		s.check(f.SetCellStr(name, c, h))
		col, _ := excelize.ColumnNumberToName(j + 1)
		s.check(f.SetColWidth(name, col, col, widths[j]))
	}
	a, _ := excelize.CoordinatesToCellName(1, program.SummaryHeaderRow)
	b, _ := excelize.CoordinatesToCellName(len(head), program.SummaryHeaderRow)
	s.check(f.SetCellStyle(name, a, b, s.st.head))
	s.check(f.SetPanes(name, &excelize.Panes{Freeze: true, YSplit: program.SummaryHeaderRow, TopLeftCell: fmt.Sprintf("A%d", program.SummaryFirstRow), ActivePane: "bottomLeft"}))
	s.check(f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: intPtr(9), Orientation: strPtr("landscape"), FitToWidth: intPtr(1), FitToHeight: intPtr(0)}))
	// Without fitToPage, Excel and LibreOffice ignore the fit and print
	// the sheet at 100 %, its right columns on a second page.
	fit := true
	s.check(f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &fit}))
	s.check(f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$%d", name, program.SummaryHeaderRow), Scope: name}))
}

// names pre-fills 序号, 姓名 (and 工作单位) as locked labels.
func (s *sheetWriter) names(as []program.Applicant, unit bool) {
	for i, a := range as {
		r := program.SummaryFirstRow + i
		s.check(s.f.SetCellInt(s.name, fmt.Sprintf("A%d", r), int64(i+1)))
		s.check(s.f.SetCellStr(s.name, fmt.Sprintf("B%d", r), a.Name))
		if unit {
			s.check(s.f.SetCellStr(s.name, fmt.Sprintf("C%d", r), a.Employer))
		}
	}
	if len(as) > 0 {
		end := "B"
		if unit {
			end = "C"
		}
		s.check(s.f.SetCellStyle(s.name, fmt.Sprintf("A%d", program.SummaryFirstRow), fmt.Sprintf("%s%d", end, program.SummaryFirstRow+len(as)-1), s.st.label))
	}
}

// inputs unlocks the cells of the rectangle for the host unit to fill.
func (s *sheetWriter) inputs(c1, r1, c2, r2, style int) {
	a, _ := excelize.CoordinatesToCellName(c1, r1)
	b, _ := excelize.CoordinatesToCellName(c2, r2)
	s.check(s.f.SetCellStyle(s.name, a, b, style))
}

// list restricts sqref to a drop-down of values (or of the cells ref
// names when the inline list would exceed Excel's 255 characters).
func (s *sheetWriter) list(sqref string, values []string, ref, field, prompt string) {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	if len(strings.Join(values, ",")) <= 250 || ref == "" {
		s.check(dv.SetDropList(values))
	} else {
		dv.SetSqrefDropList(ref)
	}
	dv.SetError(excelize.DataValidationErrorStyleStop, field+"无效", prompt)
	dv.SetInput(field, prompt)
	s.check(s.f.AddDataValidation(s.name, dv))
}

// score restricts sqref to decimals from ScoreMin to ScoreMax.
func (s *sheetWriter) score(sqref string) {
	dv := excelize.NewDataValidation(true)
	dv.Sqref = sqref
	s.check(dv.SetRange(program.ScoreMin, program.ScoreMax, excelize.DataValidationTypeDecimal, excelize.DataValidationOperatorBetween))
	msg := fmt.Sprintf("评分应为 %d–%d 之间的数", program.ScoreMin, program.ScoreMax)
	dv.SetError(excelize.DataValidationErrorStyleStop, "评分无效", msg)
	dv.SetInput("评分", msg)
	s.check(s.f.AddDataValidation(s.name, dv))
}

// protect locks the sheet without a password: formats of rows and
// columns may change, the locked cells may not.
func (s *sheetWriter) protect() {
	s.check(s.f.ProtectSheet(s.name, &excelize.SheetProtectionOptions{
		SelectLockedCells: true, SelectUnlockedCells: true, FormatColumns: true, FormatRows: true,
	}))
}

func intPtr(i int) *int       { return &i }
func strPtr(s string) *string { return &s }
