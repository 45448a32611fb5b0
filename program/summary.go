package program

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"
)

// A host unit's summary (总结) of one cohort comes back in two files made
// from the templates linghang gives them: the narrative (DOCX, the
// sections of SummarySections) and the numbers (XLSX: 活动日程, 学员考勤,
// 学员反馈汇总). Both carry the template identifier SummaryTemplateID, so
// a file filled in for another cohort or year is refused.

// SummarySection is one numbered part of the narrative with the guidance
// the template prints under it; a section still holding only its
// guidance counts as empty.
type SummarySection struct {
	Number   string // 一、
	Title    string // 基本情况
	Guidance string
	Required bool
}

// Heading is the section's heading as the template prints it: 一、基本情况.
func (s SummarySection) Heading() string { return s.Number + s.Title }

// SummarySections are the sections of the narrative, in order.
var SummarySections = []SummarySection{
	{"一、", "基本情况", "（请在此填写：活动的时间、地点、承办和协办单位，学员的组成与到课情况，课程与活动的总体安排。）", true},
	{"二、", "主要做法与特色", "（请在此填写：课程设计、授课专家、现场教学与交流研讨的组织方式，本期的特色内容与做法。）", true},
	{"三、", "成效与经验", "（请在此填写：学员在国情认知、科学家精神、交流合作等方面的收获，可推广的经验。）", true},
	{"四、", "学员反馈", "（请在此填写：学员的总体评价与有代表性的意见，可引用学员心得体会。）", true},
	{"五、", "问题与建议", "（请在此填写：组织实施中遇到的问题，对今后活动的建议；没有可写“无”。）", false},
}

// SummaryRosterHeading closes the narrative: the roster appended to the
// template follows it and is not part of any section.
const SummaryRosterHeading = "附：学员名单"

// Sheets of the summary workbook and their columns.
const (
	SheetSchedule   = "活动日程"
	SheetAttendance = "学员考勤"
	SheetFeedback   = "学员反馈汇总"
	// SheetTemplateInfo is a very hidden sheet holding the identifier.
	SheetTemplateInfo = "模板信息"
)

// Header rows and first data rows of the summary workbook's sheets: a
// title in row 1, a note in row 2, the header in row 3.
const (
	SummaryHeaderRow = 3
	SummaryFirstRow  = 4
	// ScheduleRows is how many empty rows the 活动日程 sheet offers.
	ScheduleRows = 60
)

// ScheduleColumns are the columns of 活动日程.
var ScheduleColumns = []string{"日期", "时间", "活动内容", "主讲人/地点"}

// Attendance marks.
const (
	Present = "出勤"
	Leave   = "请假"
	Absent  = "缺勤"
)

// AttendanceMarks are the values a 学员考勤 cell may hold.
var AttendanceMarks = []string{Present, Leave, Absent}

// FeedbackItems are the scored items of 学员反馈汇总 (1–5 each), then a
// free-text column FeedbackComment.
var FeedbackItems = []string{"课程内容", "授课质量", "组织服务", "总体满意度"}

// FeedbackComment is the free-text column of 学员反馈汇总.
const FeedbackComment = "意见与建议"

// Feedback scores range from ScoreMin to ScoreMax.
const (
	ScoreMin = 1
	ScoreMax = 5
)

// SummaryTemplateID identifies the template of one cohort of one year:
// LH-ZJ-2022-03. Imports compare it with the cohort named on the command.
func SummaryTemplateID(year, cohort int) string {
	return fmt.Sprintf("LH-ZJ-%04d-%02d", year, cohort)
}

// ParseSummaryTemplateID reads year and cohort back from an identifier.
func ParseSummaryTemplateID(s string) (year, cohort int, ok bool) {
	s = strings.TrimSpace(s)
	if _, err := fmt.Sscanf(s, "LH-ZJ-%04d-%02d", &year, &cohort); err != nil || SummaryTemplateID(year, cohort) != s {
		return 0, 0, false
	}
	return year, cohort, true
}

// DayLabel is how the templates name a day of the cohort: 5月23日（星期一）.
func DayLabel(t time.Time) string {
	return fmt.Sprintf("%d月%d日（%s）", int(t.Month()), t.Day(), weekdayNames[t.Weekday()])
}

var weekdayNames = [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}

// Summary is what a host unit reported about one cohort: the narrative
// sections from the DOCX and the schedule, attendance and feedback from
// the XLSX, with the files they came from. Either part may be missing
// until it is submitted.
type Summary struct {
	Year   int `json:"year"`
	Cohort int `json:"cohort"`
	// Sections holds the text of each section of SummarySections, in
	// order, when the narrative was submitted.
	Sections []SectionText         `json:"sections,omitempty"`
	Schedule []SummaryScheduleItem `json:"schedule,omitempty"`
	// Days names the days of the attendance sheet (DayLabel), in order.
	Days       []string        `json:"days,omitempty"`
	Attendance []AttendanceRow `json:"attendance,omitempty"`
	Feedback   []FeedbackRow   `json:"feedback,omitempty"`
	// Sources are the files the current parts came from.
	Sources []SummarySource `json:"sources,omitempty"`
}

// SectionText is the text a host unit wrote in one section.
type SectionText struct {
	Heading string `json:"heading"` // 一、基本情况
	Text    string `json:"text"`    // paragraphs separated by "\n"
}

// SummaryScheduleItem is one row of the 活动日程 sheet a host unit returns.
type SummaryScheduleItem struct {
	Day      string `json:"day"`
	Time     string `json:"time,omitempty"`
	Activity string `json:"activity"`
	Speaker  string `json:"speaker,omitempty"`
}

// AttendanceRow is one participant's row of 学员考勤: a mark per day.
type AttendanceRow struct {
	Name  string   `json:"name"`
	Marks []string `json:"marks"`
	// Unit is the pre-filled 工作单位, which tells namesakes apart.
	Unit string `json:"unit,omitempty"`
}

// FeedbackRow is one participant's row of 学员反馈汇总; Scores follow
// FeedbackItems, 0 where the participant gave no feedback.
type FeedbackRow struct {
	Name    string    `json:"name"`
	Scores  []float64 `json:"scores"`
	Comment string    `json:"comment,omitempty"`
}

// Responded reports whether the row holds any score.
func (f FeedbackRow) Responded() bool {
	for _, s := range f.Scores {
		if s > 0 {
			return true
		}
	}
	return false
}

// Source parts.
const (
	PartNarrative = "narrative" // the DOCX
	PartData      = "data"      // the XLSX
)

// SummarySource is one file a summary part came from.
type SummarySource struct {
	Part     string    `json:"part"` // PartNarrative | PartData
	File     string    `json:"file"` // the name it was uploaded as
	SHA256   string    `json:"sha256"`
	Size     int64     `json:"size"`
	Received time.Time `json:"received"`
}

// HasNarrative reports whether the narrative was submitted.
func (s *Summary) HasNarrative() bool { return s != nil && len(s.Sections) > 0 }

// HasData reports whether the workbook was submitted.
func (s *Summary) HasData() bool { return s != nil && (len(s.Attendance) > 0 || len(s.Schedule) > 0) }

// Submitted is when the summary became complete: the later receipt of
// its two parts; zero while a part is missing.
func (s *Summary) Submitted() time.Time {
	if !s.HasNarrative() || !s.HasData() {
		return time.Time{}
	}
	var n, d time.Time
	for _, src := range s.Sources {
		switch src.Part {
		case PartNarrative:
			if src.Received.After(n) {
				n = src.Received
			}
		case PartData:
			if src.Received.After(d) {
				d = src.Received
			}
		}
	}
	if n.After(d) {
		return n
	}
	return d
}

// Section returns the text of the section with the heading h.
func (s *Summary) Section(h string) string {
	if s == nil {
		return ""
	}
	for _, t := range s.Sections {
		if t.Heading == h {
			return t.Text
		}
	}
	return ""
}

// Merge returns s with the parts that next holds replaced by next's: a
// host unit may submit the narrative and the numbers separately, and
// submitting a part again replaces it.
func (s *Summary) Merge(next *Summary) *Summary {
	out := &Summary{Year: next.Year, Cohort: next.Cohort}
	if s != nil {
		*out = *s
		out.Sources = nil
	}
	keep := map[string]bool{PartNarrative: true, PartData: true}
	if next.HasNarrative() {
		out.Sections = next.Sections
		keep[PartNarrative] = false
	}
	if next.HasData() {
		out.Schedule, out.Days, out.Attendance, out.Feedback = next.Schedule, next.Days, next.Attendance, next.Feedback
		keep[PartData] = false
	}
	if s != nil {
		for _, src := range s.Sources {
			if keep[src.Part] {
				out.Sources = append(out.Sources, src)
			}
		}
	}
	out.Sources = append(out.Sources, next.Sources...)
	// Narrative first, then data: the order of the files does not matter.
	sort.SliceStable(out.Sources, func(i, j int) bool {
		return out.Sources[i].Part == PartNarrative && out.Sources[j].Part != PartNarrative
	})
	return out
}

// Encode writes s as indented JSON.
func (s *Summary) Encode(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(s)
}

// DecodeSummary reads a summary written by Encode.
func DecodeSummary(r io.Reader) (*Summary, error) {
	var s Summary
	if err := json.NewDecoder(r).Decode(&s); err != nil {
		return nil, fmt.Errorf("总结数据无法解析：%w", err)
	}
	return &s, nil
}

// DayAttendance counts the marks of one day.
type DayAttendance struct {
	Day                    string
	Present, Leave, Absent int
}

// Rate is the share present, 0–1.
func (d DayAttendance) Rate() float64 {
	n := d.Present + d.Leave + d.Absent
	if n == 0 {
		return 0
	}
	return float64(d.Present) / float64(n)
}

// AttendanceByDay counts the marks day by day.
func (s *Summary) AttendanceByDay() []DayAttendance {
	if s == nil {
		return nil
	}
	out := make([]DayAttendance, len(s.Days))
	for i, d := range s.Days {
		out[i].Day = d
	}
	for _, r := range s.Attendance {
		for i, m := range r.Marks {
			if i >= len(out) {
				break
			}
			switch m {
			case Present:
				out[i].Present++
			case Leave:
				out[i].Leave++
			case Absent:
				out[i].Absent++
			}
		}
	}
	return out
}

// AttendanceRate is the share of participant-days present, 0–1; ok is
// false without attendance data.
func (s *Summary) AttendanceRate() (rate float64, ok bool) {
	var p, n int
	for _, d := range s.AttendanceByDay() {
		p += d.Present
		n += d.Present + d.Leave + d.Absent
	}
	if n == 0 {
		return 0, false
	}
	return float64(p) / float64(n), true
}

// ItemScore is the mean score of one feedback item.
type ItemScore struct {
	Item      string
	Mean      float64 // 0 when nobody scored it
	Responses int
}

// FeedbackScores averages each item over the participants who scored it.
func (s *Summary) FeedbackScores() []ItemScore {
	out := make([]ItemScore, len(FeedbackItems))
	sums := make([]float64, len(FeedbackItems))
	for i, it := range FeedbackItems {
		out[i].Item = it
	}
	if s == nil {
		return out
	}
	for _, r := range s.Feedback {
		for i, v := range r.Scores {
			if i < len(out) && v > 0 {
				sums[i] += v
				out[i].Responses++
			}
		}
	}
	for i := range out {
		if out[i].Responses > 0 {
			out[i].Mean = math.Round(sums[i]/float64(out[i].Responses)*100) / 100
		}
	}
	return out
}

// Respondents counts the participants who gave any score.
func (s *Summary) Respondents() int {
	if s == nil {
		return 0
	}
	n := 0
	for _, r := range s.Feedback {
		if r.Responded() {
			n++
		}
	}
	return n
}

// SummaryError is one problem with a submitted summary file: the file,
// and where in it (a section of the DOCX, or a sheet, cell and field of
// the XLSX), with the reason in Chinese.
type SummaryError struct {
	File    string
	Section string // DOCX: 三、成效与经验
	Sheet   string // XLSX: 学员考勤
	Cell    string // D5
	Row     int
	Field   string // column header: 2022年5月24日 / 总体满意度
	Value   string
	Reason  string
}

func (e *SummaryError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Section != "" {
		fmt.Fprintf(&b, " 第“%s”部分", e.Section)
	}
	if e.Sheet != "" {
		fmt.Fprintf(&b, " 工作表「%s」", e.Sheet)
	}
	if e.Row > 0 {
		if e.Sheet == "" {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "第%d行", e.Row)
	}
	if e.Cell != "" {
		if e.Row > 0 || e.Sheet == "" {
			b.WriteString(" ")
		}
		fmt.Fprintf(&b, "%s单元格", e.Cell)
	}
	if e.Field != "" {
		fmt.Fprintf(&b, "「%s」", e.Field)
	}
	if e.Value != "" {
		fmt.Fprintf(&b, "（值：%s）", clipRunes(e.Value, 30))
	}
	b.WriteString("：")
	b.WriteString(e.Reason)
	return b.String()
}

func clipRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// SummaryErrors collects every problem of one import; it is the error
// returned when any file is not acceptable.
type SummaryErrors []*SummaryError

func (l SummaryErrors) Error() string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = e.Error()
	}
	return fmt.Sprintf("总结材料有 %d 处问题：\n%s", len(l), strings.Join(parts, "\n"))
}
