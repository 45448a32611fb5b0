package program

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestCertificateNumbersStableAndUnique(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	as := Sample(p, 120, 5)
	byCohort := map[int][]Applicant{}
	for _, a := range as {
		byCohort[a.Cohort] = append(byCohort[a.Cohort], a)
	}
	seen := map[string]string{}
	for c, list := range byCohort {
		first := CertificateNumbers(2022, c, list, ByStrokes)
		// A second run over the same applicants in another input order.
		rev := append([]Applicant(nil), list...)
		for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		second := CertificateNumbers(2022, c, rev, ByStrokes)
		for id, n := range first {
			if second[id] != n {
				t.Errorf("cohort %d: %s numbered %s, then %s", c, id, n, second[id])
			}
			if other, dup := seen[n]; dup {
				t.Errorf("number %s given to %s and %s", n, other, id)
			}
			seen[n] = id
		}
	}
	if len(seen) != len(as) {
		t.Errorf("%d numbers for %d applicants", len(seen), len(as))
	}
}

func TestCertificateTokenResolves(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("0123456789abcdef0123456789abcdef")
	as := Sample(p, 60, 9)
	a := as[17]
	var cohort []Applicant
	for _, b := range as {
		if b.Cohort == a.Cohort {
			cohort = append(cohort, b)
		}
	}
	num := CertificateNumbers(2022, a.Cohort, cohort, ByStrokes)[a.ID]
	tok := CertificateToken(key, 2022, a.Cohort, num, &a)
	got, err := ResolveCertificate(key, 2022, as, ByStrokes, tok)
	if err != nil || got.Applicant.ID != a.ID || got.Number != num {
		t.Fatalf("ResolveCertificate = %+v, %v; want %s %s", got, err, a.Name, num)
	}
	if tok == CheckinToken(key, 2022, a.Cohort, &a) {
		t.Error("certificate token equals the check-in token")
	}
	if _, err := ResolveCertificate([]byte("another key, another deployment!"), 2022, as, ByStrokes, tok); !errors.Is(err, ErrTokenUnknown) {
		t.Errorf("other key: %v", err)
	}
	if _, err := ResolveCertificate(key, 2022, as, ByStrokes, tok[:len(tok)-1]+"Q"); !errors.Is(err, ErrTokenMalformed) && !errors.Is(err, ErrTokenUnknown) {
		t.Errorf("bad check: %v", err)
	}
}

func TestCertificateEligibility(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	as := Sample(p, 5, 2)
	att := &Attendance{Sessions: 10, Attended: map[string]int{as[0].ID: 10, as[1].ID: 8, as[2].ID: 7, as[3].ID: 0}}
	tests := []struct {
		name          string
		min           int
		att           *Attendance
		issue, reason string
		applied       bool
	}{
		{"threshold applied", 80, att, "0,1", "出勤不少于80%", true},
		{"no attendance yet", 80, nil, "0,1,2,3,4", "未核对出勤（尚无签到数据）", false},
		{"no requirement", 0, att, "0,1,2,3,4", "年度计划未规定出勤要求", false},
	}
	for _, tt := range tests {
		p.MinAttendance = tt.min
		e := p.CertificateEligibility(as, tt.att)
		var got []string
		for _, a := range e.Issue {
			for i := range as {
				if as[i].ID == a.ID {
					got = append(got, fmt.Sprint(i))
				}
			}
		}
		if strings.Join(got, ",") != tt.issue || e.Reason != tt.reason || e.Applied != tt.applied || len(e.Issue)+len(e.Withhold) != len(as) {
			t.Errorf("%s: issue %v withhold %d, %q applied %v", tt.name, got, len(e.Withhold), e.Reason, e.Applied)
		}
	}
	p.MinAttendance = 120
	if err := p.Validate(); err == nil || !strings.Contains(err.Error(), "min_attendance") {
		t.Errorf("min_attendance 120: %v", err)
	}
}
