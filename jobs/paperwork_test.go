package jobs

import (
	"strings"
	"testing"

	"linghang/program"
)

// TestCertificatesFollowAttendance: without attendance every applicant is
// planned a certificate and the bundle says the check was not applied;
// with it, those below the threshold get none.
func TestCertificatesFollowAttendance(t *testing.T) {
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	set := sampleSet(t, p, 25)
	cohort := set.Applicants[0].Cohort
	var mine []program.Applicant
	for _, a := range set.Applicants {
		if a.Cohort == cohort {
			mine = append(mine, a)
		}
	}
	if len(mine) < 2 {
		t.Fatalf("cohort %d has %d applicants", cohort, len(mine))
	}
	plan := func(att map[int]*program.Attendance) (titles []string, people []string) {
		in := &Inputs{Programme: p, Applicants: set.Applicants, Attendance: att, Version: "t"}
		ps, err := DefaultCatalogue().Plan(in, Selection{Job: JobSummaryTemplate, Cohorts: []int{cohort}})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range ps {
			switch {
			case d.Entry.Name == "certificates":
				titles = append(titles, d.Doc.Title)
			case d.Subject.Applicant != nil: // one certificate each
				people = append(people, d.Subject.Applicant.Name)
			}
		}
		return titles, people
	}
	titles, people := plan(nil)
	if len(titles) != 1 || !strings.Contains(titles[0], "未核对出勤") || len(people) != len(mine) {
		t.Errorf("without attendance: %v, %d certificates for %d applicants", titles, len(people), len(mine))
	}
	att := &program.Attendance{Sessions: 10, Attended: map[string]int{}}
	for i, a := range mine {
		att.Attended[a.ID] = 10
		if i == 0 {
			att.Attended[a.ID] = 5
		}
	}
	titles, people = plan(map[int]*program.Attendance{cohort: att})
	if len(titles) != 1 || !strings.Contains(titles[0], "出勤不少于80%") || len(people) != len(mine)-1 {
		t.Errorf("with attendance: %v, %d certificates for %d applicants", titles, len(people), len(mine))
	}
	for _, n := range people {
		if n == mine[0].Name {
			t.Errorf("%s attended 5 of 10 sessions and got a certificate", n)
		}
	}
}
