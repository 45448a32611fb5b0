package s3

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// The S3 test server is versitygw. .ci/s3server starts one and exports
// LINGHANG_TEST_S3_*; run by hand, the tests start their own from the
// binary .ci/s3server cached. Without either they skip loudly, except
// under CI, where a missing server is a failure.

const versityVersion = "v1.8.0"

type server struct {
	endpoint, access, secret, bucket string
	bin, dir                         string
	cmd                              *exec.Cmd
}

var (
	sharedOnce sync.Once
	shared     *server
	sharedErr  error
)

// testServer returns the shared server, starting one if needed.
func testServer(t testing.TB) *server {
	t.Helper()
	sharedOnce.Do(func() {
		if ep := os.Getenv("LINGHANG_TEST_S3_ENDPOINT"); ep != "" {
			shared = &server{
				endpoint: ep,
				access:   os.Getenv("LINGHANG_TEST_S3_ACCESS"),
				secret:   os.Getenv("LINGHANG_TEST_S3_SECRET"),
				bucket:   os.Getenv("LINGHANG_TEST_S3_BUCKET"),
				bin:      os.Getenv("LINGHANG_TEST_S3_BIN"),
			}
			if shared.bucket == "" {
				shared.bucket = "linghang-test"
			}
			return
		}
		bin := versityBin()
		if bin == "" {
			sharedErr = fmt.Errorf("no S3 test server: LINGHANG_TEST_S3_ENDPOINT is unset and no versitygw binary at %s (run `bash .ci/test`, or `source .ci/s3server` once to build it)", cachedBin())
			return
		}
		dir, err := os.MkdirTemp("", "linghang-s3-test-")
		if err != nil {
			sharedErr = err
			return
		}
		shared, sharedErr = startServer(bin, dir, "")
	})
	if sharedErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %v", sharedErr)
		}
		t.Skipf("\n\n*** SKIPPING S3 TESTS: %v ***\n", sharedErr)
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil && shared.cmd != nil {
		shared.stop()
		os.RemoveAll(shared.dir)
	}
	os.Exit(code)
}

func cachedBin() string {
	dir := os.Getenv("LINGHANG_CACHE")
	if dir == "" {
		c, err := os.UserCacheDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(c, "linghang")
	}
	return filepath.Join(dir, "bin", "versitygw-"+versityVersion)
}

func versityBin() string {
	for _, p := range []string{os.Getenv("LINGHANG_TEST_S3_BIN"), cachedBin()} {
		if p == "" {
			continue
		}
		if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// startServer runs versitygw on dir (data and versions below it) at addr,
// or at a free loopback port when addr is "", and waits until it answers.
func startServer(bin, dir, addr string) (*server, error) {
	if addr == "" {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		addr = l.Addr().String()
		l.Close()
	}
	s := &server{endpoint: addr, access: "linghang-test", secret: "linghang-test-secret", bucket: "linghang-test", bin: bin, dir: dir}
	for _, d := range []string{"data/" + s.bucket, "versions"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return nil, err
		}
	}
	return s, s.start()
}

func (s *server) start() error {
	log, err := os.OpenFile(filepath.Join(s.dir, "server.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	s.cmd = exec.Command(s.bin, "--port", s.endpoint, "--access", s.access, "--secret", s.secret,
		"--keep-alive", "--quiet",
		"posix", "--versioning-dir", filepath.Join(s.dir, "versions"), filepath.Join(s.dir, "data"))
	s.cmd.Stdout, s.cmd.Stderr = log, log
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("start versitygw: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	for range 200 {
		select {
		case err := <-exited:
			b, _ := os.ReadFile(filepath.Join(s.dir, "server.log"))
			return fmt.Errorf("versitygw exited: %v\n%s", err, b)
		case <-time.After(50 * time.Millisecond):
		}
		if c, err := net.Dial("tcp", s.endpoint); err == nil {
			c.Close()
			go func() { <-exited }()
			return nil
		}
	}
	s.cmd.Process.Kill()
	return fmt.Errorf("versitygw did not listen on %s within 10 s", s.endpoint)
}

func (s *server) stop() {
	if s.cmd != nil && s.cmd.Process != nil {
		s.cmd.Process.Kill()
		for range 100 { // wait until the port is closed
			c, err := net.Dial("tcp", s.endpoint)
			if err != nil {
				break
			}
			c.Close()
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// client is a raw minio client, to look at what the store wrote.
func (s *server) client(t testing.TB) *minio.Client {
	t.Helper()
	c, err := minio.New(s.endpoint, &minio.Options{Creds: credentials.NewStaticV4(s.access, s.secret, "")})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// config is a Config for the server's bucket under a prefix unique to t.
func (s *server) config(t testing.TB) Config {
	name := strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())
	return Config{
		Endpoint:  s.endpoint,
		Bucket:    s.bucket,
		Prefix:    fmt.Sprintf("%s-%d/", name, time.Now().UnixNano()),
		AccessKey: s.access,
		SecretKey: s.secret,
		Timeout:   20 * time.Second,
	}
}

func (s *server) store(t testing.TB, cfg Config) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := New(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
