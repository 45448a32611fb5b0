package web

import (
	"errors"
	"net/http"
	"path"
	"time"

	"linghang/jobs"
	"linghang/program"
	"linghang/storage/archive"
)

// The 总部 page of the year-end evaluation (年底评优): the archived
// evaluation (PDF, XLSX) and, cohort by cohort, whether and when the host
// unit's summary came in, against its deadline, with the summary reports.

type evalRow struct {
	program.CohortEvaluation
	Narrative, Data time.Time       // when each part was received; zero: not yet
	Reports         []archive.Entry // 活动总结报告 PDF and XLSX, current versions
	Rate            float64         // attendance, percent
}

type evalView struct {
	Year     int
	Docs     []archive.Entry // 年度评估 PDF and XLSX
	Rows     []evalRow
	NoApps   bool
	Err      string
	Received int
	Complete int
	Late     int
}

func (s *Server) hqEvaluation(w http.ResponseWriter, r *http.Request, p *Principal) {
	prog := s.cfg.Programme
	ctx, cancel, err := s.storeCtx(r)
	if err != nil {
		s.failErr(w, r, "年度评估", err)
		return
	}
	defer cancel()
	v := evalView{Year: prog.Year}
	evals, err := s.cfg.Archive.Find(ctx, archive.Query{Year: prog.Year, Kind: archive.Evaluation})
	if err != nil {
		s.failErr(w, r, "年度评估", err)
		return
	}
	s.markStoreUp()
	v.Docs = evals
	sumDocs, err := s.cfg.Archive.Find(ctx, archive.Query{Year: prog.Year, Kind: archive.Summary})
	if err != nil {
		s.failErr(w, r, "总结报告", err)
		return
	}
	sums, err := jobs.LoadSummaries(ctx, s.cfg.Archive, prog)
	if err != nil {
		s.failErr(w, r, "承办单位总结", err)
		return
	}
	var as []program.Applicant
	set, err := jobs.LoadApplicantSet(ctx, s.cfg.Archive, prog.Year)
	switch {
	case errors.Is(err, jobs.ErrNoApplicants):
		v.NoApps = true
	case err != nil:
		v.Err = "学员数据暂不可读，人数与构成从缺（请求编号 " + requestID(r) + "）"
		s.log.Warn("load applicants for the evaluation page", "request_id", requestID(r), "err", err)
	default:
		as = set.Applicants
	}
	for _, e := range program.Evaluate(prog, as, sums) {
		row := evalRow{CohortEvaluation: e, Rate: e.Attendance * 100}
		if sum := sums[e.Cohort.Number]; sum != nil {
			v.Received++
			for _, src := range sum.Sources {
				switch src.Part {
				case program.PartNarrative:
					row.Narrative = src.Received
				case program.PartData:
					row.Data = src.Received
				}
			}
		}
		if !e.Submitted.IsZero() {
			v.Complete++
			if !e.OnTime() {
				v.Late++
			}
		}
		for _, d := range sumDocs {
			if b := path.Base(d.Key); d.Cohort == e.Cohort.Number && (b == "活动总结报告.pdf" || b == "活动总结报告.xlsx") {
				row.Reports = append(row.Reports, d)
			}
		}
		v.Rows = append(v.Rows, row)
	}
	s.render(w, r, "evaluation.html", view{Title: "年度评估", Data: v})
}
