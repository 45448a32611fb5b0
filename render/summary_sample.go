package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"

	"github.com/xuri/excelize/v2"

	"linghang/program"
)

// SampleSummaryFiles fills cohort n's two templates as a host unit would
// (demo data, the same for the same seed): a few sentences in every
// section, two activities a day, nearly everyone present, most
// participants scoring 3.5–5. The demo imports them like real
// submissions.
func SampleSummaryFiles(p *program.Programme, n int, as []program.Applicant, seed uint64) (docx, xlsx []byte, err error) {
	c, err := summaryCohort(p, n)
	if err != nil {
		return nil, nil, fmt.Errorf("sample summary: %w", err)
	}
	var d, x bytes.Buffer
	if err := SummaryTemplateDOCX(&d, p, n, as, SummaryTemplateOptions{}); err != nil {
		return nil, nil, err
	}
	if err := SummaryTemplateXLSX(&x, p, n, as, SummaryTemplateOptions{}); err != nil {
		return nil, nil, err
	}
	mine := cohortApplicants(as, n, program.ByStrokes)
	host := strings.Join(c.Hosts, "、")
	texts := map[string][]string{
		"一、基本情况": {fmt.Sprintf("本期研修由%s承办，于%s在%s举办，学员%d人。", host, CohortPeriod(c), c.Location, len(mine)),
			"研修采取专题报告、现场教学、交流研讨相结合的方式，学员全部按时报到。"},
		"二、主要做法与特色": {"围绕本期特色内容设计课程：" + strings.TrimSuffix(c.Features, "。") + "。", "每天安排一次分组研讨，由学员轮流主持。"},
		"三、成效与经验":   {"学员普遍反映加深了对国情的认识，增进了跨学科、跨地区的交流，形成多项合作意向。"},
		"四、学员反馈":    {"学员对课程安排和授课专家评价较高，认为现场教学收获最大，希望增加交流时间。"},
		"五、问题与建议":   {"部分现场教学点路程较远，建议今后适当压缩单程时间。"},
	}
	docx, err = fillGuidance(d.Bytes(), texts)
	if err != nil {
		return nil, nil, fmt.Errorf("sample summary DOCX: %w", err)
	}
	r := rand.New(rand.NewPCG(seed, uint64(n)))
	f, err := excelize.OpenReader(&x)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	row := program.SummaryFirstRow
	set := func(sheet string, col, row int, v any) {
		cell, _ := excelize.CoordinatesToCellName(col, row)
		if e := f.SetCellValue(sheet, cell, v); e != nil && err == nil {
			err = e
		}
	}
	topics := []string{"专题报告：科技自立自强与国家战略", "现场教学：重点实验室与科技企业", "专题报告：科学家精神", "交流研讨：学科交叉与合作",
		"现场教学：红色教育基地", "专题报告：区域发展与创新", "交流研讨：青年科技人才成长"}
	for i, day := range c.Days() {
		for k, t := range []string{"8:30—11:30", "14:00—17:00"} {
			set(program.SheetSchedule, 1, row, program.DayLabel(day))
			set(program.SheetSchedule, 2, row, t)
			set(program.SheetSchedule, 3, row, topics[(2*i+k)%len(topics)])
			set(program.SheetSchedule, 4, row, c.Location)
			row++
		}
	}
	days := len(c.Days())
	for i := range mine {
		for d := 0; d < days; d++ {
			mark := program.Present
			switch v := r.IntN(100); {
			case v < 1:
				mark = program.Absent
			case v < 4:
				mark = program.Leave
			}
			set(program.SheetAttendance, 4+d, program.SummaryFirstRow+i, mark)
		}
		if r.IntN(100) < 80 {
			for k := range program.FeedbackItems {
				set(program.SheetFeedback, 3+k, program.SummaryFirstRow+i, 3.5+0.5*float64(r.IntN(4)))
			}
		}
	}
	if err != nil {
		return nil, nil, err
	}
	var out bytes.Buffer
	if _, err := f.WriteTo(&out); err != nil {
		return nil, nil, err
	}
	return docx, out.Bytes(), nil
}

// fillGuidance replaces the guidance paragraph of each section with the
// given paragraphs, as typing over it in Word does.
func fillGuidance(docx []byte, texts map[string][]string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(docx), int64(len(docx)))
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, err
		}
		if f.Name == "word/document.xml" {
			s := string(b)
			for _, sec := range program.SummarySections {
				paras := texts[sec.Heading()]
				if len(paras) == 0 {
					continue
				}
				old := xmlText(sec.Guidance) + "</w:t></w:r></w:p>"
				if !strings.Contains(s, old) {
					return nil, fmt.Errorf("the guidance of %s is not in word/document.xml", sec.Heading())
				}
				esc := make([]string, len(paras))
				for i, p := range paras {
					esc[i] = xmlText(p)
				}
				s = strings.Replace(s, old, strings.Join(esc, `</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">`)+"</w:t></w:r></w:p>", 1)
			}
			b = []byte(s)
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: f.Modified})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(b); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
