package program

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const jpegFixtures = "testdata/jpeg" // made by cjpeg, see its README.md

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(jpegFixtures, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jpegSeg is one marker segment of a JPEG's header (up to and including
// SOS), as laid out in the file.
type jpegSeg struct {
	marker byte
	raw    []byte // 0xFF, marker, length, payload
}

// splitJPEG cuts a well-formed JPEG into its header segments and the
// rest (entropy-coded data and EOI).
func splitJPEG(t testing.TB, b []byte) (segs []jpegSeg, rest []byte) {
	t.Helper()
	for i := 2; i+4 <= len(b); {
		n := int(b[i+2])<<8 | int(b[i+3])
		segs = append(segs, jpegSeg{b[i+1], b[i : i+2+n : i+2+n]})
		i += 2 + n
		if b[i-2-n+1] == 0xDA {
			return segs, b[i:]
		}
	}
	t.Fatal("no SOS")
	return nil, nil
}

func joinJPEG(segs []jpegSeg, rest []byte) []byte {
	out := []byte{0xFF, 0xD8}
	for _, s := range segs {
		out = append(out, s.raw...)
	}
	return append(out, rest...)
}

// edit returns a copy of b with f applied.
func edit(b []byte, f func(c []byte) []byte) []byte {
	return f(append([]byte{}, b...))
}

// offsetOf is the offset of the first segment with marker m.
func offsetOf(t testing.TB, b []byte, m byte) int {
	t.Helper()
	segs, _ := splitJPEG(t, b)
	off := 2
	for _, s := range segs {
		if s.marker == m {
			return off
		}
		off += len(s.raw)
	}
	t.Fatalf("no segment %#x", m)
	return 0
}

// restartMarkers are the offsets of the RSTn markers in the scan.
func restartMarkers(b []byte) []int {
	var at []int
	for i := 0; i+1 < len(b); i++ {
		if b[i] == 0xFF && b[i+1] >= 0xD0 && b[i+1] <= 0xD7 {
			at = append(at, i)
		}
	}
	return at
}

// goGray is a JPEG written by image/jpeg from a grey image (one component).
func goGray(t testing.TB) []byte {
	m := image.NewGray(image.Rect(0, 0, 130, 170))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckBaselineJPEGAccepts(t *testing.T) {
	portrait, err := PortraitJPEG(3, 1)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string][]byte{
		"image/jpeg 4:2:0": testJPEG(t, 200, 260),
		"image/jpeg grey":  goGray(t),
		"sample portrait":  portrait,
	}
	names, _ := filepath.Glob(filepath.Join(jpegFixtures, "*.jpg"))
	for _, n := range names {
		switch filepath.Base(n) {
		case "progressive.jpg", "arithmetic.jpg", "rgb.jpg", "comment.jpg":
			continue // TestCheckBaselineJPEGLeavesToDecoder
		}
		cases["cjpeg "+filepath.Base(n)] = readFixture(t, filepath.Base(n))
	}
	if len(cases) < 12 {
		t.Fatalf("only %d cases: fixtures missing from %s", len(cases), jpegFixtures)
	}
	for name, b := range cases {
		if err := checkBaselineJPEG(b); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		// What the check accepts, the decoder decodes whole to YCbCr or grey.
		m, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			t.Errorf("%s: accepted, but image/jpeg: %v", name, err)
			continue
		}
		switch m.(type) {
		case *image.YCbCr, *image.Gray:
		default:
			t.Errorf("%s: accepted, but decodes to %T", name, m)
		}
		out, err := NormalizePhoto(b)
		if err != nil || !bytes.Equal(out, b) {
			t.Errorf("%s: NormalizePhoto did not keep the bytes (err %v)", name, err)
		}
	}
}

func TestCheckBaselineJPEGLeavesToDecoder(t *testing.T) {
	// Sound files the check does not prove: they take the full decode.
	cases := map[string][]byte{
		"progressive":            readFixture(t, "progressive.jpg"),
		"arithmetic":             readFixture(t, "arithmetic.jpg"),
		"RGB (Adobe)":            readFixture(t, "rgb.jpg"),
		"comment":                readFixture(t, "comment.jpg"),
		"EXIF":                   withAPP1(readFixture(t, "baseline-420.jpg"), exifAPP1(1, binary.LittleEndian)),
		"zero padding after EOI": append(readFixture(t, "baseline-420.jpg"), 0, 0, 0, 0),
	}
	for name, b := range cases {
		if err := checkBaselineJPEG(b); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// brokenJPEG is a hand-broken JPEG, made from a sound one, and what
// checkBaselineJPEG must say about it.
type brokenJPEG struct {
	name string
	data []byte
	want string
}

func brokenJPEGs(t testing.TB) []brokenJPEG {
	base := readFixture(t, "baseline-420.jpg")
	rst := readFixture(t, "restart-rows-422.jpg")
	segs, rest := splitJPEG(t, base)
	sos := offsetOf(t, base, 0xDA)
	scanStart := len(base) - len(rest)
	without := func(m byte) []byte {
		var keep []jpegSeg
		for _, s := range segs {
			if s.marker != m {
				keep = append(keep, s)
			}
		}
		return joinJPEG(keep, rest)
	}
	sof := offsetOf(t, base, 0xC0)
	dht := offsetOf(t, base, 0xC4)
	dqt := offsetOf(t, base, 0xDB)
	rsts := restartMarkers(rst)
	if len(rsts) < 3 {
		t.Fatalf("restart-rows-422.jpg has %d restart markers", len(rsts))
	}
	cases := []brokenJPEG{
		{"truncated in SOI", base[:1], "too short"},
		{"truncated in a marker", base[:3], "too short"},
		{"truncated in DQT", base[:dqt+20], "segment 0xdb of length 67 overruns"},
		{"truncated in DHT", base[:dht+10], "segment 0xc4 of length 31 overruns"},
		{"truncated after the SOS", base[:scanStart], "file ends inside the entropy-coded data"},
		{"truncated in the scan", base[:scanStart+len(rest)/2], "file ends inside the entropy-coded data"},
		{"truncated before EOI", base[:len(base)-2], "file ends inside the entropy-coded data"},
		{"truncated in EOI", base[:len(base)-1], "file ends inside the entropy-coded data"},
		{"EOI replaced by zeros", append(base[:len(base)-2:len(base)-2], 0, 0), "file ends inside the entropy-coded data"},
		{"EOI doubled", append(base[:len(base):len(base)], 0xFF, 0xD9), "2 bytes after EOI"},
		{"data after EOI", append(base[:len(base):len(base)], []byte("PK\x03\x04hidden.zip")...), "14 bytes after EOI"},
		{"no SOF", without(0xC0), "SOS before SOF"},
		{"no DQT", without(0xDB), "not defined"},
		{"no DHT", without(0xC4), "not defined"},
		{"zero-length entropy data", append(base[:scanStart:scanStart], 0xFF, 0xD9), "ends inside a block (MCU 0 of 80)"},
		{"segment length overruns", edit(base, func(c []byte) []byte { c[dqt+2], c[dqt+3] = 0xFF, 0xF0; return c }), "length 65520 overruns"},
		{"segment length below 2", edit(base, func(c []byte) []byte { c[dqt+2], c[dqt+3] = 0, 1; return c }), "length 1 overruns"},
		{"SOF precision 12", edit(base, func(c []byte) []byte { c[sof+4] = 12; return c }), "not 8-bit"},
		{"SOF width bit flipped", edit(base, func(c []byte) []byte { c[sof+8] ^= 0x10; return c }), "left over"},
		{"SOF height bit flipped", edit(base, func(c []byte) []byte { c[sof+6] ^= 0x20; return c }), "left over"},
		{"SOF sampling bit flipped", edit(base, func(c []byte) []byte { c[sof+11] ^= 0x10; return c }), "sampling"},
		{"SOF zero width", edit(base, func(c []byte) []byte { c[sof+7], c[sof+8] = 0, 0; return c }), "size or components"},
		{"SOS names a missing table", edit(base, func(c []byte) []byte { c[sos+7] = 0x33; return c }), "bad table numbers"},
		{"SOS spectral bounds", edit(base, func(c []byte) []byte { c[sos+12] = 5; return c }), "not a sequential scan"},
		{"second SOI", append([]byte{0xFF, 0xD8}, base...), "marker 0xd8 before the scan"},
		{"a marker inside the scan", edit(base, func(c []byte) []byte { c[scanStart+40], c[scanStart+41] = 0xFF, 0xC4; return c }), "ends inside a block"},
		{"scan missing 100 bytes", append(append([]byte{}, base[:scanStart+200]...), base[scanStart+300:]...), "ends inside a block"},
		{"scan with 3 bytes extra", append(append(append([]byte{}, base[:len(base)-2]...), 0x12, 0x34, 0x56), 0xFF, 0xD9), "3 bytes of entropy-coded data left over"},
		{"scan all one bits", edit(base, func(c []byte) []byte {
			for i := scanStart; i+1 < len(c)-2; i += 2 {
				c[i], c[i+1] = 0xFF, 0x00
			}
			return c
		}), "bad DC code (MCU 0 of 80)"},
		{"scan all zero bits", edit(base, func(c []byte) []byte { clear(c[scanStart : len(c)-2]); return c }), "ends inside a block"},
		{"RST out of order", edit(rst, func(c []byte) []byte { c[rsts[1]+1] = 0xD5; return c }), "marker 0xd5 where RST1 must follow MCU 16"},
		{"RST missing", append(append([]byte{}, rst[:rsts[1]]...), rst[rsts[1]+2:]...), "left over"},
		{"RST where none is due", edit(base, func(c []byte) []byte {
			return append(append(c[:scanStart+100:scanStart+100], 0xFF, 0xD0), base[scanStart+100:]...)
		}), "ends inside a block"},
		{"SOS before SOF", func() []byte {
			var moved []jpegSeg
			var frame jpegSeg
			for _, s := range segs {
				if s.marker == 0xC0 {
					frame = s
					continue
				}
				moved = append(moved, s)
			}
			return append(append(joinJPEG(moved, rest[:len(rest)-2]), frame.raw...), 0xFF, 0xD9)
		}(), "SOS before SOF"},
	}
	// A Huffman table that is no prefix code: two more codes of length 1,
	// two fewer of the longest lengths (the same number in all).
	cases = append(cases, brokenJPEG{"Huffman table overfull", edit(base, func(c []byte) []byte {
		counts := c[dht+5 : dht+21]
		counts[0] += 2
		for took, l := 0, 15; took < 2 && l > 0; {
			if counts[l] == 0 {
				l--
				continue
			}
			counts[l]--
			took++
		}
		return c
	}), "not a prefix code"})
	return cases
}

func TestCheckBaselineJPEGRefusesBroken(t *testing.T) {
	for _, c := range brokenJPEGs(t) {
		if err := checkBaselineJPEG(c.data); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.name, err, c.want)
		}
	}
}

// TestNormalizePhotoSameWithoutFullDecode: skipping the full decode
// changes nothing, for the sound photos, the hand-broken JPEGs and the
// bad-photo corpus: the same bytes kept or made, the same refusals with
// the same reasons.
func TestNormalizePhotoSameWithoutFullDecode(t *testing.T) {
	cases := map[string][]byte{}
	for _, c := range brokenJPEGs(t) {
		cases[c.name] = c.data
	}
	for _, dir := range []string{jpegFixtures, filepath.Join(corpusDir, "photos")} {
		names, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, n := range names {
			if b, err := os.ReadFile(n); err == nil {
				cases[n] = b
			}
		}
	}
	cases["sample portrait EXIF 6"], _ = PortraitJPEG(5, 6)
	cases["image/jpeg grey"] = goGray(t)
	refused := 0
	for name, b := range cases {
		fast, _, ferr := normalizePhoto(b, true)
		full, _, err := normalizePhoto(b, false)
		if (ferr == nil) != (err == nil) || (err != nil && ferr.Error() != err.Error()) || !bytes.Equal(fast, full) {
			t.Errorf("%s: with the check %v (%d bytes), with the full decode %v (%d bytes)", name, ferr, len(fast), err, len(full))
		}
		if err != nil {
			refused++
		}
	}
	if refused < 20 {
		t.Errorf("only %d of %d cases refused: the broken cases are not broken", refused, len(cases))
	}
}

// FuzzCheckBaselineJPEG: whatever the check accepts, image/jpeg decodes
// whole to YCbCr or grey of the size in its header, so keeping it
// unchanged is what the full decode would have done.
func FuzzCheckBaselineJPEG(f *testing.F) {
	names, _ := filepath.Glob(filepath.Join(jpegFixtures, "*.jpg"))
	for _, n := range names {
		b, _ := os.ReadFile(n)
		f.Add(b)
	}
	for _, c := range brokenJPEGs(f) {
		f.Add(c.data)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if checkBaselineJPEG(b) != nil {
			return
		}
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("accepted, but DecodeConfig: %v", err)
		}
		if cfg.Width*cfg.Height > 4<<20 {
			return // decoding a forged huge header would take long; sizes are checked before
		}
		m, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("accepted, but image/jpeg: %v", err)
		}
		switch m.(type) {
		case *image.YCbCr, *image.Gray:
		default:
			t.Fatalf("accepted, but decodes to %T", m)
		}
		if m.Bounds().Dx() != cfg.Width || m.Bounds().Dy() != cfg.Height {
			t.Fatalf("accepted, decodes to %v, header says %dx%d", m.Bounds(), cfg.Width, cfg.Height)
		}
	})
}

func BenchmarkCheckBaselineJPEG(b *testing.B) {
	data, err := PortraitJPEG(7, 1)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := checkBaselineJPEG(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNormalizePhotoKept: an upright portrait within the box, the
// common case of an import, kept as it is: proven by checkBaselineJPEG,
// or (as before it) by a full decode.
func BenchmarkNormalizePhotoKept(b *testing.B) {
	data, err := PortraitJPEG(7, 1)
	if err != nil {
		b.Fatal(err)
	}
	for _, check := range []bool{true, false} {
		name := map[bool]string{true: "check", false: "full-decode"}[check]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := normalizePhoto(data, check); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestOrientYCbCrSamePixels: the one-pass turn of a decoded JPEG gives
// the pixels of drawing it on a white canvas and turning that, for every
// orientation and chroma subsampling: the re-encoded photos keep their
// bytes (and names).
func TestOrientYCbCrSamePixels(t *testing.T) {
	for _, name := range []string{"baseline-420.jpg", "restart-rows-422.jpg", "optimized-444.jpg", "odd-size-411.jpg", "odd-size-440.jpg", "odd-size-restart.jpg"} {
		m, err := jpeg.Decode(bytes.NewReader(readFixture(t, name)))
		if err != nil {
			t.Fatal(err)
		}
		y := m.(*image.YCbCr)
		for o := 1; o <= 8; o++ {
			canvas := image.NewRGBA(image.Rect(0, 0, y.Rect.Dx(), y.Rect.Dy()))
			draw.Draw(canvas, canvas.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
			draw.Draw(canvas, canvas.Bounds(), y, y.Rect.Min, draw.Over)
			want := orient(canvas, o)
			got := orientYCbCr(y, o)
			if got.Rect != want.Rect || !bytes.Equal(got.Pix, want.Pix) {
				t.Errorf("%s orientation %d: pixels differ (%v, want %v)", name, o, got.Rect, want.Rect)
			}
		}
	}
}

// BenchmarkNormalizePhotoTurned: a phone portrait stored on its side
// (EXIF 6), within the box: decoded, turned and re-encoded.
func BenchmarkNormalizePhotoTurned(b *testing.B) {
	data, err := PortraitJPEG(7, 6)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := NormalizePhoto(data); err != nil {
			b.Fatal(err)
		}
	}
}
