package jobs

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"linghang/program"
	"linghang/storage"
	"linghang/storage/fs"
)

// countingRunner is a fake Runner: it counts runs by occurrence and
// records each in the ledger as the pipeline does.
type countingRunner struct {
	mu     sync.Mutex
	runs   map[string]int
	reqs   []Request
	ledger *Ledger
	clock  func() time.Time
	panics string // job whose run panics
}

func (c *countingRunner) Run(ctx context.Context, req Request) (Record, Outcome, error) {
	if req.Job == c.panics {
		panic("renderer bug")
	}
	c.mu.Lock()
	if c.runs == nil {
		c.runs = map[string]int{}
	}
	c.runs[req.Occurrence]++
	c.reqs = append(c.reqs, req)
	c.mu.Unlock()
	now := c.clock()
	rec := Record{ID: NewRunID(now), Job: req.Job, Occurrence: req.Occurrence, Start: now, End: now, Status: StatusSucceeded,
		Attempts: []Attempt{{RunID: NewRunID(now), Start: now, End: now}}}
	return rec, Outcome{Status: StatusSucceeded}, c.ledger.Save(ctx, rec)
}

func (c *countingRunner) count(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.runs[id]
}

func fsStore(t *testing.T) storage.Store {
	t.Helper()
	st, err := fs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// manualClock is an injected clock the test moves.
type manualClock struct {
	mu sync.Mutex
	t  time.Time
}

func (m *manualClock) Now() time.Time { m.mu.Lock(); defer m.mu.Unlock(); return m.t }
func (m *manualClock) Set(t time.Time) {
	m.mu.Lock()
	m.t = t
	m.mu.Unlock()
}

func newTestScheduler(t *testing.T, st storage.Store, p *program.Programme, clock *manualClock, holder string) (*Scheduler, *countingRunner) {
	t.Helper()
	s, err := DefaultSchedule()
	if err != nil {
		t.Fatal(err)
	}
	l := NewLedger(st, clock.Now)
	r := &countingRunner{ledger: l, clock: clock.Now}
	return &Scheduler{Schedule: s, Programme: p, Ledger: l, Runner: r, Clock: clock.Now, Holder: holder}, r
}

// TestTriggersFireAcross2022 drives a clock through 2022 the way Run
// does, from each occurrence to the next one Next reports: every dated
// trigger fires once, exactly at its time; the nightly refresh runs only
// while some registration is open, for exactly the open cohorts.
func TestTriggersFireAcross2022(t *testing.T) {
	p := firm(t)
	clock := &manualClock{}
	sch, run := newTestScheduler(t, fsStore(t), p, clock, "a")
	dated, err := sch.Schedule.Dated(p)
	if err != nil {
		t.Fatal(err)
	}
	firedAt := map[string]time.Time{}
	ctx := context.Background()
	ticks := 0
	for now := shanghai(t, "2022-01-01 00:00"); now.Year() == 2022; ticks++ {
		o, ok := sch.Next(now)
		if !ok {
			break
		}
		now = o.At
		clock.Set(now)
		recs, err := sch.Tick(ctx, now)
		if err != nil {
			t.Fatalf("tick at %v: %v", now, err)
		}
		for _, r := range recs {
			if _, dup := firedAt[r.Occurrence]; dup {
				t.Fatalf("%s fired twice", r.Occurrence)
			}
			firedAt[r.Occurrence] = now
		}
	}
	t.Logf("%d ticks", ticks)
	for _, o := range dated {
		got, ok := firedAt[o.ID()]
		if !ok {
			t.Errorf("%s never fired", o.ID())
			continue
		}
		if !got.Equal(o.At) {
			t.Errorf("%s fired at %v, due %v", o.ID(), got, o.At)
		}
		if run.count(o.ID()) != 1 {
			t.Errorf("%s ran %d times", o.ID(), run.count(o.ID()))
		}
	}
	// Nightly: one run per night from 第1期's registration (04-23) until
	// the last registration closes (第10期: 09-06), never with a closed cohort.
	nights := 0
	for _, req := range run.reqs {
		if req.Job != JobNightly {
			continue
		}
		nights++
		if len(req.Cohorts) == 0 {
			t.Errorf("nightly run %s with no open cohort", req.Occurrence)
		}
		for _, c := range req.Cohorts {
			co, _ := p.Cohort(c)
			if req.Scheduled.Before(shanghai(t, co.Start.AddDate(0, 0, -30).Format("2006-01-02")+" 09:00")) ||
				!req.Scheduled.Before(shanghai(t, co.Start.AddDate(0, 0, -7).Format("2006-01-02")+" 09:00")) {
				t.Errorf("nightly %s refreshed cohort %d outside its registration", req.Occurrence, c)
			}
		}
	}
	if nights < 100 || nights > 140 {
		t.Errorf("%d nightly runs; registration spans 04-24…09-06", nights)
	}
	hist, err := sch.Ledger.History(ctx, "")
	if err != nil || len(hist) != len(run.reqs) {
		t.Errorf("ledger holds %d records for %d runs (%v)", len(hist), len(run.reqs), err)
	}
}

// TestCatchUpAfterDowntime: the scheduler is down from 5 May to 1 July;
// at restart every dated trigger that fell in the gap runs once, the
// nightly refresh runs only its latest missed night, and another tick
// runs nothing more. A new scheduler (a restart) over the same store
// does not run them again.
func TestCatchUpAfterDowntime(t *testing.T) {
	p := firm(t)
	st := fsStore(t)
	clock := &manualClock{}
	sch, _ := newTestScheduler(t, st, p, clock, "a")
	ctx := context.Background()
	before := shanghai(t, "2022-05-05 10:00")
	clock.Set(before)
	if _, err := sch.Tick(ctx, before); err != nil {
		t.Fatal(err)
	}
	// Down until 1 July; a fresh process starts.
	restart := shanghai(t, "2022-07-01 10:00")
	clock.Set(restart)
	sch2, run2 := newTestScheduler(t, st, p, clock, "b")
	recs, err := sch2.Tick(ctx, restart)
	if err != nil {
		t.Fatal(err)
	}
	dated, _ := sch.Schedule.Dated(p)
	want := map[string]bool{}
	for _, o := range dated {
		if o.At.After(before) && !o.At.After(restart) {
			want[o.ID()] = true
		}
	}
	periodic := map[string]string{}
	for _, r := range recs {
		if r.Job == JobNightly || r.Job == JobVerify {
			if prev, dup := periodic[r.Job]; dup {
				t.Errorf("%s caught up twice: %s and %s", r.Job, prev, r.Occurrence)
			}
			periodic[r.Job] = r.Occurrence
			continue
		}
		if !want[r.Occurrence] {
			t.Errorf("ran %s, which was not in the gap", r.Occurrence)
		}
		delete(want, r.Occurrence)
	}
	if len(want) > 0 {
		t.Errorf("missed in catch-up: %v", want)
	}
	// Only the latest missed occurrence of each periodic rule.
	if periodic[JobNightly] != "nightly-20220701T0200" || periodic[JobVerify] != "verify-20220627T0300" {
		t.Errorf("periodic catch-up = %v, want nightly 07-01 02:00 and verify 06-27 03:00 (a Monday)", periodic)
	}
	later := restart.Add(time.Minute)
	clock.Set(later)
	if recs, _ := sch2.Tick(ctx, later); len(recs) != 0 {
		t.Errorf("second tick ran %d more", len(recs))
	}
	sch3, run3 := newTestScheduler(t, st, p, clock, "c")
	if recs, _ := sch3.Tick(ctx, later); len(recs) != 0 {
		t.Errorf("restarted scheduler reran %d occurrences", len(recs))
	}
	_ = run2
	_ = run3
}

// TestReplicasRunEachOccurrenceOnce: two schedulers share one store and
// tick concurrently over 100 due occurrences (10 per-cohort rules × 10
// cohorts): every occurrence runs exactly once between them.
func TestReplicasRunEachOccurrenceOnce(t *testing.T) {
	p := firm(t)
	var b strings.Builder
	b.WriteString("jobs:\n")
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&b, "  - name: j%d\n    at: start - %dd 09:00\n", i, i+1)
	}
	s, err := ParseSchedule(strings.NewReader(b.String()), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	st := fsStore(t)
	clock := &manualClock{t: shanghai(t, "2022-12-31 12:00")}
	var runners []*countingRunner
	var schs []*Scheduler
	for _, h := range []string{"replica-1", "replica-2"} {
		l := NewLedger(st, clock.Now)
		r := &countingRunner{ledger: l, clock: clock.Now}
		runners = append(runners, r)
		schs = append(schs, &Scheduler{Schedule: s, Programme: p, Ledger: l, Runner: r, Clock: clock.Now, Holder: h})
	}
	var wg sync.WaitGroup
	for _, sch := range schs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 3; k++ {
				if _, err := sch.Tick(context.Background(), clock.Now()); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	dated, _ := s.Dated(p)
	if len(dated) != 100 {
		t.Fatalf("%d occurrences, want 100", len(dated))
	}
	split := [2]int{}
	for _, o := range dated {
		n := 0
		for i, r := range runners {
			n += r.count(o.ID())
			split[i] += r.count(o.ID())
		}
		if n != 1 {
			t.Errorf("%s ran %d times", o.ID(), n)
		}
	}
	t.Logf("replica 1 ran %d, replica 2 ran %d", split[0], split[1])
}

// TestExpiredLeaseIsTakenOver: a replica that took an occurrence and died
// blocks it only until its lease expires.
func TestExpiredLeaseIsTakenOver(t *testing.T) {
	p := firm(t)
	st := fsStore(t)
	clock := &manualClock{t: shanghai(t, "2022-04-23 09:30")}
	l := NewLedger(st, clock.Now)
	occ := Occurrence{Job: JobRegistrationOpen, Cohort: 1, At: shanghai(t, "2022-04-23 09:00")}
	if _, err := l.acquire(context.Background(), leaseKey(p.Year, occ.ID()), "x", "dead-replica", "", 15*time.Minute); err != nil {
		t.Fatal(err)
	}
	sch, run := newTestScheduler(t, st, p, clock, "alive")
	if _, err := sch.Tick(context.Background(), clock.Now()); err != nil {
		t.Fatal(err)
	}
	if run.count(occ.ID()) != 0 {
		t.Fatal("ran an occurrence under another replica's live lease")
	}
	clock.Set(clock.Now().Add(16 * time.Minute))
	if _, err := sch.Tick(context.Background(), clock.Now()); err != nil {
		t.Fatal(err)
	}
	if run.count(occ.ID()) != 1 {
		t.Fatalf("expired lease not taken over: ran %d times", run.count(occ.ID()))
	}
}

// TestPanickingJobDoesNotStopScheduler: a job that panics is recorded as
// failed; the other due jobs still run, and the scheduler goes on.
func TestPanickingJobDoesNotStopScheduler(t *testing.T) {
	p := firm(t)
	clock := &manualClock{t: shanghai(t, "2022-05-01 10:00")}
	sch, run := newTestScheduler(t, fsStore(t), p, clock, "a")
	run.panics = JobRegistrationOpen
	recs, err := sch.Tick(context.Background(), clock.Now())
	if err == nil || !strings.Contains(err.Error(), "内部错误") {
		t.Fatalf("tick error = %v, want the panic reported", err)
	}
	failed := 0
	for _, r := range recs {
		if r.Job == JobRegistrationOpen && r.Status == StatusFailed {
			failed++
		}
	}
	if failed != 1 { // only 第1期's registration has opened by 05-01
		t.Errorf("%d failed registration-open records, want 1: %+v", failed, recs)
	}
	if run.count("nightly-20220501T0200") != 1 {
		t.Error("the nightly refresh did not run after the panic")
	}
	hist, err := sch.Ledger.History(context.Background(), JobRegistrationOpen)
	if err != nil || len(hist) != 1 || hist[0].Status != StatusFailed || !strings.Contains(hist[0].Err, "renderer bug") {
		t.Errorf("history = %+v, %v", hist, err)
	}
	// The failed occurrence is retried later, once the panic is fixed.
	run.panics = ""
	clock.Set(clock.Now().Add(sch.RetryAfter + time.Minute))
	if _, err := sch.Tick(context.Background(), clock.Now()); err != nil {
		t.Fatal(err)
	}
	if run.count("registration-open-c01-20220423T0900") != 1 {
		t.Error("failed occurrence not retried after RetryAfter")
	}
}

// TestRunWaitsWithInjectedClock: Run ticks, then waits (injected) until
// the next occurrence; cancelling stops it.
func TestRunWaitsWithInjectedClock(t *testing.T) {
	p := firm(t)
	clock := &manualClock{t: shanghai(t, "2022-04-23 08:00")}
	sch, run := newTestScheduler(t, fsStore(t), p, clock, "a")
	ctx, cancel := context.WithCancel(context.Background())
	var waits []time.Duration
	sch.Wait = func(_ context.Context, d time.Duration) {
		waits = append(waits, d)
		clock.Set(clock.Now().Add(d))
		if len(waits) == 90 {
			cancel()
		}
	}
	if err := sch.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if run.count("registration-open-c01-20220423T0900") != 1 {
		t.Errorf("registration-open of 第1期 did not run (waits %v)", waits[:5])
	}
	if st := sch.Status(); st.LastErr != "" || st.Next.IsZero() {
		t.Errorf("status = %+v", st)
	}
}
