package typeset

import (
	"bytes"
	"compress/zlib"
	"io"
	"strconv"
	"strings"
	"testing"
)

// The page content states a font and a character spacing only when they
// change, and a Q (the end of a turned part) restores what was set
// before its q: text after a turned part must state its font and spacing
// again even when the text inside the part ended with the same ones. A
// run drawn with the font in force before the q would put one font's
// glyph IDs in another's resource (wrong characters), and a spacing left
// over would move them.
func TestTextStateAfterTurnedPart(t *testing.T) {
	fs := mustFonts(t)
	body := Official.Style(Body)
	head := Official.Style(Heading1)
	head.Size = body.Size
	spaced := head
	spaced.Tracking = 0.5

	d := New(fs, "旋转", A4, Info{Created: fixedClock})
	d.AddPage()
	if err := d.Text(20, 30, "甲乙丙丁", body); err != nil {
		t.Fatal(err)
	}
	err := d.Rotated(180, 100, 60, func() error {
		return d.Text(80, 60, "戊己庚辛", spaced)
	})
	if err != nil {
		t.Fatal(err)
	}
	// The same font, size and spacing as inside the turned part.
	if err := d.Text(20, 90, "壬癸子丑", spaced); err != nil {
		t.Fatal(err)
	}
	if err := d.Text(20, 110, "寅卯辰巳", head); err != nil {
		t.Fatal(err)
	}
	out := poppler(t, "pdftotext", "-raw", writePDF(t, d), "-")
	for _, want := range []string{"甲乙丙丁", "壬癸子丑", "寅卯辰巳"} {
		if !strings.Contains(strings.ReplaceAll(out, " ", ""), want) {
			t.Errorf("pdftotext lost %q after a turned part:\n%s", want, out)
		}
	}

	// Within a page, a run in the font and size already set states
	// neither again.
	d = New(fs, "同字体", A4, Info{Created: fixedClock})
	d.AddPage()
	for i, s := range []string{"甲乙", "丙丁", "戊己"} {
		if err := d.Text(20, 30+float64(i)*10, s, body); err != nil {
			t.Fatal(err)
		}
	}
	content := pageContent(t, d)
	tf := strconv.FormatFloat(body.Size, 'f', 2, 64) + " Tf"
	if n := strings.Count(content, tf); n != 1 {
		t.Errorf("three runs in one font state it %d times (%q), want once:\n%s", n, tf, content)
	}
}

// pageContent is the decompressed content of d's pages, in order.
func pageContent(t *testing.T, d *Document) string {
	t.Helper()
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	b := buf.Bytes()
	for {
		i := bytes.Index(b, []byte("stream\n"))
		if i < 0 {
			break
		}
		b = b[i+len("stream\n"):]
		j := bytes.Index(b, []byte("endstream"))
		if j < 0 {
			break
		}
		zr, err := zlib.NewReader(bytes.NewReader(b[:j]))
		if err == nil {
			if raw, err := io.ReadAll(zr); err == nil && bytes.Contains(raw, []byte(" Tj")) {
				out.Write(raw)
			}
		}
		b = b[j:]
	}
	return out.String()
}
