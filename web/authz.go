package web

import (
	"path"

	"linghang/storage/archive"
)

// The authorisation rules, in one place. Every read and download asks
// canSee before a byte leaves the archive.
//
//   - 总部 sees everything, the applicant data and photos included.
//   - 档案 sees every document, not the applicant data (kind 数据): what a
//     document shows of a person, and nothing beyond.
//   - 承办单位 sees its own cohort's documents and, of the year's
//     documents, only the notice and the blank 报名表: never another
//     cohort's, never the all-cohorts roster, never the applicant data.
func canSee(p *Principal, e archive.Entry) bool {
	switch p.Role {
	case RoleHQ:
		return true
	case RoleArchivist:
		return e.Kind != archive.Data
	case RoleHost:
		if e.Kind == archive.Data {
			return false
		}
		if e.Cohort != 0 {
			return e.Cohort == p.Cohort
		}
		return yearDocForHosts(e)
	}
	return false
}

// yearDocForHosts: the year's documents every host unit may have.
func yearDocForHosts(e archive.Entry) bool {
	switch e.Kind {
	case archive.Notice:
		return true
	case archive.Form:
		return len(e.Names) == 0 && path.Base(e.Key) == blankFormFile
	}
	return false
}

// canCohort reports whether p may see cohort n's pages.
func canCohort(p *Principal, n int) bool {
	return p.Role == RoleHQ || (p.Role == RoleHost && p.Cohort == n)
}

const blankFormFile = "报名表-空白.pdf"
