package typeset

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Font is one parsed TrueType face. It is immutable after parsing and
// shared by every document of the process; documents receive subsets of it.
type Font struct {
	// Family is the face's family name, Chinese when the font has one.
	Family string
	// FullName names the face, e.g. "Noto Serif SC Bold".
	FullName string
	// Names holds every family, full and PostScript name found in the
	// name table, in all languages; fonts are matched against them.
	Names []string
	// PostScript is the PostScript name (ASCII), used for the embedded subset.
	PostScript string
	// Source names the file ("/usr/share/fonts/x.ttc#1") or the embedded
	// default ("内置:NotoSerifSC-Regular.ttf").
	Source string
	// Origin says where the font was found: 用户字体目录, 系统字体 or
	// 内置默认字体.
	Origin string

	data      []byte
	tables    map[string][]byte
	upem      float64
	numGlyphs int
	bmp       []uint16        // rune → glyph for U+0000..U+FFFF; 0 = missing
	supp      map[rune]uint16 // ideographs beyond U+FFFF, drawn as outlines
	nRunes    int
	advances  []uint16
	lsbs      []int16
	loca      []uint32
	ascent    float64 // em-box ascent as a fraction of the em (typo metrics)
	descent   float64 // positive fraction below the baseline
	fsType    uint16
}

// errCFF reports PostScript-flavoured outlines fpdf cannot embed.
var errCFF = errors.New("字体使用 CFF（PostScript）轮廓，只支持 TrueType（glyf）轮廓的字体")

// Has reports whether the font has a glyph for r.
func (f *Font) Has(r rune) bool {
	return f.glyph(r) != 0
}

// Count returns how many of the runes in set the font covers.
func (f *Font) Count(set []rune) int {
	n := 0
	for _, r := range set {
		if f.Has(r) {
			n++
		}
	}
	return n
}

// embedRestriction says why the font's licence bits (OS/2 fsType) forbid
// embedding it as a subset in a PDF, or "" if they allow it.
func (f *Font) embedRestriction() string {
	switch {
	case f.fsType&0x000F == 0x0002:
		return "禁止嵌入"
	case f.fsType&0x0100 != 0:
		return "禁止子集化嵌入"
	case f.fsType&0x0200 != 0:
		return "只允许嵌入位图"
	}
	return ""
}

// Runes is the number of characters the font maps to a glyph.
func (f *Font) Runes() int { return f.nRunes }

// advance returns the advance width of r in ems.
func (f *Font) advance(r rune) float64 {
	g := f.glyph(r)
	return float64(f.advances[g]) / f.upem
}

func (f *Font) glyph(r rune) uint16 {
	if r < 0 || r > unicode.MaxRune {
		return 0
	}
	if r >= 0x10000 {
		return f.supp[r]
	}
	return f.bmp[r]
}

func (f *Font) String() string {
	if f.Source == "" {
		return f.Family
	}
	return f.Family + "（" + f.Source + "）"
}

// parseFonts parses a TrueType file or collection into its faces.
func parseFonts(data []byte, source string) ([]*Font, error) {
	if len(data) < 12 {
		return nil, fmt.Errorf("字体文件 %s 不完整（只有 %d 字节）", source, len(data))
	}
	if string(data[:4]) != "ttcf" {
		f, err := parseFace(data, 0, source)
		if err != nil {
			return nil, err
		}
		return []*Font{f}, nil
	}
	n := int(binary.BigEndian.Uint32(data[8:]))
	if n <= 0 || n > 1000 || 12+4*n > len(data) {
		return nil, fmt.Errorf("字体集 %s 的文件头损坏（%d 个字体）", source, n)
	}
	fonts := make([]*Font, 0, n)
	for i := 0; i < n; i++ {
		off := int(binary.BigEndian.Uint32(data[12+4*i:]))
		f, err := parseFace(data, off, fmt.Sprintf("%s#%d", source, i))
		if err != nil {
			return nil, err
		}
		fonts = append(fonts, f)
	}
	return fonts, nil
}

func parseFace(data []byte, off int, source string) (f *Font, err error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("字体文件 %s 无法使用：%s", source, fmt.Sprintf(format, args...))
	}
	if off < 0 || off+12 > len(data) {
		return nil, bad("字体目录越界")
	}
	switch v := binary.BigEndian.Uint32(data[off:]); v {
	case 0x00010000, 0x74727565: // 1.0, 'true'
	case 0x4F54544F: // 'OTTO'
		return nil, fmt.Errorf("字体文件 %s 无法使用：%w", source, errCFF)
	default:
		return nil, bad("不是 TrueType 字体（文件头 %08X）", v)
	}
	nt := int(binary.BigEndian.Uint16(data[off+4:]))
	if off+12+16*nt > len(data) {
		return nil, bad("表目录越界")
	}
	f = &Font{Source: source, data: data, tables: make(map[string][]byte, nt)}
	for i := 0; i < nt; i++ {
		rec := data[off+12+16*i:]
		tag := string(rec[:4])
		o, l := int64(binary.BigEndian.Uint32(rec[8:])), int64(binary.BigEndian.Uint32(rec[12:]))
		if o+l > int64(len(data)) {
			return nil, bad("表 %q 越界（偏移 %d，长度 %d，文件 %d 字节）", tag, o, l, len(data))
		}
		f.tables[tag] = data[o : o+l : o+l] // capped: an append never writes into the font (read-only for embedded fonts)
	}
	if _, ok := f.tables["glyf"]; !ok {
		if _, cff := f.tables["CFF "]; cff {
			return nil, fmt.Errorf("字体文件 %s 无法使用：%w", source, errCFF)
		}
	}
	for _, t := range []string{"head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap"} {
		if _, ok := f.tables[t]; !ok {
			return nil, bad("缺少必需的 %s 表", t)
		}
	}
	head, hhea, maxp := f.tables["head"], f.tables["hhea"], f.tables["maxp"]
	if len(head) < 54 || len(hhea) < 36 || len(maxp) < 6 {
		return nil, bad("head/hhea/maxp 表过短")
	}
	f.upem = float64(binary.BigEndian.Uint16(head[18:]))
	if f.upem < 16 || f.upem > 16384 {
		return nil, bad("unitsPerEm 为 %v", f.upem)
	}
	longLoca := binary.BigEndian.Uint16(head[50:]) == 1
	f.numGlyphs = int(binary.BigEndian.Uint16(maxp[4:]))
	nhm := int(binary.BigEndian.Uint16(hhea[34:]))
	if f.numGlyphs == 0 || nhm == 0 || nhm > f.numGlyphs {
		return nil, bad("字形数 %d、水平度量数 %d 不合理", f.numGlyphs, nhm)
	}
	hmtx := f.tables["hmtx"]
	if len(hmtx) < 4*nhm+2*(f.numGlyphs-nhm) {
		return nil, bad("hmtx 表过短")
	}
	f.advances = make([]uint16, f.numGlyphs)
	f.lsbs = make([]int16, f.numGlyphs)
	for g := 0; g < f.numGlyphs; g++ {
		if g < nhm {
			f.advances[g] = binary.BigEndian.Uint16(hmtx[4*g:])
			f.lsbs[g] = int16(binary.BigEndian.Uint16(hmtx[4*g+2:]))
		} else {
			f.advances[g] = f.advances[nhm-1]
			f.lsbs[g] = int16(binary.BigEndian.Uint16(hmtx[4*nhm+2*(g-nhm):]))
		}
	}
	loca, glyf := f.tables["loca"], f.tables["glyf"]
	f.loca = make([]uint32, f.numGlyphs+1)
	for g := 0; g <= f.numGlyphs; g++ {
		if longLoca {
			if 4*g+4 > len(loca) {
				return nil, bad("loca 表过短")
			}
			f.loca[g] = binary.BigEndian.Uint32(loca[4*g:])
		} else {
			if 2*g+2 > len(loca) {
				return nil, bad("loca 表过短")
			}
			f.loca[g] = 2 * uint32(binary.BigEndian.Uint16(loca[2*g:]))
		}
		if f.loca[g] > uint32(len(glyf)) || (g > 0 && f.loca[g] < f.loca[g-1]) {
			return nil, bad("loca 表第 %d 项越界", g)
		}
	}
	if err := f.parseCmap(); err != nil {
		return nil, bad("%v", err)
	}
	// A glyph without outlines draws nothing: for a character that is not
	// a space, treat it as missing so the fallback draws it, never a blank.
	for r, g := range f.bmp {
		if g != 0 && f.loca[g] == f.loca[g+1] && !unicode.IsSpace(rune(r)) && !invisible(rune(r)) {
			f.bmp[r] = 0
			f.nRunes--
		}
	}
	// A proportional em dash (Latin fonts, and Noto CJK without its
	// 'fwid' feature) leaves gaps inside a 破折号 ——; draw U+2014 with the
	// full-width box-drawing line instead. The text stays U+2014.
	if g, b := f.bmp[0x2014], f.bmp[0x2500]; g != 0 && b != 0 &&
		float64(f.advances[g]) < 0.95*f.upem && math.Abs(float64(f.advances[b])-f.upem) < 0.02*f.upem {
		f.bmp[0x2014] = b
	}
	// Likewise a 省略号 …… sits on the middle of the line in Chinese, not
	// on the baseline: use the midline ellipsis ⋯ where the font's … is low.
	if g, m := f.bmp[0x2026], f.bmp[0x22EF]; g != 0 && m != 0 &&
		math.Abs(float64(f.advances[m])-f.upem) < 0.02*f.upem {
		if _, yMax, ok := f.glyphYBounds(g); ok && float64(yMax) < 0.25*f.upem {
			f.bmp[0x2026] = m
		}
	}
	// Chinese quotation marks are full-width; a font whose “”‘’ are
	// narrow Latin quotes (LXGW WenKai) leaves them to the fallback.
	for _, r := range "“”‘’" {
		if g := f.bmp[r]; g != 0 && float64(f.advances[g]) < 0.9*f.upem {
			f.bmp[r] = 0
			f.nRunes--
		}
	}
	f.ascent, f.descent = 0.88, 0.12
	if os2 := f.tables["OS/2"]; len(os2) >= 72 {
		f.fsType = binary.BigEndian.Uint16(os2[8:])
		a, d := int16(binary.BigEndian.Uint16(os2[68:])), int16(binary.BigEndian.Uint16(os2[70:]))
		if a > 0 && d < 0 && float64(a-d) > 0.5*f.upem {
			em := float64(a - d)
			f.ascent, f.descent = float64(a)/em, -float64(d)/em
		}
	}
	f.parseNames()
	if f.Family == "" {
		return nil, bad("name 表没有字体族名")
	}
	return f, nil
}

// blankHalf reports whether the full-width mark r has all its ink in one
// half of the em: the left half (right=true: the right half is blank) or
// the right half.
func (f *Font) blankHalf(r rune, right bool) bool {
	g := f.glyph(r)
	if g == 0 || math.Abs(float64(f.advances[g])-f.upem) > 0.02*f.upem {
		return false
	}
	d := f.tables["glyf"][f.loca[g]:f.loca[g+1]]
	if len(d) < 10 {
		return false
	}
	xMin, xMax := float64(int16(binary.BigEndian.Uint16(d[2:]))), float64(int16(binary.BigEndian.Uint16(d[6:])))
	if right {
		return xMax <= 0.55*f.upem
	}
	return xMin >= 0.45*f.upem
}

// glyphYBounds returns the vertical extent of glyph g from its header.
func (f *Font) glyphYBounds(g uint16) (yMin, yMax int16, ok bool) {
	if int(g) >= f.numGlyphs {
		return 0, 0, false
	}
	d := f.tables["glyf"][f.loca[g]:f.loca[g+1]]
	if len(d) < 10 {
		return 0, 0, false
	}
	return int16(binary.BigEndian.Uint16(d[4:])), int16(binary.BigEndian.Uint16(d[8:])), true
}

func (f *Font) parseCmap() error {
	cm := f.tables["cmap"]
	if len(cm) < 4 {
		return errors.New("cmap 表过短")
	}
	n := int(binary.BigEndian.Uint16(cm[2:]))
	var best []byte
	bestRank := 0
	for i := 0; i < n; i++ {
		if 4+8*i+8 > len(cm) {
			return errors.New("cmap 表目录越界")
		}
		rec := cm[4+8*i:]
		pid, eid, off := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:]), int(binary.BigEndian.Uint32(rec[4:]))
		if off+4 > len(cm) {
			continue
		}
		format := binary.BigEndian.Uint16(cm[off:])
		rank := 0
		switch {
		case format == 12 && (pid == 3 && eid == 10 || pid == 0):
			rank = 3
		case format == 4 && (pid == 3 && eid == 1 || pid == 0):
			rank = 2
		case format == 4 && pid == 3 && eid == 3:
			rank = 1 // PRC: codes are GB 2312/GBK, as in older 仿宋_GB2312 fonts
		}
		if rank > bestRank {
			best, bestRank = cm[off:], rank
		}
	}
	if best == nil {
		return errors.New("没有 Unicode 或 GBK cmap 子表（格式 4 或 12）")
	}
	prc := bestRank == 1
	f.bmp = make([]uint16, 0x10000)
	gbk := simplifiedchinese.GBK.NewDecoder()
	set := func(r uint32, g uint32) {
		if prc {
			r = gbkRune(gbk, r)
		}
		if g == 0 || int(g) >= f.numGlyphs {
			return
		}
		if r >= 0x10000 {
			// Only ideographs (Ext B and beyond) are drawn as outlines;
			// emoji and the like stay unsupported.
			if r >= 0x20000 && r <= 0x3FFFF && f.supp[rune(r)] == 0 && f.loca[g] != f.loca[g+1] {
				if f.supp == nil {
					f.supp = map[rune]uint16{}
				}
				f.supp[rune(r)] = uint16(g)
				f.nRunes++
			}
			return
		}
		if f.bmp[r] == 0 {
			f.bmp[r] = uint16(g)
			f.nRunes++
		}
	}
	switch binary.BigEndian.Uint16(best) {
	case 4:
		if len(best) < 14 {
			return errors.New("cmap 格式 4 子表过短")
		}
		segX2 := int(binary.BigEndian.Uint16(best[6:]))
		if 16+4*segX2 > len(best) {
			return errors.New("cmap 格式 4 子表越界")
		}
		ends, starts := best[14:], best[16+segX2:]
		deltas, ranges := best[16+2*segX2:], best[16+3*segX2:]
		for s := 0; s < segX2/2; s++ {
			end, start := uint32(binary.BigEndian.Uint16(ends[2*s:])), uint32(binary.BigEndian.Uint16(starts[2*s:]))
			delta, ro := binary.BigEndian.Uint16(deltas[2*s:]), int(binary.BigEndian.Uint16(ranges[2*s:]))
			for c := start; c <= end && c != 0xFFFF; c++ {
				if ro == 0 {
					set(c, uint32(uint16(c)+delta))
					continue
				}
				p := 16 + 3*segX2 + 2*s + ro + 2*int(c-start)
				if p+2 > len(best) {
					return errors.New("cmap 格式 4 字形索引越界")
				}
				if g := binary.BigEndian.Uint16(best[p:]); g != 0 {
					set(c, uint32(g+delta))
				}
			}
		}
	case 12:
		if len(best) < 16 {
			return errors.New("cmap 格式 12 子表过短")
		}
		ng := int(binary.BigEndian.Uint32(best[12:]))
		if ng < 0 || 16+12*ng > len(best) {
			return errors.New("cmap 格式 12 子表越界")
		}
		for i := 0; i < ng; i++ {
			g := best[16+12*i:]
			start, end, gid := binary.BigEndian.Uint32(g), binary.BigEndian.Uint32(g[4:]), binary.BigEndian.Uint32(g[8:])
			if start > 0x3FFFF || end < start || end-start > 0x10000 {
				continue
			}
			for c := start; c <= end; c++ {
				set(c, gid+c-start)
			}
		}
	}
	return nil
}

// gbkRune converts a GBK code (one byte for ASCII, two bytes otherwise)
// to Unicode; 0 if it is not a character.
func gbkRune(dec *encoding.Decoder, code uint32) uint32 {
	if code < 0x80 {
		return code
	}
	if code < 0x8140 || code > 0xFEFE {
		return 0
	}
	b, err := dec.Bytes([]byte{byte(code >> 8), byte(code)})
	if err != nil {
		return 0
	}
	r, n := utf8.DecodeRune(b)
	if r == utf8.RuneError || n != len(b) {
		return 0
	}
	return uint32(r)
}

// parseNames reads family (1, 16), full (4) and PostScript (6) names.
func (f *Font) parseNames() {
	nm := f.tables["name"]
	if len(nm) < 6 {
		return
	}
	count, strOff := int(binary.BigEndian.Uint16(nm[2:])), int(binary.BigEndian.Uint16(nm[4:]))
	seen := map[string]bool{}
	var zhFamily, enFamily, typoZh, typoEn, zhFull, enFull string
	for i := 0; i < count && 6+12*i+12 <= len(nm); i++ {
		rec := nm[6+12*i:]
		pid, eid, lang := binary.BigEndian.Uint16(rec), binary.BigEndian.Uint16(rec[2:]), binary.BigEndian.Uint16(rec[4:])
		id, l, o := binary.BigEndian.Uint16(rec[6:]), int(binary.BigEndian.Uint16(rec[8:])), int(binary.BigEndian.Uint16(rec[10:]))
		if id != 1 && id != 4 && id != 6 && id != 16 {
			continue
		}
		if strOff+o+l > len(nm) {
			continue
		}
		raw := nm[strOff+o : strOff+o+l]
		var s string
		switch {
		case pid == 3 && (eid == 1 || eid == 10 || eid == 0), pid == 0:
			u := make([]uint16, len(raw)/2)
			for j := range u {
				u[j] = binary.BigEndian.Uint16(raw[2*j:])
			}
			s = string(utf16.Decode(u))
		case pid == 3 && eid == 3: // PRC: GBK codes in 16-bit units
			var gb []byte
			for j := 0; j+1 < len(raw); j += 2 {
				if raw[j] != 0 {
					gb = append(gb, raw[j])
				}
				gb = append(gb, raw[j+1])
			}
			dec, err := simplifiedchinese.GBK.NewDecoder().Bytes(gb)
			if err != nil {
				continue
			}
			s = string(dec)
		case pid == 1 && eid == 0:
			if !isASCII(raw) {
				continue
			}
			s = string(raw)
		default:
			continue
		}
		s = strings.TrimSpace(strings.ReplaceAll(s, "\x00", ""))
		if s == "" {
			continue
		}
		if !seen[s] {
			seen[s] = true
			f.Names = append(f.Names, s)
		}
		zh := pid == 3 && eid == 3 || pid == 3 && (lang == 0x0804 || lang == 0x1004 || lang == 0x0404 || lang == 0x0C04)
		switch {
		case id == 6 && f.PostScript == "" && isASCII([]byte(s)):
			f.PostScript = s
		case id == 4 && zh && zhFull == "":
			zhFull = s
		case id == 4 && enFull == "":
			enFull = s
		case id == 1 && zh && zhFamily == "":
			zhFamily = s
		case id == 1 && enFamily == "":
			enFamily = s
		case id == 16 && zh && typoZh == "":
			typoZh = s
		case id == 16 && typoEn == "":
			typoEn = s
		}
	}
	for _, s := range []string{zhFamily, typoZh, enFamily, typoEn} {
		if s != "" {
			f.Family = s
			break
		}
	}
	f.FullName = f.Family
	for _, s := range []string{zhFull, enFull} {
		if s != "" {
			f.FullName = s
			break
		}
	}
	if f.PostScript == "" {
		f.PostScript = "LinghangFont"
	}
	sort.Strings(f.Names)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c < 0x20 || c > 0x7E {
			return false
		}
	}
	return true
}

// hasName reports whether any of the font's names equals name, ignoring
// case and spaces.
func (f *Font) hasName(name string) bool {
	want := normName(name)
	for _, n := range f.Names {
		if normName(n) == want {
			return true
		}
	}
	return false
}

func normName(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, " ", ""))
}

// invisible reports characters that legitimately have no ink.
func invisible(r rune) bool {
	return r < 0x20 || r >= 0x7F && r < 0xA0 || r >= 0x2000 && r <= 0x200F || r >= 0x2028 && r <= 0x202F ||
		r >= 0x205F && r <= 0x206F || r == 0x3000 || r == 0xFEFF || r == 0x00AD || r == 0x034F || unicode.Is(unicode.Cf, r)
}
