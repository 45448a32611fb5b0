package jobs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linghang/program"
	"linghang/render"
	"linghang/storage/archive"
)

// pdfText is the text of a PDF by pdftotext -layout; under CI a missing
// poppler fails the test, elsewhere it skips.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("pdftotext is missing (poppler-utils)")
		}
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// current reads the current version of cohort n's document file of kind k.
func current(t *testing.T, a *archive.Archive, k archive.Kind, n int, file string) ([]byte, archive.Entry) {
	t.Helper()
	es, err := a.Find(context.Background(), archive.Query{Year: 2022, Kind: k, Cohort: n})
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
			return b, e
		}
	}
	t.Fatalf("no %s of kind %s in cohort %d", file, k, n)
	return nil, archive.Entry{}
}

// busiestCohort is the cohort with the most applicants.
func busiestCohort(set *program.ApplicantSet) int {
	count := map[int]int{}
	best := 0
	for _, a := range set.Applicants {
		count[a.Cohort]++
		if count[a.Cohort] > count[best] {
			best = a.Cohort
		}
	}
	return best
}

// markAbsent rewrites the 学员考勤 sheet of a filled summary workbook:
// everyone present every day, except name, absent on the given number
// of days.
func markAbsent(t *testing.T, xlsx []byte, name string, days int) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(program.SheetAttendance)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i := program.SummaryFirstRow - 1; i < len(rows); i++ {
		if len(rows[i]) < 2 || rows[i][1] == "" {
			continue
		}
		absent := 0
		if rows[i][1] == name {
			absent, found = days, true
		}
		for d := 0; d+3 < len(rows[program.SummaryHeaderRow-1]); d++ {
			mark := program.Present
			if d < absent {
				mark = program.Absent
			}
			cell, _ := excelize.CoordinatesToCellName(4+d, i+1)
			f.SetCellStr(program.SheetAttendance, cell, mark)
		}
	}
	if !found {
		t.Fatalf("%s is not on the attendance sheet", name)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestSummaryAttendanceWithholdsCertificates: before the summary every
// applicant of the cohort has a certificate and the bundle says
// attendance was not checked; once the host unit's 学员考勤 shows one of
// them present on 2 of 5 days (programme: 80%), the summary-report run
// makes the bundle again without them, numbers the others as before,
// and a further run changes nothing.
func TestSummaryAttendanceWithholdsCertificates(t *testing.T) {
	if testing.Short() {
		t.Skip("renders documents")
	}
	st := fsStore(t)
	p0, _ := program.Default()
	set := sampleSet(t, p0, 40)
	pl := testPipeline(t, st, set)
	ctx := context.Background()
	n := busiestCohort(set)
	c, _ := pl.Programme.Cohort(n)
	mine := set.InCohort(n)
	if len(mine) < 3 || pl.Programme.MinAttendance != 80 || len(c.Days()) != 5 {
		t.Fatalf("fixture: cohort %d has %d applicants, %d days; min_attendance %d", n, len(mine), len(c.Days()), pl.Programme.MinAttendance)
	}
	if _, _, err := pl.Run(ctx, Request{Job: JobSummaryTemplate, Cohorts: []int{n}}); err != nil {
		t.Fatal(err)
	}
	bundle, e := current(t, pl.Archive, archive.Certificate, n, "结业证书.pdf")
	before := pdfText(t, bundle)
	if !strings.Contains(e.Title, "未核对出勤") {
		t.Errorf("bundle before the summary: title %q", e.Title)
	}
	sorted := slices.Clone(mine)
	pl.Order.Sort(sorted)
	short := sorted[1] // not the first: the numbers after them must not move
	for _, a := range mine {
		if !strings.Contains(before, a.Name) {
			t.Fatalf("%s has no certificate before the summary:\n%s", a.Name, before)
		}
	}

	docx, xlsx, err := render.SampleSummaryFiles(pl.Programme, n, set.Applicants, 1)
	if err != nil {
		t.Fatal(err)
	}
	xlsx = markAbsent(t, xlsx, short.Name, 3)
	received := c.End.AddDate(0, 0, 3)
	if _, _, err := ImportSummary(ctx, pl.Archive, pl.Programme, n, []SummaryFile{{"总结报告.docx", docx}, {"总结数据.xlsx", xlsx}}, received); err != nil {
		t.Fatal(err)
	}
	_, out, err := pl.Run(ctx, Request{Job: JobSummaryReport, Cohorts: []int{n}})
	if err != nil {
		t.Fatal(err)
	}
	bundle, e = current(t, pl.Archive, archive.Certificate, n, "结业证书.pdf")
	after := pdfText(t, bundle)
	if !strings.Contains(e.Title, "出勤不少于80%") || e.Version != 2 {
		t.Errorf("bundle after the summary: %q version %d", e.Title, e.Version)
	}
	if strings.Contains(after, short.Name) {
		t.Errorf("%s was present 2 of 5 days and still has a certificate:\n%s", short.Name, after)
	}
	nums := program.CertificateNumbers(2022, n, mine, pl.Order)
	for _, a := range mine {
		if a.ID == short.ID {
			continue
		}
		if !strings.Contains(after, a.Name) || !strings.Contains(after, nums[a.ID]) {
			t.Errorf("%s (%s) lost their certificate or its number", a.Name, nums[a.ID])
		}
	}
	for _, k := range out.Keys {
		if strings.Contains(k, "/结业证书/") && strings.Contains(k, short.Name) {
			t.Errorf("a new certificate for %s: %s", short.Name, k)
		}
	}
	// The certificate made for them before is 作废 now, and theirs alone.
	if len(out.Withdrawn) != 1 || !strings.Contains(out.Withdrawn[0], "/结业证书/结业证书-"+short.Name+"-") {
		t.Errorf("withdrawn %v, want the certificate of %s", out.Withdrawn, short.Name)
	} else if h, err := pl.Archive.History(ctx, out.Withdrawn[0]); err != nil || !h[len(h)-1].Current || h[len(h)-1].Withdrawn == "" {
		t.Errorf("history of %s: %+v %v", out.Withdrawn[0], h, err)
	}
	if _, again, err := pl.Run(ctx, Request{Job: JobSummaryReport, Cohorts: []int{n}}); err != nil || again.Status != StatusNothing {
		t.Errorf("second run on the same summary: %+v %v", again, err)
	}
}

// TestScheduleFromSummary: the 日程 comes from the programme until the
// host unit's summary brings a 活动日程 received after the programme's
// schedule was revised; a programme revised after that wins again.
func TestScheduleFromSummary(t *testing.T) {
	if testing.Short() {
		t.Skip("renders documents")
	}
	st := fsStore(t)
	p0, _ := program.Default()
	set := sampleSet(t, p0, 40)
	pl := testPipeline(t, st, set)
	ctx := context.Background()
	n := busiestCohort(set)
	c, _ := pl.Programme.Cohort(n)
	planned := c.Schedule.Days[0].Items[0].Activity // the shortest: a long one wraps in the text
	for _, d := range c.Schedule.Days {
		for _, it := range d.Items {
			if len(it.Activity) < len(planned) {
				planned = it.Activity
			}
		}
	}
	const fromSheet = "专题报告：科技自立自强与国家战略" // render.SampleSummaryFiles' first activity

	schedule := func(job string) (string, archive.Entry) {
		t.Helper()
		if _, _, err := pl.Run(ctx, Request{Job: job, Cohorts: []int{n}}); err != nil {
			t.Fatal(err)
		}
		b, e := current(t, pl.Archive, archive.Schedule, n, "日程.pdf")
		return strings.Join(strings.Fields(pdfText(t, b)), ""), e
	}
	txt, _ := schedule(JobRegistrationClose)
	if !strings.Contains(txt, strings.Join(strings.Fields(planned), "")) || strings.Contains(txt, fromSheet) || strings.Contains(txt, "总结数据") {
		t.Fatalf("日程 before the summary is not the programme's:\n%s", txt)
	}
	docx, xlsx, err := render.SampleSummaryFiles(pl.Programme, n, set.Applicants, 1)
	if err != nil {
		t.Fatal(err)
	}
	received := time.Date(c.End.Year(), c.End.Month(), c.End.Day()+10, 2, 0, 0, 0, time.UTC)
	if _, _, err := ImportSummary(ctx, pl.Archive, pl.Programme, n, []SummaryFile{{"总结报告.docx", docx}, {"总结数据.xlsx", xlsx}}, received); err != nil {
		t.Fatal(err)
	}
	txt, e := schedule(JobSummaryReport)
	want := []string{fromSheet, "主讲人/地点", "总结数据.xlsx", program.Date{Time: received}.Chinese() + "收到", "表排印。",
		fmt.Sprintf("%d月%d日", int(c.Start.Month()), c.Start.Day())}
	for _, w := range want {
		if !strings.Contains(txt, w) {
			t.Errorf("日程 after the summary lacks %q:\n%s", w, txt)
		}
	}
	if strings.Contains(txt, planned) || e.Version != 2 {
		t.Errorf("日程 after the summary still shows the programme's (version %d):\n%s", e.Version, txt)
	}
	// The programme's schedule revised after the summary: it is newer.
	pl.Programme.Cohorts[n-1].Schedule.Updated = program.Date{Time: received.AddDate(0, 0, 1)}
	txt, e = schedule(JobSummaryReport)
	if strings.Contains(txt, fromSheet) || !strings.Contains(txt, strings.Join(strings.Fields(planned), "")) || e.Version != 3 {
		t.Errorf("日程 with a newer programme schedule (version %d):\n%s", e.Version, txt)
	}
}
