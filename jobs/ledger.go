package jobs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"linghang/storage"
)

// The ledger keeps the scheduler's state in the archive's own store, next
// to the documents, with the same conditional writes:
//
//	_jobs/runs/<run-id>.json          one record per run (all its attempts)
//	_jobs/leases/<occurrence>.json    who runs an occurrence; done when finished
//	_jobs/locks/<job>[-cNN].json      held while a job runs, by any process
//
// Leases and locks are taken with create-only writes and taken over, once
// expired, with writes conditional on the ETag read, so several processes
// sharing one store run each occurrence exactly once and never run one
// job twice at the same time.
const (
	ledgerRuns   = "_jobs/runs/"
	ledgerLeases = "_jobs/leases/"
	ledgerLocks  = "_jobs/locks/"
)

// Status of a run.
type Status string

// Statuses.
const (
	StatusRunning   Status = "running"
	StatusSucceeded Status = "succeeded"
	StatusNothing   Status = "nothing" // inputs unchanged: nothing rendered, nothing written
	StatusFailed    Status = "failed"
	StatusSkipped   Status = "skipped" // another run of the job held the lock
)

// Chinese is the status as users read it.
func (s Status) Chinese() string {
	switch s {
	case StatusRunning:
		return "运行中"
	case StatusSucceeded:
		return "成功"
	case StatusNothing:
		return "无需运行"
	case StatusFailed:
		return "失败"
	case StatusSkipped:
		return "已跳过"
	}
	return string(s)
}

// Attempt is one try of a run; each has its own run ID.
type Attempt struct {
	RunID string    `json:"run_id"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	Err   string    `json:"error,omitempty"`
}

// Record is the durable record of one run of a job.
type Record struct {
	ID         string    `json:"id"` // the first attempt's run ID
	Job        string    `json:"job"`
	Title      string    `json:"title,omitempty"`
	Year       int       `json:"year"`
	Cohort     int       `json:"cohort,omitempty"`
	Trigger    string    `json:"trigger"`              // at/cron as written, or 手动
	Occurrence string    `json:"occurrence,omitempty"` // Occurrence.ID, for scheduled runs
	Scheduled  time.Time `json:"scheduled,omitzero"`
	Holder     string    `json:"holder"` // process that ran it
	Start      time.Time `json:"start"`
	End        time.Time `json:"end,omitzero"`
	Status     Status    `json:"status"`
	Attempts   []Attempt `json:"attempts"`
	InputSHA   string    `json:"input_sha256,omitempty"`
	Docs       int       `json:"docs,omitempty"`      // documents planned
	Rendered   int       `json:"rendered,omitempty"`  // documents rendered (inputs changed)
	Stored     int       `json:"stored,omitempty"`    // new versions written
	Unchanged  int       `json:"unchanged,omitempty"` // rendered but identical to the current version
	Keys       []string  `json:"keys,omitempty"`      // archive keys of new versions
	Withdrawn  []string  `json:"withdrawn,omitempty"` // archive keys of documents made 作废
	// WithdrawHeld counts documents no longer made and not withdrawn
	// because they were too many (Outcome.WithdrawHeld).
	WithdrawHeld int      `json:"withdraw_held,omitempty"`
	Manifest     string   `json:"manifest,omitempty"` // run ID of the committed batch
	Failures     []string `json:"failures,omitempty"` // documents that could not be made
	Err          string   `json:"error,omitempty"`
}

// Ledger reads and writes records, leases and locks in a store.
type Ledger struct {
	st    storage.Store
	clock func() time.Time
	// pending holds records the store did not take; the next write
	// retries them, so a run made while the store was down is still
	// recorded once it is back.
	mu      sync.Mutex
	pending map[string]Record
}

// NewLedger returns a ledger over st.
func NewLedger(st storage.Store, clock func() time.Time) *Ledger {
	if clock == nil {
		clock = time.Now
	}
	return &Ledger{st: st, clock: clock, pending: map[string]Record{}}
}

// Save writes the record (again, as it progresses). When the store is
// unreachable the record is kept and written with the next Save.
func (l *Ledger) Save(ctx context.Context, r Record) error {
	l.mu.Lock()
	l.pending[r.ID] = r
	ids := make([]string, 0, len(l.pending))
	for id := range l.pending {
		ids = append(ids, id)
	}
	l.mu.Unlock()
	sort.Strings(ids)
	var errs []error
	for _, id := range ids {
		l.mu.Lock()
		rec, ok := l.pending[id]
		l.mu.Unlock()
		if !ok {
			continue
		}
		b, _ := json.MarshalIndent(rec, "", "  ")
		_, err := l.st.Put(ctx, ledgerRuns+rec.ID+".json", bytes.NewReader(b), storage.PutOptions{ContentType: "application/json"})
		if err != nil {
			errs = append(errs, fmt.Errorf("写入运行记录 %s：%w", rec.ID, err))
			continue
		}
		l.mu.Lock()
		if cur, ok := l.pending[id]; ok && cur.Status == rec.Status && cur.End.Equal(rec.End) && len(cur.Attempts) == len(rec.Attempts) {
			delete(l.pending, id)
		}
		l.mu.Unlock()
	}
	return errors.Join(errs...)
}

// Pending is the number of records waiting for the store.
func (l *Ledger) Pending() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.pending)
}

// History returns the records of job (all jobs when empty), oldest first.
func (l *Ledger) History(ctx context.Context, job string) ([]Record, error) {
	infos, err := l.st.List(ctx, ledgerRuns)
	if err != nil {
		return nil, fmt.Errorf("读取运行记录：%w", err)
	}
	var out []Record
	for _, info := range infos {
		var r Record
		if err := l.readJSON(ctx, info.Key, &r); err != nil {
			return nil, err
		}
		if job == "" || r.Job == job {
			out = append(out, r)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Start.Equal(out[j].Start) {
			return out[i].Start.Before(out[j].Start)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

func (l *Ledger) readJSON(ctx context.Context, key string, v any) error {
	rc, _, err := l.st.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("读取 %s：%w", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 16<<20))
	if err != nil {
		return fmt.Errorf("读取 %s：%w", key, err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("解析 %s：%w", key, err)
	}
	return nil
}

// Lease states.
const (
	leaseRunning = "running"
	leaseDone    = "done"
	leaseFailed  = "failed"
)

// lease is the content of a lease or lock object.
type lease struct {
	Holder  string    `json:"holder"`
	RunID   string    `json:"run_id,omitempty"`
	State   string    `json:"state"`
	Expires time.Time `json:"expires"`
	// RetryAfter: a failed occurrence becomes due again at this time.
	RetryAfter time.Time `json:"retry_after,omitzero"`
	Failures   int       `json:"failures,omitempty"`
	etag       string
}

// ErrHeld reports a lease or lock held by another live process.
type ErrHeld struct {
	What, Holder string
	Until        time.Time
}

func (e *ErrHeld) Error() string {
	return fmt.Sprintf("%s 正由 %s 运行（租约至 %s）", e.What, e.Holder, FormatTime(e.Until))
}

// errDone: the occurrence has already run.
var errDone = errors.New("已运行")

func (l *Ledger) read(ctx context.Context, key string) (lease, bool, error) {
	rc, info, err := l.st.Get(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return lease{}, false, nil
	}
	if err != nil {
		return lease{}, false, err
	}
	defer rc.Close()
	var ls lease
	if err := json.NewDecoder(io.LimitReader(rc, 1<<20)).Decode(&ls); err != nil {
		return lease{}, false, fmt.Errorf("解析 %s：%w", key, err)
	}
	ls.etag = info.ETag
	return ls, true, nil
}

func (l *Ledger) write(ctx context.Context, key string, ls lease, create bool, ifMatch string) (lease, error) {
	b, _ := json.Marshal(ls)
	info, err := l.st.Put(ctx, key, bytes.NewReader(b), storage.PutOptions{ContentType: "application/json", CreateOnly: create, IfMatch: ifMatch})
	if err != nil {
		return lease{}, err
	}
	ls.etag = info.ETag
	return ls, nil
}

// acquire takes the lease object key for holder until now+ttl. It fails
// with *ErrHeld when another holder's lease has not expired, and with
// errDone when the lease records a finished occurrence (for occurrence
// leases: done, or failed and not yet due for a retry).
func (l *Ledger) acquire(ctx context.Context, key, what, holder, runID string, ttl time.Duration) (lease, error) {
	now := l.clock()
	want := lease{Holder: holder, RunID: runID, State: leaseRunning, Expires: now.Add(ttl)}
	for try := 0; try < 5; try++ {
		cur, ok, err := l.read(ctx, key)
		if err != nil {
			return lease{}, err
		}
		if !ok {
			ls, err := l.write(ctx, key, want, true, "")
			if errors.Is(err, storage.ErrExists) {
				continue // someone else was quicker: look again
			}
			return ls, err
		}
		switch cur.State {
		case leaseDone:
			return cur, errDone
		case leaseFailed:
			if now.Before(cur.RetryAfter) {
				return cur, errDone
			}
		case leaseRunning:
			if cur.Holder != holder && now.Before(cur.Expires) {
				return cur, &ErrHeld{What: what, Holder: cur.Holder, Until: cur.Expires}
			}
		}
		want.Failures = cur.Failures
		ls, err := l.write(ctx, key, want, false, cur.etag)
		if errors.Is(err, storage.ErrPrecondition) || errors.Is(err, storage.ErrNotFound) {
			continue
		}
		return ls, err
	}
	return lease{}, &ErrHeld{What: what, Holder: "另一进程", Until: now.Add(ttl)}
}

// renew extends a lease we hold; it fails if another holder took it.
func (l *Ledger) renew(ctx context.Context, key string, ls lease, ttl time.Duration) (lease, error) {
	ls.Expires = l.clock().Add(ttl)
	return l.write(ctx, key, ls, false, ls.etag)
}

// keepAlive renews a lease or lock we hold every third of its ttl until
// stop is called; stop returns the lease as last written, for the
// conditional write that ends it. A failed renewal is logged and tried
// again at the next tick.
func (l *Ledger) keepAlive(key string, ls lease, ttl time.Duration, log *slog.Logger) (stop func() lease) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(ttl / 3)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				ctx, cancel := context.WithTimeout(context.Background(), ttl/3)
				n, err := l.renew(ctx, key, ls, ttl)
				cancel()
				if err != nil {
					log.Warn("续租失败", "key", key, "err", err)
					continue
				}
				ls = n
			}
		}
	}()
	return func() lease {
		close(done)
		wg.Wait() // ls is the goroutine's until here
		return ls
	}
}

// finish records the end of an occurrence in its lease.
func (l *Ledger) finish(ctx context.Context, key string, ls lease, ok bool, retry time.Duration) error {
	if ok {
		ls.State = leaseDone
	} else {
		ls.State = leaseFailed
		ls.Failures++
		ls.RetryAfter = l.clock().Add(retry << min(ls.Failures-1, 6))
	}
	ls.Expires = time.Time{}
	_, err := l.write(ctx, key, ls, false, ls.etag)
	return err
}

// release drops a job lock we hold.
func (l *Ledger) release(ctx context.Context, key string, ls lease) error {
	cur, ok, err := l.read(ctx, key)
	if err != nil || !ok {
		return err
	}
	if cur.Holder != ls.Holder || cur.RunID != ls.RunID {
		return nil // expired and taken over: not ours any more
	}
	if err := l.st.Delete(ctx, key); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	return nil
}

func lockKey(year int, job string, cohort int) string {
	k := fmt.Sprintf("%s%d-%s", ledgerLocks, year, job)
	if cohort > 0 {
		k += fmt.Sprintf("-c%02d", cohort)
	}
	return k + ".json"
}

func leaseKey(year int, occ string) string {
	return fmt.Sprintf("%s%d-%s.json", ledgerLeases, year, occ)
}

// shortErr keeps the first line of an error for a record.
func shortErr(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i] + " …"
	}
	return s
}
