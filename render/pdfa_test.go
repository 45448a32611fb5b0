package render

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"linghang/render/pdfa"
)

// Every PDF kind linghang archives is PDF/A-2b: each clause the checker
// knows (header, file ID, streams, no encryption or scripts, embedded
// fonts, sRGB output intent, XMP with pdfaid 2/B equal to the Info
// dictionary), plus pdffonts confirming every font is embedded, and the
// creation date taken from the data. --pdfa=false (Plain) gives a plain PDF.
func TestEveryPDFKindIsPDFA2b(t *testing.T) {
	needTools(t, "pdffonts")
	p := testProgramme(t)
	fonts := testFonts(t)
	apps := formSample(t, p, 3)
	for i := range apps {
		apps[i].Cohort = 3
	}
	_, c3, _, badges := cohortBadges(t, 3)
	a48, err := LoadLayout("a4-8")
	if err != nil {
		t.Fatal(err)
	}
	a6, err := LoadLayout("a6")
	if err != nil {
		t.Fatal(err)
	}
	a48.Fonts, a6.Fonts = fonts, fonts
	roster := testApplicants()
	kinds := []struct {
		name   string
		number string // 文号 expected in the XMP
		write  func(w io.Writer, plain bool) error
	}{
		{"notice", p.DocNumber, func(w io.Writer, plain bool) error {
			opts := []NoticeOption{NoticeFonts(fonts)}
			if plain {
				opts = append(opts, NoticePlainPDF())
			}
			return NoticePDF(w, p, opts...)
		}},
		{"blank form", "", func(w io.Writer, plain bool) error { return Form(w, fonts, p, nil, formOpts(plain)...) }},
		{"filled form", "", func(w io.Writer, plain bool) error { return Form(w, fonts, p, &apps[0], formOpts(plain)...) }},
		{"bound copy", "", func(w io.Writer, plain bool) error {
			return CohortForms(w, fonts, p, 3, apps, formOpts(plain)...)
		}},
		{"badges a4-8", "", func(w io.Writer, plain bool) error {
			l := a48
			l.PlainPDF = plain
			return Badges(w, p, c3, badges, l)
		}},
		{"badges a6", "", func(w io.Writer, plain bool) error {
			l := a6
			l.PlainPDF = plain
			return Badges(w, p, c3, badges, l)
		}},
		{"roster PDF", "", func(w io.Writer, plain bool) error {
			return RosterPDF(w, p, roster, RosterOptions{Fonts: fonts, WithID: true, PlainPDF: plain})
		}},
		{"sign-in", "", func(w io.Writer, plain bool) error {
			return Signin(w, p, 1, roster, SigninOptions{Fonts: fonts, PlainPDF: plain})
		}},
	}
	for _, k := range kinds {
		t.Run(k.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := k.write(&buf, false); err != nil {
				t.Fatal(err)
			}
			md, err := pdfa.Check(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			if md.Title == "" || md.Creator == "" || md.Identifier != k.number {
				t.Errorf("XMP 题名 %q 责任者 %q 文号 %q; want a title, an author and 文号 %q", md.Title, md.Creator, md.Identifier, k.number)
			}
			if !md.CreateDate.Equal(p.Date.Time) {
				t.Errorf("CreateDate %v, want the programme's date %v", md.CreateDate, p.Date.Time)
			}
			path := filepath.Join(t.TempDir(), "a.pdf")
			if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			rows := strings.Split(strings.TrimSpace(poppler(t, "pdffonts", path)), "\n")[2:]
			emb := regexp.MustCompile(`CID TrueType\s+Identity-H\s+yes\s+yes\s+yes`)
			for _, r := range rows {
				if !emb.MatchString(r) {
					t.Errorf("font not embedded as a subset with ToUnicode: %s", r)
				}
			}
			var plain bytes.Buffer
			if err := k.write(&plain, true); err != nil {
				t.Fatal(err)
			}
			if _, err := pdfa.Check(plain.Bytes()); err == nil || !strings.Contains(err.Error(), "6.6.2.1") {
				t.Errorf("plain PDF: %v, want it to lack the XMP metadata", err)
			}
		})
	}
}

func formOpts(plain bool) []FormOption {
	if plain {
		return []FormOption{FormPlainPDF()}
	}
	return nil
}
