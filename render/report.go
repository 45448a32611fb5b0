package render

import (
	"fmt"
	"math"
	"unicode/utf8"

	"linghang/render/typeset"
)

// A report is typeset as a flow: headings, paragraphs, charts and tables
// one after another down A4 pages, a new page when the next block does
// not fit, page numbers “— n —” centred at the foot.

const (
	reportMargin = 20.0
	reportTop    = 22.0
	reportBottom = 277.0 // bottom of the text area
)

var (
	reportTitle = typeset.Style{Role: typeset.Title, Size: typeset.SizeSmall2, Align: typeset.Center}
	reportSub   = typeset.Style{Role: typeset.Heading2, Size: typeset.Size4, Align: typeset.Center}
	reportH1    = typeset.Style{Role: typeset.Heading1, Size: typeset.Size4}
	reportH2    = typeset.Style{Role: typeset.Heading2, Size: typeset.SizeSmall4}
	reportBody  = typeset.Style{Role: typeset.Body, Size: typeset.SizeSmall4, Leading: 7, Align: typeset.Justify, Indent: 2}
	reportCell  = typeset.Style{Role: typeset.Table, Size: typeset.Size5, Leading: 4.6}
	reportHead  = typeset.Style{Role: typeset.Heading1, Size: typeset.Size5, Leading: 4.6, Align: typeset.Center}
	reportNote  = typeset.Style{Role: typeset.Body, Size: typeset.Size5, Color: typeset.Gray}
	reportMiss  = typeset.Style{Role: typeset.Heading1, Size: typeset.SizeSmall4, Color: typeset.Color{R: 192, G: 0, B: 0}, Align: typeset.Center, VAlign: typeset.Middle}
	chartColors = []typeset.Color{{R: 47, G: 85, B: 151}, {R: 84, G: 130, B: 53}, {R: 191, G: 144, B: 0}, {R: 197, G: 90, B: 17}}
	ruleGray    = typeset.Color{R: 200, G: 200, B: 200}
	thin        = typeset.Pen{Width: 0.2, Color: typeset.Black}
)

type flow struct {
	d            *typeset.Document
	left, width  float64
	y            float64
	footer       string
	page         typeset.Page
	numberedUpTo int
}

func newFlow(d *typeset.Document, footer string) *flow {
	f := &flow{d: d, left: reportMargin, width: typeset.A4.W - 2*reportMargin, footer: footer, page: typeset.A4}
	f.newPage()
	return f
}

func (f *flow) newPage() {
	f.number()
	f.d.AddPage()
	f.y = reportTop
}

// number draws the current page's number and footer once.
func (f *flow) number() {
	n := f.d.PageCount()
	if n == 0 || n <= f.numberedUpTo {
		return
	}
	f.numberedUpTo = n
	st := typeset.Style{Role: typeset.Table, Size: typeset.SizeSmall5, Align: typeset.Center, Color: typeset.Gray}
	_ = f.d.Text(f.page.W/2, 287, fmt.Sprintf("— %d —", n), st)
	if f.footer != "" {
		st.Align = typeset.Left
		_ = f.d.Text(f.left, 287, f.footer, st)
	}
}

func (f *flow) finish() { f.number() }

// need starts a new page unless h mm fit below the cursor.
func (f *flow) need(h float64) {
	if f.y+h > reportBottom {
		f.newPage()
	}
}

func (f *flow) gap(h float64) { f.y += h }

// line sets one block of text at the cursor, wrapping; what does not fit
// continues on the next page.
func (f *flow) text(s string, st typeset.Style) {
	if s == "" {
		return
	}
	r := typeset.Rect{X: f.left, Y: f.y, W: f.width, H: reportBottom - f.y}
	fit, err := f.d.Paragraph(r, s, st)
	if err != nil {
		return
	}
	f.y += fit.Height
	for fit.Overflow() {
		f.newPage()
		r = typeset.Rect{X: f.left, Y: f.y, W: f.width, H: reportBottom - f.y}
		if fit, err = f.d.Continue(r, fit, st); err != nil {
			return
		}
		f.y += fit.Height
	}
	f.y += 1.5
}

// heading sets a heading kept with at least keep mm of what follows.
func (f *flow) heading(s string, st typeset.Style, keep float64) {
	lead := typeset.PtToMM(st.Size) * 1.5
	f.need(lead + keep)
	f.gap(2)
	f.text(s, st)
	f.gap(1)
}

// missing draws a framed notice of something not yet submitted.
func (f *flow) missing(s string) {
	f.need(14)
	r := typeset.Rect{X: f.left, Y: f.y, W: f.width, H: 12}
	f.d.Rect(r, typeset.Pen{Width: 0.4, Color: reportMiss.Color, Dash: []float64{1.5, 1}})
	_, _ = f.d.Fit(r.Inset(1), s, reportMiss, 8)
	f.y += 15
}

// reportCol of a report table.
type reportCol struct {
	head  string
	width float64 // mm; the last reportCol takes what is left when 0
	align typeset.Align
}

// table draws a ruled table with its header row repeated on each page;
// rows grow to fit wrapped text.
func (f *flow) table(cols []reportCol, rows [][]string) { f.tableRows(cols, rows, false) }

// tableRows draws a table; fixed keeps every row one line high (chartRow),
// shrinking text that is too wide, so the rows line up with a chart.
func (f *flow) tableRows(cols []reportCol, rows [][]string, fixed bool) {
	ws := reportWidths(cols, f.width)
	const pad = 1.2
	height := func(row []string, st typeset.Style, header bool) float64 {
		h := chartRow
		if fixed {
			return h
		}
		for i, v := range row {
			if numeric(cols[i], header) {
				v = "" // one line, shrunk to fit (see draw)
			}
			ls, err := f.d.Fonts().Break(reportWords(v), st, ws[i]-2*pad)
			if err != nil {
				continue
			}
			if hh := float64(len(ls))*st.Leading + 2*pad; hh > h {
				h = hh
			}
		}
		return h
	}
	heads := make([]string, len(cols))
	for i, c := range cols {
		heads[i] = c.head
	}
	draw := func(row []string, st typeset.Style, h float64, header bool) {
		x := f.left
		if header {
			f.d.Fill(typeset.Rect{X: f.left, Y: f.y, W: f.width, H: h}, typeset.Color{R: 235, G: 235, B: 235})
		}
		for i, v := range row {
			cell := typeset.Rect{X: x, Y: f.y, W: ws[i], H: h}
			f.d.Rect(cell, thin)
			s := st
			if !header {
				s.Align = cols[i].align
			}
			s.VAlign = typeset.Middle
			in := cell.Inset(pad)
			if numeric(cols[i], header) {
				// A number never wraps (100./0%): one line, shrunk if need be.
				in = typeset.Rect{X: in.X, Y: in.Y + (in.H-s.Leading)/2, W: in.W, H: s.Leading}
			}
			f.cellText(in, reportWords(v), s, cellMin, cellCut)
			x += ws[i]
		}
		f.y += h
	}
	head := f.headStyle(heads, ws, pad)
	hh := height(heads, head, true)
	maxRow := reportBottom - reportTop - hh
	for i, row := range rows {
		h := min(height(row, reportCell, false), maxRow) // a longer cell is cut, with a mark
		if i == 0 {
			f.need(hh + h)
			draw(heads, head, hh, true)
		} else if f.y+h > reportBottom {
			f.newPage()
			draw(heads, head, hh, true)
		}
		draw(row, reportCell, h, false)
	}
	f.y += 3
}

// headStyle is the style of a table's heading row: reportHead, shrunk by
// half points (to cellMin at most) until every word of every heading fits
// its column, so a narrow column's 高等院校 stays whole instead of
// breaking 高等院/校. The whole row shares one size.
func (f *flow) headStyle(heads []string, ws []float64, pad float64) typeset.Style {
	st := reportHead
	for ; st.Size > cellMin; st.Size -= 0.5 {
		st.Leading = reportHead.Leading * st.Size / reportHead.Size
		if f.wordsFit(heads, ws, pad, st) {
			return st
		}
	}
	st.Size = cellMin
	st.Leading = reportHead.Leading * st.Size / reportHead.Size
	return st
}

func (f *flow) wordsFit(heads []string, ws []float64, pad float64, st typeset.Style) bool {
	for i, h := range heads {
		for _, w := range unitWords(h) {
			if n, err := f.d.Fonts().Measure(w, st); err == nil && n > ws[i]-2*pad+1e-6 {
				return false
			}
		}
	}
	return true
}

// reportWords keeps the words of a short cell (a unit, a heading, a
// cohort's name) together; prose breaks at any character as in the body.
func reportWords(s string) string {
	if utf8.RuneCountInString(s) > 40 {
		return s
	}
	return cellWords(s)
}

// numeric reports whether a body cell of c holds a number (the
// right-aligned columns: counts, shares, scores), set on one line.
func numeric(c reportCol, header bool) bool { return !header && c.align == typeset.Right }

// bar is one bar of a chart.
type bar struct {
	label string
	value float64
	text  string // printed after the bar
}

// chartRow is the height of a bar's row, the same as a table row's, so
// a chart beside its table lines up bar by row.
const chartRow = 6.5

// niceScale returns a maximum at or above v that divides into ticks
// round steps (1, 2, 2.5 or 5 times a power of ten).
func niceScale(v float64, ticks int) float64 {
	if v <= 0 {
		return float64(ticks)
	}
	step := v / float64(ticks)
	p := math.Pow(10, math.Floor(math.Log10(step)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if m*p >= step-1e-9 {
			return m * p * float64(ticks)
		}
	}
	return 10 * p * float64(ticks)
}

// barChart draws horizontal bars scaled to max (a round number above
// the largest value when 0) in a frame of the given width at x, with
// ticks gridlines and their values below, labels in a column labelW
// wide; it returns the height used.
// Labels too long for their column shrink to fit.
func (f *flow) barChart(x, width, labelW float64, bars []bar, max float64, ticks int, scale func(float64) string, color typeset.Color) float64 {
	const textW = 16.0
	if max <= 0 {
		for _, b := range bars {
			if b.value > max {
				max = b.value
			}
		}
		max = niceScale(max, ticks)
	}
	plotX, plotW := x+labelW+1, width-labelW-textW-1
	top := f.y
	h := float64(len(bars)) * chartRow
	for q := 0; q <= ticks; q++ {
		gx := plotX + plotW*float64(q)/float64(ticks)
		pen := typeset.Pen{Width: 0.15, Color: ruleGray}
		if q == 0 {
			pen = thin
		}
		f.d.Line(gx, top, gx, top+h, pen)
		_ = f.d.Text(gx, top+h+3, scale(max*float64(q)/float64(ticks)), typeset.Style{Role: typeset.Table, Size: 6.5, Align: typeset.Center, Color: typeset.Gray})
	}
	lab := typeset.Style{Role: typeset.Table, Size: typeset.SizeSmall5, Align: typeset.Right, VAlign: typeset.Middle}
	val := typeset.Style{Role: typeset.Table, Size: typeset.SizeSmall5, VAlign: typeset.Middle}
	for i, b := range bars {
		y := top + float64(i)*chartRow
		f.cellText(typeset.Rect{X: x, Y: y, W: labelW - 1, H: chartRow}, b.label, lab, 5.5, "…")
		w := plotW * math.Min(b.value, max) / max
		if w > 0 {
			f.d.Fill(typeset.Rect{X: plotX, Y: y + 1.2, W: w, H: chartRow - 2.4}, color)
		}
		f.cellText(typeset.Rect{X: plotX + w + 1, Y: y, W: textW + plotW - w - 1, H: chartRow}, b.text, val, 5.5, "…")
	}
	return h + 5
}

// chartWithTable draws a bar chart on the left and its table on the
// right, bar beside row, kept together on one page. When a table cell
// does not fit a row of the chart's height even at the smallest size,
// the table goes below the chart with rows as tall as they need.
func (f *flow) chartWithTable(bars []bar, max float64, ticks int, scale func(float64) string, cols []reportCol, rows [][]string) {
	const chartW = 104.0
	side := f.width - chartW - 4
	ws := reportWidths(cols, side)
	fixed := true
	for _, row := range rows {
		for i, v := range row {
			st := reportCell
			st.Size = cellMin
			st.Leading = reportCell.Leading * cellMin / reportCell.Size
			if !fitsIn(f.d.Fonts(), typeset.Rect{W: ws[i] - 2.4, H: chartRow - 2.4}, v, st) {
				fixed = false
			}
		}
	}
	h := float64(len(bars))*chartRow + chartRow + 6
	if !fixed {
		f.need(h + 2)
		f.y += f.barChart(f.left, f.width, 48, bars, max, ticks, scale, chartColors[0]) + 2
		f.table(cols, rows)
		return
	}
	th := float64(len(rows)+1)*chartRow + 3
	f.need(max2(h, th) + 2)
	top := f.y
	f.y = top + chartRow // beside the table's data rows
	ch := f.barChart(f.left, chartW, 30, bars, max, ticks, scale, chartColors[0])
	save, saveW := f.left, f.width
	f.left, f.width = f.left+chartW+4, side
	f.y = top
	f.tableRows(cols, rows, true)
	f.left, f.width = save, saveW
	f.y = max2(top+chartRow+ch, f.y) + 2
}

// cellMin is the smallest type size a table cell shrinks to (小六 is
// 6.5 pt; 7 pt stays readable in print).
const cellMin = 7.0

// cellCut marks a table cell whose text was cut because even at the
// smallest size it does not fit a page.
const cellCut = "……（余下从略，全文见原件）"

// reportWidths resolves the widths of cols in a table width wide: a
// zero width takes what the others leave.
func reportWidths(cols []reportCol, width float64) []float64 {
	ws := make([]float64, len(cols))
	used := 0.0
	for i, c := range cols {
		ws[i] = c.width
		used += c.width
	}
	for i := range ws {
		if ws[i] == 0 {
			ws[i] = width - used
		}
	}
	return ws
}

// fitsIn reports whether s set in st fits r (as Document.Fit places it).
func fitsIn(fs *typeset.Fonts, r typeset.Rect, s string, st typeset.Style) bool {
	lines, err := fs.Break(s, st, r.W)
	if err != nil {
		return true // drawing reports the glyph error
	}
	if len(lines) == 0 {
		return true
	}
	em := typeset.PtToMM(st.Size)
	lead := st.Leading
	if lead <= 0 {
		lead = 1.5 * em
	}
	top := math.Max(0, (lead-em)/2)
	if r.H < lead {
		top = math.Max(0, (r.H-em)/2)
	}
	return top+float64(len(lines)-1)*lead+em <= r.H+0.01
}

// cellText sets s in r at the largest size from st.Size down to minSize
// (half points) at which all of it fits. Text that does not fit even at
// minSize is cut, visibly: what fits, then mark — never silently.
func (f *flow) cellText(r typeset.Rect, s string, st typeset.Style, minSize float64, mark string) {
	at := func(size float64) typeset.Style {
		t := st
		t.Size = size
		if st.Leading > 0 {
			t.Leading = st.Leading * size / st.Size
		}
		return t
	}
	for size := st.Size; size >= minSize-0.01; size -= 0.5 {
		if t := at(size); fitsIn(f.d.Fonts(), r, s, t) {
			_, _ = f.d.Fit(r, s, t, t.Size)
			return
		}
	}
	t := at(minSize)
	rs := []rune(s)
	lo, hi := 0, len(rs) // the longest prefix that fits with the mark
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if fitsIn(f.d.Fonts(), r, string(rs[:mid])+mark, t) {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	_, _ = f.d.Fit(r, string(rs[:lo])+mark, t, t.Size)
}

func max2(a, b float64) float64 {
	if a > b {
		return a
	}
	return b
}

func pct(n, total int) string {
	if total == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", float64(n)*100/float64(total))
}
