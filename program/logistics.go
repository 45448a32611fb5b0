package program

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Arrival is how a cohort's applicants arrive (报到): the facts of the
// 报到通知, which the notice leaves to the host unit (各班次具体报到信息
// 另行通知). Every field is optional at load; the check-in notice lists the
// ones it lacks (ArrivalMissing) instead of printing blanks.
type Arrival struct {
	// Example marks the values as examples typed in for trying linghang out,
	// not the host unit's: documents made from them say so on their face.
	Example bool   `yaml:"example,omitempty" json:"example,omitempty"`
	Date    Date   `yaml:"date" json:"date"`                           // 报到日期, on or a few days before the first day
	Time    string `yaml:"time" json:"time"`                           // 报到时间, 14:00—20:00
	Venue   string `yaml:"venue" json:"venue"`                         // 报到地点, the place's name
	Address string `yaml:"address,omitempty" json:"address,omitempty"` // 地址
	// Contacts for arrival; empty means the cohort's contacts.
	Contacts  []Contact `yaml:"contacts,omitempty" json:"contacts,omitempty"`
	Bring     []string  `yaml:"bring" json:"bring"`         // 需携带的材料, one item each
	Transport []string  `yaml:"transport" json:"transport"` // 交通, one route each
	// Issued dates the letter (成文日期); zero means seven days before
	// the first day (registration close).
	Issued Date `yaml:"issued,omitempty" json:"issued,omitempty"`
}

// Schedule is a cohort's 日程: what happens on each day.
type Schedule struct {
	Example bool          `yaml:"example,omitempty" json:"example,omitempty"`
	Days    []ScheduleDay `yaml:"days" json:"days"`
	// Updated is when this schedule was last revised (zero: the
	// programme's date). A 活动日程 the host unit returns in its summary
	// after that replaces it in the 日程 (Programme.CohortSchedule).
	Updated Date `yaml:"updated,omitempty" json:"updated,omitempty"`
}

// ScheduleDay is one day of the schedule; Day counts from 1 (the cohort's
// first day), so that the schedule survives a change of dates.
type ScheduleDay struct {
	Day   int            `yaml:"day" json:"day"`
	Items []ScheduleItem `yaml:"items" json:"items"`
}

// ScheduleItem is one session: 08:30—11:30, 开班式, 学院报告厅.
type ScheduleItem struct {
	Time     string `yaml:"time" json:"time"`
	Activity string `yaml:"activity" json:"activity"`
	Place    string `yaml:"place,omitempty" json:"place,omitempty"`
}

// Guest is a person at the table who is not an applicant (主持, 嘉宾), for
// the table tents.
type Guest struct {
	Name string `yaml:"name" json:"name"`
	Unit string `yaml:"unit" json:"unit"`
	Role string `yaml:"role" json:"role"` // 主持 | 嘉宾
}

// ArrivalContacts are the contacts printed on the check-in notice: the
// arrival's own, else the cohort's.
func (c *Cohort) ArrivalContacts() []Contact {
	if len(c.Arrival.Contacts) > 0 {
		return c.Arrival.Contacts
	}
	return c.Contacts
}

// ArrivalIssued is the check-in notice's date.
func (c *Cohort) ArrivalIssued() Date {
	if !c.Arrival.Issued.IsZero() {
		return c.Arrival.Issued
	}
	if c.Start.IsZero() {
		return Date{}
	}
	return Date{c.Start.AddDate(0, 0, -7)}
}

// ArrivalMissing names the facts the check-in notice needs that the
// programme does not give for this cohort, each with its field path.
func (c *Cohort) ArrivalMissing() []string {
	var out []string
	path := fmt.Sprintf("cohorts[%d].arrival.", c.Number-1)
	if c.Arrival.Date.IsZero() {
		out = append(out, "报到日期（"+path+"date）")
	}
	if strings.TrimSpace(c.Arrival.Time) == "" {
		out = append(out, "报到时间（"+path+"time）")
	}
	if strings.TrimSpace(c.Arrival.Venue) == "" {
		out = append(out, "报到地点（"+path+"venue）")
	}
	if len(c.Hosts) == 0 {
		out = append(out, fmt.Sprintf("承办单位（cohorts[%d].hosts）", c.Number-1))
	}
	if len(c.ArrivalContacts()) == 0 {
		out = append(out, "联系人（"+path+"contacts）")
	}
	if len(c.Arrival.Bring) == 0 {
		out = append(out, "需携带的材料（"+path+"bring）")
	}
	if len(c.Arrival.Transport) == 0 {
		out = append(out, "交通（"+path+"transport）")
	}
	return out
}

// MissingError says which facts a document needs that the programme lacks.
type MissingError struct {
	Document string // 报到通知
	Cohort   string // 第1期 河南省科协党校班
	Missing  []string
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("%s的%s缺少：%s；请在年度计划中填写后再生成", e.Cohort, e.Document, strings.Join(e.Missing, "、"))
}

// DayDate is the date of the schedule's day n (from 1).
func (c *Cohort) DayDate(n int) Date {
	if c.Start.IsZero() || n < 1 {
		return Date{}
	}
	return Date{c.Start.AddDate(0, 0, n-1)}
}

// DateText writes a date of this cohort for print: 2022年5月23日, with
// （暂定） when the cohort's dates are placeholders.
func (c *Cohort) DateText(d Date) string {
	s := d.Chinese()
	if s != "" && c.Tentative {
		s += "（暂定）"
	}
	return s
}

// Period writes the cohort's dates for print: 2022年5月23日至27日,
// 2022年6月28日至7月2日, with （暂定） for placeholder dates.
func (c *Cohort) Period() string {
	if c.Start.IsZero() || c.End.IsZero() {
		return c.Time
	}
	s, e := c.Start, c.End
	var out string
	switch {
	case s.Year() != e.Year():
		out = s.Chinese() + "至" + e.Chinese()
	case s.Month() != e.Month():
		out = fmt.Sprintf("%s至%d月%d日", s.Chinese(), int(e.Month()), e.Day())
	default:
		out = fmt.Sprintf("%s至%d日", s.Chinese(), e.Day())
	}
	if c.Tentative {
		out += "（暂定）"
	}
	return out
}

// Weekday is 星期一 … 星期日.
func Weekday(t time.Time) string {
	return "星期" + string([]rune("日一二三四五六")[t.Weekday()])
}

var (
	reClock     = `([01]?\d|2[0-3]):[0-5]\d`
	reTimeRange = regexp.MustCompile(`^` + reClock + `(\s*(—|-|–|~|～|至)\s*` + reClock + `)?$`)
	reTimeSlot  = regexp.MustCompile(`^(` + reClock + `(\s*(—|-|–|~|～|至)\s*` + reClock + `)?|上午|下午|晚上|全天|中午)$`)
)

// GuestRoles are the roles a guest may have on the table tents.
var GuestRoles = []string{"主持", "嘉宾"}

func (c *progChecker) logistics(path string, co *Cohort) {
	a := &co.Arrival
	ap := path + ".arrival"
	if !a.Date.IsZero() && !co.Start.IsZero() {
		if a.Date.After(co.Start.Time) || a.Date.Before(co.Start.AddDate(0, 0, -7)) {
			c.add(ap+".date", a.Date.String(), "报到日期应在开始日期 %s 当天或之前7天内", co.Start)
		}
	}
	if t := strings.TrimSpace(a.Time); t != "" && !reTimeRange.MatchString(t) {
		c.add(ap+".time", a.Time, "报到时间应写成“14:00”或“14:00—20:00”")
	}
	if a.Venue != "" {
		c.required(ap+".venue", a.Venue, "报到地点")
	}
	for j, ct := range a.Contacts {
		c.contact(fmt.Sprintf("%s.contacts[%d]", ap, j), ct, false)
	}
	for j, s := range a.Bring {
		c.required(fmt.Sprintf("%s.bring[%d]", ap, j), s, "需携带的材料")
	}
	for j, s := range a.Transport {
		c.required(fmt.Sprintf("%s.transport[%d]", ap, j), s, "交通说明")
	}
	if !a.Issued.IsZero() && !co.Start.IsZero() && a.Issued.After(co.Start.Time) {
		c.add(ap+".issued", a.Issued.String(), "报到通知的成文日期不能晚于开始日期 %s", co.Start)
	}

	sp := path + ".schedule"
	days := len(co.Days())
	seen := map[int]bool{}
	for j, d := range co.Schedule.Days {
		dp := fmt.Sprintf("%s.days[%d]", sp, j)
		switch {
		case d.Day < 1 || (days > 0 && d.Day > days):
			c.add(dp+".day", strconv.Itoa(d.Day), "日程的第几天应在1至%d之间（本期共%d天）", days, days)
		case seen[d.Day]:
			c.add(dp+".day", strconv.Itoa(d.Day), "第%d天重复", d.Day)
		}
		seen[d.Day] = true
		if len(d.Items) == 0 {
			c.add(dp+".items", "", "这一天没有任何安排")
		}
		for k, it := range d.Items {
			ip := fmt.Sprintf("%s.items[%d]", dp, k)
			if c.required(ip+".time", it.Time, "时间") && !reTimeSlot.MatchString(strings.TrimSpace(it.Time)) {
				c.add(ip+".time", it.Time, "时间应写成“08:30—11:30”“14:00”或“上午/下午/晚上/全天”")
			}
			c.required(ip+".activity", it.Activity, "活动内容")
		}
	}
	for j, g := range co.Guests {
		gp := fmt.Sprintf("%s.guests[%d]", path, j)
		c.required(gp+".name", g.Name, "姓名")
		if c.required(gp+".role", g.Role, "身份") && !contains(GuestRoles, g.Role) {
			c.add(gp+".role", g.Role, "身份应为 %s 之一", strings.Join(GuestRoles, "、"))
		}
	}
}
