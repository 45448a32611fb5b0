package typeset

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line breaking follows GB/T 15834 and W3C clreq: no line starts with a
// closing or pause mark (，。、；：？！）》」’”… ), none ends with an opening
// mark (（《「‘“), —— and …… stay whole, and Latin words, numbers with their
// units and URLs are not split (a URL wider than the line breaks after '/'
// as a last resort).

// noStart holds the marks that may not begin a line.
const noStart = "，。、；：？！）》」』】〕〗〉’”…—·％‰℃°′″～々〻ゝゞ〆ーぁぃぅぇぉっゃゅょァィゥェォッャュョ" +
	",.;:?!)]}%、｝］〙〛｠＂＇）－"

// noEnd holds the marks that may not end a line.
const noEnd = "（《「『【〔〖〈‘“([{￥$＄｛［〘〚｟"

func isNoStart(r rune) bool { return classOf(r)&noStartClass != 0 }
func isNoEnd(r rune) bool   { return classOf(r)&noEndClass != 0 }

// The classes of a character that line breaking and punctuation
// compression ask about, for every character in one table: asked once
// per character of every paragraph, strings.ContainsRune over the lists
// above (which encodes the rune and searches for it) was 3.8 % of a
// year's run.
const (
	noStartClass = 1 << iota
	noEndClass
	closeClass // a full-width closing or pause mark (squeeze)
	openClass  // a full-width opening mark (squeeze)
	unitClass  // a unit that stays with the number before it
)

var runeClasses = func() *[0x10000]uint8 {
	var t [0x10000]uint8
	for _, c := range []struct {
		s     string
		class uint8
	}{{noStart, noStartClass}, {noEnd, noEndClass}, {closeMarks, closeClass}, {openMarks, openClass}, {unitRunes, unitClass}} {
		for _, r := range c.s {
			t[r] |= c.class
		}
	}
	return &t
}()

// classOf returns r's classes; none of the lists holds a character
// beyond the Basic Multilingual Plane.
func classOf(r rune) uint8 {
	if r < 0 || r >= 0x10000 {
		return 0
	}
	return runeClasses[r]
}

// isCJK reports whether r is set as a full-width character between which
// lines may break: ideographs, kana, CJK and full-width punctuation.
func isCJK(r rune) bool {
	switch {
	case r >= 0x2E80 && r <= 0x9FFF, r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F,
		r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6, r >= 0x20000:
		return true
	case r == '—' || r == '…' || r == '‘' || r == '’' || r == '“' || r == '”' || r == '·' || r == '※':
		return true
	case r >= 0x2460 && r <= 0x24FF, r >= 0x25A0 && r <= 0x25FF, r >= 0x2600 && r <= 0x26FF:
		return true
	}
	return false
}

// units that stay with the number before them.
const unitRunes = "年月日时分秒天周岁元角万亿%‰℃°个人名次期号项页条款米吨克升"

var latinUnits = map[string]bool{"mm": true, "cm": true, "m": true, "km": true, "kg": true, "g": true, "t": true,
	"ml": true, "L": true, "h": true, "min": true, "s": true, "℃": true, "%": true, "pt": true, "KB": true, "MB": true, "GB": true}

// glyph is one character placed in a font.
type glyph struct {
	r    rune
	font *Font
	adv  float64 // advance in mm at the style's size, without tracking
	// squeezed marks a punctuation mark whose blank half was removed
	// (标点挤压); the next glyph starts a new run.
	squeezed bool
	// join forbids a line break after this glyph: the text had a WORD
	// JOINER (U+2060) here, e.g. inside 副系主任.
	join bool
}

// WordJoiner (U+2060) between two characters forbids a line break
// between them; it draws nothing and is not extracted. Callers that know
// the words of a text (a unit's name, a title) join their characters.
const WordJoiner = '\u2060'

// JoinWords returns s with a WordJoiner between the characters of each
// word, so lines break only between words.
func JoinWords(words []string) string {
	var b strings.Builder
	for _, w := range words {
		for i, r := range []rune(w) {
			if i > 0 {
				b.WriteRune(WordJoiner)
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}

// atom is a piece of text lines never break inside.
type atom struct {
	g     []glyph
	space bool // a breakable space, dropped at line ends
	glue  bool // no break between this atom and the next
	url   bool // may split after '/' as a last resort
	email bool // may split after '@' or before '.' as a last resort
}

func (a atom) width(tracking float64) float64 {
	w := 0.0
	for _, g := range a.g {
		w += g.adv + tracking
	}
	return w
}

// Line is one laid-out line of text.
type Line struct {
	Text string
	// Width is the natural width in mm (tracking included, no justification).
	Width float64
	// Indent is the first-line indent in mm.
	Indent float64
	// End marks the last line of a paragraph, which is not justified.
	End    bool
	glyphs []glyph
	// spaceAfter says the line broke at a space (dropped from Text).
	spaceAfter bool
}

// shape maps every character of s to the font that draws it in role. A
// character no font has gives a *GlyphError.
func (fs *Fonts) shape(s string, st Style) ([]glyph, error) {
	em := st.em()
	out := make([]glyph, 0, utf8.RuneCountInString(s)) // len(s) is 3 per hanzi
	for _, r := range s {
		switch r {
		case '\r', '\u200b', '\u200c', '\u200d', '\ufeff', '\u00ad':
			continue // invisible: carries nothing to draw
		case WordJoiner:
			if n := len(out); n > 0 {
				out[n-1].join = true
			}
			continue
		case '\t':
			r = ' '
		case '\u00a0':
			r = ' '
		}
		f := fs.fontFor(r, st.Role)
		if f == nil || r < 0x20 && r != '\n' {
			if r == '\n' {
				out = append(out, glyph{r: r})
				continue
			}
			return nil, &GlyphError{Rune: r, Field: st.Field, Text: s}
		}
		out = append(out, glyph{r: r, font: f, adv: f.advance(r) * em})
	}
	squeeze(out)
	return out, nil
}

// Punctuation compression (标点挤压, clreq 3.1.6): of two adjacent
// full-width marks, the blank half between them is removed: "。”" "，“"
// "）《" "《“" take one and a half ems, not two.
const (
	closeMarks = "，。、；：？！）》」』】〕〗〉’”"
	openMarks  = "（《「『【〔〖〈‘“"
)

func squeeze(gs []glyph) {
	for i := 0; i+1 < len(gs); i++ {
		a, b := gs[i], gs[i+1]
		if a.font == nil || b.font == nil {
			continue
		}
		ca, cb := classOf(a.r), classOf(b.r)
		aClose, bPunct := ca&closeClass != 0, cb&(closeClass|openClass) != 0
		aOpen, bOpen := ca&openClass != 0, cb&openClass != 0
		switch {
		case aClose && bPunct && a.font.blankHalf(a.r, true):
		case aOpen && bOpen && b.font.blankHalf(b.r, false):
		default:
			continue
		}
		gs[i].adv /= 2
		gs[i].squeezed = true
	}
}

// atoms splits one paragraph into unbreakable pieces and marks where
// breaking is forbidden.
func atoms(gs []glyph) []atom {
	out := make([]atom, 0, len(gs)) // at most one atom per glyph
	for i := 0; i < len(gs); {
		r := gs[i].r
		j := i + 1
		a := atom{}
		switch {
		case r == ' ':
			for j < len(gs) && gs[j].r == ' ' {
				j++
			}
			a.space = true
		case r == '—' || r == '…' || r == '─':
			for j < len(gs) && gs[j].r == r {
				j++
			}
		case isCJK(r):
			for j < len(gs) && gs[j-1].join && gs[j].r != ' ' && gs[j].r != '\n' {
				j++ // joined characters: one word
			}
		default: // a Latin word, number or URL
			for j < len(gs) && gs[j].r != ' ' && !isCJK(gs[j].r) {
				j++
			}
			w := runesOf(gs[i:j])
			a.url = strings.Contains(w, "://") || strings.HasPrefix(w, "www.")
			a.email = !a.url && strings.Contains(w, "@")
		}
		a.g = gs[i:j]
		out = append(out, a)
		i = j
	}
	// Glue: forbidden starts/ends, numbers with units.
	for k := range out {
		if k+1 >= len(out) {
			break
		}
		cur, next := out[k], out[k+1]
		last := cur.g[len(cur.g)-1].r
		first := next.g[0].r
		switch {
		case cur.g[len(cur.g)-1].join:
			out[k].glue = true
		case cur.space:
		case next.space:
			// "30 mm": a number, a space and a unit stay together.
			if k+2 < len(out) && isNumber(cur) && latinUnits[runesOf(out[k+2].g)] {
				out[k].glue, out[k+1].glue = true, true
			}
		case isNoStart(first) || isNoEnd(last):
			out[k].glue = true
		case isNumber(cur) && classOf(first)&unitClass != 0:
			out[k].glue = true
		}
	}
	return out
}

func isNumber(a atom) bool {
	if a.space || len(a.g) == 0 {
		return false
	}
	for _, g := range a.g {
		if !unicode.IsDigit(g.r) && g.r != '.' && g.r != ',' && g.r != '-' && g.r != '～' && g.r != '~' {
			return false
		}
	}
	return unicode.IsDigit(a.g[0].r)
}

func runesOf(gs []glyph) string {
	var b strings.Builder
	b.Grow(3 * len(gs)) // a CJK character is three bytes
	for _, g := range gs {
		b.WriteRune(g.r)
	}
	return b.String()
}

// Break lays s out in lines of at most width mm in style st. Newlines
// separate paragraphs; each paragraph's first line is indented by
// st.Indent characters.
func (fs *Fonts) Break(s string, st Style, width float64) ([]Line, error) {
	gs, err := fs.shape(s, st)
	if err != nil {
		return nil, err
	}
	return breakGlyphs(gs, st, width), nil
}

func breakGlyphs(gs []glyph, st Style, width float64) []Line {
	return breakText(gs, st, width, false)
}

// breakText breaks paragraphs; cont says the first one continues a
// paragraph begun elsewhere, so its first line is not indented.
func breakText(gs []glyph, st Style, width float64, cont bool) []Line {
	var lines []Line
	start := 0
	for i := 0; i <= len(gs); i++ {
		if i < len(gs) && gs[i].r != '\n' {
			continue
		}
		pst := st
		if cont && start == 0 {
			pst.Indent = 0
		}
		lines = append(lines, breakParagraph(gs[start:i], pst, width)...)
		start = i + 1
	}
	return lines
}

func breakParagraph(gs []glyph, st Style, width float64) []Line {
	const eps = 1e-6
	em, tr := st.em(), st.Tracking
	indent := st.Indent * (em + tr)
	as := atoms(gs)
	var lines []Line
	var cur []atom
	w := 0.0
	avail := width - indent
	flush := func(end bool) {
		ln := Line{End: end}
		for len(cur) > 0 && cur[len(cur)-1].space {
			cur = cur[:len(cur)-1]
			ln.spaceAfter = true
		}
		if len(lines) == 0 {
			ln.Indent = indent
		}
		n := 0
		for _, a := range cur {
			n += len(a.g)
		}
		ln.glyphs = make([]glyph, 0, n)
		for _, a := range cur {
			ln.glyphs = append(ln.glyphs, a.g...)
		}
		ln.Text = runesOf(ln.glyphs)
		for _, g := range ln.glyphs {
			ln.Width += g.adv + tr
		}
		if len(ln.glyphs) > 0 {
			ln.Width -= max(tr, 0)
		}
		lines = append(lines, ln)
		cur, w, avail = cur[:0], 0, width // its atoms are copied into the line
	}
	for k := 0; k < len(as); k++ {
		a := as[k]
		if a.space && len(cur) == 0 {
			continue
		}
		aw := a.width(tr)
		// Negative tracking (a character grid tighter than the type)
		// gives the last character its pitch, not its full advance.
		if w+aw-max(tr, 0) <= avail+eps {
			cur, w = append(cur, a), w+aw
			continue
		}
		if len(cur) > 0 && len(a.g) == 1 && isNoStart(a.g[0].r) && w+aw-max(tr, 0) <= avail+em/2 {
			// 挤进: a closing mark that overflows by at most half an em
			// is squeezed into the line (justification tightens it).
			cur, w = append(cur, a), w+aw
			continue
		}
		if a.space && (len(cur) == 0 || !cur[len(cur)-1].glue) {
			// The line breaks at this space: flush drops it and
			// records it (spaceAfter), so extraction keeps it.
			cur = append(cur, a)
			flush(false)
			continue
		}
		// A URL that would leave over a quarter of the line empty is cut
		// after a '/' to fill it (the last resort of clreq).
		if a.url && avail-w > width/4 {
			if ps := splitWide(a, avail-w, width, tr); len(ps[0].g) > 0 && ps[0].g[len(ps[0].g)-1].r == '/' {
				for i, p := range ps {
					if i > 0 {
						flush(false)
					}
					cur, w = append(cur, p), w+p.width(tr)
				}
				continue
			}
		}
		// Break before a if allowed; else 推出: carry the glued tail of
		// the line over, back to the last allowed break.
		j := len(cur)
		for j > 0 && cur[j-1].glue {
			j--
		}
		if j > 0 {
			tail := len(cur) - j
			cur = cur[:j]
			flush(false)
			k -= tail + 1
			continue
		}
		// The whole line is glued to a: split a if it is a word (a URL
		// after '/' where possible, a joined Chinese word wider than the
		// line between its characters), else break before it all the same.
		if len(a.g) > 1 && !a.space && (!isCJK(a.g[0].r) || aw-max(tr, 0) > width+eps) {
			for i, p := range splitWide(a, avail-w, width, tr) {
				if i > 0 {
					flush(false)
				}
				if len(p.g) > 0 {
					cur, w = append(cur, p), w+p.width(tr)
				}
			}
			continue
		}
		if n := len(cur); n > 0 && isNoStart(a.g[0].r) {
			// A closing mark after a word that fills the line: carry
			// the end of the word over with it.
			if cut := wordCut(cur[n-1]); cut > 0 {
				tail := atom{g: cur[n-1].g[cut:], glue: true, url: cur[n-1].url}
				cur[n-1] = atom{g: cur[n-1].g[:cut], url: cur[n-1].url}
				as = append(as[:k], append([]atom{tail}, as[k:]...)...)
				flush(false)
				k--
				continue
			}
		}
		if len(cur) > 0 {
			flush(false)
			k--
			continue
		}
		cur, w = append(cur, a), w+aw // one mark wider than the line
	}
	flush(true)
	return lines
}

// wordCut returns where to cut a Latin word so that its end can move to
// the next line: after its last inner '/' for a URL, else before its last
// character; 0 if it cannot be cut.
func wordCut(a atom) int {
	if a.space || len(a.g) < 2 || isCJK(a.g[0].r) {
		return 0
	}
	if a.url {
		for i := len(a.g) - 2; i > 0; i-- {
			if a.g[i].r == '/' && a.g[i+1].r != '/' {
				return i + 1
			}
		}
	}
	n := len(a.g) - 1
	for n > 1 && isNoStart(a.g[n].r) {
		n--
	}
	return n
}

// splitWide cuts a word wider than the room left: the first piece fits in
// first mm, the others in rest mm. URLs are cut after a '/' where one
// fits, e-mail addresses after the '@' or before a '.' (so no line holds
// a stray "m" of ".com" that a reader could copy wrong); otherwise (the
// last resort) after the last character that fits, not before a mark that
// may not start a line. The first piece may be empty.
func splitWide(a atom, first, rest, tr float64) []atom {
	const eps = 1e-6
	var out []atom
	g, room := a.g, first
	for len(g) > 0 {
		w, n, slash := 0.0, 0, 0
		for n < len(g) && w+g[n].adv <= room+eps {
			w += g[n].adv + tr
			n++
			if a.url && g[n-1].r == '/' && n < len(g) && g[n].r != '/' {
				slash = n
			}
			if a.email && n < len(g) && (g[n-1].r == '@' || g[n].r == '.') && n > 1 {
				slash = n
			}
		}
		if n == len(g) {
			out = append(out, atom{g: g, glue: a.glue})
			break
		}
		if slash > 0 {
			n = slash
		}
		// A '.' may start a line inside an address: that is where one breaks.
		for n > 1 && isNoStart(g[n].r) && !(a.email && n == slash) {
			n--
		}
		if n == 0 && len(out) == 0 && room < rest {
			out = append(out, atom{}) // nothing fits on the current line
			room = rest
			continue
		}
		n = max(n, 1)
		out = append(out, atom{g: g[:n]})
		g, room = g[n:], rest
	}
	return out
}
