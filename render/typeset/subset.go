package typeset

import (
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"unicode/utf16"
)

// subsetFont is a font cut to one document's characters: the TrueType
// file, each character's glyph in it (one glyph per character, so that
// glyph IDs can be the PDF character codes), and each glyph's advance in
// 1/1000 em.
type subsetFont struct {
	data   []byte
	gids   map[rune]uint16
	widths []int
}

// subset builds a minimal TrueType font holding .notdef and the glyphs of
// runes (all BMP and covered by f), composite glyphs resolved and glyph IDs
// renumbered. The result carries head, hhea, maxp, OS/2, hmtx, loca (long),
// glyf, cmap (format 4), name and post (format 3).
//
// halves lists marks that also get a half-width variant (标点挤压): the same
// outline with half the advance, mapped at the private-use code that
// halfCodes assigns, so viewers and text extraction see no overlap.
//
// Two characters drawn with the same glyph (a compatibility ideograph and
// its unified form) each get their own copy, so that every glyph maps back
// to exactly one character.
func (f *Font) subset(runes []rune, halves ...rune) (*subsetFont, error) {
	rs := append([]rune(nil), runes...)
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	newID := map[uint16]uint16{0: 0}
	order := []uint16{0}
	add := func(g uint16) {
		if _, ok := newID[g]; !ok {
			newID[g] = uint16(len(order))
			order = append(order, g)
		}
	}
	type pair struct {
		r rune
		g uint16
	}
	var cmap []pair
	for i, r := range rs {
		if i > 0 && r == rs[i-1] || r > 0xFFFF { // beyond U+FFFF: drawn as outlines
			continue
		}
		g := f.glyph(r)
		if g == 0 {
			return nil, fmt.Errorf("字体 %s 没有字符 %c（U+%04X）", f.Family, r, r)
		}
		add(g)
		cmap = append(cmap, pair{r, g})
	}
	for _, r := range halves {
		if g := f.glyph(r); g != 0 && r <= 0xFFFF {
			add(g)
		}
	}
	// Composite closure: components join the order as they are found.
	glyf := f.tables["glyf"]
	for i := 0; i < len(order); i++ {
		comps, err := f.components(order[i])
		if err != nil {
			return nil, err
		}
		for _, c := range comps {
			add(c)
		}
	}

	codes := halfCodes(halves, runes)
	type variant struct {
		code rune
		g    uint16
	}
	var variants []variant
	for _, r := range halves {
		if g := f.glyph(r); g != 0 && r <= 0xFFFF {
			variants = append(variants, variant{codes[r], g})
		}
	}
	sort.Slice(variants, func(i, j int) bool { return variants[i].code < variants[j].code })
	all := append([]uint16(nil), order...)
	for _, v := range variants {
		all = append(all, v.g)
	}
	// A glyph claimed by a second character is copied for it.
	gids := make(map[rune]uint16, len(cmap)+len(variants))
	claimed := map[uint16]bool{}
	for _, p := range cmap {
		id := newID[p.g]
		if claimed[id] {
			id = uint16(len(all))
			all = append(all, p.g)
		}
		claimed[id] = true
		gids[p.r] = id
	}
	for i, v := range variants {
		gids[v.code] = uint16(len(order) + i)
	}
	if len(all) > 0xFFFF {
		return nil, fmt.Errorf("字体 %s 的子集字形过多", f.Family)
	}

	size := 0
	for _, g := range all {
		size += int(f.loca[g+1]-f.loca[g]+3) &^ 3
	}
	newGlyf := make([]byte, 0, size)
	loca := make([]byte, 4*(len(all)+1))
	hmtx := make([]byte, 4*len(all))
	widths := make([]int, len(all))
	for i, g := range all {
		adv := f.advances[g]
		if i >= len(order) && i < len(order)+len(variants) {
			adv /= 2 // the half-width variant
		}
		widths[i] = int(math.Round(float64(adv) * 1000 / f.upem))
		binary.BigEndian.PutUint32(loca[4*i:], uint32(len(newGlyf)))
		binary.BigEndian.PutUint16(hmtx[4*i:], adv)
		binary.BigEndian.PutUint16(hmtx[4*i+2:], uint16(f.lsbs[g]))
		data := glyf[f.loca[g]:f.loca[g+1]]
		start := len(newGlyf)
		newGlyf = append(newGlyf, data...)
		if len(data) >= 10 && int16(binary.BigEndian.Uint16(data)) < 0 {
			remapComponents(newGlyf[start:], newID)
		}
		for len(newGlyf)%4 != 0 {
			newGlyf = append(newGlyf, 0)
		}
	}
	binary.BigEndian.PutUint32(loca[4*len(all):], uint32(len(newGlyf)))

	head := append([]byte(nil), f.tables["head"][:54]...)
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment, set below
	binary.BigEndian.PutUint16(head[50:], 1) // long loca
	hhea := append([]byte(nil), f.tables["hhea"][:36]...)
	binary.BigEndian.PutUint16(hhea[34:], uint16(len(all)))
	maxp := append([]byte(nil), f.tables["maxp"]...)
	binary.BigEndian.PutUint16(maxp[4:], uint16(len(all)))
	post := make([]byte, 32)
	if p := f.tables["post"]; len(p) >= 32 {
		copy(post, p[:32])
	}
	binary.BigEndian.PutUint32(post, 0x00030000)

	cm := make([]cmapPair, 0, len(gids))
	for r, g := range gids {
		cm = append(cm, cmapPair{uint16(r), g})
	}
	sort.Slice(cm, func(i, j int) bool { return cm[i].r < cm[j].r })
	tables := map[string][]byte{
		"head": head, "hhea": hhea, "maxp": maxp, "hmtx": hmtx,
		"loca": loca, "glyf": newGlyf, "post": post,
		"cmap": cmap4(cm), "name": nameTable(f.PostScript),
	}
	if os2, ok := f.tables["OS/2"]; ok {
		tables["OS/2"] = os2
	}
	return &subsetFont{data: assemble(tables), gids: gids, widths: widths}, nil
}

// halfCodes assigns private-use codes (from U+E000) to the half-width
// variants of marks, in rune order, skipping codes the text itself uses
// (a user font may carry rare characters in the private-use area).
func halfCodes(halves, used []rune) map[rune]rune {
	rs := append([]rune(nil), halves...)
	sort.Slice(rs, func(i, j int) bool { return rs[i] < rs[j] })
	taken := map[rune]bool{}
	for _, r := range used {
		taken[r] = true
	}
	out := make(map[rune]rune, len(rs))
	code := rune(0xE000)
	for _, r := range rs {
		if _, ok := out[r]; ok {
			continue
		}
		for taken[code] {
			code++
		}
		out[r] = code
		code++
	}
	return out
}

// components returns the glyph IDs a composite glyph refers to.
func (f *Font) components(g uint16) ([]uint16, error) {
	if int(g) >= f.numGlyphs {
		return nil, fmt.Errorf("字体 %s 字形 %d 越界", f.Family, g)
	}
	data := f.tables["glyf"][f.loca[g]:f.loca[g+1]]
	if len(data) < 10 || int16(binary.BigEndian.Uint16(data)) >= 0 {
		return nil, nil
	}
	var out []uint16
	p := 10
	for {
		if p+4 > len(data) {
			return nil, fmt.Errorf("字体 %s 复合字形 %d 损坏", f.Family, g)
		}
		flags, c := binary.BigEndian.Uint16(data[p:]), binary.BigEndian.Uint16(data[p+2:])
		if int(c) >= f.numGlyphs {
			return nil, fmt.Errorf("字体 %s 复合字形 %d 引用越界字形 %d", f.Family, g, c)
		}
		out = append(out, c)
		p += 4 + componentArgs(flags)
		if flags&0x20 == 0 {
			return out, nil
		}
	}
}

func componentArgs(flags uint16) int {
	n := 2
	if flags&0x1 != 0 {
		n = 4
	}
	switch {
	case flags&0x8 != 0:
		n += 2
	case flags&0x40 != 0:
		n += 4
	case flags&0x80 != 0:
		n += 8
	}
	return n
}

func remapComponents(data []byte, newID map[uint16]uint16) {
	p := 10
	for p+4 <= len(data) {
		flags := binary.BigEndian.Uint16(data[p:])
		binary.BigEndian.PutUint16(data[p+2:], newID[binary.BigEndian.Uint16(data[p+2:])])
		p += 4 + componentArgs(flags)
		if flags&0x20 == 0 {
			return
		}
	}
}

type cmapPair struct{ r, g uint16 }

// cmap4 builds a cmap table with one (3,1) format 4 subtable. Runs of
// consecutive characters with consecutive glyphs share a segment.
func cmap4(pairs []cmapPair) []byte {
	type seg struct{ start, end, delta uint16 }
	var segs []seg
	for _, p := range pairs {
		if n := len(segs); n > 0 && segs[n-1].end+1 == p.r && segs[n-1].delta == p.g-p.r {
			segs[n-1].end = p.r
			continue
		}
		segs = append(segs, seg{p.r, p.r, p.g - p.r})
	}
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})
	n := len(segs)
	sub := make([]byte, 16+8*n)
	binary.BigEndian.PutUint16(sub, 4)
	binary.BigEndian.PutUint16(sub[2:], uint16(len(sub)))
	binary.BigEndian.PutUint16(sub[6:], uint16(2*n))
	sr, es := 2, 0
	for sr*2 <= n {
		sr, es = sr*2, es+1
	}
	binary.BigEndian.PutUint16(sub[8:], uint16(sr))
	binary.BigEndian.PutUint16(sub[10:], uint16(es))
	binary.BigEndian.PutUint16(sub[12:], uint16(2*n-sr))
	for i, s := range segs {
		binary.BigEndian.PutUint16(sub[14+2*i:], s.end)
		binary.BigEndian.PutUint16(sub[16+2*n+2*i:], s.start)
		binary.BigEndian.PutUint16(sub[16+4*n+2*i:], s.delta)
		// idRangeOffset stays 0.
	}
	out := make([]byte, 12, 12+len(sub))
	binary.BigEndian.PutUint16(out[2:], 1)
	binary.BigEndian.PutUint16(out[4:], 3)
	binary.BigEndian.PutUint16(out[6:], 1)
	binary.BigEndian.PutUint32(out[8:], 12)
	return append(out, sub...)
}

// nameTable builds a format 0 name table with Windows English family,
// subfamily, full and PostScript names.
func nameTable(ps string) []byte {
	recs := []struct {
		id uint16
		s  string
	}{{1, ps}, {2, "Regular"}, {4, ps}, {6, ps}}
	var strs []byte
	out := make([]byte, 6+12*len(recs))
	binary.BigEndian.PutUint16(out[2:], uint16(len(recs)))
	binary.BigEndian.PutUint16(out[4:], uint16(len(out)))
	for i, r := range recs {
		var enc []byte
		for _, u := range utf16.Encode([]rune(r.s)) {
			enc = binary.BigEndian.AppendUint16(enc, u)
		}
		rec := out[6+12*i:]
		binary.BigEndian.PutUint16(rec, 3)
		binary.BigEndian.PutUint16(rec[2:], 1)
		binary.BigEndian.PutUint16(rec[4:], 0x409)
		binary.BigEndian.PutUint16(rec[6:], r.id)
		binary.BigEndian.PutUint16(rec[8:], uint16(len(enc)))
		binary.BigEndian.PutUint16(rec[10:], uint16(len(strs)))
		strs = append(strs, enc...)
	}
	return append(out, strs...)
}

// assemble writes an sfnt file from its tables, sorted by tag, 4-byte
// aligned, with table checksums and head.checkSumAdjustment.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	size := 12 + 16*len(tables)
	for t, d := range tables {
		tags = append(tags, t)
		size += (len(d) + 3) &^ 3
	}
	sort.Strings(tags)
	out := make([]byte, 12+16*len(tags), size)
	binary.BigEndian.PutUint32(out, 0x00010000)
	n := len(tags)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	sr, es := 1, 0
	for sr*2 <= n {
		sr, es = sr*2, es+1
	}
	binary.BigEndian.PutUint16(out[6:], uint16(16*sr))
	binary.BigEndian.PutUint16(out[8:], uint16(es))
	binary.BigEndian.PutUint16(out[10:], uint16(16*(n-sr)))
	headAt := 0
	// The file's checksum is the directory's plus its tables' (each
	// padded with zeros to whole words): every table is summed once.
	var tablesSum uint32
	for i, t := range tags {
		d := tables[t]
		rec := out[12+16*i:]
		copy(rec, t)
		sum := checksum(d)
		tablesSum += sum
		binary.BigEndian.PutUint32(rec[4:], sum)
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(d)))
		if t == "head" {
			headAt = len(out)
		}
		out = append(out, d...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	binary.BigEndian.PutUint32(out[headAt+8:], 0xB1B0AFBA-(checksum(out[:12+16*n])+tablesSum))
	return out
}

// checksum is the OpenType table checksum: the sum of b's big-endian
// words, the last padded with zeros.
func checksum(b []byte) uint32 {
	var sum uint32
	whole := len(b) &^ 3
	for i := 0; i < whole; i += 4 {
		sum += binary.BigEndian.Uint32(b[i:])
	}
	if whole < len(b) {
		var w [4]byte
		copy(w[:], b[whole:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}
