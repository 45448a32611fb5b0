package jobs

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linghang/program"
	"linghang/render"
	"linghang/storage/archive"
)

// archived reads the current version of the document named file in
// cohort n's 总结 folder.
func archived(t *testing.T, a *archive.Archive, n int, file string) []byte {
	t.Helper()
	es, err := a.Find(context.Background(), archive.Query{Year: 2022, Kind: archive.Summary, Cohort: n})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range es {
		if strings.HasSuffix(e.Key, "/"+file) {
			rc, _, err := a.Open(context.Background(), e.Key, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			return b
		}
	}
	t.Fatalf("no %s in cohort %d's 总结 (have %d documents)", file, n, len(es))
	return nil
}

// fillNarrative types text over every section's guidance.
func fillNarrative(t *testing.T, docx []byte, text string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		if f.Name == "word/document.xml" {
			for _, s := range program.SummarySections {
				var g strings.Builder
				xml.EscapeText(&g, []byte(s.Guidance))
				b = bytes.Replace(b, []byte(g.String()), []byte(s.Title+text), 1)
			}
		}
		w, _ := zw.Create(f.Name)
		w.Write(b)
	}
	zw.Close()
	return buf.Bytes()
}

func fillNumbers(t *testing.T, xlsx []byte, c *program.Cohort, people int) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	f.SetCellStr(program.SheetSchedule, "A4", program.DayLabel(c.Start.Time))
	f.SetCellStr(program.SheetSchedule, "C4", "开班式")
	for i := 0; i < people; i++ {
		for d := range c.Days() {
			cell, _ := excelize.CoordinatesToCellName(4+d, program.SummaryFirstRow+i)
			f.SetCellStr(program.SheetAttendance, cell, program.Present)
		}
	}
	var buf bytes.Buffer
	f.WriteTo(&buf)
	return buf.Bytes()
}

// The year's summary documents on a real local store: templates made by
// summary-template, a wrong file refused with nothing stored, the filled
// ones imported (originals and parsed data under 总结), the report made
// by summary-report and again after a resubmission, the evaluation.
func TestSummaryLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("renders documents")
	}
	st := fsStore(t)
	p0, _ := program.Default()
	set := sampleSet(t, p0, 40)
	pl := testPipeline(t, st, set)
	ctx := context.Background()
	const n = 3
	c, _ := pl.Programme.Cohort(n)
	people := len(set.InCohort(n))
	if people == 0 {
		t.Fatal("no applicants in cohort 3")
	}
	_, out, err := pl.Run(ctx, Request{Job: JobSummaryTemplate, Cohorts: []int{n}})
	templates := 0 // the job also makes the certificates (issue 15)
	for _, k := range out.Keys {
		if strings.Contains(k, "承办单位总结模板") {
			templates++
		}
	}
	if err != nil || templates != 2 {
		t.Fatalf("summary-template: stored %d templates (%v), err %v", templates, out.Keys, err)
	}
	docx := archived(t, pl.Archive, n, "承办单位总结模板-总结报告.docx")
	xlsx := archived(t, pl.Archive, n, "承办单位总结模板-总结数据.xlsx")

	before := versions(t, pl.Archive)
	var other bytes.Buffer
	if err := render.SummaryTemplateXLSX(&other, pl.Programme, 5, set.Applicants, render.SummaryTemplateOptions{}); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2022, 7, 5, 3, 0, 0, 0, time.UTC)
	_, _, err = ImportSummary(ctx, pl.Archive, pl.Programme, n, []SummaryFile{
		{"总结报告.docx", fillNarrative(t, docx, "已完成。")}, {"第5期数据.xlsx", other.Bytes()}}, now)
	var se program.SummaryErrors
	if !errors.As(err, &se) || len(se) != 1 || !strings.Contains(se[0].Error(), "第5期数据.xlsx（值：LH-ZJ-2022-05）：这是2022年第5期的总结模板") {
		t.Fatalf("wrong cohort: %v", err)
	}
	if after := versions(t, pl.Archive); len(after) != len(before) {
		t.Errorf("a refused import stored something: %d → %d documents", len(before), len(after))
	}

	s, m, err := ImportSummary(ctx, pl.Archive, pl.Programme, n, []SummaryFile{
		{"总结报告.docx", fillNarrative(t, docx, "已完成。")}, {"总结数据.xlsx", fillNumbers(t, xlsx, c, people)}}, now)
	if err != nil || m == nil || len(m.Entries) != 3 {
		t.Fatalf("import: %v, manifest %+v", err, m)
	}
	for _, e := range m.Entries {
		if e.Kind != archive.Summary || e.Cohort != n || e.Date != "2022-07-05" || e.Author != strings.Join(c.Hosts, "、") || len(e.SHA256) != 64 {
			t.Errorf("archived %s: %+v", e.Key, e)
		}
	}
	if got := archived(t, pl.Archive, n, summaryNarrativeFile); !bytes.Equal(got, fillNarrative(t, docx, "已完成。")) {
		t.Error("the archived DOCX is not the file as received")
	}
	loaded, err := LoadSummary(ctx, pl.Archive, pl.Programme, n)
	if err != nil || loaded.Section("一、基本情况") != "基本情况已完成。" || len(loaded.Attendance) != people || loaded.Submitted() != now {
		t.Fatalf("loaded %+v, %v", loaded, err)
	}
	if s.Section("三、成效与经验") != "成效与经验已完成。" {
		t.Errorf("returned summary %+v", s.Sections)
	}

	// The same files again, a day later: nothing new.
	if _, m, err := ImportSummary(ctx, pl.Archive, pl.Programme, n, []SummaryFile{
		{"总结数据.xlsx", fillNumbers(t, xlsx, c, people)}, {"总结报告.docx", fillNarrative(t, docx, "已完成。")}}, now.Add(24*time.Hour)); err != nil || m != nil {
		t.Errorf("the same files again: manifest %v, %v", m, err)
	}
	_, rep, err := pl.Run(ctx, Request{Job: JobSummaryReport, Cohorts: []int{n}})
	// The job also remakes the 日程 (now from the summary's 活动日程) and
	// the certificates (now with its attendance).
	if err != nil || rep.Stored < 2 || !strings.HasSuffix(rep.Keys[0], "/总结/活动总结报告.pdf") || !strings.HasSuffix(rep.Keys[1], "/总结/活动总结报告.xlsx") {
		t.Fatalf("summary-report: %+v %v", rep, err)
	}
	if _, again, _ := pl.Run(ctx, Request{Job: JobSummaryReport, Cohorts: []int{n}}); again.Status != StatusNothing {
		t.Errorf("report re-run on the same summary: %+v", again)
	}
	// Resubmitting the narrative: new versions; the numbers are kept.
	later := now.Add(48 * time.Hour)
	if _, _, err := ImportSummary(ctx, pl.Archive, pl.Programme, n, []SummaryFile{{"总结报告-修改.docx", fillNarrative(t, docx, "已修改。")}}, later); err != nil {
		t.Fatal(err)
	}
	loaded, _ = LoadSummary(ctx, pl.Archive, pl.Programme, n)
	if loaded.Section("一、基本情况") != "基本情况已修改。" || len(loaded.Attendance) != people || loaded.Submitted() != later || len(loaded.Sources) != 2 {
		t.Errorf("after resubmission: %+v", loaded)
	}
	v := versions(t, pl.Archive)
	for _, file := range []string{summaryNarrativeFile, summaryParsedFile} {
		for k, n := range v {
			if strings.HasSuffix(k, "/"+file) && n != 2 {
				t.Errorf("%s has %d versions, want 2", k, n)
			}
		}
	}
	if _, again, err := pl.Run(ctx, Request{Job: JobSummaryReport, Cohorts: []int{n}}); err != nil || again.Stored != 2 {
		t.Errorf("report after resubmission: %+v %v", again, err)
	}
	_, ev, err := pl.Run(ctx, Request{Job: JobEvaluation})
	if err != nil || ev.Stored != 2 {
		t.Fatalf("evaluation: %+v %v", ev, err)
	}
	if rep, err := pl.Archive.Verify(ctx, io.Discard); err != nil || !rep.OK() {
		t.Errorf("verify: %v %+v", err, rep.Problems)
	}
}

// The demo's summaries: every cohort with applicants gets one, a second
// call stores nothing, and the evaluation ranks every cohort.
func TestImportSampleSummaries(t *testing.T) {
	if testing.Short() {
		t.Skip("renders documents")
	}
	st := fsStore(t)
	p0, _ := program.Default()
	set := sampleSet(t, p0, 30)
	pl := testPipeline(t, st, set)
	ctx := context.Background()
	n, err := ImportSampleSummaries(ctx, pl.Archive, pl.Programme, set.Applicants, 1)
	if err != nil {
		t.Fatal(err)
	}
	cohorts := map[int]bool{}
	for _, a := range set.Applicants {
		cohorts[a.Cohort] = true
	}
	if n != len(cohorts) {
		t.Errorf("imported %d, want %d", n, len(cohorts))
	}
	before := versions(t, pl.Archive)
	if _, err := ImportSampleSummaries(ctx, pl.Archive, pl.Programme, set.Applicants, 1); err != nil {
		t.Fatal(err)
	}
	for k, v := range versions(t, pl.Archive) {
		if before[k] != v {
			t.Errorf("second import: %s now has %d versions", k, v)
		}
	}
	sums, err := LoadSummaries(ctx, pl.Archive, pl.Programme)
	if err != nil || len(sums) != n {
		t.Fatalf("%d summaries, %v", len(sums), err)
	}
	for _, e := range program.Evaluate(pl.Programme, set.Applicants, sums) {
		if cohorts[e.Cohort.Number] && (e.Rank == 0 || !e.OnTime()) {
			t.Errorf("%s: rank %d, on time %v", e.Cohort.Title(), e.Rank, e.OnTime())
		}
	}
}
