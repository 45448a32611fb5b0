package render

import (
	"fmt"

	"github.com/skip2/go-qrcode"

	"linghang/render/typeset"
)

// qrQuiet is the quiet zone drawn inside a QR box, in modules. The
// standard asks for four; badges keep at least 1.5 mm of white around the
// box as well, which together reads reliably with phone scanners.
const qrQuiet = 2

// QRModules returns the modules of the QR code for s, dark = true, without
// the quiet zone. Level M (15% recovery) survives a scuffed badge; a
// check-in token (upper-case base32) is encoded in alphanumeric mode and
// fits version 1 (21 × 21).
func QRModules(s string) ([][]bool, error) {
	q, err := qrcode.New(s, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("二维码编码 %q：%w", s, err)
	}
	q.DisableBorder = true
	return q.Bitmap(), nil
}

// drawQR draws the QR code for s as vector rectangles in the square r
// (the smaller side of r), one rectangle per horizontal run of dark
// modules, centred in r with a quiet zone of qrQuiet modules.
func drawQR(d *typeset.Document, r typeset.Rect, s string) error {
	m, err := QRModules(s)
	if err != nil {
		return err
	}
	n := len(m)
	cells := make([]bool, 0, n*n)
	for _, row := range m {
		cells = append(cells, row...)
	}
	side := min(r.W, r.H)
	mod := side / float64(n+2*qrQuiet)
	x0 := r.X + (r.W-side)/2 + qrQuiet*mod
	y0 := r.Y + (r.H-side)/2 + qrQuiet*mod
	// A hair of overlap closes the seams some viewers show between
	// abutting rectangles.
	d.Cells(typeset.Rect{X: x0, Y: y0, W: float64(n) * mod, H: float64(n) * mod}, n, cells, typeset.Black, 0.02)
	return nil
}
