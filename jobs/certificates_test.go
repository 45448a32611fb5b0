package jobs

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"linghang/program"
	"linghang/storage/archive"
)

// TestCertificateNumbersOutliveRosterChanges: a certificate number, once
// archived, stays its holder's. A late applicant who sorts first gets the
// next number and moves nobody; one who leaves has their certificate
// withdrawn and their number given to nobody else. Should the register
// be lost, the cohort is numbered afresh, and the code on a certificate
// printed before still verifies from the archive, as superseded.
func TestCertificateNumbersOutliveRosterChanges(t *testing.T) {
	if testing.Short() {
		t.Skip("renders documents")
	}
	st := fsStore(t)
	p0, _ := program.Default()
	set := sampleSet(t, p0, 30)
	pl := testPipeline(t, st, set)
	key := []byte("0123456789abcdef0123456789abcdef")
	pl.Certify = func(year, cohort int, n string, a *program.Applicant) string {
		return program.CertificateToken(key, year, cohort, n, a)
	}
	pl.CertifyID = "test-key"
	ctx := context.Background()
	n := busiestCohort(set)
	run := func(as []program.Applicant, tag string) Outcome {
		t.Helper()
		s := *set
		s.Applicants, s.SourceSHA256 = as, strings.Repeat(tag, 32)
		if _, _, err := SaveApplicants(ctx, pl.Archive, &s); err != nil {
			t.Fatal(err)
		}
		_, out, err := pl.Run(ctx, Request{Job: JobSummaryTemplate, Cohorts: []int{n}})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	run(set.Applicants, "a0")
	mine := set.InCohort(n)
	nums := program.CertificateNumbers(2022, n, mine, pl.Order)
	sorted := slices.Clone(mine)
	pl.Order.Sort(sorted)
	who := sorted[1]
	oldTok := program.CertificateToken(key, 2022, n, nums[who.ID], &who)
	c, err := FindCertificate(ctx, pl.Archive, 2022, oldTok)
	if err != nil || c.Number != nums[who.ID] || c.Name != who.Name || c.Cohort != n || !c.Current {
		t.Fatalf("FindCertificate = %+v, %v; want %s %s current", c, err, who.Name, nums[who.ID])
	}

	// 丁一 joins the cohort late and sorts first (一 has one stroke).
	late := program.Sample(p0, 1, 99)[0]
	late.Name, late.Cohort = "丁一", n
	late.Photo, late.PhotoJPEG = mine[0].Photo, mine[0].PhotoJPEG
	withLate := append(slices.Clone(set.Applicants), late)
	out := run(withLate, "a1")
	for _, k := range out.Keys {
		if strings.Contains(k, "/结业证书/结业证书-") && !strings.Contains(k, "丁一") {
			t.Errorf("a late applicant re-made %s", k)
		}
	}
	lateNum := certNumber(t, pl.Archive, n, late.Name)
	if want := program.CertificateSequence(nums[sorted[len(sorted)-1].ID]) + 1; program.CertificateSequence(lateNum) != want {
		t.Errorf("丁一 got %s, want sequence %d", lateNum, want)
	}
	if got := certNumber(t, pl.Archive, n, who.Name); got != nums[who.ID] {
		t.Errorf("%s now has %s, was issued %s", who.Name, got, nums[who.ID])
	}
	if c, err := FindCertificate(ctx, pl.Archive, 2022, oldTok); err != nil || !c.Current {
		t.Errorf("the printed certificate after 丁一 joined: %+v, %v; want current", c, err)
	}

	// who leaves: withdrawn, and the next newcomer does not get the number.
	gone := slices.DeleteFunc(slices.Clone(withLate), func(a program.Applicant) bool { return a.ID == who.ID })
	late2 := program.Sample(p0, 1, 98)[0]
	late2.Name, late2.Cohort = "丁二", n
	late2.Photo, late2.PhotoJPEG = mine[0].Photo, mine[0].PhotoJPEG
	run(append(gone, late2), "a2")
	if c, err := FindCertificate(ctx, pl.Archive, 2022, oldTok); err != nil || c.Withdrawn == "" {
		t.Errorf("after %s left: %+v, %v; want withdrawn", who.Name, c, err)
	}
	if got := certNumber(t, pl.Archive, n, late2.Name); got == nums[who.ID] || program.CertificateSequence(got) != program.CertificateSequence(lateNum)+1 {
		t.Errorf("丁二 got %s (%s left with %s; 丁一 has %s)", got, who.Name, nums[who.ID], lateNum)
	}

	// A name corrected: the same number, the certificate under the old
	// name withdrawn, the code in force under the new one.
	renamed := sorted[3]
	renamedTok := program.CertificateToken(key, 2022, n, nums[renamed.ID], &renamed)
	fixed := slices.Clone(append(gone, late2))
	for i := range fixed {
		if fixed[i].ID == renamed.ID {
			fixed[i].Name += "改"
		}
	}
	run(fixed, "a3")
	if got := certNumber(t, pl.Archive, n, renamed.Name+"改"); got != nums[renamed.ID] {
		t.Errorf("%s renamed got %s, had %s", renamed.Name, got, nums[renamed.ID])
	}
	if c, err := FindCertificate(ctx, pl.Archive, 2022, renamedTok); err != nil || !c.Current || c.Withdrawn != "" || c.Name != renamed.Name+"改" {
		t.Errorf("code of the renamed holder = %+v, %v; want in force under the new name", c, err)
	}

	// The register lost: the cohort is numbered afresh in order, and the
	// certificates printed before verify from the archive as superseded.
	next := sorted[2]
	printed := program.CertificateToken(key, 2022, n, nums[next.ID], &next)
	if err := st.Delete(ctx, certRegisterKey(2022)); err != nil {
		t.Fatal(err)
	}
	if _, _, err := pl.Run(ctx, Request{Job: JobSummaryTemplate, Cohorts: []int{n}, Force: true}); err != nil {
		t.Fatal(err)
	}
	renumbered := certNumber(t, pl.Archive, n, next.Name)
	if renumbered == nums[next.ID] {
		t.Fatalf("fixture: %s keeps %s without the register", next.Name, renumbered)
	}
	c, err = FindCertificate(ctx, pl.Archive, 2022, printed)
	if err != nil || c.Number != nums[next.ID] || c.Current || c.CurrentNumber != renumbered {
		t.Errorf("printed certificate = %+v, %v; want %s superseded by %s", c, err, nums[next.ID], renumbered)
	}
	c, err = FindCertificate(ctx, pl.Archive, 2022, "https://example.cn/certificate?code="+program.CertificateToken(key, 2022, n, renumbered, &next))
	if err != nil || c.Number != renumbered || !c.Current {
		t.Errorf("new certificate by address = %+v, %v; want %s current", c, err, renumbered)
	}
	// A well-formed code no certificate carries, and a malformed one.
	if _, err := FindCertificate(ctx, pl.Archive, 2022, program.CheckinToken(key, 2022, n, &next)); !errors.Is(err, ErrCertificateNotArchived) {
		t.Errorf("badge token: %v", err)
	}
	if _, err := FindCertificate(ctx, pl.Archive, 2022, "not a code"); !errors.Is(err, program.ErrTokenMalformed) {
		t.Errorf("garbage: %v", err)
	}
}

// certNumber is the number on the current certificate of name in cohort
// n, read from the PDF and checked against the archive's 文件编号.
func certNumber(t *testing.T, a *archive.Archive, n int, name string) string {
	t.Helper()
	ctx := context.Background()
	es, err := a.Find(ctx, archive.Query{Year: 2022, Kind: archive.Certificate, Cohort: n, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if !strings.Contains(e.Key, "/结业证书/结业证书-"+name+"-") {
			continue
		}
		rc, _, err := a.Open(ctx, e.Key, 0)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if text := pdfText(t, body); e.DocNumber == "" || !strings.Contains(text, e.DocNumber) {
			t.Fatalf("%s: 文件编号 %q not on the certificate:\n%s", e.Key, e.DocNumber, text)
		}
		return e.DocNumber
	}
	t.Fatalf("no certificate of %s in cohort %d", name, n)
	return ""
}
