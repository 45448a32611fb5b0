package pdfa

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
)

// checkWidths: the widths a CIDFontType2 dictionary gives (/W, /DW) agree
// with the advance widths of the glyphs in the embedded font program,
// through the CIDToGIDMap (6.2.11.5). A reader laying text out from /W
// and a renderer drawing the glyphs must not disagree.
func (c *checker) checkWidths() {
	for n, o := range c.objs {
		if !strings.Contains(o.dict, "/Subtype /CIDFontType2") {
			continue
		}
		fd, ok := c.ref(o.dict, "FontDescriptor")
		if !ok {
			c.fail("6.2.11.4.1", "CID 字体 %d 没有 FontDescriptor", n)
			continue
		}
		ff, ok := c.ref(c.objs[fd].dict, "FontFile2")
		if !ok {
			continue // reported by checkFonts
		}
		font, err := c.decoded(ff)
		if err != nil {
			c.fail("6.2.11.4.1", "字体程序 %d 无法解压：%v", ff, err)
			continue
		}
		adv, err := advances(font)
		if err != nil {
			c.fail("6.2.11.4.1", "字体程序 %d 不是可读的 TrueType：%v", ff, err)
			continue
		}
		gidOf := func(cid int) int { return cid } // /CIDToGIDMap /Identity
		if m, ok := c.ref(o.dict, "CIDToGIDMap"); ok {
			mp, err := c.decoded(m)
			if err != nil {
				c.fail("6.2.11.3.2", "CIDToGIDMap %d 无法解压：%v", m, err)
				continue
			}
			gidOf = func(cid int) int {
				if 2*cid+1 >= len(mp) {
					return 0
				}
				return int(binary.BigEndian.Uint16(mp[2*cid:]))
			}
		}
		bad := 0
		for cid, w := range cidWidths(o.dict) {
			g := gidOf(cid)
			want := adv(g)
			if math.Abs(w-want) > 1 {
				if bad == 0 {
					c.fail("6.2.11.5", "CID 字体 %d：CID %d（U+%04X）的宽度 /W 为 %.0f，字体程序中字形 %d 为 %.0f", n, cid, cid, w, g, want)
				}
				bad++
			}
		}
	}
}

// decoded returns the stream of object n, inflated if it is Flate-encoded.
func (c *checker) decoded(n int) ([]byte, error) {
	o := c.objs[n]
	if !strings.Contains(o.dict, "/FlateDecode") {
		return o.stream, nil
	}
	zr, err := zlib.NewReader(bytes.NewReader(o.stream))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

var wRE = regexp.MustCompile(`/W\s*\[((?:[^\[\]]|\[[^\[\]]*\])*)\]`)

// cidWidths reads a /W array: "c [w1 w2 …]" and "c1 c2 w" entries.
func cidWidths(dict string) map[int]float64 {
	out := map[int]float64{}
	m := wRE.FindStringSubmatch(dict)
	if m == nil {
		return out
	}
	toks := strings.Fields(strings.NewReplacer("[", " [ ", "]", " ] ").Replace(m[1]))
	num := func(s string) float64 { v, _ := strconv.ParseFloat(s, 64); return v }
	for i := 0; i < len(toks); {
		first := int(num(toks[i]))
		if i+1 < len(toks) && toks[i+1] == "[" {
			j := i + 2
			for k := 0; j < len(toks) && toks[j] != "]"; j, k = j+1, k+1 {
				out[first+k] = num(toks[j])
			}
			i = j + 1
			continue
		}
		if i+2 >= len(toks) {
			break
		}
		last, w := int(num(toks[i+1])), num(toks[i+2])
		for cid := first; cid <= last && cid-first < 1<<16; cid++ {
			out[cid] = w
		}
		i += 3
	}
	return out
}

// advances returns a function giving glyph g's advance width in units of
// 1/1000 em, read from the font's head, hhea and hmtx tables.
func advances(font []byte) (func(g int) float64, error) {
	if len(font) < 12 {
		return nil, fmt.Errorf("太短")
	}
	tables := map[string][]byte{}
	nt := int(binary.BigEndian.Uint16(font[4:]))
	for i := 0; i < nt && 12+16*i+16 <= len(font); i++ {
		rec := font[12+16*i:]
		off, l := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if off+l > len(font) {
			return nil, fmt.Errorf("表 %s 越界", rec[:4])
		}
		tables[string(rec[:4])] = font[off : off+l]
	}
	head, hhea, hmtx := tables["head"], tables["hhea"], tables["hmtx"]
	if len(head) < 20 || len(hhea) < 36 {
		return nil, fmt.Errorf("缺 head/hhea 表")
	}
	upem := float64(binary.BigEndian.Uint16(head[18:]))
	nh := int(binary.BigEndian.Uint16(hhea[34:]))
	if upem == 0 || nh == 0 || len(hmtx) < 4*nh {
		return nil, fmt.Errorf("hmtx 表不完整")
	}
	return func(g int) float64 {
		if g >= nh {
			g = nh - 1
		}
		return float64(binary.BigEndian.Uint16(hmtx[4*g:])) * 1000 / upem
	}, nil
}
