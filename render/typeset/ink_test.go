package typeset

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// Every character drawn leaves ink on the rendered page: no blank glyph,
// whichever font (role or fallback) draws it.
func TestEveryGlyphInked(t *testing.T) {
	fs := mustFonts(t)
	d := New(fs, "墨迹", A4, Info{Created: fixedClock})
	texts := []string{"领航计划刘䶮", "中国科协（2022）", "青年科技——人才……", "ＡＢＣ１２３abc", "喆堃赟䶮㐀", "王𫖮𬌗𤩽"}
	y := 30.0
	for _, r := range Roles {
		for _, s := range texts {
			if err := d.Text(20, y, s, Style{Role: r, Size: 20}); err != nil {
				t.Fatal(err)
			}
			y += 9
		}
	}
	pdf := writePDF(t, d)
	const dpi = 100
	prefix := filepath.Join(t.TempDir(), "page")
	poppler(t, "pdftoppm", "-r", "100", "-gray", "-png", "-singlefile", pdf, prefix)
	fh, err := os.Open(prefix + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	img, err := png.Decode(fh)
	if err != nil {
		t.Fatal(err)
	}
	px := func(mm float64) int { return int(mm / 25.4 * dpi) }
	for _, op := range d.Ops() {
		if op.Kind != OpText {
			continue
		}
		x := op.Box.X
		st := Style{Size: op.Size}
		for _, r := range op.Text {
			w := op.Font.advance(r) * st.em()
			cell := image.Rect(px(x), px(op.Box.Y), px(x+w), px(op.Box.Y+op.Box.H))
			if ink(img, cell) == 0 {
				t.Errorf("%c (U+%04X) in %s drew no ink at %v", r, r, op.Font.FullName, cell)
			}
			x += w + op.spacing
		}
	}
}

// ink counts dark pixels in r.
func ink(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if g, _, _, _ := img.At(x, y).RGBA(); g < 0x8000 {
				n++
			}
		}
	}
	return n
}
