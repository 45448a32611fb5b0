package program

import (
	"errors"
	"fmt"
	"maps"
	"slices"
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
	key := []byte("0123456789abcdef0123456789abcdef")
	as, a, num, tok := sampleCertificate(t, key, 60, 9, 17)
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

// TestCertificateURL: a verification address carries the token as its
// code, keeps a query of its own, and resolves like the token itself.
func TestCertificateURL(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	as, a, num, tok := sampleCertificate(t, key, 20, 3, 5)
	for _, tt := range []struct{ base, want string }{
		{"https://linghang.example.cn/certificate", "https://linghang.example.cn/certificate?code=" + tok},
		{"http://10.0.0.7:8080/certificate", "http://10.0.0.7:8080/certificate?code=" + tok},
		{"https://example.cn/lh/certificate?lang=zh", "https://example.cn/lh/certificate?code=" + tok + "&lang=zh"},
		{" https://example.cn/certificate ", "https://example.cn/certificate?code=" + tok},
	} {
		base, err := ParseVerifyURL(tt.base)
		if err != nil {
			t.Errorf("ParseVerifyURL(%q): %v", tt.base, err)
			continue
		}
		u := CertificateURL(base, tok)
		if u != tt.want {
			t.Errorf("CertificateURL(%q) = %q, want %q", tt.base, u, tt.want)
		}
		if got := CertificateCode(u); got != tok {
			t.Errorf("CertificateCode(%q) = %q, want %q", u, got, tok)
		}
		got, err := ResolveCertificate(key, 2022, as, ByStrokes, u)
		if err != nil || got.Applicant.ID != a.ID || got.Number != num {
			t.Errorf("ResolveCertificate(%q) = %+v, %v; want %s %s", u, got, err, a.Name, num)
		}
	}
	for _, bad := range []string{"", "linghang.example.cn/certificate", "ftp://example.cn/c", "https:///certificate", "https://example.cn/c#top", "://"} {
		if _, err := ParseVerifyURL(bad); err == nil || !strings.Contains(err.Error(), "核验网址") {
			t.Errorf("ParseVerifyURL(%q) = %v, want an error naming 核验网址", bad, err)
		}
	}
	// A URL without a code, or no URL at all, is passed on as it is.
	for _, s := range []string{tok, "https://example.cn/certificate", "LH 7K3Q-ZP4M"} {
		if got := CertificateCode(s); got != strings.TrimSpace(s) {
			t.Errorf("CertificateCode(%q) = %q", s, got)
		}
	}
}

// TestCertificateNumbersKept: numbers already issued stay; newcomers get
// the next ones in order; a number is never given twice, even when its
// holder has left; nothing kept is CertificateNumbers.
func TestCertificateNumbersKept(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	as := Sample(p, 12, 4)
	for i := range as {
		as[i].Cohort = 3
	}
	plain := CertificateNumbers(2022, 3, as, ByStrokes)
	nums := CertificateNumbersKept(2022, 3, as, ByStrokes, nil, 0)
	if !maps.Equal(nums, plain) {
		t.Errorf("nothing kept: %v, want %v", nums, plain)
	}
	// Issued: the first eight. One leaves; two join, one of whom sorts first.
	kept := map[string]int{}
	for _, a := range as[:8] {
		kept[a.ID] = CertificateSequence(nums[a.ID])
	}
	left := as[2]
	late := Sample(p, 2, 99)
	late[0].Name = "丁一"
	now := append(slices.Delete(slices.Clone(as[:8]), 2, 3), late...)
	for i := range now {
		now[i].Cohort = 3
	}
	delete(kept, left.ID) // the register still counts their number as issued
	got := CertificateNumbersKept(2022, 3, now, ByStrokes, kept, 8)
	seen := map[string]bool{}
	for _, a := range now {
		n := got[a.ID]
		if seen[n] {
			t.Errorf("number %s given twice", n)
		}
		seen[n] = true
		if k, ok := kept[a.ID]; ok && CertificateSequence(n) != k {
			t.Errorf("%s had %d, now %s", a.Name, k, n)
		}
	}
	for _, a := range late {
		if s := CertificateSequence(got[a.ID]); s <= 8 {
			t.Errorf("late %s got %s, which was issued before", a.Name, got[a.ID])
		}
	}
	if seen[plain[left.ID]] {
		t.Errorf("the number of %s, who left, was given again", left.Name)
	}
	for _, tt := range []struct {
		in   string
		want int
	}{{"2022-01-007", 7}, {"2022-10-1203", 1203}, {"", 0}, {"x", 0}, {"2022-01-", 0}} {
		if got := CertificateSequence(tt.in); got != tt.want {
			t.Errorf("CertificateSequence(%q) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// sampleCertificate is n sample applicants (seed), the i-th of them, and
// the number and token of their certificate among their cohort.
func sampleCertificate(t *testing.T, key []byte, n int, seed int64, i int) (as []Applicant, a Applicant, num, tok string) {
	t.Helper()
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	as = Sample(p, n, seed)
	a = as[i]
	var cohort []Applicant
	for _, b := range as {
		if b.Cohort == a.Cohort {
			cohort = append(cohort, b)
		}
	}
	num = CertificateNumbers(2022, a.Cohort, cohort, ByStrokes)[a.ID]
	return as, a, num, CertificateToken(key, 2022, a.Cohort, num, &a)
}
