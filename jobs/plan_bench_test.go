package jobs

import (
	"testing"

	"linghang/program"
)

// BenchmarkPlan plans every document of a 10,000-applicant year, as every
// run does before it finds what changed (a run with nothing to do is
// mostly this and reading the index).
func BenchmarkPlan(b *testing.B) {
	p, err := program.Default()
	if err != nil {
		b.Fatal(err)
	}
	as := program.Sample(p, 10000, 7)
	var docs int
	for b.Loop() {
		in := &Inputs{Programme: p, Applicants: as, Badges: testBadges, Version: "t"}
		plan, err := DefaultCatalogue().Plan(in, Selection{})
		if err != nil {
			b.Fatal(err)
		}
		docs = len(plan)
	}
	b.ReportMetric(float64(docs), "docs")
}
