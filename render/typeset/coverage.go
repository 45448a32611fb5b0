package typeset

import (
	"sync"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Coverage counts the characters a font covers in the sets that matter
// for Chinese documents.
type Coverage struct {
	GB2312, GB2312Total int // GB 2312 hanzi (levels 1 and 2: 6763)
	URO, UROTotal       int // CJK Unified Ideographs U+4E00–9FFF
	ExtA, ExtATotal     int // Extension A U+3400–4DBF
	Beyond              int // ideographs beyond U+FFFF (Ext B and later), drawn as outlines
	Runes               int // every character with a glyph
}

var gb2312 = sync.OnceValue(func() []rune {
	dec := simplifiedchinese.GBK.NewDecoder()
	var out []rune
	for hi := 0xB0; hi <= 0xF7; hi++ {
		for lo := 0xA1; lo <= 0xFE; lo++ {
			if hi == 0xD7 && lo > 0xF9 { // row 55 ends at 0xD7F9
				continue
			}
			s, err := dec.Bytes([]byte{byte(hi), byte(lo)})
			if err != nil {
				continue
			}
			if r := []rune(string(s)); len(r) == 1 && r[0] != '\uFFFD' {
				out = append(out, r[0])
			}
		}
	}
	return out
})

// GB2312Hanzi returns the 6763 hanzi of GB 2312.
func GB2312Hanzi() []rune { return gb2312() }

// Coverage reports what f covers.
func (f *Font) Coverage() Coverage {
	c := Coverage{GB2312: f.Count(gb2312()), GB2312Total: len(gb2312()), Runes: f.nRunes, Beyond: len(f.supp),
		UROTotal: 0x9FFF - 0x4E00 + 1, ExtATotal: 0x4DBF - 0x3400 + 1}
	for r := rune(0x4E00); r <= 0x9FFF; r++ {
		if f.Has(r) {
			c.URO++
		}
	}
	for r := rune(0x3400); r <= 0x4DBF; r++ {
		if f.Has(r) {
			c.ExtA++
		}
	}
	return c
}

// Run is a piece of text drawn in one font.
type Run struct {
	Text string
	Font *Font
}

// Runs splits s into the runs of characters each font draws in role: the
// role font, or the fallback for characters it lacks. A character no font
// has gives a *GlyphError.
func (fs *Fonts) Runs(s string, role Role) ([]Run, error) {
	gs, err := fs.shape(s, Style{Role: role})
	if err != nil {
		return nil, err
	}
	var out []Run
	for i := 0; i < len(gs); {
		j := i + 1
		for j < len(gs) && gs[j].font == gs[i].font {
			j++
		}
		out = append(out, Run{Text: runesOf(gs[i:j]), Font: gs[i].font})
		i = j
	}
	return out, nil
}
