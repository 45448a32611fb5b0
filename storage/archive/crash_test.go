package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"linghang/storage/fs"
)

// TestMain doubles as the crashing child of TestInterruptedBatch.
func TestMain(m *testing.M) {
	if dirs := os.Getenv("LINGHANG_ARCHIVE_CRASH"); dirs != "" {
		crashChild(dirs)
		return
	}
	os.Exit(m.Run())
}

// crashChild archives three documents and dies without committing.
func crashChild(dirs string) {
	storeDir, spool, _ := strings.Cut(dirs, string(os.PathListSeparator))
	st, err := fs.New(storeDir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	a := New(st, Options{Clock: func() time.Time { return testNow }, SpoolDir: spool})
	ctx := context.Background()
	b, err := a.Begin(ctx, "run-crashed", "in")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	for i := 0; i < 3; i++ {
		if _, err := b.Add(ctx, formDoc(2, "", fmt.Sprintf("学员%d", i), "", fmt.Sprintf("body %d", i))); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	os.Exit(3) // killed mid-batch: no Commit, no cleanup
}

func TestInterruptedBatchIsCompleted(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	storeDir := filepath.Join(t.TempDir(), "store")
	spool := filepath.Join(t.TempDir(), "spool")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "LINGHANG_ARCHIVE_CRASH="+storeDir+string(os.PathListSeparator)+spool)
	out, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("child: %v\n%s", err, out)
	}
	st, err := fs.New(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := newArchive(t, st, spool)
	ctx := context.Background()

	// The half batch is invisible: no manifest, nothing in the index.
	if es, _ := a.Find(ctx, Query{}); len(es) != 0 {
		t.Fatalf("interrupted batch visible: %d entries", len(es))
	}
	rep, err := a.Verify(ctx, io.Discard)
	if err != nil || len(rep.Unindexed) != 3 {
		t.Fatalf("verify before recovery: %+v %v; want 3 unindexed", rep, err)
	}

	// The next run completes it.
	m := commit(t, a, "run-next", noticeDoc("next"))
	if len(m.Entries) != 1 {
		t.Errorf("next run's manifest has %d entries", len(m.Entries))
	}
	rec, err := a.Manifest(ctx, "run-crashed")
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Entries) != 3 || !rec.Recovered || rec.InputSHA != "in" {
		t.Errorf("recovered manifest: %d entries, recovered %v, input %q", len(rec.Entries), rec.Recovered, rec.InputSHA)
	}
	rep, err = a.Verify(ctx, io.Discard)
	if err != nil || !rep.OK() || len(rep.Unindexed) != 0 || rep.Checked != 4 {
		t.Errorf("verify after recovery: %+v %v", rep, err)
	}
	if ents, _ := os.ReadDir(spool); len(ents) != 0 {
		t.Errorf("spool left: %v", ents)
	}
}

func TestFlushSkipsOpenBatch(t *testing.T) {
	st := newFS(t)
	spool := filepath.Join(t.TempDir(), "spool")
	a := newArchive(t, st, spool)
	ctx := context.Background()
	b, err := a.Begin(ctx, "run-open", "")
	if err != nil {
		t.Fatal(err)
	}
	b.Add(ctx, noticeDoc("x"))
	// Another process flushing now must leave the open batch alone.
	rep, err := newArchive(t, st, spool).Flush(ctx)
	if err != nil || len(rep.Busy) != 1 || len(rep.Runs) != 0 {
		t.Errorf("Flush = %+v, %v; want run-open busy", rep, err)
	}
	if _, err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestFlushSparesFolderBeingMade: a half-made spool folder whose lock
// file exists but is not locked yet (its creator is between the two)
// is left alone by another archive's Flush; one left long ago by a
// creator that died is removed.
func TestFlushSparesFolderBeingMade(t *testing.T) {
	spool := t.TempDir()
	a := newArchive(t, newFS(t), spool)
	ctx := context.Background()
	fresh, stale := filepath.Join(spool, ".new-111"), filepath.Join(spool, ".new-222")
	for _, d := range []string{fresh, stale} {
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "lock"), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("the folder being made was removed: %v", err)
	}
	if _, err := os.Stat(stale); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the abandoned folder is still there: %v", err)
	}
}
