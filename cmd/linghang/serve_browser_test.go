package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"linghang/program"
	"linghang/render"
)

// addUser runs `linghang users add` and returns the one-time password it
// prints.
func addUser(t *testing.T, name, role string, cohort int) string {
	t.Helper()
	var out, errs bytes.Buffer
	args := []string{"users", "add", name, "--role", role}
	if cohort > 0 {
		args = append(args, "--cohort", fmt.Sprint(cohort))
	}
	if err := run(context.Background(), args, &out, &errs); err != nil {
		t.Fatalf("users add %s: %v\n%s", name, err, errs.String())
	}
	m := regexp.MustCompile(`(?m)^    (\S+)$`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no password in %q", out.String())
	}
	return m[1]
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// syncBuffer is a bytes.Buffer safe to read while serve writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startServe runs `linghang serve` on loopback until the test ends; it
// returns the base URL and what serve printed.
func startServe(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errs syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", addr, "--no-scheduler"}, args...), &out, &errs)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	for i := 0; i < 600; i++ {
		select {
		case err := <-done:
			t.Fatalf("serve stopped: %v\n%s\n%s", err, out.String(), errs.String())
		default:
		}
		if res, err := http.Get("http://" + addr + "/healthz"); err == nil {
			res.Body.Close()
			return "http://" + addr, &out
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("serve did not start:\n%s", errs.String())
	return "", nil
}

// TestServeFirstRun: with no accounts, serve starts and says how to make
// the first 总部 account; the login page says it too.
func TestServeFirstRun(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("LINGHANG_TOKEN_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	t.Setenv("LINGHANG_ACCOUNTS", filepath.Join(dir, "accounts.json"))
	t.Setenv("LINGHANG_STORE", filepath.Join(dir, "store"))
	t.Setenv("LINGHANG_SPOOL", filepath.Join(dir, "spool"))
	base, out := startServe(t)
	if !strings.Contains(out.String(), "linghang users add 名称 --role hq") {
		t.Fatalf("serve output: %s", out.String())
	}
	res, err := http.Get(base + "/readyz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", res, err)
	}
	res.Body.Close()
	res, err = http.Get(base + "/api/documents")
	if err != nil || res.StatusCode != 401 {
		t.Fatalf("anonymous API: %v %v", res, err)
	}
	res.Body.Close()
}

// TestBrowser drives Debian's headless Chromium through the three roles:
// 总部 logs in, uploads a sample applicant file, generates the notice and
// a cohort's badges; that cohort's 承办单位 downloads its roster (and is
// refused another cohort's); 档案 finds the 2022 notice. Each page is
// saved as a screenshot in $LINGHANG_SCREENSHOTS (default
// $TMPDIR/linghang-screenshots).
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed (bash .ci/test installs it)")
	}
	dir := t.TempDir()
	shots := os.Getenv("LINGHANG_SCREENSHOTS")
	if shots == "" {
		shots = filepath.Join(os.TempDir(), "linghang-screenshots")
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LINGHANG_TOKEN_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	t.Setenv("LINGHANG_ACCOUNTS", filepath.Join(dir, "accounts.json"))
	t.Setenv("LINGHANG_STORE", filepath.Join(dir, "store"))
	t.Setenv("LINGHANG_SPOOL", filepath.Join(dir, "spool"))
	const cohort = 3
	hqPW := addUser(t, "zongbu", "hq", 0)
	hostPW := addUser(t, "jiangsu", "host", cohort)
	archPW := addUser(t, "dangan", "archivist", 0)
	sample := filepath.Join(dir, "样例学员.xlsx")
	if errs, err := runLinghang(t, "sample", "--n", "30", "--seed", "5", "-o", sample); err != nil {
		t.Fatalf("sample: %v %s", err, errs)
	}
	// The host unit's filled summary templates for its cohort, as
	// render.SampleSummaryFiles fills them for the demo.
	prog, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	sumDOCX, sumXLSX := filepath.Join(dir, "第3期总结报告.docx"), filepath.Join(dir, "第3期总结数据.xlsx")
	sd, sx, err := render.SampleSummaryFiles(prog, cohort, program.Sample(prog, 30, 5), 5)
	if err != nil {
		t.Fatal(err)
	}
	if err := errors.Join(os.WriteFile(sumDOCX, sd, 0o644), os.WriteFile(sumXLSX, sx, 0o644)); err != nil {
		t.Fatal(err)
	}
	base, _ := startServe(t)

	downloads := filepath.Join(dir, "downloads")
	os.MkdirAll(downloads, 0o755)
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.Flag("disable-background-networking", true), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancelTime := context.WithTimeout(ctx, 4*time.Minute)
	defer cancelTime()

	n := 0
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			b, err := chromedp.FullScreenshot(100)(ctx, tg)
			if err != nil {
				return err
			}
			n++
			return os.WriteFile(filepath.Join(shots, fmt.Sprintf("%02d-%s.png", n, name)), b, 0o644)
		})
	}
	login := func(name, pw string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible(chromedp.CSS("#login")),
			chromedp.SendKeys(chromedp.CSS(`input[name="name"]`), name),
			chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), pw),
		)
	}
	logout := chromedp.Steps(chromedp.Click(chromedp.CSS("header form button")), chromedp.WaitVisible(chromedp.CSS("#login")))
	text := func(sel string) string {
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			if b, serr := chromedp.Run(ctx, chromedp.FullScreenshot(100)); serr == nil {
				os.WriteFile(filepath.Join(shots, "failed.png"), b, 0o644)
			}
			t.Fatalf("%s: %v", what, err)
		}
	}

	// 总部: log in, upload, see the table, confirm.
	step("hq login", login("zongbu", hqPW), shot("login"), chromedp.Click(chromedp.CSS("#login button")),
		chromedp.WaitVisible(chromedp.CSS("#cohorts")), shot("hq"))
	step("upload", chromedp.Navigate(base+"/hq/import"), chromedp.WaitVisible(chromedp.CSS("#upload")),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="file"]`), []string{sample}),
		chromedp.Click(chromedp.CSS("#upload button")), chromedp.WaitVisible(chromedp.CSS("#confirm")), shot("import-report"))
	if got := text("#counts"); !strings.Contains(got, "江苏") {
		t.Fatalf("validation table lacks the cohorts: %q", got)
	}
	step("confirm", chromedp.Click(chromedp.CSS("#confirm button")), chromedp.WaitVisible(chromedp.CSS("#imported")), shot("imported"))
	if got := text("#imported"); !strings.Contains(got, "30 名学员") {
		t.Fatalf("import result: %q", got)
	}
	// Generate the notice (registration-open) and the cohort's badges
	// (registration-close) now.
	for _, job := range []struct {
		name   string
		cohort string
	}{{"registration-open", ""}, {"registration-close", fmt.Sprint(cohort)}} {
		step("run "+job.name, chromedp.Navigate(base+"/hq/jobs"), chromedp.WaitVisible(chromedp.CSS("#run")),
			chromedp.SetValue(chromedp.CSS(`select[name="job"]`), job.name),
			chromedp.SetValue(chromedp.CSS(`select[name="cohort"]`), job.cohort),
			chromedp.Click(chromedp.CSS("#run button")), chromedp.WaitVisible(chromedp.CSS("#run-result")))
		if got := text("#run-result"); !strings.Contains(got, "成功") {
			t.Fatalf("%s: %q", job.name, got)
		}
	}
	step("jobs page", shot("jobs"))
	if got := text("#history"); !strings.Contains(got, "registration-close") {
		t.Fatalf("history lacks the run: %q", got)
	}
	step("hq logout", logout)

	// 承办单位 of that cohort: its page, the roster download, and a refusal.
	step("host login", login("jiangsu", hostPW), chromedp.Click(chromedp.CSS("#login button")),
		chromedp.WaitVisible(chromedp.CSS("#docs")), shot("host-cohort"))
	if got := text("#docs"); !strings.Contains(got, "胸卡") || strings.Contains(got, "胸卡（PDF）\t尚未生成") {
		t.Fatalf("cohort page: %q", got)
	}
	step("download roster", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllow, DownloadPath: downloads})
		return err
	}), chromedp.Click(chromedp.CSS("#dl-roster")))
	roster := filepath.Join(downloads, "学员名单.xlsx") // the browser keeps the Chinese name (RFC 6266 filename*)
	for i := 0; ; i++ {
		if fi, err := os.Stat(roster); err == nil && fi.Size() > 0 {
			break
		}
		if i == 200 {
			names, _ := filepath.Glob(filepath.Join(downloads, "*"))
			t.Fatalf("roster not downloaded as 学员名单.xlsx; download folder holds %v", names)
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	x, err := excelize.OpenFile(roster)
	if err != nil {
		t.Fatalf("downloaded roster: %v", err)
	}
	rows, _ := x.GetRows(x.GetSheetList()[0])
	x.Close()
	if len(rows) < 3 || !strings.Contains(strings.Join(rows[0], "")+strings.Join(rows[1], "")+strings.Join(rows[2], ""), "第3期") {
		t.Fatalf("roster rows: %q", rows[:min(3, len(rows))])
	}
	step("other cohort", chromedp.Navigate(base+"/cohort/4"), chromedp.WaitVisible(chromedp.CSS("#message")), shot("host-forbidden"))
	if got := text("h1"); !strings.Contains(got, "403") {
		t.Fatalf("another cohort's page: %q", got)
	}
	// Its summary: upload both files, see what was read, confirm.
	step("summary upload", chromedp.Navigate(base+"/cohort/3"), chromedp.WaitVisible(chromedp.CSS("#summary-upload")),
		chromedp.SetUploadFiles(chromedp.CSS(`#summary-upload input[name="file"]`), []string{sumDOCX, sumXLSX}),
		chromedp.Click(chromedp.CSS("#summary-upload button")), chromedp.WaitVisible(chromedp.CSS("#confirm")), shot("host-summary-check"))
	if got := text("#found"); !strings.Contains(got, "一、基本情况") || !strings.Contains(got, "学员考勤") {
		t.Fatalf("summary check table: %q", got)
	}
	step("summary confirm", chromedp.Click(chromedp.CSS("#confirm button")), chromedp.WaitVisible(chromedp.CSS("#submitted")), shot("host-summary-submitted"))
	if got := text("#submitted"); !strings.Contains(got, "均已齐全") {
		t.Fatalf("summary submitted: %q", got)
	}
	step("host logout", chromedp.Navigate(base+"/cohort/3"), chromedp.WaitVisible(chromedp.CSS("#summary-found")), shot("host-cohort-summary"), logout)

	// 总部 sees the submission on the evaluation page.
	step("hq evaluation", login("zongbu", hqPW), chromedp.Click(chromedp.CSS("#login button")), chromedp.WaitVisible(chromedp.CSS("#cohorts")),
		chromedp.Navigate(base+"/hq/evaluation"), chromedp.WaitVisible(chromedp.CSS("#cohort-summaries")), shot("hq-evaluation"))
	// Submitted now, long after the 2022 deadline: shown with its time, as late.
	if got := text("#cohort-summaries"); !regexp.MustCompile(`第3期[^\n]*（北京时间）[^\n]*逾期 \d+ 天`).MatchString(got) {
		t.Fatalf("evaluation page: %q", got)
	}
	step("hq logout 2", logout)

	// 档案: find the 2022 notice by 文号.
	step("archivist", login("dangan", archPW), chromedp.Click(chromedp.CSS("#login button")),
		chromedp.WaitVisible(chromedp.CSS("#search")), shot("archive"),
		chromedp.SetValue(chromedp.CSS(`select[name="year"]`), "2022"),
		chromedp.SendKeys(chromedp.CSS(`input[name="docno"]`), "〔2022〕47号"),
		chromedp.Click(chromedp.CSS("#search button")), chromedp.WaitVisible(chromedp.CSS("#results")), shot("archive-found"))
	if got := text("#results"); !strings.Contains(got, "科协办函组字〔2022〕47号") || !strings.Contains(got, "2022年“领航计划”") {
		t.Fatalf("search for the notice: %q", got)
	}
	step("history", chromedp.Click(chromedp.CSS(`#results a[href^="/history"]`)), chromedp.WaitVisible(chromedp.CSS(".sha")), shot("archive-history"))
	t.Logf("screenshots in %s", shots)
}
