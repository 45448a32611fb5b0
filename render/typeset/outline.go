package typeset

import (
	"encoding/binary"
	"fmt"
)

// Characters beyond U+FFFF (Ext B and later ideographs, e.g. 𫖮 in names)
// cannot go through fpdf, which panics on them. When a font has the glyph,
// it is drawn as a filled path from the TrueType outline, and an invisible
// space inside an ActualText span carries the character for text
// extraction and search.

// point is an outline point in font units.
type point struct {
	x, y float64
	on   bool
}

// contours returns the outline of glyph g as closed contours in font
// units, composite glyphs resolved (depth-limited against cycles).
func (f *Font) contours(g uint16, depth int) ([][]point, error) {
	budget := 4096 // components in all: a damaged font cannot blow up
	return f.contoursIn(g, depth, &budget)
}

func (f *Font) contoursIn(g uint16, depth int, budget *int) ([][]point, error) {
	if *budget--; depth > 8 || *budget < 0 {
		return nil, fmt.Errorf("字体 %s 字形 %d 复合层次过深", f.Family, g)
	}
	if int(g) >= f.numGlyphs {
		return nil, fmt.Errorf("字体 %s 字形 %d 越界", f.Family, g)
	}
	d := f.tables["glyf"][f.loca[g]:f.loca[g+1]]
	if len(d) < 10 {
		return nil, nil
	}
	bad := fmt.Errorf("字体 %s 字形 %d 轮廓数据损坏", f.Family, g)
	n := int(int16(binary.BigEndian.Uint16(d)))
	if n < 0 {
		var out [][]point
		p := 10
		for {
			if p+4 > len(d) {
				return nil, bad
			}
			flags, c := binary.BigEndian.Uint16(d[p:]), binary.BigEndian.Uint16(d[p+2:])
			p += 4
			var dx, dy float64
			if flags&0x1 != 0 {
				if p+4 > len(d) {
					return nil, bad
				}
				dx, dy = float64(int16(binary.BigEndian.Uint16(d[p:]))), float64(int16(binary.BigEndian.Uint16(d[p+2:])))
				p += 4
			} else {
				if p+2 > len(d) {
					return nil, bad
				}
				dx, dy = float64(int8(d[p])), float64(int8(d[p+1]))
				p += 2
			}
			if flags&0x2 == 0 { // point matching: rare in CJK fonts, placed at the origin
				dx, dy = 0, 0
			}
			a, b, cc, dd := 1.0, 0.0, 0.0, 1.0
			f2 := func(i int) float64 { return float64(int16(binary.BigEndian.Uint16(d[i:]))) / 16384 }
			switch {
			case flags&0x8 != 0:
				if p+2 > len(d) {
					return nil, bad
				}
				a, dd = f2(p), f2(p)
				p += 2
			case flags&0x40 != 0:
				if p+4 > len(d) {
					return nil, bad
				}
				a, dd = f2(p), f2(p+2)
				p += 4
			case flags&0x80 != 0:
				if p+8 > len(d) {
					return nil, bad
				}
				a, b, cc, dd = f2(p), f2(p+2), f2(p+4), f2(p+6)
				p += 8
			}
			sub, err := f.contoursIn(c, depth+1, budget)
			if err != nil {
				return nil, err
			}
			for _, ct := range sub {
				t := make([]point, len(ct))
				for i, q := range ct {
					t[i] = point{a*q.x + cc*q.y + dx, b*q.x + dd*q.y + dy, q.on}
				}
				out = append(out, t)
			}
			if flags&0x20 == 0 {
				return out, nil
			}
		}
	}
	// Simple glyph.
	p := 10
	if p+2*n+2 > len(d) {
		return nil, bad
	}
	ends := make([]int, n)
	for i := range ends {
		ends[i] = int(binary.BigEndian.Uint16(d[p+2*i:]))
	}
	p += 2 * n
	if n == 0 {
		return nil, nil
	}
	np := ends[n-1] + 1
	p += 2 + int(binary.BigEndian.Uint16(d[p:])) // instructions
	flags := make([]byte, 0, np)
	for len(flags) < np {
		if p >= len(d) {
			return nil, bad
		}
		fl := d[p]
		p++
		flags = append(flags, fl)
		if fl&0x8 != 0 {
			if p >= len(d) {
				return nil, bad
			}
			for k := 0; k < int(d[p]) && len(flags) < np; k++ {
				flags = append(flags, fl)
			}
			p++
		}
	}
	coords := func(short, same byte) ([]float64, error) {
		out := make([]float64, np)
		v := 0.0
		for i, fl := range flags {
			switch {
			case fl&short != 0:
				if p >= len(d) {
					return nil, bad
				}
				if fl&same != 0 {
					v += float64(d[p])
				} else {
					v -= float64(d[p])
				}
				p++
			case fl&same == 0:
				if p+2 > len(d) {
					return nil, bad
				}
				v += float64(int16(binary.BigEndian.Uint16(d[p:])))
				p += 2
			}
			out[i] = v
		}
		return out, nil
	}
	xs, err := coords(0x2, 0x10)
	if err != nil {
		return nil, err
	}
	ys, err := coords(0x4, 0x20)
	if err != nil {
		return nil, err
	}
	out := make([][]point, 0, n)
	start := 0
	for _, e := range ends {
		if e < start || e >= np {
			return nil, bad
		}
		ct := make([]point, 0, e-start+1)
		for i := start; i <= e; i++ {
			ct = append(ct, point{xs[i], ys[i], flags[i]&0x1 != 0})
		}
		out = append(out, ct)
		start = e + 1
	}
	return out, nil
}

// pathOp is one step of a glyph path in page coordinates (mm).
type pathOp struct {
	kind         byte // 'M' move, 'L' line, 'Q' quadratic curve, 'Z' close
	x, y, cx, cy float64
}

// outlinePath converts the glyph of r to a path with its origin at
// (x, baseline) in mm, scaled to size points.
func (f *Font) outlinePath(r rune, x, baseline, size float64) ([]pathOp, error) {
	cs, err := f.contours(f.glyph(r), 0)
	if err != nil {
		return nil, err
	}
	k := PtToMM(size) / f.upem
	pt := func(q point) (float64, float64) { return x + q.x*k, baseline - q.y*k }
	mid := func(a, b point) point { return point{(a.x + b.x) / 2, (a.y + b.y) / 2, true} }
	var ops []pathOp
	for _, ct := range cs {
		if len(ct) < 2 {
			continue
		}
		// Start on an on-curve point (or the midpoint of two off-curve ones).
		s := -1
		for i, q := range ct {
			if q.on {
				s = i
				break
			}
		}
		var first point
		if s < 0 {
			first = mid(ct[0], ct[1])
			s = 1
		} else {
			first = ct[s]
			s++
		}
		fx, fy := pt(first)
		ops = append(ops, pathOp{kind: 'M', x: fx, y: fy})
		var ctrl *point
		for i := 0; i < len(ct); i++ {
			q := ct[(s+i)%len(ct)]
			if q.on {
				qx, qy := pt(q)
				if ctrl != nil {
					cx, cy := pt(*ctrl)
					ops = append(ops, pathOp{kind: 'Q', x: qx, y: qy, cx: cx, cy: cy})
					ctrl = nil
				} else {
					ops = append(ops, pathOp{kind: 'L', x: qx, y: qy})
				}
				continue
			}
			if ctrl != nil {
				m := mid(*ctrl, q)
				mx, my := pt(m)
				cx, cy := pt(*ctrl)
				ops = append(ops, pathOp{kind: 'Q', x: mx, y: my, cx: cx, cy: cy})
			}
			c := q
			ctrl = &c
		}
		if ctrl != nil {
			cx, cy := pt(*ctrl)
			ops = append(ops, pathOp{kind: 'Q', x: fx, y: fy, cx: cx, cy: cy})
		}
		ops = append(ops, pathOp{kind: 'Z'})
	}
	return ops, nil
}
