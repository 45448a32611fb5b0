package program

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xuri/excelize/v2"
)

// Bounds on a submitted summary file: a filled template is well under a
// megabyte; anything inflating beyond these is refused before it is
// read (a zip bomb), and nothing of it is stored.
const (
	MaxSummaryFile     = 20 << 20  // bytes as uploaded
	MaxSummaryUnzipped = 100 << 20 // all parts, inflated
	MaxSummaryPart     = 50 << 20  // one XML part, inflated
)

var templateIDPattern = regexp.MustCompile(`LH-ZJ-\d{4}-\d{2}`)

// ReadSummaryFile reads one filled summary template, DOCX or XLSX (told
// apart by content, not name), for cohort c of year. The summary it
// returns holds the part the file carries and the file as its source
// (SHA-256, size, received). Every problem found is returned at once as
// SummaryErrors; a file that is not a template, is corrupt or too large
// gives a single error naming the file.
func ReadSummaryFile(file string, data []byte, year int, c *Cohort, received time.Time) (*Summary, error) {
	fail := func(reason string) error { return SummaryErrors{{File: file, Reason: reason}} }
	if len(data) > MaxSummaryFile {
		return nil, fail(fmt.Sprintf("文件过大（%d MB），总结模板填写后应远小于 %d MB", len(data)>>20, MaxSummaryFile>>20))
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fail("文件已损坏或不是 Word（.docx）/ Excel（.xlsx）文件，无法打开；请上传由总结模板填写的文件")
	}
	var total uint64
	parts := map[string]*zip.File{}
	for _, f := range zr.File {
		total += f.UncompressedSize64
		parts[f.Name] = f
	}
	if total > MaxSummaryUnzipped {
		return nil, fail(fmt.Sprintf("文件解压后超过 %d MB（可能是恶意构造的压缩文件），已拒绝", MaxSummaryUnzipped>>20))
	}
	sum := sha256.Sum256(data)
	src := SummarySource{File: file, SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data)), Received: received}
	var s *Summary
	switch {
	case parts["word/document.xml"] != nil:
		src.Part = PartNarrative
		s, err = readSummaryDOCX(file, parts, year, c)
	case parts["xl/workbook.xml"] != nil:
		src.Part = PartData
		s, err = readSummaryXLSX(file, data, year, c)
	default:
		return nil, fail("既不是 Word（.docx）也不是 Excel（.xlsx）文件；请上传由总结模板填写的文件")
	}
	if err != nil {
		return nil, err
	}
	s.Year, s.Cohort = year, c.Number
	s.Sources = []SummarySource{src}
	return s, nil
}

// readPart inflates one part, never beyond MaxSummaryPart whatever its
// header claims.
func readPart(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxSummaryPart+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxSummaryPart {
		return nil, fmt.Errorf("部件 %s 解压后超过 %d MB", f.Name, MaxSummaryPart>>20)
	}
	return b, nil
}

// checkTemplateID compares the identifier found in a file with the
// cohort's.
func checkTemplateID(file, found string, year int, c *Cohort) *SummaryError {
	want := SummaryTemplateID(year, c.Number)
	if found == "" {
		return &SummaryError{File: file, Reason: fmt.Sprintf("找不到模板标识（应为 %s）：这不是 linghang 生成的%s总结模板，请下载该期的模板填写", want, c.Title())}
	}
	if found == want {
		return nil
	}
	y, n, _ := ParseSummaryTemplateID(found)
	return &SummaryError{File: file, Value: found, Reason: fmt.Sprintf("这是%d年第%d期的总结模板，不是%d年%s的；请确认上传的文件和期次", y, n, year, c.Title())}
}

func readSummaryDOCX(file string, parts map[string]*zip.File, year int, c *Cohort) (*Summary, error) {
	corrupt := func(err error) error {
		return SummaryErrors{{File: file, Reason: fmt.Sprintf("文件已损坏，无法读取（%v）", err)}}
	}
	// The identifier: the document properties, else the footer line.
	id := ""
	for _, name := range []string{"docProps/core.xml", "word/footer1.xml", "word/footer2.xml", "word/footer3.xml"} {
		if f := parts[name]; f != nil && id == "" {
			b, err := readPart(f)
			if err != nil {
				return nil, corrupt(err)
			}
			id = templateIDPattern.FindString(string(b))
		}
	}
	if e := checkTemplateID(file, id, year, c); e != nil {
		return nil, SummaryErrors{e}
	}
	doc, err := readPart(parts["word/document.xml"])
	if err != nil {
		return nil, corrupt(err)
	}
	paras, err := docxParagraphs(doc)
	if err != nil {
		return nil, corrupt(err)
	}
	texts := make([][]string, len(SummarySections))
	found := make([]bool, len(SummarySections))
	cur := -1
	for _, p := range paras {
		key := squashSpace(p)
		if key == "" {
			continue
		}
		if key == squashSpace(SummaryRosterHeading) {
			cur = -1
			continue
		}
		heading := false
		for i, sec := range SummarySections {
			if key == squashSpace(sec.Heading()) {
				cur, found[i], heading = i, true, true
			}
		}
		if heading || cur < 0 || key == squashSpace(SummarySections[cur].Guidance) {
			continue
		}
		texts[cur] = append(texts[cur], strings.TrimSpace(p))
	}
	var errs SummaryErrors
	s := &Summary{}
	for i, sec := range SummarySections {
		switch {
		case !found[i]:
			errs = append(errs, &SummaryError{File: file, Section: sec.Heading(), Reason: "找不到这一部分的标题：请不要删改模板中的各部分标题"})
		case sec.Required && len(texts[i]) == 0:
			errs = append(errs, &SummaryError{File: file, Section: sec.Heading(), Reason: "尚未填写（只有模板中的提示文字或为空）"})
		}
		s.Sections = append(s.Sections, SectionText{Heading: sec.Heading(), Text: strings.Join(texts[i], "\n")})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return s, nil
}

// squash drops every space (ASCII and full-width) for comparing headings.
func squashSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}

// docxParagraphs returns the text of each paragraph of the body in
// document order (table cells included), with tabs and breaks kept and
// deleted revisions left out.
func docxParagraphs(doc []byte) ([]string, error) {
	const w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	dec := xml.NewDecoder(bytes.NewReader(doc))
	var out []string
	var b strings.Builder
	inText, deleted := false, 0
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Space != w {
				continue
			}
			switch t.Name.Local {
			case "p":
				b.Reset()
			case "t":
				inText = true
			case "tab":
				b.WriteByte('\t')
			case "br", "cr":
				b.WriteByte('\n')
			case "del":
				deleted++
			}
		case xml.EndElement:
			if t.Name.Space != w {
				continue
			}
			switch t.Name.Local {
			case "p":
				out = append(out, b.String())
				b.Reset()
			case "t":
				inText = false
			case "del":
				deleted--
			}
		case xml.CharData:
			if inText && deleted == 0 {
				b.Write(t)
			}
		}
	}
}

func readSummaryXLSX(file string, data []byte, year int, c *Cohort) (s *Summary, err error) {
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, SummaryErrors{{File: file, Reason: fmt.Sprintf("文件已损坏，无法作为 Excel 文件读取（%v）", r)}}
		}
	}()
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: MaxSummaryUnzipped, UnzipXMLSizeLimit: MaxSummaryPart})
	if err != nil {
		return nil, SummaryErrors{{File: file, Reason: fmt.Sprintf("文件已损坏、已加密或不是 Excel 文件，无法打开（%v）", err)}}
	}
	defer f.Close()
	id, _ := f.GetCellValue(SheetTemplateInfo, "B1")
	if id == "" {
		if p, err := f.GetDocProps(); err == nil {
			id = templateIDPattern.FindString(p.Identifier)
		}
	}
	if e := checkTemplateID(file, templateIDPattern.FindString(id), year, c); e != nil {
		return nil, SummaryErrors{e}
	}
	r := xlsxReader{f: f, file: file}
	s = &Summary{}
	days := c.Days()
	labels := make([]string, len(days))
	for i, d := range days {
		labels[i] = DayLabel(d)
	}
	s.Schedule = r.schedule(labels)
	s.Days = labels
	s.Attendance = r.attendance(labels)
	s.Feedback = r.feedback()
	if len(r.errs) > 0 {
		return nil, r.errs
	}
	return s, nil
}

type xlsxReader struct {
	f    *excelize.File
	file string
	errs SummaryErrors
}

func (r *xlsxReader) fail(sheet string, col, row int, field, value, reason string) {
	cell := ""
	if col > 0 {
		cell, _ = excelize.CoordinatesToCellName(col, row)
	}
	r.errs = append(r.errs, &SummaryError{File: r.file, Sheet: sheet, Row: row, Cell: cell, Field: field, Value: value, Reason: reason})
}

// rows reads a sheet's rows from the first data row; it reports a
// missing sheet or a changed header.
func (r *xlsxReader) rows(sheet string, header []string) ([][]string, bool) {
	all, err := r.f.GetRows(sheet)
	if err != nil {
		r.fail(sheet, 0, 0, "", "", "找不到这个工作表：请不要删除或重命名模板中的工作表")
		return nil, false
	}
	var got []string
	if len(all) >= SummaryHeaderRow {
		got = all[SummaryHeaderRow-1]
	}
	for j, h := range header {
		v := ""
		if j < len(got) {
			v = strings.TrimSpace(got[j])
		}
		if v != h {
			r.fail(sheet, j+1, SummaryHeaderRow, h, v, fmt.Sprintf("表头应为“%s”：请不要改动模板的表头", h))
			return nil, false
		}
	}
	if len(all) < SummaryFirstRow {
		return nil, true
	}
	return all[SummaryFirstRow-1:], true
}

func cell(row []string, j int) string {
	if j < len(row) {
		return strings.TrimSpace(row[j])
	}
	return ""
}

func (r *xlsxReader) schedule(days []string) []SummaryScheduleItem {
	rows, ok := r.rows(SheetSchedule, ScheduleColumns)
	if !ok {
		return nil
	}
	var out []SummaryScheduleItem
	for i, row := range rows {
		n := SummaryFirstRow + i
		it := SummaryScheduleItem{Day: cell(row, 0), Time: cell(row, 1), Activity: cell(row, 2), Speaker: cell(row, 3)}
		if it == (SummaryScheduleItem{}) {
			continue
		}
		if !contains(days, it.Day) {
			r.fail(SheetSchedule, 1, n, "日期", it.Day, "应从下拉列表中选择本期的某一天（"+strings.Join(days, "、")+"）")
		}
		if it.Activity == "" {
			r.fail(SheetSchedule, 3, n, "活动内容", "", "这一行填写了日期或时间，但没有填写活动内容")
		}
		out = append(out, it)
	}
	if len(out) == 0 && len(r.errs) == 0 {
		r.fail(SheetSchedule, 1, SummaryFirstRow, "", "", "没有填写任何活动：请按实际日程逐项填写")
	}
	return out
}

func (r *xlsxReader) attendance(days []string) []AttendanceRow {
	header := append([]string{"序号", "姓名", "工作单位"}, days...)
	rows, ok := r.rows(SheetAttendance, header)
	if !ok {
		return nil
	}
	var out []AttendanceRow
	marked := 0
	for _, row := range rows {
		for d := range days {
			if cell(row, 3+d) != "" {
				marked++
			}
		}
	}
	for i, row := range rows {
		n := SummaryFirstRow + i
		name := cell(row, 1)
		if name == "" {
			continue
		}
		a := AttendanceRow{Name: name, Unit: cell(row, 2), Marks: make([]string, len(days))}
		empty := 0
		for d := range days {
			a.Marks[d] = cell(row, 3+d)
			if a.Marks[d] == "" {
				empty++
			}
		}
		out = append(out, a)
		if marked == 0 {
			continue // reported once below
		}
		if empty == len(days) && len(days) > 1 {
			from, _ := excelize.CoordinatesToCellName(4, n)
			to, _ := excelize.CoordinatesToCellName(3+len(days), n)
			r.errs = append(r.errs, &SummaryError{File: r.file, Sheet: SheetAttendance, Row: n, Cell: from + ":" + to, Field: "姓名", Value: name,
				Reason: "这位学员每天的出勤情况都未填写：请选择“出勤”“请假”或“缺勤”"})
			continue
		}
		for d, v := range a.Marks {
			switch {
			case v == "":
				r.fail(SheetAttendance, 4+d, n, days[d], "", name+"这一天的出勤情况未填写：请选择“出勤”“请假”或“缺勤”")
			case !contains(AttendanceMarks, v):
				r.fail(SheetAttendance, 4+d, n, days[d], v, "应为“出勤”“请假”或“缺勤”（从下拉列表中选择）")
			}
		}
	}
	switch {
	case len(out) == 0 && len(r.errs) == 0:
		r.fail(SheetAttendance, 0, 0, "", "", "没有任何学员的考勤记录：学员名单行被删除了？")
	case len(out) > 0 && marked == 0:
		from, _ := excelize.CoordinatesToCellName(4, SummaryFirstRow)
		to, _ := excelize.CoordinatesToCellName(3+len(days), SummaryFirstRow+len(rows)-1)
		r.errs = append(r.errs, &SummaryError{File: r.file, Sheet: SheetAttendance, Cell: from + ":" + to,
			Reason: fmt.Sprintf("考勤尚未填写（%d 位学员 × %d 天均为空）：请为每位学员每天选择“出勤”“请假”或“缺勤”", len(out), len(days))})
	}
	return out
}

func (r *xlsxReader) feedback() []FeedbackRow {
	header := append(append([]string{"序号", "姓名"}, FeedbackItems...), FeedbackComment)
	rows, ok := r.rows(SheetFeedback, header)
	if !ok {
		return nil
	}
	var out []FeedbackRow
	for i, row := range rows {
		n := SummaryFirstRow + i
		name := cell(row, 1)
		if name == "" {
			continue
		}
		fr := FeedbackRow{Name: name, Scores: make([]float64, len(FeedbackItems)), Comment: cell(row, 2+len(FeedbackItems))}
		filled := 0
		for k := range FeedbackItems {
			if cell(row, 2+k) != "" {
				filled++
			}
		}
		for k, item := range FeedbackItems {
			v := cell(row, 2+k)
			if v == "" {
				if filled > 0 {
					r.fail(SheetFeedback, 3+k, n, item, "", fmt.Sprintf("%s的评分不完整：请填写 %d–%d 分，或整行留空（未反馈）", name, ScoreMin, ScoreMax))
				}
				continue
			}
			x, err := strconv.ParseFloat(v, 64)
			if err != nil || x < ScoreMin || x > ScoreMax {
				r.fail(SheetFeedback, 3+k, n, item, v, fmt.Sprintf("评分应为 %d–%d 之间的数", ScoreMin, ScoreMax))
				continue
			}
			fr.Scores[k] = x
		}
		out = append(out, fr)
	}
	return out
}
