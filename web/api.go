package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"linghang/jobs"
	"linghang/program"
	"linghang/storage/archive"
)

// The JSON API: the same things as the pages, for the registration
// platform and scripts. Anonymous calls get 401, calls outside the role
// 403, errors {"error": …, "status": …, "request_id": …}.

func (s *Server) apiApplicants(w http.ResponseWriter, r *http.Request, p *Principal) {
	year := s.cfg.Programme.Year
	if y := r.URL.Query().Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			s.fail(w, r, http.StatusBadRequest, "year 应为年份数字。", nil)
			return
		}
		year = n
	}
	ctx, cancel, err := s.storeCtx(r)
	if err != nil {
		s.failErr(w, r, "学员数据", err)
		return
	}
	defer cancel()
	set, err := jobs.LoadApplicantSet(ctx, s.cfg.Archive, year)
	if errors.Is(err, jobs.ErrNoApplicants) {
		s.fail(w, r, http.StatusNotFound, fmt.Sprintf("%d年还没有导入学员数据。", year), nil)
		return
	}
	if err != nil {
		s.failErr(w, r, "学员数据", err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"year": year, "count": len(set.Applicants), "applicants": set.Applicants})
}

type apiFieldError struct {
	Row    int    `json:"row"`
	Field  string `json:"field,omitempty"`
	Value  string `json:"value,omitempty"` // personal data masked
	Reason string `json:"reason"`
}

type apiImportReport struct {
	Imported bool            `json:"imported"`
	Rows     int             `json:"rows"`
	Rejected int             `json:"rejected"`
	Errors   []apiFieldError `json:"errors"`
	Warnings []apiFieldError `json:"warnings,omitempty"`
	Added    int             `json:"added"`
	Removed  int             `json:"removed"`
	Changed  int             `json:"changed"`
	Message  string          `json:"message"`
	Version  int             `json:"version,omitempty"`
}

func apiErrors(l program.ErrorList) []apiFieldError {
	out := []apiFieldError{}
	for _, e := range l {
		out = append(out, apiFieldError{Row: e.Row, Field: e.Column, Value: program.MaskValue(e.Column, e.Value), Reason: e.Reason})
	}
	return out
}

// apiImport takes a batch from the registration platform (JSON, as
// `linghang import` reads it; ?mode=merge|replace as its flags), with the
// same validation, all or nothing: 422 with every bad row, 409 if it would
// remove people without mode=replace, 200 once stored.
func (s *Server) apiImport(w http.ResponseWriter, r *http.Request, p *Principal) {
	mode := r.URL.Query().Get("mode")
	if mode != "" && mode != "merge" && mode != "replace" {
		s.fail(w, r, http.StatusBadRequest, "mode 只能是 merge 或 replace。", nil)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 5*time.Minute)
	defer cancel()
	pi, err := s.prepareImport(ctx, r.Body, "api.json", mode)
	if err != nil {
		s.failImport(w, r, err)
		return
	}
	rep := apiImportReport{Errors: []apiFieldError{}}
	if pi.Report != nil {
		rep.Rows, rep.Rejected = pi.Report.Rows, pi.Report.Rejected
		rep.Errors, rep.Warnings = apiErrors(pi.Report.Errors), apiErrors(pi.Report.Warnings)
	}
	if pi.Diff != nil {
		rep.Added, rep.Removed, rep.Changed = len(pi.Diff.Added), len(pi.Diff.Removed), len(pi.Diff.Changed)
	}
	if pi.Blocked != "" {
		rep.Message = pi.Blocked
		code := http.StatusConflict
		if rep.Rejected > 0 || pi.Set == nil || len(pi.Set.Applicants) == 0 {
			code = http.StatusUnprocessableEntity
		} else if pi.Diff != nil && pi.Diff.Empty() {
			code = http.StatusOK
		}
		writeJSON(w, code, rep)
		return
	}
	msg, err := s.commitImport(r, p, pi)
	if err != nil {
		s.failErr(w, r, "学员数据", err)
		return
	}
	rep.Imported, rep.Message = true, msg
	writeJSON(w, http.StatusOK, rep)
}

type apiDocument struct {
	archive.Entry
	Damaged  bool   `json:"damaged,omitempty"`
	Download string `json:"download"`
}

func (s *Server) apiDocuments(w http.ResponseWriter, r *http.Request, p *Principal) {
	q, err := parseQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "查询条件有误："+err.Error(), nil)
		return
	}
	if p.Role == RoleHost && q.Cohort != 0 && q.Cohort != p.Cohort {
		s.fail(w, r, http.StatusForbidden, fmt.Sprintf("无权查看第%d期的文档。", q.Cohort), nil)
		return
	}
	if q.Kind == archive.Data && p.Role != RoleHQ {
		s.fail(w, r, http.StatusForbidden, "无权查看学员数据。", nil)
		return
	}
	ctx, cancel, err := s.storeCtx(r)
	if err != nil {
		s.failErr(w, r, "归档库", err)
		return
	}
	defer cancel()
	es, err := s.cfg.Archive.Find(ctx, q)
	if err != nil {
		s.failErr(w, r, "归档库", err)
		return
	}
	s.markStoreUp()
	s.loadDamage(ctx)
	out := []apiDocument{}
	for _, e := range s.visible(p, es) {
		out = append(out, apiDocument{Entry: e, Damaged: s.isDamaged(e.Object) != "",
			Download: "/api/documents/" + e.Key + "?v=" + strconv.Itoa(e.Version)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(out), "documents": out})
}

func (s *Server) apiDownload(w http.ResponseWriter, r *http.Request, p *Principal) {
	v := 0
	if vs := r.URL.Query().Get("v"); vs != "" {
		n, err := strconv.Atoi(vs)
		if err != nil || n < 0 {
			s.fail(w, r, http.StatusBadRequest, "v 应为正整数版本号。", nil)
			return
		}
		v = n
	}
	e, ok := s.entry(w, r, p, r.PathValue("key"), v)
	if !ok {
		return
	}
	s.send(w, r, e)
}

type apiJob struct {
	Job       string `json:"job"`
	Title     string `json:"title"`
	Cohort    int    `json:"cohort,omitempty"`
	At        string `json:"at"`
	Tentative bool   `json:"tentative,omitempty"`
	Periodic  bool   `json:"periodic,omitempty"`
	Past      bool   `json:"past,omitempty"`
	Next      bool   `json:"next,omitempty"`
}

func (s *Server) apiJobs(w http.ResponseWriter, r *http.Request, p *Principal) {
	out := map[string]any{}
	sched := []apiJob{}
	if s.cfg.Schedule != nil {
		ls, err := s.cfg.Schedule.List(s.cfg.Programme, s.cfg.Clock())
		if err != nil {
			s.fail(w, r, http.StatusInternalServerError, "日程无法展开。", err)
			return
		}
		for _, l := range ls {
			sched = append(sched, apiJob{Job: l.Job, Title: l.Title, Cohort: l.Cohort, At: l.At.Format(time.RFC3339),
				Tentative: l.Tentative, Periodic: l.Periodic, Past: l.Past, Next: l.Next})
		}
	}
	out["schedule"] = sched
	if s.cfg.Scheduler != nil {
		out["scheduler"] = s.cfg.Scheduler.Status()
	}
	hist := []jobs.Record{}
	if s.cfg.Ledger != nil {
		ctx, cancel, err := s.storeCtx(r)
		if err != nil {
			s.failErr(w, r, "运行记录", err)
			return
		}
		defer cancel()
		h, err := s.cfg.Ledger.History(ctx, r.URL.Query().Get("job"))
		if err != nil {
			s.failErr(w, r, "运行记录", err)
			return
		}
		hist = append(hist, h...)
	}
	out["history"] = hist
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) apiRun(w http.ResponseWriter, r *http.Request, p *Principal) {
	cohort := 0
	if c := r.URL.Query().Get("cohort"); c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 0 {
			s.fail(w, r, http.StatusBadRequest, "cohort 应为期次数字。", nil)
			return
		}
		cohort = n
	}
	res, code, msg := s.runJob(r, p, r.PathValue("name"), cohort)
	if res == nil {
		s.fail(w, r, code, msg, nil)
		return
	}
	status := http.StatusOK
	if res.Err != "" {
		status = http.StatusInternalServerError
	}
	writeJSON(w, status, map[string]any{"record": res.Record, "rendered": res.Out.Rendered, "stored": res.Out.Stored,
		"unchanged": res.Out.Unchanged, "keys": res.Out.Keys, "error": res.Err, "request_id": requestID(r)})
}
