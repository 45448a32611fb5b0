package jobs

import (
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
	var token func(string, *program.Applicant) string
	if in.Certify != nil {
		token = func(n string, a *program.Applicant) string {
			return in.Certify(in.Programme.Year, s.Cohort.Number, n, a)
		}
	}
	return render.CohortCertificates(in.Programme, s.Cohort.Number, eligibility(in, s).Issue, in.Order, token)
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
