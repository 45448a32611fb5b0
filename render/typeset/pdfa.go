package typeset

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"math"
	"sync"
	"time"
)

// PDF/A-2b (ISO 19005-2, level B): what Write adds unless Info.Plain is
// set. The rest of the standard is kept by construction: every font is
// embedded as a TrueType subset, nothing is encrypted, there is no
// JavaScript, no external reference and no LZW; the patched fpdf (see
// third_party/fpdf/PATCHES.md) writes a file identifier, dates with their
// time zone and no empty name tree.

// xmpDate formats t as XMP (ISO 8601) with its zone, the same instant as
// the Info dictionary's D:…+hh'mm' form.
func xmpDate(t time.Time) string { return t.Format("2006-01-02T15:04:05-07:00") }

// producer is written to the Info dictionary and to pdf:Producer.
const producer = "linghang typeset (fpdf)"

// xmpPacket builds the XMP metadata: dc:title (题名), dc:creator (责任者),
// dc:description, dc:identifier (文号), pdf:Keywords, pdf:Producer,
// xmp:CreatorTool and the dates, all equal to the Info dictionary's, and
// the PDF/A identification (pdfaid:part 2, conformance B). Only
// properties of the schemas PDF/A predefines are used, so no extension
// schema is needed.
func xmpPacket(info Info, creator string, created, modified time.Time) []byte {
	esc := func(s string) string {
		var b bytes.Buffer
		_ = xml.EscapeText(&b, []byte(s)) // writes to memory: cannot fail
		return b.String()
	}
	var b bytes.Buffer
	b.WriteString("<?xpacket begin=\"\ufeff\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n")
	b.WriteString(`<x:xmpmeta xmlns:x="adobe:ns:meta/">` + "\n")
	b.WriteString(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` + "\n")
	b.WriteString(`<rdf:Description rdf:about=""` +
		` xmlns:dc="http://purl.org/dc/elements/1.1/"` +
		` xmlns:pdf="http://ns.adobe.com/pdf/1.3/"` +
		` xmlns:xmp="http://ns.adobe.com/xap/1.0/"` +
		` xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/">` + "\n")
	b.WriteString("<dc:format>application/pdf</dc:format>\n")
	if info.Title != "" {
		b.WriteString(`<dc:title><rdf:Alt><rdf:li xml:lang="x-default">` + esc(info.Title) + "</rdf:li></rdf:Alt></dc:title>\n")
	}
	if info.Author != "" {
		b.WriteString("<dc:creator><rdf:Seq><rdf:li>" + esc(info.Author) + "</rdf:li></rdf:Seq></dc:creator>\n")
	}
	if info.Subject != "" {
		b.WriteString(`<dc:description><rdf:Alt><rdf:li xml:lang="x-default">` + esc(info.Subject) + "</rdf:li></rdf:Alt></dc:description>\n")
	}
	if info.Number != "" {
		b.WriteString("<dc:identifier>" + esc(info.Number) + "</dc:identifier>\n")
	}
	if info.Keywords != "" {
		b.WriteString("<pdf:Keywords>" + esc(info.Keywords) + "</pdf:Keywords>\n")
	}
	b.WriteString("<pdf:Producer>" + esc(producer) + "</pdf:Producer>\n")
	b.WriteString("<xmp:CreatorTool>" + esc(creator) + "</xmp:CreatorTool>\n")
	b.WriteString("<xmp:CreateDate>" + xmpDate(created) + "</xmp:CreateDate>\n")
	b.WriteString("<xmp:ModifyDate>" + xmpDate(modified) + "</xmp:ModifyDate>\n")
	b.WriteString("<xmp:MetadataDate>" + xmpDate(modified) + "</xmp:MetadataDate>\n")
	b.WriteString("<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n")
	b.WriteString("</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n")
	// No padding: XMP recommends some 2 KB of it so that an editor can
	// update the packet in place (ISO 16684-1, 7.3.2), but an archived
	// document is never edited in place (a change is a new version), and
	// the padding was 2 % of a year's archive, hashed and written with
	// every document.
	b.WriteString(`<?xpacket end="w"?>`)
	return b.Bytes()
}

// SRGBProfile returns an ICC v2 display profile for sRGB (IEC 61966-2.1):
// the D50-adapted primaries and the sRGB tone curve sampled at 1024
// points. It is built here, byte for byte the same each time, instead of
// shipping a profile file of unclear licence.
func SRGBProfile() []byte {
	srgbOnce.Do(func() { srgbICC = buildSRGB() })
	return srgbICC
}

var (
	srgbOnce sync.Once
	srgbICC  []byte
)

func buildSRGB() []byte {
	s15 := func(v float64) []byte {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(int32(math.Round(v*65536))))
		return b[:]
	}
	xyz := func(x, y, z float64) []byte {
		b := []byte("XYZ \x00\x00\x00\x00")
		b = append(b, s15(x)...)
		b = append(b, s15(y)...)
		return append(b, s15(z)...)
	}
	desc := func(s string) []byte {
		b := []byte("desc\x00\x00\x00\x00")
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)+1))
		b = append(b, s...)
		b = append(b, 0)
		b = append(b, make([]byte, 4+4+2+1+67)...) // no Unicode or Mac script name
		return b
	}
	text := func(s string) []byte { return append(append([]byte("text\x00\x00\x00\x00"), s...), 0) }
	const n = 1024
	curve := []byte("curv\x00\x00\x00\x00")
	curve = binary.BigEndian.AppendUint32(curve, n)
	for i := range n {
		v := float64(i) / (n - 1)
		if v <= 0.04045 {
			v /= 12.92
		} else {
			v = math.Pow((v+0.055)/1.055, 2.4)
		}
		curve = binary.BigEndian.AppendUint16(curve, uint16(math.Round(v*65535)))
	}
	type tag struct {
		sig  string
		data []byte
	}
	tags := []tag{
		{"desc", desc("sRGB IEC61966-2.1")},
		{"cprt", text("No copyright, use freely")},
		{"wtpt", xyz(0.9642, 1.0, 0.8249)},
		{"rXYZ", xyz(0.4360747, 0.2225045, 0.0139322)},
		{"gXYZ", xyz(0.3850649, 0.7168786, 0.0971045)},
		{"bXYZ", xyz(0.1430804, 0.0606169, 0.7141733)},
		{"rTRC", curve}, {"gTRC", curve}, {"bTRC", curve},
	}
	// Layout: 128-byte header, tag table, tag data 4-byte aligned; the
	// three tone curves share one block.
	off := 128 + 4 + 12*len(tags)
	var table, data []byte
	placed := map[*byte]uint32{}
	for _, t := range tags {
		o, ok := placed[&t.data[0]]
		if !ok {
			o = uint32(off + len(data))
			placed[&t.data[0]] = o
			data = append(data, t.data...)
			for len(data)%4 != 0 {
				data = append(data, 0)
			}
		}
		table = append(table, t.sig...)
		table = binary.BigEndian.AppendUint32(table, o)
		table = binary.BigEndian.AppendUint32(table, uint32(len(t.data)))
	}
	size := off + len(data)
	h := make([]byte, 128)
	binary.BigEndian.PutUint32(h[0:], uint32(size))
	binary.BigEndian.PutUint32(h[8:], 0x02100000) // version 2.1
	copy(h[12:], "mntrRGB XYZ ")
	// Creation date 2022-01-01 00:00:00 (fixed: the profile never changes).
	for i, v := range []uint16{2022, 1, 1, 0, 0, 0} {
		binary.BigEndian.PutUint16(h[24+2*i:], v)
	}
	copy(h[36:], "acsp")
	copy(h[68:], s15(0.9642))
	copy(h[72:], s15(1.0))
	copy(h[76:], s15(0.8249))
	out := append(h, binary.BigEndian.AppendUint32(nil, uint32(len(tags)))...)
	out = append(out, table...)
	return append(out, data...)
}
