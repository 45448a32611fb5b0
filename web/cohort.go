package web

import (
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"

	"linghang/program"
	"linghang/storage/archive"
)

// The 承办单位 pages: one cohort's documents of the programme year.

// cohortDocs are the documents a cohort page offers, by route name. Year
// documents (notice, blank form) are the same for every cohort.
var cohortDocs = []struct {
	Slug  string
	Title string
	Kind  archive.Kind
	Year  bool   // a document of the whole year
	File  string // its file name; "" for the notice (any PDF) or the filled forms (many)
}{
	{"notice", "通知（PDF）", archive.Notice, true, ""},
	{"blank-form", "空白报名表", archive.Form, true, blankFormFile},
	{"forms.zip", "已填写的报名表（全部，ZIP）", archive.Form, false, ""},
	{"forms-bound", "报名表合订本（PDF）", archive.Form, false, "报名表合订本.pdf"},
	{"badges", "胸卡（PDF）", archive.Badges, false, "胸卡.pdf"},
	{"roster", "学员名单（XLSX）", archive.Roster, false, "学员名单.xlsx"},
	{"roster-pdf", "学员名单（打印版 PDF）", archive.Roster, false, "学员名单.pdf"},
	{"signin", "签到表（PDF）", archive.Signin, false, "签到表.pdf"},
	// The host unit's summary: the templates to fill in, the report made
	// from what came back (see summary.go for the upload).
	{"summary-template-docx", "总结模板：总结报告（DOCX）", archive.Summary, false, "承办单位总结模板-总结报告.docx"},
	{"summary-template-xlsx", "总结模板：总结数据（XLSX）", archive.Summary, false, "承办单位总结模板-总结数据.xlsx"},
	{"summary-report", "活动总结报告（PDF）", archive.Summary, false, "活动总结报告.pdf"},
}

// CohortDocNames lists the routes /cohort/{n}/{doc} serves (for tests and
// the README).
func CohortDocNames() []string {
	var out []string
	for _, d := range cohortDocs {
		out = append(out, d.Slug)
	}
	return out
}

type cohortDoc struct {
	Slug, Title string
	Entries     []archive.Entry // the current versions it is made of
	Size        int64
	Damaged     bool
}

type cohortView struct {
	Cohort     program.Cohort
	Year       int
	Docs       []cohortDoc
	Applicants int
	// SummaryDocs are the templates and the report, shown with the upload.
	SummaryDocs []cohortDoc
	Summary     summaryStatus
	Limit       string
}

// cohortParam reads {n} and checks p may see that cohort: 404 for no
// such cohort, 403 for another host unit's.
func (s *Server) cohortParam(w http.ResponseWriter, r *http.Request, p *Principal) (*program.Cohort, bool) {
	n, err := strconv.Atoi(r.PathValue("n"))
	if err != nil || n <= 0 {
		s.fail(w, r, http.StatusBadRequest, "期次应为正整数。", nil)
		return nil, false
	}
	if !canCohort(p, n) {
		s.log.Warn("forbidden cohort", "request_id", requestID(r), "who", p.Name, "cohort", p.Cohort, "asked", n)
		s.fail(w, r, http.StatusForbidden, fmt.Sprintf("无权查看第%d期的文档：本账户只能查看第%d期。", n, p.Cohort), nil)
		return nil, false
	}
	c, ok := s.cfg.Programme.Cohort(n)
	if !ok {
		s.fail(w, r, http.StatusNotFound, fmt.Sprintf("%d年计划中没有第%d期。", s.cfg.Programme.Year, n), nil)
		return nil, false
	}
	return c, true
}

// cohortEntries finds the current versions behind each cohort document.
func (s *Server) cohortEntries(w http.ResponseWriter, r *http.Request, p *Principal, n int) ([]cohortDoc, bool) {
	ctx, cancel, err := s.storeCtx(r)
	if err != nil {
		s.failErr(w, r, "本期文档", err)
		return nil, false
	}
	defer cancel()
	year := s.cfg.Programme.Year
	mine, err := s.cfg.Archive.Find(ctx, archive.Query{Year: year, Cohort: n})
	if err == nil {
		var all []archive.Entry
		if all, err = s.cfg.Archive.Find(ctx, archive.Query{Year: year}); err == nil {
			for _, e := range all {
				if e.Cohort == 0 {
					mine = append(mine, e)
				}
			}
		}
	}
	if err != nil {
		s.failErr(w, r, "本期文档", err)
		return nil, false
	}
	s.markStoreUp()
	s.loadDamage(ctx)
	docs := make([]cohortDoc, len(cohortDocs))
	for i, d := range cohortDocs {
		docs[i] = cohortDoc{Slug: d.Slug, Title: d.Title}
		for _, e := range mine {
			if e.Kind != d.Kind || (e.Cohort == 0) != d.Year || !canSee(p, e) || e.Withdrawn != "" {
				continue // a document 作废 is no longer offered; the archive pages show it
			}
			base := path.Base(e.Key)
			switch {
			case d.File != "" && base != d.File:
				continue
			case d.Slug == "notice" && e.MIME != "application/pdf":
				continue
			case d.Slug == "forms.zip" && (len(e.Names) == 0 || base == "报名表合订本.pdf"):
				continue
			}
			docs[i].Entries = append(docs[i].Entries, e)
			docs[i].Size += e.Size
			if s.isDamaged(e.Object) != "" {
				docs[i].Damaged = true
			}
		}
	}
	return docs, true
}

func (s *Server) cohortPage(w http.ResponseWriter, r *http.Request, p *Principal) {
	c, ok := s.cohortParam(w, r, p)
	if !ok {
		return
	}
	docs, ok := s.cohortEntries(w, r, p, c.Number)
	if !ok {
		return
	}
	v := cohortView{Cohort: *c, Year: s.cfg.Programme.Year, Docs: docs, Summary: s.summaryStatus(r, c), Limit: archive.HumanSize(s.summaryLimits().FileBytes)}
	v.Docs = nil
	for _, d := range docs {
		if d.Slug == "forms.zip" {
			v.Applicants = len(d.Entries)
		}
		if strings.HasPrefix(d.Slug, "summary-") {
			v.SummaryDocs = append(v.SummaryDocs, d)
		} else {
			v.Docs = append(v.Docs, d)
		}
	}
	s.render(w, r, "cohort.html", view{Title: c.Title(), Data: v})
}

func (s *Server) cohortDoc(w http.ResponseWriter, r *http.Request, p *Principal) {
	c, ok := s.cohortParam(w, r, p)
	if !ok {
		return
	}
	slug := r.PathValue("doc")
	known := false
	for _, d := range cohortDocs {
		known = known || d.Slug == slug
	}
	if !known {
		s.fail(w, r, http.StatusNotFound, "没有这种文档。", nil)
		return
	}
	docs, ok := s.cohortEntries(w, r, p, c.Number)
	if !ok {
		return
	}
	for _, d := range docs {
		if d.Slug != slug {
			continue
		}
		if len(d.Entries) == 0 {
			s.fail(w, r, http.StatusNotFound, fmt.Sprintf("%s的“%s”还没有生成。", c.Title(), d.Title), nil)
			return
		}
		if slug == "forms.zip" {
			s.sendZip(w, r, fmt.Sprintf("%d-%s-报名表.zip", s.cfg.Programme.Year, c.Title()), d.Entries)
			return
		}
		s.send(w, r, d.Entries[0])
		return
	}
}
