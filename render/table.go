package render

import (
	"fmt"

	"linghang/render/typeset"
)

// ruledTable draws a ruled table across pages: a heading row repeated on
// every page, rows as tall as their wrapped text, and optionally a first
// column merged down a group of rows (a day of the 日程).
type ruledTable struct {
	d      *typeset.Document
	x      float64 // left edge
	bottom float64 // lowest y a row may reach
	cols   []ruledCol
	body   typeset.Style
	head   typeset.Style
	pad    float64
	// page starts a new page and returns the y where the table goes on.
	page func() (float64, error)
	y    float64
}

type ruledCol struct {
	head  string
	width float64 // mm
	align typeset.Align
}

// ruledGroup is rows that stay on one page; lead, when the table merges
// its first column, is that column's text for all of them.
type ruledGroup struct {
	lead string
	rows [][]string
}

var ruledPen = typeset.Pen{Width: 0.3}

func (t *ruledTable) start() error {
	y, err := t.page()
	if err != nil {
		return err
	}
	t.y = y
	return t.drawRow(t.heads(), t.head, true)
}

func (t *ruledTable) heads() []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.head
	}
	return out
}

func (t *ruledTable) lineHeight(st typeset.Style) float64 {
	if st.Leading > 0 {
		return st.Leading
	}
	return 1.5 * typeset.PtToMM(st.Size)
}

// height is the height of a row of cells starting at column from.
func (t *ruledTable) height(cells []string, from int, st typeset.Style) (float64, error) {
	lines := 1
	for i, s := range cells {
		c := t.cols[from+i]
		ls, err := t.d.Fonts().Break(s, st, c.width-2*t.pad)
		if err != nil {
			return 0, err
		}
		lines = max(lines, len(ls))
	}
	return float64(lines)*t.lineHeight(st) + 2*t.pad, nil
}

// drawCells draws cells from column from on; a heading row is centred in
// every column, as the 学员名单's is, whatever the column's body alignment.
func (t *ruledTable) drawCells(cells []string, from int, y, h float64, st typeset.Style, head bool) error {
	x := t.x
	for i := 0; i < from; i++ {
		x += t.cols[i].width
	}
	for i, s := range cells {
		c := t.cols[from+i]
		r := typeset.Rect{X: x, Y: y, W: c.width, H: h}
		t.d.Rect(r, ruledPen)
		cst := st
		cst.Align = c.align
		if head {
			cst.Align = typeset.Center
		}
		cst.VAlign = typeset.Middle
		fit, err := t.d.Paragraph(r.Inset(t.pad), s, cst)
		if err != nil {
			return err
		}
		if fit.Overflow() {
			return fmt.Errorf("“%s”在表格中放不下", clipText(s, 16))
		}
		x += c.width
	}
	return nil
}

func (t *ruledTable) drawRow(cells []string, st typeset.Style, head bool) error {
	h, err := t.height(cells, 0, st)
	if err != nil {
		return err
	}
	if head {
		w := 0.0
		for _, c := range t.cols {
			w += c.width
		}
		t.d.Fill(typeset.Rect{X: t.x, Y: t.y, W: w, H: h}, typeset.Color{R: 230, G: 230, B: 230})
	}
	if err := t.drawCells(cells, 0, t.y, h, st, head); err != nil {
		return err
	}
	t.y += h
	return nil
}

// groups draws the groups; merged says the first column spans each
// group's rows (each row then holds the other columns).
func (t *ruledTable) groups(gs []ruledGroup, merged bool) error {
	from := 0
	if merged {
		from = 1
	}
	for _, g := range gs {
		hs := make([]float64, len(g.rows))
		total := 0.0
		for i, r := range g.rows {
			h, err := t.height(r, from, t.body)
			if err != nil {
				return err
			}
			hs[i] = h
			total += h
		}
		if merged {
			if h, err := t.height([]string{g.lead}, 0, t.body); err != nil {
				return err
			} else if h > total {
				hs[len(hs)-1] += h - total
				total = h
			}
		}
		if t.y+total > t.bottom {
			if err := t.start(); err != nil {
				return err
			}
			if t.y+total > t.bottom {
				return fmt.Errorf("表格中的一组内容超过一页")
			}
		}
		if merged {
			if err := t.drawCells([]string{g.lead}, 0, t.y, total, t.body, false); err != nil {
				return err
			}
		}
		for i, r := range g.rows {
			if err := t.drawCells(r, from, t.y, hs[i], t.body, false); err != nil {
				return err
			}
			t.y += hs[i]
		}
	}
	return nil
}
