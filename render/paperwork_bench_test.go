package render

import (
	"io"
	"testing"

	"linghang/program"
)

// BenchmarkPaperwork renders each issue-15 document for a cohort of 20
// (per-applicant documents: one applicant).
func BenchmarkPaperwork(b *testing.B) {
	p := formProgramme(b)
	fonts := formFonts(b)
	as := sampleCohort(b, p, 3, 20)
	opts := CohortOptions{Fonts: fonts}
	cases := []struct {
		name string
		fn   func() error
	}{
		{"intake-template", func() error { return IntakeTemplate(io.Discard, p, IntakeOptions{}) }},
		{"checkin-letter", func() error { return CheckinNoticePDF(io.Discard, p, 3, as[:1], opts) }},
		{"checkin-20", func() error { return CheckinNoticePDF(io.Discard, p, 3, as, opts) }},
		{"checkin-docx-20", func() error { return CheckinNoticeDOCX(io.Discard, p, 3, as, opts) }},
		{"schedule", func() error { return Schedule(io.Discard, p, 3, opts) }},
		{"tents-20", func() error { return Tents(io.Discard, p, 3, CohortTents(&p.Cohorts[2], as), opts) }},
		{"directory-pdf-20", func() error { return DirectoryPDF(io.Discard, p, 3, as, opts) }},
		{"certificate", func() error {
			return Certificates(io.Discard, p, 3, CohortCertificates(p, 3, as, program.ByStrokes, nil)[:1], opts)
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := c.fn(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
