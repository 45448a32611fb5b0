package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"linghang/storage"
	"linghang/storage/s3"
	"linghang/storage/s3/s3test"
)

// S3: the behaviour tests (forEachStore) also run on the server that
// .ci/s3server starts (LINGHANG_TEST_S3_ENDPOINT, _ACCESS, _SECRET,
// _BUCKET), each test under its own prefix.
func init() {
	ep := os.Getenv("LINGHANG_TEST_S3_ENDPOINT")
	if ep == "" {
		return
	}
	bucket := os.Getenv("LINGHANG_TEST_S3_BUCKET")
	if bucket == "" {
		bucket = "linghang-test"
	}
	cfg := s3.Config{Endpoint: ep, Bucket: bucket, AccessKey: os.Getenv("LINGHANG_TEST_S3_ACCESS"),
		SecretKey: os.Getenv("LINGHANG_TEST_S3_SECRET"), Timeout: 20 * time.Second}
	s3Backend = &backend{"s3", func(t testing.TB) storage.Store { return newS3(t, cfg) }}
}

var s3Seq atomic.Int64

func newS3(t testing.TB, cfg s3.Config) *s3.Store {
	t.Helper()
	cfg.Prefix = fmt.Sprintf("archive-%s-%d-%d/", strings.NewReplacer("/", "-", " ", "_").Replace(t.Name()), time.Now().UnixNano(), s3Seq.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := s3.New(ctx, cfg)
	if err != nil {
		t.Fatalf("S3 test server: %v", err)
	}
	return st
}

// The real server stops in the middle of a batch: the rest of the batch
// waits in the spool, Commit names the endpoint, and once the server is
// back a flush completes the batch with nothing lost.
func TestS3ServerStopsMidBatch(t *testing.T) {
	v := s3test.StartVersitygw(t)
	cfg := v.Config()
	st := newS3(t, cfg)
	spool := filepath.Join(t.TempDir(), "spool")
	a := newArchive(t, st, spool)
	ctx := context.Background()
	b, err := a.Begin(ctx, "run-1", "in")
	if err != nil {
		t.Fatal(err)
	}
	var docs []Doc
	for i := 0; i < 8; i++ {
		docs = append(docs, formDoc(1+i%3, "科协党校班", fmt.Sprintf("学员%d", i), "", fmt.Sprintf("%%PDF 报名表 %d", i)))
	}
	for i, d := range docs {
		if i == 3 {
			v.Stop()
		}
		if _, err := b.Add(ctx, d); err != nil {
			t.Fatalf("Add %d: %v", i, err)
		}
	}
	_, err = b.Commit(ctx)
	var se *SpoolError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), v.Addr) || se.Spooled != 5 {
		t.Fatalf("Commit with the server down = %v; want a SpoolError naming %s with 5 documents", err, v.Addr)
	}
	t.Logf("用户看到的错误：%v", err)

	v.Start(t)
	rep, err := a.Flush(ctx)
	if err != nil || rep.Uploaded != 5 || len(rep.Runs) != 1 {
		t.Fatalf("Flush after restart = %+v, %v", rep, err)
	}
	found, err := a.Find(ctx, Query{})
	if err != nil || len(found) != len(docs) {
		t.Fatalf("Find = %d documents, %v; want %d", len(found), err, len(docs))
	}
	for _, d := range docs {
		key, _ := DocKey(d)
		if body, _ := read(t, a, key, 0); body != string(d.Body) {
			t.Errorf("%s = %q, want %q", key, body, d.Body)
		}
	}
	vr, err := a.Verify(ctx, io.Discard)
	if err != nil || !vr.OK() || vr.Checked != len(docs) || len(vr.Unindexed) != 0 {
		t.Errorf("verify: %+v %v", vr, err)
	}
}
