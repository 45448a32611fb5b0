package render

import (
	"bytes"
	"strings"
	"testing"

	"linghang/program"
	"linghang/render/typeset"
)

// TestCombinedFilesHandOverTheirPages: a cohort's combined 报到通知 and
// 结业证书 lay out each person's page once; the person's own file written
// from what was kept is byte for byte the file laid out afresh, and the
// combined file reads as the people's files one after another.
func TestCombinedFilesHandOverTheirPages(t *testing.T) {
	p := formProgramme(t)
	fonts := formFonts(t)
	apps := formSample(t, p, 4)
	for i := range apps {
		apps[i].Cohort = 1
	}
	apps[2].Name = "欧阳䶮" // a rare character: its own subset, in both files
	certs := CohortCertificates(p, 1, apps, program.ByStrokes, func(n string, a *program.Applicant) string { return "TOKEN" + n })
	kinds := []struct {
		name     string
		combined func(*bytes.Buffer, CohortOptions) error
		own      func(*bytes.Buffer, CohortOptions, int) error
		id       func(int) string
	}{
		{"报到通知",
			func(b *bytes.Buffer, o CohortOptions) error { return CheckinNoticePDF(b, p, 1, apps, o) },
			func(b *bytes.Buffer, o CohortOptions, i int) error {
				return CheckinNoticePDF(b, p, 1, []program.Applicant{apps[i]}, o)
			},
			func(i int) string { return apps[i].ID }},
		{"结业证书",
			func(b *bytes.Buffer, o CohortOptions) error { return Certificates(b, p, 1, certs, o) },
			func(b *bytes.Buffer, o CohortOptions, i int) error {
				return Certificates(b, p, 1, []Certificate{certs[i]}, o)
			},
			func(i int) string { return certs[i].Applicant.ID }},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			kept := map[string]*typeset.Document{}
			laid := &LaidOut{
				Keep: func(id string, d *typeset.Document) { kept[id] = d },
				Take: func(id string) *typeset.Document { d := kept[id]; delete(kept, id); return d },
			}
			var combined bytes.Buffer
			if err := k.combined(&combined, CohortOptions{Fonts: fonts, Laid: laid}); err != nil {
				t.Fatal(err)
			}
			if len(kept) != len(apps) {
				t.Fatalf("%d documents kept, want %d", len(kept), len(apps))
			}
			var want []string
			for i := range apps {
				var handed, fresh bytes.Buffer
				if err := k.own(&handed, CohortOptions{Fonts: fonts, Laid: laid}, i); err != nil {
					t.Fatal(err)
				}
				if err := k.own(&fresh, CohortOptions{Fonts: fonts}, i); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(handed.Bytes(), fresh.Bytes()) {
					t.Errorf("%s: the file from the kept layout differs from one laid out afresh", k.id(i))
				}
				want = append(want, formPDFText(t, fresh.Bytes(), true)...)
			}
			if len(kept) != 0 {
				t.Errorf("%d kept documents not taken", len(kept))
			}
			got := formPDFText(t, combined.Bytes(), true)
			if strings.Join(got, "\f") != strings.Join(want, "\f") {
				t.Errorf("combined file reads\n%s\nwant the people's files in turn\n%s", strings.Join(got, "\f"), strings.Join(want, "\f"))
			}
		})
	}
}
