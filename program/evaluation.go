package program

import (
	"sort"
	"time"
)

// DefaultSummaryDays is the default time a host unit has to submit its
// summary after the cohort's last day.
const DefaultSummaryDays = 15

// SummaryDeadline is the last day (Beijing time) for cohort c's summary:
// its last day plus the programme's summary_deadline_days (default 15).
func (p *Programme) SummaryDeadline(c *Cohort) time.Time {
	days := p.SummaryDays
	if days <= 0 {
		days = DefaultSummaryDays
	}
	if c.End.IsZero() {
		return time.Time{}
	}
	return c.End.AddDate(0, 0, days)
}

// beijing is the zone the deadlines are counted in.
var beijing = time.FixedZone("CST", 8*3600)

// CohortEvaluation is one cohort's line of the year-end evaluation (年底评优).
type CohortEvaluation struct {
	Cohort     *Cohort
	Applicants int
	// Composition of the cohort's participants.
	Women       int
	MeanAge     float64
	Party       int     // 中共党员 and 预备党员
	Attendance  float64 // share of participant-days present; valid when HasData
	Feedback    []ItemScore
	Respondents int
	HasData     bool // the XLSX was submitted
	HasReport   bool // the DOCX was submitted
	Submitted   time.Time
	Deadline    time.Time
	// DaysLate counts days after the deadline (negative: early); valid
	// when Submitted is set.
	DaysLate int
	Rank     int // 1 = best; 0 when the cohort cannot be ranked (no data)
}

// Satisfaction is the mean 总体满意度 (the last feedback item), 0 without.
func (e *CohortEvaluation) Satisfaction() float64 {
	if len(e.Feedback) == 0 {
		return 0
	}
	return e.Feedback[len(e.Feedback)-1].Mean
}

// OnTime reports whether the summary was submitted by the deadline.
func (e *CohortEvaluation) OnTime() bool { return !e.Submitted.IsZero() && e.DaysLate <= 0 }

// Evaluate lines up every cohort of p: participants (as), their
// composition, attendance, feedback and whether the summary came in on
// time (sums maps a cohort number to its summary; missing: not
// submitted). Cohorts with submitted data are ranked by 总体满意度, then
// attendance, then punctuality, then number; the others are unranked.
func Evaluate(p *Programme, as []Applicant, sums map[int]*Summary) []CohortEvaluation {
	by := map[int][]Applicant{}
	for _, a := range as {
		by[a.Cohort] = append(by[a.Cohort], a)
	}
	out := make([]CohortEvaluation, 0, len(p.Cohorts))
	for i := range p.Cohorts {
		c := &p.Cohorts[i]
		mine := by[c.Number]
		e := CohortEvaluation{Cohort: c, Applicants: len(mine), Deadline: p.SummaryDeadline(c)}
		ages := 0
		for j := range mine {
			if mine[j].Gender == "女" {
				e.Women++
			}
			if mine[j].Political == "中共党员" || mine[j].Political == "中共预备党员" {
				e.Party++
			}
			ages += mine[j].Age(c.Start.Time)
		}
		if len(mine) > 0 {
			e.MeanAge = float64(ages) / float64(len(mine))
		}
		s := sums[c.Number]
		e.Feedback = s.FeedbackScores()
		e.Respondents = s.Respondents()
		e.HasData, e.HasReport = s.HasData(), s.HasNarrative()
		if e.HasData {
			e.Attendance, _ = s.AttendanceRate()
		}
		if s != nil {
			e.Submitted = s.Submitted()
		}
		if !e.Submitted.IsZero() && !e.Deadline.IsZero() {
			sub := e.Submitted.In(beijing)
			day := time.Date(sub.Year(), sub.Month(), sub.Day(), 0, 0, 0, 0, time.UTC)
			e.DaysLate = int(day.Sub(e.Deadline).Hours() / 24)
		}
		out = append(out, e)
	}
	ranked := make([]*CohortEvaluation, 0, len(out))
	for i := range out {
		if out[i].HasData {
			ranked = append(ranked, &out[i])
		}
	}
	sort.SliceStable(ranked, func(i, j int) bool {
		a, b := ranked[i], ranked[j]
		if a.Satisfaction() != b.Satisfaction() {
			return a.Satisfaction() > b.Satisfaction()
		}
		if a.Attendance != b.Attendance {
			return a.Attendance > b.Attendance
		}
		if a.OnTime() != b.OnTime() {
			return a.OnTime()
		}
		return a.Cohort.Number < b.Cohort.Number
	})
	for i, e := range ranked {
		e.Rank = i + 1
	}
	return out
}
