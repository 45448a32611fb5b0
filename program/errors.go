package program

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// FieldError is one problem with one value of one row of an intake file.
// Reason is a Chinese sentence that tells the person filling in the form
// what is wrong and, where possible, how to fix it.
type FieldError struct {
	File   string // source file name as given to Import ("报名汇总.xlsx")
	Row    int    // 1-based row as the spreadsheet shows it (JSON: record number); 0 for the whole file
	Column string // canonical field name (附件2), e.g. 身份证号; empty for the whole row
	Col    int    // 1-based column index in the file, 0 if unknown (JSON)
	Value  string // the value as read, before normalisation
	Reason string
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteString(" ")
	}
	if e.Row > 0 {
		fmt.Fprintf(&b, "第%d行 ", e.Row)
	}
	if e.Column != "" {
		fmt.Fprintf(&b, "「%s」", e.Column)
	}
	if e.Value != "" {
		fmt.Fprintf(&b, "（值：%s）", MaskValue(e.Column, e.Value))
	}
	b.WriteString("：")
	b.WriteString(e.Reason)
	return b.String()
}

// ErrorList is a list of field errors sorted by row, then column.
type ErrorList []*FieldError

// Sort orders the list by file, row, column index, field name and reason.
func (l ErrorList) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i], l[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Row != b.Row {
			return a.Row < b.Row
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		if a.Column != b.Column {
			return a.Column < b.Column
		}
		return a.Reason < b.Reason
	})
}

// Rows returns the distinct rows that have an error, ascending.
// has reports whether any error concerns the column.
func (l ErrorList) has(column string) bool {
	for _, fe := range l {
		if fe.Column == column {
			return true
		}
	}
	return false
}

func (l ErrorList) Rows() []int {
	seen := map[int]bool{}
	var out []int
	for _, e := range l {
		if !seen[e.Row] {
			seen[e.Row] = true
			out = append(out, e.Row)
		}
	}
	sort.Ints(out)
	return out
}

// ValidationError reports every rejected row of an import at once.
type ValidationError struct {
	File   string
	Errors ErrorList // sorted by row
}

func (e *ValidationError) Error() string {
	rows := e.Errors.Rows()
	if len(e.Errors) == 1 {
		return e.Errors[0].Error()
	}
	name := e.File
	if name == "" {
		name = "导入数据"
	}
	return fmt.Sprintf("%s：%d行有误，共%d处错误（首个：%s）", name, len(rows), len(e.Errors), e.Errors[0].Error())
}

// Unwrap lets errors.As find the individual *FieldError values.
func (e *ValidationError) Unwrap() []error {
	out := make([]error, len(e.Errors))
	for i, fe := range e.Errors {
		out[i] = fe
	}
	return out
}

// AsValidationError returns the *ValidationError inside err, if any.
func AsValidationError(err error) (*ValidationError, bool) {
	var ve *ValidationError
	ok := errors.As(err, &ve)
	return ve, ok
}

// WriteTable writes the errors as an aligned text table with the columns
// 文件 | 行 | 列 | 值 | 原因, personal data in 值 partly masked. Column
// letters are shown for spreadsheet files (F 身份证号).
func (l ErrorList) WriteTable(w io.Writer) error {
	header := []string{"文件", "行", "列", "值", "原因"}
	rows := make([][]string, 0, len(l))
	for _, e := range l {
		row := "—"
		if e.Row > 0 {
			row = strconv.Itoa(e.Row)
		}
		col := e.Column
		if e.Col > 0 {
			col = ColumnLetter(e.Col) + " " + col
		}
		rows = append(rows, []string{e.File, row, strings.TrimSpace(col), clip(oneLine(MaskValue(e.Column, e.Value)), 24), oneLine(e.Reason)})
	}
	widths := make([]int, len(header))
	for i, h := range header {
		widths[i] = displayWidth(h)
	}
	for _, r := range rows {
		for i, c := range r[:len(r)-1] {
			widths[i] = max(widths[i], displayWidth(c))
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		for i, c := range cells {
			if i == len(cells)-1 {
				b.WriteString(c)
				break
			}
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", widths[i]-displayWidth(c)+2))
		}
		b.WriteString("\n")
	}
	line(header)
	for _, r := range rows {
		line(r)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteCSV writes the errors as CSV with the columns of WriteTable and
// the same masking, preceded by a UTF-8 byte-order mark so that Excel on
// Chinese Windows opens it without mojibake. It is the list to send back
// to whoever filled in the file. Values that a spreadsheet would run as
// a formula (=HYPERLINK(…) typed into a name) are written with a leading
// apostrophe (SafeCSV).
func (l ErrorList) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	cw.Write([]string{"文件", "行", "列", "栏目", "值", "原因"})
	for _, e := range l {
		row, col := "", ""
		if e.Row > 0 {
			row = strconv.Itoa(e.Row)
		}
		if e.Col > 0 {
			col = ColumnLetter(e.Col)
		}
		cw.Write(SafeCSVRecord([]string{e.File, row, col, e.Column, MaskValue(e.Column, e.Value), e.Reason}))
	}
	cw.Flush()
	return cw.Error()
}

// ColumnLetter returns the spreadsheet column name of a 1-based index
// (1 → A, 27 → AA).
func ColumnLetter(n int) string {
	var s []byte
	for n > 0 {
		n--
		s = append([]byte{byte('A' + n%26)}, s...)
		n /= 26
	}
	return string(s)
}

// MaskValue hides the middle of personal data so an error table can be
// passed around: 身份证号 keeps its first 6 and last 4 characters, 手机 its
// first 3 and last 4, 电子邮箱 the first character of the local part and the
// domain (a wrong number of 8 or more characters is masked the same way).
// Other values are returned unchanged.
func MaskValue(field, v string) string {
	switch field {
	case "身份证号":
		if n := utf8.RuneCountInString(v); n >= 15 && !strings.ContainsAny(v, "Ee.") {
			r := []rune(v)
			return string(r[:6]) + strings.Repeat("*", n-10) + string(r[n-4:])
		}
	case "手机":
		if r := []rune(v); len(r) >= 8 {
			return string(r[:3]) + strings.Repeat("*", len(r)-7) + string(r[len(r)-4:])
		}
	case "电子邮箱":
		if i := strings.LastIndexByte(v, '@'); i > 0 {
			r := []rune(v[:i])
			return string(r[:1]) + "***" + v[i:]
		}
	}
	return v
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ")), " ")
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// displayWidth counts East Asian wide and full-width characters as two
// columns, as a terminal shows them.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
