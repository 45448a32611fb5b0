package main

import (
	"fmt"
	"io"
	"time"

	"linghang/program"
	"linghang/render"
)

// cycleBadges renders a cohort's badges for the main job in the given
// layout, with check-in tokens made with the deployment's key.
func cycleBadges(key []byte, layoutName string, created time.Time) (func(w io.Writer, p *program.Programme, cohort int, as []program.Applicant) error, error) {
	layout, err := loadLayout(layoutName)
	if err != nil {
		return nil, err
	}
	layout.Created = created
	return func(w io.Writer, p *program.Programme, n int, as []program.Applicant) error {
		c, ok := p.Cohort(n)
		if !ok {
			return fmt.Errorf("第%d期不在%d年计划中", n, p.Year)
		}
		return render.Badges(w, p, c, render.ApplicantBadges(as, key, p.Year), layout)
	}, nil
}
