package render

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"linghang/program"
)

func TestSchedule(t *testing.T) {
	p := formProgramme(t)
	var buf bytes.Buffer
	if err := Schedule(&buf, p, 1, CohortOptions{Fonts: formFonts(t)}); err != nil {
		t.Fatal(err)
	}
	writeOut(t, "schedule-1.pdf", buf.Bytes())
	pages := formPDFText(t, buf.Bytes())
	all := formSqueeze(strings.Join(pages, ""))
	c := &p.Cohorts[0]
	wants := []string{"第1期河南省科协党校班日程", "2022年5月23日至27日（暂定）", "第1天5月23日星期一（暂定）", "第5天5月27日星期五", "【" + exampleMark + "】", "承办单位：河南省科协、红旗渠干部学院"}
	for _, d := range c.Schedule.Days {
		for _, it := range d.Items {
			wants = append(wants, it.Time, it.Activity, it.Place)
		}
	}
	for _, w := range wants {
		if !strings.Contains(all, formSqueeze(w)) {
			t.Errorf("schedule lacks %q", w)
		}
	}
}

func TestScheduleContinuesAcrossPages(t *testing.T) {
	p := formProgramme(t)
	c := &p.Cohorts[1]
	c.Tentative, c.Schedule.Example = false, false
	for i := range c.Schedule.Days {
		for k := 0; k < 6; k++ {
			c.Schedule.Days[i].Items = append(c.Schedule.Days[i].Items, program.ScheduleItem{Time: "19:00—21:00", Activity: strings.Repeat("分组研讨与交流", 3+k), Place: "酒店会议室"})
		}
	}
	var buf bytes.Buffer
	if err := Schedule(&buf, p, 2, CohortOptions{Fonts: formFonts(t)}); err != nil {
		t.Fatal(err)
	}
	pages := formPDFText(t, buf.Bytes())
	if len(pages) < 2 {
		t.Fatalf("%d pages, want the table continued", len(pages))
	}
	for i, pg := range pages[1:] {
		s := formSqueeze(pg)
		if !strings.Contains(s, "日程（续）") || !strings.Contains(s, "日期时间活动内容地点") {
			t.Errorf("page %d lacks the continued title or heading row", i+2)
		}
	}
	all := formSqueeze(strings.Join(pages, ""))
	if strings.Contains(all, "暂定") || strings.Contains(all, exampleMark) {
		t.Error("firm dates and real data must not be marked")
	}
	if n := strings.Count(all, "分组研讨与交流"); n != 5*(3+4+5+6+7+8) {
		t.Errorf("%d repetitions of the long activity, want all", n)
	}
}

func TestScheduleMissing(t *testing.T) {
	p := formProgramme(t)
	p.Cohorts[3].Schedule.Days = p.Cohorts[3].Schedule.Days[:3]
	err := Schedule(&bytes.Buffer{}, p, 4, CohortOptions{Fonts: formFonts(t)})
	var me *program.MissingError
	if !errors.As(err, &me) || !strings.Contains(err.Error(), "第4天的安排") || !strings.Contains(err.Error(), "第5天的安排") {
		t.Errorf("err = %v", err)
	}
	p.Cohorts[3].Schedule.Days = nil
	if err := Schedule(&bytes.Buffer{}, p, 4, CohortOptions{}); err == nil || !strings.Contains(err.Error(), "日程（cohorts[3].schedule.days）") {
		t.Errorf("err = %v", err)
	}
}
