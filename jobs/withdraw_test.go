package jobs

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"linghang/program"
	"linghang/storage/archive"
)

// TestNoLongerMadeIsWithdrawn: the documents of an applicant who leaves
// the roster are made 作废 by the job's next run, and only theirs; a run
// that could not make everything withdraws nothing; the applicant back
// on the roster has documents in force again.
func TestNoLongerMadeIsWithdrawn(t *testing.T) {
	if testing.Short() {
		t.Skip("renders documents")
	}
	pl, set, req := madeForCohort3(t, 6)
	ctx := context.Background()
	gone, blocked := set.Applicants[1], set.Applicants[4]
	form := func(a program.Applicant) archive.Entry {
		t.Helper()
		es, err := pl.Archive.Find(ctx, archive.Query{Year: 2022, Kind: archive.Form, Name: a.Name})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range es {
			if strings.Contains(e.Key, "/报名表-"+a.Name+"-") {
				return e
			}
		}
		t.Fatalf("no form of %s: %+v", a.Name, es)
		return archive.Entry{}
	}
	save := func(as []program.Applicant, tag string) {
		t.Helper()
		s := *set
		s.Applicants, s.SourceSHA256 = as, strings.Repeat(tag, 32)
		if _, _, err := SaveApplicants(ctx, pl.Archive, &s); err != nil {
			t.Fatal(err)
		}
	}

	// gone leaves the roster.
	rest := slices.Delete(slices.Clone(set.Applicants), 1, 2)
	save(rest, "c1")
	_, out, err := pl.Run(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Withdrawn) == 0 {
		t.Fatalf("nothing withdrawn after %s left: %+v", gone.Name, out)
	}
	t.Logf("withdrawn: %v", out.Withdrawn)
	for _, k := range out.Withdrawn {
		if !strings.Contains(k, gone.Name) {
			t.Errorf("withdrawn %s, not a document of %s", k, gone.Name)
		}
	}
	if e := form(gone); e.Withdrawn == "" || e.Version != 2 {
		t.Errorf("form of %s: version %d, withdrawn %q", gone.Name, e.Version, e.Withdrawn)
	}
	for _, a := range rest {
		if e := form(a); e.Withdrawn != "" {
			t.Errorf("form of %s withdrawn: %q", a.Name, e.Withdrawn)
		}
	}
	if _, again, err := pl.Run(ctx, req); err != nil || again.Status != StatusNothing || len(again.Withdrawn) > 0 {
		t.Errorf("the same roster again: %+v %v", again, err)
	}

	// blocked cannot be typeset now: the run fails for them and so
	// withdraws nothing of theirs.
	i := slices.IndexFunc(rest, func(a program.Applicant) bool { return a.ID == blocked.ID })
	rest[i].Name = "𠮷田"
	save(rest, "c2")
	_, out, err = pl.Run(ctx, req)
	var df *DocsFailed
	if !errors.As(err, &df) || len(out.Withdrawn) > 0 {
		t.Errorf("a run with a blocked applicant: withdrew %v (err %v)", out.Withdrawn, err)
	}
	if e := form(blocked); e.Withdrawn != "" {
		t.Errorf("form of blocked %s withdrawn: %q", blocked.Name, e.Withdrawn)
	}

	// Both back as they were: gone's form is in force again.
	save(set.Applicants, "c3")
	if _, _, err := pl.Run(ctx, req); err != nil {
		t.Fatal(err)
	}
	if e := form(gone); e.Withdrawn != "" || e.Version != 3 {
		t.Errorf("form of %s back on the roster: version %d, withdrawn %q", gone.Name, e.Version, e.Withdrawn)
	}
}

// TestManyWithdrawalsAreHeld: when more than 20 documents and a fifth of
// what the job made would be withdrawn at once (half a roster imported),
// the run withdraws none and says so; asked to (WithdrawMany), it does.
func TestManyWithdrawalsAreHeld(t *testing.T) {
	if testing.Short() {
		t.Skip("renders documents")
	}
	pl, set, req := madeForCohort3(t, 30)
	ctx := context.Background()
	half := *set
	half.Applicants, half.SourceSHA256 = slices.Clone(set.Applicants[:15]), strings.Repeat("d1", 32)
	if _, _, err := SaveApplicants(ctx, pl.Archive, &half); err != nil {
		t.Fatal(err)
	}
	rec, out, err := pl.Run(ctx, req)
	if err != nil || len(out.Withdrawn) != 0 || out.WithdrawHeld != 30 || rec.WithdrawHeld != 30 {
		t.Fatalf("half the roster gone: withdrawn %d, held %d (record %d), %v; want 0 and 30 (their forms and letters)",
			len(out.Withdrawn), out.WithdrawHeld, rec.WithdrawHeld, err)
	}
	req.WithdrawMany = true
	if _, out, err = pl.Run(ctx, req); err != nil || len(out.Withdrawn) != 30 || out.WithdrawHeld != 0 {
		t.Errorf("asked to withdraw: withdrawn %d, held %d, %v", len(out.Withdrawn), out.WithdrawHeld, err)
	}
}

// madeForCohort3 is a pipeline over n sample applicants, all in cohort 3,
// with registration-close run once for the cohort (req).
func madeForCohort3(t *testing.T, n int) (*Pipeline, *program.ApplicantSet, Request) {
	t.Helper()
	p0, _ := program.Default()
	set := sampleSet(t, p0, n)
	for i := range set.Applicants {
		set.Applicants[i].Cohort = 3
	}
	pl := testPipeline(t, fsStore(t), set)
	req := Request{Job: JobRegistrationClose, Cohorts: []int{3}}
	if _, _, err := pl.Run(context.Background(), req); err != nil {
		t.Fatal(err)
	}
	return pl, set, req
}
