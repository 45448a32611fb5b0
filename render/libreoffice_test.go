package render

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linghang/program"
)

// libreOffice converts in (a file written to a temp dir as name) with
// soffice --convert-to to; skipped where LibreOffice is not installed.
func libreOffice(t *testing.T, name string, in []byte, to string) []byte {
	t.Helper()
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, name)
	if err := os.WriteFile(src, in, 0o644); err != nil {
		t.Fatal(err)
	}
	outDir := filepath.Join(dir, "out")
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--convert-to", to, "--outdir", outDir, src)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	ext := to
	if i := strings.IndexByte(ext, ':'); i >= 0 {
		ext = ext[:i]
	}
	b, err := os.ReadFile(filepath.Join(outDir, strings.TrimSuffix(name, filepath.Ext(name))+"."+ext))
	if err != nil {
		t.Fatalf("LibreOffice wrote nothing: %v", err)
	}
	return b
}

// TestIntakeTemplateThroughLibreOffice: a filled template saved again by
// LibreOffice Calc still imports with no mapping.
func TestIntakeTemplateThroughLibreOffice(t *testing.T) {
	p := formProgramme(t)
	as := program.Sample(p, 4, 8)
	data := fillIntake(t, intakeTemplate(t, p, IntakeOptions{}), as, nil)
	resaved := libreOffice(t, "报名汇总表.xlsx", data, "xlsx:Calc MS Excel 2007 XML")
	set, rep, err := program.Import(context.Background(), bytes.NewReader(resaved), "报名汇总表.xlsx", program.ImportOptions{Programme: p, Now: time.Date(2022, 4, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatalf("import after LibreOffice: %v", err)
	}
	if len(set.Applicants) != len(as) || rep.Template == nil {
		t.Errorf("after LibreOffice: %d applicants (want %d), template %v", len(set.Applicants), len(as), rep.Template)
	}
}

// TestCheckinDOCXThroughLibreOffice: Writer opens the merged letters and
// gives each its own page run.
func TestCheckinDOCXThroughLibreOffice(t *testing.T) {
	needTools(t, "pdftotext")
	p := formProgramme(t)
	as := sampleCohort(t, p, 3, 3)
	var buf bytes.Buffer
	if err := CheckinNoticeDOCX(&buf, p, 3, as, CohortOptions{}); err != nil {
		t.Fatal(err)
	}
	pdf := libreOffice(t, "报到通知.docx", buf.Bytes(), "pdf")
	pages := formPDFText(t, pdf)
	all := formSqueeze(strings.Join(pages, ""))
	for _, a := range as {
		if !strings.Contains(all, a.Name+"同志：") {
			t.Errorf("LibreOffice's rendering lacks the letter to %s", a.Name)
		}
	}
	if n := strings.Count(all, "江苏省科协【示例数据"); n != len(as) {
		t.Errorf("letter head on %d first pages, want %d", n, len(as))
	}
}

// TestDirectoryXLSXThroughLibreOffice: Calc reads the 通讯录 workbook.
func TestDirectoryXLSXThroughLibreOffice(t *testing.T) {
	p := formProgramme(t)
	as := sampleCohort(t, p, 6, 4)
	var buf bytes.Buffer
	if err := DirectoryXLSX(&buf, p, 6, as, CohortOptions{}); err != nil {
		t.Fatal(err)
	}
	csv := string(libreOffice(t, "通讯录.xlsx", buf.Bytes(), "csv:Text - txt - csv (StarCalc):44,34,76"))
	for _, a := range as {
		if !strings.Contains(csv, a.Name) || !strings.Contains(csv, a.Email) {
			t.Errorf("LibreOffice's CSV lacks %s:\n%s", a.Name, csv)
		}
	}
}

// The 通讯录 XLSX printed by LibreOffice fits one A4 page wide with rows as
// tall as their wrapped text: at 100 % its 电子邮箱 column printed on a
// second page, and a wrapped unit ran over the next row.
func TestDirectoryXLSXPrintsOnePageWide(t *testing.T) {
	needPoppler(t)
	p := formProgramme(t)
	as := sampleCohort(t, p, 6, 4)
	as[0].Employer = "中国科学院新疆理化技术研究所课题组长、副研究员、博士生导师"
	var buf bytes.Buffer
	if err := DirectoryXLSX(&buf, p, 6, as, CohortOptions{}); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(t.TempDir(), "通讯录.pdf")
	if err := os.WriteFile(pdf, libreOffice(t, "通讯录.xlsx", buf.Bytes(), "pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := poppler(t, "pdfinfo", pdf); !regexp.MustCompile(`(?m)^Pages:\s+1$`).MatchString(got) {
		t.Errorf("printed on more than one page:\n%s", got)
	}
	text := poppler(t, "pdftotext", "-layout", "-enc", "UTF-8", pdf, "-")
	for _, a := range as {
		if !containsAny(strings.Split(text, "\n"), a.Email) {
			t.Errorf("%s's e-mail %s is not printed whole", a.Name, a.Email)
		}
	}
	// The long unit's row is as tall as its wrapped lines.
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows("通讯录")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for i, r := range rows {
		if len(r) > 2 && strings.Contains(r[2], "博士生导师") {
			found = true
			if h, err := f.GetRowHeight("通讯录", i+1); err != nil || h < 2*xlsxLineHeight {
				t.Errorf("row %d holds a wrapped unit but is %.1f pt tall (%v)", i+1, h, err)
			}
		}
	}
	if !found {
		t.Error("the long unit is missing")
	}
}
