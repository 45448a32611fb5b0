package render

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"linghang/program"
	"linghang/render/typeset"
)

func TestChineseDate(t *testing.T) {
	tests := []struct {
		day  time.Time
		want string
	}{
		{time.Date(2022, 5, 23, 0, 0, 0, 0, time.UTC), "2022年5月23日 星期一"},
		{time.Date(2022, 6, 26, 0, 0, 0, 0, time.UTC), "2022年6月26日 星期日"},
		{time.Date(2022, 9, 17, 0, 0, 0, 0, time.UTC), "2022年9月17日 星期六"},
	}
	for _, tt := range tests {
		if got := ChineseDate(tt.day); got != tt.want {
			t.Errorf("ChineseDate(%v) = %q, want %q", tt.day, got, tt.want)
		}
	}
}

func TestSignin(t *testing.T) {
	p := testProgramme(t)
	c, _ := p.Cohort(1) // 2022-05-23 … 2022-05-27
	days := c.Days()
	if len(days) != 5 {
		t.Fatalf("cohort 1 has %d days, want 5", len(days))
	}
	var few []program.Applicant
	for _, a := range testApplicants() {
		if !strings.Contains(a.Name, "=") { // that one is the roster's injection test
			a.Cohort = 1
			few = append(few, a)
		}
	}
	many := manyApplicants(300) // 30 in cohort 1: two pages per session
	tests := []struct {
		name     string
		as       []program.Applicant
		opts     SigninOptions
		sessions []string // expected heading of each page
	}{
		{"one sheet per day", few, SigninOptions{}, []string{
			"2022年5月23日星期一", "2022年5月24日星期二", "2022年5月25日星期三", "2022年5月26日星期四", "2022年5月27日星期五"}},
		{"half days", few, SigninOptions{HalfDay: true}, []string{
			"2022年5月23日星期一上午", "2022年5月23日星期一下午", "2022年5月24日星期二上午", "2022年5月24日星期二下午",
			"2022年5月25日星期三上午", "2022年5月25日星期三下午", "2022年5月26日星期四上午", "2022年5月26日星期四下午",
			"2022年5月27日星期五上午", "2022年5月27日星期五下午"}},
		{"continuation pages", many, SigninOptions{}, []string{
			"2022年5月23日星期一", "2022年5月23日星期一", "2022年5月24日星期二", "2022年5月24日星期二",
			"2022年5月25日星期三", "2022年5月25日星期三", "2022年5月26日星期四", "2022年5月26日星期四",
			"2022年5月27日星期五", "2022年5月27日星期五"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Signin(&buf, p, 1, tt.as, tt.opts); err != nil {
				t.Fatalf("Signin: %v", err)
			}
			pages := pdfPages(t, buf.Bytes())
			if len(pages) != len(tt.sessions) {
				t.Fatalf("%d pages, want %d", len(pages), len(tt.sessions))
			}
			var mine []program.Applicant
			for _, a := range tt.as {
				if a.Cohort == 1 {
					mine = append(mine, a)
				}
			}
			program.SortByStrokes(mine)
			seen := map[string]int{}
			for i, pg := range pages {
				flat := squash(pg)
				head := "第1期河南省科协党校班签到表" + tt.sessions[i]
				if !strings.Contains(flat, head) {
					t.Errorf("page %d: heading %q missing in\n%s", i+1, head, pg)
				}
				for _, col := range []string{"序号", "姓名", "工作单位", "签名"} {
					if !strings.Contains(flat, col) {
						t.Errorf("page %d: column %s missing", i+1, col)
					}
				}
				if i == 0 || tt.sessions[i] != tt.sessions[i-1] {
					// Names in roster order on the session's first page.
					last := -1
					for _, a := range mine {
						at := strings.Index(flat, squash(a.Name))
						if at >= 0 && at < last {
							t.Errorf("page %d: %s out of order", i+1, a.Name)
						}
						if at >= 0 {
							last = at
						}
					}
				}
				for _, a := range mine {
					seen[tt.sessions[i]] += strings.Count(flat, squash(a.Name))
				}
			}
			for s, n := range seen {
				if n != len(mine) {
					t.Errorf("session %s lists %d people, want %d", s, n, len(mine))
				}
			}
		})
	}
}

func TestSigninRows(t *testing.T) {
	fonts := testFonts(t)
	tb := signinTable()
	sec := pdfSection{title: "签到表", cols: []pdfColumn{{header: "序号", width: 14}, {header: "姓名", width: 30}, {header: "工作单位", width: 74}, {header: "签名", width: 62}},
		rows: [][]string{{"1", "张三", strings.Repeat("很长的工作单位名称", 8), ""}, {"2", "李四", "东南大学", ""}}}
	hs, err := tb.rowHeights(fonts, &sec, 200)
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hs {
		if h < 12 {
			t.Errorf("row %d is %.1f mm, want ≥ 12 mm to sign in", i+1, h)
		}
	}
	if hs[0] <= hs[1] {
		t.Errorf("the long unit's row (%.1f mm) is not taller than a short one (%.1f mm)", hs[0], hs[1])
	}
	if tb.width()-14-30-62 < 60 {
		t.Errorf("工作单位 column too narrow")
	}
}

func TestSigninErrors(t *testing.T) {
	p := testProgramme(t)
	var buf bytes.Buffer
	if err := Signin(&buf, p, 11, nil, SigninOptions{}); err == nil || !strings.Contains(err.Error(), "第11期") {
		t.Errorf("cohort 11: error %v", err)
	}
	c, _ := p.Cohort(2)
	c.Start = program.Date{}
	if err := Signin(&buf, p, 2, nil, SigninOptions{}); err == nil || !strings.Contains(err.Error(), "起止日期") {
		t.Errorf("no dates: error %v", err)
	}
}

// One renderer for every path: the zero options (what run, demo and the
// scheduler pass) give the blank walk-in rows and the 应到/实到 line on
// each session's last page; Blank < 0 gives no blank rows.
func TestSigninWalkInRowsAndTally(t *testing.T) {
	p := testProgramme(t)
	var few []program.Applicant
	for _, a := range testApplicants() {
		a.Cohort = 1
		few = append(few, a)
	}
	tests := []struct {
		name  string
		opts  SigninOptions
		blank int
	}{
		{"zero options", SigninOptions{}, SigninBlankRows},
		{"three", SigninOptions{Blank: 3}, 3},
		{"none", SigninOptions{Blank: -1}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Fonts = testFonts(t)
			var buf bytes.Buffer
			if err := Signin(&buf, p, 1, few, tt.opts); err != nil {
				t.Fatal(err)
			}
			pages := pdfPages(t, buf.Bytes())
			for i, pg := range pages {
				flat := squash(pg)
				for _, want := range []string{fmt.Sprintf("应到%d人", len(few)), "实到＿＿＿＿人"} {
					if !strings.Contains(flat, want) {
						t.Errorf("page %d lacks %q", i+1, want)
					}
				}
			}
			// Rows on the first sheet: full-width rules, less the two of the
			// header row.
			d, err := signinDoc(p, 1, few, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			rules := 0
			for _, op := range d.Ops() {
				if op.Page == 1 && op.Kind == typeset.OpLine && op.Box.H == 0 && op.Box.W > 100 {
					rules++
				}
			}
			if got := rules - 2; got != len(few)+tt.blank {
				t.Errorf("%d rows, want %d names + %d blank", got, len(few), tt.blank)
			}
		})
	}
}
