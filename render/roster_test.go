package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linghang/program"
	"linghang/render/typeset"
)

func testProgramme(t testing.TB) *program.Programme {
	t.Helper()
	p, err := program.Default()
	if err != nil {
		t.Fatalf("program.Default: %v", err)
	}
	return p
}

// testID returns a valid 身份证号 for a Beijing person born on the given
// date with sequence n.
func testID(birth string, n int) string {
	id17 := "110105" + birth + fmt.Sprintf("%03d", n%1000)
	return id17 + string(program.IDCheckDigit(id17))
}

func person(name string, cohort int, n int) program.Applicant {
	return program.Applicant{
		Name: name, Gender: "男", Ethnicity: "汉族", Political: "中共党员",
		ID: testID("19850301", n), Mobile: fmt.Sprintf("138%08d", n), Email: fmt.Sprintf("p%d@example.cn", n),
		Field: "集成电路", Employer: "东南大学电子科学与工程学院副教授", Recommender: "江苏省科协",
		Cohort: cohort,
	}
}

// testApplicants: five in cohort 3, two in cohort 5, one in a cohort the
// programme does not have.
func testApplicants() []program.Applicant {
	as := []program.Applicant{
		person("张伟", 3, 1),
		person("欧阳华", 3, 2),
		person("丁一", 3, 3),
		person("=HYPERLINK(\"x\")", 3, 4),
		person("王芳", 3, 5),
		person("李娜", 5, 6),
		person("赵强", 5, 7),
		person("钱多", 12, 8),
	}
	as[4].Employer = "中国科学院苏州纳米技术与纳米仿生研究所纳米器件与材料研究部研究员、博士生导师、部门主任"
	as[4].Gender = "女"
	as[1].Mobile = "+8613800000002"
	return as
}

func writeRoster(t *testing.T, as []program.Applicant, opts RosterOptions) (*excelize.File, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := RosterXLSX(&buf, testProgramme(t), as, opts); err != nil {
		t.Fatalf("RosterXLSX: %v", err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatalf("reopen roster: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	return f, buf.Bytes()
}

func column(t *testing.T, f *excelize.File, sheet, header string) []string {
	t.Helper()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatalf("GetRows(%s): %v", sheet, err)
	}
	j := slices.Index(rows[1], header)
	if j < 0 {
		t.Fatalf("sheet %s: no column %s in %v", sheet, header, rows[1])
	}
	var out []string
	for _, r := range rows[2:] {
		if j < len(r) {
			out = append(out, r[j])
		} else {
			out = append(out, "")
		}
	}
	return out
}

func TestRosterXLSXSheets(t *testing.T) {
	f, _ := writeRoster(t, testApplicants(), RosterOptions{})
	want := []string{"全部", "第3期 江苏班", "第5期 浙江班", "班次有误"}
	if got := f.GetSheetList(); !slices.Equal(got, want) {
		t.Fatalf("sheets = %v, want %v", got, want)
	}
	tests := []struct {
		sheet, title string
		header       []string
		names        []string
	}{
		{
			"第3期 江苏班", "第3期 江苏省科协党校班 学员名单",
			[]string{"序号", "姓名", "性别", "民族", "出生年月", "政治面貌", "工作单位及职务、职称", "研究领域", "手机", "电子邮箱", "推荐单位"},
			// 姓氏笔画: 丁2 王4 张7 欧8; the formula-like name sorts last
			[]string{"丁一", "王芳", "张伟", "欧阳华", `=HYPERLINK("x")`},
		},
		{
			"全部", "2022年“领航计划”青年科技领军人才国情研修活动学员名单",
			[]string{"序号", "班次", "姓名", "性别", "民族", "出生年月", "政治面貌", "工作单位及职务、职称", "研究领域", "手机", "电子邮箱", "推荐单位"},
			[]string{"丁一", "王芳", "张伟", "欧阳华", `=HYPERLINK("x")`, "李娜", "赵强", "钱多"},
		},
		{"班次有误", "班次有误或未选班次的学员", nil, []string{"钱多"}},
	}
	for _, tt := range tests {
		t.Run(tt.sheet, func(t *testing.T) {
			title, _ := f.GetCellValue(tt.sheet, "A1")
			if title != tt.title {
				t.Errorf("title = %q, want %q", title, tt.title)
			}
			rows, _ := f.GetRows(tt.sheet)
			if tt.header != nil && !slices.Equal(rows[1], tt.header) {
				t.Errorf("header = %v, want %v", rows[1], tt.header)
			}
			merges, _ := f.GetMergeCells(tt.sheet)
			last, _ := excelize.ColumnNumberToName(len(rows[1]))
			if len(merges) != 1 || merges[0].GetStartAxis() != "A1" || merges[0].GetEndAxis() != last+"1" {
				t.Errorf("merges = %v, want A1:%s1", merges, last)
			}
			if got := column(t, f, tt.sheet, "姓名"); !slices.Equal(got, tt.names) {
				t.Errorf("names = %v, want %v", got, tt.names)
			}
			seq := column(t, f, tt.sheet, "序号")
			for i, s := range seq {
				if s != strconv.Itoa(i+1) {
					t.Errorf("序号 row %d = %q", i+1, s)
				}
			}
		})
	}
	if got := column(t, f, "全部", "班次"); got[0] != "第3期 江苏班" || got[7] != "第12期（计划中无此期）" {
		t.Errorf("班次 = %v", got)
	}
	if got := column(t, f, "第3期 江苏班", "出生年月"); got[0] != "1985.03" {
		t.Errorf("出生年月 = %q, want 1985.03", got[0])
	}
}

func TestRosterXLSXOneCohort(t *testing.T) {
	f, _ := writeRoster(t, testApplicants(), RosterOptions{Cohort: 5, Order: program.ByPinyin})
	if got := f.GetSheetList(); !slices.Equal(got, []string{"第5期 浙江班"}) {
		t.Fatalf("sheets = %v", got)
	}
	if got, want := column(t, f, "第5期 浙江班", "姓名"), []string{"李娜", "赵强"}; !slices.Equal(got, want) {
		t.Errorf("names = %v, want %v", got, want)
	}
	var buf bytes.Buffer
	err := RosterXLSX(&buf, testProgramme(t), testApplicants(), RosterOptions{Cohort: 11})
	if err == nil || !strings.Contains(err.Error(), "第11期") {
		t.Errorf("cohort 11: error = %v, want one naming 第11期", err)
	}
}

func TestRosterXLSXLayout(t *testing.T) {
	f, _ := writeRoster(t, testApplicants(), RosterOptions{})
	const sheet = "第3期 江苏班"

	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 2 || panes.XSplit != 2 {
		t.Errorf("panes = freeze %v x %d y %d, want frozen at C3", panes.Freeze, panes.XSplit, panes.YSplit)
	}

	var titles, areas, filters []string
	for _, d := range f.GetDefinedName() {
		if d.Scope != sheet {
			continue
		}
		switch d.Name {
		case "_xlnm.Print_Titles":
			titles = append(titles, d.RefersTo)
		case "_xlnm.Print_Area":
			areas = append(areas, d.RefersTo)
		case "_xlnm._FilterDatabase":
			filters = append(filters, d.RefersTo)
		}
	}
	if want := []string{"'第3期 江苏班'!$A:$B,'第3期 江苏班'!$2:$2"}; !slices.Equal(titles, want) {
		t.Errorf("print titles = %v, want %v", titles, want)
	}
	if want := []string{"'第3期 江苏班'!$A$2:$K$7"}; !slices.Equal(areas, want) {
		t.Errorf("print area = %v, want %v (the title row prints as the page header)", areas, want)
	}
	if want := []string{"'第3期 江苏班'!$A$2:$K$7"}; !slices.Equal(filters, want) {
		t.Errorf("autofilter = %v, want %v", filters, want)
	}

	pl, err := f.GetPageLayout(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if *pl.Orientation != "landscape" || *pl.Size != 9 || pl.AdjustTo == nil || *pl.AdjustTo < xlsxMinScale || *pl.AdjustTo > 100 {
		t.Errorf("page layout = %s size %d scale %v, want landscape A4 (9) at 82–100 %%", *pl.Orientation, *pl.Size, pl.AdjustTo)
	}
	props, _ := f.GetSheetProps(sheet)
	if props.FitToPage != nil && *props.FitToPage {
		t.Errorf("FitToPage set: the type would shrink below 9 pt on a wide sheet")
	}
	hf, _ := f.GetHeaderFooter(sheet)
	if !strings.Contains(hf.OddFooter, "第 &P 页 共 &N 页") {
		t.Errorf("footer = %q", hf.OddFooter)
	}
	if title, _ := f.GetCellValue(sheet, "A1"); title == "" || !strings.HasPrefix(hf.OddHeader, "&C") || !strings.HasSuffix(hf.OddHeader, title) {
		t.Errorf("header = %q, want the title %q centred", hf.OddHeader, title)
	}

	tests := []struct {
		col      string
		min, max float64
	}{
		{"A", 5, 7},   // 序号
		{"B", 8, 18},  // 姓名: =HYPERLINK("x") is 15 wide, never cut
		{"G", 36, 40}, // the long unit: capped, wraps
		{"J", 15, 18}, // p1@example.cn
	}
	for _, tt := range tests {
		w, err := f.GetColWidth(sheet, tt.col)
		if err != nil || w < tt.min || w > tt.max {
			t.Errorf("width of %s = %v (%v), want %v–%v", tt.col, w, err, tt.min, tt.max)
		}
	}
	// The row of the long unit is tall enough for its wrapped lines.
	h, _ := f.GetRowHeight(sheet, 4) // 王芳, second by strokes
	if h < 3*xlsxLineHeight {
		t.Errorf("height of the long-unit row = %v, want ≥ %v", h, 3*xlsxLineHeight)
	}
}

func TestRosterXLSXIDColumn(t *testing.T) {
	as := testApplicants()
	as[2].ID = "11010519850301002X" // 丁一
	tests := []struct {
		opts RosterOptions
		want string // 丁一's cell; "" = no column
	}{
		{RosterOptions{Cohort: 3}, ""},
		{RosterOptions{Cohort: 3, WithID: true}, "110105********002X"},
		{RosterOptions{Cohort: 3, WithID: true, FullID: true}, "11010519850301002X"},
		{RosterOptions{Cohort: 3, FullID: true}, "11010519850301002X"},
	}
	for _, tt := range tests {
		f, _ := writeRoster(t, as, tt.opts)
		sheet := f.GetSheetList()[0]
		rows, _ := f.GetRows(sheet)
		j := slices.Index(rows[1], "身份证号")
		if tt.want == "" {
			if j >= 0 {
				t.Errorf("%+v: 身份证号 column present", tt.opts)
			}
			for _, r := range rows {
				for _, c := range r {
					if strings.Contains(c, "19850301") {
						t.Errorf("%+v: ID number leaked in cell %q", tt.opts, c)
					}
				}
			}
			continue
		}
		if j < 0 {
			t.Fatalf("%+v: no 身份证号 column", tt.opts)
		}
		if got := rows[2][j]; got != tt.want {
			t.Errorf("%+v: ID = %q, want %q", tt.opts, got, tt.want)
		}
		cell, _ := excelize.CoordinatesToCellName(j+1, 3)
		typ, _ := f.GetCellType(sheet, cell)
		if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
			t.Errorf("%+v: ID cell type %v, want a string", tt.opts, typ)
		}
		style, _ := f.GetCellStyle(sheet, cell)
		st, _ := f.GetStyle(style)
		if st.NumFmt != 49 {
			t.Errorf("%+v: ID number format %d, want 49 (@ text)", tt.opts, st.NumFmt)
		}
	}
}

func TestMaskID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"11010519850301002X", "110105********002X"},
		{"110105850301002", "110*********002"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskID(tt.in); got != tt.want {
			t.Errorf("MaskID(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestRosterXLSXFormulaInjection inspects the sheet XML: text that looks
// like a formula is an inline string with the quote-prefix style, never a
// <f> element.
func TestRosterXLSXFormulaInjection(t *testing.T) {
	as := testApplicants()
	as[0].Employer = "+cmd|' /C calc'!A0"
	as[1].Field = "@SUM(1+1)"
	as[2].Email = "-2+3"
	as[3].Recommender = "\t=1+1"
	_, raw := writeRoster(t, as, RosterOptions{Cohort: 3})
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		for _, zf := range zr.File {
			if zf.Name == name {
				rc, _ := zf.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				return string(b)
			}
		}
		t.Fatalf("%s not in XLSX", name)
		return ""
	}
	sheet := read("xl/worksheets/sheet1.xml")
	styles := read("xl/styles.xml")
	if strings.Contains(sheet, "<f>") || strings.Contains(sheet, "<f ") {
		t.Errorf("sheet XML has a formula element")
	}
	xfs := regexp.MustCompile(`(?s)<cellXfs[^>]*>(.*?)</cellXfs>`).FindStringSubmatch(styles)
	if xfs == nil {
		t.Fatal("no cellXfs in styles.xml")
	}
	xf := regexp.MustCompile(`<xf [^>]*>`).FindAllString(xfs[1], -1)
	cellRe := regexp.MustCompile(`<c r="([A-Z]+[0-9]+)"([^>]*)>(.*?)</c>`)
	for _, want := range []string{`=HYPERLINK(&#34;x&#34;)`, `+cmd|&#39; /C calc&#39;!A0`, `@SUM(1+1)`, `-2+3`, `=1+1`} {
		found := false
		for _, m := range cellRe.FindAllStringSubmatch(sheet, -1) {
			if !strings.Contains(m[3], want) {
				continue
			}
			found = true
			if !strings.Contains(m[2], `t="inlineStr"`) && !strings.Contains(m[2], `t="s"`) {
				t.Errorf("cell %s (%s): attributes %q, want a string type", m[1], want, m[2])
			}
			sm := regexp.MustCompile(`s="(\d+)"`).FindStringSubmatch(m[2])
			if sm == nil {
				t.Errorf("cell %s: no style", m[1])
				continue
			}
			i, _ := strconv.Atoi(sm[1])
			if i >= len(xf) || !strings.Contains(xf[i], `quotePrefix="1"`) && !strings.Contains(xf[i], `quotePrefix="true"`) {
				t.Errorf("cell %s (%s): style %d has no quotePrefix", m[1], want, i)
			}
		}
		if !found {
			t.Errorf("no cell holds %s", want)
		}
	}
	// Ordinary cells do not get the quote prefix.
	for _, m := range cellRe.FindAllStringSubmatch(sheet, -1) {
		if strings.Contains(m[3], "丁一") {
			sm := regexp.MustCompile(`s="(\d+)"`).FindStringSubmatch(m[2])
			i, _ := strconv.Atoi(sm[1])
			if strings.Contains(xf[i], "quotePrefix") {
				t.Errorf("plain cell %s has the quote prefix", m[1])
			}
		}
	}
}

// TestRosterXLSXPrintedTitle prints the widest sheet (全部, more than one
// page across) with LibreOffice: every page carries the whole title once,
// centred on the page. The title row merged over every column printed
// off centre on the first page and cut on the next.
func TestRosterXLSXPrintedTitle(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	f, _ := writeRoster(t, testApplicants(), RosterOptions{})
	defer f.Close()
	title, _ := f.GetCellValue("全部", "A1")
	// Print only the sheet 全部: LibreOffice prints every sheet.
	for _, name := range f.GetSheetList() {
		if name != "全部" {
			if err := f.DeleteSheet(name); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(t.TempDir(), "名单.pdf")
	if err := os.WriteFile(pdf, libreOffice(t, "名单.xlsx", buf.Bytes(), "pdf"), 0o644); err != nil {
		t.Fatal(err)
	}
	pageRE := regexp.MustCompile(`(?s)<page width="([0-9.]+)".*?</page>`)
	wordRE := regexp.MustCompile(`<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)" yMax="[0-9.]+">([^<]*)</word>`)
	pages := pageRE.FindAllStringSubmatch(poppler(t, "pdftotext", "-bbox", pdf, "-"), -1)
	if len(pages) < 2 {
		t.Fatalf("%d pages, want the sheet wider than one page", len(pages))
	}
	want := strings.ReplaceAll(title, " ", "")
	for i, pg := range pages {
		width, _ := strconv.ParseFloat(pg[1], 64)
		// The top line of the page, left to right as pdftotext reads it.
		type word struct {
			x0, y, x1 float64
			text      string
		}
		var words []word
		top := math.Inf(1)
		for _, m := range wordRE.FindAllStringSubmatch(pg[0], -1) {
			var w word
			w.x0, _ = strconv.ParseFloat(m[1], 64)
			w.y, _ = strconv.ParseFloat(m[2], 64)
			w.x1, _ = strconv.ParseFloat(m[3], 64)
			w.text = m[4]
			words = append(words, w)
			top = min(top, w.y)
		}
		var line strings.Builder
		left, right := width, 0.0
		for _, w := range words {
			if w.y < top+6 { // digits sit a little lower than hanzi
				line.WriteString(w.text)
				left, right = min(left, w.x0), max(right, w.x1)
			}
		}
		if line.String() != want {
			t.Errorf("page %d begins %q, want the title %q", i+1, line.String(), want)
			continue
		}
		if mid := (left + right) / 2; math.Abs(mid-width/2) > width*0.03 {
			t.Errorf("page %d: title centred at %.0f pt, page centre %.0f pt", i+1, mid, width/2)
		}
	}
}

// TestRosterXLSXLibreOffice converts the roster with LibreOffice when it is
// installed: the file must open and convert without error.
func TestRosterXLSXLibreOffice(t *testing.T) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice (soffice) not installed; structure is checked by the other tests")
	}
	if testing.Short() {
		t.Skip("slow")
	}
	dir := t.TempDir()
	_, raw := writeRoster(t, testApplicants(), RosterOptions{})
	in := filepath.Join(dir, "roster.xlsx")
	if err := os.WriteFile(in, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(soffice, "--headless", "-env:UserInstallation=file://"+dir+"/lo", "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1", "--outdir", dir, in)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	csv, err := os.ReadFile(filepath.Join(dir, "roster.csv"))
	if err != nil {
		t.Fatalf("no CSV from soffice: %v\n%s", err, out)
	}
	// The first sheet (全部) converts; the formula-like name stays text.
	if !strings.Contains(string(csv), `=HYPERLINK(""x"")`) || !strings.Contains(string(csv), "欧阳华") {
		t.Errorf("converted CSV lacks the names:\n%s", csv)
	}
}

func manyApplicants(n int) []program.Applicant {
	sur := []rune("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜")
	giv := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华")
	as := make([]program.Applicant, n)
	for i := range as {
		a := person(string(sur[i%len(sur)])+string(giv[(i*7)%len(giv)])+string(giv[(i*13)%len(giv)]), i%10+1, i)
		a.ID = testID(fmt.Sprintf("19%02d0%d1%d", 70+i%30, 1+i%9, i%10), i)
		as[i] = a
	}
	return as
}

func BenchmarkRosterXLSX10000(b *testing.B) {
	p := testProgramme(b)
	as := manyApplicants(10000)
	b.ReportAllocs()
	for b.Loop() {
		if err := RosterXLSX(io.Discard, p, as, RosterOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func testFonts(t testing.TB) *typeset.Fonts {
	t.Helper()
	fonts, err := typeset.Load("")
	if err != nil {
		t.Fatal(err)
	}
	return fonts
}

// pdfPages returns the text of each page of pdf (pdftotext -layout).
func pdfPages(t testing.TB, pdf []byte) []string {
	t.Helper()
	needTools(t, "pdftotext")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	pages := strings.Split(string(out), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages
}

// pdfInfo returns pdfinfo's fields.
func pdfInfo(t testing.TB, pdf []byte) map[string]string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", in).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	m := map[string]string{}
	for _, l := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			m[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	return m
}

// squash removes the spaces pdftotext puts between spaced characters.
func squash(s string) string { return strings.Join(strings.Fields(s), "") }

func TestRosterPDF(t *testing.T) {
	as := manyApplicants(400) // 40 per cohort: several pages each
	as = append(as, testApplicants()...)
	p := testProgramme(t)
	var buf bytes.Buffer
	if err := RosterPDF(&buf, p, as, RosterOptions{Cohort: 3}); err != nil {
		t.Fatalf("RosterPDF: %v", err)
	}
	info := pdfInfo(t, buf.Bytes())
	if !strings.Contains(info["Page size"], "841.89 x 595.28") {
		t.Errorf("page size %q, want A4 landscape", info["Page size"])
	}
	pages := pdfPages(t, buf.Bytes())
	if len(pages) < 2 {
		t.Fatalf("%d pages, want the 45 people of cohort 3 on several", len(pages))
	}
	if info["Pages"] != strconv.Itoa(len(pages)) {
		t.Errorf("pdfinfo pages %s, text pages %d", info["Pages"], len(pages))
	}
	for i, pg := range pages {
		flat := squash(pg)
		for _, want := range []string{"第3期江苏省科协党校班学员名单", "序号", "工作单位及职务、职称", "推荐单位",
			fmt.Sprintf("第%d页共%d页", i+1, len(pages))} {
			if !strings.Contains(flat, want) {
				t.Errorf("page %d lacks %q", i+1, want)
			}
		}
	}
	// Every applicant of cohort 3 appears exactly once, in stroke order.
	var mine []program.Applicant
	for _, a := range as {
		if a.Cohort == 3 {
			mine = append(mine, a)
		}
	}
	program.SortByStrokes(mine)
	all := squash(strings.Join(pages, "\n"))
	last := -1
	for _, a := range mine {
		name := squash(a.Name)
		if n := strings.Count(all, name+"男") + strings.Count(all, name+"女"); n != 1 {
			t.Errorf("%s appears %d times, want once", a.Name, n)
			continue
		}
		at := strings.Index(all, name+a.Gender)
		if at < last {
			t.Errorf("%s is out of stroke order", a.Name)
		}
		last = at
	}
	if strings.Contains(all, "19850301") {
		t.Errorf("roster PDF shows birth dates from ID numbers without --with-id")
	}
}

// TestRosterPDFCellsInside checks the display list: every piece of text
// lies inside the page's printable area and each cell's text inside its
// column.
func TestRosterPDFCellsInside(t *testing.T) {
	fonts := testFonts(t)
	as := testApplicants()
	as[0].Employer = strings.Repeat("中国科学院苏州纳米技术与纳米仿生研究所", 6)
	p := testProgramme(t)
	sheets, err := rosterSheets(p, as, RosterOptions{Cohort: 3, WithID: true})
	if err != nil {
		t.Fatal(err)
	}
	tb := rosterTable()
	cols, err := pdfColumns(fonts, tb, sheets[0], tb.width())
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, c := range cols {
		sum += c.width
	}
	if math.Abs(sum-tb.width()) > 0.01 {
		t.Errorf("columns are %.2f mm wide in all, want %.2f", sum, tb.width())
	}
	d := typeset.New(fonts, "名单", tb.page, typeset.Info{})
	if err := tb.draw(d, []pdfSection{{title: sheets[0].title, cols: cols, rows: sheets[0].rows}}); err != nil {
		t.Fatal(err)
	}
	area := typeset.Rect{X: tb.left, Y: tb.top, W: tb.width(), H: tb.page.H - tb.top - tb.bot + 8}
	n := 0
	for _, op := range d.Ops() {
		if op.Kind != typeset.OpText {
			continue
		}
		n++
		if !area.Contains(op.Box) {
			t.Errorf("text %q at %v leaves the printable area %v", op.Text, op.Box, area)
		}
		x := tb.left
		for _, c := range cols {
			if op.Field == c.header {
				col := typeset.Rect{X: x, Y: 0, W: c.width, H: tb.page.H}
				if !col.Contains(op.Box) {
					t.Errorf("%s text %q at %v leaves its column %v", c.header, op.Text, op.Box, col)
				}
			}
			x += c.width
		}
	}
	if n == 0 {
		t.Fatal("no text drawn")
	}
}

func BenchmarkRosterPDF10000(b *testing.B) {
	p := testProgramme(b)
	as := manyApplicants(10000)
	b.ReportAllocs()
	for b.Loop() {
		if err := RosterPDF(io.Discard, p, as, RosterOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// pdfPlainText returns pdftotext's text in reading order (no -layout), less
// sensitive to font metrics than the layout form.
func pdfPlainText(t *testing.T, pdf []byte) string {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out)
}

// TestListsGolden compares the text of a small roster, sign-in sheet and
// badge sheet with testdata/*.golden (go test ./render -run ListsGolden
// -update rewrites them).
func TestListsGolden(t *testing.T) {
	needTools(t, "pdftotext")
	p := testProgramme(t)
	as := testApplicants()
	created := time.Date(2022, 6, 1, 9, 0, 0, 0, time.UTC)
	c, _ := p.Cohort(3)
	layout, err := LoadLayout("a4-8")
	if err != nil {
		t.Fatal(err)
	}
	layout.Created = created
	var mine []program.Applicant
	for _, a := range as {
		if a.Cohort == 3 {
			mine = append(mine, a)
		}
	}
	program.SortByStrokes(mine)
	tests := []struct {
		golden string
		render func(w io.Writer) error
	}{
		{"roster-3.golden", func(w io.Writer) error {
			return RosterPDF(w, p, as, RosterOptions{Cohort: 3, WithID: true, Created: created})
		}},
		{"signin-3.golden", func(w io.Writer) error {
			return Signin(w, p, 3, as, SigninOptions{Blank: 2, Created: created})
		}},
		{"badges-3.golden", func(w io.Writer) error {
			return Badges(w, p, c, ApplicantBadges(mine, []byte("golden key, not a secret at all."), p.Year), layout)
		}},
		// All cohorts with the longest real IDs, mobiles, e-mails, units.
		{"roster-all-real.golden", func(w io.Writer) error {
			return RosterPDF(w, p, realApplicants(), RosterOptions{WithID: true, Created: created})
		}},
		// A 1-page and a 2-page form in one bound copy.
		{"bound-copy.golden", func(w io.Writer) error {
			apps := boundApplicants(t, p)
			return CohortForms(w, formFonts(t), p, 3, apps)
		}},
		// A 个人简介 two lines too long for its cell: tightened, one page.
		{"form-bio-tight.golden", func(w io.Writer) error {
			a := formSample(t, p, 1)[0]
			a.Bio = tightBio()
			return Form(w, formFonts(t), p, &a)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.render(&buf); err != nil {
				t.Fatal(err)
			}
			info := pdfInfo(t, buf.Bytes())
			got := fmt.Sprintf("pages: %s\npage size: %s\n\n%s", info["Pages"], info["Page size"], pdfPlainText(t, buf.Bytes()))
			path := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./render -run ListsGolden -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("text differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
			}
		})
	}
}

// realApplicants are the longest values real registrations carry: 18-digit
// IDs ending in X, 11-digit mobiles, long e-mail addresses and units, in
// every cohort.
func realApplicants() []program.Applicant {
	emails := []string{"zhangweiguo.research2022@mails.ucas.ac.cn", "liu.yan@sia.cn", "chenxiaoming1981@foxmail.com", "wang_fang-01@zju.edu.cn"}
	units := []string{"中国科学院深圳先进技术研究院生物医学与健康工程研究所副所长、研究员",
		"山西大学电气与电子工程学院副系主任、教授级高级工程师", "国网能源研究院有限公司总工程师", "Nanjing University 教授"}
	var as []program.Applicant
	for i := range 20 {
		a := person(fmt.Sprintf("测试%c%c", []rune("赵钱孙李周吴郑王冯陈")[i%10], []rune("伟芳娜敏静丽强磊军洋")[i/2]), i%10+1, i)
		id17 := fmt.Sprintf("43010219%02d0%d1%d%03d", 70+i, 1+i%9, i%3, 770+i)
		a.ID = id17 + string(program.IDCheckDigit(id17))
		a.Mobile = fmt.Sprintf("1379077%04d", 3150+i)
		a.Email = emails[i%len(emails)]
		a.Employer = units[i%len(units)]
		as = append(as, a)
	}
	return as
}

// The roster of all cohorts with ID numbers: IDs, mobiles and e-mail
// addresses are never broken across lines (pdftotext finds each whole on
// one line), the unbreakable columns are as wide as their longest value,
// and 班次 wraps rather than taking the width of its longest name.
func TestRosterPDFKeepsNumbersWhole(t *testing.T) {
	needTools(t, "pdftotext")
	fonts := testFonts(t)
	p := testProgramme(t)
	as := realApplicants()
	for _, full := range []bool{false, true} {
		opts := RosterOptions{Fonts: fonts, WithID: true, FullID: full}
		var buf bytes.Buffer
		if err := RosterPDF(&buf, p, as, opts); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "r.pdf")
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		text := poppler(t, "pdftotext", "-layout", path, "-")
		for _, a := range as {
			id := MaskID(a.ID)
			if full {
				id = a.ID
			}
			for _, v := range []string{id, a.Mobile, a.Email} {
				if !strings.Contains(text, v) {
					t.Errorf("full-id %v: %q is not whole on one line", full, v)
				}
			}
		}
		sheets, err := rosterSheets(p, as, opts)
		if err != nil {
			t.Fatal(err)
		}
		tb := rosterTable()
		cols, err := pdfColumns(fonts, tb, sheets[0], tb.width())
		if err != nil {
			t.Fatal(err)
		}
		for j, c := range sheets[0].cols {
			longest := 0.0
			for _, row := range sheets[0].rows {
				w, err := fonts.Measure(row[j], tb.body)
				if err != nil {
					t.Fatal(err)
				}
				longest = math.Max(longest, w)
			}
			switch {
			case !c.wrap && cols[j].width < longest+2*tb.pad:
				t.Errorf("%s is %.1f mm, narrower than its longest value (%.1f mm)", c.header, cols[j].width, longest)
			case c.header == "班次" && cols[j].width >= longest+2*tb.pad:
				t.Errorf("班次 is %.1f mm, as wide as its longest name (%.1f mm): it should wrap", cols[j].width, longest)
			}
		}
	}
}

// The 全部 sheet with IDs is wider than a page: it prints at no less than
// 82 % (9 pt), over two pages across, repeating the header rows and the
// columns up to 姓名, with rows of one height.
func TestRosterXLSXPrintsAtNinePoints(t *testing.T) {
	p := testProgramme(t)
	var buf bytes.Buffer
	if err := RosterXLSX(&buf, p, realApplicants(), RosterOptions{WithID: true}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	const sheet = "全部"
	pl, err := f.GetPageLayout(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if pl.AdjustTo == nil || *pl.AdjustTo != xlsxMinScale || pl.FitToWidth != nil && *pl.FitToWidth > 0 {
		t.Errorf("scale %v fit %v, want %d %% (11 pt → 9 pt) and no fit-to-width", pl.AdjustTo, pl.FitToWidth, xlsxMinScale)
	}
	if got := 11 * float64(*pl.AdjustTo) / 100; got < 9 {
		t.Errorf("body prints at %.1f pt, want ≥ 9", got)
	}
	var titles string
	for _, d := range f.GetDefinedName() {
		if d.Scope == sheet && d.Name == "_xlnm.Print_Titles" {
			titles = d.RefersTo
		}
	}
	if titles != "全部!$A:$C,全部!$2:$2" && titles != "'全部'!$A:$C,'全部'!$2:$2" {
		t.Errorf("print titles %q, want columns A:C (序号 班次 姓名) and row 2", titles)
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := f.GetRowHeight(sheet, 3)
	for r := 4; r <= len(rows); r++ {
		if h, _ := f.GetRowHeight(sheet, r); h != first {
			t.Errorf("row %d is %.1f pt, row 3 %.1f: heights alternate", r, h, first)
		}
	}
}
