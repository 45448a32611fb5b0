package jobs

import (
	"encoding/json"
	"hash"

	"linghang/render"
)

func summaryTemplateOptions(in *Inputs) render.SummaryTemplateOptions {
	return render.SummaryTemplateOptions{Order: in.Order, Created: in.Created}
}

func reportOptions(in *Inputs) render.ReportOptions {
	return render.ReportOptions{Fonts: in.Fonts, Created: in.Created}
}

// hashSummaries covers the summaries a document is made from: its
// cohort's, or every cohort's for a year document.
func hashSummaries(h hash.Hash, in *Inputs, s Subject) error {
	var v any = in.Summaries
	if s.Cohort != nil {
		v = in.Summaries[s.Cohort.Number]
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h.Write([]byte("\nsummaries "))
	h.Write(b)
	return nil
}
