package main

import (
	"encoding/json"
	"linghang/jobs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDemoArchivesEverything runs the README's first command on a small
// sample: it imports (rejecting the two faulty demo rows), generates every
// document, archives them in one batch per job, and the archive then finds an
// applicant's form by name and verifies clean. A second run on the same
// data makes no new versions.
func TestDemoArchivesEverything(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a whole cycle")
	}
	dir := t.TempDir()
	store, out := filepath.Join(dir, "store"), filepath.Join(dir, "out")
	t.Setenv("LINGHANG_SPOOL", filepath.Join(dir, "spool"))
	t.Setenv("LINGHANG_TOKEN_KEY", "")
	t.Setenv("LINGHANG_TOKEN_KEY_FILE", filepath.Join(dir, "checkin.key"))
	t.Setenv("LINGHANG_STORE", "")
	t.Setenv("LINGHANG_FONTS", "")

	stdout, stderr, err := runCLI(t, "demo", "--n", "24", "--seed", "5", "--store", store, "--out", out)
	if err != nil {
		t.Fatalf("demo: %v\n%s\n%s", err, stdout, stderr)
	}
	checkNoPersonalData(t, "demo", stdout+stderr)
	for _, want := range []string{"合格 24 行，不合格 2 行", "身份证号被Excel存成了数字", "仅限女性", "报名开始：已生成 4 份文档", "报名截止：已生成", "归档位置：本地目录"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout)
		}
	}
	m := regexp.MustCompile(`archive find --kind 报名表 --name (\S+)`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("demo printed no find example:\n%s", stdout)
	}
	name := m[1]

	found, _, err := runCLI(t, "archive", "find", "--kind", "报名表", "--name", name, "--store", store)
	if err != nil {
		t.Fatalf("archive find: %v", err)
	}
	if !strings.Contains(found, "报名表-"+name+"-") || !strings.Contains(found, "报名表合订本") {
		t.Errorf("find --name %s did not find the form and the bound copy:\n%s", name, found)
	}
	for _, kind := range []string{"通知", "胸卡", "名单", "签到表"} {
		got, _, err := runCLI(t, "archive", "find", "--kind", kind, "--store", store)
		if err != nil || !strings.Contains(got, "/"+kind+"/") {
			t.Errorf("no %s archived: %v\n%s", kind, err, got)
		}
	}
	if v, _, err := runCLI(t, "archive", "verify", "--store", store); err != nil {
		t.Fatalf("verify after demo: %v\n%s", err, v)
	}

	// The readable copies are real documents.
	pdfs, _ := filepath.Glob(filepath.Join(out, "文档", "2022", "*", "报名表", "报名表-"+name+"-*.pdf"))
	if len(pdfs) != 1 {
		t.Fatalf("copies of %s's form: %v", name, pdfs)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		txt, err := exec.Command("pdftotext", pdfs[0], "-").Output()
		if err != nil || !strings.Contains(string(txt), name) {
			t.Errorf("pdftotext of the form: %v; text lacks %s", err, name)
		}
	}
	if fi, err := os.Stat(pdfs[0]); err != nil || fi.Size() == 0 {
		t.Fatalf("form copy: %v", err)
	}

	first, _, err := runCLI(t, "archive", "find", "--all", "--json", "--store", store)
	if err != nil {
		t.Fatal(err)
	}
	// Same data again: nothing is rendered, nothing written, no manifest.
	again, _, err := runCLI(t, "demo", "--n", "24", "--seed", "5", "--store", store, "--out", out)
	if err != nil {
		t.Fatalf("second demo: %v", err)
	}
	docJobs := len(jobs.DefaultCatalogue().Jobs())
	if n := strings.Count(again, "输入未变，无需生成"); n != docJobs || strings.Contains(again, "新版本") {
		t.Errorf("second demo should report %d unchanged jobs and no new versions:\n%s", docJobs, again)
	}
	runs, _, err := runCLI(t, "archive", "runs", "--store", store)
	if err != nil {
		t.Fatal(err)
	}
	// One batch per document job (registration-open, nightly,
	// registration-close, summary-template, summary-report, evaluation)
	// from the first demo, none from the second.
	if n := len(regexp.MustCompile(`(?m)^\d{8}T\d{6}Z-`).FindAllString(runs, -1)); n != docJobs {
		t.Fatalf("want %d document runs, got %d:\n%s", docJobs, n, runs)
	}
	hist, _, err := runCLI(t, "archive", "find", "--all", "--json", "--store", store)
	if err != nil {
		t.Fatal(err)
	}
	// The first demo itself makes a second 日程 and 结业证书 once the
	// host units' summaries are in (活动日程, 学员考勤), and withdraws the
	// certificate of anyone the attendance then falls short for; the
	// second makes none.
	if hist != first || !strings.Contains(hist, `"version":1`) {
		t.Errorf("a second run on the same data made new versions:\n%.2000s", hist)
	}
	withdrawn := withdrawnKeys(t, first)
	for k, v := range maxVersions(t, first) {
		switch {
		case v == 1, strings.HasSuffix(k, "/日程.pdf"), strings.HasSuffix(k, "/结业证书.pdf"):
		case v == 2 && withdrawn[k] && strings.Contains(k, "/结业证书/结业证书-"):
		default:
			t.Errorf("one demo made %d versions of %s (withdrawn: %v)", v, k, withdrawn[k])
		}
	}
}

// withdrawnKeys reads `archive find --all --json`: the keys some version
// of which is 作废.
func withdrawnKeys(t *testing.T, out string) map[string]bool {
	t.Helper()
	ks := map[string]bool{}
	for _, line := range strings.Split(out, "\n") {
		var e struct {
			Key       string `json:"key"`
			Withdrawn string `json:"withdrawn"`
		}
		if strings.HasPrefix(line, "{") && json.Unmarshal([]byte(line), &e) == nil && e.Withdrawn != "" {
			ks[e.Key] = true
		}
	}
	return ks
}

// maxVersions reads `archive find --all --json`: each key's newest version.
func maxVersions(t *testing.T, out string) map[string]int {
	t.Helper()
	vs := map[string]int{}
	for _, line := range strings.Split(out, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		var e struct {
			Key     string `json:"key"`
			Version int    `json:"version"`
		}
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatalf("archive find --json: %v: %s", err, line)
		}
		vs[e.Key] = max(vs[e.Key], e.Version)
	}
	return vs
}
