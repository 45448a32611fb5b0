package program

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// readXLSX reads the named sheet, or the first visible sheet that holds a
// header row, of an XLSX workbook. Title rows above the header (merged or
// not) are skipped; cells merged down across data rows (a 推荐单位 shared by
// several applicants) give their value to every row; pictures placed on a
// row (in its 照片 cell by preference) become that row's photo; ID cells
// holding numbers are flagged.
func readXLSX(ctx context.Context, data []byte, name, sheet string, lim Limits) (t *sheetTable, err error) {
	// A malformed workbook must not take the process down with it.
	defer func() {
		if r := recover(); r != nil {
			t, err = nil, fmt.Errorf("%s 的内容已损坏，无法作为.xlsx读取（%v）", name, r)
		}
	}()
	if err := CheckZip(data, name, lim); err != nil {
		return nil, err
	}
	// The same bounds for excelize, which inflates parts larger than
	// UnzipXMLSizeLimit to temporary files instead of memory.
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: lim.InflatedBytes, UnzipXMLSizeLimit: min(lim.InflatedBytes, 16<<20),
	})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) || errors.Is(err, excelize.ErrWorkbookPassword) {
			return nil, fmt.Errorf("%s 无法作为.xlsx打开（可能已加密或不是Excel文件）：%w", name, err)
		}
		return nil, fmt.Errorf("%s 无法作为.xlsx打开：%w", name, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	candidates := sheets
	if sheet != "" {
		found := false
		for _, s := range sheets {
			if s == sheet || strings.EqualFold(trim(s), trim(sheet)) {
				candidates, found = []string{s}, true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("%s 中没有名为“%s”的工作表（现有：%s）", name, sheet, strings.Join(sheets, "、"))
		}
	}
	var hidden []string
	for _, s := range candidates {
		if sheet == "" {
			if visible, err := f.GetSheetVisible(s); err == nil && !visible {
				hidden = append(hidden, s)
				continue
			}
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rows, err := sheetRows(f, name, s, lim)
		if err != nil {
			return nil, err
		}
		h := findHeader(rows)
		if h < 0 {
			continue
		}
		if n := countFilled(rows[h+1:]); n > lim.Rows {
			return nil, &LimitError{File: name, Part: fmt.Sprintf("工作表“%s”", s), What: "数据行数", Limit: int64(lim.Rows), Env: "LINGHANG_IMPORT_MAX_ROWS"}
		}
		return xlsxTable(f, name, s, rows, h)
	}
	if sheet != "" {
		return nil, &FieldError{File: name, Reason: fmt.Sprintf("工作表“%s”的前30行中找不到表头（应含“姓名”“身份证号”“选择班次”等报名表栏目）", sheet)}
	}
	// A header on a hidden sheet only: say where the data is rather than
	// read what someone chose to hide.
	for _, s := range hidden {
		if rows, err := sheetRows(f, name, s, lim); err == nil && findHeader(rows) >= 0 {
			return nil, &FieldError{File: name, Reason: fmt.Sprintf("找不到表头：可见的工作表中都没有报名表栏目，报名数据在隐藏的工作表“%s”中；请在Excel中取消隐藏该表，或用 --sheet %s 指定", s, s)}
		}
	}
	return nil, &FieldError{File: name, Reason: "找不到表头：各工作表前30行中都没有报名表栏目（姓名、身份证号、选择班次等）"}
}

func xlsxTable(f *excelize.File, name, sheet string, rows [][]string, h int) (*sheetTable, error) {
	t := &sheetTable{format: FormatXLSX, sheet: sheet, headerRow: h + 1}
	t.col, t.headings, t.ignored, _ = mapHeader(rows[h])
	if err := t.checkHeader(name); err != nil {
		return nil, err
	}
	fillMerged(f, sheet, rows, h+1)
	pics := xlsxPictureRows(f, sheet, t.col[fPhoto], h+1)
	idCol := t.col[fID]
	t.records = make([]rawRecord, 0, len(rows)-h-1)
	for i := h + 1; i < len(rows); i++ {
		row := i + 1
		rec, ok := t.recordFromCells(row, rows[i])
		if !ok {
			continue
		}
		if idCol > 0 && trim(rec.vals[fID]) != "" {
			cell, _ := excelize.CoordinatesToCellName(idCol, row)
			if ct, err := f.GetCellType(sheet, cell); err == nil && (ct == excelize.CellTypeNumber || ct == excelize.CellTypeUnset) {
				raw, _ := f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
				if digits, ok := numberDigits(raw); ok {
					rec.numeric[fID] = true
					rec.idDigits = digits
				}
			}
		}
		if p, ok := pics[row]; ok {
			rec.picture, rec.pictErr = p.data, p.err
		}
		t.records = append(t.records, rec)
	}
	return t, nil
}

// sheetRows is excelize's GetRows with the row and column limits: it
// stops at the first row past them instead of reading a million rows
// into memory. Trailing empty cells and rows are dropped; empty rows
// between filled ones are kept so that indices stay row numbers.
func sheetRows(f *excelize.File, name, sheet string, lim Limits) ([][]string, error) {
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, fmt.Errorf("读取 %s 工作表“%s”：%w", name, sheet, err)
	}
	defer it.Close()
	var out [][]string
	cur, filled := 0, 0
	for it.Next() {
		cur++
		row, err := it.Columns()
		if err != nil {
			return nil, fmt.Errorf("%s 的工作表“%s”第%d行无法读取（文件已损坏或不完整）：%w", name, sheet, cur, err)
		}
		n := len(row)
		for n > 0 && row[n-1] == "" {
			n--
		}
		if n == 0 {
			continue
		}
		part := fmt.Sprintf("工作表“%s”", sheet)
		if n > lim.Cols {
			return nil, &LimitError{File: name, Part: part, What: fmt.Sprintf("第%d行的列数", cur), Limit: int64(lim.Cols), Got: int64(n), Env: "LINGHANG_IMPORT_MAX_COLS"}
		}
		// The header and the title rows above it come on top of the data rows.
		if filled++; filled > lim.Rows+30 {
			return nil, &LimitError{File: name, Part: part, What: "数据行数", Limit: int64(lim.Rows), Env: "LINGHANG_IMPORT_MAX_ROWS"}
		}
		for len(out) < cur-1 {
			out = append(out, nil)
		}
		out = append(out, row[:n])
	}
	return out, nil
}

// numberDigits turns the stored value of a numeric cell into the digits
// it stands for: "110105198001010021" stays, "1.10105198001E+17" becomes
// "110105198001000000".
func numberDigits(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", false
	}
	if strings.Trim(raw, "0123456789") == "" {
		return raw, true
	}
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil || v < 0 {
		return "", false
	}
	return strconv.FormatFloat(v, 'f', 0, 64), true
}

// fillMerged copies the value of each merged range that starts at or
// below the first data row into every cell it covers.
func fillMerged(f *excelize.File, sheet string, rows [][]string, firstDataRow int) {
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		return
	}
	for _, m := range merged {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil || r1 <= firstDataRow-1 || r1 > len(rows) {
			continue
		}
		v := ""
		if c1-1 < len(rows[r1-1]) {
			v = rows[r1-1][c1-1]
		}
		for r := r1; r <= r2 && r <= len(rows); r++ {
			for c := c1; c <= c2; c++ {
				for len(rows[r-1]) < c {
					rows[r-1] = append(rows[r-1], "")
				}
				if rows[r-1][c-1] == "" {
					rows[r-1][c-1] = v
				}
			}
		}
	}
}

type xlsxPicture struct {
	data []byte
	err  string
}

// xlsxPictureRows returns, per row, the picture placed in the 照片 column
// (or, failing that, anywhere on the row).
func xlsxPictureRows(f *excelize.File, sheet string, photoCol, headerRow int) map[int]xlsxPicture {
	out := map[int]xlsxPicture{}
	cells, err := f.GetPictureCells(sheet)
	if err != nil || len(cells) == 0 {
		return out
	}
	inPhotoCol := map[int]bool{}
	for _, cell := range cells {
		col, row, err := excelize.CellNameToCoordinates(cell)
		if err != nil || row <= headerRow {
			continue
		}
		if inPhotoCol[row] {
			continue
		}
		if _, taken := out[row]; taken && col != photoCol {
			continue
		}
		pics, err := f.GetPictures(sheet, cell)
		switch {
		case err != nil:
			out[row] = xlsxPicture{err: fmt.Sprintf("单元格%s中的图片无法读取：%v", cell, err)}
		case len(pics) > 0:
			out[row] = xlsxPicture{data: pics[0].File}
		default:
			continue
		}
		if col == photoCol {
			inPhotoCol[row] = true
		}
	}
	return out
}
