package jobs

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func fixedClock() func() time.Time {
	t0 := time.Date(2022, 3, 31, 2, 0, 0, 0, time.UTC)
	var n atomic.Int64
	return func() time.Time { return t0.Add(time.Duration(n.Add(1)) * time.Second) }
}

func TestRunNowRetries(t *testing.T) {
	tests := []struct {
		name         string
		failures     int // attempts that fail before success
		retries      int
		wantStatus   Status
		wantAttempts int
		wantSleeps   []time.Duration
	}{
		{"first try", 0, 3, StatusSucceeded, 1, nil},
		{"second try", 1, 3, StatusSucceeded, 2, []time.Duration{time.Second}},
		{"backoff doubles", 2, 3, StatusSucceeded, 3, []time.Duration{time.Second, 2 * time.Second}},
		{"gives up", 5, 2, StatusFailed, 3, []time.Duration{time.Second, 2 * time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var sleeps []time.Duration
			s := New(Options{Clock: fixedClock(), Sleep: func(_ context.Context, d time.Duration) { sleeps = append(sleeps, d) }})
			calls := 0
			err := s.Add(Job{Name: "j", Retries: tt.retries, Backoff: time.Second, Run: func(ctx context.Context) error {
				calls++
				if RunID(ctx) == "" {
					t.Error("run ID missing from the job's context")
				}
				if calls <= tt.failures {
					return errors.New("boom")
				}
				return nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			rec, err := s.RunNow(context.Background(), "j")
			if got := rec.Status; got != tt.wantStatus {
				t.Errorf("status = %s, want %s (err %v)", got, tt.wantStatus, err)
			}
			if (err != nil) != (tt.wantStatus == StatusFailed) {
				t.Errorf("err = %v", err)
			}
			if rec.Attempts != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", rec.Attempts, tt.wantAttempts)
			}
			if len(sleeps) != len(tt.wantSleeps) {
				t.Fatalf("sleeps = %v, want %v", sleeps, tt.wantSleeps)
			}
			for i := range sleeps {
				if sleeps[i] != tt.wantSleeps[i] {
					t.Errorf("sleep %d = %v, want %v", i, sleeps[i], tt.wantSleeps[i])
				}
			}
			if got := s.Records(); len(got) != 1 || got[0].ID != rec.ID {
				t.Errorf("records = %+v", got)
			}
		})
	}
}

func TestPanicIsRecoveredAsFailure(t *testing.T) {
	s := New(Options{Clock: fixedClock()})
	if err := s.Add(Job{Name: "p", Run: func(context.Context) error { panic("kaput") }}); err != nil {
		t.Fatal(err)
	}
	rec, err := s.RunNow(context.Background(), "p")
	if err == nil || !strings.Contains(err.Error(), "kaput") || rec.Status != StatusFailed {
		t.Fatalf("got %v %+v", err, rec)
	}
}

func TestTimeoutCancelsAttempt(t *testing.T) {
	s := New(Options{Clock: fixedClock()})
	_ = s.Add(Job{Name: "slow", Timeout: time.Millisecond, Run: func(ctx context.Context) error {
		<-ctx.Done() // returns only because the scheduler's deadline fires
		return ctx.Err()
	}})
	_, err := s.RunNow(context.Background(), "slow")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want deadline exceeded", err)
	}
}

func TestSkipIfStillRunningAndStopWaits(t *testing.T) {
	s := New(Options{Clock: fixedClock()})
	started, release := make(chan struct{}), make(chan struct{})
	var finished atomic.Bool
	_ = s.Add(Job{Name: "long", Run: func(ctx context.Context) error {
		close(started)
		<-release
		finished.Store(true)
		return nil
	}})
	go s.RunNow(context.Background(), "long")
	<-started
	rec, err := s.RunNow(context.Background(), "long")
	if err != nil || rec.Status != StatusSkipped {
		t.Fatalf("second run = %+v, %v; want skipped", rec, err)
	}
	stopped := make(chan error)
	go func() { stopped <- s.Stop(context.Background()) }()
	select {
	case <-stopped:
		t.Fatal("Stop returned while a job was running")
	default:
	}
	close(release)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if !finished.Load() {
		t.Fatal("Stop returned before the job finished")
	}
}

func TestSchedules(t *testing.T) {
	at := time.Date(2022, 3, 31, 1, 30, 0, 0, time.UTC)
	tests := []struct {
		spec    string
		want    time.Time
		wantErr string
	}{
		{"0 2 * * *", time.Date(2022, 3, 31, 2, 0, 0, 0, time.UTC), ""},
		{"@daily", time.Date(2022, 4, 1, 0, 0, 0, 0, time.UTC), ""},
		{"@every 1h", at.Add(time.Hour), ""},
		{"61 * * * *", time.Time{}, "定时规则"},
		{"every day", time.Time{}, "定时规则"},
	}
	for _, tt := range tests {
		t.Run(tt.spec, func(t *testing.T) {
			s := New(Options{})
			err := s.Add(Job{Name: "x", Spec: tt.spec, Run: func(context.Context) error { return nil }})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.Next("x", at)
			if err != nil || !got.Equal(tt.want) {
				t.Fatalf("Next = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestUnknownAndDuplicateJobs(t *testing.T) {
	s := New(Options{})
	if _, err := s.RunNow(context.Background(), "nope"); !errors.Is(err, ErrUnknownJob) {
		t.Fatalf("err = %v", err)
	}
	j := Job{Name: "a", Run: func(context.Context) error { return nil }}
	if err := s.Add(j); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(j); err == nil {
		t.Fatal("duplicate job accepted")
	}
}
