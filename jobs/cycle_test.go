package jobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"linghang/program"
	"linghang/render"
	"linghang/storage/archive"
)

// sampleSet is a small applicant set with photos, as intake leaves it.
func sampleSet(t *testing.T, p *program.Programme, n int) *program.ApplicantSet {
	t.Helper()
	as := program.Sample(p, n, 7)
	for i := range as {
		raw, err := program.PortraitJPEG(int64(i), 1)
		if err != nil {
			t.Fatal(err)
		}
		if as[i].PhotoJPEG, err = program.NormalizePhoto(raw); err != nil {
			t.Fatal(err)
		}
		as[i].Photo = program.PhotoName(as[i].PhotoJPEG)
	}
	return &program.ApplicantSet{Year: p.Year, Imported: time.Date(2022, 4, 20, 8, 0, 0, 0, time.UTC), Applicants: as}
}

type hashSink struct {
	mu  sync.Mutex
	sum map[string][32]byte
}

func (h *hashSink) Add(_ context.Context, d archive.Doc) error {
	key, err := archive.DocKey(d)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, dup := h.sum[key]; dup {
		return io.ErrUnexpectedEOF // two documents filed under one key
	}
	h.sum[key] = sha256.Sum256(d.Body)
	return nil
}

// TestCycleIsCompleteAndDeterministic renders every document of a cycle
// twice: each renders, no two share an archive key, and the same data
// gives the same bytes, so a re-run makes no new archive versions.
func TestCycleIsCompleteAndDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a whole cycle twice")
	}
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	set := sampleSet(t, p, 25)
	badges := func(w io.Writer, p *program.Programme, n int, as []program.Applicant) error {
		c, _ := p.Cohort(n)
		l, err := render.LoadLayout("a4-8")
		if err != nil {
			return err
		}
		l.Created = set.Imported
		return render.Badges(w, p, c, render.ApplicantBadges(as, bytes.Repeat([]byte{7}, 32), p.Year), l)
	}
	var runs [2]*hashSink
	for i := range runs {
		runs[i] = &hashSink{sum: map[string][32]byte{}}
		docs, err := CycleDocs(p, set, CycleOptions{Badges: badges})
		if err != nil {
			t.Fatal(err)
		}
		res, err := Generate(context.Background(), docs, runs[i], 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Failures {
			t.Errorf("%s: %v", f.Doc.Filename, f.Err)
		}
		if res.Done != len(docs) {
			t.Fatalf("run %d: %d of %d documents", i, res.Done, len(docs))
		}
	}
	kinds := map[string]int{}
	for key, sum := range runs[0].sum {
		if runs[1].sum[key] != sum {
			t.Errorf("%s differs between two runs on the same data", key)
		}
		kinds[strings.Split(key, "/")[len(strings.Split(key, "/"))-2]]++
	}
	// Every kind the cycle promises is there: per applicant forms, and per
	// cohort bound forms, badges, roster (XLSX + PDF) and sign-in sheets.
	cohorts := map[int]bool{}
	for _, a := range set.Applicants {
		cohorts[a.Cohort] = true
	}
	want := map[string]int{"通知": 2, "报名表": 1 + len(set.Applicants) + len(cohorts), "胸卡": len(cohorts),
		"名单": 1 + 2*len(cohorts), "签到表": len(cohorts)}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d documents of kind %s, want %d (all: %v)", kinds[k], k, n, kinds)
		}
	}
}
