package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linghang/jobs"
	"linghang/program"
	"linghang/storage/archive"
)

// TestRenderFormsCommand runs `linghang render forms` on a sample intake
// workbook where one applicant's name holds 𠮷 (outside every font): the
// others' forms and the bound copies are written, the failure is named at
// the end and the exit status is 2.
func TestRenderFormsCommand(t *testing.T) {
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	apps := program.Sample(p, 8, 4)
	apps[5].Name = "𠮷祥"
	dir := t.TempDir()
	var x bytes.Buffer
	if err := program.SampleXLSX(&x, p, apps); err != nil {
		t.Fatal(err)
	}
	xlsx := filepath.Join(dir, "报名汇总.xlsx")
	if err := os.WriteFile(xlsx, x.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	photos := filepath.Join(dir, "照片")
	os.Mkdir(photos, 0o755)
	for i, a := range apps {
		b, _ := program.PortraitJPEG(int64(i), 0)
		if i == 2 {
			b = b[:len(b)/3] // a photo cut short in transfer
		}
		os.WriteFile(filepath.Join(photos, a.ID+".jpg"), b, 0o644)
	}
	out := filepath.Join(dir, "报名表")
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"render", "forms", "--applicants", xlsx, "--photos", photos, "-o", out}, &stdout, &stderr)
	var es *exitStatus
	if !errors.As(err, &es) || es.code != 2 {
		t.Fatalf("err = %v, want exit status 2; stderr:\n%s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "𠮷祥") || !strings.Contains(stderr.String(), "U+20BB7") || !strings.Contains(stderr.String(), "姓名") {
		t.Errorf("stderr does not name the applicant, the character and the field:\n%s", stderr.String())
	}
	// The corrupt photo fails its row only (row 5: title, header, then apps[2]).
	if !strings.Contains(stderr.String(), "第5行：照片") || !strings.Contains(stderr.String(), "2 名学员的报名表未能生成") {
		t.Errorf("stderr does not report the corrupt photo's row among the failures:\n%s", stderr.String())
	}
	bound := map[int]bool{}
	files := jobs.PersonFiles(apps)
	for i, a := range apps {
		c, _ := p.Cohort(a.Cohort)
		path := filepath.Join(out, archive.CohortFolder(a.Cohort, c.Name), "报名表", files[a.ID])
		_, err := os.Stat(path)
		if i == 5 || i == 2 {
			if err == nil {
				t.Errorf("%s written for the failed applicant", path)
			}
			continue
		}
		if err != nil {
			t.Errorf("form of %s: %v", a.Name, err)
		}
		bound[a.Cohort] = true
	}
	for n := range bound {
		c, _ := p.Cohort(n)
		if _, err := os.Stat(filepath.Join(out, archive.CohortFolder(n, c.Name), "报名表", "报名表合订本.pdf")); err != nil {
			t.Errorf("bound copy of cohort %d: %v", n, err)
		}
	}
	if !strings.Contains(stdout.String(), "已生成 6 份报名表") {
		t.Errorf("stdout = %q", stdout.String())
	}
}

func TestRenderFormBlankCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "空白报名表.pdf")
	tests := []struct {
		args    []string
		wantErr string
	}{
		{[]string{"render", "form", "-o", out}, "--blank"},
		{[]string{"render", "form", "--blank"}, "-o"},
		{[]string{"render", "form", "--blank", "-o", out}, ""},
	}
	for _, tt := range tests {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), tt.args, &stdout, &stderr)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%v: err = %v, want one mentioning %s", tt.args, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%v: %v", tt.args, err)
		}
		b, err := os.ReadFile(out)
		if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Errorf("%s: not a PDF (%v)", out, err)
		}
	}
}

// TestRenderFormsFromArchiveNamesNoFakeRow: a set from the archive has no
// rows; a failure said 第0行, and when nothing was written the summary
// still claimed 已生成 0 份…位于 a folder that was never made.
func TestRenderFormsFromArchiveNamesNoFakeRow(t *testing.T) {
	store := importEnv(t)
	t.Setenv("LINGHANG_FONTS", "")
	odd := person(0, "江苏班")
	odd[1] = "𠮷田"
	csv := writeImportCSV(t, t.TempDir(), "one.csv", odd)
	if out, _, err := runCLI(t, "import", csv, "--store", store); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out := filepath.Join(t.TempDir(), "forms")
	stdout, stderr, err := runCLI(t, "render", "forms", "--store", store, "-o", out)
	if exitCode(err) != 2 || !strings.Contains(err.Error(), "1 名学员的报名表都未能生成") {
		t.Fatalf("err = %v (exit %d)\n%s", err, exitCode(err), stderr)
	}
	if strings.Contains(stderr, "第0行") || !strings.Contains(stderr, "𠮷田（身份证号尾号") || !strings.Contains(stderr, "U+20BB7") {
		t.Errorf("failure line:\n%s", stderr)
	}
	if strings.Contains(stdout, "已生成") || !strings.Contains(stdout, "未生成任何报名表") {
		t.Errorf("stdout claims output: %q", stdout)
	}
}
