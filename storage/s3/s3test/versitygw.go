// Package s3test runs a private S3-compatible server for tests of the
// code above the store.
package s3test

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"linghang/storage/s3"
)

// Versitygw is a private S3-compatible server (versitygw, the binary
// .ci/s3server builds) that a test may stop and restart, to see what a
// store outage does to the code above it.
type Versitygw struct {
	Bin, Dir, Addr string
	cmd            *exec.Cmd
}

// VersitygwBin returns the versitygw binary: LINGHANG_TEST_S3_BIN, else
// the one .ci/s3server caches. Without one the test skips, except under
// CI, where it fails.
func VersitygwBin(t testing.TB) string {
	t.Helper()
	bin := os.Getenv("LINGHANG_TEST_S3_BIN")
	if bin == "" {
		if c, err := os.UserCacheDir(); err == nil {
			bin = filepath.Join(c, "linghang", "bin", "versitygw-v1.8.0")
		}
	}
	if fi, err := os.Stat(bin); err != nil || !fi.Mode().IsRegular() {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but there is no versitygw binary (%s)", bin)
		}
		t.Skip("no versitygw binary (source .ci/s3server once to build it)")
	}
	return bin
}

// StartVersitygw starts a private server on a free loopback port with
// one bucket, "test"; it is stopped when the test ends.
func StartVersitygw(t testing.TB) *Versitygw {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	v := &Versitygw{Bin: VersitygwBin(t), Dir: t.TempDir(), Addr: addr}
	for _, d := range []string{"data/test", "versions"} {
		if err := os.MkdirAll(filepath.Join(v.Dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	v.Start(t)
	t.Cleanup(v.Stop)
	return v
}

// Config is the S3 configuration of the server's bucket.
func (v *Versitygw) Config() s3.Config {
	return s3.Config{Endpoint: v.Addr, Bucket: "test", AccessKey: "test-access", SecretKey: "test-secret-key", Timeout: 2 * time.Second}
}

// Store opens the bucket.
func (v *Versitygw) Store(t testing.TB) *s3.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := s3.New(ctx, v.Config())
	if err != nil {
		t.Fatalf("S3 test server: %v", err)
	}
	return st
}

// Start (re)starts the server and waits until it listens.
func (v *Versitygw) Start(t testing.TB) {
	t.Helper()
	log, err := os.OpenFile(filepath.Join(v.Dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	c := v.Config()
	v.cmd = exec.Command(v.Bin, "--port", v.Addr, "--access", c.AccessKey, "--secret", c.SecretKey,
		"--quiet", "posix", "--versioning-dir", filepath.Join(v.Dir, "versions"), filepath.Join(v.Dir, "data"))
	v.cmd.Stdout, v.cmd.Stderr = log, log
	if err := v.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for range 200 {
		if c, err := net.Dial("tcp", v.Addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("versitygw did not listen on %s", v.Addr)
}

// Stop kills the server, as an outage would.
func (v *Versitygw) Stop() {
	if v.cmd == nil || v.cmd.Process == nil {
		return
	}
	v.cmd.Process.Kill()
	v.cmd.Wait()
	v.cmd = nil
}
