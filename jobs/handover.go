package jobs

import (
	"linghang/render"
	"linghang/render/typeset"
)

// handKey names a person's own file of a per-person entry.
type handKey struct {
	entry  string // "checkin-letter", "certificate"
	cohort int
	id     string // applicant ID
}

// handOver tells which people's own letters and certificates the plan
// makes after their cohort's combined file: the combined file keeps the
// pages it lays out for exactly those (so no page is laid out twice and
// nothing is kept for a file that will not be made), and each own file
// takes its pages. Call before rendering plan; dropHandOver after.
func handOver(plan []Planned, in *Inputs) {
	combined := map[handKey]bool{} // entry of the own files, cohort, no ID
	for _, p := range plan {
		if p.Subject.Cohort == nil {
			continue
		}
		switch p.Entry.Name {
		case "checkin-notice":
			combined[handKey{"checkin-letter", p.Subject.Cohort.Number, ""}] = true
		case "certificates":
			combined[handKey{"certificate", p.Subject.Cohort.Number, ""}] = true
		}
	}
	in.handMu.Lock()
	defer in.handMu.Unlock()
	in.handWant, in.handKept = map[handKey]bool{}, map[handKey]*typeset.Document{}
	for _, p := range plan {
		if p.Subject.Cohort == nil || p.Subject.Applicant == nil {
			continue
		}
		k := handKey{p.Entry.Name, p.Subject.Cohort.Number, ""}
		if combined[k] {
			k.id = p.Subject.Applicant.ID
			in.handWant[k] = true
		}
	}
}

// dropHandOver forgets what is still kept (files that failed or were
// rendered before their combined file).
func dropHandOver(in *Inputs) {
	in.handMu.Lock()
	defer in.handMu.Unlock()
	in.handWant, in.handKept = nil, nil
}

// handingOver is the cohort options of entry's files (the per-person
// entry's name) in cohort, with the hand-over of laid-out pages.
func (in *Inputs) handingOver(entry string, cohort int) render.CohortOptions {
	o := cohortOptions(in)
	o.Laid = &render.LaidOut{
		Keep: func(id string, d *typeset.Document) {
			k := handKey{entry, cohort, id}
			in.handMu.Lock()
			defer in.handMu.Unlock()
			if in.handWant[k] {
				in.handKept[k] = d
			}
		},
		Take: func(id string) *typeset.Document {
			k := handKey{entry, cohort, id}
			in.handMu.Lock()
			defer in.handMu.Unlock()
			d := in.handKept[k]
			delete(in.handKept, k)
			delete(in.handWant, k)
			if d != nil {
				in.handed++
			}
			return d
		},
	}
	return o
}
