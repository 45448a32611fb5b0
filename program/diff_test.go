package program

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
)

func person(id, name, unit string, cohort int) Applicant {
	return Applicant{ID: id, Name: name, Recommender: unit, Cohort: cohort, Gender: "男"}
}

func ids(cs []Change) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestDiff(t *testing.T) {
	cur := &ApplicantSet{Applicants: []Applicant{
		person("A", "甲", "中国化学会", 1), person("B", "乙", "中国化学会", 1), person("C", "丙", "中国电子学会", 2),
	}}
	changed := person("B", "乙", "中国化学会", 3)
	changed.Mobile = "13800138000"
	next := &ApplicantSet{Applicants: []Applicant{person("A", "甲", "中国化学会", 1), changed, person("D", "丁", "中国电子学会", 2)}}
	tests := []struct {
		name                    string
		cur, next               *ApplicantSet
		added, removed, changed []string
		unchanged               int
	}{
		{"first import", nil, next, []string{"A", "D", "B"}, nil, nil, 0}, // by cohort, then ID
		{"same", cur, cur, nil, nil, nil, 3},
		{"mixed", cur, next, []string{"D"}, []string{"C"}, []string{"B"}, 1},
		{"two rows left", cur, &ApplicantSet{Applicants: cur.Applicants[:1]}, nil, []string{"B", "C"}, nil, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Diff(tt.cur, tt.next)
			if got := ids(d.Added); !reflect.DeepEqual(got, tt.added) {
				t.Errorf("added %v, want %v", got, tt.added)
			}
			if got := ids(d.Removed); !reflect.DeepEqual(got, tt.removed) {
				t.Errorf("removed %v, want %v", got, tt.removed)
			}
			if got := ids(d.Changed); !reflect.DeepEqual(got, tt.changed) {
				t.Errorf("changed %v, want %v", got, tt.changed)
			}
			if d.Unchanged != tt.unchanged {
				t.Errorf("unchanged %d, want %d", d.Unchanged, tt.unchanged)
			}
		})
	}
	d := Diff(cur, next)
	if want := []string{ColMobile, ColCohort}; !reflect.DeepEqual(d.Changed[0].Fields, want) {
		t.Errorf("changed fields %v, want %v", d.Changed[0].Fields, want)
	}
	var b bytes.Buffer
	d.WriteTable(&b, 0)
	for _, want := range []string{"新增 1 人：\n  + 第2期  D  丁\n", "删除 1 人：\n  - 第2期  C  丙\n", "修改 1 人：\n  ~ 第3期  B  乙（手机、选择班次）\n",
		"与当前学员数据相比：新增 1 人，删除 1 人，修改 1 人，不变 1 人。"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}
}

func TestMerge(t *testing.T) {
	p := testProgramme(t)
	cur := &ApplicantSet{Applicants: []Applicant{
		person("A", "甲", "中国化学会", 1), person("B", "乙", "中国化学会", 1), person("C", "丙", "中国电子学会", 2),
	}}
	b2 := person("B", "乙", "中国化学会", 2)
	tests := []struct {
		name    string
		next    []Applicant
		want    []string // IDs in the merged set
		changed []string
		err     string
	}{
		{"adds and replaces own", []Applicant{b2, person("E", "戊", "中国化学会", 1)}, []string{"A", "B", "C", "E"}, []string{"B"}, ""},
		{"keeps own people absent from the file", []Applicant{person("E", "戊", "中国化学会", 1)}, []string{"A", "B", "C", "E"}, nil, ""},
		{"two units", []Applicant{b2, person("E", "戊", "中国电子学会", 1)}, nil, nil, "x.xlsx：--merge 要求文件只含一个推荐单位的学员，实有 2 个（中国化学会、中国电子学会）"},
		{"ID of another unit", []Applicant{{ID: "C", Name: "丙", Recommender: "中国化学会", Cohort: 2, Row: 7}}, nil, nil, "x.xlsx：1 人已由其他推荐单位报名，未合并：第7行 丙（C）已由“中国电子学会”推荐"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			next := &ApplicantSet{Source: "x.xlsx", Applicants: tt.next}
			m, err := Merge(p, cur, next)
			if tt.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("err = %v, want prefix %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, a := range m.Applicants {
				got = append(got, a.ID)
			}
			if !sameStrings(got, tt.want) {
				t.Errorf("merged %v, want %v", got, tt.want)
			}
			d := Diff(cur, m)
			if len(d.Removed) != 0 || !reflect.DeepEqual(ids(d.Changed), tt.changed) {
				t.Errorf("merge removed %v, changed %v (want none removed, %v changed)", ids(d.Removed), ids(d.Changed), tt.changed)
			}
		})
	}
	if len(cur.Applicants) != 3 || cur.Applicants[1].Cohort != 1 {
		t.Errorf("Merge modified the current set: %+v", cur.Applicants)
	}
}

func TestMergeCapacity(t *testing.T) {
	p := testProgramme(t)
	c := &p.Cohorts[0]
	c.Capacity = 2
	cur := &ApplicantSet{Applicants: []Applicant{person("A", "甲", "中国化学会", c.Number), person("B", "乙", "中国化学会", c.Number)}}
	_, err := Merge(p, cur, &ApplicantSet{Source: "x.xlsx", Applicants: []Applicant{person("E", "戊", "中国电子学会", c.Number)}})
	if want := "x.xlsx：合并后超出名额，未合并：" + c.Title() + "合并后3人，名额2人"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %q", err, want)
	}
}

func sameStrings(a, b []string) bool {
	m := map[string]int{}
	for _, s := range a {
		m[s]++
	}
	for _, s := range b {
		m[s]--
	}
	for _, n := range m {
		if n != 0 {
			return false
		}
	}
	return len(a) == len(b)
}
