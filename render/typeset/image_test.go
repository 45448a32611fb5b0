package typeset

import (
	"bytes"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
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
