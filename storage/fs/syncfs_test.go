package fs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"linghang/storage"
)

func newSyncfsStore(t *testing.T) *Store {
	t.Helper()
	s, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if s.syncfs == nil {
		t.Skip("syncfs(2) is not available here: every write syncs its own files")
	}
	return s
}

// countSyncfs wraps the store's syncfs with a counter and a slow disk.
func countSyncfs(s *Store) *atomic.Int64 {
	var n atomic.Int64
	real := s.syncfs
	s.syncfs = func() error {
		n.Add(1)
		time.Sleep(2 * time.Millisecond)
		return real()
	}
	return &n
}

// Concurrent Puts share whole-file-system syncs, and each still ends
// with its object complete and visible.
func TestPutsShareFileSystemSyncs(t *testing.T) {
	s := newSyncfsStore(t)
	n := countSyncfs(s)
	const writers = 32
	var wg sync.WaitGroup
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := fmt.Sprintf("2022/第%d期/报名表.pdf", i%4)
			key = strings.Replace(key, "报名表", fmt.Sprintf("报名表-%02d", i), 1)
			if _, err := s.Put(context.Background(), key, strings.NewReader("内容 "+key), storage.PutOptions{}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	// A Put alone syncs three times (its files, the sidecar's folder, the
	// object's folder).
	if got := n.Load(); got < 1 || got >= 3*writers {
		t.Errorf("%d syncs of the file system for %d Puts: not shared", got, writers)
	}
	t.Logf("%d Puts, %d syncs of the file system", writers, n.Load())
	list, err := s.List(context.Background(), "2022/")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != writers {
		t.Fatalf("listed %d objects, want %d", len(list), writers)
	}
	for _, it := range list {
		rc, _, err := s.Get(context.Background(), it.Key)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != "内容 "+it.Key {
			t.Errorf("%s holds %q", it.Key, b)
		}
	}

	// SyncEach: the file system is never synced as a whole.
	s.SyncEach = true
	before := n.Load()
	if _, err := s.Put(context.Background(), "2022/单独.txt", strings.NewReader("x"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	if n.Load() != before {
		t.Error("SyncEach still synced the whole file system")
	}
}

// A write-back error reported by syncfs fails the write in flight, which
// leaves nothing visible, and every write after it; what was archived
// before stays readable, and the store opened again writes normally.
func TestSyncfsErrorFailsLaterWrites(t *testing.T) {
	s := newSyncfsStore(t)
	ctx := context.Background()
	if _, err := s.Put(ctx, "a.txt", strings.NewReader("甲"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	s.syncfs = func() error { return syscall.EIO }
	for _, key := range []string{"b.txt", "a.txt", "c/d.txt"} {
		_, err := s.Put(ctx, key, strings.NewReader("乙"), storage.PutOptions{})
		if err == nil || !errors.Is(err, syscall.EIO) || !strings.Contains(err.Error(), "写回错误") {
			t.Fatalf("Put %s after a write-back error: %v", key, err)
		}
	}
	s.syncfs = func() error { return nil } // the disk "recovers": still refused
	if _, err := s.Put(ctx, "e.txt", strings.NewReader("丙"), storage.PutOptions{}); err == nil {
		t.Fatal("a write after a write-back error succeeded")
	}
	for _, key := range []string{"b.txt", "c/d.txt", "e.txt"} {
		if _, err := s.Stat(ctx, key); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("Stat %s after its failed write: %v", key, err)
		}
	}
	rc, _, err := s.Get(ctx, "a.txt")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "甲" {
		t.Errorf("a.txt holds %q after the failed rewrite", b)
	}
	if n, err := s.Clean(ctx); err != nil || n != 0 {
		t.Errorf("Clean after the failed writes: %d removed, %v (temporary files left behind?)", n, err)
	}

	again, err := New(s.Dir())
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if _, err := again.Put(ctx, "b.txt", strings.NewReader("乙"), storage.PutOptions{}); err != nil {
		t.Fatalf("Put in the store opened again: %v", err)
	}
}
