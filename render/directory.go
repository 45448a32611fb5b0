package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/xuri/excelize/v2"

	"linghang/program"
	"linghang/render/typeset"
)

// directoryNote closes the 通讯录.
const directoryNote = "本通讯录仅供本期学员相互联系使用，请妥善保管，不得外传。"

// directoryTable is the 通讯录 of a cohort: name, unit and title,
// research field, e-mail, and the mobile only when the programme allows
// it for the cohort. ID numbers never appear.
func directoryTable(c *program.Cohort, as []program.Applicant, order program.Order) (heads []string, widths []float64, rows [][]string) {
	heads = []string{"序号", "姓名", "工作单位及职务、职称", "研究领域", "电子邮箱"}
	widths = []float64{11, 17, 63, 30, 49}
	if c.DirectoryPhones {
		heads = append(heads, "手机")
		widths = []float64{11, 15, 49, 24, 43, 28}
	}
	sorted := append([]program.Applicant(nil), as...)
	order.Sort(sorted)
	for i, a := range sorted {
		r := []string{strconv.Itoa(i + 1), a.Name, a.Employer, a.Field, a.Email}
		if c.DirectoryPhones {
			r = append(r, a.Mobile)
		}
		rows = append(rows, r)
	}
	return heads, widths, rows
}

// DirectoryPDF typesets the cohort's 通讯录 (see directoryTable) on A4.
func DirectoryPDF(w io.Writer, p *program.Programme, cohort int, as []program.Applicant, opts CohortOptions) error {
	if p == nil {
		return errors.New("render directorypdf: no programme")
	}
	c, ok := p.Cohort(cohort)
	if !ok {
		return fmt.Errorf("render directory: %d年度没有第%d期", p.Year, cohort)
	}
	fonts, err := opts.fonts()
	if err != nil {
		return fmt.Errorf("render directory: fonts: %w", err)
	}
	title := c.Title() + " 通讯录"
	d := typeset.New(fonts, title, typeset.A4, typeset.Info{Title: title, Author: joinHosts(c), Subject: "通讯录", Created: opts.created(p)})
	heads, widths, rows := directoryTable(c, as, opts.Order)
	body := typeset.Style{Role: typeset.Table, Size: 10.5, Leading: typeset.PtToMM(10.5) * 1.35}
	head := body
	head.Role = typeset.Heading1
	t := &ruledTable{d: d, x: listMargin, bottom: listBottom - 8, body: body, head: head, pad: 1.5}
	for i, h := range heads {
		al := typeset.Left
		if i == 0 {
			al = typeset.Center
		}
		t.cols = append(t.cols, ruledCol{head: h, width: widths[i], align: al})
	}
	pages := 0
	t.page = func() (float64, error) {
		d.AddPage()
		pages++
		if pages > 1 {
			return listTop, nil
		}
		ts := typeset.Style{Role: typeset.Title, Size: typeset.Size2, Align: typeset.Center}
		fit, err := d.Fit(typeset.Rect{X: listMargin, Y: listTop, W: 170, H: 24}, title, ts, 14)
		if err != nil {
			return 0, err
		}
		y := listTop + fit.Height + 3
		sub := fmt.Sprintf("%s　%s　共%d人", c.Period(), c.Location, len(rows))
		fit, err = d.Paragraph(typeset.Rect{X: listMargin, Y: y, W: 170, H: 16}, sub, typeset.Style{Role: typeset.Body, Size: 12, Align: typeset.Center})
		if err != nil {
			return 0, err
		}
		return y + fit.Height + 5, nil
	}
	if err := t.start(); err != nil {
		return fmt.Errorf("render directory: %w", err)
	}
	groups := make([]ruledGroup, len(rows))
	for i, r := range rows {
		cells := make([]string, len(r))
		for j, v := range r {
			cells[j] = cellWords(v)
		}
		groups[i] = ruledGroup{rows: [][]string{cells}}
	}
	if err := t.groups(groups, false); err != nil {
		return fmt.Errorf("render directory %s: %w", c.Title(), err)
	}
	// The foot names the page of how many, as the 名单 and 签到表 do.
	foot := typeset.Style{Role: typeset.Body, Size: 9, Color: typeset.Gray, Align: typeset.Center}
	for n := 1; n <= pages; n++ {
		d.SetPage(n)
		if err := d.Text(105, 290, fmt.Sprintf("%s　%s　第%d页 共%d页", title, directoryNote, n, pages), foot); err != nil {
			return fmt.Errorf("render directory: %w", err)
		}
	}
	d.SetPage(pages)
	if err := d.Write(w); err != nil {
		return fmt.Errorf("render directory: %w", err)
	}
	return nil
}

// DirectoryXLSX writes the same 通讯录 as a workbook: title, heading row,
// one row per applicant (all cells text), the note below.
func DirectoryXLSX(w io.Writer, p *program.Programme, cohort int, as []program.Applicant, opts CohortOptions) error {
	if p == nil {
		return errors.New("render directoryxlsx: no programme")
	}
	c, ok := p.Cohort(cohort)
	if !ok {
		return fmt.Errorf("render directory XLSX: %d年度没有第%d期", p.Year, cohort)
	}
	heads, widths, rows := directoryTable(c, as, opts.Order)
	f := excelize.NewFile()
	defer f.Close()
	if err := writeDirectory(f, p, c, heads, widths, rows, opts); err != nil {
		return fmt.Errorf("render directory XLSX: %w", err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return fmt.Errorf("render directory XLSX: write: %w", err)
	}
	if err := canonicalZip(w, buf.Bytes(), opts.created(p)); err != nil {
		return fmt.Errorf("render directory XLSX: %w", err)
	}
	return nil
}

func writeDirectory(f *excelize.File, p *program.Programme, c *program.Cohort, heads []string, widths []float64, rows [][]string, opts CohortOptions) error {
	const sheet = "通讯录"
	title := c.Title() + " 通讯录"
	created := opts.created(p).UTC().Format("2006-01-02T15:04:05Z")
	if err := f.SetDocProps(&excelize.DocProperties{Title: title, Subject: "通讯录", Creator: "linghang", Language: "zh-CN", Created: created, Modified: created}); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	st, err := newRosterStyles(f)
	if err != nil {
		return err
	}
	last, _ := excelize.ColumnNumberToName(len(heads))
	if err := f.SetCellStr(sheet, "A1", title); err != nil {
		return err
	}
	if err := f.MergeCell(sheet, "A1", last+"1"); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", last+"1", st.title); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, 30); err != nil {
		return err
	}
	for i, h := range heads {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, widths[i]*0.55); err != nil {
			return err
		}
		if err := f.SetCellStr(sheet, col+"2", h); err != nil {
			return err
		}
	}
	if err := f.SetCellStyle(sheet, "A2", last+"2", st.head); err != nil {
		return err
	}
	for r, row := range rows {
		n := 1
		for i, v := range row {
			cell, _ := excelize.CoordinatesToCellName(i+1, r+3)
			if err := f.SetCellStr(sheet, cell, v); err != nil {
				return err
			}
			n = max(n, lines(v, widths[i]*0.55))
		}
		// As tall as its wrapped lines: LibreOffice keeps a row without a
		// height at one line and prints the second over the next row.
		if err := f.SetRowHeight(sheet, r+3, max(20, float64(n)*xlsxLineHeight+5)); err != nil {
			return err
		}
	}
	if len(rows) > 0 {
		if err := f.SetCellStyle(sheet, "A3", fmt.Sprintf("%s%d", last, len(rows)+2), st.wrap); err != nil {
			return err
		}
	}
	noteRow := len(rows) + 4
	if err := f.SetCellStr(sheet, fmt.Sprintf("A%d", noteRow), directoryNote); err != nil {
		return err
	}
	// Printed on A4 one page wide (at 100 % the 电子邮箱 column fell on a
	// page of its own), the heading rows on every page, numbered.
	portrait, a4, one, any, fit := "portrait", 9, 1, 0, true
	if err := f.SetPageLayout(sheet, &excelize.PageLayoutOptions{Size: &a4, Orientation: &portrait, FitToWidth: &one, FitToHeight: &any}); err != nil {
		return err
	}
	if err := f.SetSheetProps(sheet, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	m := func(v float64) *float64 { return &v }
	if err := f.SetPageMargins(sheet, &excelize.PageLayoutMarginsOptions{
		Left: m(xlsxMargin), Right: m(xlsxMargin), Top: m(0.6), Bottom: m(0.6), Header: m(0.3), Footer: m(0.3), Horizontally: &fit,
	}); err != nil {
		return err
	}
	if err := f.SetHeaderFooter(sheet, &excelize.HeaderFooterOptions{OddFooter: "&C第 &P 页 共 &N 页"}); err != nil {
		return err
	}
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$1:$2", sheet), Scope: sheet}); err != nil {
		return err
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}
