package jobs

import (
	"maps"
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

// TestVerifyAddressRehashesTokenDocuments: publishing the verification
// page's address (Inputs.CertifyID) changes the input hash of exactly the
// documents that carry a token (certificates, badges), so a run re-makes
// those and no other.
func TestVerifyAddressRehashesTokenDocuments(t *testing.T) {
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	set := sampleSet(t, p, 12)
	hashes := func(certifyID string) map[string]string {
		in := &Inputs{Programme: p, Applicants: set.Applicants, Version: "t", KeyID: "k", CertifyID: certifyID}
		ps, err := DefaultCatalogue().Plan(in, Selection{})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for i := range ps {
			k, err := ps[i].Key()
			if err != nil {
				t.Fatal(err)
			}
			out[k] = ps[i].Entry.Name + " " + ps[i].InputSHA
		}
		return out
	}
	before, after := hashes(""), hashes("https://linghang.example.cn/certificate")
	if again := hashes(""); !maps.Equal(again, before) {
		t.Fatal("the same inputs hash differently")
	}
	changed := map[string]int{}
	for k, v := range before {
		if after[k] != v {
			changed[strings.Fields(v)[0]]++
		}
	}
	for _, e := range DefaultCatalogue() {
		token := e.needs(InCheckinKey)
		if n := changed[e.Name]; token != (n > 0) {
			t.Errorf("%s (needs the check-in key: %v): %d documents rehashed", e.Name, token, n)
		}
	}
	if changed["certificate"] == 0 || changed["certificates"] == 0 || changed["badges"] == 0 {
		t.Errorf("no certificate or badge rehashed: %v", changed)
	}
}
