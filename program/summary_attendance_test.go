package program

import "testing"

func TestCohortAttendance(t *testing.T) {
	as := []Applicant{
		{ID: "A", Name: "张伟", Employer: "清华大学"},
		{ID: "B", Name: "张伟", Employer: "北京大学"},
		{ID: "C", Name: "李娜", Employer: "中山大学"},
		{ID: "D", Name: "王芳", Employer: "复旦大学"}, // not on the sheet
	}
	s := &Summary{Days: []string{"d1", "d2", "d3", "d4", "d5"}, Attendance: []AttendanceRow{
		{Name: "张伟", Unit: "北京大学", Marks: []string{Present, Present, Present, Present, Present}},
		{Name: "张伟", Unit: "清华大学", Marks: []string{Present, Leave, Absent, Present, Present}},
		{Name: "李娜", Marks: []string{Present, Present, Present, Present, Leave}},
	}}
	att := s.CohortAttendance(as)
	if att == nil || att.Sessions != 5 {
		t.Fatalf("attendance %+v, want 5 sessions", att)
	}
	for id, want := range map[string]int{"A": 3, "B": 5, "C": 4, "D": 0} {
		if got, ok := att.Attended[id]; !ok || got != want {
			t.Errorf("%s attended %d (known %v), want %d", id, got, ok, want)
		}
	}
	p := &Programme{MinAttendance: 80}
	e := p.CertificateEligibility(as, att)
	if !e.Applied || len(e.Issue) != 2 || e.Issue[0].ID != "B" || e.Issue[1].ID != "C" {
		t.Fatalf("eligibility %+v, want B and C only", e)
	}
	for _, s := range []*Summary{nil, {}, {Days: []string{"d1"}}, {Sections: []SectionText{{Heading: "一、基本情况", Text: "x"}}}} {
		if att := s.CohortAttendance(as); att != nil {
			t.Errorf("%+v: attendance %+v without an attendance sheet", s, att)
		}
	}
}
