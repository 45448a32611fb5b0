package program

import (
	"strings"

	"github.com/xuri/excelize/v2"
)

// FormulaLike reports whether a spreadsheet program would take s as a
// formula or a command when it is typed in, pasted or read from CSV: it
// begins with = + - @ (or the full-width ＝), a tab or a carriage return.
// Data from applicants (=HYPERLINK(…), +cmd|…) must never run on the
// desk of whoever opens a roster or a report. This is the one test every
// writer of spreadsheet files uses.
func FormulaLike(s string) bool {
	if s == "" {
		return false
	}
	return strings.ContainsRune("=+-@\t\r＝", []rune(s)[0])
}

// SafeCSV returns s as a CSV cell that a spreadsheet shows as text: a
// formula-like value gets a leading apostrophe ('=1+1), which Excel and
// WPS hide and which a person reading the file sees for what it is.
func SafeCSV(s string) string {
	if FormulaLike(s) {
		return "'" + s
	}
	return s
}

// SafeCSVRecord applies SafeCSV to every field of a record, in place.
func SafeCSVRecord(rec []string) []string {
	for i, s := range rec {
		rec[i] = SafeCSV(s)
	}
	return rec
}

// QuotePrefixStyle adds to f a copy of cell style id with quotePrefix="1"
// and returns its id: an XLSX cell with that style holds text that stays
// text even when someone edits it in Excel. Writers put formula-like
// strings (FormulaLike) in such cells; the value itself is always a
// string cell, never a formula. excelize's Style has no such field (and
// NewStyle would deduplicate an identical style), so the cell format is
// copied in the style sheet excelize holds.
func QuotePrefixStyle(f *excelize.File, id int) int {
	xfs := f.Styles.CellXfs
	xf := xfs.Xf[id]
	on := true
	xf.QuotePrefix = &on
	xfs.Xf = append(xfs.Xf, xf)
	xfs.Count = len(xfs.Xf)
	return len(xfs.Xf) - 1
}
