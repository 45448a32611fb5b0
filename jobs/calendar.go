package jobs

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Shanghai on machines without a zoneinfo database

	"github.com/robfig/cron/v3"
	"gopkg.in/yaml.v3"

	"linghang/program"
	"linghang/templates"
)

// Schedule is the calendar of jobs: when each job runs, relative to the
// programme's own dates or on a cron schedule, in one time zone. It is
// read from a human-editable YAML file (templates/schedule.yaml).
type Schedule struct {
	File     string // where it was read from, for messages
	Location *time.Location
	Rules    []Rule
}

// Per says how often a date-relative rule fires.
type Per string

// Per values.
const (
	PerYear   Per = "year"
	PerCohort Per = "cohort"
)

// Rule is one job of the schedule.
type Rule struct {
	Name  string
	Title string
	Per   Per
	// At is the date-relative trigger ("start - 30d 09:00"); Cron the
	// periodic one. Exactly one is set.
	At   string
	Cron string
	// WhileRegistration limits a periodic rule to times when some
	// cohort's registration is open.
	WhileRegistration bool
	Line              int // line in File

	anchor string // start, end, date or MM-DD
	days   int
	clock  time.Duration // time of day
	sched  cron.Schedule
}

// Periodic reports whether the rule fires on a cron schedule.
func (r *Rule) Periodic() bool { return r.Cron != "" }

// Trigger describes when the rule fires, as the user wrote it.
func (r *Rule) Trigger() string {
	if r.Periodic() {
		return "cron " + r.Cron
	}
	return r.At
}

// DefaultSchedule is the embedded schedule.
func DefaultSchedule() (*Schedule, error) {
	return ParseSchedule(bytes.NewReader(templates.Schedule), templates.ScheduleFile)
}

// LoadSchedule reads a schedule file; an empty name means the embedded one.
func LoadSchedule(name string) (*Schedule, error) {
	if name == "" {
		return DefaultSchedule()
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("读取日程文件：%w", err)
	}
	defer f.Close()
	return ParseSchedule(f, name)
}

var atRE = regexp.MustCompile(`^\s*(start|end|date|\d{1,2}-\d{1,2})\s*(?:([+-])\s*(\d{1,3})\s*d)?\s+(\d{1,2}):(\d{2})\s*$`)

var jobNameRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule reads a schedule. Every problem names the file and line:
// a malformed trigger, an unknown field, a cron spec that can never fire.
func ParseSchedule(r io.Reader, name string) (*Schedule, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("日程文件 %s：%w", name, err)
	}
	var raw struct {
		Timezone string `yaml:"timezone"`
		Jobs     []struct {
			Name  string `yaml:"name"`
			Title string `yaml:"title"`
			Per   string `yaml:"per"`
			At    string `yaml:"at"`
			Cron  string `yaml:"cron"`
			While string `yaml:"while"`
		} `yaml:"jobs"`
	}
	if len(doc.Content) == 0 {
		return nil, fmt.Errorf("日程文件 %s 是空的", name)
	}
	root := doc.Content[0]
	if err := checkFields(root, name, "timezone", "jobs"); err != nil {
		return nil, err
	}
	if err := root.Decode(&raw); err != nil {
		return nil, fmt.Errorf("日程文件 %s：%w", name, err)
	}
	s := &Schedule{File: name}
	tz := raw.Timezone
	if tz == "" {
		tz = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("日程文件 %s：时区 %q 无效：%w", name, tz, err)
	}
	s.Location = loc
	var jobNodes []*yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "jobs" {
			jobNodes = root.Content[i+1].Content
		}
	}
	seen := map[string]int{}
	for i, j := range raw.Jobs {
		line := 0
		if i < len(jobNodes) {
			line = jobNodes[i].Line
			if err := checkFields(jobNodes[i], name, "name", "title", "per", "at", "cron", "while"); err != nil {
				return nil, err
			}
		}
		at := func(format string, a ...any) error {
			return fmt.Errorf("日程文件 %s 第%d行（作业 %s）：%s", name, line, j.Name, fmt.Sprintf(format, a...))
		}
		if !jobNameRE.MatchString(j.Name) {
			return nil, at("作业名 %q 无效：只能用小写英文字母、数字和连字符", j.Name)
		}
		if prev, dup := seen[j.Name]; dup {
			return nil, at("作业名与第%d行重复", prev)
		}
		seen[j.Name] = line
		rule := Rule{Name: j.Name, Title: j.Title, Per: Per(j.Per), At: strings.TrimSpace(j.At), Cron: strings.TrimSpace(j.Cron), Line: line}
		switch j.While {
		case "":
		case "registration":
			rule.WhileRegistration = true
		default:
			return nil, at("while: %q 无效：只能是 registration", j.While)
		}
		switch {
		case rule.At != "" && rule.Cron != "":
			return nil, at("at 与 cron 只能写一个")
		case rule.At == "" && rule.Cron == "":
			return nil, at("缺少触发时间：写 at（相对日期）或 cron（周期）")
		case rule.Cron != "":
			if rule.Per != "" {
				return nil, at("per 只用于 at 触发的作业")
			}
			sched, err := cronParser.Parse(rule.Cron)
			if err != nil {
				return nil, at("cron %q 无效：%v", rule.Cron, err)
			}
			spec, ok := sched.(*cron.SpecSchedule)
			if !ok {
				return nil, at("cron %q 无效：请用 5 段式（分 时 日 月 周）或 @daily 等", rule.Cron)
			}
			spec.Location = loc
			// A spec such as 0 2 30 2 * (30 February) never fires: refuse it
			// now, not by waiting for ever.
			if spec.Next(time.Date(2000, 1, 1, 0, 0, 0, 0, loc)).IsZero() {
				return nil, at("cron %q 永远不会触发（日期不存在）", rule.Cron)
			}
			rule.sched = spec
		default:
			m := atRE.FindStringSubmatch(rule.At)
			if m == nil {
				return nil, at("at %q 无效：应形如 start - 30d 09:00、end 17:00、end + 15d 09:00 或 12-01 09:00", rule.At)
			}
			rule.anchor = m[1]
			if m[3] != "" {
				n, _ := strconv.Atoi(m[3])
				if m[2] == "-" {
					n = -n
				}
				rule.days = n
			}
			h, _ := strconv.Atoi(m[4])
			mi, _ := strconv.Atoi(m[5])
			if h > 23 || mi > 59 {
				return nil, at("at %q 中的时刻 %s:%s 不存在", rule.At, m[4], m[5])
			}
			rule.clock = time.Duration(h)*time.Hour + time.Duration(mi)*time.Minute
			if strings.Contains(rule.anchor, "-") {
				var mo, d int
				fmt.Sscanf(rule.anchor, "%d-%d", &mo, &d)
				if t := time.Date(2024, time.Month(mo), d, 0, 0, 0, 0, time.UTC); int(t.Month()) != mo || t.Day() != d {
					return nil, at("at %q 中的日期 %s 不存在", rule.At, rule.anchor)
				}
			}
			switch rule.Per {
			case "":
				rule.Per = PerYear
				if rule.anchor == "start" || rule.anchor == "end" {
					rule.Per = PerCohort
				}
			case PerYear:
				if rule.anchor == "start" || rule.anchor == "end" {
					return nil, at("per: year 的作业不能以某期的 %s 为锚点", rule.anchor)
				}
			case PerCohort:
			default:
				return nil, at("per: %q 无效：只能是 year 或 cohort", j.Per)
			}
			if rule.WhileRegistration {
				return nil, at("while 只用于 cron 触发的作业")
			}
		}
		s.Rules = append(s.Rules, rule)
	}
	if len(s.Rules) == 0 {
		return nil, fmt.Errorf("日程文件 %s 没有任何作业", name)
	}
	return s, nil
}

func checkFields(n *yaml.Node, file string, allowed ...string) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("日程文件 %s 第%d行：应为键值对", file, n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ok := false
		for _, a := range allowed {
			ok = ok || k.Value == a
		}
		if !ok {
			return fmt.Errorf("日程文件 %s 第%d行：未知的字段 %q（可用：%s）", file, k.Line, k.Value, strings.Join(allowed, "、"))
		}
	}
	return nil
}

// Rule returns the rule named name.
func (s *Schedule) Rule(name string) (*Rule, bool) {
	for i := range s.Rules {
		if s.Rules[i].Name == name {
			return &s.Rules[i], true
		}
	}
	return nil, false
}

// Occurrence is one firing of a rule: a job, for a cohort (0 for the
// year or a periodic job), at a time.
type Occurrence struct {
	Job    string
	Title  string
	Cohort int
	At     time.Time // in the schedule's time zone
	// Tentative: the cohort's dates are placeholders; the occurrence is
	// listed but never fires.
	Tentative bool
	Periodic  bool
	Trigger   string // the rule's trigger as written
}

// ID names the occurrence uniquely and stably, for leases and records:
// registration-close-c03-20220516T0900.
func (o Occurrence) ID() string {
	c := ""
	if o.Cohort > 0 {
		c = fmt.Sprintf("-c%02d", o.Cohort)
	}
	return fmt.Sprintf("%s%s-%s", o.Job, c, o.At.Format("20060102T1504"))
}

// Dated returns every date-relative occurrence of the programme, in time
// order (then job, then cohort).
func (s *Schedule) Dated(p *program.Programme) ([]Occurrence, error) {
	var out []Occurrence
	for i := range s.Rules {
		r := &s.Rules[i]
		if r.Periodic() {
			continue
		}
		if r.Per == PerYear {
			t, err := r.resolve(p, nil, s.Location)
			if err != nil {
				return nil, err
			}
			out = append(out, Occurrence{Job: r.Name, Title: r.Title, At: t, Trigger: r.At})
			continue
		}
		for k := range p.Cohorts {
			c := &p.Cohorts[k]
			t, err := r.resolve(p, c, s.Location)
			if err != nil {
				return nil, fmt.Errorf("日程文件 %s 第%d行（作业 %s）：%w", s.File, r.Line, r.Name, err)
			}
			out = append(out, Occurrence{Job: r.Name, Title: r.Title, Cohort: c.Number, At: t, Tentative: c.Tentative, Trigger: r.At})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].At.Equal(out[j].At) {
			return out[i].At.Before(out[j].At)
		}
		if out[i].Job != out[j].Job {
			return out[i].Job < out[j].Job
		}
		return out[i].Cohort < out[j].Cohort
	})
	return out, nil
}

func (r *Rule) resolve(p *program.Programme, c *program.Cohort, loc *time.Location) (time.Time, error) {
	var d time.Time
	switch r.anchor {
	case "start", "end":
		if c == nil {
			return time.Time{}, fmt.Errorf("作业 %s 以 %s 为锚点，须 per: cohort", r.Name, r.anchor)
		}
		d = c.Start.Time
		if r.anchor == "end" {
			d = c.End.Time
		}
		if d.IsZero() {
			return time.Time{}, fmt.Errorf("第%d期没有%s日期", c.Number, map[string]string{"start": "开始", "end": "结束"}[r.anchor])
		}
	case "date":
		d = p.Date.Time
		if d.IsZero() {
			return time.Time{}, fmt.Errorf("年度计划没有成文日期")
		}
	default:
		var mo, day int
		fmt.Sscanf(r.anchor, "%d-%d", &mo, &day)
		d = time.Date(p.Year, time.Month(mo), day, 0, 0, 0, 0, time.UTC)
	}
	d = d.AddDate(0, 0, r.days)
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).Add(r.clock), nil
}

// Check resolves every trigger for the programme, so a schedule that
// cannot work with it (a cohort without dates) fails at start-up.
func (s *Schedule) Check(p *program.Programme) error {
	_, err := s.Dated(p)
	return err
}

// registrationOpen reports the cohorts whose registration window
// [registration-open, registration-close) contains t. Tentative cohorts
// are never open.
func (s *Schedule) registrationOpen(p *program.Programme, t time.Time) []int {
	open, okO := s.Rule("registration-open")
	closeR, okC := s.Rule("registration-close")
	if !okO || !okC || open.Periodic() || closeR.Periodic() {
		return nil
	}
	var out []int
	for k := range p.Cohorts {
		c := &p.Cohorts[k]
		if c.Tentative {
			continue
		}
		from, err1 := open.resolve(p, c, s.Location)
		to, err2 := closeR.resolve(p, c, s.Location)
		if err1 == nil && err2 == nil && !t.Before(from) && t.Before(to) {
			out = append(out, c.Number)
		}
	}
	return out
}

// NextPeriodic returns the first firing of a periodic rule after t.
func (r *Rule) NextPeriodic(t time.Time) time.Time {
	if r.sched == nil {
		return time.Time{}
	}
	return r.sched.Next(t)
}

// LastPeriodic returns the latest firing of a periodic rule at or before
// t, looking back at most 400 days; zero if none.
func (r *Rule) LastPeriodic(t time.Time) time.Time {
	if r.sched == nil {
		return time.Time{}
	}
	// Look back in widening windows, so a frequent spec stays cheap and a
	// yearly one is still found.
	for _, back := range []time.Duration{2 * time.Hour, 48 * time.Hour, 40 * 24 * time.Hour, 400 * 24 * time.Hour} {
		var last time.Time
		for n := r.sched.Next(t.Add(-back - time.Second)); !n.IsZero() && !n.After(t); n = r.sched.Next(n) {
			last = n
		}
		if !last.IsZero() {
			return last
		}
	}
	return time.Time{}
}

// Listing is one line of `linghang jobs list`.
type Listing struct {
	Occurrence
	Next bool // the first occurrence after now
	Past bool
}

// List returns the programme's calendar as of now: every date-relative
// occurrence in time order, then each periodic rule with its next firing.
func (s *Schedule) List(p *program.Programme, now time.Time) ([]Listing, error) {
	dated, err := s.Dated(p)
	if err != nil {
		return nil, err
	}
	var out []Listing
	for _, o := range dated {
		out = append(out, Listing{Occurrence: o, Past: !o.At.After(now)})
	}
	for i := range s.Rules {
		r := &s.Rules[i]
		if !r.Periodic() {
			continue
		}
		out = append(out, Listing{Occurrence: Occurrence{Job: r.Name, Title: r.Title, At: r.NextPeriodic(now).In(s.Location), Periodic: true, Trigger: r.Trigger()}})
	}
	return out, nil
}

// Beijing is the programme's time zone, Asia/Shanghai.
var Beijing = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// FormatTime shows t as users see every time, with its zone: a time in
// another zone than Beijing keeps it (2022-05-16 09:00（Europe/Berlin）);
// UTC and local machine times are shown in Beijing time
// (2022-05-16 09:00（北京时间）).
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	switch t.Location() {
	case time.UTC, time.Local:
		t = t.In(Beijing)
	}
	zone := t.Location().String()
	if zone == "Asia/Shanghai" {
		zone = "北京时间"
	}
	return t.Format("2006-01-02 15:04") + "（" + zone + "）"
}
