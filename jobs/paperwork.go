package jobs

import (
	"encoding/json"
	"hash"
	"strings"

	"linghang/program"
	"linghang/render"
	"linghang/storage"
	"linghang/storage/archive"
)

// Helpers of the issue-15 catalogue entries (报名汇总表, 报到通知, 日程,
// 桌签, 通讯录, 结业证书).

func cohortOptions(in *Inputs) render.CohortOptions {
	return render.CohortOptions{Fonts: in.Fonts, Order: in.Order, Created: in.Created}
}

// certificates numbers the cohort's certificates; with a certificate key,
// each carries its verification token.
func certificates(in *Inputs, s Subject) []render.Certificate {
	// Every certificate of a cohort needs the cohort's numbering: made
	// once per cohort, not once per applicant (sorting by strokes for
	// each of 1,000 people was a quadratic part of a year's run).
	in.certMu.Lock()
	defer in.certMu.Unlock()
	if c, ok := in.certs[s.Cohort.Number]; ok {
		return c
	}
	if in.certs == nil {
		in.certs = map[int][]render.Certificate{}
	}
	c := cohortCertificates(in, s)
	in.certs[s.Cohort.Number] = c
	if in.certOf == nil {
		in.certOf = map[int]map[string]int{}
	}
	at := make(map[string]int, len(c))
	for i := range c {
		at[c[i].Applicant.ID] = i
	}
	in.certOf[s.Cohort.Number] = at
	return c
}

// certificateOf is the certificate of the subject's applicant, numbered
// among the cohort; false: none is issued to them.
func certificateOf(in *Inputs, s Subject) (render.Certificate, bool) {
	c := certificates(in, s)
	in.certMu.Lock()
	i, ok := in.certOf[s.Cohort.Number][s.Applicant.ID]
	in.certMu.Unlock()
	if !ok {
		return render.Certificate{}, false
	}
	return c[i], true
}

func cohortCertificates(in *Inputs, s Subject) []render.Certificate {
	var token func(string, *program.Applicant) string
	if in.Certify != nil {
		token = func(n string, a *program.Applicant) string {
			return in.Certify(in.Programme.Year, s.Cohort.Number, n, a)
		}
	}
	// Numbered among the whole cohort: withholding one certificate
	// renumbers no other. Numbers the register says were issued stay
	// their holders'; the others follow the highest issued.
	kept, issued := in.reg.kept(s.Cohort.Number, s.Applicants)
	nums := program.CertificateNumbersKept(in.Programme.Year, s.Cohort.Number, s.Applicants, in.Order, kept, issued)
	if in.nums == nil {
		in.nums = map[int]map[string]string{}
	}
	in.nums[s.Cohort.Number] = nums
	all := render.NumberedCertificates(s.Applicants, in.Order, nums, token)
	issue := map[string]bool{}
	for _, a := range eligibility(in, s).Issue {
		issue[a.ID] = true
	}
	out := all[:0]
	for _, c := range all {
		if issue[c.Applicant.ID] {
			out = append(out, c)
		}
	}
	return out
}

// eligibility is who of the subject's cohort gets a certificate.
func eligibility(in *Inputs, s Subject) program.Eligibility {
	return in.Programme.CertificateEligibility(s.Applicants, in.Attendance[s.Cohort.Number])
}

// personFile names a per-person document like the forms: 报到通知-张三-002X.pdf,
// with the forms' disambiguation of namesakes.
func personFile(in *Inputs, k archive.Kind, a *program.Applicant) string {
	f := in.files[a.ID]
	if f == "" {
		return archive.PersonFilename(k, a.Name, a.ID, ".pdf")
	}
	return storage.SafeSegment(k.Folder() + strings.TrimPrefix(f, archive.Form.Folder()))
}

// Certificates are made when a cohort ends and again with the summary
// report, once the host unit's summary may have brought the attendance.
var (
	certificateJobs  = []string{JobSummaryTemplate, JobSummaryReport}
	certificateNeeds = []Input{InProgramme, InFonts, InApplicants, InCheckinKey, InAttendance}
)

// summaryAttendance is each cohort's attendance from the 学员考勤 sheet
// of its imported summary; cohorts without one are left out (not known).
func summaryAttendance(sums map[int]*program.Summary, as []program.Applicant) map[int]*program.Attendance {
	byCohort := map[int][]program.Applicant{}
	for _, a := range as {
		byCohort[a.Cohort] = append(byCohort[a.Cohort], a)
	}
	out := map[int]*program.Attendance{}
	for n, s := range sums {
		if att := s.CohortAttendance(byCohort[n]); att != nil {
			out[n] = att
		}
	}
	return out
}

// hashAttendance covers the attendance a certificate is checked against:
// its cohort's (every cohort's for a year document).
func hashAttendance(h hash.Hash, in *Inputs, s Subject) error {
	var v any = in.Attendance
	if s.Cohort != nil {
		v = in.Attendance[s.Cohort.Number]
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h.Write([]byte("\nattendance "))
	h.Write(b)
	return nil
}

// The 日程 is made before a cohort and again with the summary report: the
// 活动日程 the host unit returned, when newer, replaces the programme's.
var (
	scheduleJobs  = []string{JobRegistrationClose, JobSummaryReport}
	scheduleNeeds = []Input{InProgramme, InFonts, InSummaries}
)
