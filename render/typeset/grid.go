package typeset

import (
	"fmt"
	"math"
)

// Grid is a page grid: a text block divided into lines of equal pitch and
// characters of equal pitch, as GB/T 9704-2012 prescribes for official
// documents. Body returns the style that sets running text on it.
type Grid struct {
	Page          Page
	Left, Top     float64 // text block origin, mm
	Width, Height float64 // text block, mm
	Lines, Chars  int     // lines per page, characters per line
	Size          float64 // type size of the grid, points
}

// Official is the GB/T 9704-2012 grid: A4, top margin 37 mm, binding
// (left) margin 28 mm, text block 156 × 225 mm, 22 lines of 28 characters
// in 三号 (16 pt).
var Official = Grid{Page: A4, Left: 28, Top: 37, Width: 156, Height: 225, Lines: 22, Chars: 28, Size: Size3}

// Pitch is the distance between lines, mm.
func (g Grid) Pitch() float64 { return g.Height / float64(g.Lines) }

// CharPitch is the distance between characters, mm.
func (g Grid) CharPitch() float64 { return g.Width / float64(g.Chars) }

// Block is the text block.
func (g Grid) Block() Rect { return Rect{g.Left, g.Top, g.Width, g.Height} }

// LineBox returns the box of lines n … n+count-1 (n counts from 1). Text
// set in it with Grid.Style lands on the grid lines.
func (g Grid) LineBox(n, count int) Rect {
	return Rect{g.Left, g.Top + float64(n-1)*g.Pitch(), g.Width, float64(count) * g.Pitch()}
}

// Baseline returns the baseline of line n (from 1) for text in font f:
// the em box is centred in the line.
func (g Grid) Baseline(n int, f *Font) float64 {
	em := PtToMM(g.Size)
	return g.Top + float64(n-1)*g.Pitch() + (g.Pitch()-em)/2 + f.ascent*em
}

// Style returns the style setting role on the grid: the grid's size, line
// pitch and character pitch (tracking), justified, with a two-character
// first-line indent for running text.
func (g Grid) Style(role Role) Style {
	st := Style{Role: role, Size: g.Size, Leading: g.Pitch(), Tracking: g.CharPitch() - PtToMM(g.Size), Align: Justify}
	if role == Body {
		st.Indent = 2
	}
	return st
}

// LineOf returns the grid line (from 1) whose band holds y, or 0 if y is
// outside the text block.
func (g Grid) LineOf(y float64) int {
	if y < g.Top || y > g.Top+g.Height {
		return 0
	}
	return min(g.Lines, int(math.Floor((y-g.Top)/g.Pitch()))+1)
}

// PageNumber draws the page number "— n —" as GB/T 9704 prescribes: 4号
// (14 pt) 半角宋体 digits with a dash on each side, 7 mm below the text
// block; odd pages at the right, even pages at the left, each indented one
// character.
func (d *Document) PageNumber(g Grid, n int) error {
	st := Style{Role: Table, Size: Size4}
	em := st.em()
	s := fmt.Sprintf("— %d —", n)
	f := d.fonts.Font(Table)
	// The dash sits on the line 7 mm below the text block; a dash is at
	// about half the em box's height.
	y := g.Top + g.Height + 7 + (f.ascent-0.5)*em
	if n%2 == 1 {
		st.Align = Right
		return d.Text(g.Left+g.Width-em, y, s, st)
	}
	st.Align = Left
	return d.Text(g.Left+em, y, s, st)
}
