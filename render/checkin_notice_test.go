package render

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nguyenthenguyen/docx"

	"linghang/program"
)

func writeOut(t *testing.T, name string, b []byte) {
	t.Helper()
	if dir := os.Getenv("LINGHANG_RENDER_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func sampleCohort(t testing.TB, p *program.Programme, cohort, n int) []program.Applicant {
	t.Helper()
	var out []program.Applicant
	for _, a := range program.Sample(p, 400, 3) {
		if a.Cohort == cohort && len(out) < n {
			out = append(out, a)
		}
	}
	if len(out) < n {
		t.Fatalf("sample has %d applicants of cohort %d, want %d", len(out), cohort, n)
	}
	return out
}

func TestCheckinNoticePDF(t *testing.T) {
	p := formProgramme(t)
	as := sampleCohort(t, p, 8, 3)
	var buf bytes.Buffer
	if err := CheckinNoticePDF(&buf, p, 8, as, CohortOptions{Fonts: formFonts(t)}); err != nil {
		t.Fatal(err)
	}
	writeOut(t, "checkin-8.pdf", buf.Bytes())
	pages := formPDFText(t, buf.Bytes())
	if len(pages) < 3 {
		t.Fatalf("%d pages for 3 letters", len(pages))
	}
	all := formSqueeze(strings.Join(pages, ""))
	c := &p.Cohorts[7]
	wants := []string{
		"中国汽车工程学会", "关于第8期全国学会分校班（中国汽车工程学会）报到事项的通知",
		"报到时间：2022年8月14日（暂定）14:00—20:00。", "报到地点：重庆高新区科学会堂（重庆市高新区科学大道）。",
		"2022年8月15日至19日（暂定），为期5天", "1.本人身份证；", "研修期间食宿费由承办单位承担",
		"佟蕊，联系电话：010-50911064、13426237624。", "重庆长安汽车股份有限公司", "2022年8月8日（暂定）",
		"【" + exampleMark + "】",
	}
	for _, w := range wants {
		if !strings.Contains(all, formSqueeze(w)) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
	for _, a := range as {
		if strings.Count(all, a.Name+"同志：") != 1 {
			t.Errorf("letter to %s: want exactly one", a.Name)
		}
	}
	if strings.Contains(all, a0ID(as)) {
		t.Error("an ID number is printed")
	}
	_ = c
}

func a0ID(as []program.Applicant) string { return as[0].ID }

func TestCheckinNoticeMissingFacts(t *testing.T) {
	p := formProgramme(t)
	p.Cohorts[0].Arrival = program.Arrival{Venue: "红旗渠干部学院"}
	err := CheckinNoticePDF(&bytes.Buffer{}, p, 1, nil, CohortOptions{Fonts: formFonts(t)})
	var me *program.MissingError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v, want *program.MissingError", err)
	}
	for _, w := range []string{"报到日期（cohorts[0].arrival.date）", "报到时间", "需携带的材料", "交通"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q lacks %q", err, w)
		}
	}
	if strings.Contains(err.Error(), "报到地点") || strings.Contains(err.Error(), "联系人") {
		t.Errorf("error names a fact that is given: %v", err)
	}
	if err := CheckinNoticeDOCX(&bytes.Buffer{}, p, 1, nil, CohortOptions{}); !errors.As(err, &me) {
		t.Errorf("DOCX: %v", err)
	}
}

func TestCheckinNoticeDOCX(t *testing.T) {
	p := formProgramme(t)
	p.Cohorts[2].Tentative = false
	p.Cohorts[2].Arrival.Example = false
	as := sampleCohort(t, p, 3, 2)
	var buf bytes.Buffer
	if err := CheckinNoticeDOCX(&buf, p, 3, as, CohortOptions{}); err != nil {
		t.Fatal(err)
	}
	writeOut(t, "checkin-3.docx", buf.Bytes())
	pkg := unzipDOCX(t, buf.Bytes())
	paras := wordParagraphs(t, "word/document.xml", pkg["word/document.xml"])
	text := strings.Join(paras, "\n")
	for _, w := range []string{as[0].Name + "同志：", as[1].Name + "同志：", "报到时间：2022年6月25日 14:00—20:00。", "2022年6月26日至30日，为期5天。活动地点：江苏无锡，无锡市委党校。", "一、报到时间和地点", "五、联系人", "江苏省科协"} {
		if !strings.Contains(text, w) {
			t.Errorf("DOCX lacks %q", w)
		}
	}
	for _, bad := range []string{"{{", "暂定", exampleMark} {
		if strings.Contains(text, bad) {
			t.Errorf("DOCX holds %q", bad)
		}
	}
	if n := strings.Count(string(pkg["word/document.xml"]), "<w:sectPr>"); n != 2 {
		t.Errorf("%d sections, want one per letter (2)", n)
	}
	// The docx library reopens it (it ignores its own write errors).
	r, err := docx.ReadDocxFromMemory(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatalf("docx library cannot reopen: %v", err)
	}
	if c := r.Editable().GetContent(); !strings.Contains(c, as[1].Name+"同志：") {
		t.Error("reopened document lacks the second letter")
	}
	r.Close()
	// Each letter opens with the host unit's 版头 in the body (as the
	// notice's DOCX does), not in a header.
	body := strings.Join(wordParagraphs(t, "word/document.xml", pkg["word/document.xml"]), "|")
	if n := strings.Count(body, "江苏省科协|"); n < 2 {
		t.Errorf("letter heads in the body: %d, want one per letter (2)", n)
	}
}
