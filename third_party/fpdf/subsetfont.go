package fpdf

// linghang addition: TrueType fonts that the caller has already cut to the
// glyphs of one document.
//
// fpdf's own UTF-8 fonts parse the whole font file when added, cut it
// again when the document is closed, and write text as Unicode code
// points through a 128 KB CIDToGIDMap stream that is compressed for every
// font of every document. For a font that its caller has subset already,
// all three are waste: with AddUTF8SubsetFont, text is written as glyph
// IDs (/CIDToGIDMap /Identity), the widths and the ToUnicode CMap come
// from the caller's glyph table, and the font file is embedded as given,
// compressed once by the caller if it likes (SubsetFont.Zdata) so that a
// subset shared by many documents is compressed once.

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// SubsetFont describes a TrueType font already cut to a document's glyphs.
type SubsetFont struct {
	// Data is the TrueType file; Zdata, when set, is Data compressed with
	// zlib (fpdf compresses Data when it is nil).
	Data, Zdata []byte
	// Tag is the six-letter subset tag (PDF 32000-1 §9.6.4); empty means
	// derived from Data.
	Tag string
	// GIDs maps every character that text in this font uses to its glyph
	// in Data. Distinct characters must have distinct glyphs: the glyph
	// IDs are the character codes, and the ToUnicode CMap maps them back.
	GIDs map[rune]uint16
	// Widths holds each glyph's advance in 1/1000 em, by glyph ID.
	Widths []int
	// Desc is the font descriptor (the same for every subset of a font;
	// see UTF8FontDescriptor).
	Desc FontDescType
	// ToUnicode, when set, is the zlib-compressed ToUnicode CMap of GIDs
	// (SubsetToUnicode); fpdf makes it when nil.
	ToUnicode []byte
}

// SubsetToUnicode returns the ToUnicode CMap of a subset font, zlib-
// compressed, for SubsetFont.ToUnicode.
func SubsetToUnicode(gids map[rune]uint16) []byte {
	mem := xmem.compress([]byte(subsetToUnicode(gids)))
	defer mem.release()
	return mem.copy()
}

// UTF8FontDescriptor reads the font descriptor values (ascent, descent,
// cap height, flags, bounding box, italic angle, stem width, missing
// width) from a TrueType file.
func UTF8FontDescriptor(ttf []byte) (desc FontDescType, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("fpdf: reading TrueType font: %v", p)
		}
	}()
	u := newUTF8Font(&fileReader{readerPosition: 0, array: ttf})
	if err := u.parseFile(); err != nil {
		return FontDescType{}, err
	}
	return FontDescType{
		Ascent:       int(u.Ascent),
		Descent:      int(u.Descent),
		CapHeight:    u.CapHeight,
		Flags:        u.Flags,
		FontBBox:     u.Bbox,
		ItalicAngle:  u.ItalicAngle,
		StemV:        u.StemV,
		MissingWidth: round(u.DefaultWidth),
	}, nil
}

// AddUTF8SubsetFont registers sf under family (regular style). Text drawn
// with it through Text is written as glyph IDs; a character absent from
// sf.GIDs is an error.
func (f *Fpdf) AddUTF8SubsetFont(family string, sf *SubsetFont) {
	if f.err != nil {
		return
	}
	family = fontFamilyEscape(family)
	key := getFontKey(family, "")
	if _, ok := f.fonts[key]; ok {
		return
	}
	if sf == nil || len(sf.Data) == 0 {
		f.err = fmt.Errorf("fpdf: empty subset font %s", family)
		return
	}
	def := fontDefType{
		Tp:     "UTF8",
		Name:   key,
		Desc:   sf.Desc,
		subset: sf,
	}
	def.i, _ = generateFontID(def)
	f.fonts[key] = def
}

// appendSubsetText appends s as the glyph IDs of sf, two bytes each,
// escaped for a PDF literal string.
func appendSubsetText(b []byte, sf *SubsetFont, s string) ([]byte, error) {
	for _, r := range s {
		g, ok := sf.GIDs[r]
		if !ok {
			return b, fmt.Errorf("fpdf: character %q (U+%04X) is not in the subset font", r, r)
		}
		b = appendEscapedByte(b, byte(g>>8))
		b = appendEscapedByte(b, byte(g))
	}
	return b, nil
}

// appendEscapedByte appends c to a PDF literal string as escape does.
func appendEscapedByte(b []byte, c byte) []byte {
	switch c {
	case '\\', '(', ')':
		return append(b, '\\', c)
	case '\r':
		return append(b, '\\', 'r')
	}
	return append(b, c)
}

// putSubsetFont writes the five objects of a subset font: the Type0 font,
// its CIDFontType2 descendant, the ToUnicode CMap, CIDSystemInfo, the
// descriptor and the font file.
func (f *Fpdf) putSubsetFont(font fontDefType) {
	sf := font.subset
	tag := sf.Tag
	if tag == "" {
		tag = subsetTag(sf.Data)
	}
	fontName := tag + "+" + font.Name

	f.newobj() // Type0
	f.out(fmt.Sprintf("<</Type /Font\n/Subtype /Type0\n/BaseFont /%s\n/Encoding /Identity-H\n/DescendantFonts [%d 0 R]\n/ToUnicode %d 0 R>>\nendobj", fontName, f.n+1, f.n+2))

	f.newobj() // CIDFontType2
	var w strings.Builder
	w.WriteString("<</Type /Font\n/Subtype /CIDFontType2\n/BaseFont /" + fontName + "\n")
	w.WriteString("/CIDSystemInfo " + strconv.Itoa(f.n+2) + " 0 R\n/FontDescriptor " + strconv.Itoa(f.n+3) + " 0 R")
	if font.Desc.MissingWidth != 0 {
		w.WriteString("/DW " + strconv.Itoa(font.Desc.MissingWidth))
	}
	if len(sf.Widths) > 1 {
		w.WriteString("\n/W [1 [")
		for i, v := range sf.Widths[1:] {
			if i > 0 {
				w.WriteByte(' ')
			}
			w.WriteString(strconv.Itoa(v))
		}
		w.WriteString("]]")
	}
	w.WriteString("\n/CIDToGIDMap /Identity>>")
	f.out(w.String())
	f.out("endobj")

	cmap := sf.ToUnicode
	if cmap == nil {
		cmap = SubsetToUnicode(sf.GIDs)
	}
	f.newobj()
	f.out("<</Length " + strconv.Itoa(len(cmap)) + "/Filter /FlateDecode>>")
	f.putstream(cmap)
	f.out("endobj")

	f.newobj() // CIDSystemInfo
	f.out("<</Registry (Adobe)\n/Ordering (Identity)\n/Supplement 0>>")
	f.out("endobj")

	f.newobj() // descriptor
	var s fmtBuffer
	s.printf("<</Type /FontDescriptor /FontName /%s\n /Ascent %d", fontName, font.Desc.Ascent)
	s.printf(" /Descent %d", font.Desc.Descent)
	s.printf(" /CapHeight %d", font.Desc.CapHeight)
	s.printf(" /Flags %d", (font.Desc.Flags|4)&^32)
	s.printf("/FontBBox [%d %d %d %d] ", font.Desc.FontBBox.Xmin, font.Desc.FontBBox.Ymin,
		font.Desc.FontBBox.Xmax, font.Desc.FontBBox.Ymax)
	s.printf(" /ItalicAngle %d", font.Desc.ItalicAngle)
	s.printf(" /StemV %d", font.Desc.StemV)
	s.printf(" /MissingWidth %d", font.Desc.MissingWidth)
	s.printf("/FontFile2 %d 0 R", f.n+1)
	s.printf(">>")
	f.out(s.String())
	f.out("endobj")

	z := sf.Zdata
	if z == nil {
		mem := xmem.compress(sf.Data)
		z = mem.copy()
		mem.release()
	}
	f.newobj()
	f.out("<</Length " + strconv.Itoa(len(z)) + "\n/Filter /FlateDecode\n/Length1 " + strconv.Itoa(len(sf.Data)) + ">>")
	f.putstream(z)
	f.out("endobj")
}

// subsetToUnicode builds the CMap that maps each glyph ID back to its
// character, for text extraction and search.
func subsetToUnicode(gids map[rune]uint16) string {
	type pair struct {
		g uint16
		r rune
	}
	pairs := make([]pair, 0, len(gids))
	for r, g := range gids {
		pairs = append(pairs, pair{g, r})
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].g < pairs[j].g })
	const head = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
	const tail = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
	// Each entry is at most "<XXXX> <XXXXXXXX>\n", 18 bytes.
	b := make([]byte, 0, len(head)+len(tail)+18*len(pairs)+32*(len(pairs)/100+1))
	b = append(b, head...)
	for i := 0; i < len(pairs); i += 100 {
		block := pairs[i:min(i+100, len(pairs))]
		b = strconv.AppendInt(b, int64(len(block)), 10)
		b = append(b, " beginbfchar\n"...)
		for _, p := range block {
			b = append(b, '<')
			b = appendHex4(b, p.g)
			b = append(b, "> <"...)
			switch r1, r2 := utf16.EncodeRune(p.r); {
			case r1 != utf8.RuneError: // beyond the BMP: a surrogate pair
				b = appendHex4(appendHex4(b, uint16(r1)), uint16(r2))
			case p.r < 0 || p.r > 0xFFFF || utf16.IsSurrogate(p.r):
				b = appendHex4(b, utf8.RuneError) // as utf16.Encode writes it
			default:
				b = appendHex4(b, uint16(p.r))
			}
			b = append(b, ">\n"...)
		}
		b = append(b, "endbfchar\n"...)
	}
	b = append(b, tail...)
	return string(b)
}

// appendHex4 appends v as four upper-case hexadecimal digits.
func appendHex4(b []byte, v uint16) []byte {
	const digits = "0123456789ABCDEF"
	return append(b, digits[v>>12], digits[v>>8&15], digits[v>>4&15], digits[v&15])
}
