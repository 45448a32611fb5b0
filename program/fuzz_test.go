package program

import (
	"bytes"
	"context"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// The fuzz targets below run their seeds (the bad-input corpus and a few
// literals) in every plain `go test`; fuzz one for longer with e.g.
//
//	go test ./program -run '^$' -fuzz '^FuzzImportXLSX$' -fuzztime 10m
//
// Each checks properties, not just the absence of a panic.

// addCorpus seeds f with the corpus files whose name ends in ext.
func addCorpus(f *testing.F, dir, ext string, add func(b []byte)) {
	f.Helper()
	paths, _ := filepath.Glob(filepath.Join(dir, "*"+ext))
	if len(paths) == 0 {
		f.Fatalf("no %s seeds in %s", ext, dir)
	}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		add(b)
	}
}

// checkImport holds for any input: Import never panics; a set holds only
// applicants with a valid, distinct ID and no more than the rows read;
// every error names the file.
func checkImport(t *testing.T, p *Programme, data []byte, name string) {
	set, rep, err := Import(context.Background(), bytes.NewReader(data), name, ImportOptions{
		Programme: p, Now: testNow, Partial: true, Covers: bmpHan,
		Limits: Limits{Rows: 2000, PartBytes: 16 << 20, InflatedBytes: 64 << 20},
	})
	if err != nil {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name the file: %v", err)
		}
		return
	}
	if set == nil || rep == nil {
		t.Fatal("nil set or report without an error")
	}
	if len(set.Applicants) > rep.Rows {
		t.Fatalf("%d applicants from %d rows", len(set.Applicants), rep.Rows)
	}
	seen := map[string]bool{}
	for _, a := range set.Applicants {
		if reason := CheckID(a.ID, testNow); reason != "" {
			t.Fatalf("accepted an invalid ID %q: %s", a.ID, reason)
		}
		if seen[a.ID] {
			t.Fatalf("accepted ID %s twice", a.ID)
		}
		seen[a.ID] = true
		if !utf8.ValidString(a.Name + a.Employer + a.Bio) {
			t.Fatalf("accepted invalid UTF-8")
		}
	}
	for _, fe := range rep.Errors {
		if fe.File != name || fe.Reason == "" {
			t.Fatalf("error without file or reason: %+v", fe)
		}
	}
}

func FuzzImportCSV(f *testing.F) {
	addCorpus(f, corpusDir, ".csv", func(b []byte) { f.Add(b) })
	p := testProgramme(f)
	f.Fuzz(func(t *testing.T, data []byte) { checkImport(t, p, data, "报名.csv") })
}

func FuzzImportXLSX(f *testing.F) {
	addCorpus(f, corpusDir, ".xlsx", func(b []byte) { f.Add(b) })
	p := testProgramme(f)
	f.Fuzz(func(t *testing.T, data []byte) { checkImport(t, p, data, "报名.xlsx") })
}

func FuzzImportJSON(f *testing.F) {
	addCorpus(f, corpusDir, ".json", func(b []byte) { f.Add(b) })
	f.Add([]byte(`{"applicants":[{"name":"张三","id_number":"11010519800101002X","cohort":3}]}`))
	p := testProgramme(f)
	f.Fuzz(func(t *testing.T, data []byte) { checkImport(t, p, data, "报名.json") })
}

// FuzzCheckID: an ID CheckID accepts is 18 characters with the right
// check character; NormalizeID is idempotent.
func FuzzCheckID(f *testing.F) {
	for _, s := range []string{makeID("11010519800101001"), idWithX(), "1.10105E+17", "110105198001010000", " １１０１０５１９８００１０１００１x ", `="110105198001010019"`, "'11010519800101001X", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id := NormalizeID(s)
		if again := NormalizeID(id); again != id {
			t.Fatalf("NormalizeID not idempotent: %q → %q → %q", s, id, again)
		}
		if CheckID(id, testNow) != "" {
			return
		}
		if len(id) != 18 || IDCheckDigit(id[:17]) != id[17] {
			t.Fatalf("accepted %q (from %q)", id, s)
		}
	})
}

// FuzzNormalizePhoto: any photo is refused or becomes an upright JPEG
// within the size bounds; never a panic or a huge allocation (headers
// claiming 50,000×50,000 pixels are in the seeds).
func FuzzNormalizePhoto(f *testing.F) {
	addCorpus(f, filepath.Join(corpusDir, "photos"), "", func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := NormalizePhoto(data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error")
			}
			return
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(out))
		if err != nil {
			t.Fatalf("output is not a JPEG: %v", err)
		}
		if cfg.Width > PhotoMaxWidth || cfg.Height > PhotoMaxHeight {
			t.Fatalf("output %d×%d exceeds the bounds", cfg.Width, cfg.Height)
		}
	})
}
