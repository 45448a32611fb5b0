package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"linghang/jobs"
	"linghang/program"
)

func sampleXLSX(t *testing.T, apps []program.Applicant) []byte {
	t.Helper()
	p, _ := program.Default()
	var b bytes.Buffer
	if err := program.SampleXLSX(&b, p, apps); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// upload posts a file to /hq/import as hq, with the session's CSRF token.
func (f *fixture) upload(name string, data []byte, mode string) *uploadResult {
	f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", f.sess["hq"].csrf)
	mw.WriteField("mode", mode)
	w, _ := mw.CreateFormFile("file", name)
	w.Write(data)
	mw.Close()
	rec := f.do("POST", "/hq/import", "hq", &body, "Content-Type", mw.FormDataContentType())
	return &uploadResult{Code: rec.Code, Body: rec.Body.String()}
}

type uploadResult struct {
	Code int
	Body string
}

func (f *fixture) applicantCount() int {
	f.t.Helper()
	set, err := jobs.LoadApplicantSet(context.Background(), f.a, 2022)
	if err != nil {
		f.t.Fatal(err)
	}
	return len(set.Applicants)
}

func TestUpload(t *testing.T) {
	f := newFixture(t, Config{MaxUpload: 256 << 10, Limits: program.Limits{PartBytes: 1 << 20}})
	prog := f.prog
	before := f.applicantCount()

	// A file that would remove people is shown, not importable.
	apps := program.Sample(prog, 10, 99)
	res := f.upload("报名汇总.xlsx", sampleXLSX(t, apps), "")
	if res.Code != 200 || !strings.Contains(res.Body, `id="blocked"`) || !strings.Contains(res.Body, "删除") || strings.Contains(res.Body, `id="confirm"`) {
		t.Fatalf("removal not blocked: %d %s", res.Code, res.Body)
	}
	// Replacing: the table first, then the confirmation imports.
	res = f.upload("报名汇总.xlsx", sampleXLSX(t, apps), "replace")
	if res.Code != 200 || !strings.Contains(res.Body, `id="confirm"`) || !strings.Contains(res.Body, "新增 10 人") {
		t.Fatalf("replace: %d %s", res.Code, res.Body)
	}
	if n := f.applicantCount(); n != before {
		t.Fatalf("imported before confirmation: %d", n)
	}
	id := regexp.MustCompile(`name="id" value="([^"]+)"`).FindStringSubmatch(res.Body)
	if id == nil {
		t.Fatal("no pending id")
	}
	rec := f.postForm("/hq/import/confirm", "hq", url.Values{"id": {id[1]}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), "已导入") {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body.String())
	}
	if n := f.applicantCount(); n != 10 {
		t.Fatalf("after confirm: %d applicants", n)
	}
	if rec := f.postForm("/hq/import/confirm", "hq", url.Values{"id": {id[1]}}); rec.Code != 404 {
		t.Fatalf("second confirm: %d", rec.Code)
	}

	// One bad row: the table names row, column and reason; nothing imported.
	bad := program.Sample(prog, 5, 3)
	bad[2].ID = "110105198001010011"
	bad[3].Name = "<script>alert(1)</script>"
	bad[3].Gender = "未知"
	res = f.upload("有错.xlsx", sampleXLSX(t, bad), "merge")
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="errors"`) || strings.Contains(res.Body, `id="confirm"`) {
		t.Fatalf("bad rows: %d %s", res.Code, res.Body)
	}
	if !strings.Contains(res.Body, "身份证号") || !strings.Contains(res.Body, "110105********0011") {
		t.Fatalf("error table does not name the field with the value masked: %s", res.Body)
	}
	if strings.Contains(res.Body, "<script>alert") {
		t.Fatalf("user value not escaped")
	}
	if n := f.applicantCount(); n != 10 {
		t.Fatalf("bad file changed the data: %d", n)
	}

	// Refused before parsing.
	bomb := func() []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create("xl/worksheets/sheet1.xml")
		w.Write(bytes.Repeat([]byte{'0'}, 8<<20))
		zw.Close()
		return b.Bytes()
	}()
	for _, tt := range []struct {
		name   string
		file   string
		data   []byte
		status int
		msg    string
	}{
		{"too large", "大.csv", bytes.Repeat([]byte("a,b\n"), 100<<10), http.StatusRequestEntityTooLarge, "超过上限"},
		{"not xlsx", "名单.xlsx", []byte("姓名,身份证号\n张三,1\n"), http.StatusUnsupportedMediaType, "不是 XLSX"},
		{"binary as csv", "名单.csv", []byte("PK\x03\x04binary"), http.StatusUnsupportedMediaType, "不是文本文件"},
		{"exe", "setup.exe", []byte("MZ\x90\x00"), http.StatusUnsupportedMediaType, "类型不支持"},
		{"empty", "空.csv", nil, http.StatusBadRequest, "是空的"},
		{"zip bomb", "炸弹.xlsx", bomb, http.StatusRequestEntityTooLarge, "解压后"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			res := f.upload(tt.file, tt.data, "")
			if res.Code != tt.status || !strings.Contains(res.Body, tt.msg) {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			if time.Since(start) > 2*time.Second {
				t.Fatalf("took %v", time.Since(start))
			}
		})
	}
	if len(bomb) > 256<<10 {
		t.Fatalf("fixture: bomb is %d bytes, above the upload limit", len(bomb))
	}
}

func TestAPIApplicants(t *testing.T) {
	f := newFixture(t, Config{})
	post := func(mode string, v any) (int, apiImportReport) {
		b, _ := json.Marshal(v)
		target := "/api/applicants"
		if mode != "" {
			target += "?mode=" + mode
		}
		rec := f.do("POST", target, "token:hq", bytes.NewReader(b), "Content-Type", "application/json")
		var rep apiImportReport
		if err := json.Unmarshal(rec.Body.Bytes(), &rep); err != nil {
			t.Fatalf("%s: %v", rec.Body.String(), err)
		}
		return rec.Code, rep
	}
	type jsonApp struct {
		program.Applicant
		Cohort string `json:"cohort"`
	}
	batch := func(apps []program.Applicant) []jsonApp {
		out := make([]jsonApp, len(apps))
		for i, a := range apps {
			out[i] = jsonApp{a, f.prog.Cohorts[a.Cohort-1].Label}
		}
		return out
	}
	before := f.applicantCount()
	apps := program.Sample(f.prog, 4, 11)
	for i := range apps {
		apps[i].Recommender = "中国化学会" // a merge is one recommender's list
	}
	bad := append([]program.Applicant(nil), apps...)
	bad[1].Mobile = "123"
	code, rep := post("merge", batch(bad))
	if code != 422 || rep.Imported || rep.Rejected != 1 || len(rep.Errors) == 0 || rep.Errors[0].Row != 2 || rep.Errors[0].Field != "手机" {
		t.Fatalf("bad batch: %d %+v", code, rep)
	}
	if f.applicantCount() != before {
		t.Fatal("bad batch imported something")
	}
	code, rep = post("", batch(apps))
	if code != 409 || rep.Imported || rep.Removed != before {
		t.Fatalf("batch that removes people: %d %+v", code, rep)
	}
	code, rep = post("merge", batch(apps))
	if code != 200 || !rep.Imported || rep.Added != 4 {
		t.Fatalf("merge: %d %+v", code, rep)
	}
	if n := f.applicantCount(); n != before+4 {
		t.Fatalf("after merge: %d", n)
	}
	rec := f.get("/api/applicants", "token:hq")
	var got struct{ Count int }
	json.Unmarshal(rec.Body.Bytes(), &got)
	if rec.Code != 200 || got.Count != before+4 {
		t.Fatalf("GET applicants: %d %s", rec.Code, rec.Body.String())
	}
	if rec := f.do("POST", "/api/applicants?mode=x", "token:hq", strings.NewReader("[]")); rec.Code != 400 {
		t.Fatalf("bad mode: %d", rec.Code)
	}
}

// fakeRunner records requests.
type fakeRunner struct{ reqs []jobs.Request }

func (r *fakeRunner) Run(ctx context.Context, req jobs.Request) (jobs.Record, jobs.Outcome, error) {
	r.reqs = append(r.reqs, req)
	if req.Job == "verify" {
		return jobs.Record{Job: req.Job, Status: jobs.StatusFailed, Err: "校验发现 1 个问题"}, jobs.Outcome{}, io.ErrUnexpectedEOF
	}
	return jobs.Record{Job: req.Job, Status: jobs.StatusSucceeded}, jobs.Outcome{Planned: 3, Rendered: 3, Stored: 3}, nil
}

type fakeStatus struct{}

func (fakeStatus) Status() jobs.SchedulerStatus {
	return jobs.SchedulerStatus{LastTick: time.Date(2022, 4, 1, 2, 0, 0, 0, time.UTC), LastErr: "归档存储不可达", ErrSince: time.Date(2022, 4, 1, 1, 0, 0, 0, time.UTC)}
}

func TestHQPages(t *testing.T) {
	r := &fakeRunner{}
	f := newFixture(t, Config{Runner: r, Scheduler: fakeStatus{}, Clock: func() time.Time { return time.Date(2022, 4, 20, 0, 0, 0, 0, time.UTC) }})
	// A failed run in the ledger is highlighted.
	ctx := context.Background()
	l := jobs.NewLedger(f.store, nil)
	l.Save(ctx, jobs.Record{ID: "r1", Job: "registration-close", Cohort: 2, Trigger: "at", Start: time.Now(), Status: jobs.StatusFailed, Err: "字体缺字：㐀", Attempts: []jobs.Attempt{{}}})
	l.Save(ctx, jobs.Record{ID: "r2", Job: "nightly", Trigger: "cron", Start: time.Now(), Status: jobs.StatusSucceeded, Attempts: []jobs.Attempt{{}}})

	body := f.get("/hq", "hq").Body.String()
	for _, want := range []string{"科协办函组字〔2022〕47号", "第10期", `class="tent">暂定`, "通知原文", "正常", "归档存储不可达", `id="cohorts"`} {
		if !strings.Contains(body, want) {
			t.Errorf("/hq lacks %q", want)
		}
	}
	body = f.get("/hq/jobs", "hq").Body.String()
	if !regexp.MustCompile(`<tr class="fail"><td>[^<]*</td><td>registration-close</td>`).MatchString(body) || !strings.Contains(body, "字体缺字") {
		t.Errorf("failed run not highlighted:\n%s", body)
	}
	if !strings.Contains(body, "暂定（不自动运行）") {
		t.Errorf("tentative occurrences not marked")
	}
	rec := f.postForm("/hq/jobs/run", "hq", url.Values{"job": {"registration-close"}, "cohort": {"3"}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="run-result"`) || len(r.reqs) != 1 || r.reqs[0].Cohorts[0] != 3 {
		t.Fatalf("run: %d %+v %s", rec.Code, r.reqs, rec.Body.String())
	}
	if rec := f.postForm("/hq/jobs/run", "hq", url.Values{"job": {"no-such"}}); rec.Code != 404 {
		t.Fatalf("unknown job: %d", rec.Code)
	}
	if rec := f.postForm("/hq/jobs/run", "hq", url.Values{"job": {"nightly"}, "cohort": {"42"}}); rec.Code != 400 {
		t.Fatalf("unknown cohort: %d", rec.Code)
	}
	// The API runs jobs and counts them in /metrics.
	rec = f.do("POST", "/api/jobs/verify/run", "token:hq", nil)
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "校验发现") {
		t.Fatalf("API run failing job: %d %s", rec.Code, rec.Body.String())
	}
	rec = f.get("/api/jobs", "token:hq")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"tentative": true`) || !strings.Contains(rec.Body.String(), `"字体缺字：㐀"`) {
		t.Fatalf("API jobs: %d %s", rec.Code, rec.Body.String())
	}
	m := f.get("/metrics", "").Body.String()
	for _, want := range []string{
		`linghang_jobs_run_total{job="registration-close"} 1`,
		`linghang_jobs_failed_total{job="verify"} 1`,
		`linghang_documents_generated_total 3`,
		`linghang_http_request_duration_seconds_count{code="200",route="GET /hq"} 1`,
		`linghang_http_request_duration_seconds_bucket{code="200",route="GET /hq/jobs",le="+Inf"}`,
		`linghang_store_up 1`,
		"go_goroutines",
	} {
		if !strings.Contains(m, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}
