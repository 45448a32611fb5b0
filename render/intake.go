package render

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"linghang/program"
)

// The intake template's hidden marker (program.IntakeMarkerSheet): a very
// hidden sheet whose A1 holds IntakeTemplateMarker, B1 the template's
// version, A2 the year and A3 the cohort (0: every cohort); import reports
// it and warns when the year is not the programme's.
const (
	IntakeTemplateMarker  = program.IntakeMarker
	IntakeTemplateVersion = program.IntakeVersion
	intakeMarkerSheet     = program.IntakeMarkerSheet
	intakeChoiceSheet     = "选项"
	intakeSheet           = "报名汇总表"
	intakeHeaderRow       = 3
)

// IntakeOptions shapes the 报名汇总表 template.
type IntakeOptions struct {
	// Cohort limits the 选择班次 list to one cohort; 0 offers every cohort.
	Cohort int
	// Rows is the number of prepared rows (formats, lists, hints); 0
	// means 200. Rows typed below them are read too, only unchecked.
	Rows int
	// Created dates the workbook; zero means the programme's date.
	Created time.Time
}

// intakeColumn is one column of the template: a heading import maps
// without help, a width, an input hint and a check.
type intakeColumn struct {
	head  string
	width float64
	hint  string
	list  string // a range of the 选项 sheet offered as a drop-down list
	// min, max bound the text length (characters); max 0: no bound.
	min, max int
}

func intakeColumns(p *program.Programme, choices int) []intakeColumn {
	return []intakeColumn{
		{head: "序号", width: 6},
		{head: program.ColRecommender, width: 22, hint: "推荐单位全称（全国学会或省级科协），同一单位的学员可各行重复填写。", max: 60},
		{head: program.ColName, width: 10, hint: "与身份证一致。", min: 1, max: 20},
		{head: program.ColGender, width: 6, hint: "从下拉列表选择。", list: "$A$1:$A$2"},
		{head: program.ColEthnicity, width: 10, hint: "从下拉列表选择（56个民族）。", list: "$B$1:$B$56"},
		{head: program.ColPolitical, width: 12, hint: "从下拉列表选择。", list: fmt.Sprintf("$C$1:$C$%d", len(program.PoliticalStatuses))},
		{head: program.ColID, width: 21, hint: "18位，末位X大写。本列为文本格式，请勿改为数字，否则后几位会变成0。", min: 18, max: 18},
		{head: program.ColMobile, width: 14, hint: "11位手机号码。", min: 11, max: 11},
		{head: program.ColOfficePhone, width: 15, hint: "区号-号码，如 010-68530471。", max: 24},
		{head: program.ColEmail, width: 24, hint: "常用电子邮箱。", max: 80},
		{head: program.ColField, width: 16, hint: "如：集成电路、作物遗传育种。", max: 60},
		{head: program.ColEmployer, width: 30, hint: "工作单位及职务、职称，如：某某大学 副院长、教授。", max: 120},
		{head: program.ColCohort, width: 22, hint: "从下拉列表选择1个班次；标“仅限女性”的班次只收女性学员。", list: fmt.Sprintf("$D$1:$D$%d", choices)},
		{head: program.ColBio, width: 40, hint: fmt.Sprintf("学习、工作经历，主要获奖情况，主要社会兼职；不超过%d字。", p.Form.BioMaxRunes), max: p.Form.BioMaxRunes},
		{head: program.ColPhoto, width: 14, hint: "可在本格插入照片，或填写照片文件名（与本表放在同一文件夹）。"},
	}
}

// IntakeTemplate writes the 报名汇总表: the blank XLSX a recommending unit
// fills in, one row per applicant, with the registration form's columns
// under the headings `linghang import` reads without any mapping. ID and
// phone columns (every input column, in fact) are formatted as text so that
// Excel cannot turn an ID into 1.10105E+17; 性别, 民族 (the 56), 政治面貌 and
// 班次 (this year's, the women-only cohort marked) are drop-down lists;
// every column has an input hint and, where the form bounds it, a length
// check. A very hidden sheet carries the template's version.
func IntakeTemplate(w io.Writer, p *program.Programme, opts IntakeOptions) error {
	if p == nil {
		return errors.New("render intake template: no programme")
	}
	cohorts := p.Cohorts
	if opts.Cohort != 0 {
		c, ok := p.Cohort(opts.Cohort)
		if !ok {
			return fmt.Errorf("render intake template: %d年度没有第%d期", p.Year, opts.Cohort)
		}
		cohorts = []program.Cohort{*c}
	}
	if opts.Rows <= 0 {
		opts.Rows = 200
	}
	created := opts.Created
	if created.IsZero() {
		created = p.Date.Time
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := writeIntake(f, p, cohorts, opts, created); err != nil {
		return fmt.Errorf("render intake template: %w", err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return fmt.Errorf("render intake template: write: %w", err)
	}
	if err := canonicalZip(w, buf.Bytes(), created); err != nil {
		return fmt.Errorf("render intake template: %w", err)
	}
	return nil
}

func writeIntake(f *excelize.File, p *program.Programme, cohorts []program.Cohort, opts IntakeOptions, created time.Time) error {
	if err := f.SetDefaultFont("宋体"); err != nil {
		return err
	}
	title := fmt.Sprintf("%d年“领航计划”青年科技领军人才国情研修活动报名汇总表", p.Year)
	if opts.Cohort != 0 {
		title = fmt.Sprintf("%d年“领航计划”%s 报名汇总表", p.Year, cohorts[0].Title())
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title: title, Subject: "报名汇总表", Creator: "linghang", Language: "zh-CN",
		Keywords: fmt.Sprintf("%s v%d", IntakeTemplateMarker, IntakeTemplateVersion),
		Created:  created.UTC().Format("2006-01-02T15:04:05Z"), Modified: created.UTC().Format("2006-01-02T15:04:05Z"),
	}); err != nil {
		return err
	}
	if err := f.SetSheetName("Sheet1", intakeSheet); err != nil {
		return err
	}
	choices := make([]string, len(cohorts))
	for i, c := range cohorts {
		choices[i] = c.Choice()
	}
	if err := writeChoices(f, choices); err != nil {
		return err
	}
	if err := writeMarker(f, p.Year, opts.Cohort); err != nil {
		return err
	}
	cols := intakeColumns(p, len(choices))
	s := intakeSheet
	last, _ := excelize.ColumnNumberToName(len(cols))
	firstRow, lastRow := intakeHeaderRow+1, intakeHeaderRow+opts.Rows

	border := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	var err error
	style := func(st *excelize.Style) int {
		if err != nil {
			return 0
		}
		var id int
		id, err = f.NewStyle(st)
		return id
	}
	titleSt := style(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 16},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	noteSt := style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 10, Color: "595959"},
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	headSt := style(&excelize.Style{Font: &excelize.Font{Family: "黑体", Size: 11}, Border: border,
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true}})
	cellSt := style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 11}, Border: border, NumFmt: 49,
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}})
	numSt := style(&excelize.Style{Font: &excelize.Font{Family: "宋体", Size: 11}, Border: border,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"}})
	if err != nil {
		return fmt.Errorf("styles: %w", err)
	}

	if err := f.SetCellStr(s, "A1", title); err != nil {
		return err
	}
	if err := f.MergeCell(s, "A1", last+"1"); err != nil {
		return err
	}
	note := fmt.Sprintf("填表说明：每行一名学员，从第%d行起填写；请勿修改表头、增删列或改动单元格格式。每位学员限报1个班次。"+
		"填好后交承办单位，用 linghang import 导入，格式不符的行会逐行报出。", firstRow)
	if err := f.SetCellStr(s, "A2", note); err != nil {
		return err
	}
	if err := f.MergeCell(s, "A2", last+"2"); err != nil {
		return err
	}
	if err := f.SetCellStyle(s, "A1", last+"1", titleSt); err != nil {
		return err
	}
	if err := f.SetCellStyle(s, "A2", last+"2", noteSt); err != nil {
		return err
	}
	for _, rh := range []struct {
		row int
		h   float64
	}{{1, 32}, {2, 30}, {intakeHeaderRow, 30}} {
		if err := f.SetRowHeight(s, rh.row, rh.h); err != nil {
			return err
		}
	}
	for i, c := range cols {
		name, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(s, name, name, c.width); err != nil {
			return err
		}
		if err := f.SetCellStr(s, fmt.Sprintf("%s%d", name, intakeHeaderRow), c.head); err != nil {
			return err
		}
		rng := fmt.Sprintf("%s%d:%s%d", name, firstRow, name, lastRow)
		st := cellSt
		if i == 0 {
			st = numSt
		}
		if err := f.SetCellStyle(s, fmt.Sprintf("%s%d", name, firstRow), fmt.Sprintf("%s%d", name, lastRow), st); err != nil {
			return err
		}
		if c.hint == "" && c.list == "" && c.max == 0 {
			continue
		}
		dv := excelize.NewDataValidation(true)
		dv.SetSqref(rng)
		if c.hint != "" {
			dv.SetInput(c.head, c.hint)
		}
		switch {
		case c.list != "":
			dv.SetSqrefDropList(fmt.Sprintf("'%s'!%s", intakeChoiceSheet, c.list))
			dv.SetError(excelize.DataValidationErrorStyleStop, c.head, "请从下拉列表中选择。")
		case c.max > 0:
			if err := dv.SetRange(c.min, c.max, excelize.DataValidationTypeTextLength, excelize.DataValidationOperatorBetween); err != nil {
				return fmt.Errorf("%s: %w", c.head, err)
			}
			msg := fmt.Sprintf("不超过%d个字。", c.max)
			if c.min == c.max {
				msg = fmt.Sprintf("应为%d位。", c.max)
			}
			dv.SetError(excelize.DataValidationErrorStyleStop, c.head, c.head+msg)
		}
		if err := f.AddDataValidation(s, dv); err != nil {
			return fmt.Errorf("%s: %w", c.head, err)
		}
	}
	if err := f.SetCellStyle(s, "A"+strconv.Itoa(intakeHeaderRow), last+strconv.Itoa(intakeHeaderRow), headSt); err != nil {
		return err
	}
	for r := firstRow; r <= lastRow; r++ {
		if err := f.SetCellInt(s, "A"+strconv.Itoa(r), int64(r-intakeHeaderRow)); err != nil {
			return err
		}
	}
	if err := f.SetPanes(s, &excelize.Panes{Freeze: true, YSplit: intakeHeaderRow, XSplit: 3,
		TopLeftCell: fmt.Sprintf("D%d", firstRow), ActivePane: "bottomRight"}); err != nil {
		return err
	}
	landscape, a4 := "landscape", 9
	if err := f.SetPageLayout(s, &excelize.PageLayoutOptions{Orientation: &landscape, Size: &a4}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: fmt.Sprintf("'%s'!$%d:$%d", s, intakeHeaderRow, intakeHeaderRow), Scope: s})
}

// writeChoices fills the hidden 选项 sheet the drop-down lists read:
// A 性别, B 民族, C 政治面貌, D 班次.
func writeChoices(f *excelize.File, cohorts []string) error {
	if _, err := f.NewSheet(intakeChoiceSheet); err != nil {
		return err
	}
	for col, list := range [][]string{{"男", "女"}, program.Ethnicities, program.PoliticalStatuses, cohorts} {
		name, _ := excelize.ColumnNumberToName(col + 1)
		for i, v := range list {
			if err := f.SetCellStr(intakeChoiceSheet, fmt.Sprintf("%s%d", name, i+1), v); err != nil {
				return err
			}
		}
	}
	return f.SetSheetVisible(intakeChoiceSheet, false)
}

func writeMarker(f *excelize.File, year, cohort int) error {
	if _, err := f.NewSheet(intakeMarkerSheet); err != nil {
		return err
	}
	for _, c := range []struct {
		cell string
		v    any
	}{{"A1", IntakeTemplateMarker}, {"B1", IntakeTemplateVersion}, {"A2", year}, {"A3", cohort}} {
		if err := f.SetCellValue(intakeMarkerSheet, c.cell, c.v); err != nil {
			return err
		}
	}
	return f.SetSheetVisible(intakeMarkerSheet, false, true)
}
