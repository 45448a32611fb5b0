package render

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linghang/program"
)

// checkGolden compares got with testdata/name (rewritten with -update).
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./render -run Golden -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n--- got\n%s\n--- want\n%s", golden, got, want)
	}
}

// TestPaperworkGolden pins the text layout (pdftotext -layout), page
// sizes and fonts of the issue-15 PDFs made from the bundled programme.
func TestPaperworkGolden(t *testing.T) {
	p := formProgramme(t)
	fonts := formFonts(t)
	a := program.Applicant{Name: "张三", ID: "32010219850301001X", Cohort: 1, Employer: "郑州大学化学学院教授", Email: "zhangsan@zzu.edu.cn", Field: "有机化学"}
	docs := []struct {
		golden string
		render func(*bytes.Buffer) error
	}{
		{"checkin-1.golden", func(b *bytes.Buffer) error {
			return CheckinNoticePDF(b, p, 1, []program.Applicant{a}, CohortOptions{Fonts: fonts})
		}},
		{"schedule-1.golden", func(b *bytes.Buffer) error { return Schedule(b, p, 1, CohortOptions{Fonts: fonts}) }},
		{"tents-1.golden", func(b *bytes.Buffer) error {
			return Tents(b, p, 1, CohortTents(&p.Cohorts[0], []program.Applicant{a}), CohortOptions{Fonts: fonts})
		}},
		{"directory-1.golden", func(b *bytes.Buffer) error {
			return DirectoryPDF(b, p, 1, []program.Applicant{a}, CohortOptions{Fonts: fonts})
		}},
		{"certificate-1.golden", func(b *bytes.Buffer) error {
			return Certificates(b, p, 1, CohortCertificates(p, 1, []program.Applicant{a}, program.ByStrokes, nil), CohortOptions{Fonts: fonts})
		}},
	}
	for _, d := range docs {
		t.Run(d.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := d.render(&buf); err != nil {
				t.Fatal(err)
			}
			info := formPDFInfo(t, buf.Bytes())
			var size string
			for _, l := range strings.Split(info, "\n") {
				if strings.HasPrefix(l, "Page size:") || strings.HasPrefix(l, "Pages:") {
					size += strings.Join(strings.Fields(l), " ") + "\n"
				}
			}
			pages := formPDFText(t, buf.Bytes(), true)
			checkGolden(t, d.golden, size+formPDFFonts(t, buf.Bytes())+"\n"+strings.Join(pages, "\f"))
			// Same data, same bytes.
			var again bytes.Buffer
			if err := d.render(&again); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
				t.Errorf("second rendering differs (%v)", err)
			}
		})
	}
}
