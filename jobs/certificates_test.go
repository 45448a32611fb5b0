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

// TestIssuedCertificateVerifiesAfterRenumbering: a certificate keeps
// verifying once issued. A late applicant whose name sorts first shifts
// every number of the cohort; the code on the certificate printed before
// still finds it in the archive, as genuine and superseded by the new
// number, where recomputing from the roster no longer knows it.
func TestIssuedCertificateVerifiesAfterRenumbering(t *testing.T) {
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
	if _, _, err := pl.Run(ctx, Request{Job: JobSummaryTemplate, Cohorts: []int{n}}); err != nil {
		t.Fatal(err)
	}
	mine := set.InCohort(n)
	sorted := slices.Clone(mine)
	pl.Order.Sort(sorted)
	who := sorted[1]
	oldNum := program.CertificateNumbers(2022, n, mine, pl.Order)[who.ID]
	oldTok := program.CertificateToken(key, 2022, n, oldNum, &who)
	c, err := FindCertificate(ctx, pl.Archive, 2022, oldTok)
	if err != nil || c.Number != oldNum || c.Name != who.Name || c.Cohort != n || !c.Current {
		t.Fatalf("FindCertificate before = %+v, %v; want %s %s current", c, err, who.Name, oldNum)
	}

	// A late applicant of the same cohort, sorting first (一 has one stroke).
	late := program.Sample(p0, 1, 99)[0]
	late.Name, late.Cohort = "丁一", n
	late.Photo, late.PhotoJPEG = mine[0].Photo, mine[0].PhotoJPEG
	set2 := *set
	set2.Applicants = append(slices.Clone(set.Applicants), late)
	set2.SourceSHA256 = "cd" + set.SourceSHA256[2:]
	if _, _, err := SaveApplicants(ctx, pl.Archive, &set2); err != nil {
		t.Fatal(err)
	}
	if _, _, err := pl.Run(ctx, Request{Job: JobSummaryTemplate, Cohorts: []int{n}}); err != nil {
		t.Fatal(err)
	}
	mine2 := set2.InCohort(n)
	newNum := program.CertificateNumbers(2022, n, mine2, pl.Order)[who.ID]
	if newNum == oldNum {
		t.Fatalf("fixture: %s keeps number %s after 丁一 joined", who.Name, oldNum)
	}
	if _, err := program.ResolveCertificate(key, 2022, set2.Applicants, pl.Order, oldTok); err == nil {
		t.Fatal("fixture: the roster still resolves the old code")
	}
	c, err = FindCertificate(ctx, pl.Archive, 2022, oldTok)
	if err != nil || c.Number != oldNum || c.Name != who.Name || c.Current || c.CurrentNumber != newNum {
		t.Errorf("old certificate = %+v, %v; want %s %s superseded by %s", c, err, who.Name, oldNum, newNum)
	}
	newTok := program.CertificateToken(key, 2022, n, newNum, &who)
	c, err = FindCertificate(ctx, pl.Archive, 2022, "https://example.cn/certificate?code="+newTok)
	if err != nil || c.Number != newNum || !c.Current {
		t.Errorf("new certificate by address = %+v, %v; want %s current", c, err, newNum)
	}
	// A well-formed code no certificate carries, and a malformed one.
	badge := program.CheckinToken(key, 2022, n, &who)
	if _, err := FindCertificate(ctx, pl.Archive, 2022, badge); !errors.Is(err, ErrCertificateNotArchived) {
		t.Errorf("badge token: %v", err)
	}
	if _, err := FindCertificate(ctx, pl.Archive, 2022, "not a code"); !errors.Is(err, program.ErrTokenMalformed) {
		t.Errorf("garbage: %v", err)
	}
	// The certificate number is the document's 文件编号.
	es, err := pl.Archive.Find(ctx, archive.Query{Year: 2022, Kind: archive.Certificate, Cohort: n, Name: who.Name})
	if err != nil {
		t.Fatal(err)
	}
	numbered := false
	for _, e := range es {
		if e.DocNumber != newNum {
			continue
		}
		numbered = true
		// The person's own certificate is made again with the number
		// the combined file gives them (its input hash covers the
		// number: before, it stayed at the old one).
		rc, _, err := pl.Archive.Open(ctx, e.Key, 0)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		if text := pdfText(t, body); !strings.Contains(text, newNum) || strings.Contains(text, oldNum) {
			t.Errorf("%s: certificate text does not carry %s alone:\n%s", e.Key, newNum, text)
		}
	}
	if !numbered {
		t.Errorf("no current certificate of %s numbered %s: %+v", who.Name, newNum, es)
	}

	// who leaves the roster: their certificate is 作废, whichever code is
	// presented.
	set3 := set2
	set3.Applicants = slices.DeleteFunc(slices.Clone(set2.Applicants), func(a program.Applicant) bool { return a.ID == who.ID })
	set3.SourceSHA256 = "ef" + set.SourceSHA256[2:]
	if _, _, err := SaveApplicants(ctx, pl.Archive, &set3); err != nil {
		t.Fatal(err)
	}
	if _, _, err := pl.Run(ctx, Request{Job: JobSummaryTemplate, Cohorts: []int{n}}); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{oldTok, newTok} {
		if c, err := FindCertificate(ctx, pl.Archive, 2022, tok); err != nil || c.Withdrawn == "" {
			t.Errorf("after %s left, code %s = %+v, %v; want withdrawn", who.Name, tok, c, err)
		}
	}
}
