package archive

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"linghang/storage/fs"
)

// tinyDisk mounts a tmpfs of size bytes (root only) and returns its path.
func tinyDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (needs root): %v %s", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// TestLocalDiskFull: the fs store's disk fills up in the middle of a run.
// The run fails with an error that says so (no space left on device),
// the documents already current stay current with their content, no
// half-written version becomes visible and no temporary file is left.
// With the spool on another disk the rest of the run waits there, and
// once space is freed a flush completes it and verify is clean; with
// the spool on the full disk too, the run fails and nothing changes.
func TestLocalDiskFull(t *testing.T) {
	t.Run("spool elsewhere", func(t *testing.T) { testLocalDiskFull(t, false) })
	t.Run("spool on the full disk", func(t *testing.T) { testLocalDiskFull(t, true) })
}

func testLocalDiskFull(t *testing.T, spoolOnDisk bool) {
	disk := tinyDisk(t, "256k")
	st, err := fs.New(filepath.Join(disk, "store"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	spool := filepath.Join(t.TempDir(), "spool")
	if spoolOnDisk {
		spool = filepath.Join(disk, "spool")
	}
	a := newArchive(t, st, spool)
	ctx := context.Background()
	commit(t, a, "run-1", noticeDoc("通知 第一版"))

	b, err := a.Begin(ctx, "run-2", "in")
	if err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 60<<10)
	for i := range big {
		big[i] = byte(i*7 + i/251) // incompressible enough; tmpfs does not compress anyway
	}
	var addErr error
	b.Add(ctx, noticeDoc("通知 第二版"))
	for i := 0; i < 8 && addErr == nil; i++ {
		_, addErr = b.Add(ctx, formDoc(1, "科协党校班", fmt.Sprintf("学员%d", i), "", string(big)))
	}
	// A run stops at its first failed Add and abandons the batch, as the
	// pipeline does; otherwise it commits.
	if addErr != nil {
		err = addErr
		if aerr := b.Abort(ctx); aerr != nil {
			t.Errorf("Abort on a full disk: %v", aerr)
		}
	} else {
		_, err = b.Commit(ctx)
	}
	if err == nil || !strings.Contains(err.Error(), "no space left on device") {
		t.Fatalf("run on a full disk: err = %v, want one saying no space is left", err)
	}
	t.Logf("用户看到的错误：%v", err)

	// The notice stays at its first version; no form is listed.
	key, _ := DocKey(noticeDoc(""))
	if body, e := read(t, a, key, 0); body != "通知 第一版" || e.Version != 1 {
		t.Errorf("current notice = v%d %q, want v1 通知 第一版", e.Version, body)
	}
	if es, err := a.Find(ctx, Query{Kind: Form}); err != nil || len(es) != 0 {
		t.Errorf("forms listed after the failed run: %d, %v", len(es), err)
	}
	// No temporary file is left behind.
	filepath.Walk(disk, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && strings.Contains(filepath.Base(p), "tmp") && !strings.Contains(p, "spool") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
	vr, err := a.Verify(ctx, io.Discard)
	if err != nil || !vr.OK() {
		t.Errorf("verify after the failed run: %+v %v", vr, err)
	}

	// Space freed.
	if out, err := exec.Command("mount", "-o", "remount,size=4m", disk).CombinedOutput(); err != nil {
		t.Fatalf("remount: %v %s", err, out)
	}
	rep, err := a.Flush(ctx)
	if err != nil {
		t.Fatalf("flush after space is freed: %v", err)
	}
	want := 8 // the forms, spooled
	if spoolOnDisk {
		want = 0 // the run failed as a whole; nothing was kept to finish
	}
	es, err := a.Find(ctx, Query{Kind: Form})
	if err != nil || len(es) != want {
		t.Errorf("after flush (%+v): %d forms, %v; want %d", rep, len(es), err, want)
	}
	if vr, err := a.Verify(ctx, io.Discard); err != nil || !vr.OK() {
		t.Errorf("verify after recovery: %+v %v", vr, err)
	}
	wantNotice := "通知 第二版"
	if spoolOnDisk {
		wantNotice = "通知 第一版"
	}
	if body, _ := read(t, a, key, 0); body != wantNotice {
		t.Errorf("current notice after recovery = %q, want %q", body, wantNotice)
	}
	if err := a.CheckIndex(ctx); err != nil {
		t.Errorf("index after recovery: %v", err)
	}
}
