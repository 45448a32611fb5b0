package storagetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"

	"linghang/storage"
)

// LargeSize is the size of the large object: above the 16 MiB at which
// minio-go switches to multipart uploads, where create-only conditions
// are easy to lose.
const LargeSize = 17<<20 + 12345

// Run runs the conformance suite. newStore returns a fresh, empty store
// for each subtest.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"Overwrite", testOverwrite},
		{"CreateOnly", testCreateOnly},
		{"IfMatch", testIfMatch},
		{"List", testList},
		{"NotFound", testNotFound},
		{"InvalidKey", testInvalidKey},
		{"InvalidMetadata", testInvalidMetadata},
		{"FailedWrite", testFailedWrite},
		{"Delete", testDelete},
		{"ConcurrentCreateOnly", testConcurrentCreateOnly},
		{"AtomicOverwrite", testAtomicOverwrite},
		{"Large", testLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "Large" && testing.Short() {
				t.Skip("large object skipped in -short mode")
			}
			tt.fn(t, newStore(t))
		})
	}
}

// Payload returns n deterministic pseudo-random bytes.
func Payload(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 0x6c696e6768616e67))
	b := make([]byte, n)
	for i := 0; i+8 <= n; i += 8 {
		v := r.Uint64()
		for j := range 8 {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	for i := n &^ 7; i < n; i++ {
		b[i] = byte(r.Uint32())
	}
	return b
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

func put(t *testing.T, s storage.Store, key string, data []byte, opts storage.PutOptions) storage.Info {
	t.Helper()
	info, err := s.Put(context.Background(), key, bytes.NewReader(data), opts)
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return info
}

func get(t *testing.T, s storage.Store, key string) ([]byte, storage.Info) {
	t.Helper()
	rc, info, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q): read: %v", key, err)
	}
	return b, info
}

func sameMeta(a, b map[string]string) bool {
	return len(a) == 0 && len(b) == 0 || maps.Equal(a, b)
}

func testRoundTrip(t *testing.T, s storage.Store) {
	tests := []struct {
		name string
		key  string
		data []byte
		opts storage.PutOptions
	}{
		{"empty", "empty", nil, storage.PutOptions{}},
		{"ascii", "2022/notice/notice.pdf", []byte("%PDF-1.7 hello"), storage.PutOptions{
			ContentType: "application/pdf",
			Metadata:    map[string]string{"kind": "notice", "year": "2022"},
		}},
		{"chinese", "2022/报名表/第3期/张三-110101199003071234.pdf", Payload(1, 4096), storage.PutOptions{
			ContentType: "application/pdf",
			Metadata: map[string]string{
				"title":      "关于开展2022年“领航计划”的通知",
				"applicant":  "张三（男，汉族）",
				"host":       "中国科学院大学 · 清华大学",
				"spaces":     "  前后有空格  ",
				"looks-2047": "=?UTF-8?B?5byg5LiJ?=",
				"symbols":    "a=b; c?d % 100% ✓ 𠀀",
			},
		}},
		{"binary", "bin/零字节\u3000全角空格.bin", []byte{0, 1, 2, 0xff, 0xfe, '\n', '\r', 0}, storage.PutOptions{
			ContentType: "application/octet-stream",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := sum(tt.data)
			info := put(t, s, tt.key, tt.data, tt.opts)
			if info.Key != tt.key || info.Size != int64(len(tt.data)) || info.SHA256 != want || info.ETag == "" {
				t.Errorf("Put info = {Key %q Size %d SHA256 %s ETag %q}, want {%q %d %s non-empty}",
					info.Key, info.Size, info.SHA256, info.ETag, tt.key, len(tt.data), want)
			}
			got, ginfo := get(t, s, tt.key)
			if !bytes.Equal(got, tt.data) {
				t.Errorf("Get content = %d bytes (sha %s), want %d bytes (sha %s)", len(got), sum(got), len(tt.data), want)
			}
			sinfo, err := s.Stat(context.Background(), tt.key)
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			for _, c := range []struct {
				op   string
				info storage.Info
			}{{"Get", ginfo}, {"Stat", sinfo}} {
				if c.info.Key != tt.key || c.info.Size != int64(len(tt.data)) || c.info.SHA256 != want || c.info.ETag != info.ETag {
					t.Errorf("%s info = {Key %q Size %d SHA256 %s ETag %q}, want {%q %d %s %q}", c.op,
						c.info.Key, c.info.Size, c.info.SHA256, c.info.ETag, tt.key, len(tt.data), want, info.ETag)
				}
				if tt.opts.ContentType != "" && c.info.ContentType != tt.opts.ContentType {
					t.Errorf("%s content type = %q, want %q", c.op, c.info.ContentType, tt.opts.ContentType)
				}
				if !sameMeta(c.info.Metadata, tt.opts.Metadata) {
					t.Errorf("%s metadata = %q, want %q", c.op, c.info.Metadata, tt.opts.Metadata)
				}
				if c.info.Modified.IsZero() {
					t.Errorf("%s modified time is zero", c.op)
				}
			}
		})
	}
}

func testOverwrite(t *testing.T, s storage.Store) {
	first := put(t, s, "doc.txt", []byte("第一版"), storage.PutOptions{Metadata: map[string]string{"v": "一"}})
	second := put(t, s, "doc.txt", []byte("第二版，更长"), storage.PutOptions{Metadata: map[string]string{"v": "二"}})
	if first.ETag == second.ETag {
		t.Errorf("ETag unchanged after overwrite with other content: %q", first.ETag)
	}
	got, info := get(t, s, "doc.txt")
	if string(got) != "第二版，更长" || info.Metadata["v"] != "二" || info.SHA256 != sum(got) {
		t.Errorf("after overwrite got %q metadata %q sha %s, want 第二版，更长 / v=二 / %s", got, info.Metadata, info.SHA256, sum(got))
	}
}

func testCreateOnly(t *testing.T, s storage.Store) {
	ctx := context.Background()
	put(t, s, "v/1.json", []byte(`{"v":1}`), storage.PutOptions{CreateOnly: true})
	_, err := s.Put(ctx, "v/1.json", strings.NewReader(`{"v":"other"}`), storage.PutOptions{CreateOnly: true})
	if !errors.Is(err, storage.ErrExists) {
		t.Fatalf("second create-only Put: err = %v, want ErrExists", err)
	}
	if storage.IsTransient(err) {
		t.Errorf("IsTransient(%v) = true, want false", err)
	}
	if got, _ := get(t, s, "v/1.json"); string(got) != `{"v":1}` {
		t.Errorf("content after refused create = %q, want the first", got)
	}
}

func testIfMatch(t *testing.T, s storage.Store) {
	ctx := context.Background()
	v1 := put(t, s, "index.json", []byte("v1"), storage.PutOptions{})
	v2, err := s.Put(ctx, "index.json", strings.NewReader("v2"), storage.PutOptions{IfMatch: v1.ETag})
	if err != nil {
		t.Fatalf("Put with current ETag: %v", err)
	}
	tests := []struct {
		name    string
		key     string
		ifMatch string
	}{
		{"stale", "index.json", v1.ETag},
		{"garbage", "index.json", "0123456789abcdef0123456789abcdef"},
		{"absent", "absent.json", v2.ETag},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Put(ctx, tt.key, strings.NewReader("v3"), storage.PutOptions{IfMatch: tt.ifMatch})
			if !errors.Is(err, storage.ErrPrecondition) {
				t.Errorf("Put(%q, IfMatch %q): err = %v, want ErrPrecondition", tt.key, tt.ifMatch, err)
			}
		})
	}
	if got, _ := get(t, s, "index.json"); string(got) != "v2" {
		t.Errorf("content = %q, want v2", got)
	}
	if _, err := s.Stat(ctx, "absent.json"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("failed IfMatch created the object: Stat err = %v", err)
	}
}

func testList(t *testing.T, s storage.Store) {
	keys := []string{"b", "a/b", "a-c", "a/c/d", "ab", "a/c/e", "2022/通知.pdf", "2022/附件1.pdf", "2022/附件2/报名表.docx", "z"}
	for i, k := range keys {
		put(t, s, k, []byte(fmt.Sprintf("object %d", i)), storage.PutOptions{})
	}
	tests := []struct {
		prefix string
		want   []string
	}{
		{"", []string{"2022/通知.pdf", "2022/附件1.pdf", "2022/附件2/报名表.docx", "a-c", "a/b", "a/c/d", "a/c/e", "ab", "b", "z"}},
		{"a", []string{"a-c", "a/b", "a/c/d", "a/c/e", "ab"}},
		{"a/", []string{"a/b", "a/c/d", "a/c/e"}},
		{"a/c", []string{"a/c/d", "a/c/e"}},
		{"a/c/d", []string{"a/c/d"}},
		{"2022/附件", []string{"2022/附件1.pdf", "2022/附件2/报名表.docx"}},
		{"2022/附件2/", []string{"2022/附件2/报名表.docx"}},
		{"nothing", nil},
		{"nothing/", nil},
		{"b/", nil},
	}
	for _, tt := range tests {
		t.Run(tt.prefix, func(t *testing.T) {
			infos, err := s.List(context.Background(), tt.prefix)
			if err != nil {
				t.Fatalf("List(%q): %v", tt.prefix, err)
			}
			var got []string
			for _, in := range infos {
				got = append(got, in.Key)
				if in.ETag == "" || in.Modified.IsZero() || in.Size != int64(len(fmt.Sprintf("object %d", slices.Index(keys, in.Key)))) {
					t.Errorf("List(%q) entry %q = {Size %d ETag %q Modified %v}, want size, ETag and time", tt.prefix, in.Key, in.Size, in.ETag, in.Modified)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("List(%q) = %q, want %q", tt.prefix, got, tt.want)
			}
		})
	}
}

func testNotFound(t *testing.T, s storage.Store) {
	ctx := context.Background()
	put(t, s, "dir/present", []byte("x"), storage.PutOptions{})
	for _, key := range []string{"absent", "dir/absent", "dir", "dir/present/below"} {
		t.Run(key, func(t *testing.T) {
			if _, _, err := s.Get(ctx, key); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("Get(%q): err = %v, want ErrNotFound", key, err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("Stat(%q): err = %v, want ErrNotFound", key, err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, storage.ErrNotFound) {
				t.Errorf("Delete(%q): err = %v, want ErrNotFound", key, err)
			}
		})
	}
}

// BadKeys are keys every backend must refuse.
var BadKeys = []string{
	"", "/abs", "a//b", "a/", "../up", "a/../b", "a/./b", ".", "a\\b", "a\x00b", "a\nb", "a\x7fb",
	"C:/x", strings.Repeat("长", 86) + "/x", "a/.linghang-tmp-1", "\xff\xfe",
}

func testInvalidKey(t *testing.T, s storage.Store) {
	ctx := context.Background()
	for _, key := range BadKeys {
		t.Run(fmt.Sprintf("%q", key), func(t *testing.T) {
			if _, err := s.Put(ctx, key, strings.NewReader("x"), storage.PutOptions{}); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("Put(%q): err = %v, want ErrInvalidKey", key, err)
			}
			if _, _, err := s.Get(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("Get(%q): err = %v, want ErrInvalidKey", key, err)
			}
			if _, err := s.Stat(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("Stat(%q): err = %v, want ErrInvalidKey", key, err)
			}
			if err := s.Delete(ctx, key); !errors.Is(err, storage.ErrInvalidKey) {
				t.Errorf("Delete(%q): err = %v, want ErrInvalidKey", key, err)
			}
		})
	}
	for _, prefix := range []string{"../", "/x", "a//", "a\\"} {
		if _, err := s.List(ctx, prefix); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("List(%q): err = %v, want ErrInvalidKey", prefix, err)
		}
	}
	if infos, err := s.List(ctx, ""); err != nil || len(infos) != 0 {
		t.Errorf("after refused keys List = %v, %v; want empty", infos, err)
	}
}

func testInvalidMetadata(t *testing.T, s storage.Store) {
	tests := []map[string]string{
		{"Title": "upper case name"},
		{"名字": "non-ASCII name"},
		{"sha256": "reserved"},
		{"ok": "control \x01 char"},
		{"big": strings.Repeat("长", 600)},
	}
	for _, md := range tests {
		_, err := s.Put(context.Background(), "meta", strings.NewReader("x"), storage.PutOptions{Metadata: md})
		if !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Put with metadata %.40q: err = %v, want ErrInvalidKey", md, err)
		}
	}
	_, err := s.Put(context.Background(), "meta", strings.NewReader("x"), storage.PutOptions{CreateOnly: true, IfMatch: "0123"})
	if err == nil {
		t.Errorf("Put with CreateOnly and IfMatch succeeded")
	}
	if _, err := s.Stat(context.Background(), "meta"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("refused Put left an object: Stat err = %v", err)
	}
}

// failingReader yields n bytes and then fails.
type failingReader struct {
	n   int
	err error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, r.err
	}
	k := min(len(p), r.n)
	copy(p, Payload(9, k))
	r.n -= k
	return k, nil
}

// cancelReader cancels its context after n bytes.
type cancelReader struct {
	n      int
	cancel context.CancelFunc
}

func (r *cancelReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		r.cancel()
		return 0, context.Canceled
	}
	k := min(len(p), r.n)
	clear(p[:k])
	r.n -= k
	return k, nil
}

func testFailedWrite(t *testing.T, s storage.Store) {
	boom := errors.New("读取源文件失败")
	put(t, s, "kept", []byte("original"), storage.PutOptions{})
	for _, key := range []string{"fresh", "kept"} {
		t.Run("reader-error/"+key, func(t *testing.T) {
			_, err := s.Put(context.Background(), key, &failingReader{n: 300 << 10, err: boom}, storage.PutOptions{})
			if err == nil {
				t.Fatalf("Put with failing reader succeeded")
			}
		})
		t.Run("cancel/"+key, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			_, err := s.Put(ctx, key, &cancelReader{n: 200 << 10, cancel: cancel}, storage.PutOptions{})
			if err == nil {
				t.Fatalf("cancelled Put succeeded")
			}
			if storage.IsTransient(err) {
				t.Errorf("IsTransient(cancelled Put) = true: %v", err)
			}
		})
	}
	if _, err := s.Stat(context.Background(), "fresh"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("failed Put left an object: Stat err = %v", err)
	}
	if got, _ := get(t, s, "kept"); string(got) != "original" {
		t.Errorf("failed overwrite changed the object to %q", got)
	}
	infos, err := s.List(context.Background(), "")
	if err != nil || len(infos) != 1 || infos[0].Key != "kept" {
		t.Errorf("List after failed writes = %v, %v; want only kept", infos, err)
	}
}

func testDelete(t *testing.T, s storage.Store) {
	ctx := context.Background()
	put(t, s, "a/b/c", []byte("x"), storage.PutOptions{Metadata: map[string]string{"m": "旧"}})
	put(t, s, "a/d", []byte("y"), storage.PutOptions{})
	if err := s.Delete(ctx, "a/b/c"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := s.Stat(ctx, "a/b/c"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat after Delete: err = %v, want ErrNotFound", err)
	}
	infos, err := s.List(ctx, "a")
	if err != nil || len(infos) != 1 || infos[0].Key != "a/d" {
		t.Errorf("List after Delete = %v, %v; want only a/d", infos, err)
	}
	// A new object under the deleted key carries none of the old metadata.
	put(t, s, "a/b/c", []byte("z"), storage.PutOptions{})
	if info, err := s.Stat(ctx, "a/b/c"); err != nil || len(info.Metadata) != 0 {
		t.Errorf("recreated object: metadata %q, err %v; want none", info.Metadata, err)
	}
}

func testConcurrentCreateOnly(t *testing.T, s storage.Store) {
	const writers = 8
	ctx := context.Background()
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []int
		others  []error
	)
	for i := range writers {
		wg.Go(func() {
			_, err := s.Put(ctx, "race/v1", bytes.NewReader(Payload(uint64(i), 64<<10)), storage.PutOptions{
				CreateOnly: true, Metadata: map[string]string{"writer": fmt.Sprint(i)},
			})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				winners = append(winners, i)
			} else if !errors.Is(err, storage.ErrExists) {
				others = append(others, err)
			}
		})
	}
	wg.Wait()
	if len(winners) != 1 || len(others) != 0 {
		t.Fatalf("concurrent create-only: winners %v, unexpected errors %v; want exactly one winner, the rest ErrExists", winners, others)
	}
	got, info := get(t, s, "race/v1")
	if !bytes.Equal(got, Payload(uint64(winners[0]), 64<<10)) || info.Metadata["writer"] != fmt.Sprint(winners[0]) {
		t.Errorf("stored object is not the winner's (writer %d): metadata %q", winners[0], info.Metadata)
	}
}

func testLarge(t *testing.T, s storage.Store) {
	ctx := context.Background()
	data := Payload(42, LargeSize)
	info := put(t, s, "big/archive.zip", data, storage.PutOptions{CreateOnly: true, Metadata: map[string]string{"name": "大文件"}})
	if info.SHA256 != sum(data) || info.Size != int64(len(data)) {
		t.Errorf("Put info = size %d sha %s, want %d %s", info.Size, info.SHA256, len(data), sum(data))
	}
	other := Payload(43, LargeSize)
	_, err := s.Put(ctx, "big/archive.zip", bytes.NewReader(other), storage.PutOptions{CreateOnly: true})
	if !errors.Is(err, storage.ErrExists) {
		t.Errorf("create-only Put of a large object over an existing one: err = %v, want ErrExists", err)
	}
	got, ginfo := get(t, s, "big/archive.zip")
	if !bytes.Equal(got, data) {
		t.Errorf("large object content changed: sha %s, want %s", sum(got), sum(data))
	}
	if ginfo.SHA256 != sum(data) || ginfo.Metadata["name"] != "大文件" {
		t.Errorf("Get info sha %s metadata %q, want %s name=大文件", ginfo.SHA256, ginfo.Metadata, sum(data))
	}
}

// testAtomicOverwrite: while one writer keeps replacing an object with one
// of two versions, every reader sees one version whole, with that
// version's SHA-256 and metadata — never a mix, never a torn file.
func testAtomicOverwrite(t *testing.T, s storage.Store) {
	ctx := context.Background()
	versions := [][]byte{Payload(1, 96<<10), Payload(2, 160<<10)}
	sums := []string{sum(versions[0]), sum(versions[1])}
	put(t, s, "index.json", versions[0], storage.PutOptions{Metadata: map[string]string{"v": "0"}})
	done := make(chan struct{})
	var werr error
	go func() {
		defer close(done)
		for i := 1; i <= 30; i++ {
			if _, err := s.Put(ctx, "index.json", bytes.NewReader(versions[i%2]), storage.PutOptions{Metadata: map[string]string{"v": fmt.Sprint(i % 2)}}); err != nil {
				werr = err
				return
			}
		}
	}()
	reads := 0
	for {
		select {
		case <-done:
			if werr != nil {
				t.Fatalf("writer: %v", werr)
			}
			if reads == 0 {
				t.Fatalf("no read completed while writing")
			}
			return
		default:
		}
		got, info := get(t, s, "index.json")
		reads++
		v := slices.Index(sums, sum(got))
		if v < 0 {
			t.Fatalf("read %d: content is neither version (%d bytes)", reads, len(got))
		}
		if info.SHA256 != sums[v] || info.Metadata["v"] != fmt.Sprint(v) {
			t.Fatalf("read %d: content is version %d but info says sha %s metadata %q", reads, v, info.SHA256, info.Metadata)
		}
	}
}
