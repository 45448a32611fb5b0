package fs_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"linghang/storage"
	lfs "linghang/storage/fs"
	"linghang/storage/storagetest"
)

func newStore(t *testing.T) *lfs.Store {
	t.Helper()
	s, err := lfs.New(filepath.Join(t.TempDir(), "数据"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store { return newStore(t) })
}

// The same guarantees with every write syncing its own files (the only
// way off Linux).
func TestConformanceSyncEach(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Store {
		s := newStore(t)
		s.SyncEach = true
		return s
	})
}

// A checksum the caller already has is recorded as given, not computed
// again; one that is not a SHA-256 in hex is refused before anything is
// written.
func TestPutTakesKnownChecksum(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	body := []byte("报名表")
	sum := sha256.Sum256(body)
	want := hex.EncodeToString(sum[:])
	info, err := s.Put(ctx, "a/报名表.pdf", bytes.NewReader(body), storage.PutOptions{SHA256: want})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stat(ctx, "a/报名表.pdf")
	if err != nil {
		t.Fatal(err)
	}
	if info.SHA256 != want || st.SHA256 != want || st.Size != int64(len(body)) {
		t.Errorf("Put → %s, Stat → %s (%d bytes), want %s (%d bytes)", info.SHA256, st.SHA256, st.Size, want, len(body))
	}
	for _, bad := range []string{"xyz", strings.ToUpper(want), want[:63]} {
		_, err := s.Put(ctx, "a/坏.pdf", bytes.NewReader(body), storage.PutOptions{SHA256: bad})
		if err == nil || !strings.Contains(err.Error(), "SHA-256") {
			t.Errorf("SHA256 %q: err = %v, want a refusal naming SHA-256", bad, err)
		}
		if _, err := s.Stat(ctx, "a/坏.pdf"); !errors.Is(err, storage.ErrNotFound) {
			t.Errorf("SHA256 %q: object written anyway (Stat: %v)", bad, err)
		}
	}
}

// files lists every file under dir, relative, bookkeeping included.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasPrefix(p, filepath.Join(dir, ".linghang", "locks")) {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLayout(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	data := []byte("%PDF-1.7 领航计划")
	if _, err := s.Put(ctx, "2022/通知.pdf", bytes.NewReader(data), storage.PutOptions{ContentType: "application/pdf"}); err != nil {
		t.Fatal(err)
	}
	got := files(t, s.Dir())
	want := []string{".linghang/meta/2022/通知.pdf", "2022/通知.pdf"}
	if !slices.Equal(got, want) {
		t.Errorf("files = %q, want %q", got, want)
	}
	// The object is the plain file, readable with ordinary tools.
	b, err := os.ReadFile(filepath.Join(s.Dir(), "2022", "通知.pdf"))
	if err != nil || !bytes.Equal(b, data) {
		t.Errorf("plain file = %q, %v; want %q", b, err, data)
	}
}

// A write that fails or is cancelled mid-stream leaves no object, no
// sidecar and no visible temporary file.
func TestFailedWriteLeavesNothing(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	r := &slowReader{n: 1 << 20, after: 256 << 10, cancel: cancel}
	if _, err := s.Put(ctx, "batch/第1期/名册.xlsx", r, storage.PutOptions{}); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put: err = %v, want context.Canceled", err)
	}
	if got := files(t, s.Dir()); len(got) != 0 {
		t.Errorf("files after cancelled Put = %q, want none", got)
	}
}

type slowReader struct {
	n, after int
	cancel   func()
}

func (r *slowReader) Read(p []byte) (int, error) {
	if r.after <= 0 {
		r.cancel()
	}
	k := min(len(p), r.n, 32<<10)
	r.n -= k
	r.after -= k
	return k, nil
}

// A crash leaves a temporary file: List never shows it, and once stale
// List and Clean remove it; a fresh one (a write in progress) is kept.
func TestStaleTempFiles(t *testing.T) {
	s := newStore(t)
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { return now }
	ctx := context.Background()
	if _, err := s.Put(ctx, "a/x", strings.NewReader("x"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	old := now.Add(-2 * time.Hour)
	tests := []struct {
		name  string
		mtime time.Time
		kept  bool
	}{
		{"a/.linghang-tmp-crashed", old, false},
		{".linghang-tmp-crashed", old, false},
		{".linghang/meta/a/.linghang-tmp-crashed", old, false},
		{"a/.linghang-tmp-writing", now.Add(-time.Minute), true},
	}
	for _, tt := range tests {
		p := filepath.Join(s.Dir(), filepath.FromSlash(tt.name))
		if err := os.WriteFile(p, []byte("half"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(p, tt.mtime, tt.mtime); err != nil {
			t.Fatal(err)
		}
	}
	infos, err := s.List(ctx, "")
	if err != nil || len(infos) != 1 || infos[0].Key != "a/x" {
		t.Fatalf("List = %v, %v; want only a/x", infos, err)
	}
	n, err := s.Clean(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 { // the meta one; List already removed the two in the object tree
		t.Errorf("Clean removed %d, want 1", n)
	}
	for _, tt := range tests {
		_, err := os.Stat(filepath.Join(s.Dir(), filepath.FromSlash(tt.name)))
		if got := err == nil; got != tt.kept {
			t.Errorf("%s kept = %v, want %v", tt.name, got, tt.kept)
		}
	}
}

// A file altered or replaced behind the store's back reports its true
// size and SHA-256, and keeps the sidecar's metadata with the SHA-256 the
// sidecar recorded, so a caller sees both; a file put in place by hand
// (no sidecar) has no metadata.
func TestSidecarMismatch(t *testing.T) {
	const orig = "%PDF-1.7 胸卡 原件"
	sha := func(b []byte) string {
		h := sha256.Sum256(b)
		return hex.EncodeToString(h[:])
	}
	tests := []struct {
		name     string
		sidecar  bool // put through the store first
		contents func(old []byte) []byte
	}{
		{"byte flipped", true, func(old []byte) []byte {
			b := bytes.Clone(old)
			b[len(b)/2] ^= 0x01
			return b
		}},
		{"truncated", true, func(old []byte) []byte { return old[:5] }},
		{"replaced by hand", true, func([]byte) []byte { return []byte("replaced by hand") }},
		{"no sidecar", false, func([]byte) []byte { return []byte("put in place by hand") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			ctx := context.Background()
			key := "2022/胸卡/胸卡.v0001.pdf"
			wantMeta := map[string]string{}
			wantType := ""
			if tt.sidecar {
				put, err := s.Put(ctx, key, strings.NewReader(orig), storage.PutOptions{ContentType: "application/pdf", Metadata: map[string]string{"title": "胸卡"}})
				if err != nil {
					t.Fatal(err)
				}
				wantMeta = map[string]string{"title": "胸卡", storage.MetaSHA256: put.SHA256}
				wantType = "application/pdf"
			}
			data := tt.contents([]byte(orig))
			p := filepath.Join(s.Dir(), filepath.FromSlash(key))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			later := time.Now().Add(time.Hour) // an edit moves the time
			if err := os.Chtimes(p, later, later); err != nil {
				t.Fatal(err)
			}
			stat, err := s.Stat(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			rc, got, err := s.Get(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			rc.Close()
			for _, info := range []storage.Info{stat, got} {
				if info.SHA256 != sha(data) || info.Size != int64(len(data)) || info.ETag != sha(data)[:32] {
					t.Errorf("info = sha %s size %d etag %s, want the content's %s %d", info.SHA256, info.Size, info.ETag, sha(data), len(data))
				}
				if fmt.Sprint(info.Metadata) != fmt.Sprint(wantMeta) || info.ContentType != wantType {
					t.Errorf("metadata = %q %q, want %q %q", info.Metadata, info.ContentType, wantMeta, wantType)
				}
			}
		})
	}
}

// A copy that resets modification times (cp without -p, an unzip) keeps
// the metadata: the content still matches the sidecar's SHA-256.
func TestSidecarAfterCopy(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	md := map[string]string{"title": "第3期学员名册"}
	put, err := s.Put(ctx, "k", strings.NewReader("名册"), storage.PutOptions{ContentType: "text/plain", Metadata: md})
	if err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(72 * time.Hour)
	if err := os.Chtimes(filepath.Join(s.Dir(), "k"), later, later); err != nil {
		t.Fatal(err)
	}
	info, err := s.Stat(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	if info.SHA256 != put.SHA256 || info.ETag != put.ETag || info.Metadata["title"] != md["title"] || info.ContentType != "text/plain" {
		t.Errorf("Stat after copy = %+v, want the sidecar's info %+v", info, put)
	}
}

// No key and no symlink reaches outside the root.
func TestSymlinkEscape(t *testing.T) {
	s := newStore(t)
	outside := t.TempDir()
	if err := os.WriteFile(filepath.Join(outside, "secret"), []byte("秘密"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(s.Dir(), "link")); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, _, err := s.Get(ctx, "link/secret"); err == nil {
		t.Errorf("Get through a symlink out of the root succeeded")
	}
	if _, err := s.Put(ctx, "link/planted", strings.NewReader("x"), storage.PutOptions{}); err == nil {
		t.Errorf("Put through a symlink out of the root succeeded")
	}
	if _, err := os.Stat(filepath.Join(outside, "planted")); err == nil {
		t.Errorf("file planted outside the root")
	}
}

func TestKeyConflicts(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	if _, err := s.Put(ctx, "a/b", strings.NewReader("x"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"a/b/c", "a"} {
		if _, err := s.Put(ctx, key, strings.NewReader("y"), storage.PutOptions{}); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Put(%q) beside object a/b: err = %v, want ErrInvalidKey", key, err)
		}
	}
}

func TestNewErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := lfs.New(filepath.Join(file, "sub"))
	if err == nil || !strings.Contains(err.Error(), "无法创建存储目录") || !strings.Contains(err.Error(), file) {
		t.Errorf("New under a file: err = %v, want Chinese error naming the path", err)
	}
}

func BenchmarkPut100KB(b *testing.B) {
	s, err := lfs.New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	data := storagetest.Payload(7, 100<<10)
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		key := "bench/" + strconv.Itoa(i%1000)
		if _, err := s.Put(ctx, key, bytes.NewReader(data), storage.PutOptions{ContentType: "application/pdf", Metadata: map[string]string{"title": "基准"}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "objects/s")
}

// BenchmarkPutPhotos writes a year's photos as an import does: 12 KB
// objects, create-only, three folders deep, eight writers at once.
func BenchmarkPutPhotos(b *testing.B) {
	s, err := lfs.New(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	data := storagetest.Payload(7, 12<<10)
	ctx := context.Background()
	var next atomic.Int64
	b.SetBytes(int64(len(data)))
	b.SetParallelism(4) // 8 writers on 2 CPUs
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			key := fmt.Sprintf("2022/数据/照片-%064d.jpg.v0001", next.Add(1))
			if _, err := s.Put(ctx, key, bytes.NewReader(data), storage.PutOptions{ContentType: "image/jpeg", CreateOnly: true,
				Metadata: map[string]string{"title": "学员照片"}}); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "objects/s")
}
