package render

import (
	"fmt"

	qr "github.com/piglig/go-qr"

	"linghang/render/typeset"
)

// qrQuiet is the quiet zone drawn inside a QR box, in modules. The
// standard asks for four; badges keep at least 1.5 mm of white around the
// box as well, which together reads reliably with phone scanners.
const qrQuiet = 2

// QRModules returns the modules of the QR code for s, dark = true, without
// the quiet zone. Level M (15% recovery) at least survives a scuffed
// badge: the encoder raises the level when the smallest version that
// holds s has room for more. A check-in token (upper-case base32) is
// encoded in alphanumeric mode and fits version 1 (21 × 21). The mask is
// the one of the eight that ISO/IEC 18004 scores best.
func QRModules(s string) ([][]bool, error) {
	n, cells, err := qrCells(s)
	if err != nil {
		return nil, err
	}
	m := make([][]bool, n)
	for y := range m {
		m[y] = cells[y*n : (y+1)*n : (y+1)*n]
	}
	return m, nil
}

// qrCells is QRModules as n rows of n modules, one after the other.
func qrCells(s string) (n int, cells []bool, err error) {
	q, err := qr.EncodeText(s, qr.Medium)
	if err != nil {
		return 0, nil, fmt.Errorf("二维码编码 %q：%w", s, err)
	}
	n = q.Size()
	cells = make([]bool, 0, n*n)
	for y := range n {
		for x := range n {
			cells = append(cells, q.Module(x, y))
		}
	}
	return n, cells, nil
}

// drawQR draws the QR code for s as vector rectangles in the square r
// (the smaller side of r), one rectangle per horizontal run of dark
// modules, centred in r with a quiet zone of qrQuiet modules.
func drawQR(d *typeset.Document, r typeset.Rect, s string) error {
	n, cells, err := qrCells(s)
	if err != nil {
		return err
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
