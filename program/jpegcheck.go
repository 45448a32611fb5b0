package program

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sync"
)

// checkBaselineJPEG proves, without computing a single pixel, that b is a
// baseline JPEG that image/jpeg decodes whole into a *image.YCbCr or
// *image.Gray, and that b holds nothing but that picture. NormalizePhoto
// keeps such a photo byte for byte; anything this check does not prove
// (an error here) is decoded in full as before, so the check decides
// only whether the full decode can be skipped, never whether a photo is
// refused.
//
// It walks every byte of the file:
//   - SOI, then only these segments, each with a length inside the file:
//     a plain JFIF APP0 (no thumbnail), DQT, DHT, one SOF0/SOF1 frame,
//     DRI, and one SOS whose scan codes every component (the single
//     interleaved scan of a baseline JPEG); EOI as the last two bytes.
//     Any other segment (EXIF, XMP, ICC, Adobe, comments, a second
//     frame or scan, a progressive or arithmetic-coded frame) and any
//     byte after EOI fail.
//   - The frame: 8-bit samples, 1 component (grey) or 3 (YCbCr: not
//     tagged RGB), sampling factors image/jpeg supports, quantisation
//     and Huffman tables defined before the scan that uses them, every
//     Huffman table a complete-or-less prefix code without the all-ones
//     code (as libjpeg requires).
//   - The entropy-coded data: byte stuffing undone, every 8×8 block of
//     every MCU is Huffman-decoded (the coefficients are skipped, not
//     kept): every code must exist in its table, DC sizes ≤ 11, AC runs
//     may not pass the 64th coefficient, baseline has no EOB runs; the
//     data must end exactly with the last MCU (at most 7 padding bits,
//     all ones) before each restart marker, which must come in order
//     (RST0…RST7) after every restart interval, and before EOI.
//
// This is what image/jpeg's decoder checks, and more: what it refuses
// (bad or missing Huffman codes, data that runs out, bad tables,
// unsupported sampling) is refused here too, and the fuzz target
// FuzzCheckBaselineJPEG holds that everything accepted here decodes.
// What neither can detect is damage that leaves a valid code stream: a
// bit flipped inside the entropy-coded data that turns one valid code
// into another (the decoder then draws wrong, usually blocky, pixels
// from that point of the restart interval on); the coefficient values
// are not range-checked either (the decoder clamps them).
func checkBaselineJPEG(b []byte) error {
	if len(b) < 4 || b[0] != 0xFF || b[1] != 0xD8 {
		return jpegErr("too short, or no SOI marker")
	}
	c := jpegCheckers.Get().(*jpegChecker)
	defer jpegCheckers.Put(c)
	c.reset()
	for i := 2; ; {
		if i+4 > len(b) {
			return jpegErr("file ends before the scan")
		}
		if b[i] != 0xFF {
			return jpegErr(fmt.Sprintf("byte %d: no marker where a segment must start", i))
		}
		m := b[i+1]
		if m == 0xD8 || m == 0xD9 || m == 0xFF || m == 0x00 || m == 0x01 || (m >= 0xD0 && m <= 0xD7) {
			return jpegErr(fmt.Sprintf("byte %d: marker %#02x before the scan", i, m))
		}
		n := int(b[i+2])<<8 | int(b[i+3])
		if n < 2 || i+2+n > len(b) {
			return jpegErr(fmt.Sprintf("byte %d: segment %#02x of length %d overruns the file", i, m, n))
		}
		seg := b[i+4 : i+2+n]
		i += 2 + n
		var err error
		switch m {
		case 0xE0:
			err = c.app0(seg)
		case 0xDB:
			err = c.dqt(seg)
		case 0xC4:
			err = c.dht(seg)
		case 0xC0, 0xC1:
			err = c.sof(seg)
		case 0xDD:
			err = c.dri(seg)
		case 0xDA:
			if err := c.sos(seg); err != nil {
				return err
			}
			return c.scan(b, i)
		default:
			err = jpegErr(fmt.Sprintf("segment %#02x (metadata, or not baseline)", m))
		}
		if err != nil {
			return err
		}
	}
}

type jpegErr string

func (e jpegErr) Error() string { return "jpeg: " + string(e) }

// jpegHuffLUTBits: codes up to this long are decoded by one table look-up.
const jpegHuffLUTBits = 9

// A Huffman table's look-up entries say what to do with a code, not
// which symbol it is: the checker needs no coefficient values, only how
// many bits to skip and where the block goes.
const (
	huffSkip     = 0x1F   // code length plus the extra bits that follow
	huffRunShift = 5      // AC: zero coefficients before this one (4 bits)
	huffEOB      = 1 << 9 // AC: end of block
	huffBad      = 1 << 10
)

type jpegHuff struct {
	defined bool
	// lut maps the next jpegHuffLUTBits bits to the action of the code
	// they start with, or 0 when that code is longer.
	lut [1 << jpegHuffLUTBits]uint16
	// maxCode[l] is the largest code of length l (-1: none); the action
	// of code c of length l is act[valPtr[l]+c] + l.
	maxCode [17]int32
	valPtr  [17]int32
	act     [256]uint16
}

// huffAction is what a symbol means in a baseline scan, without the
// code's length.
func huffAction(class, sym byte) uint16 {
	if class == 0 { // DC: the symbol is the size of the difference
		if sym > 11 {
			return huffBad
		}
		return uint16(sym)
	}
	r, s := uint16(sym>>4), uint16(sym&0x0F)
	switch {
	case s == 0 && r == 0:
		return huffEOB
	case s == 0 && r != 15: // EOB runs are progressive only
		return huffBad
	}
	return s | r<<huffRunShift // r = 15, s = 0: sixteen zeros
}

type jpegComp struct {
	id, h, v, tq byte
	td, ta       byte // Huffman tables chosen by the scan
}

type jpegChecker struct {
	jfif, frame   bool
	width, height int
	comps         []jpegComp
	compBuf       [3]jpegComp
	quant         [4]bool
	dc, ac        [2]jpegHuff
	restart       int
	data          []byte // one entropy-coded segment, unstuffed, padded
}

var jpegCheckers = sync.Pool{New: func() any { return new(jpegChecker) }}

func (c *jpegChecker) reset() {
	data := c.data[:0]
	*c = jpegChecker{data: data}
}

func (c *jpegChecker) app0(seg []byte) error {
	// JFIF\0, version (2), units, X and Y density (2+2), thumbnail 0×0.
	if c.jfif || len(seg) != 14 || !bytes.HasPrefix(seg, []byte("JFIF\x00")) || seg[12] != 0 || seg[13] != 0 {
		return jpegErr("APP0 is not a single plain JFIF header")
	}
	c.jfif = true
	return nil
}

func (c *jpegChecker) dqt(seg []byte) error {
	for len(seg) > 0 {
		pq, tq := seg[0]>>4, seg[0]&0x0F
		n := 1 + 64
		if pq == 1 {
			n = 1 + 128
		}
		if pq > 1 || tq > 3 || len(seg) < n {
			return jpegErr("bad DQT segment")
		}
		c.quant[tq] = true
		seg = seg[n:]
	}
	return nil
}

func (c *jpegChecker) dht(seg []byte) error {
	for len(seg) > 0 {
		if len(seg) < 17 {
			return jpegErr("DHT segment too short")
		}
		tc, th := seg[0]>>4, seg[0]&0x0F
		if tc > 1 || th > 1 {
			return jpegErr("DHT table class or number out of baseline range")
		}
		total := 0
		for _, n := range seg[1:17] {
			total += int(n)
		}
		if total == 0 || total > 256 || len(seg) < 17+total {
			return jpegErr("DHT table length wrong")
		}
		t := &c.dc[th]
		if tc == 1 {
			t = &c.ac[th]
		}
		if err := t.build(tc, seg[1:17], seg[17:17+total]); err != nil {
			return err
		}
		seg = seg[17+total:]
	}
	return nil
}

// build makes the canonical Huffman code of JPEG annex C from the number
// of codes of each length and their symbols, for table class 0 (DC) or
// 1 (AC).
func (t *jpegHuff) build(class byte, counts, vals []byte) error {
	clear(t.lut[:])
	for i, v := range vals {
		t.act[i] = huffAction(class, v)
	}
	code, k := int32(0), int32(0)
	for l := int32(1); l <= 16; l++ {
		n := int32(counts[l-1])
		t.maxCode[l] = -1
		if n == 0 {
			code <<= 1
			continue
		}
		t.valPtr[l] = k - code
		for range n {
			// A code may not be all ones, nor need more than l bits.
			if code > 1<<l-2 {
				return jpegErr("Huffman table is not a prefix code")
			}
			if l <= jpegHuffLUTBits {
				shift := jpegHuffLUTBits - l
				e := t.act[k] + uint16(l)
				for x := code << shift; x < (code+1)<<shift; x++ {
					t.lut[x] = e
				}
			}
			code++
			k++
		}
		t.maxCode[l] = code - 1
		code <<= 1
	}
	t.defined = true
	return nil
}

// long is the action of a code longer than jpegHuffLUTBits at the top of
// the 16 bits w; 0 if no code starts there.
func (t *jpegHuff) long(w uint32) uint16 {
	for l := int32(jpegHuffLUTBits + 1); l <= 16; l++ {
		if code := int32(w >> (16 - l)); code <= t.maxCode[l] {
			return t.act[t.valPtr[l]+code] + uint16(l)
		}
	}
	return 0
}

func (c *jpegChecker) sof(seg []byte) error {
	if c.frame {
		return jpegErr("second SOF")
	}
	c.frame = true
	if len(seg) < 6 || seg[0] != 8 {
		return jpegErr("SOF: not 8-bit")
	}
	c.height = int(seg[1])<<8 | int(seg[2])
	c.width = int(seg[3])<<8 | int(seg[4])
	nc := int(seg[5])
	if c.width == 0 || c.height == 0 || (nc != 1 && nc != 3) || len(seg) != 6+3*nc {
		return jpegErr("SOF: size or components not supported")
	}
	c.comps = c.compBuf[:nc]
	for i := range c.comps {
		p := seg[6+3*i:]
		cp := jpegComp{id: p[0], h: p[1] >> 4, v: p[1] & 0x0F, tq: p[2]}
		for _, o := range c.comps[:i] {
			if o.id == cp.id {
				return jpegErr("SOF: repeated component")
			}
		}
		okHV := func(x byte) bool { return x == 1 || x == 2 || x == 4 }
		if cp.tq > 3 || !okHV(cp.h) || !okHV(cp.v) {
			return jpegErr("SOF: bad sampling factors or table")
		}
		switch {
		case nc == 1:
			cp.h, cp.v = 1, 1 // a single component is never interleaved
		case i == 0 && cp.v == 4,
			i == 1 && (c.comps[0].h%cp.h != 0 || c.comps[0].v%cp.v != 0),
			i == 2 && (cp.h != c.comps[1].h || cp.v != c.comps[1].v):
			return jpegErr("SOF: chroma subsampling not supported")
		}
		c.comps[i] = cp
	}
	if nc == 3 {
		hv := 0
		for _, cp := range c.comps {
			hv += int(cp.h) * int(cp.v)
		}
		if hv > 10 {
			return jpegErr("SOF: sampling factors too large")
		}
	}
	return nil
}

func (c *jpegChecker) dri(seg []byte) error {
	if len(seg) != 2 {
		return jpegErr("DRI length")
	}
	c.restart = int(seg[0])<<8 | int(seg[1])
	return nil
}

func (c *jpegChecker) sos(seg []byte) error {
	if !c.frame {
		return jpegErr("SOS before SOF")
	}
	nc := len(c.comps)
	if len(seg) != 4+2*nc || int(seg[0]) != nc {
		return jpegErr("the scan does not code every component at once")
	}
	for i := range c.comps {
		cp := &c.comps[i]
		sel, tables := seg[1+2*i], seg[2+2*i]
		cp.td, cp.ta = tables>>4, tables&0x0F
		if sel != cp.id || cp.td > 1 || cp.ta > 1 {
			return jpegErr("SOS: components out of order or bad table numbers")
		}
		if !c.dc[cp.td].defined || !c.ac[cp.ta].defined || !c.quant[cp.tq] {
			return jpegErr("SOS: a table it uses is not defined")
		}
	}
	if p := seg[1+2*nc:]; p[0] != 0 || p[1] != 63 || p[2] != 0 {
		return jpegErr("SOS: not a sequential scan")
	}
	// image/jpeg decodes such a frame to RGB, not YCbCr.
	if nc == 3 && !c.jfif && c.comps[0].id == 'R' && c.comps[1].id == 'G' && c.comps[2].id == 'B' {
		return jpegErr("RGB, not YCbCr")
	}
	return nil
}

// scan checks the entropy-coded data from b[i] to EOI.
func (c *jpegChecker) scan(b []byte, i int) error {
	var mcus int
	if len(c.comps) == 1 {
		mcus = ((c.width + 7) / 8) * ((c.height + 7) / 8)
	} else {
		h0, v0 := int(c.comps[0].h), int(c.comps[0].v)
		mcus = ((c.width + 8*h0 - 1) / (8 * h0)) * ((c.height + 8*v0 - 1) / (8 * v0))
	}
	rst := byte(0xD0)
	for done := 0; done < mcus; {
		n := mcus - done
		if c.restart > 0 {
			n = min(n, c.restart)
		}
		end, err := c.segment(b, i)
		if err != nil {
			return err
		}
		if ok, err := c.interval(n); err != nil {
			return fmt.Errorf("%w (MCU %d of %d)", err, done+ok, mcus)
		}
		done += n
		i = end + 2
		switch m := b[end+1]; {
		case done < mcus && m != rst:
			return jpegErr(fmt.Sprintf("byte %d: marker %#02x where RST%d must follow MCU %d", end, m, rst-0xD0, done))
		case done < mcus:
			rst = 0xD0 + (rst-0xD0+1)%8
		case m != 0xD9:
			return jpegErr(fmt.Sprintf("byte %d: marker %#02x after the last MCU, not EOI", end, m))
		case i != len(b):
			return jpegErr(fmt.Sprintf("%d bytes after EOI", len(b)-i))
		}
	}
	return nil
}

// segment unstuffs the entropy-coded bytes from b[i] up to the next
// marker into c.data and returns the marker's offset.
func (c *jpegChecker) segment(b []byte, i int) (int, error) {
	c.data = c.data[:0]
	for {
		j := bytes.IndexByte(b[i:], 0xFF)
		if j < 0 || i+j+1 >= len(b) {
			return 0, jpegErr("file ends inside the entropy-coded data")
		}
		j += i
		if b[j+1] != 0x00 {
			c.data = append(c.data, b[i:j]...)
			return j, nil
		}
		c.data = append(c.data, b[i:j+1]...) // 0xFF 0x00 stands for 0xFF
		i = j + 2
	}
}

// jpegPad: zero bytes after the data, so that the 64-bit reads of one
// block, which may run past the data before the block's end shows the
// overrun, stay inside the slice (a block reads at most 16+11 bits for
// DC and 63×(16+15) for AC).
const jpegPad = (27+63*31)/8 + 16

// interval Huffman-decodes n MCUs from c.data, which they must use up
// to at most 7 padding bits, all ones. done counts the MCUs decoded.
func (c *jpegChecker) interval(n int) (done int, err error) {
	bits := uint(len(c.data)) * 8
	for range jpegPad {
		c.data = append(c.data, 0)
	}
	p := c.data
	// The next nb bits are at the top of acc; i is the next byte to load.
	var (
		acc uint64
		nb  uint
		i   int
	)
	for ; done < n; done++ {
		for ci := range c.comps {
			cp := &c.comps[ci]
			dc, ac := &c.dc[cp.td], &c.ac[cp.ta]
			for range int(cp.h) * int(cp.v) {
				// Before each code at least 32 bits are loaded: a code and
				// its extra bits take at most 16+15.
				if nb < 32 {
					acc |= uint64(binary.BigEndian.Uint32(p[i:])) << (32 - nb)
					i, nb = i+4, nb+32
				}
				e := dc.lut[acc>>(64-jpegHuffLUTBits)]
				if e == 0 {
					e = dc.long(uint32(acc >> 48))
				}
				if e == 0 || e&huffBad != 0 {
					return done, jpegErr("bad DC code")
				}
				acc, nb = acc<<(e&huffSkip), nb-uint(e&huffSkip)
				for k := 1; k < 64; {
					if nb < 32 {
						acc |= uint64(binary.BigEndian.Uint32(p[i:])) << (32 - nb)
						i, nb = i+4, nb+32
					}
					e := ac.lut[acc>>(64-jpegHuffLUTBits)]
					if e == 0 {
						e = ac.long(uint32(acc >> 48))
					}
					if e == 0 || e&huffBad != 0 {
						return done, jpegErr("bad AC code")
					}
					acc, nb = acc<<(e&huffSkip), nb-uint(e&huffSkip)
					if e&huffEOB != 0 {
						break
					}
					k += int(e>>huffRunShift&0x0F) + 1
					if k > 64 {
						return done, jpegErr("AC run past the 64th coefficient")
					}
				}
				if uint(i)*8-nb > bits {
					return done, jpegErr("entropy-coded data ends inside a block")
				}
			}
		}
	}
	pos := uint(i)*8 - nb
	// The rest of the last byte is padding: ones.
	rest := bits - pos
	if rest >= 8 {
		return done, jpegErr(fmt.Sprintf("%d bytes of entropy-coded data left over", rest/8))
	}
	if rest > 0 && p[pos>>3]&(1<<rest-1) != 1<<rest-1 {
		return done, jpegErr("padding bits are not ones")
	}
	return done, nil
}
