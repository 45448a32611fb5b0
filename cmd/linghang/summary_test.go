package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linghang/program"
)

// The commands of issue 10 end to end on a local store: templates, a
// refused import (exit 2, nothing stored), an accepted one, the report
// and the evaluation.
func TestSummaryCommands(t *testing.T) {
	apps, as := listsSample(t)
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	t.Setenv("LINGHANG_STORE", store)
	if _, err := runLinghang(t, "import", apps); err != nil {
		t.Fatal(err)
	}
	n := as[0].Cohort
	cohort := []string{"--cohort", itoa(n)}
	docx, xlsx := filepath.Join(dir, "t.docx"), filepath.Join(dir, "t.xlsx")
	for _, args := range [][]string{
		append([]string{"render", "summary-template", "--format", "docx", "-o", docx}, cohort...),
		append([]string{"render", "summary-template", "-o", xlsx}, cohort...),
	} {
		if msg, err := runLinghang(t, args...); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, msg)
		}
	}
	if _, err := runLinghang(t, "render", "summary-template", "--cohort", itoa(n), "-o", filepath.Join(dir, "t.pdf")); err == nil || !strings.Contains(err.Error(), "--format docx|xlsx") {
		t.Errorf("a PDF template: %v", err)
	}

	// The untouched templates: every problem listed, exit 2, nothing kept.
	msg, err := runLinghang(t, append([]string{"summary", "import", docx, xlsx}, cohort...)...)
	if exitCode(err) != 2 || !strings.Contains(msg, "t.docx 第“一、基本情况”部分：尚未填写") || !strings.Contains(msg, "t.xlsx 工作表「学员考勤」D4:") {
		t.Fatalf("blank templates: exit %d %v\n%s", exitCode(err), err, msg)
	}
	if out, _ := exec.Command("find", store, "-path", "*总结*").Output(); len(out) > 0 {
		t.Errorf("a refused import stored files:\n%s", out)
	}

	// Filled in: accepted.
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := mustProgramme(t).Cohort(n)
	f.SetCellStr(program.SheetSchedule, "A4", program.DayLabel(c.Start.Time))
	f.SetCellStr(program.SheetSchedule, "C4", "开班式")
	rows, _ := f.GetRows(program.SheetAttendance)
	for r := program.SummaryFirstRow; r <= len(rows); r++ {
		for d := range c.Days() {
			cell, _ := excelize.CoordinatesToCellName(4+d, r)
			f.SetCellStr(program.SheetAttendance, cell, program.Present)
		}
	}
	if err := f.Save(); err != nil {
		t.Fatal(err)
	}
	msg, err = runLinghang(t, append([]string{"summary", "import", xlsx}, cohort...)...)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, msg)
	}
	pdf := filepath.Join(dir, "r.pdf")
	if msg, err := runLinghang(t, append([]string{"render", "summary", "-o", pdf}, cohort...)...); err != nil {
		t.Fatalf("render summary: %v\n%s", err, msg)
	}
	if _, err := exec.LookPath("pdftotext"); err == nil {
		out, _ := exec.Command("pdftotext", pdf, "-").Output()
		text := strings.Join(strings.Fields(string(out)), "")
		if !strings.Contains(text, "开班式") || !strings.Contains(text, "承办单位尚未提交总结报告（DOCX）") || !strings.Contains(text, "总出勤率100.0%") {
			t.Errorf("report text lacks the imported facts:\n%s", text)
		}
	}
	for _, out := range []string{"e.pdf", "e.xlsx"} {
		if msg, err := runLinghang(t, "render", "evaluation", "-o", filepath.Join(dir, out)); err != nil {
			t.Fatalf("render evaluation: %v\n%s", err, msg)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "e.xlsx")); !bytes.HasPrefix(b, []byte("PK")) {
		t.Error("evaluation XLSX is not a zip")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func mustProgramme(t *testing.T) *program.Programme {
	t.Helper()
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	return p
}
