package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sort"
	"sync"
	"time"

	"linghang/program"
)

// Runner runs one job; *Pipeline is the real one.
type Runner interface {
	Run(ctx context.Context, req Request) (Record, Outcome, error)
}

var _ Runner = (*Pipeline)(nil)

// Scheduler fires the schedule's occurrences for one programme: each
// date-relative trigger once (catching up after downtime), each periodic
// rule's latest occurrence once. Replicas sharing a store coordinate
// through occurrence leases in the ledger, so each occurrence runs exactly
// once among them. Time comes from Clock and waiting from Wait, so tests
// drive it without sleeping.
type Scheduler struct {
	Schedule  *Schedule
	Programme *program.Programme
	Ledger    *Ledger
	Runner    Runner
	Log       *slog.Logger
	Clock     func() time.Time
	// Wait blocks for d or until ctx is done (default: a timer).
	Wait   func(ctx context.Context, d time.Duration)
	Holder string
	// LeaseTTL bounds how long a dead replica's lease blocks an
	// occurrence (default 15 min); live holders renew it.
	LeaseTTL time.Duration
	// RetryAfter is when a failed occurrence is due again (doubling with
	// each failure, default 10 min).
	RetryAfter time.Duration
	// Poll is the longest wait between ticks (default 1 min): failed
	// occurrences, expired leases and a returning store are noticed.
	Poll time.Duration

	tick   sync.Mutex // one tick at a time
	mu     sync.Mutex
	done   map[string]bool // occurrences known finished
	status SchedulerStatus
}

// SchedulerStatus is what the scheduler last saw, for pages and logs.
type SchedulerStatus struct {
	LastTick time.Time
	LastErr  string // e.g. the store unreachable; empty when healthy
	ErrSince time.Time
	Next     time.Time
	NextJob  string
}

func (s *Scheduler) defaults() {
	if s.Clock == nil {
		s.Clock = time.Now
	}
	if s.Wait == nil {
		s.Wait = sleepCtx
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	if s.Holder == "" {
		s.Holder = Holder()
	}
	if s.LeaseTTL <= 0 {
		s.LeaseTTL = 15 * time.Minute
	}
	if s.RetryAfter <= 0 {
		s.RetryAfter = 10 * time.Minute
	}
	if s.Poll <= 0 {
		s.Poll = time.Minute
	}
	s.mu.Lock()
	if s.done == nil {
		s.done = map[string]bool{}
	}
	s.mu.Unlock()
}

// Status returns what the scheduler last saw.
func (s *Scheduler) Status() SchedulerStatus {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Due lists the occurrences due at now, oldest first: every
// date-relative one at or before now that is not tentative, and the
// latest occurrence of each periodic rule (a registration-only rule only
// when some cohort's registration is open then).
func (s *Scheduler) Due(now time.Time) ([]Occurrence, error) {
	dated, err := s.Schedule.Dated(s.Programme)
	if err != nil {
		return nil, err
	}
	var out []Occurrence
	for _, o := range dated {
		if !o.Tentative && !o.At.After(now) {
			out = append(out, o)
		}
	}
	for i := range s.Schedule.Rules {
		r := &s.Schedule.Rules[i]
		if !r.Periodic() {
			continue
		}
		last := r.LastPeriodic(now.In(s.Schedule.Location))
		if last.IsZero() {
			continue
		}
		if r.WhileRegistration && len(s.Schedule.registrationOpen(s.Programme, last)) == 0 {
			continue
		}
		out = append(out, Occurrence{Job: r.Name, Title: r.Title, At: last, Periodic: true, Trigger: r.Trigger()})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// Next returns the first occurrence that fires after now (tentative ones
// never fire).
func (s *Scheduler) Next(now time.Time) (Occurrence, bool) {
	var best Occurrence
	found := false
	consider := func(o Occurrence) {
		if !found || o.At.Before(best.At) {
			best, found = o, true
		}
	}
	if dated, err := s.Schedule.Dated(s.Programme); err == nil {
		for _, o := range dated {
			if !o.Tentative && o.At.After(now) {
				consider(o)
				break // dated is in time order
			}
		}
	}
	for i := range s.Schedule.Rules {
		r := &s.Schedule.Rules[i]
		if r.Periodic() {
			if t := r.NextPeriodic(now.In(s.Schedule.Location)); !t.IsZero() {
				consider(Occurrence{Job: r.Name, Title: r.Title, At: t, Periodic: true, Trigger: r.Trigger()})
			}
		}
	}
	return best, found
}

// Tick runs every occurrence due at now that has not run yet, one after
// another, and returns their records. An occurrence another replica
// holds is left to it. Errors reaching the store are returned after the
// tick has tried everything; the scheduler carries on.
func (s *Scheduler) Tick(ctx context.Context, now time.Time) ([]Record, error) {
	s.defaults()
	s.tick.Lock()
	defer s.tick.Unlock()
	due, err := s.Due(now)
	if err != nil {
		return nil, s.note(now, err)
	}
	var recs []Record
	var errs []error
	for _, o := range due {
		if ctx.Err() != nil {
			break
		}
		id := o.ID()
		s.mu.Lock()
		known := s.done[id]
		s.mu.Unlock()
		if known {
			continue
		}
		rec, ran, err := s.runOccurrence(ctx, o)
		if err != nil {
			errs = append(errs, err)
		}
		if ran {
			recs = append(recs, rec)
		}
	}
	return recs, s.note(now, errors.Join(errs...))
}

func (s *Scheduler) note(now time.Time, err error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status.LastTick = now
	if err != nil {
		if s.status.LastErr == "" {
			s.status.ErrSince = now
		}
		s.status.LastErr = shortErr(err)
	} else {
		s.status.LastErr, s.status.ErrSince = "", time.Time{}
	}
	return err
}

// runOccurrence takes the occurrence's lease and runs it. ran is false
// when another replica holds it or it had already finished.
func (s *Scheduler) runOccurrence(ctx context.Context, o Occurrence) (rec Record, ran bool, err error) {
	year := s.Programme.Year
	key := leaseKey(year, o.ID())
	what := fmt.Sprintf("%s（%s）", o.Job, FormatTime(o.At))
	ls, err := s.Ledger.acquire(ctx, key, what, s.Holder, "", s.LeaseTTL)
	var held *ErrHeld
	switch {
	case errors.Is(err, errDone):
		if ls.State == leaseDone {
			s.markDone(o.ID())
		}
		return Record{}, false, nil
	case errors.As(err, &held):
		s.Log.Info("由另一副本运行", "occurrence", o.ID(), "holder", held.Holder)
		return Record{}, false, nil
	case err != nil:
		return Record{}, false, fmt.Errorf("取得 %s 的租约：%w", o.ID(), err)
	}
	stop := s.Ledger.keepAlive(key, ls, s.LeaseTTL, s.Log)
	req := Request{Job: o.Job, Trigger: o.Trigger, Scheduled: o.At, Occurrence: o.ID()}
	if o.Cohort > 0 {
		req.Cohorts = []int{o.Cohort}
	}
	if o.Periodic {
		if r, ok := s.Schedule.Rule(o.Job); ok && r.WhileRegistration {
			req.Cohorts = s.Schedule.registrationOpen(s.Programme, o.At)
		}
	}
	s.Log.Info("作业开始", "job", o.Job, "cohort", o.Cohort, "scheduled", FormatTime(o.At))
	rec, out, runErr := s.safeRun(ctx, req)
	cur := stop()
	ok := runErr == nil && out.Status != StatusSkipped
	var df *DocsFailed
	if errors.As(runErr, &df) {
		ok = true // documents that cannot be made do not get better by retrying
	}
	if err := s.Ledger.finish(context.WithoutCancel(ctx), key, cur, ok, s.RetryAfter); err != nil {
		s.Log.Warn("租约状态未能写入", "occurrence", o.ID(), "err", err)
		return rec, true, errors.Join(runErr, err)
	}
	if ok {
		s.markDone(o.ID())
	}
	if runErr != nil {
		s.Log.Error("作业失败", "job", o.Job, "cohort", o.Cohort, "err", runErr)
	} else {
		s.Log.Info("作业结束", "job", o.Job, "cohort", o.Cohort, "status", rec.Status.Chinese())
	}
	return rec, true, runErr
}

// safeRun runs the job; a panic becomes a failed record, never a crash.
func (s *Scheduler) safeRun(ctx context.Context, req Request) (rec Record, out Outcome, err error) {
	defer func() {
		if r := recover(); r != nil {
			s.Log.Error("作业内部错误", "job", req.Job, "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("作业 %s 内部错误：%v", req.Job, r)
			now := s.Clock()
			rec = Record{ID: NewRunID(now), Job: req.Job, Year: s.Programme.Year, Trigger: req.Trigger, Occurrence: req.Occurrence,
				Scheduled: req.Scheduled, Holder: s.Holder, Start: now, End: now, Status: StatusFailed, Err: err.Error(),
				Attempts: []Attempt{{RunID: NewRunID(now), Start: now, End: now, Err: err.Error()}}}
			if len(req.Cohorts) == 1 {
				rec.Cohort = req.Cohorts[0]
			}
			if serr := s.Ledger.Save(context.WithoutCancel(ctx), rec); serr != nil {
				s.Log.Warn("运行记录暂未写入", "err", serr)
			}
			out = Outcome{Status: StatusFailed}
		}
	}()
	return s.Runner.Run(ctx, req)
}

func (s *Scheduler) markDone(id string) {
	s.mu.Lock()
	s.done[id] = true
	s.mu.Unlock()
}

// Run ticks until ctx is done: it runs what is due (catching up after
// downtime), then waits for the next occurrence or Poll, whichever is
// sooner. An unreachable store is logged and retried, never fatal.
func (s *Scheduler) Run(ctx context.Context) error {
	s.defaults()
	for ctx.Err() == nil {
		now := s.Clock()
		if _, err := s.Tick(ctx, now); err != nil {
			s.Log.Warn("调度：本轮有作业未完成，稍后重试", "err", err)
		}
		wait := s.Poll
		if o, ok := s.Next(s.Clock()); ok {
			s.mu.Lock()
			s.status.Next, s.status.NextJob = o.At, o.Job
			s.mu.Unlock()
			if d := o.At.Sub(s.Clock()); d < wait {
				wait = max(d, time.Second)
			}
		}
		s.Wait(ctx, wait)
	}
	return nil
}
