package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linghang/program"
)

// listsSample writes 60 sample applicants as a registration XLSX and
// returns its path and the applicants.
func listsSample(t *testing.T) (string, []program.Applicant) {
	t.Helper()
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	as := program.Sample(p, 60, 7)
	var b bytes.Buffer
	if err := program.SampleXLSX(&b, p, as); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "学员.xlsx")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("LINGHANG_TOKEN_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
	return path, as
}

func runLinghang(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errs bytes.Buffer
	err := run(context.Background(), args, &out, &errs)
	return errs.String(), err
}

func pdfPageCount(t *testing.T, path string) string {
	t.Helper()
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Skip("pdfinfo (poppler-utils) not installed")
	}
	out, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v\n%s", path, err, out)
	}
	for _, l := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(l, "Pages:"); ok {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

func TestRenderListsEndToEnd(t *testing.T) {
	file, as := listsSample(t)
	dir := t.TempDir()
	in3 := 0
	for _, a := range as {
		if a.Cohort == 3 {
			in3++
		}
	}
	if in3 == 0 {
		t.Fatal("sample has nobody in cohort 3")
	}

	xlsx := filepath.Join(dir, "名单.xlsx")
	if msg, err := runLinghang(t, "render", "roster", "--applicants", file, "--with-id", "-o", xlsx); err != nil {
		t.Fatalf("render roster: %v\n%s", err, msg)
	}
	f, err := excelize.OpenFile(xlsx)
	if err != nil {
		t.Fatalf("reopen %s: %v", xlsx, err)
	}
	rows, _ := f.GetRows("全部")
	f.Close()
	if got := len(rows) - 2; got != len(as) {
		t.Errorf("全部 lists %d applicants, want %d", got, len(as))
	}

	pdf := filepath.Join(dir, "名单.pdf")
	if msg, err := runLinghang(t, "render", "roster", "--applicants", file, "--cohort", "3", "--order", "pinyin", "-o", pdf); err != nil {
		t.Fatalf("render roster PDF: %v\n%s", err, msg)
	}
	if n := pdfPageCount(t, pdf); n == "" || n == "0" {
		t.Errorf("roster PDF has %q pages", n)
	}

	signin := filepath.Join(dir, "签到表.pdf")
	if msg, err := runLinghang(t, "render", "signin", "--applicants", file, "--cohort", "3", "--half-day", "-o", signin); err != nil {
		t.Fatalf("render signin: %v\n%s", err, msg)
	}
	if n := pdfPageCount(t, signin); n != "10" && n != "20" {
		t.Errorf("sign-in sheets have %s pages, want 10 half-days (or 20 with continuations)", n)
	}

	staff := filepath.Join(dir, "工作人员.csv")
	if err := os.WriteFile(staff, []byte("姓名,单位,角色\n夏晓冬,江苏省科协,班主任\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	badges := filepath.Join(dir, "胸卡.pdf")
	if msg, err := runLinghang(t, "render", "badges", "--applicants", file, "--cohort", "3", "--layout", "a6", "--staff", staff, "-o", badges); err != nil {
		t.Fatalf("render badges: %v\n%s", err, msg)
	} else if !strings.Contains(msg, "工作人员 1 张") {
		t.Errorf("badges message %q", msg)
	}
	// a6: one badge and its back per person
	if n, want := pdfPageCount(t, badges), strconv.Itoa(2*(in3+1)); n != want {
		t.Errorf("badge PDF has %s pages, want %s", n, want)
	}

	// Every cohort: each starts on a sheet of its own (a4-8, 8 a sheet).
	all := filepath.Join(dir, "全部胸卡.pdf")
	if msg, err := runLinghang(t, "render", "badges", "--applicants", file, "-o", all); err != nil {
		t.Fatalf("render badges for every cohort: %v\n%s", err, msg)
	}
	per := map[int]int{}
	for _, a := range as {
		per[a.Cohort]++
	}
	sheets := 0
	for _, n := range per {
		sheets += (n + 7) / 8
	}
	if n, want := pdfPageCount(t, all), strconv.Itoa(2*sheets); n != want {
		t.Errorf("badges of every cohort: %s pages, want %s", n, want)
	}
	if _, err := runLinghang(t, "render", "badges", "--applicants", file, "--staff", staff, "-o", all); err == nil || !strings.Contains(err.Error(), "--cohort") {
		t.Errorf("--staff without --cohort: error %v", err)
	}
}

func TestRenderListsErrors(t *testing.T) {
	file, _ := listsSample(t)
	out := filepath.Join(t.TempDir(), "x.pdf")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"render", "roster", "--applicants", file, "-o", filepath.Join(t.TempDir(), "x.docx")}, "--format"},
		{[]string{"render", "roster", "--applicants", file, "--all", "--cohort", "2", "-o", out}, "--all"},
		{[]string{"render", "roster", "--applicants", file, "--cohort", "12", "-o", out}, "--cohort 12"},
		{[]string{"render", "roster", "--applicants", file, "--order", "abc", "-o", out}, "--order"},
		{[]string{"render", "signin", "--applicants", file, "-o", out}, "--cohort"},
		{[]string{"render", "badges", "--applicants", file, "--staff", "x.csv", "-o", out}, "x.csv"},
		{[]string{"render", "badges", "--applicants", file, "--cohort", "3", "--layout", "a3", "-o", out}, "a4-8"},
		{[]string{"render", "badges", "--applicants", file, "--cohort", "3"}, "-o"},
	}
	for _, tt := range tests {
		_, err := runLinghang(t, tt.args...)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%v: error %v, want one mentioning %s", tt.args[1:3], err, tt.want)
		}
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("a failed render left %s behind", out)
	}
}

func TestReadStaff(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, csv string
		want      []string // name/role
		err       string
	}{
		{"utf8 with BOM", "\xEF\xBB\xBF姓名,单位,角色\n夏晓冬,江苏省科协,班主任\n李平,江苏省科协,\n", []string{"夏晓冬/班主任", "李平/工作人员"}, ""},
		{"no name column", "名字,单位\n张三,科协\n", nil, "姓名"},
		{"empty name", "姓名,单位\n,科协\n", nil, "第2行"},
		{"missing photo", "姓名,单位,照片\n张三,科协,none.jpg\n", nil, "none.jpg"},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name+".csv")
		if err := os.WriteFile(path, []byte(tt.csv), 0o644); err != nil {
			t.Fatal(err)
		}
		bs, err := readStaff(path)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%s: error %v, want one mentioning %s", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		var got []string
		for _, b := range bs {
			got = append(got, b.Name+"/"+b.Role)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
