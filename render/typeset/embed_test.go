package typeset

import (
	"errors"
	"math"
	"regexp"
	"slices"
	"strconv"
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

// A document's own text takes the characters its font's shared subset
// already holds from that subset, so no glyph is embedded twice; the
// text extracts as it was written and every character sits where it
// sat when the document's own text had all its glyphs.
func TestOwnTextTakesSharedGlyphs(t *testing.T) {
	fs := mustFonts(t)
	st := Official.Style(Body)
	label := "学员姓名与工作单位"
	doc := func(own string, share bool) *Document {
		d := New(fs, "共享", A4, Info{Title: "共享", Created: fixedClock})
		d.Sharing(share)
		if err := d.Text(20, 20, label, st); err != nil {
			t.Fatal(err)
		}
		d.Sharing(false)
		if err := d.Text(20, 40, own, st); err != nil {
			t.Fatal(err)
		}
		// A justified paragraph: its characters carry extra spacing.
		if _, err := d.Paragraph(Rect{X: 20, Y: 60, W: 120, H: 80}, strings.Repeat(own, 4), st); err != nil {
			t.Fatal(err)
		}
		return d
	}
	zhuque := func(path string) int {
		n := 0
		for _, l := range strings.Split(poppler(t, "pdffonts", path), "\n") {
			if strings.Contains(l, "zhuquefangsong") {
				n++
			}
		}
		return n
	}
	for _, c := range []struct {
		own     string
		subsets int // 仿宋 subsets embedded when the label is shared
	}{
		{"姓名：张三丰，工作单位：郑州大学", 2},
		{"学员姓名与工作单位", 1}, // every character is in the shared subset
	} {
		shared, plain := writePDF(t, doc(c.own, true)), writePDF(t, doc(c.own, false))
		if n := zhuque(shared); n != c.subsets {
			t.Errorf("%s: %d 仿宋 subsets, want %d", c.own, n, c.subsets)
		}
		text := poppler(t, "pdftotext", "-raw", shared, "-")
		if want := poppler(t, "pdftotext", "-raw", plain, "-"); text != want || !strings.Contains(text, c.own) {
			t.Errorf("%s: pdftotext = %q, want %q", c.own, text, want)
		}
		// Run positions are written to 0.01 pt.
		got, want := wordBoxes(t, poppler(t, "pdftotext", "-bbox", shared, "-")), wordBoxes(t, poppler(t, "pdftotext", "-bbox", plain, "-"))
		if len(got) != len(want) {
			t.Fatalf("%s: %d words, want %d: %v", c.own, len(got), len(want), got)
		}
		for i := range got {
			if got[i].text != want[i].text || math.Abs(got[i].xMin-want[i].xMin) > 0.02 || math.Abs(got[i].xMax-want[i].xMax) > 0.02 || got[i].yMin != want[i].yMin {
				t.Errorf("%s: word %d at %+v, want %+v", c.own, i, got[i], want[i])
			}
		}
	}
}

type wordBox struct {
	text             string
	xMin, yMin, xMax float64
}

// wordBoxes reads the words of pdftotext -bbox output.
func wordBoxes(t *testing.T, html string) []wordBox {
	t.Helper()
	re := regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="[0-9.]+">([^<]*)</word>`)
	var out []wordBox
	for _, m := range re.FindAllStringSubmatch(html, -1) {
		var w wordBox
		w.text = m[4]
		for i, p := range []*float64{&w.xMin, &w.yMin, &w.xMax} {
			v, err := strconv.ParseFloat(m[i+1], 64)
			if err != nil {
				t.Fatal(err)
			}
			*p = v
		}
		out = append(out, w)
	}
	return out
}

// Wording declared shared (Share) but drawn in a person's own text goes
// to the subset every document of the kind shares: two certificates that
// differ only in the name embed the same shared subset, and extract and
// place their text as they would without Share.
func TestShareMovesWordingToSharedSubset(t *testing.T) {
	fs := mustFonts(t)
	st := Official.Style(Body)
	const wording = "同志完成研修任务，准予结业。"
	doc := func(name string, share bool) *Document {
		d := New(fs, "证书", A4, Info{Title: "证书", Created: fixedClock})
		if share {
			if err := d.Share(wording, st); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := d.Paragraph(Rect{X: 20, Y: 40, W: 120, H: 80}, name+wording, st); err != nil {
			t.Fatal(err)
		}
		return d
	}
	subsets := func(path string) []string {
		var out []string
		for _, l := range strings.Split(poppler(t, "pdffonts", path), "\n") {
			if f := strings.Fields(l); len(f) > 0 && strings.Contains(f[0], "zhuquefangsong") {
				out = append(out, f[0])
			}
		}
		return out
	}
	common := func(a, b []string) (n int) {
		for _, x := range a {
			if slices.Contains(b, x) {
				n++
			}
		}
		return n
	}
	a, b := writePDF(t, doc("张三", true)), writePDF(t, doc("李四", true))
	pa, pb := writePDF(t, doc("张三", false)), writePDF(t, doc("李四", false))
	if n := common(subsets(a), subsets(b)); n != 1 {
		t.Errorf("with Share: %v and %v have %d 仿宋 subsets in common, want the shared one", subsets(a), subsets(b), n)
	}
	if n := common(subsets(pa), subsets(pb)); n != 0 {
		t.Errorf("without Share: %v and %v have %d 仿宋 subsets in common, want none", subsets(pa), subsets(pb), n)
	}
	for _, c := range [][2]string{{a, pa}, {b, pb}} {
		if got, want := poppler(t, "pdftotext", "-raw", c[0], "-"), poppler(t, "pdftotext", "-raw", c[1], "-"); got != want {
			t.Errorf("pdftotext = %q, want %q", got, want)
		}
		got, want := wordBoxes(t, poppler(t, "pdftotext", "-bbox", c[0], "-")), wordBoxes(t, poppler(t, "pdftotext", "-bbox", c[1], "-"))
		if len(got) != len(want) {
			t.Fatalf("%d words, want %d", len(got), len(want))
		}
		for i := range got {
			if got[i].text != want[i].text || math.Abs(got[i].xMin-want[i].xMin) > 0.02 || math.Abs(got[i].xMax-want[i].xMax) > 0.02 || got[i].yMin != want[i].yMin {
				t.Errorf("word %d at %+v, want %+v", i, got[i], want[i])
			}
		}
	}
	// A combined document keeps what its parts share.
	all := New(fs, "证书", A4, Info{Title: "证书", Created: fixedClock})
	for _, d := range []*Document{doc("张三", true), doc("李四", true)} {
		if err := all.Include(d); err != nil {
			t.Fatal(err)
		}
	}
	if n := common(subsets(writePDF(t, all)), subsets(a)); n != 1 {
		t.Errorf("combined document does not embed the parts' shared subset")
	}
	// A character no font has is named, as in drawn text.
	var ge *GlyphError
	if err := New(fs, "证书", A4, Info{}).Share("同志\uE000", st); !errors.As(err, &ge) || ge.Rune != '\uE000' {
		t.Errorf("Share of U+E000: err = %v, want a GlyphError naming it", err)
	}
}
