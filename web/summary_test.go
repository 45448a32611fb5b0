package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linghang/jobs"
	"linghang/program"
	"linghang/render"
	"linghang/storage/archive"
)

// summaryFixture is the web fixture with applicants in cohort 1 and the
// host unit's filled templates for it (render.SampleSummaryFiles).
func summaryFixture(t *testing.T, cfg Config) (f *fixture, apps []program.Applicant, docx, xlsx []byte) {
	t.Helper()
	f = newFixture(t, cfg)
	apps = program.Sample(f.prog, 40, 11)
	if _, _, err := jobs.SaveApplicants(context.Background(), f.a, &program.ApplicantSet{Year: 2022, Applicants: apps}); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range apps {
		if a.Cohort == 1 {
			n++
		}
	}
	if n < 2 {
		t.Fatalf("fixture: %d applicants in cohort 1", n)
	}
	docx, xlsx, err := render.SampleSummaryFiles(f.prog, 1, apps, 3)
	if err != nil {
		t.Fatal(err)
	}
	return f, apps, docx, xlsx
}

type upFile struct {
	name string
	data []byte
}

// postFiles posts files as field "file" to target as who (a session:
// with its CSRF token unless csrf is false; "token:NAME": bearer).
func (f *fixture) postFiles(target, who string, csrf bool, files ...upFile) *httpResult {
	f.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if csrf && !strings.HasPrefix(who, "token:") {
		mw.WriteField("csrf", f.sess[who].csrf)
	}
	for _, u := range files {
		w, _ := mw.CreateFormFile("file", u.name)
		w.Write(u.data)
	}
	mw.Close()
	rec := f.do("POST", target, who, &body, "Content-Type", mw.FormDataContentType())
	return &httpResult{Code: rec.Code, Body: rec.Body.String()}
}

type httpResult struct {
	Code int
	Body string
}

func (f *fixture) summary(n int) *program.Summary {
	f.t.Helper()
	s, err := jobs.LoadSummary(context.Background(), f.a, f.prog, n)
	if err != nil {
		f.t.Fatal(err)
	}
	return s
}

// absentDays marks name absent on the first days of the 学员考勤 sheet.
func absentDays(t *testing.T, xlsx []byte, name string, days int) []byte {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(program.SheetAttendance)
	found := false
	for i := program.SummaryFirstRow - 1; i < len(rows); i++ {
		if len(rows[i]) > 1 && rows[i][1] == name {
			found = true
			for d := 0; d < days; d++ {
				cell, _ := excelize.CoordinatesToCellName(4+d, i+1)
				x.SetCellStr(program.SheetAttendance, cell, program.Absent)
			}
		}
	}
	if !found {
		t.Fatalf("%s not on the sheet", name)
	}
	var b bytes.Buffer
	x.WriteTo(&b)
	return b.Bytes()
}

// TestSummaryUpload: the host unit's upload is checked and shown as a
// table before anything is stored, stored on confirmation exactly as
// `linghang summary import` stores it, refused before parsing when it is
// not a template, too large or a zip bomb; a host unit uploads and
// confirms only for its own cohort.
func TestSummaryUpload(t *testing.T) {
	f, apps, docx, xlsx := summaryFixture(t, Config{MaxUpload: 1 << 20})

	page := f.get("/cohort/1", "host1").Body.String()
	c1, _ := f.prog.Cohort(1)
	for _, want := range []string{`id="summary-upload"`, `action="/cohort/1/summary"`, `name="csrf" value="` + f.sess["host1"].csrf + `"`,
		"总结报告（DOCX）尚未提交", "总结数据（XLSX）尚未提交", f.prog.SummaryDeadline(c1).Format("2006-01-02"), `id="dl-summary-template-docx"`} {
		if !strings.Contains(page, want) {
			t.Errorf("cohort page lacks %q", want)
		}
	}

	// The narrative alone: what was found, what is missing; nothing stored.
	res := f.postFiles("/cohort/1/summary", "host1", true, upFile{"总结报告.docx", docx})
	if res.Code != 200 || !strings.Contains(res.Body, `id="found"`) || !strings.Contains(res.Body, "一、基本情况") ||
		!strings.Contains(res.Body, "总结数据（XLSX）尚未提交") || !strings.Contains(res.Body, `id="confirm"`) {
		t.Fatalf("narrative only: %d %s", res.Code, res.Body)
	}
	if s := f.summary(1); s != nil {
		t.Fatalf("stored before confirmation: %+v", s)
	}

	// Both, one person absent 3 of 5 days: shown as losing the certificate.
	var first program.Applicant
	for _, a := range apps {
		if a.Cohort == 1 {
			first = a
			break
		}
	}
	short := absentDays(t, xlsx, first.Name, 3)
	res = f.postFiles("/cohort/1/summary", "host1", true, upFile{"总结报告.docx", docx}, upFile{"总结数据.xlsx", short})
	if res.Code != 200 || !strings.Contains(res.Body, program.SheetAttendance) || !strings.Contains(res.Body, "出勤不少于80%") ||
		!regexp.MustCompile(`id="withheld">.*`+regexp.QuoteMeta(first.Name)+`（出勤 [0-2]/5 天）`).MatchString(res.Body) {
		t.Fatalf("both files: %d %s", res.Code, res.Body)
	}
	id := regexp.MustCompile(`name="id" value="([^"]+)"`).FindStringSubmatch(res.Body)
	if id == nil {
		t.Fatal("no pending id")
	}
	// Only the uploader confirms, only on their cohort's route.
	if rec := f.postForm("/cohort/1/summary/confirm", "host2", url.Values{"id": {id[1]}}); rec.Code != 403 {
		t.Errorf("host2 confirming cohort 1: %d", rec.Code)
	}
	if rec := f.postForm("/cohort/2/summary/confirm", "host2", url.Values{"id": {id[1]}}); rec.Code != 404 {
		t.Errorf("host2 confirming host1's upload on its own route: %d", rec.Code)
	}
	if rec := f.postForm("/cohort/1/summary/confirm", "hq", url.Values{"id": {id[1]}}); rec.Code != 404 {
		t.Errorf("hq confirming host1's upload: %d", rec.Code)
	}
	rec := f.postForm("/cohort/1/summary/confirm", "host1", url.Values{"id": {id[1]}})
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `id="submitted"`) || !strings.Contains(rec.Body.String(), "均已齐全") {
		t.Fatalf("confirm: %d %s", rec.Code, rec.Body.String())
	}
	s := f.summary(1)
	if s == nil || !s.HasNarrative() || !s.HasData() || s.Submitted().IsZero() || len(s.Sources) != 2 {
		t.Fatalf("stored summary: %+v", s)
	}
	if rec := f.postForm("/cohort/1/summary/confirm", "host1", url.Values{"id": {id[1]}}); rec.Code != 404 {
		t.Errorf("second confirm: %d", rec.Code)
	}
	page = f.get("/cohort/1", "host1").Body.String()
	if !strings.Contains(page, `id="summary-found"`) || strings.Contains(page, "尚未提交") {
		t.Errorf("cohort page after the import:\n%s", page)
	}

	// Problems: a table naming file, place and reason; nothing stored.
	blankDOCX := func() []byte {
		var b bytes.Buffer
		if err := render.SummaryTemplateDOCX(&b, f.prog, 1, apps, render.SummaryTemplateOptions{}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}()
	_, otherXLSX, err := render.SampleSummaryFiles(f.prog, 2, apps, 3)
	if err != nil {
		t.Fatal(err)
	}
	res = f.postFiles("/cohort/1/summary", "host1", true, upFile{"<i>空白.docx", blankDOCX}, upFile{"第2期.xlsx", otherXLSX})
	if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="errors"`) || strings.Contains(res.Body, `id="confirm"`) {
		t.Fatalf("bad files: %d %s", res.Code, res.Body)
	}
	for _, want := range []string{"一、基本情况", "尚未填写", "第2期.xlsx", "这是2022年第2期的总结模板", "&lt;i&gt;空白.docx"} {
		if !strings.Contains(res.Body, want) {
			t.Errorf("error table lacks %q", want)
		}
	}
	if strings.Contains(res.Body, "<i>空白") {
		t.Error("file name not escaped")
	}
	if s2 := f.summary(1); len(s2.Sources) != 2 || s2.Sources[0].SHA256 != s.Sources[0].SHA256 {
		t.Errorf("a refused upload changed the summary: %+v", s2.Sources)
	}

	// Refused before parsing.
	bomb := func() []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		w, _ := zw.Create("word/document.xml")
		w.Write(bytes.Repeat([]byte{'0'}, 120<<20))
		zw.Close()
		return b.Bytes()
	}()
	if len(bomb) > 1<<20 {
		t.Fatalf("fixture: bomb is %d bytes", len(bomb))
	}
	for _, tt := range []struct {
		name   string
		files  []upFile
		status int
		msg    string
	}{
		{"exe", []upFile{{"setup.exe", []byte("MZ\x90\x00")}}, http.StatusUnsupportedMediaType, "类型不支持"},
		{"text as docx", []upFile{{"总结.docx", []byte("这不是 Word 文件")}}, http.StatusUnsupportedMediaType, "不是 Word/Excel 文档"},
		{"empty", []upFile{{"总结.xlsx", nil}}, http.StatusBadRequest, "是空的"},
		{"three files", []upFile{{"a.docx", docx}, {"b.xlsx", xlsx}, {"c.docx", docx}}, http.StatusBadRequest, "最多上传两个文件"},
		{"zip bomb", []upFile{{"炸弹.docx", bomb}}, http.StatusRequestEntityTooLarge, "解压后"},
		{"too large", []upFile{{"大.docx", bytes.Repeat([]byte("PK\x03\x04"), 300<<10)}}, http.StatusRequestEntityTooLarge, "超过上限"},
		{"none", nil, http.StatusBadRequest, "请选择要上传的总结文件"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := f.postFiles("/cohort/1/summary", "host1", true, tt.files...)
			if res.Code != tt.status || !strings.Contains(res.Body, tt.msg) {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
		})
	}
	// Without the CSRF token: refused.
	if res := f.postFiles("/cohort/1/summary", "host1", false, upFile{"总结报告.docx", docx}); res.Code != 403 || !strings.Contains(res.Body, "CSRF") {
		t.Errorf("no CSRF token: %d", res.Code)
	}
}

// TestSummaryAPI: POST /api/cohorts/{n}/summary imports at once, all or
// nothing, for the token's own cohort only.
func TestSummaryAPI(t *testing.T) {
	f, _, docx, xlsx := summaryFixture(t, Config{})
	res := f.postFiles("/api/cohorts/1/summary", "token:host1", false, upFile{"总结数据.xlsx", docx[:len(docx)/2]})
	if res.Code != 400 && res.Code != http.StatusUnprocessableEntity {
		t.Errorf("truncated file: %d %s", res.Code, res.Body)
	}
	if f.summary(1) != nil {
		t.Fatal("a bad upload stored something")
	}
	res = f.postFiles("/api/cohorts/1/summary", "token:host1", false, upFile{"总结报告.docx", docx}, upFile{"总结数据.xlsx", xlsx})
	var rep apiSummaryReport
	if err := json.Unmarshal([]byte(res.Body), &rep); err != nil || res.Code != 200 || !rep.Imported || rep.Complete == "" || len(rep.Missing) != 0 {
		t.Fatalf("API import: %d %s", res.Code, res.Body)
	}
	if s := f.summary(1); s == nil || s.Submitted().IsZero() {
		t.Fatalf("API import stored %+v", s)
	}
	res = f.postFiles("/api/cohorts/1/summary", "token:host1", false, upFile{"总结报告.docx", docx})
	if res.Code != 200 || !strings.Contains(res.Body, "未产生新版本") {
		t.Errorf("the same file again: %d %s", res.Code, res.Body)
	}
	_, other, _ := render.SampleSummaryFiles(f.prog, 2, nil, 1)
	res = f.postFiles("/api/cohorts/1/summary", "token:hq", false, upFile{"第2期.xlsx", other})
	if err := json.Unmarshal([]byte(res.Body), &rep); err != nil || res.Code != http.StatusUnprocessableEntity || rep.Imported || len(rep.Errors) != 1 || rep.Errors[0].File != "第2期.xlsx" {
		t.Errorf("wrong cohort via API: %d %s", res.Code, res.Body)
	}
}

// TestEvaluationPage: 总部 sees which cohorts submitted and when, against
// the deadline, with links to the reports and the evaluation.
func TestEvaluationPage(t *testing.T) {
	f, _, docx, xlsx := summaryFixture(t, Config{})
	body := f.get("/hq/evaluation", "hq").Body.String()
	if !strings.Contains(body, `id="no-evaluation"`) || !strings.Contains(body, "已收到 0 期的总结") {
		t.Fatalf("before any summary:\n%s", body)
	}
	c, _ := f.prog.Cohort(1)
	at := c.End.AddDate(0, 0, 20) // five days late
	if _, _, err := jobs.ImportSummary(context.Background(), f.a, f.prog, 1, []jobs.SummaryFile{{Name: "总结报告.docx", Data: docx}, {Name: "总结数据.xlsx", Data: xlsx}}, at); err != nil {
		t.Fatal(err)
	}
	b, err := f.a.Begin(context.Background(), "eval", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct{ kind, file, title string }{{"evaluation", "年度评估.pdf", "2022年度评估"}, {"summary", "活动总结报告.pdf", "第1期 活动总结报告"}} {
		doc := evalDoc(d.kind, d.file, d.title)
		if d.kind == "summary" {
			doc.Cohort, doc.CohortName = 1, c.Name
		}
		if _, err := b.Add(context.Background(), doc); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := b.Commit(context.Background()); err != nil {
		t.Fatal(err)
	}
	body = f.get("/hq/evaluation", "hq").Body.String()
	for _, want := range []string{"已收到 1 期的总结", "1 期逾期", "逾期 5 天", "2022年度评估", `id="evaluation-docs"`, ">PDF</a>",
		fmt.Sprintf("%d-%02d-%02d", at.Year(), at.Month(), at.Day())} {
		if !strings.Contains(body, want) {
			t.Errorf("evaluation page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`<tr class="fail"><td style="white-space:nowrap">第1期</td>`).MatchString(body) {
		t.Errorf("late cohort not highlighted")
	}
}

func evalDoc(kind, file, title string) archive.Doc {
	k := archive.Evaluation
	if kind == "summary" {
		k = archive.Summary
	}
	return archive.Doc{Year: 2022, Kind: k, Title: title, Filename: file, MIME: "application/pdf", Body: []byte("%PDF-1.7 " + title)}
}
