package fs_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"linghang/storage"
	lfs "linghang/storage/fs"
)

func put(t *testing.T, s *lfs.Store, key, body string) {
	t.Helper()
	if _, err := s.Put(context.Background(), key, bytes.NewReader([]byte(body)), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, s *lfs.Store, key string) string {
	t.Helper()
	rc, _, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%s): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A store keeps the folders it uses open. When another process (here a
// second store on the same directory) deletes a folder's last object,
// pruning the folder, and then writes there again, creating a new folder
// of the same name, the first store's open folders are removed ones: its
// writes and its reads must still reach the new folder, whichever comes
// first.
func TestRemovedFolderIsReopened(t *testing.T) {
	ctx := context.Background()
	for _, first := range []string{"write", "read"} {
		t.Run(first+" first", func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "数据")
			a, err := lfs.New(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			b, err := lfs.New(dir)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()

			put(t, a, "2022/第01期/报名表/甲.pdf", "甲")
			if got := get(t, a, "2022/第01期/报名表/甲.pdf"); got != "甲" {
				t.Fatalf("read back %q", got)
			}
			// b removes the only object (and with it the folders), then
			// writes into a new folder of the same name.
			if err := b.Delete(ctx, "2022/第01期/报名表/甲.pdf"); err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(filepath.Join(dir, "2022", "第01期")); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("Delete did not prune the folders: %v", err)
			}
			put(t, b, "2022/第01期/报名表/乙.pdf", "乙")

			write := func() {
				put(t, a, "2022/第01期/报名表/丙.pdf", "丙")
				got, err := os.ReadFile(filepath.Join(dir, "2022", "第01期", "报名表", "丙.pdf"))
				if err != nil || string(got) != "丙" {
					t.Fatalf("write through a removed folder: %q, %v", got, err)
				}
				if info, err := b.Stat(ctx, "2022/第01期/报名表/丙.pdf"); err != nil || info.SHA256 == "" {
					t.Errorf("b cannot describe a's write: %+v, %v", info, err)
				}
			}
			read := func() {
				if info, err := a.Stat(ctx, "2022/第01期/报名表/乙.pdf"); err != nil || info.Size != int64(len("乙")) {
					t.Errorf("Stat through a removed folder: %+v, %v", info, err)
				}
				if got := get(t, a, "2022/第01期/报名表/乙.pdf"); got != "乙" {
					t.Errorf("Get through a removed folder: %q", got)
				}
			}
			if first == "write" {
				write()
				read()
			} else {
				read()
				write()
			}

			// The same in one store: Delete prunes, Put makes the folder
			// again.
			for _, k := range []string{"乙", "丙"} {
				if err := a.Delete(ctx, "2022/第01期/报名表/"+k+".pdf"); err != nil {
					t.Fatal(err)
				}
			}
			put(t, a, "2022/第01期/报名表/丁.pdf", "丁")
			if got := get(t, b, "2022/第01期/报名表/丁.pdf"); got != "丁" {
				t.Errorf("read back %q", got)
			}
		})
	}
}

// Open folders are shared and released: writing and reading many
// objects in a few folders does not leave a descriptor open for each,
// and Close releases them all.
func TestFoldersDoNotLeak(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts /proc/self/fd")
	}
	openFDs := func() int {
		es, err := os.ReadDir("/proc/self/fd")
		if err != nil {
			t.Fatal(err)
		}
		return len(es)
	}
	ctx := context.Background()
	before := openFDs()
	s, err := lfs.New(filepath.Join(t.TempDir(), "数据"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		key := fmt.Sprintf("2022/第%02d期/报名表/%03d.pdf", i%3, i)
		put(t, s, key, key)
		if got := get(t, s, key); got != key {
			t.Fatalf("read back %q", got)
		}
		if _, err := s.Stat(ctx, key); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Stat(ctx, "2022/第09期/报名表/无.pdf"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("Stat of a missing folder: %v", err)
	}
	// The three folders, their sidecar folders and a few for the
	// store's own use; nothing per object.
	if n := openFDs() - before; n > 20 {
		t.Errorf("%d descriptors open after 300 writes in 3 folders", n)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := openFDs() - before; n > 0 {
		t.Errorf("%d descriptors still open after Close", n)
	}
}
