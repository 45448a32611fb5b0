package render

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linghang/program"
)

func intakeTemplate(t *testing.T, p *program.Programme, opts IntakeOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := IntakeTemplate(&buf, p, opts); err != nil {
		t.Fatalf("IntakeTemplate: %v", err)
	}
	return buf.Bytes()
}

func TestIntakeTemplateStructure(t *testing.T) {
	p := formProgramme(t)
	b := intakeTemplate(t, p, IntakeOptions{Rows: 50})
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := strings.Join(f.GetSheetList(), ","), "报名汇总表,选项,linghang"; got != want {
		t.Errorf("sheets = %s, want %s", got, want)
	}
	for _, s := range []string{"选项", "linghang"} {
		if v, _ := f.GetSheetVisible(s); v {
			t.Errorf("sheet %s is visible", s)
		}
	}
	if v, _ := f.GetCellValue("linghang", "A1"); v != IntakeTemplateMarker {
		t.Errorf("marker A1 = %q", v)
	}
	if v, _ := f.GetCellValue("linghang", "B1"); v != fmt.Sprint(IntakeTemplateVersion) {
		t.Errorf("marker version = %q", v)
	}
	rows, _ := f.GetRows("报名汇总表")
	head := strings.Join(rows[intakeHeaderRow-1], "|")
	if want := "序号|推荐单位|姓名|性别|民族|政治面貌|身份证号|手机|办公电话|电子邮箱|研究领域|工作单位及职务、职称|选择班次|个人简介|照片"; head != want {
		t.Errorf("header = %s\nwant     %s", head, want)
	}
	// Text format where Excel would mangle digits.
	for _, cell := range []string{"G4", "G53", "H4", "I20"} {
		id, _ := f.GetCellStyle("报名汇总表", cell)
		st, _ := f.GetStyle(id)
		if st == nil || st.NumFmt != 49 {
			t.Errorf("%s: number format %v, want text (49)", cell, st)
		}
	}
	choices := choiceCols(t, f)
	checks := []struct {
		name      string
		got, want any
	}{
		{"genders", strings.Join(choices[0], ","), "男,女"},
		{"ethnicities", len(choices[1]), 56},
		{"political", len(choices[2]), len(program.PoliticalStatuses)},
		{"cohorts", len(choices[3]), 10},
		{"women-only marked", choices[3][9], "中国女科技工作者协会班（仅限女性）"},
		{"first cohort", choices[3][0], "河南班"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	dvs, err := f.GetDataValidations("报名汇总表")
	if err != nil {
		t.Fatal(err)
	}
	byCol := map[string]*excelize.DataValidation{}
	for _, dv := range dvs {
		byCol[dv.Sqref[:1]] = dv
	}
	dvChecks := []struct {
		col, typ, formula, prompt string
	}{
		{"D", "list", "'选项'!$A$1:$A$2", "下拉"},
		{"E", "list", "'选项'!$B$1:$B$56", "56个民族"},
		{"F", "list", "'选项'!$C$1:$C$13", "下拉"},
		{"G", "textLength", "18", "请勿改为数字"},
		{"H", "textLength", "11", "11位"},
		{"M", "list", "'选项'!$D$1:$D$10", "仅限女性"},
		{"N", "textLength", "1000", "1000字"},
	}
	for _, c := range dvChecks {
		dv := byCol[c.col]
		if dv == nil {
			t.Errorf("column %s: no data validation", c.col)
			continue
		}
		if dv.Type != c.typ || !strings.Contains(dv.Formula1+dv.Formula2, c.formula) || !strings.Contains(*dv.Prompt, c.prompt) {
			t.Errorf("column %s: %s %q %q prompt %q", c.col, dv.Type, dv.Formula1, dv.Formula2, *dv.Prompt)
		}
		if want := fmt.Sprintf("%s4:%s53", c.col, c.col); dv.Sqref != want {
			t.Errorf("column %s: range %s, want %s", c.col, dv.Sqref, want)
		}
	}
	// Deterministic.
	if !bytes.Equal(b, intakeTemplate(t, p, IntakeOptions{Rows: 50})) {
		t.Error("two renderings differ")
	}
}

func TestIntakeTemplateOneCohort(t *testing.T) {
	p := formProgramme(t)
	f, err := excelize.OpenReader(bytes.NewReader(intakeTemplate(t, p, IntakeOptions{Cohort: 3})))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cols := choiceCols(t, f)
	if got := strings.Join(cols[3], ","); got != "江苏班" {
		t.Errorf("cohort choices = %s", got)
	}
	if v, _ := f.GetCellValue("报名汇总表", "A1"); !strings.Contains(v, "第3期 江苏省科协党校班") {
		t.Errorf("title = %s", v)
	}
	if err := IntakeTemplate(&bytes.Buffer{}, p, IntakeOptions{Cohort: 11}); err == nil || !strings.Contains(err.Error(), "没有第11期") {
		t.Errorf("cohort 11: %v", err)
	}
}

// choiceCols returns the 选项 sheet's columns without the padding.
func choiceCols(t *testing.T, f *excelize.File) [][]string {
	cols, err := f.GetCols("选项")
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cols {
		for len(c) > 0 && c[len(c)-1] == "" {
			c = c[:len(c)-1]
		}
		cols[i] = c
	}
	return cols
}

// fillIntake types applicants into the template as a unit would, from
// row 4, and returns the workbook.
func fillIntake(t *testing.T, tmpl []byte, as []program.Applicant, mangle func(f *excelize.File)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p := formProgramme(t)
	for i, a := range as {
		c, _ := p.Cohort(a.Cohort)
		vals := []string{a.Recommender, a.Name, a.Gender, a.Ethnicity, a.Political, a.ID, a.Mobile, a.OfficePhone, a.Email, a.Field, a.Employer, c.Choice(), a.Bio}
		for j, v := range vals {
			cell, _ := excelize.CoordinatesToCellName(j+2, intakeHeaderRow+1+i)
			if err := f.SetCellStr("报名汇总表", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if mangle != nil {
		mangle(f)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestIntakeTemplateRoundTripsThroughImport(t *testing.T) {
	p := formProgramme(t)
	sample := program.Sample(p, 300, 7)
	var as []program.Applicant
	for _, a := range sample { // one of each cohort that has applicants, the women-only one included
		if len(as) < 12 {
			as = append(as, a)
		}
	}
	hasWomenOnly := false
	for _, a := range sample {
		if a.Cohort == 10 {
			as = append(as, a)
			hasWomenOnly = true
			break
		}
	}
	if !hasWomenOnly {
		t.Fatal("sample has no applicant of the women-only cohort")
	}
	data := fillIntake(t, intakeTemplate(t, p, IntakeOptions{}), as, nil)
	now := time.Date(2022, 4, 1, 0, 0, 0, 0, time.UTC)
	set, rep, err := program.Import(context.Background(), bytes.NewReader(data), "报名汇总表.xlsx", program.ImportOptions{Programme: p, Now: now})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if rep.Sheet != "报名汇总表" || rep.HeaderRow != intakeHeaderRow || len(rep.Ignored) != 1 || rep.Ignored[0] != "序号" {
		t.Errorf("report: sheet %q header row %d ignored %v", rep.Sheet, rep.HeaderRow, rep.Ignored)
	}
	if rep.Template == nil || rep.Template.Version != IntakeTemplateVersion || rep.Template.Year != 2022 || len(rep.Warnings) != 0 {
		t.Errorf("template marker %+v, warnings %v", rep.Template, rep.Warnings)
	}
	if len(set.Applicants) != len(as) {
		t.Fatalf("imported %d applicants, want %d (the 200 prepared rows with only 序号 must be skipped)", len(set.Applicants), len(as))
	}
	byID := map[string]program.Applicant{}
	for _, a := range as {
		byID[a.ID] = a
	}
	for i, got := range set.Applicants {
		want := byID[got.ID]
		g := []string{got.Name, got.Gender, got.Ethnicity, got.Political, got.ID, got.Mobile, got.Email, got.Employer, fmt.Sprint(got.Cohort), got.Bio}
		w := []string{want.Name, want.Gender, want.Ethnicity, want.Political, want.ID, want.Mobile, want.Email, want.Employer, fmt.Sprint(want.Cohort), want.Bio}
		if strings.Join(g, "|") != strings.Join(w, "|") {
			t.Errorf("applicant %d:\n got %v\nwant %v", i, g, w)
		}
	}
}

func TestIntakeTemplateRejectsMangledID(t *testing.T) {
	p := formProgramme(t)
	as := program.Sample(p, 3, 11)
	data := fillIntake(t, intakeTemplate(t, p, IntakeOptions{}), as, func(f *excelize.File) {
		// What Excel does to an ID typed into a number cell: 15 digits kept.
		var v float64
		fmt.Sscan(as[1].ID[:17], &v)
		f.SetCellFloat("报名汇总表", "G5", v*10, -1, 64)
	})
	_, _, err := program.Import(context.Background(), bytes.NewReader(data), "报名汇总表.xlsx", program.ImportOptions{Programme: p, Now: time.Date(2022, 4, 1, 0, 0, 0, 0, time.UTC)})
	var ve *program.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Import = %v, want a validation error", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "第5行") || !strings.Contains(msg, "身份证号") {
		t.Errorf("error does not name row 5 and 身份证号:\n%s", msg)
	}
}

func TestIntakeTemplateOfAnotherYearWarns(t *testing.T) {
	p := formProgramme(t)
	as := program.Sample(p, 2, 1)
	data := fillIntake(t, intakeTemplate(t, p, IntakeOptions{}), as, func(f *excelize.File) {
		f.SetCellInt("linghang", "A2", 2021)
	})
	_, rep, err := program.Import(context.Background(), bytes.NewReader(data), "旧模板.xlsx", program.ImportOptions{Programme: p, Now: time.Date(2022, 4, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Error(), "这是2021年的报名汇总表模板") {
		t.Errorf("warnings = %v", rep.Warnings)
	}
}
