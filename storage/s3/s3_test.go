package s3

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"linghang/storage"
	"linghang/storage/storagetest"
)

func TestConformance(t *testing.T) {
	srv := testServer(t)
	storagetest.Run(t, func(t *testing.T) storage.Store { return srv.store(t, srv.config(t)) })
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		url  string
		want Config // only compared when err == ""
		err  string
	}{
		{"s3://archive", Config{Endpoint: DefaultEndpoint, Secure: true, Bucket: "archive"}, ""},
		{"s3://archive/linghang/2022?endpoint=127.0.0.1:7070&region=cn-north-1&tls=false&timeout=45s&lock=compliance",
			Config{Endpoint: "127.0.0.1:7070", Region: "cn-north-1", Bucket: "archive", Prefix: "linghang/2022/", Timeout: 45 * time.Second, LockMode: "COMPLIANCE"}, ""},
		{"s3://archive/?endpoint=http://minio.local:9000", Config{Endpoint: "minio.local:9000", Bucket: "archive"}, ""},
		{"s3://archive/归档/", Config{Endpoint: DefaultEndpoint, Secure: true, Bucket: "archive", Prefix: "归档/"}, ""},
		{"s3://AB", Config{}, "存储桶名"},
		{"s3://key:secret@archive", Config{}, "凭据"},
		{"s3://archive?endpoint=host:99999", Config{}, "端口"},
		{"s3://archive?tls=maybe", Config{}, "tls"},
		{"s3://archive?timeout=-3s", Config{}, "timeout"},
		{"s3://archive?lock=forever", Config{}, "对象锁定模式"},
		{"s3://archive?regoin=x", Config{}, "未知参数"},
		{"s3://archive/a/../b", Config{}, `".."`},
		{"http://archive", Config{}, "s3://"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			got, err := ParseURL(tt.url)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), tt.url) {
					t.Errorf("ParseURL(%q) error = %v, want one naming the URL and %q", tt.url, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("ParseURL(%q) = %+v, %v; want %+v", tt.url, got, err, tt.want)
			}
		})
	}
}

func TestMetadataCodec(t *testing.T) {
	for _, v := range []string{"", "plain", "张三", " lead", "trail ", "=?UTF-8?B?5byg5LiJ?=", "=?utf-8?q?x?=", "tab\there", "✓ 𠀀"} {
		enc := encodeMeta(map[string]string{"v": v}, "abc")["v"]
		for i := 0; i < len(enc); i++ {
			if enc[i] < 0x20 || enc[i] > 0x7e {
				t.Errorf("encoded %q = %q is not printable ASCII", v, enc)
				break
			}
		}
		// What minio-go does to response headers before we see them.
		dec := enc
		if strings.HasPrefix(enc, "=?") {
			d, err := new(mime.WordDecoder).DecodeHeader(enc)
			if err != nil {
				t.Fatalf("minio-go could not decode %q: %v", enc, err)
			}
			dec = d
		}
		md, sha := decodeMeta(http.Header{"X-Amz-Meta-V": {dec}, "X-Amz-Meta-Sha256": {"abc"}})
		if md["v"] != v || sha != "abc" {
			t.Errorf("round trip %q: got %q sha %q", v, md["v"], sha)
		}
	}
}

// What goes over the wire, seen by a recording server: metadata as ASCII
// headers, a single PUT (no multipart), the create-only condition, and the
// SHA-256 as a checksum trailer the server can verify.
func TestRequestOnTheWire(t *testing.T) {
	type req struct {
		method, path string
		header       http.Header
		body         []byte
	}
	var (
		mu   sync.Mutex
		reqs []req
	)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		reqs = append(reqs, req{r.Method, r.URL.Path, r.Header.Clone(), b})
		mu.Unlock()
		if r.URL.Query().Has("object-lock") {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>ObjectLockConfigurationNotFoundError</Code><Message>none</Message></Error>`)
			return
		}
		w.Header().Set("ETag", `"0123456789abcdef0123456789abcdef"`)
	}))
	defer ts.Close()
	st, err := New(context.Background(), Config{Endpoint: strings.TrimPrefix(ts.URL, "http://"), Bucket: "archive", Prefix: "p/", Region: "us-east-1", AccessKey: "a", SecretKey: "b", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	data := storagetest.Payload(3, 300<<10)
	if _, err := st.Put(context.Background(), "名册.xlsx", bytes.NewReader(data), storage.PutOptions{
		CreateOnly: true, Metadata: map[string]string{"host": "清华大学", "year": "2022"},
	}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	var puts []req
	for _, r := range reqs {
		if r.method == http.MethodPut {
			puts = append(puts, r)
		}
	}
	if len(puts) != 1 {
		t.Fatalf("PUT requests = %d, want 1", len(puts))
	}
	p := puts[0]
	sum := sha256.Sum256(data)
	tests := []struct{ name, got, want string }{
		{"path", p.path, "/archive/p/名册.xlsx"},
		{"X-Amz-Meta-Host", p.header.Get("X-Amz-Meta-Host"), "=?UTF-8?B?5riF5Y2O5aSn5a2m?="},
		{"X-Amz-Meta-Year", p.header.Get("X-Amz-Meta-Year"), "2022"},
		{"X-Amz-Meta-Sha256", p.header.Get("X-Amz-Meta-Sha256"), fmt.Sprintf("%x", sum)},
		{"If-None-Match", p.header.Get("If-None-Match"), "*"},
		{"X-Amz-Trailer", strings.ToLower(p.header.Get("X-Amz-Trailer")), "x-amz-checksum-sha256"},
		{"trailer in body", fmt.Sprint(bytes.Contains(p.body, []byte("x-amz-checksum-sha256:"+base64.StdEncoding.EncodeToString(sum[:])))), "true"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
		}
	}
}

// The server keeps the checksum it verified.
func TestChecksumStored(t *testing.T) {
	srv := testServer(t)
	cfg := srv.config(t)
	st := srv.store(t, cfg)
	ctx := context.Background()
	data := storagetest.Payload(3, 300<<10)
	if _, err := st.Put(ctx, "名册.xlsx", bytes.NewReader(data), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	oi, err := srv.client(t).StatObject(ctx, cfg.Bucket, cfg.Prefix+"名册.xlsx", minio.StatObjectOptions{Checksum: true})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if want := base64.StdEncoding.EncodeToString(sum[:]); oi.ChecksumSHA256 != want {
		t.Errorf("server checksum = %q, want %q", oi.ChecksumSHA256, want)
	}
}

// Above the multipart threshold the create-only condition must still hold:
// minio-go v7.4.1 drops it when it completes a multipart upload itself.
func TestMultipartCreateOnly(t *testing.T) {
	srv := testServer(t)
	cfg := srv.config(t)
	cfg.MultipartThreshold = 6 << 20
	cfg.PartSize = 5 << 20
	st := srv.store(t, cfg)
	ctx := context.Background()
	first := storagetest.Payload(1, storagetest.LargeSize)
	info, err := st.Put(ctx, "big", bytes.NewReader(first), storage.PutOptions{CreateOnly: true, Metadata: map[string]string{"n": "一"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Put(ctx, "big", bytes.NewReader(storagetest.Payload(2, storagetest.LargeSize)), storage.PutOptions{CreateOnly: true})
	if !errors.Is(err, storage.ErrExists) {
		t.Fatalf("second create-only multipart Put: err = %v, want ErrExists", err)
	}
	_, err = st.Put(ctx, "big", bytes.NewReader(storagetest.Payload(2, storagetest.LargeSize)), storage.PutOptions{IfMatch: "stale-etag"})
	if !errors.Is(err, storage.ErrPrecondition) {
		t.Fatalf("if-match multipart Put with a stale ETag: err = %v, want ErrPrecondition", err)
	}
	rc, got, err := st.Get(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	if !bytes.Equal(b, first) || got.SHA256 != info.SHA256 || got.Metadata["n"] != "一" {
		t.Errorf("object after refused overwrites: %d bytes sha %s metadata %q, want the first (%s)", len(b), got.SHA256, got.Metadata, info.SHA256)
	}
	// No multipart upload is left behind.
	for u := range srv.client(t).ListIncompleteUploads(ctx, cfg.Bucket, cfg.Prefix, true) {
		t.Errorf("incomplete upload left: %s %v", u.Key, u.Err)
	}
}

func TestObjectLock(t *testing.T) {
	srv := testServer(t)
	ctx := context.Background()
	bucket := fmt.Sprintf("linghang-lock-%d", time.Now().UnixNano())
	if err := srv.client(t).MakeBucket(ctx, bucket, minio.MakeBucketOptions{ObjectLocking: true}); err != nil {
		t.Skipf("server cannot make an object-lock bucket: %v", err)
	}
	cfg := srv.config(t)
	cfg.Bucket, cfg.LockMode = bucket, "GOVERNANCE"
	st := srv.store(t, cfg)
	if !st.ObjectLock() {
		t.Fatalf("ObjectLock() = false on a bucket made with object locking")
	}
	until := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	if _, err := st.Put(ctx, "2022/通知.pdf", strings.NewReader("%PDF"), storage.PutOptions{RetainUntil: until}); err != nil {
		t.Fatal(err)
	}
	oi, err := srv.client(t).StatObject(ctx, bucket, cfg.Prefix+"2022/通知.pdf", minio.StatObjectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if mode := oi.Metadata.Get("X-Amz-Object-Lock-Mode"); mode != "GOVERNANCE" {
		t.Errorf("lock mode = %q, want GOVERNANCE", mode)
	}
	if date, err := time.Parse(time.RFC3339, oi.Metadata.Get("X-Amz-Object-Lock-Retain-Until-Date")); err != nil || !date.Equal(until) {
		t.Errorf("retain until = %v (%v), want %v", date, err, until)
	}
	// The retained version cannot be deleted.
	err = srv.client(t).RemoveObject(ctx, bucket, cfg.Prefix+"2022/通知.pdf", minio.RemoveObjectOptions{VersionID: oi.VersionID})
	if err == nil {
		t.Errorf("deleting retained version %q succeeded", oi.VersionID)
	}
}

func TestNewErrors(t *testing.T) {
	srv := testServer(t)
	tests := []struct {
		name string
		edit func(*Config)
		want []string
	}{
		{"no bucket", func(c *Config) { c.Bucket = "no-such-bucket" }, []string{"不存在存储桶", "no-such-bucket", srv.endpoint}},
		{"bad secret", func(c *Config) { c.SecretKey = "wrong" }, []string{"拒绝访问", "AWS_SECRET_ACCESS_KEY", srv.endpoint}},
		{"no credentials", func(c *Config) { c.AccessKey = "" }, []string{"缺少凭据", "AWS_ACCESS_KEY_ID"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := srv.config(t)
			tt.edit(&cfg)
			_, err := New(context.Background(), cfg)
			for _, w := range tt.want {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("New: err = %v, want it to mention %q", err, w)
				}
			}
		})
	}
}

// A server that accepts connections and never answers: every call fails
// within its deadline, transient, naming the endpoint.
func TestHungServer(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var conns []net.Conn
	var mu sync.Mutex
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	defer func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}()
	cfg := Config{Endpoint: l.Addr().String(), Bucket: "linghang-test", AccessKey: "a", SecretKey: "b", Timeout: 700 * time.Millisecond}
	start := time.Now()
	_, err = New(context.Background(), cfg)
	if !storage.IsTransient(err) || !errors.Is(err, storage.ErrUnavailable) || !strings.Contains(err.Error(), cfg.Endpoint) {
		t.Errorf("New against a hung server: err = %v, want transient ErrUnavailable naming %s", err, cfg.Endpoint)
	}
	// Bounded: a generous multiple of the timeout, not minutes.
	if d := time.Since(start); d > 10*cfg.Timeout {
		t.Errorf("New against a hung server took %v with Timeout %v", d, cfg.Timeout)
	}
}

// The server goes away in the middle of a batch and comes back: writes
// retry with backoff within their deadline and nothing is lost; while it
// is away for longer than the deadline, a write fails, transient, naming
// the endpoint.
func TestServerRestart(t *testing.T) {
	bin := versityBin()
	if bin == "" {
		testServer(t) // skips or fails the same way
		t.Skip("no versitygw binary to run a private server")
	}
	srv, err := startServer(bin, t.TempDir(), "")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.stop()
	ctx := context.Background()

	cfg := srv.config(t)
	cfg.Timeout = 15 * time.Second
	st := srv.store(t, cfg)
	const n = 40
	restarted := make(chan error, 1)
	for i := range n {
		if i == n/2 {
			srv.stop()
			go func() {
				time.Sleep(1500 * time.Millisecond)
				restarted <- srv.start()
			}()
		}
		data := storagetest.Payload(uint64(i), 100<<10)
		if _, err := st.Put(ctx, fmt.Sprintf("batch/%03d", i), bytes.NewReader(data), storage.PutOptions{CreateOnly: true}); err != nil {
			t.Fatalf("Put %d across a restart: %v", i, err)
		}
	}
	if err := <-restarted; err != nil {
		t.Fatal(err)
	}
	infos, err := st.List(ctx, "batch/")
	if err != nil || len(infos) != n {
		t.Fatalf("List after restart: %d objects, %v; want %d", len(infos), err, n)
	}
	for i, in := range infos {
		sum := sha256.Sum256(storagetest.Payload(uint64(i), 100<<10))
		if got, err := st.Stat(ctx, in.Key); err != nil || got.SHA256 != fmt.Sprintf("%x", sum) {
			t.Errorf("%s: sha %s, %v; want %x", in.Key, got.SHA256, err, sum)
		}
	}

	// Down for longer than the deadline: a clear, bounded, transient failure.
	srv.stop()
	cfg.Timeout = time.Second
	st.cfg.Timeout = cfg.Timeout
	_, err = st.Put(ctx, "batch/late", strings.NewReader("x"), storage.PutOptions{})
	if !storage.IsTransient(err) || !errors.Is(err, storage.ErrUnavailable) || !strings.Contains(err.Error(), srv.endpoint) {
		t.Errorf("Put with the server down: err = %v, want transient ErrUnavailable naming %s", err, srv.endpoint)
	}
}

func BenchmarkPut100KB(b *testing.B) {
	srv := testServer(b)
	st := srv.store(b, srv.config(b))
	data := storagetest.Payload(7, 100<<10)
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	for i := 0; b.Loop(); i++ {
		key := fmt.Sprintf("bench/%d", i%1000)
		if _, err := st.Put(ctx, key, bytes.NewReader(data), storage.PutOptions{ContentType: "application/pdf", Metadata: map[string]string{"title": "基准"}}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "objects/s")
}

// offline is a Store for an endpoint nobody listens on, built without
// New's checks.
func offline(t *testing.T, timeout time.Duration) *Store {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ep := l.Addr().String()
	l.Close()
	return storeAt(t, ep, timeout)
}

// storeAt is a Store for endpoint, built without New's checks.
func storeAt(t *testing.T, ep string, timeout time.Duration) *Store {
	t.Helper()
	cfg := Config{Endpoint: ep, Bucket: "linghang-test", Prefix: "p/", Region: "us-east-1", AccessKey: "a", SecretKey: "b", Timeout: timeout,
		MultipartThreshold: DefaultMultipartThreshold, PartSize: DefaultPartSize}
	c, err := minio.New(ep, &minio.Options{Creds: credentials.NewStaticV4("a", "b", ""), Region: "us-east-1", TrailingHeaders: true, MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	return &Store{cfg: cfg, client: c, core: minio.Core{Client: c}, sleep: sleepCtx}
}

// A server that sends the headers and part of the body, then stalls: the
// read fails after the deadline, transient, naming the endpoint; and one
// that never answers at all fails the Get itself the same way.
func TestStalledGet(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/hang") {
			select {
			case <-release:
			case <-r.Context().Done():
			}
			return
		}
		w.Header().Set("Content-Length", "1000000")
		w.Header().Set("ETag", `"0123456789abcdef0123456789abcdef"`)
		w.Header().Set("Last-Modified", time.Now().UTC().Format(http.TimeFormat))
		w.Write(make([]byte, 1000))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer ts.Close()
	st := storeAt(t, strings.TrimPrefix(ts.URL, "http://"), 400*time.Millisecond)

	rc, _, err := st.Get(context.Background(), "stall")
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(io.Discard, rc)
	rc.Close()
	if !storage.IsTransient(err) || !strings.Contains(err.Error(), st.cfg.Endpoint) {
		t.Errorf("reading a stalled body: err = %v, want transient naming %s", err, st.cfg.Endpoint)
	}

	_, _, err = st.Get(context.Background(), "hang")
	if !storage.IsTransient(err) || !strings.Contains(err.Error(), st.cfg.Endpoint) {
		t.Errorf("Get from a hung server: err = %v, want transient naming %s", err, st.cfg.Endpoint)
	}
}

// Cancelling a call while it waits to retry is a cancellation, not an
// outage: the caller asked to stop.
func TestCancelDuringRetries(t *testing.T) {
	st := offline(t, time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(300*time.Millisecond, cancel)
	_, err := st.Put(ctx, "k", strings.NewReader("x"), storage.PutOptions{})
	if !errors.Is(err, context.Canceled) || storage.IsTransient(err) {
		t.Errorf("Put cancelled during retries: err = %v, want context.Canceled, not transient", err)
	}
}

func TestDownIsTransient(t *testing.T) {
	st := offline(t, 500*time.Millisecond)
	ctx := context.Background()
	_, err := st.Put(ctx, "k", strings.NewReader("x"), storage.PutOptions{})
	_, serr := st.Stat(ctx, "k")
	_, lerr := st.List(ctx, "")
	for _, err := range []error{err, serr, lerr} {
		if !storage.IsTransient(err) || !strings.Contains(err.Error(), st.cfg.Endpoint) {
			t.Errorf("err = %v, want transient naming %s", err, st.cfg.Endpoint)
		}
	}
}

func TestKeyTooLongWithPrefix(t *testing.T) {
	st := offline(t, time.Second)
	st.cfg.Prefix = strings.Repeat("p", 200) + "/"
	key := strings.Repeat("a/", 460) + "b" // 921 bytes: valid alone, not behind the prefix
	if err := storage.CheckKey(key); err != nil {
		t.Fatal(err)
	}
	_, err := st.Put(context.Background(), key, strings.NewReader("x"), storage.PutOptions{})
	if !errors.Is(err, storage.ErrInvalidKey) || !strings.Contains(err.Error(), "超过 S3 上限") {
		t.Errorf("Put: err = %v, want ErrInvalidKey about the S3 limit", err)
	}
}

// List follows continuation tokens to the last page.
func TestListPages(t *testing.T) {
	srv := testServer(t)
	st := srv.store(t, srv.config(t))
	st.page = 4
	ctx := context.Background()
	var want []string
	for i := range 23 {
		key := fmt.Sprintf("第%d期/%02d.pdf", i%3+1, i)
		want = append(want, key)
		if _, err := st.Put(ctx, key, strings.NewReader(key), storage.PutOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	slices.Sort(want)
	infos, err := st.List(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, in := range infos {
		got = append(got, in.Key)
	}
	if !slices.Equal(got, want) {
		t.Errorf("List with 4 keys a page = %q, want %q", got, want)
	}
}
