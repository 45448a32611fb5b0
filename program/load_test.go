package program

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

func TestDefaultLoadsAndValidates(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"year", p.Year, 2022},
		{"issuing body", p.IssuingBody, "中国科协办公厅"},
		{"doc number", p.DocNumber, "科协办函组字〔2022〕47号"},
		{"signature", p.Signature, "中国科协办公厅"},
		{"date", p.Date.Chinese(), "2022年3月31日"},
		{"cohorts", len(p.Cohorts), 10},
		{"sections", len(p.Body), 4},
		{"run-in items of 四、", len(p.Body[3].Sections), 5},
		{"contacts", len(p.Contacts), 2},
		{"attachments", len(p.Attachments), 2},
		{"form notes", len(p.Form.Notes), 3},
		{"bio bound", p.Form.BioMaxRunes, 1000},
		{"cohort 10 women only", p.Cohorts[9].WomenOnly, true},
		{"cohort 10 note", p.Cohorts[9].Note, "本班学员仅限女性。"},
		{"only cohort 10 women only", countWomenOnly(p), 1},
		{"cohort 3 keeps full-width Ｏ", strings.Contains(p.Cohorts[2].Features, "第七Ｏ二研究所"), true},
		{"cohort 7 persons", strings.Join(p.Cohorts[6].Contacts[0].Persons(), "|"), "郭建斌|李平"},
		{"cohort 8 hosts", len(p.Cohorts[7].Hosts), 4},
		{"source", p.Source, "programme-2022.yaml"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

func countWomenOnly(p *Programme) int {
	n := 0
	for _, c := range p.Cohorts {
		if c.WomenOnly {
			n++
		}
	}
	return n
}

// TestCohortDatesMatchTheirTime checks that the concrete dates agree with
// the wording of the notice: 上旬 days 1–10, 中旬 11–20, 下旬 21–end, 底 the
// last days of the month, five days each.
func TestCohortDatesMatchTheirTime(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Cohorts {
		var lo, hi int
		switch {
		case strings.Contains(c.Time, "上旬"):
			lo, hi = 1, 10
		case strings.Contains(c.Time, "中旬"):
			lo, hi = 11, 20
		case strings.Contains(c.Time, "下旬"):
			lo, hi = 21, 31
		case strings.Contains(c.Time, "底"):
			lo, hi = 24, 31
		default:
			t.Errorf("第%d期 time %q: no 上旬/中旬/下旬/底", c.Number, c.Time)
			continue
		}
		if d := c.Start.Day(); d < lo || d > hi {
			t.Errorf("第%d期 starts %s, outside days %d–%d of %q", c.Number, c.Start, lo, hi, c.Time)
		}
		if c.End.Month() != c.Start.Month() && !strings.Contains(c.Time, "下旬") {
			t.Errorf("第%d期 %s–%s spans two months", c.Number, c.Start, c.End)
		}
		if got := len(c.Days()); got != 5 {
			t.Errorf("第%d期 lasts %d days, want 5", c.Number, got)
		}
	}
}

func TestCohortByRef(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		ref  string
		want int // 0: not found
	}{
		{"河南班", 1},
		{"第1期", 1},
		{"第01期", 1},
		{"1", 1},
		{"01", 1},
		{"1期", 1},
		{"第一期", 1},
		{"河南省科协党校班", 1},
		{"第1期 河南省科协党校班", 1},
		{"１", 1},
		{"第１期", 1},
		{"  河南班　", 1},
		{"□河南班", 1},
		{"☑河南班", 1},
		{"第十期", 10},
		{"10", 10},
		{"１０", 10},
		{"中国细胞生物学会班", 9},
		{"全国学会分校班（中国细胞生物学学会）", 9},
		{"全国学会分校班(中国细胞生物学学会)", 9},
		{"中国女科技工作者协会班", 10},
		{"中国林学会班", 7},
		{"第11期", 0},
		{"0", 0},
		{"-1", 0},
		{"", 0},
		{"   ", 0},
		{"河南", 0},
		{"上海班", 0},
		{"第一百期", 0},
	}
	for _, tt := range tests {
		c, ok := p.CohortByRef(tt.ref)
		got := 0
		if ok {
			got = c.Number
		}
		if got != tt.want {
			t.Errorf("CohortByRef(%q) = %d, want %d", tt.ref, got, tt.want)
		}
	}
}

// seedLines returns the 2022 notice as published (testdata/notice-2022.txt),
// normalised so that it can be compared with the programme's text:
//
//   - lines are trimmed and blank lines dropped;
//   - the first line 附 件 is the label of the web page that carried the
//     notice as an attachment, not part of the notice, and is dropped;
//   - lines the extraction broke are joined, each by an explicit rule
//     (joins below): the page break inside 战略科|学家, the two-line title,
//     the two-line form title and the wrapped 注 lines under the form;
//   - the check boxes of 附件2 (each extracted as "(") are split off;
//   - all white space inside a line is removed for comparison (the notice
//     writes 联 系 人 and two spaces between phones; renderers space them).
//
// The returned notice part runs to the line before 附件2; the form part
// holds the rest with the form grid's labels and the check boxes removed;
// boxes lists the cohort labels printed after the check boxes.
func seedLines(t *testing.T) (notice, form, boxes []string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "notice-2022.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimFunc(l, unicode.IsSpace); l != "" {
			lines = append(lines, l)
		}
	}
	if squash(lines[0]) != "附件" {
		t.Fatalf("seed starts with %q, want the page label 附 件", lines[0])
	}
	lines = lines[1:]
	joins := []struct{ end, next string }{
		{"面向战略科", "学家、一流科技领军人才"},
		{"2022年“领航计划”", "青年科技领军人才国情研修活动的通知"},
		{"“领航计划”青年科技领军人才", "国情研修活动报名表"},
		{"领军人才国情", "研修活动报名表》后"},
		{"网上党校平台", "（http://xuexi.cast.org.cn/）在线提交。"},
		{"所报名班次的承办单位", "进行调整。"},
	}
	used := make([]bool, len(joins))
	for i := 0; i+1 < len(lines); i++ {
		for j, r := range joins {
			if strings.HasSuffix(lines[i], r.end) && strings.HasPrefix(lines[i+1], r.next) {
				lines[i] += lines[i+1]
				lines = append(lines[:i+1], lines[i+2:]...)
				used[j] = true
				i--
				break
			}
		}
	}
	for j, u := range used {
		if !u {
			t.Errorf("join rule %q + %q matched nothing in the seed", joins[j].end, joins[j].next)
		}
	}
	// The grid of the registration form: labels drawn by the form renderer.
	grid := map[string]bool{
		"推荐单位：": true, "姓名": true, "性别": true, "民族": true, "照": true, "片": true,
		"政治面貌": true, "身份证号": true, "手机": true, "办公电话": true, "电子邮箱": true,
		"研究领域": true, "工作单位及职务、职称": true, "选择班次": true, "个人简介": true,
	}
	inForm := false
	for _, l := range lines {
		l = squash(l)
		switch {
		case l == "附件2":
			inForm = true
			form = append(form, l)
		case !inForm:
			notice = append(notice, l)
		case grid[l]:
		case strings.HasPrefix(l, "("):
			for _, box := range strings.Split(l, "(") {
				if box != "" {
					boxes = append(boxes, box)
				}
			}
		default:
			form = append(form, l)
		}
	}
	return notice, form, boxes
}

// squash removes all white space (ASCII, tabs, U+3000).
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func TestNoticeParagraphsMatchSeed(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	wantNotice, wantForm, wantBoxes := seedLines(t)
	var gotNotice, gotForm []string
	for _, para := range p.NoticeParagraphs() {
		if para.Annex == 2 {
			gotForm = append(gotForm, squash(para.String()))
			continue
		}
		gotNotice = append(gotNotice, squash(para.String()))
	}
	compareLines(t, "notice and 附件1", gotNotice, wantNotice)
	compareLines(t, "附件2", gotForm, wantForm)
	var gotBoxes []string
	for _, c := range p.Cohorts {
		gotBoxes = append(gotBoxes, c.Label)
	}
	compareLines(t, "附件2 选择班次", gotBoxes, wantBoxes)
}

func compareLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	for i := 0; i < max(len(got), len(want)); i++ {
		var g, w string
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		if g != w {
			t.Errorf("%s: paragraph %d differs:\n got %q\nwant %q", what, i+1, g, w)
			return
		}
	}
}

func TestNoticeParagraphKinds(t *testing.T) {
	p, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	paras := p.NoticeParagraphs()
	count := map[ParaKind]int{}
	var headings []string
	for _, para := range paras {
		count[para.Kind]++
		if para.Kind == ParaHeading {
			headings = append(headings, para.String())
		}
	}
	tests := []struct {
		kind ParaKind
		want int
	}{
		{ParaIssuingBody, 1}, {ParaDocNumber, 1}, {ParaTitle, 1}, {ParaAddressees, 1},
		{ParaHeading, 4}, {ParaBody, 1 + 1 + 3 + 1 + 5}, {ParaContactOrg, 2}, {ParaContact, 4},
		{ParaAttachment, 2}, {ParaSignature, 1}, {ParaDate, 1}, {ParaAnnexLabel, 2},
		{ParaCohortTitle, 10}, {ParaCohortNote, 1}, {ParaCohortField, 60}, {ParaFormNote, 3},
	}
	for _, tt := range tests {
		if got := count[tt.kind]; got != tt.want {
			t.Errorf("%d paragraphs of kind %d, want %d", got, tt.kind, tt.want)
		}
	}
	if got, want := strings.Join(headings, " "), "一、重要意义 二、整体安排 三、学员对象 四、有关要求"; got != want {
		t.Errorf("headings %q, want %q", got, want)
	}
}

func TestLoadFile2023Example(t *testing.T) {
	p, err := LoadFile(filepath.Join("..", "templates", "examples", "programme-2023.yaml"))
	if err != nil {
		t.Fatalf("LoadFile: %v", err)
	}
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if p.Year != 2023 || !strings.Contains(p.DocNumber, "〔2023〕") {
		t.Errorf("year %d, doc number %q; want 2023", p.Year, p.DocNumber)
	}
	if len(p.Cohorts) != 9 {
		t.Errorf("%d cohorts, want 9", len(p.Cohorts))
	}
	old := map[string]bool{}
	for _, c := range def.Cohorts {
		for _, h := range c.Hosts {
			old[h] = true
		}
	}
	var newHosts []string
	for _, c := range p.Cohorts {
		if c.Start.Year() != 2023 {
			t.Errorf("第%d期 starts %s, not in 2023", c.Number, c.Start)
		}
		for _, h := range c.Hosts {
			if !old[h] {
				newHosts = append(newHosts, h)
			}
		}
	}
	if len(newHosts) < 2 {
		t.Errorf("new hosts %v, want at least two not in 2022", newHosts)
	}
	if c, ok := p.CohortByRef("四川班"); !ok || c.Number != 2 {
		t.Errorf("CohortByRef(四川班) = %v, %v; want cohort 2", c, ok)
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, err := LoadFile(filepath.Join(t.TempDir(), "无此文件.yaml"))
	if err == nil || !strings.Contains(err.Error(), "不存在") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v, want 不存在 wrapping os.ErrNotExist", err)
	}
}

// TestLoadBadProgrammes edits the bundled 2022 file line by line and checks
// that each mistake is reported, in Chinese, at the right field and line.
func TestLoadBadProgrammes(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "templates", "programme-2022.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		old, new string // replaced once in the good file
		want     []string
	}{
		{"year disagrees with 文号", "year: 2022", "year: 2023", []string{"doc_number", "文号中的年份 2022 与年度 2023 不一致"}},
		{"文号 with square brackets", "doc_number: 科协办函组字〔2022〕47号", "doc_number: 科协办函组字[2022]47号", []string{"doc_number", "六角括号"}},
		{"unknown field", "    women_only: true", "    women_onyl: true", []string{"第{line}行：未知字段", "women_onyl"}},
		{"start after end", "start: 2022-05-23", "start: 2022-05-29", []string{"cohorts[0].end", "早于开始日期", "为期5天"}},
		{"date out of year", "end: 2022-09-17", "end: 2023-09-17", []string{"cohorts[9].end", "不在 2022 年内"}},
		{"bad date", "start: 2022-06-21", "start: 2022-06-31", []string{"第{line}行", "日期 “2022-06-31” 无效", "YYYY-MM-DD"}},
		{"number skipped", "  - number: 3\n", "  - number: 4\n", []string{"cohorts[2].number", "应为 3"}},
		{"duplicate label", "label: 北京班", "label: 河南班", []string{"cohorts[1].label（第{line}行）", "与第1期重复"}},
		{"label is a number", "label: 江苏班", "label: 第3期", []string{"cohorts[2].label（第{line}行）", "不能是纯数字"}},
		{"empty name", "name: 天津市科协党校班", "name: \"\"", []string{"cohorts[3].name", "缺少班次名称"}},
		{"month disagrees", "start: 2022-07-11\n    end: 2022-07-15", "start: 2022-08-11\n    end: 2022-08-15", []string{"cohorts[4].start", "时间写的是7月"}},
		{"phones in one string", `phones: ["13652111258"]`, `phones: ["13652111258，010-1234"]`, []string{"cohorts[3].contacts[0].phones[0]", "电话号码"}},
		{"no contacts", "    contacts:\n      - person: 孙明杉\n        phones: [\"010-59872775\", \"18500683907\"]\n", "", []string{"cohorts[9].contacts", "缺少联系人"}},
		{"bio bound", "bio_max_runes: 1000", "bio_max_runes: 0", []string{"form.bio_max_runes（第{line}行）", "大于0"}},
		{"wrong type", "bio_max_runes: 1000", "bio_max_runes: 一千", []string{"第{line}行", "一千", "整数"}},
		{"addressees with colon", "各有关单位\n", "各有关单位：\n", []string{"addressees", "冒号"}},
		{"bad section number", "  - number: 三、", "  - number: 三.", []string{"body[2].number", "序号"}},
		{"broken YAML", "title: 中国科协", "title: [中国科协", []string{"不是有效的 YAML"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(string(good), tt.old) {
				t.Fatalf("fixture: %q not in programme-2022.yaml", tt.old)
			}
			bad := strings.Replace(string(good), tt.old, tt.new, 1)
			_, err := Load(strings.NewReader(bad), "坏方案.yaml")
			if err == nil {
				t.Fatal("Load succeeded, want an error")
			}
			msg := err.Error()
			line := strings.Count(string(good[:strings.Index(string(good), tt.old)]), "\n") + 1
			for _, w := range append([]string{"坏方案.yaml"}, tt.want...) {
				w = strings.ReplaceAll(w, "{line}", strconv.Itoa(line))
				if !strings.Contains(msg, w) {
					t.Errorf("error lacks %q:\n%s", w, msg)
				}
			}
		})
	}
}

// TestValidateReportsAllAtOnce breaks several fields and expects one
// problem for each, with the YAML line of the field.
func TestValidateReportsAllAtOnce(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "templates", "programme-2022.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.NewReplacer("year: 2022", "year: 2021", "label: 北京班", "label: \"\"", "location: 上海市", "location: \"\"").Replace(string(good))
	_, err = Load(strings.NewReader(bad), "多处错误.yaml")
	var pe *ProgrammeError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *ProgrammeError", err)
	}
	got := map[string]int{}
	for _, pr := range pe.Problems {
		got[pr.Path] = pr.Line
	}
	lines := strings.Split(string(good), "\n")
	lineOf := func(prefix string) int {
		for i, l := range lines {
			if strings.HasPrefix(strings.TrimSpace(l), prefix) {
				return i + 1
			}
		}
		return -1
	}
	for path, wantLine := range map[string]int{
		"doc_number":          lineOf("doc_number:"),
		"cohorts[1].label":    lineOf("label: 北京班"),
		"cohorts[8].location": lineOf("location: 上海市"),
	} {
		line, ok := got[path]
		if !ok {
			t.Errorf("no problem reported at %s; got %v", path, pe.Problems)
			continue
		}
		if line != wantLine {
			t.Errorf("%s reported at line %d, want %d", path, line, wantLine)
		}
	}
	// Start dates in 2022 are outside year 2021 too: every cohort is reported.
	if len(pe.Problems) < 3+10 {
		t.Errorf("%d problems, want at least 13:\n%v", len(pe.Problems), err)
	}
}

func TestLoadRejectsNonYAMLInput(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "空文件"},
		{"not UTF-8", "year: \xff\xfe", "UTF-8"},
		{"a list", "- 1\n- 2\n", "无法解析"},
	}
	for _, tt := range tests {
		_, err := Load(strings.NewReader(tt.in), "x.yaml")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func ExampleDefault() {
	p, err := Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.DocNumber)
	for _, c := range p.Cohorts[:3] {
		fmt.Println(c.Title(), c.Start, c.End)
	}
	// Output:
	// 科协办函组字〔2022〕47号
	// 第1期 河南省科协党校班 2022-05-23 2022-05-27
	// 第2期 北京市科协党校班 2022-06-21 2022-06-25
	// 第3期 江苏省科协党校班 2022-06-26 2022-06-30
}

func ExampleProgramme_CohortByRef() {
	p, err := Default()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, ref := range []string{"河南班", "第01期", "１０", "第十期", "中国细胞生物学会班", "上海班"} {
		if c, ok := p.CohortByRef(ref); ok {
			fmt.Printf("%s → 第%d期 %s\n", ref, c.Number, c.Label)
		} else {
			fmt.Printf("%s → 无此班次\n", ref)
		}
	}
	// Output:
	// 河南班 → 第1期 河南班
	// 第01期 → 第1期 河南班
	// １０ → 第10期 中国女科技工作者协会班
	// 第十期 → 第10期 中国女科技工作者协会班
	// 中国细胞生物学会班 → 第9期 中国细胞生物学会班
	// 上海班 → 无此班次
}

func ExampleLoad() {
	_, err := Load(strings.NewReader("year: 2023\ndoc_number: 科协办函组字〔2022〕47号\n"), "草稿.yaml")
	var pe *ProgrammeError
	if errors.As(err, &pe) {
		for _, pr := range pe.Problems[:3] {
			fmt.Println(pr)
		}
	}
	// Output:
	// issuing_body（第1行）：缺少发文机关
	// doc_number（第2行）：文号中的年份 2022 与年度 2023 不一致（当前值：“科协办函组字〔2022〕47号”）
	// title（第1行）：缺少标题
}

func BenchmarkDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Default(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCohortByRef(b *testing.B) {
	p, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	refs := []string{"河南班", "第01期", "１０", "第十期", "全国学会分校班（中国细胞生物学学会）", "上海班"}
	for b.Loop() {
		for _, r := range refs {
			p.CohortByRef(r)
		}
	}
}
