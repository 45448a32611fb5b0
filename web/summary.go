package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"linghang/jobs"
	"linghang/program"
	"linghang/storage/archive"
)

// The host unit's summary (总结): the cohort page offers the templates;
// the filled DOCX and/or XLSX are uploaded, checked exactly as `linghang
// summary import` checks them, shown as a table (what was found, what is
// missing, every problem by file, section or cell) and stored only when
// the host unit confirms. A host unit uploads for its own cohort only.

// pendingSummary is an upload checked and waiting for confirmation.
type pendingSummary struct {
	ID      string
	Cohort  int
	Owner   string // who uploaded it: only they may confirm it
	Files   []jobs.SummaryFile
	expires time.Time
}

type summaryErrorRow struct {
	File, Where, Field, Value, Reason string
}

type foundRow struct {
	Part    string `json:"part"`
	Where   string `json:"where"`
	What    string `json:"what"`
	Missing bool   `json:"missing,omitempty"` // a required part still empty
}

type summaryView struct {
	Cohort   program.Cohort
	Year     int
	ID       string // pending upload to confirm
	Files    []string
	Errors   []summaryErrorRow
	Found    []foundRow
	Missing  []string
	Withheld []string // applicants below the attendance threshold
	Rule     string   // the attendance rule applied, or why not
	Done     string
	Limit    string
	Deadline time.Time
}

func summaryErrorRows(l program.SummaryErrors) []summaryErrorRow {
	out := make([]summaryErrorRow, 0, len(l))
	for _, e := range l {
		var where []string
		for _, s := range []string{e.Section, e.Sheet} {
			if s != "" {
				where = append(where, s)
			}
		}
		if e.Row > 0 && e.Cell == "" {
			where = append(where, fmt.Sprintf("第%d行", e.Row))
		}
		if e.Cell != "" {
			where = append(where, e.Cell)
		}
		out = append(out, summaryErrorRow{File: e.File, Where: strings.Join(where, " "), Field: e.Field, Value: e.Value, Reason: e.Reason})
	}
	return out
}

// summaryFound describes, part by part, what a summary holds and what
// it still lacks.
func summaryFound(s *program.Summary) (rows []foundRow, missing []string) {
	for _, src := range s.Sources {
		part := "总结报告（DOCX）"
		if src.Part == program.PartData {
			part = "总结数据（XLSX）"
		}
		rows = append(rows, foundRow{Part: part, Where: "文件", What: fmt.Sprintf("%s（%s，SHA-256 %s…，%s收到）",
			src.File, archive.HumanSize(src.Size), src.SHA256[:12], jobs.FormatTime(src.Received))})
	}
	if s.HasNarrative() {
		for i, sec := range program.SummarySections {
			text := ""
			if i < len(s.Sections) {
				text = s.Sections[i].Text
			}
			r := foundRow{Part: "总结报告（DOCX）", Where: sec.Heading()}
			switch {
			case text == "":
				r.What, r.Missing = "未填写（选填）", sec.Required
			default:
				r.What = fmt.Sprintf("%d 字：%s", utf8.RuneCountInString(text), clip(strings.ReplaceAll(text, "\n", " "), 60))
			}
			rows = append(rows, r)
		}
	} else {
		missing = append(missing, "总结报告（DOCX）尚未提交")
	}
	if s.HasData() {
		days := map[string]bool{}
		for _, it := range s.Schedule {
			days[it.Day] = true
		}
		rows = append(rows, foundRow{Part: "总结数据（XLSX）", Where: program.SheetSchedule,
			What: fmt.Sprintf("%d 项活动，覆盖 %d/%d 天", len(s.Schedule), len(days), len(s.Days))})
		rate, _ := s.AttendanceRate()
		rows = append(rows, foundRow{Part: "总结数据（XLSX）", Where: program.SheetAttendance,
			What: fmt.Sprintf("%d 人 × %d 天，出勤率 %.1f%%", len(s.Attendance), len(s.Days), rate*100)})
		fb := fmt.Sprintf("%d 人反馈", s.Respondents())
		for _, it := range s.FeedbackScores() {
			if it.Responses > 0 {
				fb += fmt.Sprintf("；%s %.2f", it.Item, it.Mean)
			}
		}
		rows = append(rows, foundRow{Part: "总结数据（XLSX）", Where: program.SheetFeedback, What: fb})
	} else {
		missing = append(missing, "总结数据（XLSX）尚未提交")
	}
	return rows, missing
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// withheld names the applicants of cohort c whose attendance in s falls
// short of the programme's threshold: they get no 结业证书.
func (s *Server) withheld(ctx context.Context, c *program.Cohort, sum *program.Summary) (names []string, rule string) {
	prog := s.cfg.Programme
	set, err := jobs.LoadApplicantSet(ctx, s.cfg.Archive, prog.Year)
	if err != nil {
		if !errors.Is(err, jobs.ErrNoApplicants) {
			s.log.Warn("load applicants for the attendance check", "err", err)
		}
		return nil, "学员数据暂不可读，未核对结业证书的出勤要求"
	}
	mine := set.InCohort(c.Number)
	att := sum.CohortAttendance(mine)
	e := prog.CertificateEligibility(mine, att)
	if !e.Applied {
		return nil, "结业证书：" + e.Reason
	}
	for _, a := range e.Withhold {
		names = append(names, fmt.Sprintf("%s（出勤 %d/%d 天）", a.Name, att.Attended[a.ID], att.Sessions))
	}
	return names, fmt.Sprintf("结业证书：%s（共 %d 天），%d 人符合", e.Reason, att.Sessions, len(e.Issue))
}

// summaryLimits bound each uploaded summary file before it is parsed.
func (s *Server) summaryLimits() program.Limits {
	return program.Limits{FileBytes: min(program.MaxSummaryFile, s.cfg.MaxUpload), InflatedBytes: program.MaxSummaryUnzipped,
		PartBytes: program.MaxSummaryPart, Parts: 2000}
}

// summaryUploads reads the uploaded files (field "file", one DOCX and/or
// one XLSX) and refuses wrong types, empty, oversized and inflating
// files before anything parses them.
func (s *Server) summaryUploads(r *http.Request) ([]jobs.SummaryFile, error) {
	if r.MultipartForm == nil {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return nil, uploadErr(err, s.cfg.MaxUpload)
		}
	}
	fhs := r.MultipartForm.File["file"]
	if len(fhs) == 0 {
		return nil, &importError{code: http.StatusBadRequest, msg: "请选择要上传的总结文件（总结报告 DOCX 和/或总结数据 XLSX）。"}
	}
	if len(fhs) > 2 {
		return nil, &importError{code: http.StatusBadRequest, msg: fmt.Sprintf("一次最多上传两个文件（总结报告 DOCX 和总结数据 XLSX），收到 %d 个。", len(fhs))}
	}
	lim := s.summaryLimits()
	var out []jobs.SummaryFile
	for _, fh := range fhs {
		name := filepath.Base(fh.Filename)
		switch strings.ToLower(filepath.Ext(name)) {
		case ".docx", ".xlsx":
		default:
			return nil, &importError{code: http.StatusUnsupportedMediaType, msg: fmt.Sprintf("文件“%s”的类型不支持：请上传由总结模板填写的 DOCX 或 XLSX（旧的 .doc/.xls 请另存为 .docx/.xlsx）。", name)}
		}
		f, err := fh.Open()
		if err != nil {
			return nil, uploadErr(err, s.cfg.MaxUpload)
		}
		data, err := io.ReadAll(io.LimitReader(f, lim.FileBytes+1))
		f.Close()
		if err != nil {
			return nil, uploadErr(err, s.cfg.MaxUpload)
		}
		switch {
		case len(data) == 0:
			return nil, &importError{code: http.StatusBadRequest, msg: fmt.Sprintf("文件“%s”是空的。", name)}
		case int64(len(data)) > lim.FileBytes:
			return nil, &importError{code: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("文件“%s”超过上限 %s。", name, archive.HumanSize(lim.FileBytes))}
		case !strings.HasPrefix(string(data[:min(4, len(data))]), "PK\x03\x04"):
			return nil, &importError{code: http.StatusUnsupportedMediaType, msg: fmt.Sprintf("文件“%s”不是 Word/Excel 文档（内容不是 Office Open XML 压缩包），与扩展名不符。", name)}
		}
		if err := program.CheckZip(data, name, lim); err != nil {
			var le *program.LimitError
			if errors.As(err, &le) {
				return nil, &importError{code: http.StatusRequestEntityTooLarge, msg: le.Error()}
			}
			return nil, &importError{code: http.StatusBadRequest, msg: err.Error()}
		}
		out = append(out, jobs.SummaryFile{Name: name, Data: data})
	}
	return out, nil
}

// summaryUpload is POST /cohort/{n}/summary: check, show, keep pending.
func (s *Server) summaryUpload(w http.ResponseWriter, r *http.Request, p *Principal) {
	c, ok := s.cohortParam(w, r, p)
	if !ok {
		return
	}
	files, err := s.summaryUploads(r)
	if err != nil {
		s.failImport(w, r, err)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Minute)
	defer cancel()
	v := s.summaryView(c)
	for _, f := range files {
		v.Files = append(v.Files, f.Name)
	}
	sum, err := jobs.PreviewSummary(ctx, s.cfg.Archive, s.cfg.Programme, c.Number, files, s.cfg.Clock())
	var se program.SummaryErrors
	if errors.As(err, &se) {
		v.Errors = summaryErrorRows(se)
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.render(w, r, "summary.html", view{Title: c.Title() + " 总结：检查结果", Data: v})
		return
	}
	if err != nil {
		s.failErr(w, r, "本期已提交的总结", err)
		return
	}
	v.Found, v.Missing = summaryFound(sum)
	v.Withheld, v.Rule = s.withheld(ctx, c, sum)
	ps := &pendingSummary{ID: randomText(24), Cohort: c.Number, Owner: p.Name, Files: files, expires: s.cfg.Clock().Add(30 * time.Minute)}
	s.mu.Lock()
	now := s.cfg.Clock()
	for id, x := range s.pendingSums {
		if now.After(x.expires) {
			delete(s.pendingSums, id)
		}
	}
	if len(s.pendingSums) >= 8 { // bounded: the oldest goes
		var oldest string
		for id, x := range s.pendingSums {
			if oldest == "" || x.expires.Before(s.pendingSums[oldest].expires) {
				oldest = id
			}
		}
		delete(s.pendingSums, oldest)
	}
	s.pendingSums[ps.ID] = ps
	s.mu.Unlock()
	v.ID = ps.ID
	s.render(w, r, "summary.html", view{Title: c.Title() + " 总结：检查结果", Data: v})
}

func (s *Server) summaryView(c *program.Cohort) summaryView {
	return summaryView{Cohort: *c, Year: s.cfg.Programme.Year, Limit: archive.HumanSize(s.summaryLimits().FileBytes),
		Deadline: s.cfg.Programme.SummaryDeadline(c)}
}

// summaryConfirm is POST /cohort/{n}/summary/confirm: store what was
// checked, as `linghang summary import` does.
func (s *Server) summaryConfirm(w http.ResponseWriter, r *http.Request, p *Principal) {
	c, ok := s.cohortParam(w, r, p)
	if !ok {
		return
	}
	id := r.FormValue("id")
	s.mu.Lock()
	ps, ok := s.pendingSums[id]
	if ok && ps.Cohort == c.Number && ps.Owner == p.Name {
		delete(s.pendingSums, id)
	} else {
		ok = false
	}
	s.mu.Unlock()
	if !ok || s.cfg.Clock().After(ps.expires) {
		s.fail(w, r, http.StatusNotFound, "这次上传已过期或已提交，请重新上传。", nil)
		return
	}
	msg, sum, err := s.commitSummary(r, p, c, ps.Files)
	var se program.SummaryErrors
	if errors.As(err, &se) { // the archive changed between check and confirmation
		v := s.summaryView(c)
		v.Errors = summaryErrorRows(se)
		w.WriteHeader(http.StatusUnprocessableEntity)
		s.render(w, r, "summary.html", view{Title: c.Title() + " 总结", Data: v})
		return
	}
	if err != nil {
		s.failErr(w, r, "总结", err)
		return
	}
	v := s.summaryView(c)
	v.Done = msg
	v.Found, v.Missing = summaryFound(sum)
	s.render(w, r, "summary.html", view{Title: c.Title() + " 总结", Data: v})
}

func (s *Server) commitSummary(r *http.Request, p *Principal, c *program.Cohort, files []jobs.SummaryFile) (string, *program.Summary, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 2*time.Minute)
	defer cancel()
	sum, m, err := jobs.ImportSummary(ctx, s.cfg.Archive, s.cfg.Programme, c.Number, files, s.cfg.Clock())
	if err != nil {
		return "", nil, err
	}
	var names []string
	for _, f := range files {
		names = append(names, "“"+f.Name+"”")
	}
	if m == nil {
		return fmt.Sprintf("%s与归档中的总结完全相同，未产生新版本。", strings.Join(names, "、")), sum, nil
	}
	s.log.Info("summary imported", "request_id", requestID(r), "who", p.Name, "cohort", c.Number, "files", len(files), "run", m.RunID)
	msg := fmt.Sprintf("已提交%s：%s的总结已存入归档库（批次 %s）。", strings.Join(names, "、"), c.Title(), m.RunID)
	if t := sum.Submitted(); !t.IsZero() {
		msg += "总结报告与总结数据均已齐全（" + jobs.FormatTime(t) + "）。"
	}
	return msg, sum, nil
}

// summaryStatus is what the cohort page says of the summary so far.
type summaryStatus struct {
	Found    []foundRow
	Missing  []string
	Deadline time.Time
	Err      string
}

func (s *Server) summaryStatus(r *http.Request, c *program.Cohort) summaryStatus {
	st := summaryStatus{Deadline: s.cfg.Programme.SummaryDeadline(c)}
	ctx, cancel, err := s.storeCtx(r)
	if err == nil {
		var sum *program.Summary
		sum, err = jobs.LoadSummary(ctx, s.cfg.Archive, s.cfg.Programme, c.Number)
		cancel()
		if err == nil && sum != nil {
			st.Found, st.Missing = summaryFound(sum)
			return st
		}
	}
	if err != nil {
		st.Err = "已提交的总结暂不可读（请求编号 " + requestID(r) + "）"
		s.log.Warn("load summary", "request_id", requestID(r), "err", err)
		return st
	}
	st.Missing = []string{"总结报告（DOCX）尚未提交", "总结数据（XLSX）尚未提交"}
	return st
}

// API: POST /api/cohorts/{n}/summary (multipart, field "file") imports
// at once, all or nothing: 422 with every problem, 200 with what was found.

type apiSummaryError struct {
	File    string `json:"file"`
	Section string `json:"section,omitempty"`
	Sheet   string `json:"sheet,omitempty"`
	Cell    string `json:"cell,omitempty"`
	Row     int    `json:"row,omitempty"`
	Field   string `json:"field,omitempty"`
	Value   string `json:"value,omitempty"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

type apiSummaryReport struct {
	Imported bool              `json:"imported"`
	Message  string            `json:"message,omitempty"`
	Errors   []apiSummaryError `json:"errors"`
	Found    []foundRow        `json:"found,omitempty"`
	Missing  []string          `json:"missing,omitempty"`
	Complete string            `json:"complete,omitempty"` // when both parts are in (RFC 3339)
}

func (s *Server) apiSummary(w http.ResponseWriter, r *http.Request, p *Principal) {
	c, ok := s.cohortParam(w, r, p)
	if !ok {
		return
	}
	files, err := s.summaryUploads(r)
	if err != nil {
		s.failImport(w, r, err)
		return
	}
	msg, sum, err := s.commitSummary(r, p, c, files)
	rep := apiSummaryReport{Errors: []apiSummaryError{}}
	var se program.SummaryErrors
	if errors.As(err, &se) {
		for _, e := range se {
			rep.Errors = append(rep.Errors, apiSummaryError{File: e.File, Section: e.Section, Sheet: e.Sheet, Cell: e.Cell, Row: e.Row,
				Field: e.Field, Value: e.Value, Reason: e.Reason, Message: e.Error()})
		}
		rep.Message = fmt.Sprintf("总结材料有 %d 处问题，未导入任何内容。", len(se))
		writeJSON(w, http.StatusUnprocessableEntity, rep)
		return
	}
	if err != nil {
		s.failErr(w, r, "总结", err)
		return
	}
	rep.Imported, rep.Message = true, msg
	rep.Found, rep.Missing = summaryFound(sum)
	if t := sum.Submitted(); !t.IsZero() {
		rep.Complete = t.Format(time.RFC3339)
	}
	writeJSON(w, http.StatusOK, rep)
}
