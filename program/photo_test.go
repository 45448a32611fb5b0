package program

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
)

// exifAPP1 builds a JPEG APP1 segment holding a TIFF structure whose IFD0
// has one entry, Orientation = o, in the given byte order.
func exifAPP1(o uint16, bo binary.ByteOrder) []byte {
	tiff := make([]byte, 8+2+12+4)
	if bo == binary.LittleEndian {
		copy(tiff, "II")
	} else {
		copy(tiff, "MM")
	}
	bo.PutUint16(tiff[2:], 42)
	bo.PutUint32(tiff[4:], 8)
	bo.PutUint16(tiff[8:], 1)       // one entry
	bo.PutUint16(tiff[10:], 0x0112) // Orientation
	bo.PutUint16(tiff[12:], 3)      // SHORT
	bo.PutUint32(tiff[14:], 1)      // count
	bo.PutUint16(tiff[18:], o)
	payload := append([]byte("Exif\x00\x00"), tiff...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	return append(seg, payload...)
}

// withAPP1 inserts the segment right after SOI, where cameras put it.
func withAPP1(jpg, app1 []byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	return append(out, jpg[2:]...)
}

// quadrants reports which corner of m is red (the test image's top-left).
func redCorner(m image.Image) string {
	b := m.Bounds()
	w, h := b.Dx(), b.Dy()
	corners := map[string]image.Point{
		"top-left": {w / 8, h / 8}, "top-right": {w - 1 - w/8, h / 8},
		"bottom-left": {w / 8, h - 1 - h/8}, "bottom-right": {w - 1 - w/8, h - 1 - h/8},
	}
	var red []string
	for name, p := range corners {
		r, g, bl, _ := m.At(b.Min.X+p.X, b.Min.Y+p.Y).RGBA()
		if r>>8 > 200 && g>>8 < 60 && bl>>8 < 60 {
			red = append(red, name)
		}
	}
	if len(red) != 1 {
		return strings.Join(red, "+")
	}
	return red[0]
}

func TestNormalizePhotoAppliesEXIFOrientation(t *testing.T) {
	// The stored image is 240 wide, 160 high, red in its stored top-left.
	src := testJPEG(t, 240, 160)
	cases := []struct {
		o      uint16
		w, h   int
		corner string
	}{
		{1, 240, 160, "top-left"},
		{2, 240, 160, "top-right"},
		{3, 240, 160, "bottom-right"},
		{4, 240, 160, "bottom-left"},
		{5, 160, 240, "top-left"},
		{6, 160, 240, "top-right"},
		{7, 160, 240, "bottom-right"},
		{8, 160, 240, "bottom-left"},
	}
	for _, bo := range []binary.ByteOrder{binary.LittleEndian, binary.BigEndian} {
		for _, c := range cases {
			out, err := NormalizePhoto(withAPP1(src, exifAPP1(c.o, bo)))
			if err != nil {
				t.Fatalf("orientation %d: %v", c.o, err)
			}
			if got := jpegOrientation(out); got != 1 {
				t.Errorf("orientation %d: output still tagged %d", c.o, got)
			}
			m, err := jpeg.Decode(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("orientation %d: decode output: %v", c.o, err)
			}
			if m.Bounds().Dx() != c.w || m.Bounds().Dy() != c.h {
				t.Errorf("%v orientation %d: %dx%d, want %dx%d", bo, c.o, m.Bounds().Dx(), m.Bounds().Dy(), c.w, c.h)
			}
			if got := redCorner(m); got != c.corner {
				t.Errorf("%v orientation %d: red corner %q, want %q", bo, c.o, got, c.corner)
			}
		}
	}
}

func TestNormalizePhotoScalesDownAndFlattens(t *testing.T) {
	// A 1000×1500 portrait tagged 6 is stored 1500×1000: upright it must
	// fit 720×960.
	big := withAPP1(testJPEG(t, 1500, 1000), exifAPP1(6, binary.BigEndian))
	out, err := NormalizePhoto(big)
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ := jpeg.DecodeConfig(bytes.NewReader(out))
	if cfg.Width != 640 || cfg.Height != 960 {
		t.Errorf("scaled to %dx%d, want 640x960", cfg.Width, cfg.Height)
	}
	// A transparent PNG comes out white, not black.
	m := image.NewNRGBA(image.Rect(0, 0, 120, 160))
	var b bytes.Buffer
	png.Encode(&b, m)
	out, err = NormalizePhoto(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	jm, _ := jpeg.Decode(bytes.NewReader(out))
	if r, g, bl, _ := jm.At(60, 80).RGBA(); r>>8 < 250 || g>>8 < 250 || bl>>8 < 250 {
		t.Errorf("transparent pixel became %d,%d,%d; want white", r>>8, g>>8, bl>>8)
	}
}

func TestNormalizePhotoPNGeXIf(t *testing.T) {
	m := image.NewRGBA(image.Rect(0, 0, 240, 160))
	for y := 0; y < 160; y++ {
		for x := 0; x < 240; x++ {
			m.Set(x, y, color.RGBA{0, 0, 255, 255})
			if x < 120 && y < 80 {
				m.Set(x, y, color.RGBA{255, 0, 0, 255})
			}
		}
	}
	var b bytes.Buffer
	png.Encode(&b, m)
	data := b.Bytes()
	// Insert an eXIf chunk (orientation 8) after IHDR (8 + 25 bytes).
	tiff := exifAPP1(8, binary.LittleEndian)[10:]
	chunk := make([]byte, 8, 12+len(tiff))
	binary.BigEndian.PutUint32(chunk, uint32(len(tiff)))
	copy(chunk[4:], "eXIf")
	chunk = append(chunk, tiff...)
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	withExif := append(append(append([]byte{}, data[:33]...), chunk...), data[33:]...)
	out, err := NormalizePhoto(withExif)
	if err != nil {
		t.Fatal(err)
	}
	jm, _ := jpeg.Decode(bytes.NewReader(out))
	if jm.Bounds().Dx() != 160 || redCorner(jm) != "bottom-left" {
		t.Errorf("PNG eXIf 8: %v, red %s; want 160 wide, bottom-left", jm.Bounds(), redCorner(jm))
	}
}

func TestNormalizePhotoRejects(t *testing.T) {
	jpg := testJPEG(t, 200, 200)
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "照片文件为空"},
		{"HEIC", heicLike(), "HEIC/HEIF格式"},
		{"WebP", []byte("RIFF\x00\x00\x00\x00WEBPVP8 "), "WebP格式"},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00"), "GIF格式"},
		{"text", []byte("这不是图片"), "不是JPEG或PNG图片"},
		{"truncated JPEG", jpg[:len(jpg)/3], "已损坏或不完整"},
		{"JPEG header only", jpg[:20], "已损坏"},
		{"tiny", testJPEG(t, 40, 50), "分辨率过低（40×50像素）"},
	}
	for _, c := range cases {
		_, err := NormalizePhoto(c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}

func TestOrientationReadersSurviveGarbage(t *testing.T) {
	seg := exifAPP1(6, binary.LittleEndian)
	cases := [][]byte{
		{0xFF, 0xD8},
		{0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF},
		append([]byte{0xFF, 0xD8}, seg[:12]...),
		append([]byte{0xFF, 0xD8}, seg[:len(seg)-3]...),
		{0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x10, 'E', 'x', 'i', 'f', 0, 0, 'I', 'I', 42, 0, 0xFF, 0xFF, 0xFF, 0x7F},
	}
	for i, c := range cases {
		if got := jpegOrientation(c); got != 1 {
			t.Errorf("case %d: orientation %d, want 1", i, got)
		}
	}
	if got := jpegOrientation(append([]byte{0xFF, 0xD8}, seg...)); got != 6 {
		t.Errorf("well-formed: %d, want 6", got)
	}
}

func FuzzJPEGOrientation(f *testing.F) {
	f.Add(append([]byte{0xFF, 0xD8}, exifAPP1(3, binary.BigEndian)...))
	f.Fuzz(func(t *testing.T, b []byte) {
		if o := jpegOrientation(b); o < 1 || o > 8 {
			t.Fatalf("orientation %d out of range", o)
		}
		pngOrientation(b)
	})
}

func BenchmarkNormalizePhoto12MP(b *testing.B) {
	data := withAPP1(testJPEG(b, 4000, 3000), exifAPP1(6, binary.LittleEndian))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NormalizePhoto(data); err != nil {
			b.Fatal(err)
		}
	}
}
