package program

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Change is one person who differs between two applicant sets, by ID.
type Change struct {
	ID     string
	Before *Applicant // nil when added
	After  *Applicant // nil when removed
	Fields []string   // changed: the form fields that differ (姓名, 选择班次, 照片, …)
}

// Name is the person's name after the change (before it, if removed).
func (c Change) Name() string {
	if c.After != nil {
		return c.After.Name
	}
	return c.Before.Name
}

// SetDiff is what replacing one applicant set with another changes.
type SetDiff struct {
	Added, Removed, Changed []Change // each sorted by cohort, then ID
	Unchanged               int
}

// Empty reports whether nothing changes.
func (d *SetDiff) Empty() bool {
	return len(d.Added) == 0 && len(d.Removed) == 0 && len(d.Changed) == 0
}

// Diff compares the current set with the next one by 身份证号: who is
// added, who removed, whose fields change. cur may be nil (no set yet).
func Diff(cur, next *ApplicantSet) *SetDiff {
	d := &SetDiff{}
	before := map[string]*Applicant{}
	if cur != nil {
		for i := range cur.Applicants {
			before[cur.Applicants[i].ID] = &cur.Applicants[i]
		}
	}
	seen := map[string]bool{}
	if next != nil {
		for i := range next.Applicants {
			a := &next.Applicants[i]
			seen[a.ID] = true
			b, ok := before[a.ID]
			switch {
			case !ok:
				d.Added = append(d.Added, Change{ID: a.ID, After: a})
			default:
				if f := changedFields(b, a); len(f) > 0 {
					d.Changed = append(d.Changed, Change{ID: a.ID, Before: b, After: a, Fields: f})
				} else {
					d.Unchanged++
				}
			}
		}
	}
	if cur != nil {
		for i := range cur.Applicants {
			if b := &cur.Applicants[i]; !seen[b.ID] {
				d.Removed = append(d.Removed, Change{ID: b.ID, Before: b})
			}
		}
	}
	for _, l := range [][]Change{d.Added, d.Removed, d.Changed} {
		sort.SliceStable(l, func(i, j int) bool {
			ci, cj := l[i].cohort(), l[j].cohort()
			if ci != cj {
				return ci < cj
			}
			return l[i].ID < l[j].ID
		})
	}
	return d
}

func (c Change) cohort() int {
	if c.After != nil {
		return c.After.Cohort
	}
	return c.Before.Cohort
}

// changedFields names the form fields in which a and b differ.
func changedFields(a, b *Applicant) []string {
	var out []string
	add := func(name string, x, y string) {
		if x != y {
			out = append(out, name)
		}
	}
	add(ColRecommender, a.Recommender, b.Recommender)
	add(ColName, a.Name, b.Name)
	add(ColGender, a.Gender, b.Gender)
	add(ColEthnicity, a.Ethnicity, b.Ethnicity)
	add(ColPolitical, a.Political, b.Political)
	add(ColMobile, a.Mobile, b.Mobile)
	add(ColOfficePhone, a.OfficePhone, b.OfficePhone)
	add(ColEmail, a.Email, b.Email)
	add(ColField, a.Field, b.Field)
	add(ColEmployer, a.Employer, b.Employer)
	if a.Cohort != b.Cohort {
		out = append(out, ColCohort)
	}
	add(ColBio, a.Bio, b.Bio)
	add(ColPhoto, a.Photo, b.Photo)
	return out
}

// WriteTable writes the diff for a person to read before confirming:
// one line per added, removed and changed person (ID masked), at most
// limit lines per kind (limit <= 0: all), then the totals.
func (d *SetDiff) WriteTable(w io.Writer, limit int) error {
	var b strings.Builder
	list := func(title, mark string, cs []Change) {
		if len(cs) == 0 {
			return
		}
		fmt.Fprintf(&b, "%s %d 人：\n", title, len(cs))
		for i, c := range cs {
			if limit > 0 && i == limit {
				fmt.Fprintf(&b, "  …… 另有 %d 人\n", len(cs)-limit)
				break
			}
			extra := ""
			if len(c.Fields) > 0 {
				extra = "（" + strings.Join(c.Fields, "、") + "）"
			}
			fmt.Fprintf(&b, "  %s 第%d期  %s  %s%s\n", mark, c.cohort(), MaskValue(ColID, c.ID), c.Name(), extra)
		}
	}
	list("新增", "+", d.Added)
	list("删除", "-", d.Removed)
	list("修改", "~", d.Changed)
	fmt.Fprintf(&b, "与当前学员数据相比：新增 %d 人，删除 %d 人，修改 %d 人，不变 %d 人。\n", len(d.Added), len(d.Removed), len(d.Changed), d.Unchanged)
	_, err := io.WriteString(w, b.String())
	return err
}

// Merge adds a recommending unit's file to the current set: the file's
// people are added, and those already in the set under the same unit
// are replaced; nobody is removed. The file must hold one unit only, and
// an ID that the set holds under another unit is an error naming both,
// as is a cohort that the merged set fills past its capacity. The result
// carries next's source and import time; cur is not modified.
func Merge(p *Programme, cur, next *ApplicantSet) (*ApplicantSet, error) {
	if next == nil || len(next.Applicants) == 0 {
		return nil, fmt.Errorf("合并：文件中没有学员")
	}
	units := map[string]bool{}
	var names []string
	for _, a := range next.Applicants {
		if !units[a.Recommender] {
			units[a.Recommender] = true
			names = append(names, a.Recommender)
		}
	}
	if len(units) != 1 {
		sort.Strings(names)
		return nil, fmt.Errorf("%s：--merge 要求文件只含一个推荐单位的学员，实有 %d 个（%s）；请按推荐单位分文件合并，或用 --replace 整体替换", next.Source, len(names), strings.Join(names, "、"))
	}
	unit := names[0]
	out := *next
	out.Applicants = nil
	incoming := map[string]*Applicant{}
	for i := range next.Applicants {
		incoming[next.Applicants[i].ID] = &next.Applicants[i]
	}
	var conflicts []string
	if cur != nil {
		for _, b := range cur.Applicants {
			a, ok := incoming[b.ID]
			switch {
			case !ok:
				out.Applicants = append(out.Applicants, b)
			case b.Recommender != unit:
				conflicts = append(conflicts, fmt.Sprintf("第%d行 %s（%s）已由“%s”推荐", a.Row, a.Name, MaskValue(ColID, a.ID), b.Recommender))
			}
		}
	}
	if len(conflicts) > 0 {
		return nil, fmt.Errorf("%s：%d 人已由其他推荐单位报名，未合并：%s", next.Source, len(conflicts), strings.Join(conflicts, "；"))
	}
	out.Applicants = append(out.Applicants, next.Applicants...)
	if p != nil {
		count := map[int]int{}
		for _, a := range out.Applicants {
			count[a.Cohort]++
		}
		var full []string
		for _, c := range p.Cohorts {
			if c.Capacity > 0 && count[c.Number] > c.Capacity {
				full = append(full, fmt.Sprintf("%s合并后%d人，名额%d人", c.Title(), count[c.Number], c.Capacity))
			}
		}
		if len(full) > 0 {
			return nil, fmt.Errorf("%s：合并后超出名额，未合并：%s", next.Source, strings.Join(full, "；"))
		}
	}
	out.sort()
	return &out, nil
}
