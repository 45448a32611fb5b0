package render

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"linghang/program"
)

// evalSummaries makes summaries for cohorts 1–4: every participant
// present except a share absent, scores falling with the cohort number,
// submitted on day 10 + 3 × number after the end (cohort 3 and 4 late).
func evalSummaries(p *program.Programme, as []program.Applicant) map[int]*program.Summary {
	sums := map[int]*program.Summary{}
	for n := 1; n <= 4; n++ {
		c, _ := p.Cohort(n)
		s := &program.Summary{Year: p.Year, Cohort: n}
		for _, d := range c.Days() {
			s.Days = append(s.Days, program.DayLabel(d))
		}
		for _, sec := range program.SummarySections {
			s.Sections = append(s.Sections, program.SectionText{Heading: sec.Heading(), Text: "已填写"})
		}
		k := 0
		for _, a := range as {
			if a.Cohort != n {
				continue
			}
			marks := make([]string, len(s.Days))
			for i := range marks {
				marks[i] = program.Present
				if k%(n+2) == 0 && i == 0 {
					marks[i] = program.Absent
				}
			}
			s.Attendance = append(s.Attendance, program.AttendanceRow{Name: a.Name, Marks: marks})
			sc := 5 - 0.25*float64(n)
			s.Feedback = append(s.Feedback, program.FeedbackRow{Name: a.Name, Scores: []float64{sc, sc, sc, sc}})
			k++
		}
		at := c.End.AddDate(0, 0, 10+3*n).Add(2 * time.Hour)
		s.Sources = []program.SummarySource{{Part: program.PartNarrative, File: "a.docx", SHA256: strings.Repeat("a", 64), Received: at},
			{Part: program.PartData, File: "a.xlsx", SHA256: strings.Repeat("b", 64), Received: at}}
		sums[n] = s
	}
	return sums
}

func TestEvaluation(t *testing.T) {
	needPoppler(t)
	p, as := summaryFixture(t)
	sums := evalSummaries(p, as)
	es := program.Evaluate(p, as, sums)
	for i, want := range []int{1, 2, 3, 4, 0, 0, 0, 0, 0, 0} {
		if es[i].Rank != want {
			t.Errorf("cohort %d rank %d, want %d", i+1, es[i].Rank, want)
		}
	}
	if !es[0].OnTime() || es[2].OnTime() || es[2].DaysLate != 4 {
		t.Errorf("punctuality: 1 %v, 3 %v (%d days late)", es[0].OnTime(), es[2].OnTime(), es[2].DaysLate)
	}
	pdf := filepath.Join(t.TempDir(), "评估.pdf")
	if err := os.WriteFile(pdf, renderBytes(t, func(w io.Writer) error {
		return EvaluationPDF(w, p, as, sums, ReportOptions{Fonts: noticeTestFonts(t)})
	}), 0o644); err != nil {
		t.Fatal(err)
	}
	text := squashText(pdfText(t, pdf, 0))
	prev := -1
	for _, e := range rankedOrder(es) {
		row := squashText(strings.Join(rankedRows(p, []program.CohortEvaluation{*e})[0][:2], ""))
		if e.Rank == 0 {
			row = squashText("—" + cohortShort(p, e.Cohort.Number))
		}
		i := strings.Index(text, row)
		if i < 0 || i < prev {
			t.Errorf("ranked table: %q missing or out of order", row)
		}
		prev = i
	}
	for _, want := range []string{"逾期4天", "（按时）", "未提交", "反馈评分：总体满意度", "学员构成比较", fmt.Sprintf("学员%d人", len(as))} {
		if !strings.Contains(text, squashText(want)) {
			t.Errorf("evaluation lacks %q", want)
		}
	}

	b := renderBytes(t, func(w io.Writer) error { return EvaluationXLSX(w, p, as, sums, ReportOptions{}) })
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != len(evalMeasures())+2 || sheets[0] != "综合排名" || sheets[len(sheets)-1] != "学员构成" {
		t.Errorf("sheets %q", sheets)
	}
	charts := 0
	for name := range zipParts(t, b) {
		if strings.HasPrefix(name, "xl/charts/chart") {
			charts++
		}
	}
	if charts != len(evalMeasures()) {
		t.Errorf("%d charts, want %d", charts, len(evalMeasures()))
	}
	if v, _ := f.GetCellValue("综合排名", "B4"); v != cohortShort(p, es[0].Cohort.Number) {
		t.Errorf("rank 1 = %q", v)
	}
	if v, _ := f.GetCellValue("学员人数", "B4"); v != fmt.Sprint(es[0].Applicants) {
		t.Errorf("学员人数 B4 = %q, want %d", v, es[0].Applicants)
	}
	if v, _ := f.GetCellValue("出勤率", "B9"); v != "" {
		t.Errorf("cohort 6 without data has attendance %q", v)
	}
	again := renderBytes(t, func(w io.Writer) error { return EvaluationXLSX(w, p, as, sums, ReportOptions{}) })
	if !bytes.Equal(b, again) {
		t.Error("two renders differ")
	}
}

// benchEvaluation is the closing note's case: 10 cohorts × 500
// applicants, every summary submitted.
func benchEvaluation(b *testing.B) (*program.Programme, []program.Applicant, map[int]*program.Summary) {
	p := testProgramme(b)
	var as []program.Applicant
	for _, a := range program.Sample(p, 6000, 11) {
		n := len(as)%10 + 1 // 500 per cohort
		c, _ := p.Cohort(n)
		if c.WomenOnly && a.Gender != "女" {
			continue
		}
		a.Cohort = n
		as = append(as, a)
		if len(as) == 5000 {
			break
		}
	}
	sums := evalSummaries(p, as)
	for n := 5; n <= 10; n++ { // evalSummaries fills 1–4; copy the shape
		c, _ := p.Cohort(n)
		s := *sums[1]
		s.Cohort, s.Days = n, nil
		for _, d := range c.Days() {
			s.Days = append(s.Days, program.DayLabel(d))
		}
		sums[n] = &s
	}
	return p, as, sums
}

func BenchmarkEvaluationPDF(b *testing.B) {
	p, as, sums := benchEvaluation(b)
	fonts := noticeTestFonts(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := EvaluationPDF(io.Discard, p, as, sums, ReportOptions{Fonts: fonts}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkEvaluationXLSX(b *testing.B) {
	p, as, sums := benchEvaluation(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := EvaluationXLSX(io.Discard, p, as, sums, ReportOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSummaryReportPDF(b *testing.B) {
	p, as, sums := benchEvaluation(b)
	fonts := noticeTestFonts(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := SummaryReportPDF(io.Discard, p, 3, as, sums[3], ReportOptions{Fonts: fonts}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSummaryGolden compares the text of a filled summary report and of
// the evaluation with testdata/*.golden (go test ./render -run
// SummaryGolden -update rewrites them).
func TestSummaryGolden(t *testing.T) {
	needTools(t, "pdftotext", "pdfinfo")
	p, as := summaryFixture(t)
	docx, xlsx := filledSummary(t, p, 3, as)
	s := readSummary(t, p, 3, map[string][]byte{"总结报告.docx": docx, "总结数据.xlsx": xlsx})
	fonts := noticeTestFonts(t)
	for _, tt := range []struct {
		golden string
		render func(w io.Writer) error
	}{
		{"summary-report-3.golden", func(w io.Writer) error { return SummaryReportPDF(w, p, 3, as, s, ReportOptions{Fonts: fonts}) }},
		{"evaluation.golden", func(w io.Writer) error {
			return EvaluationPDF(w, p, as, evalSummaries(p, as), ReportOptions{Fonts: fonts})
		}},
	} {
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
				t.Fatalf("%v (run go test ./render -run SummaryGolden -update to create it)", err)
			}
			if got != string(want) {
				t.Errorf("text differs from %s:\n--- got\n%.3000s\n--- want\n%.3000s", path, got, want)
			}
		})
	}
}

// Numbers in the report tables stay on one line, shrunk if need be: the
// 学员构成比较 printed a 100.0% share as “100.” over “0%”.
func TestEvaluationNumbersWhole(t *testing.T) {
	needPoppler(t)
	p, as := summaryFixture(t)
	var buf bytes.Buffer
	if err := EvaluationPDF(&buf, p, as, evalSummaries(p, as), ReportOptions{Fonts: noticeTestFonts(t)}); err != nil {
		t.Fatal(err)
	}
	text := pdfPlainText(t, buf.Bytes())
	if !strings.Contains(text, "100.0%") {
		t.Error("no whole “100.0%” in the text: the fixture's all-women cohort has one, so it is split over lines")
	}
	split := regexp.MustCompile(`(?m)\d\.\s*$|^\s*\d%`)
	for _, l := range strings.Split(text, "\n") {
		if split.MatchString(l) {
			t.Errorf("a number is split over lines: %q", l)
		}
	}
}
