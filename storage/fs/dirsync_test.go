package fs

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestDirSyncGroupCommit: concurrent syncs of one directory share fsyncs,
// and every caller returns only after a sync that began after it called.
func TestDirSyncGroupCommit(t *testing.T) {
	var ds dirSyncs
	var started atomic.Int64 // sequence number of the last sync begun
	var syncs atomic.Int64
	do := func(string) error {
		started.Add(1)
		syncs.Add(1)
		time.Sleep(2 * time.Millisecond) // a slow disk
		return nil
	}
	const callers = 64
	var wg sync.WaitGroup
	for i := 0; i < callers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			before := started.Load()
			if err := ds.sync("2022/数据", do); err != nil {
				t.Error(err)
			}
			if started.Load() <= before {
				t.Error("returned without a sync begun after the call")
			}
		}()
	}
	wg.Wait()
	if n := syncs.Load(); n >= callers || n < 1 {
		t.Errorf("%d syncs for %d callers: not grouped", n, callers)
	}
	t.Logf("%d callers, %d directory syncs", callers, syncs.Load())
	if len(ds.dirs) != 0 {
		t.Errorf("state left behind: %v", ds.dirs)
	}
}
