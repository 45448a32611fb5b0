package program

// CohortAttendance turns the 学员考勤 sheet of a host unit's summary into
// the attendance a 结业证书 is checked against: one session per day of
// the sheet, a day counting as attended only when marked 出勤 (请假 is
// excused, not attended). Rows are matched to the cohort's applicants by
// name; namesakes by the pre-filled 工作单位, else in roster order. An
// applicant without a row attended nothing: the sheet is the host unit's
// record of who was there. nil when the summary holds no attendance.
func (s *Summary) CohortAttendance(as []Applicant) *Attendance {
	if s == nil || len(s.Days) == 0 || len(s.Attendance) == 0 {
		return nil
	}
	byName := map[string][]int{}
	for i, r := range s.Attendance {
		byName[r.Name] = append(byName[r.Name], i)
	}
	used := make([]bool, len(s.Attendance))
	att := &Attendance{Sessions: len(s.Days), Attended: make(map[string]int, len(as))}
	for _, a := range as {
		pick := -1
		for _, i := range byName[a.Name] {
			if used[i] {
				continue
			}
			if pick < 0 {
				pick = i
			}
			if s.Attendance[i].Unit != "" && s.Attendance[i].Unit == a.Employer {
				pick = i
				break
			}
		}
		if pick < 0 {
			att.Attended[a.ID] = 0
			continue
		}
		used[pick] = true
		n := 0
		for _, m := range s.Attendance[pick].Marks {
			if m == Present {
				n++
			}
		}
		att.Attended[a.ID] = n
	}
	return att
}
