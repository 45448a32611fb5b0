package render

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linghang/program"
	"linghang/templates"
)

// summaryFixture is the 2022 programme with sample applicants.
func summaryFixture(t testing.TB) (*program.Programme, []program.Applicant) {
	t.Helper()
	p := testProgramme(t)
	return p, program.Sample(p, 300, 7)
}

func renderBytes(t testing.TB, fn func(w io.Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := fn(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipParts reads every part of an OOXML package.
func zipParts(t testing.TB, b []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("reopen package: %v", err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = string(data)
	}
	return out
}

// docxTexts returns the text of each paragraph of a WordprocessingML part.
func docxTexts(t testing.TB, part string) []string {
	t.Helper()
	dec := xml.NewDecoder(strings.NewReader(part))
	var out []string
	var b strings.Builder
	in := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("parse XML: %v", err)
		}
		switch x := tok.(type) {
		case xml.StartElement:
			switch x.Name.Local {
			case "p":
				b.Reset()
			case "t":
				in = true
			}
		case xml.EndElement:
			switch x.Name.Local {
			case "p":
				out = append(out, b.String())
			case "t":
				in = false
			}
		case xml.CharData:
			if in {
				b.Write(x)
			}
		}
	}
}

func TestSummaryTemplateDOCX(t *testing.T) {
	p, as := summaryFixture(t)
	for _, n := range []int{1, 3} {
		c, _ := p.Cohort(n)
		mine := cohortApplicants(as, n, program.ByStrokes)
		b := renderBytes(t, func(w io.Writer) error {
			return SummaryTemplateDOCX(w, p, n, as, SummaryTemplateOptions{})
		})
		parts := zipParts(t, b)
		for name, x := range parts {
			if strings.Contains(x, "{{") || strings.Contains(x, "}}") {
				t.Errorf("cohort %d: %s still holds a placeholder", n, name)
			}
		}
		id := program.SummaryTemplateID(p.Year, n)
		for _, name := range []string{"docProps/core.xml", "word/footer2.xml", "word/footer3.xml"} {
			if !strings.Contains(parts[name], id) {
				t.Errorf("cohort %d: %s lacks the template identifier %s", n, name, id)
			}
		}
		got := docxTexts(t, parts["word/document.xml"])
		want := []string{
			SummaryTitle(p), c.Title(),
			"承办单位：" + strings.Join(c.Hosts, "、"),
			"时　　间：" + CohortPeriod(c),
			"地　　点：" + c.Location,
			"学员人数：" + program.CompositionLine(mine, c.Start.Time),
		}
		for _, s := range program.SummarySections {
			want = append(want, s.Heading(), s.Guidance)
		}
		want = append(want, program.SummaryRosterHeading, "序号", "姓名", "性别", "民族", "工作单位及职务、职称")
		for i, a := range mine {
			want = append(want, strconv.Itoa(i+1), a.Name, a.Gender, a.Ethnicity, a.Employer)
		}
		var nonEmpty []string
		for _, s := range got {
			if s != "" {
				nonEmpty = append(nonEmpty, s)
			}
		}
		if !slices.Equal(nonEmpty, want) {
			t.Errorf("cohort %d paragraphs:\n got %q\nwant %q", n, head(nonEmpty, 20), head(want, 20))
		}
		if !strings.Contains(parts["word/document.xml"], `<w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588"`) {
			t.Errorf("cohort %d: page set-up differs from the notice's", n)
		}
		again := renderBytes(t, func(w io.Writer) error {
			return SummaryTemplateDOCX(w, p, n, as, SummaryTemplateOptions{})
		})
		if !bytes.Equal(b, again) {
			t.Errorf("cohort %d: two renders differ", n)
		}
	}
}

func head(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Every placeholder of the template's parts stands whole in one <w:t>,
// so the docx library (which replaces text in the XML) always finds it.
func TestSummaryTemplatePlaceholdersWhole(t *testing.T) {
	whole := regexp.MustCompile(`<w:t(?: [^>]*)?>[^<]*\{\{[^<{}]+\}\}[^<]*</w:t>`)
	for _, name := range []string{"word/document.xml", "word/footer2.xml", "word/footer3.xml"} {
		b, err := templates.SummaryDOCX.ReadFile("summary-docx/" + name)
		if err != nil {
			t.Fatal(err)
		}
		n := strings.Count(string(b), "{{")
		if n == 0 && name == "word/document.xml" {
			t.Fatalf("%s has no placeholders", name)
		}
		if got := len(whole.FindAllString(string(b), -1)); got != n {
			t.Errorf("%s: %d placeholders, %d of them whole in one run", name, n, got)
		}
	}
}

func TestSummaryTemplateXLSX(t *testing.T) {
	p, as := summaryFixture(t)
	const n = 3
	c, _ := p.Cohort(n)
	mine := cohortApplicants(as, n, program.ByStrokes)
	days := c.Days()
	b := renderBytes(t, func(w io.Writer) error { return SummaryTemplateXLSX(w, p, n, as, SummaryTemplateOptions{}) })
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got, want := f.GetSheetList(), []string{program.SheetSchedule, program.SheetAttendance, program.SheetFeedback, program.SheetTemplateInfo}; !slices.Equal(got, want) {
		t.Fatalf("sheets %q, want %q", got, want)
	}
	if v, _ := f.GetSheetVisible(program.SheetTemplateInfo); v {
		t.Error("模板信息 is visible")
	}
	if id, _ := f.GetCellValue(program.SheetTemplateInfo, "B1"); id != program.SummaryTemplateID(p.Year, n) {
		t.Errorf("identifier %q", id)
	}
	if props, _ := f.GetDocProps(); props.Identifier != program.SummaryTemplateID(p.Year, n) {
		t.Errorf("doc identifier %q", props.Identifier)
	}
	// Cells: headers, the pre-filled names.
	cells := map[string][2]string{
		"attendance C3": {program.SheetAttendance, "C3"}, "attendance D3": {program.SheetAttendance, "D3"},
		"attendance B4": {program.SheetAttendance, "B4"}, "feedback F3": {program.SheetFeedback, "F3"},
		"feedback B4": {program.SheetFeedback, "B4"}, "schedule C3": {program.SheetSchedule, "C3"},
	}
	want := map[string]string{
		"attendance C3": "工作单位", "attendance D3": program.DayLabel(days[0]), "attendance B4": mine[0].Name,
		"feedback F3": "总体满意度", "feedback B4": mine[0].Name, "schedule C3": "活动内容",
	}
	for k, at := range cells {
		if got, _ := f.GetCellValue(at[0], at[1]); got != want[k] {
			t.Errorf("%s = %q, want %q", k, got, want[k])
		}
	}
	rows, _ := f.GetRows(program.SheetAttendance)
	if got := len(rows) - program.SummaryHeaderRow; got != len(mine) {
		t.Errorf("attendance lists %d participants, want %d", got, len(mine))
	}
	// Validations.
	lastCol, _ := excelize.ColumnNumberToName(3 + len(days))
	last := program.SummaryFirstRow + len(mine) - 1
	for _, tc := range []struct {
		sheet, sqref, typ, formula string
	}{
		{program.SheetAttendance, "D4:" + lastCol + strconv.Itoa(last), "list", `"出勤,请假,缺勤"`},
		{program.SheetFeedback, "C4:F" + strconv.Itoa(last), "decimal", "1"},
		{program.SheetSchedule, "A4:A63", "list", ""},
	} {
		dvs, err := f.GetDataValidations(tc.sheet)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, dv := range dvs {
			if dv.Sqref == tc.sqref {
				found = true
				if dv.Type != tc.typ || (tc.formula != "" && dv.Formula1 != tc.formula) {
					t.Errorf("%s %s: type %s formula %q, want %s %q", tc.sheet, tc.sqref, dv.Type, dv.Formula1, tc.typ, tc.formula)
				}
				if tc.typ == "decimal" && (dv.Operator != "between" || dv.Formula2 != "5") {
					t.Errorf("%s score range %s %s–%s", tc.sheet, dv.Operator, dv.Formula1, dv.Formula2)
				}
				if dv.ErrorStyle == nil || *dv.ErrorStyle != "stop" {
					t.Errorf("%s %s: invalid values are not stopped", tc.sheet, tc.sqref)
				}
			}
		}
		if !found {
			t.Errorf("%s: no validation on %s (have %d)", tc.sheet, tc.sqref, len(dvs))
		}
	}
	// Protection: every sheet protected; labels locked, inputs not.
	parts := zipParts(t, b)
	for i := 1; i <= 4; i++ {
		if !strings.Contains(parts["xl/worksheets/sheet"+strconv.Itoa(i)+".xml"], "<sheetProtection") {
			t.Errorf("sheet%d is not protected", i)
		}
	}
	locked := func(sheet, cell string) bool {
		id, err := f.GetCellStyle(sheet, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		return st.Protection == nil || st.Protection.Locked
	}
	for _, tc := range []struct {
		sheet, cell string
		locked      bool
	}{
		{program.SheetSchedule, "A1", true}, {program.SheetSchedule, "C3", true}, {program.SheetSchedule, "A4", false}, {program.SheetSchedule, "D63", false},
		{program.SheetAttendance, "B4", true}, {program.SheetAttendance, "D3", true}, {program.SheetAttendance, "D4", false},
		{program.SheetFeedback, "B5", true}, {program.SheetFeedback, "C5", false}, {program.SheetFeedback, "G5", false},
	} {
		if got := locked(tc.sheet, tc.cell); got != tc.locked {
			t.Errorf("%s!%s locked = %v, want %v", tc.sheet, tc.cell, got, tc.locked)
		}
	}
	again := renderBytes(t, func(w io.Writer) error { return SummaryTemplateXLSX(w, p, n, as, SummaryTemplateOptions{}) })
	if !bytes.Equal(b, again) {
		t.Error("two renders differ")
	}
}

func TestCohortPeriod(t *testing.T) {
	d := func(y int, m time.Month, day int) program.Date { return program.NewDate(y, m, day) }
	for _, tc := range []struct {
		c    program.Cohort
		want string
	}{
		{program.Cohort{Start: d(2022, 5, 23), End: d(2022, 5, 27)}, "2022年5月23日—27日"},
		{program.Cohort{Start: d(2022, 5, 30), End: d(2022, 6, 3)}, "2022年5月30日—6月3日"},
		{program.Cohort{Start: d(2022, 12, 30), End: d(2023, 1, 2), Tentative: true}, "2022年12月30日—2023年1月2日（暂定）"},
		{program.Cohort{Time: "6月底"}, "6月底"},
	} {
		if got := CohortPeriod(&tc.c); got != tc.want {
			t.Errorf("CohortPeriod = %q, want %q", got, tc.want)
		}
	}
}
