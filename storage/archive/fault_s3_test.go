package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"linghang/storage/s3"
)

// faultProxy sits between the S3 store and the test server and, while
// on, answers requests in turn from a cycle of faults:
//
//	ok        forwarded
//	500       refused with InternalError, nothing forwarded
//	500-after forwarded (the server did the work), then InternalError:
//	          the client must not take a done write for a failed one
//	reset     the connection is reset before any answer
//	stall     a request body is half read, or an answer half written,
//	          then nothing until the client gives up, and the connection
//	          is cut
type faultProxy struct {
	rp     *httputil.ReverseProxy
	on     atomic.Bool
	n      atomic.Int64
	faults []string
	stall  time.Duration
	seen   [5]atomic.Int64 // per fault kind, for the log
}

var faultKinds = []string{"ok", "500", "500-after", "reset", "stall"}

func newFaultProxy(t *testing.T, upstream string, faults []string, stall time.Duration) (*httptest.Server, *faultProxy) {
	t.Helper()
	u := &url.URL{Scheme: "http", Host: upstream}
	p := &faultProxy{faults: faults, stall: stall}
	p.rp = &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(u)
		r.Out.Host = r.In.Host // the signature covers the Host header
	}}
	srv := httptest.NewServer(p)
	p.on.Store(true)
	t.Cleanup(func() {
		srv.Close()
		var b strings.Builder
		for i, k := range faultKinds {
			fmt.Fprintf(&b, " %s=%d", k, p.seen[i].Load())
		}
		t.Logf("proxy requests:%s", b.String())
	})
	return srv, p
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind := "ok"
	if p.on.Load() {
		kind = p.faults[int(p.n.Add(1)-1)%len(p.faults)]
	}
	for i, k := range faultKinds {
		if k == kind {
			p.seen[i].Add(1)
		}
	}
	s3Error := func() {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected fault</Message></Error>`)
	}
	cut := func() {
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0) // RST, not FIN
		}
		conn.Close()
	}
	wait := func() {
		select {
		case <-r.Context().Done():
		case <-time.After(p.stall):
		}
	}
	switch kind {
	case "ok":
		p.rp.ServeHTTP(w, r)
	case "500":
		io.Copy(io.Discard, r.Body)
		s3Error()
	case "500-after":
		p.rp.ServeHTTP(httptest.NewRecorder(), r)
		s3Error()
	case "reset":
		cut()
	case "stall":
		if r.ContentLength > 1 {
			io.CopyN(io.Discard, r.Body, r.ContentLength/2)
			wait()
			cut()
			return
		}
		rec := httptest.NewRecorder()
		p.rp.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if len(body) < 2 {
			wait()
			cut()
			return
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(body[:len(body)/2])
		http.NewResponseController(w).Flush()
		wait()
		cut()
	}
}

// TestS3Faults runs batches through a proxy that answers S3 requests
// with 500s (some after the server did the write), connection resets and
// bodies stalled half-way. Every Commit either succeeds or leaves the
// rest in the spool with a SpoolError; nothing else. Once the faults
// stop, a flush completes what was spooled, every document reads back
// with its content, and verify (straight to the server) is clean.
func TestS3Faults(t *testing.T) {
	ep := os.Getenv("LINGHANG_TEST_S3_ENDPOINT")
	if ep == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but LINGHANG_TEST_S3_ENDPOINT is not")
		}
		t.Skip("no S3 test server (LINGHANG_TEST_S3_ENDPOINT)")
	}
	bucket := os.Getenv("LINGHANG_TEST_S3_BUCKET")
	if bucket == "" {
		bucket = "linghang-test"
	}
	cfg := s3.Config{Endpoint: ep, Bucket: bucket, AccessKey: os.Getenv("LINGHANG_TEST_S3_ACCESS"),
		SecretKey: os.Getenv("LINGHANG_TEST_S3_SECRET"), Timeout: 20 * time.Second,
		Prefix: fmt.Sprintf("faults-%d/", time.Now().UnixNano())}
	ctx := context.Background()
	direct, err := s3.New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	faults := []string{"ok", "500", "ok", "reset", "ok", "ok", "500-after", "ok", "ok", "stall", "ok", "ok", "500", "ok", "500-after", "reset", "ok", "ok", "ok"}
	proxy, fp := newFaultProxy(t, ep, faults, 2*time.Second)
	pcfg := cfg
	pcfg.Endpoint = strings.TrimPrefix(proxy.URL, "http://")
	pcfg.Timeout = 2 * time.Second
	faulty, err := s3.New(ctx, pcfg)
	if err != nil {
		fp.on.Store(false)
		if faulty, err = s3.New(ctx, pcfg); err != nil {
			t.Fatal(err)
		}
		fp.on.Store(true)
	}
	spool := t.TempDir()
	a := newArchive(t, faulty, spool)

	var docs []Doc
	spooled := 0
	for run := range 3 {
		b, err := a.Begin(ctx, fmt.Sprintf("run-%d", run), "in")
		if err != nil {
			t.Fatalf("Begin %d: %v", run, err)
		}
		for i := range 5 {
			d := formDoc(1+i%3, "科协党校班", fmt.Sprintf("学员%d-%d", run, i), "", fmt.Sprintf("%%PDF 报名表 %d-%d %s", run, i, bytes.Repeat([]byte("x"), 2000)))
			if run == 2 && i < 2 {
				d = docs[i] // unchanged documents: the same again
			} else {
				docs = append(docs, d)
			}
			if _, err := b.Add(ctx, d); err != nil {
				t.Fatalf("Add %d/%d: %v", run, i, err)
			}
		}
		_, err = b.Commit(ctx)
		var se *SpoolError
		switch {
		case err == nil:
		case errors.As(err, &se):
			spooled++
			t.Logf("run %d spooled: %v", run, err)
		default:
			t.Fatalf("Commit %d under faults: %v (want success or a SpoolError)", run, err)
		}
	}
	fp.on.Store(false)
	if _, err := a.Flush(ctx); err != nil {
		t.Fatalf("Flush after the faults: %v", err)
	}
	clean := newArchive(t, direct, t.TempDir())
	found, err := clean.Find(ctx, Query{})
	if err != nil || len(found) != len(docs) {
		t.Fatalf("Find = %d documents, %v; want %d", len(found), err, len(docs))
	}
	for _, d := range docs {
		key, _ := DocKey(d)
		if body, _ := read(t, clean, key, 0); body != string(d.Body) {
			t.Errorf("%s = %.20q…, want %.20q…", key, body, d.Body)
		}
	}
	var out bytes.Buffer
	vr, err := clean.Verify(ctx, &out)
	if err != nil || !vr.OK() || vr.Checked != len(docs) || len(vr.Unindexed) != 0 {
		t.Errorf("verify after recovery: %+v %v\n%s", vr, err, out.String())
	}
	if err := clean.CheckIndex(ctx); err != nil {
		t.Errorf("index after recovery: %v", err)
	}
	t.Logf("%d of 3 runs spooled under faults", spooled)
}
