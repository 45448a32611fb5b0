package render

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/width"

	"linghang/program"
	"linghang/render/typeset"
)

// RosterOptions selects what a roster (学员名单) shows.
type RosterOptions struct {
	// Cohort selects one cohort; 0 means every cohort: a sheet (XLSX) or
	// section (PDF) each, after an overview of all applicants (全部).
	Cohort int
	// Order sorts each list; the zero value is 姓氏笔画.
	Order program.Order
	// WithID adds the 身份证号 column, masked as 110105********002X
	// unless FullID is set too (FullID implies WithID).
	WithID, FullID bool
	// Fonts sets the PDF's type; nil means typeset.Default().
	Fonts *typeset.Fonts
	// Created dates the document; zero means the programme's date
	// (成文日期), so the same data gives the same file.
	Created time.Time
	// PlainPDF writes a plain PDF instead of PDF/A-2b.
	PlainPDF bool
}

// createdOr returns t, or the programme's date when t is zero: a
// document's date comes from its data, never from the clock.
func createdOr(t time.Time, p *program.Programme) time.Time {
	if !t.IsZero() || p == nil {
		return t
	}
	if !p.Date.IsZero() {
		return p.Date.Time
	}
	return time.Date(p.Year, 1, 1, 0, 0, 0, 0, time.UTC)
}

// rosterColumn is one column of the roster.
type rosterColumn struct {
	header string
	// min and max bound the column width in Excel character units (the
	// width of "0"; a Han character takes two).
	min, max float64
	// wrap lets long values take several lines; the other columns
	// (numbers, IDs, phones, e-mail addresses) never break.
	wrap   bool
	center bool
	value  func(a *program.Applicant) string
}

// rosterSheet is one list: a cohort, everyone, or the applicants whose
// cohort is not in the programme.
type rosterSheet struct {
	name  string // sheet name, ≤ 31 characters
	title string // 第3期 江苏省科协党校班 学员名单
	cols  []rosterColumn
	rows  [][]string // cell texts, 序号 included
}

func rosterColumns(p *program.Programme, opts RosterOptions, withCohort bool) []rosterColumn {
	cols := []rosterColumn{
		{header: "序号", min: 5, max: 7, center: true},
	}
	if withCohort {
		cols = append(cols, rosterColumn{header: "班次", min: 8, max: 24, wrap: true, value: func(a *program.Applicant) string {
			return cohortShort(p, a.Cohort)
		}})
	}
	cols = append(cols,
		rosterColumn{header: "姓名", min: 8, max: 16, value: func(a *program.Applicant) string { return a.Name }},
		rosterColumn{header: "性别", min: 5, max: 6, center: true, value: func(a *program.Applicant) string { return a.Gender }},
		rosterColumn{header: "民族", min: 6, max: 12, center: true, value: func(a *program.Applicant) string { return a.Ethnicity }},
		rosterColumn{header: "出生年月", min: 9, max: 10, center: true, value: birthMonth},
		rosterColumn{header: "政治面貌", min: 9, max: 14, value: func(a *program.Applicant) string { return a.Political }},
	)
	if opts.WithID || opts.FullID {
		full := opts.FullID
		cols = append(cols, rosterColumn{header: "身份证号", min: 20, max: 21, value: func(a *program.Applicant) string {
			if full {
				return a.ID
			}
			return MaskID(a.ID)
		}})
	}
	cols = append(cols,
		rosterColumn{header: "工作单位及职务、职称", min: 20, max: 40, wrap: true, value: func(a *program.Applicant) string { return a.Employer }},
		rosterColumn{header: "研究领域", min: 10, max: 20, wrap: true, value: func(a *program.Applicant) string { return a.Field }},
		rosterColumn{header: "手机", min: 12, max: 14, center: true, value: func(a *program.Applicant) string { return a.Mobile }},
		rosterColumn{header: "电子邮箱", min: 12, max: 28, value: func(a *program.Applicant) string { return a.Email }},
		rosterColumn{header: "推荐单位", min: 12, max: 24, wrap: true, value: func(a *program.Applicant) string { return a.Recommender }},
	)
	return cols
}

// MaskID hides the middle of an ID number: 110105********002X. IDs of
// other lengths keep their first and last quarter.
func MaskID(id string) string {
	id = strings.TrimSpace(id)
	n := utf8.RuneCountInString(id)
	if n == 0 {
		return ""
	}
	keepHead, keepTail := 6, 4
	if n != 18 {
		keepHead, keepTail = n/4, n/4
	}
	r := []rune(id)
	return string(r[:keepHead]) + strings.Repeat("*", n-keepHead-keepTail) + string(r[n-keepTail:])
}

// birthMonth formats the birth month from the ID number: 1985.03.
func birthMonth(a *program.Applicant) string {
	b, ok := a.BirthDate()
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d.%02d", b.Year(), int(b.Month()))
}

func cohortShort(p *program.Programme, n int) string {
	if c, ok := p.Cohort(n); ok {
		if c.Label != "" {
			return fmt.Sprintf("第%d期 %s", n, c.Label)
		}
		return c.Title()
	}
	if n == 0 {
		return "未选班次"
	}
	return fmt.Sprintf("第%d期（计划中无此期）", n)
}

// rosterSheets groups, sorts and formats the applicants. It never drops
// anyone: applicants of cohorts the programme does not know are listed on
// a sheet of their own when every cohort is asked for.
func rosterSheets(p *program.Programme, as []program.Applicant, opts RosterOptions) ([]rosterSheet, error) {
	if opts.Cohort != 0 {
		c, ok := p.Cohort(opts.Cohort)
		if !ok {
			return nil, fmt.Errorf("第%d期不在%d年计划中（共%d期）", opts.Cohort, p.Year, len(p.Cohorts))
		}
		var mine []program.Applicant
		for _, a := range as {
			if a.Cohort == c.Number {
				mine = append(mine, a)
			}
		}
		return []rosterSheet{cohortSheet(p, c, mine, opts)}, nil
	}

	all := slices.Clone(as)
	opts.Order.Sort(all)
	known := func(n int) bool { _, ok := p.Cohort(n); return ok }
	order := map[int]int{}
	for i, c := range p.Cohorts {
		order[c.Number] = i
	}
	slices.SortStableFunc(all, func(a, b program.Applicant) int {
		ka, kb := known(a.Cohort), known(b.Cohort)
		if ka != kb {
			if ka {
				return -1
			}
			return 1
		}
		if ka {
			return cmp.Compare(order[a.Cohort], order[b.Cohort])
		}
		return cmp.Compare(a.Cohort, b.Cohort)
	})
	title := fmt.Sprintf("%d年“领航计划”青年科技领军人才国情研修活动学员名单", p.Year)
	sheets := []rosterSheet{makeSheet("全部", title, rosterColumns(p, opts, true), all)}
	for i := range p.Cohorts {
		c := &p.Cohorts[i]
		var mine []program.Applicant
		for _, a := range as {
			if a.Cohort == c.Number {
				mine = append(mine, a)
			}
		}
		if len(mine) == 0 {
			continue
		}
		sheets = append(sheets, cohortSheet(p, c, mine, opts))
	}
	var stray []program.Applicant
	for _, a := range all {
		if !known(a.Cohort) {
			stray = append(stray, a)
		}
	}
	if len(stray) > 0 {
		sheets = append(sheets, makeSheet("班次有误", "班次有误或未选班次的学员", rosterColumns(p, opts, true), stray))
	}
	return sheets, nil
}

func cohortSheet(p *program.Programme, c *program.Cohort, as []program.Applicant, opts RosterOptions) rosterSheet {
	as = slices.Clone(as)
	opts.Order.Sort(as)
	name := fmt.Sprintf("第%d期", c.Number)
	if c.Label != "" {
		name += " " + c.Label
	}
	return makeSheet(sheetName(name), c.Title()+" 学员名单", rosterColumns(p, opts, false), as)
}

func makeSheet(name, title string, cols []rosterColumn, as []program.Applicant) rosterSheet {
	s := rosterSheet{name: name, title: title, cols: cols, rows: make([][]string, len(as))}
	for i := range as {
		row := make([]string, len(cols))
		row[0] = fmt.Sprint(i + 1)
		for j, c := range cols[1:] {
			row[j+1] = strings.TrimSpace(c.value(&as[i]))
		}
		s.rows[i] = row
	}
	return s
}

// sheetName makes s a valid, at most 31-character sheet name.
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	return s
}

// displayWidth is the width of s in Excel character units: East Asian
// wide, full-width and ambiguous characters (Chinese punctuation) count
// two, others one.
func displayWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth, width.EastAsianAmbiguous:
			w += 2
		default:
			w++
		}
	}
	return w
}

// columnWidths fits each column to its longest cell within the column's
// bounds; longer text wraps.
func columnWidths(s rosterSheet) []float64 {
	ws := make([]float64, len(s.cols))
	for j, c := range s.cols {
		w := displayWidth(c.header)
		for _, row := range s.rows {
			if v := displayWidth(row[j]); v > w {
				w = v
			}
		}
		ws[j] = math.Min(math.Max(w+2, c.min), c.max)
		if !c.wrap {
			ws[j] = math.Max(w+2, c.min) // numbers, IDs, e-mail: never cut
		}
	}
	return ws
}

// lines estimates how many lines s takes in a column of width w.
func lines(s string, w float64) int {
	if s == "" {
		return 1
	}
	return max(1, int(math.Ceil(displayWidth(s)/math.Max(w-1.5, 1))))
}

// Excel row heights in points for 11 pt 宋体.
// xlsxPrintScale is the print scale (percent) that fits columns of
// widths (Excel character units) to the width of an A4 landscape page,
// but never below xlsxMinScale: 11 pt type prints at 9 pt or more.
func xlsxPrintScale(widths []float64) uint {
	total := 0.0
	for _, w := range widths {
		total += (w*xlsxCharPx + 5) * 0.75 // pixels at 96 dpi → points
	}
	printable := 297/25.4*72 - 2*xlsxMargin*72
	scale := uint(math.Floor(100 * printable / total))
	return min(100, max(xlsxMinScale, scale))
}

const (
	// xlsxMinScale keeps the 11 pt body at 9 pt or more on paper.
	xlsxMinScale = 82
	// xlsxCharPx is the width of one character unit in pixels (宋体 11 pt).
	xlsxCharPx      = 8
	xlsxMargin      = 0.4 // inches, left and right
	xlsxLineHeight  = 14.5
	xlsxTitleHeight = 36
	xlsxHeadHeight  = 30
)

// RosterXLSX writes the roster (学员名单) as an XLSX workbook: one sheet
// per cohort, or one for the cohort opts selects. Each sheet has a merged
// title row, a styled and frozen header row with an autofilter, widths
// fitted to Chinese text, wrapped long units and A4 landscape print set-up
// (the title as the page header and the header row on every page, scaled
// to the page width but never below 9 pt, 第 N 页 共 M 页). Every cell is
// a string; cells that begin like a formula (=, +, -, @) also carry the
// quote prefix, so no spreadsheet ever evaluates them.
func RosterXLSX(w io.Writer, p *program.Programme, as []program.Applicant, opts RosterOptions) error {
	sheets, err := rosterSheets(p, as, opts)
	if err != nil {
		return fmt.Errorf("render roster: %w", err)
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := writeRosterXLSX(f, p, sheets); err != nil {
		return fmt.Errorf("render roster XLSX: %w", err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return fmt.Errorf("render roster XLSX: write: %w", err)
	}
	created := opts.Created
	if created.IsZero() {
		created = p.Date.Time
	}
	if err := canonicalZip(w, buf.Bytes(), created); err != nil {
		return fmt.Errorf("render roster XLSX: %w", err)
	}
	return nil
}

type rosterStyles struct {
	title, head      int
	text, wrap, mid  int
	textQ, wrapQ, mQ int // the same with the quote prefix
}

func newRosterStyles(f *excelize.File) (rosterStyles, error) {
	var s rosterStyles
	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	body := &excelize.Font{Family: "宋体", Size: 11}
	var err error
	add := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	s.title = add(&excelize.Style{
		Font:      &excelize.Font{Family: "黑体", Size: 18},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	})
	s.head = add(&excelize.Style{
		Font:      &excelize.Font{Family: "黑体", Size: 11},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
		Border:    border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	})
	s.text = add(&excelize.Style{Font: body, Border: border, NumFmt: 49,
		Alignment: &excelize.Alignment{Vertical: "center"}})
	s.wrap = add(&excelize.Style{Font: body, Border: border, NumFmt: 49,
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	s.mid = add(&excelize.Style{Font: body, Border: border, NumFmt: 49,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return s, err
	}
	s.textQ, s.wrapQ, s.mQ = program.QuotePrefixStyle(f, s.text), program.QuotePrefixStyle(f, s.wrap), program.QuotePrefixStyle(f, s.mid)
	return s, nil
}

func writeRosterXLSX(f *excelize.File, p *program.Programme, sheets []rosterSheet) error {
	if err := f.SetDefaultFont("宋体"); err != nil {
		return err
	}
	st, err := newRosterStyles(f)
	if err != nil {
		return fmt.Errorf("styles: %w", err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:    sheets[0].title,
		Subject:  "学员名单",
		Creator:  "linghang",
		Language: "zh-CN",
		Created:  p.Date.Format("2006-01-02T15:04:05Z"),
		Modified: p.Date.Format("2006-01-02T15:04:05Z"),
	}); err != nil {
		return err
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				return err
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			return fmt.Errorf("sheet %s: %w", s.name, err)
		}
		if err := writeRosterSheet(f, s, st); err != nil {
			return fmt.Errorf("sheet %s: %w", s.name, err)
		}
	}
	return nil
}

func writeRosterSheet(f *excelize.File, s rosterSheet, st rosterStyles) error {
	ncol := len(s.cols)
	last, _ := excelize.ColumnNumberToName(ncol)
	lastRow := 2 + len(s.rows)
	quoted := fmt.Sprintf("'%s'", strings.ReplaceAll(s.name, "'", "''"))

	widths := columnWidths(s)
	// Freeze the title and header rows and the columns up to 姓名; the
	// same columns repeat on every printed page.
	nameCol := 1
	for j, c := range s.cols {
		if c.header == "姓名" {
			nameCol = j + 1
		}
	}
	nameName, _ := excelize.ColumnNumberToName(nameCol)

	// Print set-up and filter first: the stream writer copies these parts
	// of the worksheet when it is flushed. The type never prints below
	// 9 pt: the sheet is scaled to the page width down to xlsxMinScale,
	// and a wider sheet spreads over more pages across, each repeating
	// the header row and the columns up to 姓名. The title row, merged
	// over every column, would print centred over all the pages across
	// (off centre on the first, cut on the others): on paper the title
	// is the page header instead, whole and centred on every page, and
	// the print area starts at the header row.
	scale := xlsxPrintScale(widths)
	landscape, a4, order := "landscape", 9, "overThenDown"
	if err := f.SetPageLayout(s.name, &excelize.PageLayoutOptions{
		Size: &a4, Orientation: &landscape, AdjustTo: &scale, PageOrder: &order,
	}); err != nil {
		return fmt.Errorf("page layout: %w", err)
	}
	// AutoFilter replaces the sheet properties (excelize 2.11), so it
	// comes before SetSheetProps.
	if err := f.AutoFilter(s.name, fmt.Sprintf("A2:%s%d", last, max(lastRow, 3)), nil); err != nil {
		return fmt.Errorf("autofilter: %w", err)
	}
	fit, noFit := true, false
	if err := f.SetSheetProps(s.name, &excelize.SheetPropsOptions{FitToPage: &noFit}); err != nil {
		return fmt.Errorf("sheet properties: %w", err)
	}
	m := func(v float64) *float64 { return &v }
	if err := f.SetPageMargins(s.name, &excelize.PageLayoutMarginsOptions{
		Left: m(xlsxMargin), Right: m(xlsxMargin), Top: m(0.75), Bottom: m(0.6), Header: m(0.3), Footer: m(0.3), Horizontally: &fit,
	}); err != nil {
		return fmt.Errorf("page margins: %w", err)
	}
	if err := f.SetHeaderFooter(s.name, &excelize.HeaderFooterOptions{
		// The size comes before the font: digits right after "&14" (2022年…)
		// would be read as part of the size.
		OddHeader: `&C&14&"-,Bold"` + strings.ReplaceAll(s.title, "&", "&&"),
		OddFooter: "&C第 &P 页 共 &N 页",
	}); err != nil {
		return fmt.Errorf("header and footer: %w", err)
	}
	if err := f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Area", RefersTo: fmt.Sprintf("%s!$A$2:$%s$%d", quoted, last, max(lastRow, 2)), Scope: s.name,
	}); err != nil {
		return fmt.Errorf("print area: %w", err)
	}
	if err := f.SetDefinedName(&excelize.DefinedName{
		Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("%s!$A:$%s,%s!$2:$2", quoted, nameName, quoted), Scope: s.name,
	}); err != nil {
		return fmt.Errorf("print titles: %w", err)
	}

	sw, err := f.NewStreamWriter(s.name)
	if err != nil {
		return err
	}
	// excelize prepends each <col>; set them last to first so that they
	// come out in the ascending order the schema requires.
	for j := len(widths) - 1; j >= 0; j-- {
		if err := sw.SetColWidth(j+1, j+1, widths[j]); err != nil {
			return err
		}
	}
	topLeft, _ := excelize.CoordinatesToCellName(nameCol+1, 3)
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, XSplit: nameCol, YSplit: 2, TopLeftCell: topLeft, ActivePane: "bottomRight",
		Selection: []excelize.Selection{{SQRef: topLeft, ActiveCell: topLeft, Pane: "bottomRight"}},
	}); err != nil {
		return err
	}

	titleRow := make([]any, ncol)
	titleRow[0] = excelize.Cell{StyleID: st.title, Value: s.title}
	for j := 1; j < ncol; j++ {
		titleRow[j] = excelize.Cell{StyleID: st.title}
	}
	if err := sw.SetRow("A1", titleRow, excelize.RowOpts{Height: xlsxTitleHeight}); err != nil {
		return err
	}
	if err := sw.MergeCell("A1", last+"1"); err != nil {
		return err
	}
	head := make([]any, ncol)
	for j, c := range s.cols {
		head[j] = excelize.Cell{StyleID: st.head, Value: c.header}
	}
	if err := sw.SetRow("A2", head, excelize.RowOpts{Height: xlsxHeadHeight}); err != nil {
		return err
	}

	// Rows are of one height, the tallest a row needs up to three lines,
	// so the printed list reads evenly; a row needing more is taller.
	need := make([]int, len(s.rows))
	even := 1
	for i, row := range s.rows {
		need[i] = 1
		for j, v := range row {
			if s.cols[j].wrap {
				need[i] = max(need[i], lines(v, widths[j]))
			}
		}
		even = max(even, min(need[i], 3))
	}
	cells := make([]any, ncol)
	for i, row := range s.rows {
		n := max(even, need[i])
		for j, v := range row {
			c := s.cols[j]
			style := st.text
			switch {
			case c.center:
				style = st.mid
			case c.wrap:
				style = st.wrap
			}
			if program.FormulaLike(v) {
				switch style {
				case st.text:
					style = st.textQ
				case st.wrap:
					style = st.wrapQ
				case st.mid:
					style = st.mQ
				}
			}
			// Strings, never numbers: 手机 and 身份证号 must keep their
			// digits, and nothing is ever a formula.
			cells[j] = excelize.Cell{StyleID: style, Value: v}
		}
		ref, _ := excelize.CoordinatesToCellName(1, i+3)
		opt := excelize.RowOpts{Height: math.Max(20, float64(n)*xlsxLineHeight+5)}
		if err := sw.SetRow(ref, cells, opt); err != nil {
			return fmt.Errorf("row %d: %w", i+3, err)
		}
	}
	return sw.Flush()
}

// ---- PDF ----

// pdfColumn is a column of a printed table.
type pdfColumn struct {
	header string
	width  float64 // mm
	align  typeset.Align
}

// pdfSection is one table with its own heading and page numbers: a
// cohort's roster, or one session's sign-in sheet.
type pdfSection struct {
	title    string // drawn at the top of every page
	subtitle string // under the title, e.g. the date and session
	footer   string // before the page number, e.g. 第3期 江苏班
	cols     []pdfColumn
	rows     [][]string
	// blankTo adds empty rows until the last page is full (sign-in sheets
	// leave room for late arrivals), but at most this many; 0 adds none.
	blankTo int
	// tally is a line set under the table on the section's last page
	// (应到 … 实到 … on sign-in sheets); room for it is kept on every page.
	tally string
}

// pdfTable lays out sections as ruled tables: the title, subtitle and
// header row repeat on every page; rows grow to fit wrapped text and never
// split across pages; each page is numbered 第 n 页 共 N 页 within its
// section.
type pdfTable struct {
	page                  typeset.Page
	left, right, top, bot float64 // margins, mm
	body, head            typeset.Style
	titleStyle, subStyle  typeset.Style
	minRow, headRow, pad  float64 // mm
	minSize               float64 // smallest type size a cell may shrink to
}

func (t *pdfTable) width() float64 { return t.page.W - t.left - t.right }

// headerHeight is the height of the title block above the header row.
func (t *pdfTable) headerHeight(s *pdfSection) float64 {
	h := 12.0
	if s.subtitle != "" {
		h += 7
	}
	return h
}

// rowHeights measures every row: the tallest cell's wrapped lines plus
// padding, at least minRow, at most what a page holds.
func (t *pdfTable) rowHeights(fonts *typeset.Fonts, s *pdfSection, avail float64) ([]float64, error) {
	hs := make([]float64, len(s.rows))
	lead := t.leading()
	for i, row := range s.rows {
		h := t.minRow
		for j, v := range row {
			if v == "" {
				continue
			}
			st := t.body
			st.Field = s.cols[j].header
			v = cellWords(atSpaces(fonts, v, st, s.cols[j].width-2*t.pad))
			ls, err := fonts.Break(v, st, s.cols[j].width-2*t.pad)
			if err != nil {
				return nil, fmt.Errorf("第%d行“%s”：%w", i+1, s.cols[j].header, err)
			}
			h = math.Max(h, float64(len(ls))*lead+2*t.pad)
		}
		hs[i] = math.Min(h, avail)
	}
	return hs, nil
}

func (t *pdfTable) leading() float64 {
	if t.body.Leading > 0 {
		return t.body.Leading
	}
	return 1.5 * typeset.PtToMM(t.body.Size)
}

// paginate splits rows into pages of at most avail mm.
func paginate(hs []float64, avail float64) [][2]int {
	var pages [][2]int
	start, used := 0, 0.0
	for i, h := range hs {
		if used+h > avail+0.01 && i > start {
			pages = append(pages, [2]int{start, i})
			start, used = i, 0
		}
		used += h
	}
	return append(pages, [2]int{start, len(hs)})
}

// tallyHeight is the room kept under a table for its tally line.
const tallyHeight = 10.0

// draw adds the pages of every section to d.
func (t *pdfTable) draw(d *typeset.Document, sections []pdfSection) error {
	fonts := d.Fonts()
	for si := range sections {
		s := &sections[si]
		top := t.top + t.headerHeight(s) + t.headRow
		y0 := top
		avail := t.page.H - t.bot - top
		if s.tally != "" {
			avail -= tallyHeight
		}
		hs, err := t.rowHeights(fonts, s, avail)
		if err != nil {
			return fmt.Errorf("%s：%w", s.title, err)
		}
		pages := paginate(hs, avail)
		if s.blankTo > 0 {
			last := pages[len(pages)-1]
			used := 0.0
			for _, h := range hs[last[0]:last[1]] {
				used += h
			}
			for n := 0; n < s.blankTo && used+t.minRow <= avail+0.01; n++ {
				s.rows = append(s.rows, make([]string, len(s.cols)))
				hs = append(hs, t.minRow)
				used += t.minRow
				pages[len(pages)-1][1]++
			}
		}
		for pi, pg := range pages {
			d.AddPageSize(t.page)
			y, err := t.drawHead(d, s)
			if err != nil {
				return err
			}
			for i := pg[0]; i < pg[1]; i++ {
				if err := t.drawRow(d, s, s.rows[i], y, hs[i], false); err != nil {
					return fmt.Errorf("%s 第%d行：%w", s.title, i+1, err)
				}
				y += hs[i]
			}
			t.ruleColumns(d, s, y0-t.headRow, y)
			if s.tally != "" && pi == len(pages)-1 {
				st := t.subStyle
				st.Align, st.VAlign, st.Field = typeset.Left, typeset.Middle, "应到实到"
				fit, err := d.Fit(typeset.Rect{X: t.left, Y: y + 2, W: t.width(), H: tallyHeight - 2}, s.tally, st, typeset.SizeSmall5)
				if err != nil {
					return err
				}
				if fit.Overflow() {
					return fmt.Errorf("%s：“%s”一行放不下", s.title, s.tally)
				}
			}
			foot := fmt.Sprintf("第 %d 页 共 %d 页", pi+1, len(pages))
			if s.footer != "" {
				foot = s.footer + "　　" + foot
			}
			st := typeset.Style{Role: typeset.Table, Size: typeset.SizeSmall5, Align: typeset.Center, VAlign: typeset.Middle, Field: "页码"}
			if _, err := d.Paragraph(typeset.Rect{X: t.left, Y: t.page.H - t.bot + 2, W: t.width(), H: 6}, foot, st); err != nil {
				return err
			}
		}
	}
	return d.Err()
}

// drawHead draws the title block and the header row; it returns the top
// of the first body row.
func (t *pdfTable) drawHead(d *typeset.Document, s *pdfSection) (float64, error) {
	y := t.top
	st := t.titleStyle
	st.Align, st.VAlign, st.Field = typeset.Center, typeset.Middle, "标题"
	if _, err := d.Fit(typeset.Rect{X: t.left, Y: y, W: t.width(), H: 11}, s.title, st, 12); err != nil {
		return 0, err
	}
	y += 12
	if s.subtitle != "" {
		st := t.subStyle
		st.Align, st.VAlign, st.Field = typeset.Center, typeset.Middle, "副标题"
		if _, err := d.Fit(typeset.Rect{X: t.left, Y: y, W: t.width(), H: 6}, s.subtitle, st, 8); err != nil {
			return 0, err
		}
		y += 7
	}
	head := make([]string, len(s.cols))
	for j, c := range s.cols {
		head[j] = c.header
	}
	if err := t.drawRow(d, s, head, y, t.headRow, true); err != nil {
		return 0, err
	}
	return y + t.headRow, nil
}

var headFill = typeset.Color{R: 0xE6, G: 0xE6, B: 0xE6}

// drawRow sets one row's cells and rules its bottom edge; the header row
// is filled and ruled on top as well. Column rules are drawn once per page
// (ruleColumns): a ruled grid costs a few lines per row, not four per cell.
func (t *pdfTable) drawRow(d *typeset.Document, s *pdfSection, row []string, y, h float64, header bool) error {
	pen := typeset.Pen{Width: 0.2}
	if header {
		d.Fill(typeset.Rect{X: t.left, Y: y, W: t.width(), H: h}, headFill)
		d.Line(t.left, y, t.left+t.width(), y, pen)
	}
	x := t.left
	for j, c := range s.cols {
		if v := row[j]; v != "" {
			st := t.body
			align := c.align
			if header {
				st, align = t.head, typeset.Center
			}
			st.Align, st.VAlign, st.Field = align, typeset.Middle, c.header
			inner := typeset.Rect{X: x + t.pad, Y: y + t.pad/2, W: c.width - 2*t.pad, H: h - t.pad}
			if header {
				v = halves(d.Fonts(), v, st, inner.W)
			} else {
				v = cellWords(atSpaces(d.Fonts(), v, st, inner.W))
			}
			fit, err := d.Fit(inner, v, st, t.minSize)
			if err != nil {
				return err
			}
			if fit.Overflow() {
				return fmt.Errorf("“%s”一栏的内容 %q 太长，单元格放不下", c.header, v)
			}
		}
		x += c.width
	}
	d.Line(t.left, y+h, t.left+t.width(), y+h, pen)
	return nil
}

// atSpaces breaks a cell's text at its spaces when it does not fit on one
// line but each space-separated part does: "第1期 河南班" becomes two
// lines "第1期" and "河南班", not "第1期 河" and "南班".
func atSpaces(fonts *typeset.Fonts, v string, st typeset.Style, w float64) string {
	if !strings.Contains(v, " ") {
		return v
	}
	if full, err := fonts.Measure(v, st); err != nil || full <= w {
		return v
	}
	parts := strings.Fields(v)
	for _, p := range parts {
		if pw, err := fonts.Measure(p, st); err != nil || pw > w {
			return v
		}
	}
	return strings.Join(parts, "\n")
}

// halves splits a header that does not fit on one line into two lines of
// nearly equal length (出生/年月, 工作单位及/职务、职称), never leaving one
// character alone.
func halves(fonts *typeset.Fonts, v string, st typeset.Style, w float64) string {
	rs := []rune(v)
	if len(rs) < 4 || strings.ContainsRune(v, '\n') {
		return v
	}
	if full, err := fonts.Measure(v, st); err != nil || full <= w {
		return v
	}
	k := (len(rs) + 1) / 2
	return string(rs[:k]) + "\n" + string(rs[k:])
}

// ruleColumns draws the vertical rules of a page's table from top to
// bottom.
func (t *pdfTable) ruleColumns(d *typeset.Document, s *pdfSection, top, bottom float64) {
	pen := typeset.Pen{Width: 0.2}
	x := t.left
	d.Line(x, top, x, bottom, pen)
	for _, c := range s.cols {
		x += c.width
		d.Line(x, top, x, bottom, pen)
	}
}

// pdfColumns sizes a sheet's columns for print from their content.
// Columns that must not wrap (序号, names, dates, ID numbers, phones,
// e-mail addresses) are as wide as their longest value. The wrapping
// columns (班次, units, fields) are at least as wide as their longest
// unbreakable token (a Latin word, a number, a Han character with its
// closing mark) and share the rest of the width in proportion to their
// natural widths. A header of four or more characters may take two lines.
func pdfColumns(fonts *typeset.Fonts, t *pdfTable, s rosterSheet, width float64) ([]pdfColumn, error) {
	unit := typeset.PtToMM(t.body.Size) / 2 // one spreadsheet unit: half a Han character
	hem := typeset.PtToMM(t.head.Size)
	n := len(s.cols)
	ws := make([]float64, n)
	lo := make([]float64, n)
	fixed := 0.0
	measured := map[string]float64{}
	measure := func(v string) (float64, error) {
		if w, ok := measured[v]; ok {
			return w, nil
		}
		w, err := fonts.Measure(v, t.body)
		measured[v] = w
		return w, err
	}
	for j, c := range s.cols {
		hw, err := fonts.Measure(c.header, t.head)
		if err != nil {
			return nil, err
		}
		if k := utf8.RuneCountInString(c.header); k >= 4 {
			hw = math.Max(hw/2, float64((k+1)/2)*hem) // two lines in the header row
		}
		edge := 2*t.pad + 0.5
		natural, token := hw, hw
		for _, row := range s.rows {
			v := row[j]
			if v == "" {
				continue
			}
			w, err := measure(v)
			if err != nil {
				return nil, fmt.Errorf("“%s”一栏：%w", c.header, err)
			}
			natural = math.Max(natural, w)
			if c.wrap {
				for _, tok := range unbreakable(v) {
					tw, err := measure(tok)
					if err != nil {
						return nil, fmt.Errorf("“%s”一栏：%w", c.header, err)
					}
					token = math.Max(token, tw)
				}
			}
		}
		if !c.wrap {
			ws[j] = natural + edge
			lo[j] = ws[j]
			fixed += ws[j]
			continue
		}
		lo[j] = math.Max(token+edge, c.min*unit)
		ws[j] = math.Min(natural+edge, math.Max(c.max*unit, lo[j]))
		ws[j] = math.Max(ws[j], lo[j])
	}
	flex, floor := 0.0, 0.0
	for j, c := range s.cols {
		if c.wrap {
			flex += ws[j]
			floor += lo[j]
		}
	}
	switch avail := width - fixed; {
	case flex == 0 || fixed > width:
		// Nothing wraps, or the unbreakable columns alone are too wide:
		// scale the whole table to the page (type shrinks in its cells).
		total := fixed + flex
		for j := range ws {
			ws[j] *= width / total
		}
	case flex <= avail:
		for j, c := range s.cols {
			if c.wrap {
				ws[j] += (avail - flex) * ws[j] / flex
			}
		}
	case floor <= avail:
		// Shrink the wrapping columns towards their floor, in proportion
		// to what each can give.
		k := (flex - avail) / (flex - floor)
		for j, c := range s.cols {
			if c.wrap {
				ws[j] -= (ws[j] - lo[j]) * k
			}
		}
	default:
		// Even the floors do not fit: the wrapping columns share what
		// is left; the unbreakable ones keep their width.
		for j, c := range s.cols {
			if c.wrap {
				ws[j] = avail * lo[j] / floor
			}
		}
	}
	cols := make([]pdfColumn, n)
	for j, c := range s.cols {
		align := typeset.Left
		if c.center {
			align = typeset.Center
		}
		cols[j] = pdfColumn{header: c.header, width: ws[j], align: align}
	}
	return cols, nil
}

// unbreakable splits s into the pieces a line may not break inside: runs
// of Latin letters, digits and the marks that join them (IDs, phones,
// e-mail addresses, URLs, 2022-05-23), and single Han characters together
// with a closing mark after them (GB/T 15834: no line starts with 、，。).
func unbreakable(s string) []string {
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		r := rs[i]
		switch {
		case unicode.IsSpace(r):
			i++
			continue
		case r < 0x2E80:
			j := i
			for j < len(rs) && rs[j] < 0x2E80 && !unicode.IsSpace(rs[j]) {
				j++
			}
			for j < len(rs) && closingMark(rs[j]) {
				j++
			}
			out = append(out, string(rs[i:j]))
			i = j
		default:
			j := i + 1
			for j < len(rs) && closingMark(rs[j]) {
				j++
			}
			out = append(out, string(rs[i:j]))
			i = j
		}
	}
	return out
}

func closingMark(r rune) bool {
	return strings.ContainsRune("、，。：；！？）》」』】〕”’", r)
}

// rosterTable is the printed roster's layout: A4 landscape, 小五 宋体.
func rosterTable() *pdfTable {
	return &pdfTable{
		page: typeset.A4.Landscape(), left: 12, right: 12, top: 10, bot: 12,
		body:       typeset.Style{Role: typeset.Table, Size: typeset.SizeSmall5},
		head:       typeset.Style{Role: typeset.Heading1, Size: typeset.SizeSmall5},
		titleStyle: typeset.Style{Role: typeset.Title, Size: typeset.SizeSmall2},
		subStyle:   typeset.Style{Role: typeset.Table, Size: typeset.Size5},
		minRow:     7, headRow: 11, pad: 1.2, minSize: 7,
	}
}

// RosterPDF writes the roster for printing: A4 landscape, one section per
// cohort (after 全部 when every cohort is asked for), with the title and
// header row repeated on every page and 第 n 页 共 N 页 below. opts.Fonts
// (nil: typeset.Default) sets the type.
func RosterPDF(w io.Writer, p *program.Programme, as []program.Applicant, opts RosterOptions) error {
	sheets, err := rosterSheets(p, as, opts)
	if err != nil {
		return fmt.Errorf("render roster: %w", err)
	}
	fonts := opts.Fonts
	if fonts == nil {
		if fonts, err = typeset.Default(); err != nil {
			return fmt.Errorf("render roster PDF: %w", err)
		}
	}
	t := rosterTable()
	sections := make([]pdfSection, len(sheets))
	for i, s := range sheets {
		cols, err := pdfColumns(fonts, t, s, t.width())
		if err != nil {
			return fmt.Errorf("render roster PDF: %s：%w", s.title, err)
		}
		sections[i] = pdfSection{
			title:    s.title,
			subtitle: fmt.Sprintf("共 %d 人（按%s排序）", len(s.rows), opts.Order),
			footer:   s.name,
			cols:     cols,
			rows:     s.rows,
		}
	}
	d := typeset.New(fonts, sheets[0].title, t.page, typeset.Info{
		Title: sheets[0].title, Author: p.IssuingBody, Subject: "学员名单", Created: createdOr(opts.Created, p), Plain: opts.PlainPDF,
	})
	if err := t.draw(d, sections); err != nil {
		return fmt.Errorf("render roster PDF: %w", err)
	}
	if err := d.Write(w); err != nil {
		return fmt.Errorf("render roster PDF: %w", err)
	}
	return nil
}
