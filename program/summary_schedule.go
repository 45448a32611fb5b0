package program

import "time"

// ScheduleSource says where a cohort's 日程 comes from.
type ScheduleSource struct {
	// Summary is the summary file whose 活动日程 sheet the schedule is
	// read from; nil: the programme.
	Summary *SummarySource
}

// CohortSchedule is the 日程 of cohort c: the programme's, or the 活动日程
// sheet of the host unit's imported summary s when that file was received
// after the programme's schedule was last revised (Schedule.Updated, else
// the programme's date) — whichever is newer. A summary schedule keeps
// the sheet's order within each day; 主讲人/地点 becomes the place.
func (p *Programme) CohortSchedule(c *Cohort, s *Summary) (Schedule, ScheduleSource) {
	src := s.dataSource()
	if src == nil || len(s.Schedule) == 0 {
		return c.Schedule, ScheduleSource{}
	}
	revised := c.Schedule.Updated.Time
	if revised.IsZero() {
		revised = p.Date.Time
	}
	if !src.Received.After(endOfDay(revised)) {
		return c.Schedule, ScheduleSource{}
	}
	day := map[string]int{}
	for i, d := range c.Days() {
		day[DayLabel(d)] = i + 1
	}
	var out Schedule
	at := map[int]int{} // day → index in out.Days
	for _, it := range s.Schedule {
		n, ok := day[it.Day]
		if !ok {
			continue // the import checked the days; a change of dates since leaves it out
		}
		k, ok := at[n]
		if !ok {
			k = len(out.Days)
			at[n] = k
			out.Days = append(out.Days, ScheduleDay{Day: n})
		}
		out.Days[k].Items = append(out.Days[k].Items, ScheduleItem{Time: it.Time, Activity: it.Activity, Place: it.Speaker})
	}
	if len(out.Days) == 0 {
		return c.Schedule, ScheduleSource{}
	}
	out.Updated = Date{src.Received}
	return out, ScheduleSource{Summary: src}
}

// dataSource is the newest file the summary's workbook part came from.
func (s *Summary) dataSource() *SummarySource {
	if s == nil {
		return nil
	}
	var out *SummarySource
	for i := range s.Sources {
		src := &s.Sources[i]
		if src.Part == PartData && (out == nil || src.Received.After(out.Received)) {
			out = src
		}
	}
	return out
}

// endOfDay: a schedule revised on a date counts as revised all that day.
func endOfDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, t.Location())
}
