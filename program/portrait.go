package program

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"math/rand/v2"

	"golang.org/x/image/vector"
)

// Portrait size: a 2-inch ID photo (35×49 mm) at 300 dpi.
const (
	PortraitWidth  = 413
	PortraitHeight = 579
)

// Portrait draws a placeholder ID photo for sample data: a head-and-
// shoulders silhouette in generated shapes on a plain coloured background
// (the blue, white or red of Chinese ID photos). It never depicts a real
// person. The same seed gives the same image.
func Portrait(seed int64) image.Image {
	r := rand.New(rand.NewPCG(uint64(seed), 0x2545f4914f6cdd1d))
	backgrounds := []color.RGBA{
		{0x43, 0x8e, 0xdb, 0xff}, // 蓝底
		{0x3f, 0x7f, 0xcf, 0xff},
		{0xf4, 0xf4, 0xf2, 0xff}, // 白底
		{0xd0, 0x1d, 0x27, 0xff}, // 红底
	}
	bg := backgrounds[r.IntN(len(backgrounds))]
	skin := []color.RGBA{{0xf1, 0xc9, 0xa5, 0xff}, {0xe0, 0xac, 0x82, 0xff}, {0xc6, 0x8e, 0x64, 0xff}}[r.IntN(3)]
	hair := []color.RGBA{{0x1e, 0x1a, 0x18, 0xff}, {0x30, 0x26, 0x20, 0xff}, {0x4a, 0x3a, 0x30, 0xff}}[r.IntN(3)]
	suit := []color.RGBA{{0x22, 0x2a, 0x38, 0xff}, {0x2c, 0x2c, 0x2c, 0xff}, {0x3a, 0x44, 0x58, 0xff}, {0x55, 0x4a, 0x40, 0xff}}[r.IntN(4)]
	shirt := []color.RGBA{{0xfa, 0xfa, 0xfa, 0xff}, {0xd8, 0xe6, 0xf5, 0xff}}[r.IntN(2)]

	img := image.NewRGBA(image.Rect(0, 0, PortraitWidth, PortraitHeight))
	draw.Draw(img, img.Bounds(), &image.Uniform{bg}, image.Point{}, draw.Src)

	w, h := float32(PortraitWidth), float32(PortraitHeight)
	cx := w/2 + float32(r.IntN(17)-8)
	rx := w * (0.145 + 0.02*r.Float32()) // head half-width
	ry := rx * (1.28 + 0.1*r.Float32())  // head half-height
	cy := h * (0.37 + 0.03*r.Float32())  // head centre
	shoulderY := cy + ry*1.45
	shoulderW := w * (0.42 + 0.05*r.Float32())
	long := r.IntN(3) == 0 // long hair reaching the shoulders

	z := &pen{z: vector.NewRasterizer(PortraitWidth, PortraitHeight)}
	// fill paints the path in c; the rasterizer covers only the band
	// from y0 down, which keeps a portrait to a few milliseconds.
	fill := func(c color.RGBA, y0 float32, path func(z *pen)) {
		top := max(0, int(y0))
		z.oy = float32(top)
		z.z.Reset(PortraitWidth, PortraitHeight-top)
		path(z)
		z.z.Draw(img, image.Rect(0, top, PortraitWidth, PortraitHeight), &image.Uniform{c}, image.Point{})
	}
	// Long hair behind the head and neck.
	if long {
		fill(hair, cy-ry*1.5, func(z *pen) {
			z.MoveTo(cx-rx*1.25, shoulderY+h*0.02)
			z.CubeTo(cx-rx*1.45, cy-ry*1.5, cx+rx*1.45, cy-ry*1.5, cx+rx*1.25, shoulderY+h*0.02)
			z.ClosePath()
		})
	}
	// Shoulders and jacket: a rounded trapezoid to the bottom edge.
	fill(suit, shoulderY-1, func(z *pen) {
		z.MoveTo(cx-shoulderW, h)
		z.LineTo(cx-shoulderW, shoulderY+h*0.12)
		z.CubeTo(cx-shoulderW, shoulderY+h*0.02, cx-shoulderW*0.6, shoulderY, cx-rx*0.55, shoulderY)
		z.LineTo(cx+rx*0.55, shoulderY)
		z.CubeTo(cx+shoulderW*0.6, shoulderY, cx+shoulderW, shoulderY+h*0.02, cx+shoulderW, shoulderY+h*0.12)
		z.LineTo(cx+shoulderW, h)
		z.ClosePath()
	})
	// Shirt: a V between the lapels.
	fill(shirt, shoulderY-1, func(z *pen) {
		z.MoveTo(cx-rx*0.6, shoulderY)
		z.LineTo(cx+rx*0.6, shoulderY)
		z.LineTo(cx, shoulderY+h*0.17)
		z.ClosePath()
	})
	// Neck.
	fill(skin, cy, func(z *pen) {
		z.MoveTo(cx-rx*0.5, cy+ry*0.5)
		z.LineTo(cx+rx*0.5, cy+ry*0.5)
		z.LineTo(cx+rx*0.5, shoulderY)
		z.LineTo(cx, shoulderY+h*0.06)
		z.LineTo(cx-rx*0.5, shoulderY)
		z.ClosePath()
	})
	// Ears, head, then hair over its top.
	fill(skin, cy-ry*0.3, func(z *pen) {
		ellipse(z, cx-rx*0.98, cy+ry*0.05, rx*0.16, ry*0.2)
		ellipse(z, cx+rx*0.98, cy+ry*0.05, rx*0.16, ry*0.2)
	})
	fill(skin, cy-ry-1, func(z *pen) { ellipse(z, cx, cy, rx, ry) })
	fill(hair, cy-ry*1.5, func(z *pen) {
		z.MoveTo(cx-rx*1.04, cy-ry*0.05)
		z.CubeTo(cx-rx*1.2, cy-ry*1.45, cx+rx*1.2, cy-ry*1.45, cx+rx*1.04, cy-ry*0.05)
		z.CubeTo(cx+rx*0.9, cy-ry*0.55, cx-rx*0.1, cy-ry*0.75, cx-rx*1.04, cy-ry*0.05)
		z.ClosePath()
	})
	return img
}

// ellipse adds an ellipse centred on (cx, cy) with radii rx, ry, as four
// cubic Béziers.
func ellipse(z *pen, cx, cy, rx, ry float32) {
	const k = 0.5523 // 4/3·(√2−1)
	z.MoveTo(cx+rx, cy)
	z.CubeTo(cx+rx, cy+ry*k, cx+rx*k, cy+ry, cx, cy+ry)
	z.CubeTo(cx-rx*k, cy+ry, cx-rx, cy+ry*k, cx-rx, cy)
	z.CubeTo(cx-rx, cy-ry*k, cx-rx*k, cy-ry, cx, cy-ry)
	z.CubeTo(cx+rx*k, cy-ry, cx+rx, cy-ry*k, cx+rx, cy)
	z.ClosePath()
}

// PortraitJPEG encodes Portrait(seed) as a JPEG. With orientation 2–8 the
// pixels are stored transformed and an EXIF APP1 segment carries the
// Orientation tag that restores them, as a phone camera would write: a
// viewer (or intake) honouring the tag shows the upright portrait.
// Orientation 0 or 1 writes the upright pixels with no EXIF segment.
func PortraitJPEG(seed int64, orientation int) ([]byte, error) {
	if orientation < 0 || orientation > 8 {
		return nil, fmt.Errorf("portrait JPEG: EXIF orientation %d out of range 0–8", orientation)
	}
	img := Portrait(seed)
	if orientation > 1 {
		img = storeForOrientation(img, orientation)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 88}); err != nil {
		return nil, fmt.Errorf("portrait JPEG for seed %d: %w", seed, err)
	}
	b := buf.Bytes()
	if orientation <= 1 {
		return b, nil
	}
	// Insert APP1 right after SOI (Go's encoder writes no APP0).
	out := make([]byte, 0, len(b)+64)
	out = append(out, b[:2]...)
	out = append(out, exifOrientation(orientation)...)
	out = append(out, b[2:]...)
	return out, nil
}

// exifOrientation returns a minimal APP1 Exif segment: a big-endian TIFF
// header and IFD0 with the single tag 0x0112 Orientation (SHORT).
func exifOrientation(o int) []byte {
	tiff := []byte{
		'M', 'M', 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // header, IFD0 at 8
		0x00, 0x01, // one entry
		0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, byte(o >> 8), byte(o), 0x00, 0x00, // Orientation
		0x00, 0x00, 0x00, 0x00, // no next IFD
	}
	payload := append([]byte("Exif\x00\x00"), tiff...)
	n := len(payload) + 2
	return append([]byte{0xff, 0xe1, byte(n >> 8), byte(n)}, payload...)
}

// storeForOrientation returns the pixels a camera stores so that applying
// EXIF orientation o to them yields img: the inverse of the tag's
// transform.
func storeForOrientation(img image.Image, o int) image.Image {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	// at(x, y) of the displayed image comes from stored (sx, sy); we
	// build the stored image by sending each displayed pixel back.
	sw, sh := w, h
	if o >= 5 {
		sw, sh = h, w
	}
	out := image.NewRGBA(image.Rect(0, 0, sw, sh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var sx, sy int
			switch o {
			case 2: // display = mirror horizontally
				sx, sy = w-1-x, y
			case 3: // rotate 180
				sx, sy = w-1-x, h-1-y
			case 4: // mirror vertically
				sx, sy = x, h-1-y
			case 5: // transpose
				sx, sy = y, x
			case 6: // display = stored rotated 90° clockwise
				sx, sy = y, w-1-x
			case 7: // transverse
				sx, sy = h-1-y, w-1-x
			case 8: // display = stored rotated 90° counter-clockwise
				sx, sy = h-1-y, x
			}
			out.Set(sx, sy, img.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return out
}

// pen draws on a rasterizer whose origin is shifted down by oy.
type pen struct {
	z  *vector.Rasterizer
	oy float32
}

func (p *pen) MoveTo(x, y float32)             { p.z.MoveTo(x, y-p.oy) }
func (p *pen) LineTo(x, y float32)             { p.z.LineTo(x, y-p.oy) }
func (p *pen) ClosePath()                      { p.z.ClosePath() }
func (p *pen) CubeTo(a, b, c, d, e, f float32) { p.z.CubeTo(a, b-p.oy, c, d-p.oy, e, f-p.oy) }
