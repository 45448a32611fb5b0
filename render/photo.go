package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"linghang/program"
	"linghang/render/typeset"
	"math"

	"golang.org/x/image/draw"
)

// PhotoDPI is the highest resolution a photo is printed at; more pixels
// only make the PDF larger.
const PhotoDPI = 300

// photoQuality is the JPEG quality of re-encoded photos.
const photoQuality = 85

// photoMaxPixels bounds the photos decoded (a 100-megapixel camera is the
// largest real one).
const photoMaxPixels = 120_000_000

// FormPhoto prepares a photo for a box of w×h mm: it applies an EXIF
// orientation left in the file, crops to the box's aspect ratio around the
// centre, scales down to at most PhotoDPI at that size and re-encodes it
// as JPEG. A JPEG that is already upright, of the box's aspect (within 2%)
// and at most PhotoDPI (within 2%) is returned as is, so a photo normalised
// at intake loses nothing more. The error is a Chinese reason for the
// person who supplied the photo.
func FormPhoto(data []byte, w, h float64) ([]byte, error) {
	if len(data) == 0 {
		return nil, errors.New("照片文件为空（0字节）")
	}
	if w <= 0 || h <= 0 {
		return nil, fmt.Errorf("照片框尺寸无效（%.1f×%.1f mm）", w, h)
	}
	isJPEG := bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF})
	isPNG := bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n"))
	if !isJPEG && !isPNG {
		return nil, errors.New("照片不是 JPEG 或 PNG 图片（文件已损坏，或扩展名与内容不符）")
	}
	orientation := program.Orientation(data)
	// Read the size before the pixels: a forged header must not make the
	// decoder allocate gigabytes.
	cfg, err := typeset.ImageConfig(data)
	if err != nil {
		return nil, errors.New("照片已损坏或不完整，无法解码")
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > photoMaxPixels {
		return nil, fmt.Errorf("照片尺寸异常（%d×%d像素）", cfg.Width, cfg.Height)
	}
	maxW := int(math.Round(w / 25.4 * PhotoDPI))
	maxH := int(math.Round(h / 25.4 * PhotoDPI))
	// Fast path: an upright, complete JPEG of the right shape and
	// resolution goes in as it is, without decoding its pixels.
	if isJPEG && orientation <= 1 && jpegComplete(data) {
		if cfg.ColorModel != color.CMYKModel && cfg.Width >= 16 && cfg.Height >= 16 {
			aspect := float64(cfg.Width) / float64(cfg.Height)
			if math.Abs(aspect/(w/h)-1) <= 0.02 && float64(cfg.Width) <= float64(maxW)*1.02 && float64(cfg.Height) <= float64(maxH)*1.02 {
				return data, nil
			}
		}
	}
	var img image.Image
	if isJPEG {
		img, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		img, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, errors.New("照片已损坏或不完整，无法解码")
	}
	b := img.Bounds()
	if b.Dx() < 16 || b.Dy() < 16 {
		return nil, fmt.Errorf("照片太小（%d×%d像素），无法打印", b.Dx(), b.Dy())
	}
	img = program.Upright(img, orientation)
	crop := cropToAspect(img.Bounds(), w/h)
	tw, th := crop.Dx(), crop.Dy()
	if tw > maxW || th > maxH {
		k := math.Min(float64(maxW)/float64(tw), float64(maxH)/float64(th))
		tw, th = max(1, int(math.Round(float64(tw)*k))), max(1, int(math.Round(float64(th)*k)))
	}
	dst := image.NewRGBA(image.Rect(0, 0, tw, th))
	// White under any transparency of a PNG.
	draw.Draw(dst, dst.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if tw == crop.Dx() && th == crop.Dy() {
		draw.Draw(dst, dst.Bounds(), img, crop.Min, draw.Over)
	} else {
		draw.CatmullRom.Scale(dst, dst.Bounds(), img, crop, draw.Over, nil)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, dst, &jpeg.Options{Quality: photoQuality}); err != nil {
		return nil, fmt.Errorf("照片重新编码失败: %w", err)
	}
	return buf.Bytes(), nil
}

// jpegComplete reports whether a JPEG has image data (SOS) and ends with
// EOI: a truncated upload fails this and is decoded in full, which tells
// exactly what is wrong.
func jpegComplete(b []byte) bool {
	end := bytes.TrimRight(b, "\x00\r\n ")
	return bytes.HasSuffix(end, []byte{0xFF, 0xD9}) && bytes.Contains(b, []byte{0xFF, 0xDA})
}

// cropToAspect returns the largest rectangle of aspect ratio a (w/h)
// centred in b.
func cropToAspect(b image.Rectangle, a float64) image.Rectangle {
	w, h := b.Dx(), b.Dy()
	if float64(w)/float64(h) > a {
		nw := int(math.Round(float64(h) * a))
		x := b.Min.X + (w-nw)/2
		return image.Rect(x, b.Min.Y, x+nw, b.Max.Y)
	}
	nh := int(math.Round(float64(w) / a))
	y := b.Min.Y + (h-nh)/2
	return image.Rect(b.Min.X, y, b.Max.X, y+nh)
}
