package typeset

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"
)

func testImage(t *testing.T, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 90, 120))
	for y := 0; y < 120; y++ {
		for x := 0; x < 90; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 2), uint8(y * 2), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := enc(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Images land in the PDF at their size; pages keep their own sizes.
func TestImagesAndPages(t *testing.T) {
	fs := mustFonts(t)
	jpg := testImage(t, func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, nil) })
	pngb := testImage(t, func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) })
	d := New(fs, "照片", A4, Info{Created: fixedClock})
	if err := d.Image(Rect{20, 20, 26, 35}, jpg); err != nil {
		t.Fatal(err)
	}
	if err := d.Image(Rect{60, 20, 26, 35}, jpg); err != nil { // same photo again: stored once
		t.Fatal(err)
	}
	d.AddPageSize(A6.Landscape())
	if err := d.Image(Rect{10, 10, 26, 35}, pngb); err != nil {
		t.Fatal(err)
	}
	d.AddPageSize(Page{90, 54}) // a badge
	d.Text(10, 20, "学员证", Style{})
	for _, bad := range [][]byte{[]byte("GIF89a not supported"), jpg[:40], append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 30)...)} {
		if err := d.Image(Rect{1, 1, 1, 1}, bad); err == nil {
			t.Errorf("Image accepted %q", bad[:8])
		}
	}
	d.err = nil // the failed Image above is sticky; clear it to check the rest
	path := writePDF(t, d)
	list := poppler(t, "pdfimages", "-list", path)
	rows := strings.Split(strings.TrimSpace(list), "\n")[2:]
	if len(rows) != 3 {
		t.Fatalf("pdfimages: want 3 placements, got\n%s", list)
	}
	for i, want := range []string{"jpeg", "jpeg", "image"} {
		if !strings.Contains(rows[i], " 90   120 ") || !strings.Contains(rows[i], want) {
			t.Errorf("image %d: %s", i+1, rows[i])
		}
	}
	info := poppler(t, "pdfinfo", "-f", "1", "-l", "3", path)
	for _, want := range []string{"Page    1 size:  595.28 x 841.89 pts (A4)", "Page    2 size:  419.53 x 297.64 pts", "Page    3 size:  255.12 x 153.07 pts"} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
}

// ImageConfig reads plain JPEG headers itself (fpdf.JPEGConfig) and
// must answer as image.DecodeConfig does, error or not, for every JPEG
// of the test corpora, made ones (grey, colour, with a JFIF or an Adobe
// RGB marker added) and each of them cut short.
func TestImageConfigAgreesWithDecodeConfig(t *testing.T) {
	files, _ := filepath.Glob("../../program/testdata/jpeg/*.jpg")
	more, _ := filepath.Glob("../../program/testdata/corpus/photos/*.jpg")
	if len(files) < 10 || len(more) < 5 {
		t.Fatalf("test corpora missing: %d and %d JPEGs", len(files), len(more))
	}
	cases := map[string][]byte{}
	for _, f := range append(files, more...) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		cases[filepath.Base(f)] = b
	}
	colour := testImage(t, func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, nil) })
	grey := testImage(t, func(b *bytes.Buffer, m image.Image) error {
		g := image.NewGray(m.Bounds())
		for y := 0; y < 120; y++ {
			for x := 0; x < 90; x++ {
				g.Set(x, y, m.At(x, y))
			}
		}
		return jpeg.Encode(b, g, nil)
	})
	insert := func(b []byte, seg string) []byte { return append(append(append([]byte{}, b[:2]...), seg...), b[2:]...) }
	cases["colour"] = colour
	cases["grey"] = grey
	cases["colour-jfif"] = insert(colour, "\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
	cases["colour-adobe-rgb"] = insert(colour, "\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x00")
	cases["colour-adobe-ycc"] = insert(colour, "\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x01")
	for name, b := range maps.Clone(cases) {
		for _, n := range []int{3, 20, len(b) / 8, len(b) / 2} {
			if n < len(b) {
				cases[fmt.Sprintf("%s[:%d]", name, n)] = b[:n]
			}
		}
	}
	fast := 0
	for name, b := range cases {
		want, _, werr := image.DecodeConfig(bytes.NewReader(b))
		got, gerr := ImageConfig(b)
		if (werr == nil) != (gerr == nil) || werr == nil && (got.Width != want.Width || got.Height != want.Height || got.ColorModel != want.ColorModel) {
			t.Errorf("%s: ImageConfig = %d×%d %v, %v; DecodeConfig = %d×%d %v, %v", name, got.Width, got.Height, got.ColorModel, gerr, want.Width, want.Height, want.ColorModel, werr)
		}
		if _, ok := fpdf.JPEGConfig(b); ok {
			fast++
		}
	}
	if fast < len(cases)/4 {
		t.Errorf("only %d of %d cases read from the header alone", fast, len(cases))
	}
}
