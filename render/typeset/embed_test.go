package typeset

import (
	"strings"
	"testing"
)

// Two characters the font draws with one glyph (a compatibility ideograph
// and its unified form) are both given back by text extraction: each gets
// its own glyph ID, since glyph IDs are the PDF character codes.
func TestSharedGlyphExtractsBothCharacters(t *testing.T) {
	fs := mustFonts(t)
	var a, b rune
	var role Role
	for _, ro := range []Role{Table, Title, Heading1, Heading2, Body} {
		f := fs.Font(ro)
		seen := map[uint16]rune{}
		for r := rune(0x4E00); r <= 0xFFFF && a == 0; r++ {
			if g := f.glyph(r); g != 0 {
				if o, ok := seen[g]; ok {
					a, b, role = o, r, ro
				}
				seen[g] = r
			}
		}
		if a != 0 {
			break
		}
	}
	if a == 0 {
		t.Fatal("no default font draws two characters with one glyph: the test needs another pair")
	}
	st := Official.Style(role)
	f := fs.Font(role)
	text := "甲" + string(a) + "乙" + string(b) + "丙"
	d := New(fs, "同形", A4, Info{Title: "同形", Created: fixedClock})
	if err := d.Text(20, 20, text, st); err != nil {
		t.Fatal(err)
	}
	out := strings.TrimSpace(strings.Trim(poppler(t, "pdftotext", "-raw", writePDF(t, d), "-"), "\f\n"))
	if out != text {
		t.Errorf("pdftotext = %q, want %q (U+%04X and U+%04X share a glyph)", out, text, a, b)
	}
	sub, err := f.subset([]rune(text))
	if err != nil {
		t.Fatal(err)
	}
	if sub.gids[a] == sub.gids[b] {
		t.Errorf("U+%04X and U+%04X share glyph %d in the subset", a, b, sub.gids[a])
	}
	if len(sub.widths) != len(sub.gids)+1 {
		t.Errorf("%d widths for %d characters and .notdef", len(sub.widths), len(sub.gids))
	}
}

// A subset is cut and compressed once per font and character set: a
// second document with the same characters reuses the embedding, and a
// document with other characters gets its own.
func TestEmbeddingIsShared(t *testing.T) {
	fs := mustFonts(t)
	f := fs.Font(Heading1)
	x, err := f.embedding([]rune("报名表"), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	y, err := f.embedding([]rune("报名表"), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	z, err := f.embedding([]rune("报名"), nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if x != y {
		t.Error("the same characters were subset twice")
	}
	if x == z || len(z.GIDs) != 2 || len(x.GIDs) != 3 {
		t.Errorf("other characters: %d and %d glyph entries, shared=%v", len(x.GIDs), len(z.GIDs), x == z)
	}
}
