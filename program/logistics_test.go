package program

import (
	"errors"
	"strings"
	"testing"
)

func TestDefaultLogisticsAreExamplesAndComplete(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Cohorts {
		if !c.Arrival.Example || !c.Schedule.Example {
			t.Errorf("第%d期：通知中没有的报到、日程数据应标为示例", c.Number)
		}
		if m := c.ArrivalMissing(); len(m) > 0 {
			t.Errorf("第%d期 缺少报到信息：%v", c.Number, m)
		}
		if got, want := len(c.Schedule.Days), len(c.Days()); got != want {
			t.Errorf("第%d期 日程 %d 天，活动 %d 天", c.Number, got, want)
		}
	}
}

func TestArrivalMissingNamesEachFact(t *testing.T) {
	c := Cohort{Number: 2, Contacts: nil}
	got := strings.Join(c.ArrivalMissing(), "|")
	for _, want := range []string{"报到日期（cohorts[1].arrival.date）", "报到时间", "报到地点", "承办单位（cohorts[1].hosts）", "联系人", "需携带的材料", "交通"} {
		if !strings.Contains(got, want) {
			t.Errorf("ArrivalMissing = %s, lacks %s", got, want)
		}
	}
	c.Contacts = []Contact{{Person: "王静", Phones: []string{"15637191866"}}}
	if got := strings.Join(c.ArrivalMissing(), "|"); strings.Contains(got, "联系人") {
		t.Errorf("cohort contacts should stand in for arrival contacts: %s", got)
	}
}

func TestLogisticsValidation(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(c *Cohort)
		field string
		want  string
	}{
		{"arrival after start", func(c *Cohort) { c.Arrival.Date = Date{c.Start.AddDate(0, 0, 1)} }, "cohorts[0].arrival.date", "报到日期应在开始日期"},
		{"arrival too early", func(c *Cohort) { c.Arrival.Date = Date{c.Start.AddDate(0, 0, -30)} }, "cohorts[0].arrival.date", "之前7天内"},
		{"bad time", func(c *Cohort) { c.Arrival.Time = "下午两点" }, "cohorts[0].arrival.time", "14:00—20:00"},
		{"blank bring", func(c *Cohort) { c.Arrival.Bring = []string{"身份证", " "} }, "cohorts[0].arrival.bring[1]", "缺少需携带的材料"},
		{"bad contact phone", func(c *Cohort) { c.Arrival.Contacts = []Contact{{Person: "甲", Phones: []string{"电话"}}} }, "cohorts[0].arrival.contacts[0].phones[0]", "电话号码"},
		{"day beyond end", func(c *Cohort) { c.Schedule.Days[4].Day = 6 }, "cohorts[0].schedule.days[4].day", "1至5之间"},
		{"day twice", func(c *Cohort) { c.Schedule.Days[1].Day = 1 }, "cohorts[0].schedule.days[1].day", "第1天重复"},
		{"empty day", func(c *Cohort) { c.Schedule.Days[0].Items = nil }, "cohorts[0].schedule.days[0].items", "没有任何安排"},
		{"bad slot", func(c *Cohort) { c.Schedule.Days[0].Items[0].Time = "早上八点" }, "cohorts[0].schedule.days[0].items[0].time", "08:30—11:30"},
		{"no activity", func(c *Cohort) { c.Schedule.Days[0].Items[0].Activity = "" }, "cohorts[0].schedule.days[0].items[0].activity", "缺少活动内容"},
		{"guest role", func(c *Cohort) { c.Guests = []Guest{{Name: "甲", Role: "观众"}} }, "cohorts[0].guests[0].role", "主持、嘉宾"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Default()
			if err != nil {
				t.Fatal(err)
			}
			tt.edit(&p.Cohorts[0])
			err = p.Validate()
			var pe *ProgrammeError
			if !errors.As(err, &pe) {
				t.Fatalf("Validate = %v, want *ProgrammeError", err)
			}
			for _, pr := range pe.Problems {
				if pr.Path == tt.field && strings.Contains(pr.Reason, tt.want) {
					return
				}
			}
			t.Errorf("no problem at %s containing %q in:\n%v", tt.field, tt.want, err)
		})
	}
}

func TestCohortDatesForPrint(t *testing.T) {
	tests := []struct {
		start, end Date
		tentative  bool
		want       string
	}{
		{NewDate(2022, 5, 23), NewDate(2022, 5, 27), false, "2022年5月23日至27日"},
		{NewDate(2022, 6, 28), NewDate(2022, 7, 2), false, "2022年6月28日至7月2日"},
		{NewDate(2022, 5, 23), NewDate(2022, 5, 27), true, "2022年5月23日至27日（暂定）"},
	}
	for _, tt := range tests {
		c := Cohort{Start: tt.start, End: tt.end, Tentative: tt.tentative}
		if got := c.Period(); got != tt.want {
			t.Errorf("Period = %q, want %q", got, tt.want)
		}
	}
	c := Cohort{Tentative: true}
	if got := c.DateText(NewDate(2022, 5, 22)); got != "2022年5月22日（暂定）" {
		t.Errorf("DateText = %q", got)
	}
}

func TestCohortChoiceResolves(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Cohorts {
		for _, ref := range []string{c.Choice(), " " + c.Choice() + " ", strings.ReplaceAll(c.Choice(), "（", "(")} {
			ref = strings.ReplaceAll(ref, "）", ")")
			got, ok := p.CohortByRef(ref)
			if !ok || got.Number != c.Number {
				t.Errorf("CohortByRef(%q) = %v, %v; want cohort %d", ref, got, ok, c.Number)
			}
		}
	}
	if got := p.Cohorts[9].Choice(); got != "中国女科技工作者协会班（仅限女性）" {
		t.Errorf("women-only choice = %q", got)
	}
}
