package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"time"
)

// ErrUnknownJob is returned for a job name the schedule and catalogue do not know.
var ErrUnknownJob = errors.New("未知的作业")

// NewRunID returns a sortable run ID such as
// 20220331T020000Z-3f9a1c2b5d7e: the time, then 48 random bits, so IDs
// made in the same second by different processes or machines differ.
func NewRunID(t time.Time) string {
	var b [6]byte
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
