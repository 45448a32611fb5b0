package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"linghang/jobs"
	"linghang/program"
	"linghang/storage/archive"
)

// The 总部 pages: the programme and its cohorts, the applicant upload with
// its validation table before anything is imported, generating documents
// now, the job schedule and history, the storage's health and the
// scheduler's state.

type cohortRow struct {
	program.Cohort
	Applicants int
	Deadline   time.Time // registration-close: the filled forms are final
	Open       time.Time // registration-open
}

type hqView struct {
	Programme  *program.Programme
	Cohorts    []cohortRow
	Total      int
	NoApps     bool
	AppsErr    string
	Store      storeHealth
	Scheduler  *jobs.SchedulerStatus
	Listing    []jobs.Listing
	History    []jobs.Record
	HistoryErr string
	Jobs       []jobOption
	Result     *runResult
	CanRun     bool
}

type storeHealth struct {
	Endpoint string
	OK       bool
	Took     time.Duration
	Err      string
	Years    []int
	Pending  int // run records waiting for the store
	Spool    string
	Damaged  int
}

func (s *Server) health(r *http.Request) storeHealth {
	h := storeHealth{Endpoint: s.cfg.Archive.Endpoint(), Spool: s.cfg.Archive.SpoolDir(), Damaged: len(s.damagedMap())}
	start := time.Now()
	err := s.probe(r.Context())
	h.Took = time.Since(start)
	if err != nil {
		h.Err = "不可达（详情见服务器日志，请求编号 " + requestID(r) + "）"
		s.log.Warn("store health", "request_id", requestID(r), "err", err)
	} else {
		h.OK = true
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.StoreTimeout)
		h.Years, _ = s.cfg.Archive.Years(ctx)
		cancel()
	}
	if s.cfg.Ledger != nil {
		h.Pending = s.cfg.Ledger.Pending()
	}
	return h
}

func (s *Server) hqHome(w http.ResponseWriter, r *http.Request, p *Principal) {
	prog := s.cfg.Programme
	v := hqView{Programme: prog, Store: s.health(r)}
	count := map[int]int{}
	if v.Store.OK {
		ctx, cancel := context.WithTimeout(r.Context(), s.cfg.StoreTimeout)
		set, err := jobs.LoadApplicantSet(ctx, s.cfg.Archive, prog.Year)
		cancel()
		switch {
		case errors.Is(err, jobs.ErrNoApplicants):
			v.NoApps = true
		case err != nil:
			v.AppsErr = "读取学员数据失败（请求编号 " + requestID(r) + "）"
			s.log.Error("load applicants", "request_id", requestID(r), "err", err)
		default:
			for _, a := range set.Applicants {
				count[a.Cohort]++
			}
			v.Total = len(set.Applicants)
		}
	} else {
		v.AppsErr = "归档存储不可达，人数暂不可知"
	}
	var dated []jobs.Occurrence
	if s.cfg.Schedule != nil {
		dated, _ = s.cfg.Schedule.Dated(prog)
	}
	for _, c := range prog.Cohorts {
		row := cohortRow{Cohort: c, Applicants: count[c.Number]}
		for _, o := range dated {
			if o.Cohort == c.Number && o.Job == jobs.JobRegistrationClose {
				row.Deadline = o.At
			}
			if o.Cohort == c.Number && o.Job == jobs.JobRegistrationOpen {
				row.Open = o.At
			}
		}
		v.Cohorts = append(v.Cohorts, row)
	}
	if s.cfg.Scheduler != nil {
		st := s.cfg.Scheduler.Status()
		v.Scheduler = &st
	}
	s.render(w, r, "hq.html", view{Title: "总部", Data: v})
}

// jobNames lists the jobs one can run now: the schedule's rules.
func (s *Server) jobNames() []string {
	var out []string
	if s.cfg.Schedule != nil {
		for _, r := range s.cfg.Schedule.Rules {
			out = append(out, r.Name)
		}
	}
	return out
}

type jobOption struct{ Name, Title string }

func (s *Server) jobOptions() []jobOption {
	var out []jobOption
	if s.cfg.Schedule != nil {
		for _, r := range s.cfg.Schedule.Rules {
			out = append(out, jobOption{r.Name, r.Title})
		}
	}
	return out
}

func (s *Server) hqJobs(w http.ResponseWriter, r *http.Request, p *Principal) {
	s.renderJobs(w, r, nil)
}

func (s *Server) renderJobs(w http.ResponseWriter, r *http.Request, res *runResult) {
	v := hqView{Programme: s.cfg.Programme, Jobs: s.jobOptions(), Result: res, CanRun: s.cfg.Runner != nil}
	if s.cfg.Schedule != nil {
		v.Listing, _ = s.cfg.Schedule.List(s.cfg.Programme, s.cfg.Clock())
	}
	if s.cfg.Scheduler != nil {
		st := s.cfg.Scheduler.Status()
		v.Scheduler = &st
	}
	if s.cfg.Ledger != nil {
		ctx, cancel, err := s.storeCtx(r)
		if err == nil {
			var hist []jobs.Record
			hist, err = s.cfg.Ledger.History(ctx, "")
			cancel()
			slices.Reverse(hist)
			if len(hist) > 100 {
				hist = hist[:100]
			}
			v.History = hist
		}
		if err != nil {
			v.HistoryErr = "运行记录暂不可读（归档存储不可达，请求编号 " + requestID(r) + "）"
			s.log.Warn("job history", "request_id", requestID(r), "err", err)
		}
	}
	s.render(w, r, "jobs.html", view{Title: "作业", Data: v})
}

type runResult struct {
	Job    string
	Cohort int
	Record jobs.Record
	Out    jobs.Outcome
	Err    string
}

// runJob runs a job now for one cohort (0: all). The run goes on if the
// browser goes away; the pipeline bounds it.
func (s *Server) runJob(r *http.Request, p *Principal, job string, cohort int) (*runResult, int, string) {
	if s.cfg.Runner == nil {
		return nil, http.StatusServiceUnavailable, "本进程没有配置文档流水线，不能立即生成。"
	}
	if !slices.Contains(s.jobNames(), job) {
		return nil, http.StatusNotFound, fmt.Sprintf("没有作业“%s”。", job)
	}
	req := jobs.Request{Job: job, Trigger: "手动（网页：" + p.Name + "）"}
	if cohort != 0 {
		if _, ok := s.cfg.Programme.Cohort(cohort); !ok {
			return nil, http.StatusBadRequest, fmt.Sprintf("%d年计划中没有第%d期。", s.cfg.Programme.Year, cohort)
		}
		req.Cohorts = []int{cohort}
	}
	s.log.Info("job run requested", "request_id", requestID(r), "who", p.Name, "job", job, "cohort", cohort)
	rec, out, err := s.m.Runner(s.cfg.Runner).Run(context.WithoutCancel(r.Context()), req)
	res := &runResult{Job: job, Cohort: cohort, Record: rec, Out: out}
	if err != nil {
		s.log.Error("job run failed", "request_id", requestID(r), "job", job, "err", err)
		res.Err = "作业失败：" + rec.Err
		if rec.Err == "" {
			res.Err = "作业失败（详情见服务器日志）"
		}
	}
	return res, http.StatusOK, ""
}

func (s *Server) hqRun(w http.ResponseWriter, r *http.Request, p *Principal) {
	cohort := 0
	if c := strings.TrimSpace(r.FormValue("cohort")); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 {
			s.fail(w, r, http.StatusBadRequest, "期次应为数字。", nil)
			return
		}
		cohort = n
	}
	res, code, msg := s.runJob(r, p, r.FormValue("job"), cohort)
	if res == nil {
		s.fail(w, r, code, msg, nil)
		return
	}
	s.renderJobs(w, r, res)
}

// Applicant upload.

type pendingImport struct {
	ID      string
	File    string
	Mode    string // "", merge, replace
	Set     *program.ApplicantSet
	Report  *program.Report
	Diff    *program.SetDiff
	First   bool // no applicant data yet
	Blocked string
	expires time.Time
}

type importView struct {
	P       *pendingImport
	Errors  []errorRow
	Warns   []errorRow
	Counts  []countRow
	Changes []changeRow
	Done    string
	Limit   string
}

type errorRow struct {
	Row                int
	Col, Value, Reason string
}

type countRow struct {
	Title string
	N     int
}

type changeRow struct {
	What, Name, Cohort, Fields string
}

func errorRows(l program.ErrorList) []errorRow {
	out := make([]errorRow, 0, len(l))
	for _, e := range l {
		col := e.Column
		if e.Col > 0 {
			col = program.ColumnLetter(e.Col) + " " + col
		}
		out = append(out, errorRow{Row: e.Row, Col: col, Value: program.MaskValue(e.Column, e.Value), Reason: e.Reason})
	}
	return out
}

func (s *Server) hqImportForm(w http.ResponseWriter, r *http.Request, p *Principal) {
	s.render(w, r, "import.html", view{Title: "导入学员数据", Data: importView{Limit: archive.HumanSize(s.cfg.MaxUpload)}})
}

// importError is an upload refused before or while reading: its status
// and the message for the user.
type importError struct {
	code int
	msg  string
	err  error
}

func (e *importError) Error() string { return e.msg }

// prepareImport validates an uploaded file like `linghang import`
// (program.Import with the same limits and font check), reads the
// current set and computes the change; nothing is stored.
func (s *Server) prepareImport(ctx context.Context, body io.Reader, name, mode string) (*pendingImport, error) {
	ext := strings.ToLower(filepath.Ext(name))
	var format program.Format
	switch ext {
	case ".xlsx":
		format = program.FormatXLSX
	case ".csv":
		format = program.FormatCSV
	case ".json":
		format = program.FormatJSON
	default:
		return nil, &importError{code: http.StatusUnsupportedMediaType, msg: fmt.Sprintf("文件“%s”的类型不支持：请上传 XLSX、CSV 或 JSON。", name)}
	}
	lim := s.cfg.Limits
	if lim.FileBytes <= 0 || lim.FileBytes > s.cfg.MaxUpload {
		lim.FileBytes = s.cfg.MaxUpload
	}
	head := make([]byte, 512)
	n, err := io.ReadFull(body, head)
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, uploadErr(err, s.cfg.MaxUpload)
	}
	head = head[:n]
	isZip := bytes.HasPrefix(head, []byte("PK\x03\x04"))
	switch {
	case n == 0:
		return nil, &importError{code: http.StatusBadRequest, msg: fmt.Sprintf("文件“%s”是空的。", name)}
	case format == program.FormatXLSX && !isZip:
		return nil, &importError{code: http.StatusUnsupportedMediaType, msg: fmt.Sprintf("文件“%s”不是 XLSX 工作簿（内容不是 Office Open XML 压缩包）；旧的 .xls 请在 Excel 中另存为 .xlsx。", name)}
	case format != program.FormatXLSX && (isZip || bytes.IndexByte(head, 0) >= 0 && !bytes.HasPrefix(head, []byte{0xff, 0xfe}) && !bytes.HasPrefix(head, []byte{0xfe, 0xff})):
		return nil, &importError{code: http.StatusUnsupportedMediaType, msg: fmt.Sprintf("文件“%s”不是文本文件，与扩展名 %s 不符。", name, ext)}
	}
	opts := program.ImportOptions{Format: format, Programme: s.cfg.Programme, Partial: true, Limits: lim, Covers: s.cfg.Covers}
	set, rep, err := program.Import(ctx, io.MultiReader(bytes.NewReader(head), body), name, opts)
	if err != nil {
		var le *program.LimitError
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			return nil, uploadErr(err, s.cfg.MaxUpload)
		case errors.As(err, &le):
			return nil, &importError{code: http.StatusRequestEntityTooLarge, msg: le.Error()}
		}
		if _, ok := program.AsValidationError(err); !ok {
			return nil, &importError{code: http.StatusBadRequest, msg: "无法读取：" + err.Error()}
		}
	}
	pi := &pendingImport{ID: randomText(24), File: name, Mode: mode, Set: set, Report: rep, expires: s.cfg.Clock().Add(30 * time.Minute)}
	if rep != nil && rep.Rejected > 0 {
		pi.Blocked = fmt.Sprintf("%d 行不合格，未导入任何数据。请修正后重新上传。", rep.Rejected)
		return pi, nil
	}
	if set == nil || len(set.Applicants) == 0 {
		pi.Blocked = "文件中没有学员数据，未导入。"
		return pi, nil
	}
	cur, err := jobs.LoadApplicantSet(ctx, s.cfg.Archive, set.Year)
	if errors.Is(err, jobs.ErrNoApplicants) {
		cur, err = nil, nil
		pi.First = true
	}
	if err == nil && cur != nil {
		err = jobs.AttachArchivedPhotos(ctx, s.cfg.Archive, s.cfg.Store, cur)
	}
	if err != nil {
		return nil, err
	}
	if mode == "merge" {
		merged, err := program.Merge(s.cfg.Programme, cur, set)
		if err != nil {
			pi.Blocked = err.Error()
			return pi, nil
		}
		pi.Set = merged
	}
	pi.Diff = program.Diff(cur, pi.Set)
	if len(pi.Diff.Removed) > 0 && mode != "replace" {
		pi.Blocked = fmt.Sprintf("导入会从当前学员数据中删除 %d 人（见下表），未导入。一个推荐单位的名单请选“合并”，确要整体替换请选“整体替换”。", len(pi.Diff.Removed))
	} else if cur != nil && pi.Diff.Empty() {
		pi.Blocked = "与当前学员数据相同，无需导入。"
	}
	return pi, nil
}

func uploadErr(err error, limit int64) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &importError{code: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("上传的文件超过上限 %s。", archive.HumanSize(limit))}
	}
	return &importError{code: http.StatusBadRequest, msg: "上传未完成，请重试。", err: err}
}

func (s *Server) failImport(w http.ResponseWriter, r *http.Request, err error) {
	var ie *importError
	if errors.As(err, &ie) {
		s.fail(w, r, ie.code, ie.msg, ie.err)
		return
	}
	s.failErr(w, r, "当前学员数据", err)
}

func (s *Server) hqImportUpload(w http.ResponseWriter, r *http.Request, p *Principal) {
	f, fh, err := r.FormFile("file")
	if err != nil {
		if errors.Is(err, http.ErrMissingFile) {
			s.fail(w, r, http.StatusBadRequest, "请选择要上传的学员数据文件。", nil)
			return
		}
		s.failImport(w, r, uploadErr(err, s.cfg.MaxUpload))
		return
	}
	defer f.Close()
	mode := r.FormValue("mode")
	if mode != "merge" && mode != "replace" {
		mode = ""
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Minute)
	defer cancel()
	pi, err := s.prepareImport(ctx, f, filepath.Base(fh.Filename), mode)
	if err != nil {
		s.failImport(w, r, err)
		return
	}
	if pi.Blocked == "" {
		s.mu.Lock()
		now := s.cfg.Clock()
		for id, x := range s.pending {
			if now.After(x.expires) {
				delete(s.pending, id)
			}
		}
		if len(s.pending) >= 8 { // bounded: the oldest goes
			var oldest string
			for id, x := range s.pending {
				if oldest == "" || x.expires.Before(s.pending[oldest].expires) {
					oldest = id
				}
			}
			delete(s.pending, oldest)
		}
		s.pending[pi.ID] = pi
		s.mu.Unlock()
	}
	code := http.StatusOK
	if pi.Report != nil && pi.Report.Rejected > 0 {
		code = http.StatusUnprocessableEntity
	}
	w.WriteHeader(code)
	s.render(w, r, "import.html", view{Title: "导入学员数据：校验结果", Data: s.importView(pi)})
}

func (s *Server) importView(pi *pendingImport) importView {
	v := importView{P: pi, Limit: archive.HumanSize(s.cfg.MaxUpload)}
	if pi.Report != nil {
		v.Errors, v.Warns = errorRows(pi.Report.Errors), errorRows(pi.Report.Warnings)
	}
	if pi.Set != nil {
		count := map[int]int{}
		for _, a := range pi.Set.Applicants {
			count[a.Cohort]++
		}
		for _, c := range s.cfg.Programme.Cohorts {
			if count[c.Number] > 0 {
				v.Counts = append(v.Counts, countRow{c.Title(), count[c.Number]})
			}
		}
	}
	if pi.Diff != nil {
		add := func(what string, cs []program.Change) {
			for _, c := range cs {
				a := c.After
				if a == nil {
					a = c.Before
				}
				v.Changes = append(v.Changes, changeRow{What: what, Name: c.Name(), Cohort: cohortLabel(a.Cohort), Fields: strings.Join(c.Fields, "、")})
			}
		}
		add("新增", pi.Diff.Added)
		add("删除", pi.Diff.Removed)
		add("修改", pi.Diff.Changed)
		if len(v.Changes) > 200 {
			v.Changes = v.Changes[:200]
		}
	}
	return v
}

func (s *Server) hqImportConfirm(w http.ResponseWriter, r *http.Request, p *Principal) {
	id := r.FormValue("id")
	s.mu.Lock()
	pi, ok := s.pending[id]
	if ok {
		delete(s.pending, id)
	}
	s.mu.Unlock()
	if !ok || s.cfg.Clock().After(pi.expires) {
		s.fail(w, r, http.StatusNotFound, "这次上传已过期或已导入，请重新上传。", nil)
		return
	}
	msg, err := s.commitImport(r, p, pi)
	if err != nil {
		s.failErr(w, r, "学员数据", err)
		return
	}
	s.render(w, r, "import.html", view{Title: "导入学员数据", Data: importView{Done: msg, Limit: archive.HumanSize(s.cfg.MaxUpload)}})
}

func (s *Server) commitImport(r *http.Request, p *Principal, pi *pendingImport) (string, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Minute)
	defer cancel()
	_, entry, err := jobs.SaveApplicants(ctx, s.cfg.Archive, pi.Set)
	if err != nil {
		return "", err
	}
	s.log.Info("applicants imported", "request_id", requestID(r), "who", p.Name, "file", pi.File, "applicants", len(pi.Set.Applicants), "key", entry.Key, "version", entry.Version)
	how := fmt.Sprintf("第 %d 版", entry.Version)
	if entry.Unchanged {
		how += "（与上次导入内容相同，未产生新版本）"
	}
	return fmt.Sprintf("已导入“%s”：共 %d 名学员，存为%d年当前学员数据（%s）。", pi.File, len(pi.Set.Applicants), pi.Set.Year, how), nil
}
