package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Func is the work of a job.
type Func func(ctx context.Context) error

// Job is a named unit of work with an optional cron schedule.
type Job struct {
	Name    string
	Spec    string        // cron spec (5 fields or @daily/@every …); empty: run on demand only
	Timeout time.Duration // per attempt; 0 means no limit
	Retries int           // extra attempts after a failure
	Backoff time.Duration // wait before the first retry; doubles each time
	Run     Func
}

// Status of a run.
type Status string

const (
	StatusRunning   Status = "running"
	StatusSucceeded Status = "succeeded"
	StatusFailed    Status = "failed"
	StatusSkipped   Status = "skipped" // the previous run was still going
)

// Record describes one run of a job.
type Record struct {
	ID       string
	Job      string
	Start    time.Time
	End      time.Time
	Attempts int
	Status   Status
	Err      string
}

// Options configure a Scheduler.
type Options struct {
	Logger *slog.Logger
	Clock  func() time.Time                           // default time.Now
	Sleep  func(ctx context.Context, d time.Duration) // default waits on a timer or ctx
	Keep   int                                        // run records kept in memory (default 100)
}

// Scheduler runs jobs on their schedules and on demand.
type Scheduler struct {
	opts    Options
	cron    *cron.Cron
	parser  cron.Parser
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	mu      sync.Mutex
	jobs    map[string]Job
	running map[string]bool
	records []Record
}

// ErrUnknownJob is returned by RunNow for a name never added.
var ErrUnknownJob = errors.New("jobs: unknown job")

// New returns a stopped scheduler.
func New(opts Options) *Scheduler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	if opts.Keep <= 0 {
		opts.Keep = 100
	}
	ctx, cancel := context.WithCancel(context.Background())
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	return &Scheduler{
		opts:    opts,
		cron:    cron.New(cron.WithParser(parser), cron.WithChain(cron.Recover(cron.DiscardLogger))),
		parser:  parser,
		ctx:     ctx,
		cancel:  cancel,
		jobs:    map[string]Job{},
		running: map[string]bool{},
	}
}

// ParseSpec checks a cron spec; configuration calls it at start-up so a bad
// spec fails then, not at 3 a.m.
func ParseSpec(spec string) (cron.Schedule, error) {
	p := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	s, err := p.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("定时规则 %q 无效: %w", spec, err)
	}
	return s, nil
}

// Add registers a job; its schedule, if any, takes effect at Start.
func (s *Scheduler) Add(j Job) error {
	if j.Name == "" || j.Run == nil {
		return errors.New("jobs: a job needs a name and a Run func")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.jobs[j.Name]; dup {
		return fmt.Errorf("jobs: job %q added twice", j.Name)
	}
	if j.Spec != "" {
		sched, err := ParseSpec(j.Spec)
		if err != nil {
			return fmt.Errorf("job %s: %w", j.Name, err)
		}
		name := j.Name
		s.cron.Schedule(sched, cron.FuncJob(func() { s.RunNow(s.ctx, name) }))
	}
	s.jobs[j.Name] = j
	return nil
}

// Start starts the schedules.
func (s *Scheduler) Start() { s.cron.Start() }

// Stop stops the schedules, cancels running jobs' contexts once ctx is
// done, and waits for running jobs to return.
func (s *Scheduler) Stop(ctx context.Context) error {
	<-s.cron.Stop().Done()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	select {
	case <-done:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.cancel() // ask running jobs to give up
		<-done
		return ctx.Err()
	}
}

// RunNow runs the named job now and returns its record. A job that is
// still running from an earlier start is skipped.
func (s *Scheduler) RunNow(ctx context.Context, name string) (Record, error) {
	s.mu.Lock()
	j, ok := s.jobs[name]
	if !ok {
		s.mu.Unlock()
		return Record{}, fmt.Errorf("%w: %s", ErrUnknownJob, name)
	}
	rec := Record{ID: NewRunID(s.opts.Clock()), Job: name, Start: s.opts.Clock()}
	if s.running[name] {
		s.mu.Unlock()
		rec.Status, rec.End = StatusSkipped, rec.Start
		s.keep(rec)
		s.opts.Logger.Warn("job skipped: still running", "job", name)
		return rec, nil
	}
	s.running[name] = true
	s.wg.Add(1)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.running, name)
		s.mu.Unlock()
		s.wg.Done()
	}()

	s.opts.Logger.Info("job start", "job", name, "run", rec.ID)
	err := s.execute(ctx, j, &rec)
	rec.End = s.opts.Clock()
	if err != nil {
		rec.Status, rec.Err = StatusFailed, err.Error()
		s.opts.Logger.Error("job failed", "job", name, "run", rec.ID, "attempts", rec.Attempts, "err", err)
	} else {
		rec.Status = StatusSucceeded
		s.opts.Logger.Info("job done", "job", name, "run", rec.ID, "attempts", rec.Attempts, "took", rec.End.Sub(rec.Start))
	}
	s.keep(rec)
	return rec, err
}

func (s *Scheduler) execute(ctx context.Context, j Job, rec *Record) error {
	ctx = WithRunID(ctx, rec.ID)
	backoff := j.Backoff
	var err error
	for attempt := 0; attempt <= j.Retries; attempt++ {
		if attempt > 0 {
			s.opts.Sleep(ctx, backoff)
			backoff *= 2
		}
		if ctx.Err() != nil {
			return errors.Join(err, ctx.Err())
		}
		rec.Attempts++
		err = attemptOnce(ctx, j)
		if err == nil {
			return nil
		}
	}
	return err
}

func attemptOnce(ctx context.Context, j Job) (err error) {
	if j.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, j.Timeout)
		defer cancel()
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("job %s panicked: %v\n%s", j.Name, r, debug.Stack())
		}
	}()
	return j.Run(ctx)
}

func (s *Scheduler) keep(r Record) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.records = append(s.records, r)
	if n := len(s.records) - s.opts.Keep; n > 0 {
		s.records = append(s.records[:0], s.records[n:]...)
	}
}

// Records returns the kept run records, oldest first.
func (s *Scheduler) Records() []Record {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]Record(nil), s.records...)
	sort.SliceStable(out, func(i, k int) bool { return out[i].Start.Before(out[k].Start) })
	return out
}

// Next reports when the named job's schedule fires next after t.
func (s *Scheduler) Next(name string, t time.Time) (time.Time, error) {
	s.mu.Lock()
	j, ok := s.jobs[name]
	s.mu.Unlock()
	if !ok {
		return time.Time{}, fmt.Errorf("%w: %s", ErrUnknownJob, name)
	}
	if j.Spec == "" {
		return time.Time{}, nil
	}
	sched, err := s.parser.Parse(j.Spec)
	if err != nil {
		return time.Time{}, err
	}
	return sched.Next(t), nil
}

// NewRunID returns a sortable, unique run ID such as 20220331T020000Z-3f9a1c2b.
func NewRunID(t time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return t.UTC().Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

type runIDKey struct{}

// WithRunID returns ctx carrying the run ID, so what a job writes can name
// the run that made it.
func WithRunID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, runIDKey{}, id)
}

// RunID returns the run ID carried by ctx, or "".
func RunID(ctx context.Context) string {
	id, _ := ctx.Value(runIDKey{}).(string)
	return id
}

func sleepCtx(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}
