package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestDirectory(t *testing.T) {
	p := formProgramme(t)
	as := sampleCohort(t, p, 6, 12)
	for _, phones := range []bool{false, true} {
		p.Cohorts[5].DirectoryPhones = phones
		var pdf, xlsx bytes.Buffer
		if err := DirectoryPDF(&pdf, p, 6, as, CohortOptions{Fonts: formFonts(t)}); err != nil {
			t.Fatal(err)
		}
		if err := DirectoryXLSX(&xlsx, p, 6, as, CohortOptions{}); err != nil {
			t.Fatal(err)
		}
		if phones {
			writeOut(t, "directory-6.pdf", pdf.Bytes())
		}
		text := formSqueeze(strings.Join(formPDFText(t, pdf.Bytes()), ""))
		f, err := excelize.OpenReader(bytes.NewReader(xlsx.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("通讯录")
		f.Close()
		var cells []string
		for _, r := range rows {
			cells = append(cells, strings.Join(r, "|"))
		}
		sheet := strings.Join(cells, "\n")
		if want := "序号|姓名|工作单位及职务、职称|研究领域|电子邮箱"; !strings.HasPrefix(cells[1], want) {
			t.Errorf("XLSX header = %s", cells[1])
		}
		// title, header, note and the blank row above it
		if got := len(rows) - 4; got != len(as) {
			t.Errorf("XLSX has %d applicant rows, want %d", got, len(as))
		}
		for _, a := range as {
			for _, v := range []string{a.Name, a.Employer, a.Email} {
				if !strings.Contains(text, formSqueeze(v)) {
					t.Errorf("PDF lacks %q", v)
				}
				if !strings.Contains(sheet, v) {
					t.Errorf("XLSX lacks %q", v)
				}
			}
			if strings.Contains(text, a.ID) || strings.Contains(sheet, a.ID) || strings.Contains(text, a.ID[6:14]) {
				t.Errorf("ID number of %s printed", a.Name)
			}
			if got := strings.Contains(text, a.Mobile) || strings.Contains(sheet, a.Mobile); got != phones {
				t.Errorf("phones allowed %v, mobile of %s printed %v", phones, a.Name, got)
			}
		}
		if !strings.Contains(text, formSqueeze(directoryNote)) || !strings.Contains(sheet, directoryNote) {
			t.Error("note missing")
		}
	}
}

// Each page of a long 通讯录 says which page of how many it is (it said
// only 第N页, unlike the 名单 and 签到表).
func TestDirectoryPageOfPages(t *testing.T) {
	p := formProgramme(t)
	as := sampleCohort(t, p, 6, 36)
	var pdf bytes.Buffer
	if err := DirectoryPDF(&pdf, p, 6, as, CohortOptions{Fonts: formFonts(t)}); err != nil {
		t.Fatal(err)
	}
	pages := formPDFText(t, pdf.Bytes())
	if len(pages) < 2 {
		t.Fatalf("%d page(s); the test wants a directory over several", len(pages))
	}
	for i, page := range pages {
		if want := fmt.Sprintf("第%d页共%d页", i+1, len(pages)); !strings.Contains(formSqueeze(page), want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
	}
}
