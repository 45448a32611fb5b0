package typeset

import (
	"fmt"
	"math"
)

// Chinese type sizes (字号) in points.
const (
	SizeChu    = 42.0 // 初号
	SizeSmall0 = 36.0 // 小初
	Size1      = 26.0 // 一号
	SizeSmall1 = 24.0 // 小一
	Size2      = 22.0 // 二号, document titles
	SizeSmall2 = 18.0 // 小二
	Size3      = 16.0 // 三号, running text of official documents
	SizeSmall3 = 15.0 // 小三
	Size4      = 14.0 // 四号, page numbers
	SizeSmall4 = 12.0 // 小四
	Size5      = 10.5 // 五号
	SizeSmall5 = 9.0  // 小五
)

// mmPerPt converts points to millimetres.
const mmPerPt = 25.4 / 72

// PtToMM converts a size in points to millimetres.
func PtToMM(pt float64) float64 { return pt * mmPerPt }

// Color is an RGB colour.
type Color struct{ R, G, B uint8 }

// Colours of official documents.
var (
	Black = Color{0, 0, 0}
	// Red is the red of the 发文机关标志 and the rule under it.
	Red   = Color{255, 0, 0}
	White = Color{255, 255, 255}
	Gray  = Color{128, 128, 128}
)

// Align is the horizontal alignment of lines.
type Align int

// Alignments. Justify stretches every line but the last of a paragraph to
// the full width by inter-character spacing.
const (
	Left Align = iota
	Center
	Right
	Justify
)

// VAlign is the vertical alignment of text in a box.
type VAlign int

// Vertical alignments.
const (
	Top VAlign = iota
	Middle
	Bottom
)

// Style says how text is set. The zero Style is 正文 in 三号, black,
// left-aligned, 1.5 lines.
type Style struct {
	Role  Role
	Size  float64 // points; 0 means 三号 (16 pt)
	Color Color
	Align Align
	// VAlign places the lines vertically in a box.
	VAlign VAlign
	// Leading is the distance between baselines in mm; 0 means 1.5 × Size.
	Leading float64
	// Tracking is added after every character, in mm; negative tightens
	// (the GB/T 9704 grid sets 28 三号 characters in 156 mm).
	Tracking float64
	// Indent is the first-line indent of each paragraph, in characters
	// (2 for running text).
	Indent float64
	// Field names the data shown (e.g. "姓名"); errors quote it.
	Field string
}

func (s Style) size() float64 {
	if !(s.Size > 0) || math.IsInf(s.Size, 0) {
		return Size3
	}
	return s.Size
}

// em is the type size in mm.
func (s Style) em() float64 { return PtToMM(s.size()) }

func (s Style) leading() float64 {
	if s.Leading > 0 {
		return s.Leading
	}
	return 1.5 * s.em()
}

// Rect is a rectangle on the page in mm, from the top-left corner.
type Rect struct{ X, Y, W, H float64 }

// Contains reports whether o lies inside r (with 0.01 mm tolerance).
func (r Rect) Contains(o Rect) bool {
	const eps = 0.01
	return o.X >= r.X-eps && o.Y >= r.Y-eps && o.X+o.W <= r.X+r.W+eps && o.Y+o.H <= r.Y+r.H+eps
}

// Inset returns r shrunk by d on every side.
func (r Rect) Inset(d float64) Rect { return Rect{r.X + d, r.Y + d, r.W - 2*d, r.H - 2*d} }

func (r Rect) String() string {
	return fmt.Sprintf("(%.1f,%.1f %.1f×%.1f)", r.X, r.Y, r.W, r.H)
}

// GlyphError reports a character no available font can draw. Rendering
// stops rather than print a blank or a box.
type GlyphError struct {
	Rune  rune
	Doc   string // document being rendered, e.g. "报名表（张三）"
	Field string // field holding the character, e.g. "姓名"
	Text  string // the text it occurs in
}

func (e *GlyphError) Error() string {
	where := ""
	if e.Doc != "" {
		where += "文档《" + e.Doc + "》"
	}
	if e.Field != "" {
		where += "字段“" + e.Field + "”"
	}
	if where == "" {
		where = "文本"
	}
	what := fmt.Sprintf("U+%04X", e.Rune)
	if e.Rune >= 0x20 && e.Rune != 0x7F {
		what += " " + string(e.Rune)
	}
	reason := "没有可用字体包含此字"
	switch {
	case e.Rune >= 0x20000 && e.Rune <= 0x3FFFF:
		reason = "没有可用字体包含此字（扩展B区及以后的汉字）"
	case e.Rune > 0xFFFF:
		reason = "超出基本多文种平面的非汉字字符（如表情符号）无法排版"
	case e.Rune < 0x20 || e.Rune == 0x7F:
		reason = "是控制字符"
	}
	return fmt.Sprintf("%s中的字符 %s 无法排版：%s（文本：%q）；请改用常用字或提供含此字的字体（--fonts）", where, what, reason, clip(e.Text, 40))
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
