package program

import (
	"testing"
	"time"
)

func TestSummaryTemplateID(t *testing.T) {
	for _, tc := range []struct {
		s       string
		year, n int
		ok      bool
	}{
		{"LH-ZJ-2022-03", 2022, 3, true},
		{" LH-ZJ-2023-10 ", 2023, 10, true},
		{"LH-ZJ-2022-3", 0, 0, false},
		{"LH-ZJ-22-03", 0, 0, false},
		{"", 0, 0, false},
	} {
		y, n, ok := ParseSummaryTemplateID(tc.s)
		if y != tc.year || n != tc.n || ok != tc.ok {
			t.Errorf("ParseSummaryTemplateID(%q) = %d, %d, %v", tc.s, y, n, ok)
		}
	}
	if got := SummaryTemplateID(2022, 3); got != "LH-ZJ-2022-03" {
		t.Errorf("SummaryTemplateID = %q", got)
	}
}

func TestUnitType(t *testing.T) {
	for _, tc := range []struct{ employer, want string }{
		{"清华大学材料学院 院长、教授", UnitUniversity},
		{"中国科学院大学 教授", UnitUniversity},
		{"中国科学院物理研究所 研究员", UnitInstitute},
		{"中国科学院自动化研究所 研究员", UnitInstitute},
		{"国网能源研究院有限公司 高级工程师", UnitCompany},
		{"中国电子科技集团公司第五十八研究所 研究员", UnitInstitute},
		{"中国医学科学院北京协和医院 主任医师", UnitHospital},
		{"宁德时代新能源科技股份有限公司 总工程师", UnitCompany},
		{"中天科技集团 总工程师", UnitCompany},
		{"某市科协 主任", UnitOther},
	} {
		if got := UnitType(tc.employer); got != tc.want {
			t.Errorf("UnitType(%q) = %s, want %s", tc.employer, got, tc.want)
		}
	}
}

func TestCompositionTop(t *testing.T) {
	var as []Applicant
	for i, f := range []string{"A", "A", "A", "B", "B", "C", "D", "E"} {
		as = append(as, Applicant{Field: f, Gender: []string{"男", "女"}[i%2], ID: "11010519800101001X"})
	}
	ms := Composition(as, time.Date(2022, 5, 1, 0, 0, 0, 0, time.UTC), 3)
	var field Measure
	for _, m := range ms {
		if m.Title == MeasureField {
			field = m
		}
		if m.Total() != len(as) {
			t.Errorf("%s counts %d of %d", m.Title, m.Total(), len(as))
		}
	}
	want := []Count{{"A", 3}, {"B", 2}, {"其他", 3}}
	if len(field.Counts) != 3 || field.Counts[0] != want[0] || field.Counts[1] != want[1] || field.Counts[2] != want[2] {
		t.Errorf("研究领域 top 3 = %v, want %v", field.Counts, want)
	}
	if ms[2].Title != MeasureAge || ms[2].Counts[2] != (Count{"40–44岁", 8}) {
		t.Errorf("age bands %v", ms[2].Counts)
	}
}

func TestSummaryMergeAndRates(t *testing.T) {
	t1 := time.Date(2022, 6, 1, 1, 0, 0, 0, time.UTC)
	t2 := t1.Add(24 * time.Hour)
	narrative := &Summary{Year: 2022, Cohort: 1, Sections: []SectionText{{"一、基本情况", "甲"}},
		Sources: []SummarySource{{Part: PartNarrative, File: "a.docx", Received: t1}}}
	data := &Summary{Year: 2022, Cohort: 1, Days: []string{"d1", "d2"},
		Attendance: []AttendanceRow{{Name: "张三", Marks: []string{Present, Leave}}, {Name: "李四", Marks: []string{Present, Absent}}},
		Feedback:   []FeedbackRow{{"张三", []float64{5, 4, 0, 4}, ""}, {"李四", []float64{0, 0, 0, 0}, ""}},
		Sources:    []SummarySource{{Part: PartData, File: "b.xlsx", Received: t2}}}
	var s *Summary
	s = s.Merge(narrative)
	if !s.Submitted().IsZero() {
		t.Error("half a summary counts as submitted")
	}
	s = s.Merge(data)
	if s.Submitted() != t2 || len(s.Sources) != 2 {
		t.Errorf("submitted %v, sources %v", s.Submitted(), s.Sources)
	}
	again := &Summary{Year: 2022, Cohort: 1, Sections: []SectionText{{"一、基本情况", "乙"}},
		Sources: []SummarySource{{Part: PartNarrative, File: "c.docx", Received: t2.Add(time.Hour)}}}
	s = s.Merge(again)
	if s.Section("一、基本情况") != "乙" || len(s.Attendance) != 2 || len(s.Sources) != 2 || s.Sources[0].File != "c.docx" || s.Sources[1].File != "b.xlsx" {
		t.Errorf("after resubmission %+v", s)
	}
	if r, ok := s.AttendanceRate(); !ok || r != 0.5 {
		t.Errorf("attendance %v %v", r, ok)
	}
	sc := s.FeedbackScores()
	if sc[0].Mean != 5 || sc[0].Responses != 1 || sc[2].Responses != 0 || s.Respondents() != 1 {
		t.Errorf("scores %+v, respondents %d", sc, s.Respondents())
	}
}

func TestEvaluateRankAndDeadline(t *testing.T) {
	p := &Programme{Year: 2022, SummaryDays: 10, Cohorts: []Cohort{
		{Number: 1, End: NewDate(2022, 5, 27)}, {Number: 2, End: NewDate(2022, 6, 10)}, {Number: 3, End: NewDate(2022, 7, 1)},
	}}
	sum := func(n int, score float64, at time.Time) *Summary {
		return &Summary{Year: 2022, Cohort: n, Sections: []SectionText{{"一、基本情况", "x"}}, Days: []string{"d"},
			Attendance: []AttendanceRow{{Name: "a", Marks: []string{Present}}}, Feedback: []FeedbackRow{{"a", []float64{score, score, score, score}, ""}},
			Sources: []SummarySource{{Part: PartNarrative, Received: at}, {Part: PartData, Received: at}}}
	}
	// Cohort 1: on the last day, late evening Beijing time (still on time);
	// cohort 2: same score, one day late; cohort 3: nothing.
	es := Evaluate(p, nil, map[int]*Summary{
		1: sum(1, 4, time.Date(2022, 6, 6, 15, 0, 0, 0, time.UTC)),
		2: sum(2, 4, time.Date(2022, 6, 21, 1, 0, 0, 0, time.UTC)),
	})
	if !es[0].OnTime() || es[0].DaysLate != 0 || es[1].OnTime() || es[1].DaysLate != 1 {
		t.Errorf("deadlines: %+v / %+v", es[0], es[1])
	}
	if es[0].Rank != 1 || es[1].Rank != 2 || es[2].Rank != 0 {
		t.Errorf("ranks %d %d %d", es[0].Rank, es[1].Rank, es[2].Rank)
	}
	if d := p.SummaryDeadline(&p.Cohorts[0]); d != NewDate(2022, 6, 6).Time {
		t.Errorf("deadline %v", d)
	}
	p.SummaryDays = 0
	if d := p.SummaryDeadline(&p.Cohorts[0]); d != NewDate(2022, 6, 11).Time {
		t.Errorf("default deadline %v", d)
	}
}
