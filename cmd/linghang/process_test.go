package main

import (
	"bytes"
	"context"
	"linghang/jobs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestMain lets a test run linghang as a separate process: the test
// binary run again with LINGHANG_CLI_HELPER=1 is the command, its
// arguments after "--".
func TestMain(m *testing.M) {
	if os.Getenv("LINGHANG_CLI_HELPER") != "1" {
		os.Exit(m.Run())
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	if err := run(context.Background(), args, os.Stdout, os.Stderr); err != nil {
		os.Stderr.WriteString("linghang: " + err.Error() + "\n")
		os.Exit(exitCode(err))
	}
	os.Exit(0)
}

// together starts one linghang process per argument list at the same
// moment and waits for all; it returns their outputs and errors.
func together(t *testing.T, env []string, argss ...[]string) (outs []string, errs []error) {
	t.Helper()
	outs, errs = make([]string, len(argss)), make([]error, len(argss))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, args := range argss {
		cmd := exec.Command(os.Args[0], append([]string{"-test.run=^$", "--"}, args...)...)
		cmd.Env = append(append(os.Environ(), "LINGHANG_CLI_HELPER=1"), env...)
		var b bytes.Buffer
		cmd.Stdout, cmd.Stderr = &b, &b
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			errs[i] = cmd.Run()
			outs[i] = b.String()
		}()
	}
	close(start)
	wg.Wait()
	return outs, errs
}

// TestTwoProcessesAtOnce starts two demos, then two `run --all`, at the
// same moment against one store: all exit 0 (one may find the other
// holding a job), the applicant data and every document have exactly one
// version, each job's batch is written once, and verify is clean.
func TestTwoProcessesAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("runs linghang four times as separate processes")
	}
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	env := []string{"LINGHANG_SPOOL=" + filepath.Join(dir, "spool"), "LINGHANG_TOKEN_KEY=", "LINGHANG_TOKEN_KEY_FILE=" + filepath.Join(dir, "key"),
		"LINGHANG_STORE=" + store, "LINGHANG_FONTS="}
	// The key is made once up front, as a deployment would have it.
	t.Setenv("LINGHANG_TOKEN_KEY_FILE", filepath.Join(dir, "key"))
	if _, err := checkinKey(&env0); err != nil {
		t.Fatal(err)
	}
	outs, errs := together(t, env,
		[]string{"demo", "--n", "12", "--seed", "3", "--out", filepath.Join(dir, "out1")},
		[]string{"demo", "--n", "12", "--seed", "3", "--out", filepath.Join(dir, "out2")})
	for i := range errs {
		if errs[i] != nil {
			t.Fatalf("demo %d: %v\n%s", i+1, errs[i], outs[i])
		}
	}
	outs2, errs2 := together(t, env, []string{"run", "--all"}, []string{"run", "--all"})
	for i := range errs2 {
		if errs2[i] != nil || strings.Contains(outs2[i], "新版本") {
			t.Fatalf("run %d: %v\n%s", i+1, errs2[i], outs2[i])
		}
	}
	t.Setenv("LINGHANG_SPOOL", filepath.Join(dir, "spool"))
	hist, _, err := runCLI(t, "archive", "find", "--all", "--json", "--store", store)
	if err != nil {
		t.Fatal(err)
	}
	// One demo alone makes a second 日程 and 结业证书 (after the
	// summaries); anything else, or a third, was made twice.
	for k, v := range maxVersions(t, hist) {
		if v > 2 || v == 2 && !strings.HasSuffix(k, "/日程.pdf") && !strings.HasSuffix(k, "/结业证书.pdf") {
			t.Errorf("concurrent processes made %d versions of %s:\n%s\n%s", v, k, outs[0], outs[1])
		}
	}
	runs, _, err := runCLI(t, "archive", "runs", "--store", store)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(regexp.MustCompile(`(?m)^\d{8}T\d{6}Z-`).FindAllString(runs, -1)); n != len(jobs.DefaultCatalogue().Jobs()) {
		t.Errorf("%d document batches, want %d (one per job):\n%s", n, len(jobs.DefaultCatalogue().Jobs()), runs)
	}
	// Racing imports of the same data may share the writing of the photos
	// (each batch records the versions it made), never make two versions.
	if n := strings.Count(runs, "import-"); n < 1 || n > 2 {
		t.Errorf("%d import batches, want 1 or 2:\n%s", n, runs)
	}
	if v, _, err := runCLI(t, "archive", "verify", "--store", store); err != nil {
		t.Errorf("verify: %v\n%s", err, v)
	}
	t.Logf("demo 1:\n%s\ndemo 2:\n%s", tail(outs[0]), tail(outs[1]))
}

var env0 = env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: os.Getenv}

func tail(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	var keep []string
	for _, l := range lines {
		if strings.HasPrefix(l, "报名") || strings.Contains(l, "学员数据已存入") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}
