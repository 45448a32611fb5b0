package render

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linghang/program"
	"linghang/render/typeset"
)

// rezip rewrites an OOXML package with some parts changed.
func rezip(t testing.TB, b []byte, change func(name, part string) string) []byte {
	t.Helper()
	parts := zipParts(t, b)
	names := make([]string, 0, len(parts))
	for n := range parts {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, change(n, parts[n]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func xmlEsc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// fillDOCX writes texts (by section heading) over the guidance of the
// template, as a host unit typing in Word would; paragraphs split on \n.
func fillDOCX(t testing.TB, tmpl []byte, texts map[string]string) []byte {
	t.Helper()
	return rezip(t, tmpl, func(name, part string) string {
		if name != "word/document.xml" {
			return part
		}
		for _, sec := range program.SummarySections {
			text, ok := texts[sec.Heading()]
			if !ok {
				continue
			}
			old := xmlEsc(sec.Guidance) + "</w:t></w:r></w:p>"
			if !strings.Contains(part, old) {
				t.Fatalf("guidance of %s not found in the template", sec.Heading())
			}
			var repl []string
			for _, p := range strings.Split(text, "\n") {
				repl = append(repl, xmlEsc(p))
			}
			part = strings.Replace(part, old, strings.Join(repl, "</w:t></w:r></w:p><w:p><w:r><w:t>")+"</w:t></w:r></w:p>", 1)
		}
		return part
	})
}

// fillXLSX edits the template's cells as a host unit would.
func fillXLSX(t testing.TB, tmpl []byte, edit func(f *excelize.File)) []byte {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	edit(f)
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var filledTexts = map[string]string{
	"一、基本情况":    "本期研修于南京举办，学员全部按时报到。\n课程安排紧凑，共组织专题报告八场。",
	"二、主要做法与特色": "结合江苏产业特色，安排紫金山实验室现场教学。",
	"三、成效与经验":   "学员普遍反映加深了对国情的认识，形成跨学科合作意向十二项。",
	"四、学员反馈":    "学员对授课专家评价很高，认为现场教学收获最大。",
}

// filledSummary fills both templates of cohort n: every participant 出勤
// except the first (请假 on day 2), scores 5/4/5/4.5 for every other one.
func filledSummary(t testing.TB, p *program.Programme, n int, as []program.Applicant) (docx, xlsx []byte) {
	t.Helper()
	c, _ := p.Cohort(n)
	mine := cohortApplicants(as, n, program.ByStrokes)
	docx = fillDOCX(t, renderBytes(t, func(w io.Writer) error { return SummaryTemplateDOCX(w, p, n, as, SummaryTemplateOptions{}) }), filledTexts)
	xlsx = fillXLSX(t, renderBytes(t, func(w io.Writer) error { return SummaryTemplateXLSX(w, p, n, as, SummaryTemplateOptions{}) }), func(f *excelize.File) {
		days := c.Days()
		f.SetCellStr(program.SheetSchedule, "A4", program.DayLabel(days[0]))
		f.SetCellStr(program.SheetSchedule, "B4", "9:00—11:30")
		f.SetCellStr(program.SheetSchedule, "C4", "开班式暨专题报告：科技自立自强")
		f.SetCellStr(program.SheetSchedule, "D4", "王院士（紫金山实验室）")
		f.SetCellStr(program.SheetSchedule, "A5", program.DayLabel(days[1]))
		f.SetCellStr(program.SheetSchedule, "C5", "现场教学：雨花台烈士陵园")
		for i := range mine {
			for d := range days {
				cell, _ := excelize.CoordinatesToCellName(4+d, program.SummaryFirstRow+i)
				mark := program.Present
				if i == 0 && d == 1 {
					mark = program.Leave
				}
				f.SetCellStr(program.SheetAttendance, cell, mark)
			}
			if i%2 == 0 {
				r := program.SummaryFirstRow + i
				for k, v := range []float64{5, 4, 5, 4.5} {
					cell, _ := excelize.CoordinatesToCellName(3+k, r)
					f.SetCellFloat(program.SheetFeedback, cell, v, -1, 64)
				}
			}
		}
		f.SetCellStr(program.SheetFeedback, "G4", "希望增加与企业交流的环节")
	})
	return docx, xlsx
}

func readSummary(t testing.TB, p *program.Programme, n int, files map[string][]byte) *program.Summary {
	t.Helper()
	c, _ := p.Cohort(n)
	var s *program.Summary
	names := make([]string, 0, len(files))
	for k := range files {
		names = append(names, k)
	}
	sort.Strings(names)
	for i, name := range names {
		got, err := program.ReadSummaryFile(name, files[name], p.Year, c, time.Date(2022, 6, 5, 2+i, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatalf("import %s: %v", name, err)
		}
		s = s.Merge(got)
	}
	return s
}

// The round trip: template → filled in → imported → the report shows
// the facts the host unit wrote.
func TestSummaryRoundTrip(t *testing.T) {
	needPoppler(t)
	p, as := summaryFixture(t)
	const n = 3
	mine := cohortApplicants(as, n, program.ByStrokes)
	docx, xlsx := filledSummary(t, p, n, as)
	s := readSummary(t, p, n, map[string][]byte{"总结报告.docx": docx, "总结数据.xlsx": xlsx})
	if got := s.Section("一、基本情况"); got != filledTexts["一、基本情况"] {
		t.Errorf("section 一 = %q", got)
	}
	if got := s.Section("五、问题与建议"); got != "" {
		t.Errorf("untouched optional section = %q, want empty", got)
	}
	if len(s.Attendance) != len(mine) || s.Attendance[0].Name != mine[0].Name || s.Attendance[0].Marks[1] != program.Leave {
		t.Errorf("attendance %+v", s.Attendance[:1])
	}
	if got := s.Respondents(); got != (len(mine)+1)/2 {
		t.Errorf("respondents %d, want %d", got, (len(mine)+1)/2)
	}
	if len(s.Sources) != 2 || s.Submitted().IsZero() {
		t.Errorf("sources %+v", s.Sources)
	}
	pdf := filepath.Join(t.TempDir(), "总结报告.pdf")
	b := renderBytes(t, func(w io.Writer) error {
		return SummaryReportPDF(w, p, n, as, s, ReportOptions{Fonts: noticeTestFonts(t)})
	})
	if err := os.WriteFile(pdf, b, 0o644); err != nil {
		t.Fatal(err)
	}
	text := squashText(pdfText(t, pdf, 0))
	days := len(s.Days)
	rate := float64(len(mine)*days-1) * 100 / float64(len(mine)*days)
	for _, want := range []string{
		"本期研修于南京举办，学员全部按时报到。", "课程安排紧凑，共组织专题报告八场。", "紫金山实验室现场教学",
		"形成跨学科合作意向十二项", "开班式暨专题报告：科技自立自强", "王院士（紫金山实验室）", "现场教学：雨花台烈士陵园",
		"希望增加与企业交流的环节", fmt.Sprintf("总出勤率%.1f%%", rate), "总体满意度4.50", "课程内容5.00",
		"已提交（2022年6月5日）", "总结报告.docx", "总结数据.xlsx",
	} {
		if !strings.Contains(text, squashText(want)) {
			t.Errorf("report lacks %q", want)
		}
	}
	if strings.Contains(text, NotSubmitted) {
		t.Error("report marks something not submitted")
	}
}

func squashText(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// The composition charts and tables show the counts recomputed here from
// the applicant data.
func TestSummaryReportComposition(t *testing.T) {
	needPoppler(t)
	p, as := summaryFixture(t)
	const n = 3
	c, _ := p.Cohort(n)
	var mine []program.Applicant
	for _, a := range as {
		if a.Cohort == n {
			mine = append(mine, a)
		}
	}
	pdf := filepath.Join(t.TempDir(), "r.pdf")
	os.WriteFile(pdf, renderBytes(t, func(w io.Writer) error {
		return SummaryReportPDF(w, p, n, as, nil, ReportOptions{Fonts: noticeTestFonts(t)})
	}), 0o644)
	text := squashText(pdfText(t, pdf, 0))
	// Recompute independently of program.Composition.
	count := func(key func(a *program.Applicant) string) map[string]int {
		m := map[string]int{}
		for i := range mine {
			m[key(&mine[i])]++
		}
		return m
	}
	checks := map[string]map[string]int{
		"性别": count(func(a *program.Applicant) string { return a.Gender }),
		"年龄": count(func(a *program.Applicant) string {
			b, _ := a.BirthDate()
			age := c.Start.Year() - b.Year()
			if c.Start.YearDay() < b.YearDay() {
				age--
			}
			return program.AgeBand(age)
		}),
		"政治面貌": count(func(a *program.Applicant) string { return a.Political }),
	}
	for measure, m := range checks {
		for label, k := range m {
			row := squashText(fmt.Sprintf("%s%d%s", label, k, pct(k, len(mine))))
			if !strings.Contains(text, row) {
				t.Errorf("%s: the table lacks the row %q", measure, row)
			}
			if !strings.Contains(text, squashText(fmt.Sprintf("%d人", k))) {
				t.Errorf("%s: the chart lacks the bar value %d人", measure, k)
			}
		}
	}
	if got := strings.Count(text, NotSubmitted); got != 5 {
		t.Errorf("%d marks of %s, want 5 (facts, attendance, feedback, schedule, narrative)", got, NotSubmitted)
	}
	if !strings.Contains(text, fmt.Sprintf("合计%d100.0%%", len(mine))) {
		t.Errorf("no total row of %d", len(mine))
	}
}

func TestSummaryImportErrors(t *testing.T) {
	p, as := summaryFixture(t)
	const n = 3
	c, _ := p.Cohort(n)
	docx, xlsx := filledSummary(t, p, n, as)
	otherDOCX := renderBytes(t, func(w io.Writer) error { return SummaryTemplateDOCX(w, p, 5, as, SummaryTemplateOptions{}) })
	otherXLSX := renderBytes(t, func(w io.Writer) error { return SummaryTemplateXLSX(w, p, 5, as, SummaryTemplateOptions{}) })
	blankDOCX := renderBytes(t, func(w io.Writer) error { return SummaryTemplateDOCX(w, p, n, as, SummaryTemplateOptions{}) })
	partial := map[string]string{"一、基本情况": "已填写。"}
	noHeading := rezip(t, docx, func(name, part string) string {
		return strings.Replace(part, ">三、成效与经验<", ">三、成效<", 1)
	})
	badCells := fillXLSX(t, xlsx, func(f *excelize.File) {
		f.SetCellStr(program.SheetAttendance, "E5", "到了")
		f.SetCellStr(program.SheetAttendance, "F6", "")
		f.SetCellStr(program.SheetFeedback, "F4", "9")
		f.SetCellStr(program.SheetFeedback, "D6", "")
		f.SetCellStr(program.SheetSchedule, "A7", "6月1日")
		f.SetCellStr(program.SheetAttendance, "C3", "单位")
	})
	brokenHeader := fillXLSX(t, xlsx, func(f *excelize.File) { f.SetCellStr(program.SheetFeedback, "C3", "课程") })
	noSheet := fillXLSX(t, xlsx, func(f *excelize.File) { f.DeleteSheet(program.SheetSchedule) })
	// A zip bomb: one part claiming (and inflating to) 200 MB of zeros.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("word/document.xml")
	zeros := make([]byte, 1<<20)
	for i := 0; i < 200; i++ {
		w.Write(zeros)
	}
	zw.Close()
	// A part whose header claims 100 bytes but inflates to 200 MB.
	var liar bytes.Buffer
	zw = zip.NewWriter(&liar)
	cw, _ := zw.Create("docProps/core.xml")
	io.WriteString(cw, "<dc:identifier>"+program.SummaryTemplateID(p.Year, n)+"</dc:identifier>")
	var deflated bytes.Buffer
	fw, _ := flate.NewWriter(&deflated, flate.BestSpeed)
	for i := 0; i < 200; i++ {
		fw.Write(zeros)
	}
	fw.Close()
	rw, _ := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate, CompressedSize64: uint64(deflated.Len()), UncompressedSize64: 100})
	rw.Write(deflated.Bytes())
	zw.Close()
	corrupt := append([]byte(nil), docx[:len(docx)/2]...)
	cohort, _ := p.Cohort(n)
	for _, tc := range []struct {
		name string
		data []byte
		want []string // substrings of the error messages, in order
	}{
		{"第5期.docx", otherDOCX, []string{"第5期.docx（值：LH-ZJ-2022-05）：这是2022年第5期的总结模板，不是2022年" + cohort.Title() + "的"}},
		{"第5期.xlsx", otherXLSX, []string{"第5期.xlsx（值：LH-ZJ-2022-05）：这是2022年第5期的总结模板"}},
		{"空白.docx", blankDOCX, []string{
			"空白.docx 第“一、基本情况”部分：尚未填写（只有模板中的提示文字或为空）",
			"空白.docx 第“二、主要做法与特色”部分：尚未填写",
			"空白.docx 第“三、成效与经验”部分：尚未填写",
			"空白.docx 第“四、学员反馈”部分：尚未填写"}},
		{"部分.docx", fillDOCX(t, blankDOCX, partial), []string{"部分.docx 第“二、主要做法与特色”部分：尚未填写"}},
		{"改标题.docx", noHeading, []string{"改标题.docx 第“三、成效与经验”部分：找不到这一部分的标题"}},
		{"坏格.xlsx", badCells, []string{
			"坏格.xlsx 工作表「活动日程」第7行 A7单元格「日期」（值：6月1日）：应从下拉列表中选择本期的某一天",
			"坏格.xlsx 工作表「活动日程」第7行 C7单元格「活动内容」：这一行填写了日期或时间，但没有填写活动内容",
			"坏格.xlsx 工作表「学员考勤」第3行 C3单元格「工作单位」（值：单位）：表头应为“工作单位”",
			"坏格.xlsx 工作表「学员反馈汇总」第4行 F4单元格「总体满意度」（值：9）：评分应为 1–5 之间的数",
			"坏格.xlsx 工作表「学员反馈汇总」第6行 D6单元格「授课质量」：",
		}},
		{"改表头.xlsx", brokenHeader, []string{"改表头.xlsx 工作表「学员反馈汇总」第3行 C3单元格「课程内容」（值：课程）：表头应为“课程内容”"}},
		{"缺表.xlsx", noSheet, []string{"缺表.xlsx 工作表「活动日程」：找不到这个工作表"}},
		{"炸弹.docx", bomb.Bytes(), []string{"炸弹.docx：文件解压后超过 100 MB"}},
		{"谎报.docx", liar.Bytes(), []string{"谎报.docx：文件已损坏，无法读取"}},
		{"损坏.docx", corrupt, []string{"损坏.docx：文件已损坏或不是 Word（.docx）/ Excel（.xlsx）文件"}},
		{"照片.jpg", []byte("\xff\xd8\xff\xe0 not a zip"), []string{"照片.jpg：文件已损坏或不是 Word"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := program.ReadSummaryFile(tc.name, tc.data, p.Year, c, time.Now())
			if err == nil {
				t.Fatalf("accepted: %+v", s)
			}
			var errs program.SummaryErrors
			if !errors.As(err, &errs) {
				t.Fatalf("error %T %v, want SummaryErrors", err, err)
			}
			msg := err.Error()
			at := 0
			for _, w := range tc.want {
				i := strings.Index(msg[at:], w)
				if i < 0 {
					t.Errorf("message lacks (in order) %q:\n%s", w, msg)
					continue
				}
				at += i + len(w)
			}
		})
	}
	// The attendance cell emptied above names the participant and the day.
	_, err := program.ReadSummaryFile("x.xlsx", fillXLSX(t, xlsx, func(f *excelize.File) { f.SetCellStr(program.SheetAttendance, "E5", "") }), p.Year, c, time.Now())
	mine := cohortApplicants(as, n, program.ByStrokes)
	if want := fmt.Sprintf("x.xlsx 工作表「学员考勤」第5行 E5单元格「%s」：%s这一天的出勤情况未填写", program.DayLabel(c.Days()[1]), mine[1].Name); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want %q", err, want)
	}
}

func TestSummaryReportXLSX(t *testing.T) {
	p, as := summaryFixture(t)
	const n = 3
	docx, xlsx := filledSummary(t, p, n, as)
	s := readSummary(t, p, n, map[string][]byte{"总结报告.docx": docx, "总结数据.xlsx": xlsx})
	mine := cohortApplicants(as, n, program.ByStrokes)
	b := renderBytes(t, func(w io.Writer) error { return SummaryReportXLSX(w, p, n, as, s, ReportOptions{}) })
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"活动概况", "性别", "民族", "年龄", "政治面貌", "省份", "研究领域", "单位类型", "考勤", "反馈", "活动日程", "承办单位总结"}
	if got := f.GetSheetList(); strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("sheets %q, want %q", got, want)
	}
	charts := 0
	for name := range zipParts(t, b) {
		if strings.HasPrefix(name, "xl/charts/chart") {
			charts++
		}
	}
	if charts != 9 { // 7 measures, attendance, feedback
		t.Errorf("%d charts, want 9", charts)
	}
	women := 0
	for _, a := range mine {
		if a.Gender == "女" {
			women++
		}
	}
	if v, _ := f.GetCellValue("性别", "B5"); v != fmt.Sprint(women) {
		t.Errorf("性别!B5 = %q, want %d women", v, women)
	}
	if v, _ := f.GetCellValue("反馈", "B7"); v != "4.5" {
		t.Errorf("总体满意度 = %q, want 4.5", v)
	}
	if v, _ := f.GetCellValue("活动日程", "C4"); v != "开班式暨专题报告：科技自立自强" {
		t.Errorf("日程 C4 = %q", v)
	}
	again := renderBytes(t, func(w io.Writer) error { return SummaryReportXLSX(w, p, n, as, s, ReportOptions{}) })
	if !bytes.Equal(b, again) {
		t.Error("two renders differ")
	}
	// Without a summary: the composition only.
	b = renderBytes(t, func(w io.Writer) error { return SummaryReportXLSX(w, p, n, as, nil, ReportOptions{}) })
	f2, _ := excelize.OpenReader(bytes.NewReader(b))
	if got := len(f2.GetSheetList()); got != 8 {
		t.Errorf("without a summary: %d sheets, want 8", got)
	}
	if v, _ := f2.GetCellValue("活动概况", "B8"); v != NotSubmitted {
		t.Errorf("活动概况!B8 = %q", v)
	}
}

// The demo's filled templates import cleanly for every cohort.
func TestSampleSummaryFiles(t *testing.T) {
	p, as := summaryFixture(t)
	for _, c := range p.Cohorts {
		docx, xlsx, err := SampleSummaryFiles(p, c.Number, as, 1)
		if err != nil {
			t.Fatal(err)
		}
		s := readSummary(t, p, c.Number, map[string][]byte{"a.docx": docx, "b.xlsx": xlsx})
		if !strings.Contains(s.Section("一、基本情况"), c.Location) || len(s.Schedule) != 2*len(c.Days()) || len(s.Attendance) != len(cohortApplicants(as, c.Number, program.AsGiven)) {
			t.Errorf("cohort %d: %+v", c.Number, s.Sections[0])
		}
		again, _, _ := SampleSummaryFiles(p, c.Number, as, 1)
		if !bytes.Equal(docx, again) {
			t.Errorf("cohort %d: sample DOCX not deterministic", c.Number)
		}
	}
}

// Long values never vanish: a long research field is shortened with “…”
// in the chart but printed whole in its table (then below the chart), a
// long narrative continues over pages, a comment longer than a page is
// cut with a visible mark.
func TestSummaryReportLongValues(t *testing.T) {
	needPoppler(t)
	p, as := summaryFixture(t)
	const n = 3
	long := strings.Repeat("面向国家重大需求的人工智能与大数据驱动的智慧医疗关键技术及其临床转化应用研究", 2)
	var mine []program.Applicant
	for _, a := range as {
		if a.Cohort == n {
			mine = append(mine, a)
		}
	}
	mine[0].Field, mine[1].Field = long, long
	narrative := strings.Repeat("学员围绕科技自立自强开展深入研讨，形成了一批合作成果。", 150) + "全文到此结束。"
	comment := strings.Repeat("希望增加交流时间。", 600) + "这句不会出现。"
	s := &program.Summary{Year: p.Year, Cohort: n, Days: []string{"6月26日（星期日）"},
		Attendance: []program.AttendanceRow{{Name: mine[0].Name, Marks: []string{program.Present}}},
		Feedback:   []program.FeedbackRow{{Name: mine[0].Name, Scores: []float64{5, 5, 5, 5}, Comment: comment}},
		Schedule:   []program.SummaryScheduleItem{{Day: "6月26日（星期日）", Activity: "开班式"}}}
	for _, sec := range program.SummarySections {
		s.Sections = append(s.Sections, program.SectionText{Heading: sec.Heading(), Text: narrative})
	}
	pdf := filepath.Join(t.TempDir(), "long.pdf")
	os.WriteFile(pdf, renderBytes(t, func(w io.Writer) error {
		return SummaryReportPDF(w, p, n, mine, s, ReportOptions{Fonts: noticeTestFonts(t)})
	}), 0o644)
	text := squashText(pdfText(t, pdf, 0))
	if !strings.Contains(text, long) {
		t.Error("the long research field is not printed whole anywhere")
	}
	if !strings.Contains(text, "…") {
		t.Error("no shortened chart label")
	}
	if got := strings.Count(text, "全文到此结束。"); got != len(program.SummarySections) {
		t.Errorf("narrative ends found %d times, want %d (continued over pages, nothing lost)", got, len(program.SummarySections))
	}
	if !strings.Contains(text, squashText(cellCut)) || strings.Contains(text, "这句不会出现") {
		t.Error("an over-long comment is not cut with its mark")
	}
}

// A session's time stays on one line in the 活动日程 table: on paper the
// report printed “14:00—” and “17:00” on two lines while “8:30—11:30” fitted.
func TestSummaryReportScheduleTimes(t *testing.T) {
	needPoppler(t)
	p, as := summaryFixture(t)
	const n = 3
	var mine []program.Applicant
	for _, a := range as {
		if a.Cohort == n {
			mine = append(mine, a)
		}
	}
	times := []string{"08:30—11:30", "14:00—17:00", "19:00—21:30"}
	s := &program.Summary{Year: p.Year, Cohort: n, Days: []string{"6月26日（星期日）"},
		Attendance: []program.AttendanceRow{{Name: mine[0].Name, Marks: []string{program.Present}}}}
	for _, tm := range times {
		s.Schedule = append(s.Schedule, program.SummaryScheduleItem{Day: "6月26日（星期日）", Time: tm, Activity: "专题报告：科技自立自强与国家战略", Speaker: "陕西西安"})
	}
	fonts, err := typeset.Default() // the demo's and the service's fonts
	if err != nil {
		t.Fatal(err)
	}
	pdf := filepath.Join(t.TempDir(), "times.pdf")
	os.WriteFile(pdf, renderBytes(t, func(w io.Writer) error {
		return SummaryReportPDF(w, p, n, mine, s, ReportOptions{Fonts: fonts})
	}), 0o644)
	all := strings.Split(poppler(t, "pdftotext", "-layout", "-enc", "UTF-8", pdf, "-"), "\n")
	for _, tm := range times {
		if !containsAny(all, tm) {
			t.Errorf("the time %q is not on one line of the 活动日程", tm)
		}
	}
}

func containsAny(lines []string, s string) bool {
	for _, l := range lines {
		if strings.Contains(l, s) {
			return true
		}
	}
	return false
}

// Every sheet of the workbooks meant for print (总结数据 template, 活动总结
// 报告 XLSX, 年度评估 XLSX) prints one page wide: fitToWidth alone was
// ignored without fitToPage, so LibreOffice printed 综合排名's last
// column on a page of its own.
func TestReportWorkbooksFitOnePageWide(t *testing.T) {
	p, as := summaryFixture(t)
	const n = 3
	docx, xlsx := filledSummary(t, p, n, as)
	s := readSummary(t, p, n, map[string][]byte{"总结报告.docx": docx, "总结数据.xlsx": xlsx})
	for _, tt := range []struct {
		name   string
		render func(w io.Writer) error
	}{
		{"总结数据模板", func(w io.Writer) error { return SummaryTemplateXLSX(w, p, n, as, SummaryTemplateOptions{}) }},
		{"活动总结报告", func(w io.Writer) error { return SummaryReportXLSX(w, p, n, as, s, ReportOptions{}) }},
		{"年度评估", func(w io.Writer) error { return EvaluationXLSX(w, p, as, evalSummaries(p, as), ReportOptions{}) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f, err := excelize.OpenReader(bytes.NewReader(renderBytes(t, tt.render)))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			for _, sh := range f.GetSheetList() {
				lay, err := f.GetPageLayout(sh)
				if err != nil {
					t.Fatal(err)
				}
				if lay.FitToWidth == nil || *lay.FitToWidth != 1 {
					continue // a sheet not set up for print (模板信息)
				}
				props, err := f.GetSheetProps(sh)
				if err != nil {
					t.Fatal(err)
				}
				if props.FitToPage == nil || !*props.FitToPage {
					t.Errorf("sheet %q: fitToWidth=1 without fitToPage, which Excel and LibreOffice ignore", sh)
				}
			}
		})
	}
}
