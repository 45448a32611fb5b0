package program

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"

	"golang.org/x/image/draw"
)

// Photo bounds. Photos are printed on the registration form and on
// badges at about 25×35 mm; 720×960 pixels is 300 dpi at 61×81 mm, so
// scaling larger photos down to fit loses nothing on paper and keeps the
// archive small. Re-encoding also drops the camera's EXIF block (GPS
// position, device) from what is stored.
const (
	PhotoMaxWidth  = 720
	PhotoMaxHeight = 960
	PhotoQuality   = 90
	PhotoMinSide   = 100 // shorter side, pixels: below this a photo prints as a blur
	// photoMaxPixels admits a 48-megapixel phone photo; decoding one
	// takes about 75 MB (JPEG) or 200 MB (PNG).
	photoMaxPixels = 50_000_000
	// photoMinBytesPerMPixel: deflate and JPEG cannot squeeze a megapixel
	// into much less; a file far smaller than its header's pixel count
	// is a truncated or forged header, refused before the decoder
	// allocates the whole image.
	photoMinBytesPerMPixel = 1 << 10
)

// PhotoName is the content name of a normalised photo: the hex SHA-256 of
// the JPEG and ".jpg". The archive stores it under <year>/data/photos/.
func PhotoName(jpegData []byte) string {
	sum := sha256.Sum256(jpegData)
	return hex.EncodeToString(sum[:]) + ".jpg"
}

// NormalizePhoto turns a JPEG or PNG into an upright JPEG: the EXIF
// orientation (JPEG APP1, PNG eXIf) is applied, transparency is flattened
// onto white, photos larger than PhotoMaxWidth×PhotoMaxHeight are scaled
// down to fit. Other formats (HEIC, WebP, …), corrupt or truncated files
// and absurd sizes are errors whose text is a Chinese reason for the
// person who supplied the photo.
func NormalizePhoto(data []byte) ([]byte, error) {
	out, _, err := normalizePhoto(data, true)
	return out, err
}

// normalizePhoto is NormalizePhoto; kept says the JPEG is data itself,
// unchanged. Without check every photo is decoded in full, as before
// checkBaselineJPEG (the tests compare the two).
func normalizePhoto(data []byte, check bool) (out []byte, kept bool, err error) {
	kind := sniffImage(data)
	var orientation int
	switch kind {
	case "JPEG":
		orientation = jpegOrientation(data)
	case "PNG":
		orientation = pngOrientation(data)
	case "":
		if len(data) == 0 {
			return nil, false, errors.New("照片文件为空（0字节）")
		}
		return nil, false, errors.New("照片文件不是JPEG或PNG图片（文件已损坏，或扩展名与内容不符）")
	case "HEIC":
		return nil, false, errors.New("照片是HEIC/HEIF格式（苹果手机默认格式），暂不支持；请导出为JPEG或PNG后重新提供")
	default:
		return nil, false, fmt.Errorf("照片是%s格式，暂不支持；请提供JPEG或PNG格式的照片", kind)
	}
	var cfg image.Config
	if kind == "JPEG" {
		cfg, err = jpeg.DecodeConfig(bytes.NewReader(data))
	} else {
		cfg, err = png.DecodeConfig(bytes.NewReader(data))
	}
	if err != nil {
		return nil, false, fmt.Errorf("照片文件（%s）已损坏，无法读取", kind)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width*cfg.Height > photoMaxPixels {
		return nil, false, fmt.Errorf("照片尺寸异常（%d×%d像素），请提供正常大小的证件照", cfg.Width, cfg.Height)
	}
	if mp := cfg.Width * cfg.Height / 1_000_000; len(data) < mp*photoMinBytesPerMPixel {
		return nil, false, fmt.Errorf("照片文件（%s）不完整：图片声称有%d×%d像素，文件却只有%d字节", kind, cfg.Width, cfg.Height, len(data))
	}
	if min(cfg.Width, cfg.Height) < PhotoMinSide {
		return nil, false, fmt.Errorf("照片分辨率过低（%d×%d像素），短边至少需要%d像素", cfg.Width, cfg.Height, PhotoMinSide)
	}
	// A JPEG that is already upright, within the box's pixel budget, in
	// YCbCr or grey and carries nothing but the picture is kept byte for
	// byte: re-encoding would only lose quality and time. Decoding its
	// pixels merely to prove it sound took three quarters of an import;
	// checkBaselineJPEG proves as much (every Huffman code of the scan)
	// without the inverse DCT, and whatever it cannot prove is decoded in
	// full below.
	if kind == "JPEG" && orientation <= 1 && cfg.Width <= PhotoMaxWidth && cfg.Height <= PhotoMaxHeight && check && checkBaselineJPEG(data) == nil {
		return data, true, nil
	}
	var src image.Image
	if kind == "JPEG" {
		src, err = jpeg.Decode(bytes.NewReader(data))
	} else {
		src, err = png.Decode(bytes.NewReader(data))
	}
	if err != nil {
		return nil, false, fmt.Errorf("照片文件（%s）已损坏或不完整，无法解码", kind)
	}
	// The JPEGs checkBaselineJPEG leaves to the decoder (progressive,
	// with zero padding after EOI, …) are kept on the same terms as
	// before: upright, within the budget, YCbCr or grey, no metadata
	// segment (EXIF, XMP, GPS), and decoded whole.
	if kind == "JPEG" && orientation <= 1 && cfg.Width <= PhotoMaxWidth && cfg.Height <= PhotoMaxHeight && jpegWithoutMetadata(data) {
		switch src.(type) {
		case *image.YCbCr, *image.Gray:
			return data, true, nil
		}
	}
	img := uprightRGBA(src, orientation, PhotoMaxWidth, PhotoMaxHeight)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: PhotoQuality}); err != nil {
		return nil, false, fmt.Errorf("照片编码为JPEG失败：%w", err)
	}
	return buf.Bytes(), false, nil
}

// sniffImage names the image format from its magic bytes ("" if unknown).
func sniffImage(b []byte) string {
	switch {
	case len(b) >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "JPEG"
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return "PNG"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		switch string(b[8:12]) {
		case "heic", "heix", "hevc", "hevx", "heim", "heis", "mif1", "msf1":
			return "HEIC"
		case "avif", "avis":
			return "AVIF"
		}
		return "视频/MP4"
	case bytes.HasPrefix(b, []byte("GIF87a")), bytes.HasPrefix(b, []byte("GIF89a")):
		return "GIF"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "WebP"
	case bytes.HasPrefix(b, []byte("BM")) && len(b) > 26:
		return "BMP"
	case bytes.HasPrefix(b, []byte("II*\x00")), bytes.HasPrefix(b, []byte("MM\x00*")):
		return "TIFF"
	case bytes.HasPrefix(b, []byte("%PDF")):
		return "PDF"
	}
	return ""
}

// Orientation returns the EXIF Orientation (1–8) recorded in a JPEG's APP1
// segment or a PNG's eXIf chunk; 1 (upright) when there is none or it
// cannot be read.
func Orientation(data []byte) int {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8}):
		return jpegOrientation(data)
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return pngOrientation(data)
	}
	return 1
}

// Upright returns img as an RGBA image turned by the EXIF orientation o
// (1–8; anything else leaves it as it is).
func Upright(img image.Image, o int) *image.RGBA {
	m, ok := img.(*image.RGBA)
	if !ok || m.Rect.Min != (image.Point{}) {
		b := img.Bounds()
		m = image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
		draw.Draw(m, m.Bounds(), img, b.Min, draw.Src)
	}
	return orient(m, o)
}

// jpegOrientation reads the EXIF Orientation tag (0x0112) from a JPEG's
// APP1 segment; 1 (upright) when absent or unreadable. Every offset is
// bounds-checked: a malformed segment yields 1, never a panic.
// jpegWithoutMetadata reports whether the JPEG's segments before the scan
// are only tables and frame headers (and a JFIF APP0): no EXIF, XMP, ICC,
// Adobe or comment segment that a stored photo should not carry.
func jpegWithoutMetadata(b []byte) bool {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return false
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return false
		}
		m := b[i+1]
		switch {
		case m == 0xFF:
			i++
			continue
		case m == 0xDA: // start of scan: everything before it was clean
			return true
		case m == 0xE0: // JFIF
		case m >= 0xE1 && m <= 0xEF, m == 0xFE: // APPn, COM
			return false
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return false
		}
		i += 2 + n
	}
	return false
}

func jpegOrientation(b []byte) int {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return 1
	}
	for i := 2; i+4 <= len(b); {
		if b[i] != 0xFF {
			return 1
		}
		m := b[i+1]
		switch {
		case m == 0xFF: // fill byte
			i++
			continue
		case m == 0x01 || (m >= 0xD0 && m <= 0xD8): // markers without length
			i += 2
			continue
		case m == 0xDA || m == 0xD9: // start of scan, end of image: no EXIF
			return 1
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return 1
		}
		seg := b[i+4 : i+2+n]
		if m == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// pngOrientation reads the Orientation tag of a PNG eXIf chunk.
func pngOrientation(b []byte) int {
	const sig = 8
	for i := sig; i+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[i:]))
		typ := string(b[i+4 : i+8])
		if n < 0 || n > len(b)-i-12 {
			return 1
		}
		if typ == "eXIf" {
			return tiffOrientation(b[i+8 : i+8+n])
		}
		if typ == "IEND" {
			return 1
		}
		i += 12 + n
	}
	return 1
}

// tiffOrientation finds tag 0x0112 in IFD0 of a TIFF structure.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	off := int64(bo.Uint32(t[4:]))
	if off < 8 || off+2 > int64(len(t)) {
		return 1
	}
	count := int64(bo.Uint16(t[off:]))
	for k := int64(0); k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > int64(len(t)) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		var v int
		switch typ := bo.Uint16(t[e+2:]); typ {
		case 3: // SHORT
			v = int(bo.Uint16(t[e+8:]))
		case 4: // LONG, written by a few tools
			v = int(bo.Uint32(t[e+8:]))
		default:
			return 1
		}
		if v >= 1 && v <= 8 {
			return v
		}
		return 1
	}
	return 1
}

// uprightRGBA flattens src onto white, scales it down (never up) to fit
// maxW×maxH once upright, and applies the EXIF orientation o.
func uprightRGBA(src image.Image, o, maxW, maxH int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	// The box in the stored (not yet rotated) orientation.
	boxW, boxH := maxW, maxH
	if o >= 5 {
		boxW, boxH = maxH, maxW
	}
	tw, th := w, h
	if w > boxW || h > boxH {
		if w*boxH > h*boxW {
			tw, th = boxW, max(1, h*boxW/w)
		} else {
			tw, th = max(1, w*boxH/h), boxH
		}
	}
	if y, ok := src.(*image.YCbCr); ok && tw == w && th == h && b.Min == (image.Point{}) {
		return orientYCbCr(y, o) // the same pixels in one pass
	}
	canvas := image.NewRGBA(image.Rect(0, 0, tw, th))
	draw.Draw(canvas, canvas.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if tw == w && th == h {
		draw.Draw(canvas, canvas.Bounds(), src, b.Min, draw.Over)
	} else {
		// A camera photo is 5–20× the target: average k×k blocks first
		// down to just above the target (cheap, and a box average does not
		// alias), then finish with Catmull-Rom.
		if k := min(w/tw, h/th); k >= 2 {
			if y, ok := src.(*image.YCbCr); ok {
				src = boxShrinkYCbCr(y, k)
				b = src.Bounds()
			}
		}
		draw.CatmullRom.Scale(canvas, canvas.Bounds(), src, b, draw.Over, nil)
	}
	return orient(canvas, o)
}

// orientYCbCr is orient(src drawn on an RGBA canvas, o) without the
// canvas: each pixel is converted once (color.YCbCrToRGB, the formula
// image/draw uses; a decoded JPEG is opaque, so white underneath changes
// nothing) and written where orientation o puts it. A turned phone photo
// is the one kind of photo an import re-encodes without scaling it.
func orientYCbCr(src *image.YCbCr, o int) *image.RGBA {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 && o <= 8 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	// The destination of source pixel (x, y) is
	// (ax·x + bx·y + cx, ay·x + by·y + cy), the inverse of orient's map.
	ax, bx, cx, ay, by, cy := 1, 0, 0, 0, 1, 0
	switch o {
	case 2:
		ax, cx = -1, w-1
	case 3:
		ax, cx, by, cy = -1, w-1, -1, h-1
	case 4:
		by, cy = -1, h-1
	case 5:
		ax, bx, ay, by = 0, 1, 1, 0
	case 6:
		ax, bx, cx, ay, by = 0, -1, h-1, 1, 0
	case 7:
		ax, bx, cx, ay, by, cy = 0, -1, h-1, -1, 0, w-1
	case 8:
		ax, bx, ay, by, cy = 0, 1, -1, 0, w-1
	}
	stepX := ay*dst.Stride + ax*4
	// Chroma sample of pixel (x, y): (y>>vs)·CStride + x>>hs.
	var hs, vs uint
	switch src.SubsampleRatio {
	case image.YCbCrSubsampleRatio422:
		hs = 1
	case image.YCbCrSubsampleRatio420:
		hs, vs = 1, 1
	case image.YCbCrSubsampleRatio440:
		vs = 1
	case image.YCbCrSubsampleRatio411:
		hs = 2
	case image.YCbCrSubsampleRatio410:
		hs, vs = 2, 1
	}
	for y := 0; y < h; y++ {
		di := (cy+by*y)*dst.Stride + (cx+bx*y)*4
		yrow := src.Y[y*src.YStride : y*src.YStride+w]
		crow := (y >> vs) * src.CStride
		cbrow, crrow := src.Cb[crow:], src.Cr[crow:]
		for x, yv := range yrow {
			// color.YCbCrToRGB, written out: too large to be inlined.
			yy1 := int32(yv) * 0x10101
			cb1 := int32(cbrow[x>>hs]) - 128
			cr1 := int32(crrow[x>>hs]) - 128
			r := yy1 + 91881*cr1
			if uint32(r)&0xff000000 == 0 {
				r >>= 16
			} else {
				r = ^(r >> 31)
			}
			g := yy1 - 22554*cb1 - 46802*cr1
			if uint32(g)&0xff000000 == 0 {
				g >>= 16
			} else {
				g = ^(g >> 31)
			}
			bl := yy1 + 116130*cb1
			if uint32(bl)&0xff000000 == 0 {
				bl >>= 16
			} else {
				bl = ^(bl >> 31)
			}
			p := dst.Pix[di : di+4 : di+4]
			p[0], p[1], p[2], p[3] = uint8(r), uint8(g), uint8(bl), 0xFF
			di += stepX
		}
	}
	return dst
}

// orient applies EXIF orientation o (1–8) to m.
func orient(m *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return m
	}
	w, h := m.Rect.Dx(), m.Rect.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < dh; y++ {
		for x := 0; x < dw; x++ {
			var sx, sy int
			switch o {
			case 2: // mirrored horizontally
				sx, sy = w-1-x, y
			case 3: // rotated 180°
				sx, sy = w-1-x, h-1-y
			case 4: // mirrored vertically
				sx, sy = x, h-1-y
			case 5: // transposed
				sx, sy = y, x
			case 6: // needs 90° clockwise
				sx, sy = y, h-1-x
			case 7: // transversed
				sx, sy = w-1-y, h-1-x
			case 8: // needs 90° counter-clockwise
				sx, sy = w-1-y, x
			}
			si := sy*m.Stride + sx*4
			di := y*dst.Stride + x*4
			copy(dst.Pix[di:di+4], m.Pix[si:si+4])
		}
	}
	return dst
}

// boxShrinkYCbCr averages k×k blocks of a decoded JPEG into an RGBA image
// k times smaller (partial blocks at the edges are dropped).
func boxShrinkYCbCr(m *image.YCbCr, k int) *image.RGBA {
	b := m.Bounds()
	w, h := b.Dx()/k, b.Dy()/k
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	n := uint32(k * k)
	sumR := make([]uint32, w)
	sumG := make([]uint32, w)
	sumB := make([]uint32, w)
	for dy := 0; dy < h; dy++ {
		clear(sumR)
		clear(sumG)
		clear(sumB)
		for sy := b.Min.Y + dy*k; sy < b.Min.Y+(dy+1)*k; sy++ {
			for dx := 0; dx < w; dx++ {
				var r, g, bl uint32
				for sx := b.Min.X + dx*k; sx < b.Min.X+(dx+1)*k; sx++ {
					yi, ci := m.YOffset(sx, sy), m.COffset(sx, sy)
					rr, gg, bb := color.YCbCrToRGB(m.Y[yi], m.Cb[ci], m.Cr[ci])
					r += uint32(rr)
					g += uint32(gg)
					bl += uint32(bb)
				}
				sumR[dx] += r
				sumG[dx] += g
				sumB[dx] += bl
			}
		}
		row := dst.Pix[dy*dst.Stride:]
		for dx := 0; dx < w; dx++ {
			row[dx*4] = uint8(sumR[dx] / n)
			row[dx*4+1] = uint8(sumG[dx] / n)
			row[dx*4+2] = uint8(sumB[dx] / n)
			row[dx*4+3] = 0xFF
		}
	}
	return dst
}
