package fpdf

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
)

// linghang patch: appendSubsetText escapes each byte of the glyph IDs as
// escape does for a whole string (what Text did with them before).
func TestAppendEscapedByteMatchesEscape(t *testing.T) {
	var f Fpdf
	for c := 0; c < 256; c++ {
		got := string(appendEscapedByte(nil, byte(c)))
		if want := f.escape(string([]byte{byte(c)})); got != want {
			t.Errorf("byte %#02x: %q, escape gives %q", c, got, want)
		}
	}
}

// linghang patch: TestSubsetToUnicodeMatchesFprintf checks the CMap against the way it
// was written with fmt before: BMP characters, characters beyond the BMP
// (surrogate pairs), invalid runes and more than one bfchar block.
func TestSubsetToUnicodeMatchesFprintf(t *testing.T) {
	reference := func(gids map[rune]uint16) string {
		type pair struct {
			g uint16
			r rune
		}
		var pairs []pair
		for r, g := range gids {
			pairs = append(pairs, pair{g, r})
		}
		sort.Slice(pairs, func(i, j int) bool { return pairs[i].g < pairs[j].g })
		var b strings.Builder
		b.WriteString("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<</Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n")
		for i := 0; i < len(pairs); i += 100 {
			block := pairs[i:min(i+100, len(pairs))]
			b.WriteString(strconv.Itoa(len(block)) + " beginbfchar\n")
			for _, p := range block {
				fmt.Fprintf(&b, "<%04X> <", p.g)
				for _, u := range utf16.Encode([]rune{p.r}) {
					fmt.Fprintf(&b, "%04X", u)
				}
				b.WriteString(">\n")
			}
			b.WriteString("endbfchar\n")
		}
		b.WriteString("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend")
		return b.String()
	}
	many := map[rune]uint16{}
	for i := range 250 {
		many[rune(0x4E00+7*i)] = uint16(i + 1)
	}
	for name, gids := range map[string]map[rune]uint16{
		"empty":        {},
		"bmp":          {'A': 1, '中': 2, '，': 3, 0xFFFF: 0xFFFF},
		"beyond bmp":   {'𠮷': 1, '䶮': 2, 0x10FFFF: 3},
		"invalid":      {-1: 1, 0xD800: 2, 0x110000: 3},
		"three blocks": many,
	} {
		if got, want := subsetToUnicode(gids), reference(gids); got != want {
			t.Errorf("%s: got\n%s\nwant\n%s", name, got, want)
		}
	}
}
