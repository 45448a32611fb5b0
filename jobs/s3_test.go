package jobs

import (
	"context"
	"io"
	"sync"
	"testing"

	"linghang/program"
	"linghang/storage/archive"
	"linghang/storage/s3/s3test"
)

// stopAfter is a copy sink that stops the S3 server after n documents.
type stopAfter struct {
	mu   sync.Mutex
	n    int
	stop func()
}

func (s *stopAfter) Add(context.Context, archive.Doc) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n--
	if s.n == 0 {
		s.stop()
	}
	return nil
}

// TestS3StopsMidRun stops versitygw while registration-close is
// archiving: the run is recorded failed after its retries, nothing made
// is lost (the spool holds it), and once the server is back a later run
// completes: every planned document present, the failed run's record
// written, archive verify clean.
func TestS3StopsMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a private S3 server")
	}
	v := s3test.StartVersitygw(t)
	st := v.Store(t)
	p0, _ := program.Default()
	pl := testPipeline(t, st, sampleSet(t, p0, 10))
	pl.Retries = 1
	ctx := context.Background()

	rec, _, err := pl.Run(ctx, Request{Job: JobRegistrationClose, Copy: &stopAfter{n: 5, stop: v.Stop}})
	if err == nil || rec.Status != StatusFailed || len(rec.Attempts) != 2 {
		t.Fatalf("run with the store stopped: err %v, record %+v", err, rec)
	}
	if pl.Ledger.Pending() == 0 {
		t.Error("the failed run's record should wait for the store")
	}

	v.Start(t)
	rec2, out, err := pl.Run(ctx, Request{Job: JobRegistrationClose})
	// Its batch flushes the spooled one first, so it may find nothing new.
	if err != nil || (rec2.Status != StatusSucceeded && rec2.Status != StatusNothing) {
		t.Fatalf("run after the store came back: %v %+v", err, rec2)
	}
	in, err := pl.Inputs(ctx, Selection{Job: JobRegistrationClose})
	if err != nil {
		t.Fatal(err)
	}
	plan, err := pl.Catalogue.Plan(in, Selection{Job: JobRegistrationClose})
	if err != nil {
		t.Fatal(err)
	}
	current := map[string]bool{}
	es, err := pl.Archive.Find(ctx, archive.Query{Year: 2022})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		current[e.Key] = true
	}
	for _, d := range plan {
		key, _ := archive.DocKey(d.Doc.Doc)
		if !current[key] {
			t.Errorf("%s missing after recovery", key)
		}
	}
	t.Logf("after recovery: %d planned, %d rendered, %d new, %d unchanged", out.Planned, out.Rendered, out.Stored, out.Unchanged)
	hist, err := pl.Ledger.History(ctx, JobRegistrationClose)
	if err != nil || len(hist) != 2 || hist[0].Status != StatusFailed || hist[1].Status != rec2.Status {
		t.Errorf("history after recovery = %+v (%v)", hist, err)
	}
	rep, err := pl.Archive.Verify(ctx, io.Discard)
	if err != nil || !rep.OK() {
		t.Errorf("verify after recovery: %v %+v", err, rep.Problems)
	}
}
