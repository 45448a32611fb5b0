package typeset

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// pdfSummary is the stable text form of a PDF compared with golden files:
// pages and their sizes, fonts (without object numbers) and the text of
// each page as pdftotext -layout lays it out.
func pdfSummary(t *testing.T, path string) string {
	t.Helper()
	var b strings.Builder
	info := poppler(t, "pdfinfo", "-f", "1", "-l", "999", path)
	for _, l := range strings.Split(info, "\n") {
		if strings.HasPrefix(l, "Pages:") || regexp.MustCompile(`^Page +\d+ size:`).MatchString(l) ||
			strings.HasPrefix(l, "Title:") || strings.HasPrefix(l, "Author:") {
			fmt.Fprintln(&b, strings.Join(strings.Fields(l), " "))
		}
	}
	// Font objects are ordered by a hash of their content: sort them.
	var fonts []string
	for _, l := range strings.Split(strings.TrimSpace(poppler(t, "pdffonts", path)), "\n")[2:] {
		f := strings.Fields(l)
		fonts = append(fonts, fmt.Sprintf("font %s %s %s emb=%s uni=%s\n", f[0], f[1]+" "+f[2], f[3], f[4], f[6]))
	}
	sort.Strings(fonts)
	b.WriteString(strings.Join(fonts, ""))
	for i, page := range strings.Split(strings.TrimRight(poppler(t, "pdftotext", "-layout", path, "-"), "\f\n"), "\f") {
		fmt.Fprintf(&b, "--- page %d\n", i+1)
		for _, l := range strings.Split(page, "\n") {
			if l = strings.TrimRight(l, " "); l != "" {
				fmt.Fprintln(&b, l)
			}
		}
	}
	return b.String()
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestSamplePageGolden(t *testing.T) {
	d, err := samplePage(mustFonts(t))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "sample-page", pdfSummary(t, writePDF(t, d)))
}
