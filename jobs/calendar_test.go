package jobs

import (
	"strings"
	"testing"
	"time"

	"linghang/program"
)

// firm returns the bundled 2022 programme with its dates taken as real.
func firm(t *testing.T) *program.Programme {
	t.Helper()
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	for i := range p.Cohorts {
		p.Cohorts[i].Tentative = false
	}
	return p
}

func shanghai(t *testing.T, s string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestDefaultScheduleOn2022 resolves the default triggers against the
// 2022 cohorts: the notice's "活动开始前30日" and the other offsets land on
// the right days, in Beijing time.
func TestDefaultScheduleOn2022(t *testing.T) {
	s, err := DefaultSchedule()
	if err != nil {
		t.Fatal(err)
	}
	p := firm(t)
	dated, err := s.Dated(p)
	if err != nil {
		t.Fatal(err)
	}
	at := map[string]time.Time{}
	for _, o := range dated {
		at[o.ID()] = o.At
	}
	if len(dated) != 4*10+1 {
		t.Errorf("%d dated occurrences, want 41 (4 per cohort, 1 per year)", len(dated))
	}
	tests := []struct {
		job    string
		cohort int
		want   string
	}{
		{JobRegistrationOpen, 1, "2022-04-23 09:00"},  // 第1期 starts 05-23
		{JobRegistrationClose, 1, "2022-05-16 09:00"}, // 7 days before
		{JobSummaryTemplate, 3, "2022-06-30 17:00"},   // 第3期 ends 06-30
		{JobSummaryReport, 3, "2022-07-15 09:00"},     // 15 days after
		{JobRegistrationOpen, 10, "2022-08-14 09:00"}, // 第10期 starts 09-13
		{JobEvaluation, 0, "2022-12-01 09:00"},
	}
	for _, tt := range tests {
		want := shanghai(t, tt.want)
		id := Occurrence{Job: tt.job, Cohort: tt.cohort, At: want}.ID()
		got, ok := at[id]
		if !ok || !got.Equal(want) {
			t.Errorf("%s cohort %d: at %v (found %v), want %v", tt.job, tt.cohort, got, ok, want)
		}
		if ok && got.Location().String() != "Asia/Shanghai" {
			t.Errorf("%s: zone %s", id, got.Location())
		}
	}
	for i := 1; i < len(dated); i++ {
		if dated[i].At.Before(dated[i-1].At) {
			t.Fatalf("occurrences out of order at %d: %v after %v", i, dated[i].At, dated[i-1].At)
		}
	}
}

// TestTentativeDatesAreListedNotFired: the bundled programme's dates are
// placeholders; every cohort trigger is listed as tentative and none is due.
func TestTentativeDatesAreListedNotFired(t *testing.T) {
	s, _ := DefaultSchedule()
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.List(p, shanghai(t, "2022-11-30 12:00"))
	if err != nil {
		t.Fatal(err)
	}
	tentative := 0
	for _, l := range list {
		if l.Tentative {
			tentative++
		}
		if l.Cohort > 0 && !l.Tentative {
			t.Errorf("%s not marked tentative", l.ID())
		}
	}
	if tentative != 40 {
		t.Errorf("%d tentative triggers, want 40", tentative)
	}
	sch := &Scheduler{Schedule: s, Programme: p}
	due, err := sch.Due(shanghai(t, "2022-12-31 23:00"))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range due {
		if o.Cohort > 0 || o.Job == JobNightly {
			t.Errorf("tentative trigger due: %s", o.ID())
		}
	}
}

func TestScheduleErrorsNameFileAndLine(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       []string
	}{
		{"never fires", "jobs:\n  - name: x\n    cron: \"0 2 30 2 *\"\n", []string{"s.yaml", "第2行", "永远不会触发"}},
		{"bad cron", "jobs:\n  - name: x\n    cron: \"61 * * * *\"\n", []string{"第2行", "cron"}},
		{"bad at", "jobs:\n  - name: a\n    at: start - 3d 09:00\n  - name: b\n    at: start minus 3d\n", []string{"第4行", "at \"start minus 3d\" 无效"}},
		{"bad hour", "jobs:\n  - name: a\n    at: end 25:00\n", []string{"第2行", "不存在"}},
		{"bad date", "jobs:\n  - name: a\n    at: 02-30 09:00\n", []string{"第2行", "02-30"}},
		{"both", "jobs:\n  - name: a\n    at: end 09:00\n    cron: \"@daily\"\n", []string{"第2行", "只能写一个"}},
		{"unknown field", "jobs:\n  - name: a\n    at: end 09:00\n    when: now\n", []string{"第4行", "when"}},
		{"duplicate", "jobs:\n  - name: a\n    at: end 09:00\n  - name: a\n    at: end 10:00\n", []string{"第4行", "重复"}},
		{"bad zone", "timezone: Mars/Olympus\njobs:\n  - name: a\n    at: end 09:00\n", []string{"时区"}},
		{"year on start", "jobs:\n  - name: a\n    per: year\n    at: start 09:00\n", []string{"第2行", "per: year"}},
		{"every", "jobs:\n  - name: a\n    cron: \"@every 1h\"\n", []string{"第2行", "5 段式"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSchedule(strings.NewReader(tt.yaml), "s.yaml")
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestLastPeriodic(t *testing.T) {
	s, err := ParseSchedule(strings.NewReader("jobs:\n  - name: n\n    cron: \"0 2 * * *\"\n  - name: w\n    cron: \"0 3 * * 1\"\n"), "s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	n, _ := s.Rule("n")
	w, _ := s.Rule("w")
	tests := []struct {
		r         *Rule
		now, want string
	}{
		{n, "2022-05-10 01:59", "2022-05-09 02:00"},
		{n, "2022-05-10 02:00", "2022-05-10 02:00"},
		{w, "2022-05-10 12:00", "2022-05-09 03:00"}, // a Monday
		{w, "2022-05-09 02:00", "2022-05-02 03:00"},
	}
	for _, tt := range tests {
		if got := tt.r.LastPeriodic(shanghai(t, tt.now)); !got.Equal(shanghai(t, tt.want)) {
			t.Errorf("%s last before %s = %v, want %s", tt.r.Name, tt.now, got, tt.want)
		}
	}
}
