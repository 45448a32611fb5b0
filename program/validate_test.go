package program

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCheckID(t *testing.T) {
	cases := []struct {
		id   string
		want string // "" = valid; else a part of the reason
	}{
		{makeID("11010519800101002"), ""},
		{idWithX(), ""},
		{makeID("65010219900229001"), "出生日期“19900229”不存在"}, // 1990 is no leap year
		{makeID("65010219920229001"), ""},                  // 1992 is
		{makeID("83000019900101001"), "不是有效的省级行政区代码"},
		{"", "必填项未填写"},
		{"1.10105E+17", "被Excel存成了数字"},
		{"1.10105198001E+17", "被Excel存成了数字"},
		{"110105198001010021.0", "带小数点"},
		{"110105198001010000", "身份证号被Excel存成了数字，末三位已被改写成000"},
		{idWithX()[:17], "末位X已丢失"},
		{"1101051980010100211", "应为18位，实为19位"},
		{"11010519800101002Y", "只能由数字和末位X组成"},
		{"X10105198001010021", "只能由数字和末位X组成"},
		{makeID("11010519000101001"), "推算年龄为122岁"},
		{makeID("11010520040402001"), "推算年龄为17岁"}, // 18 tomorrow-ish: still 17 on testNow
		{makeID("11010520040401001"), ""},         // 18 today
	}
	for _, c := range cases {
		got := CheckID(c.id, testNow)
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("CheckID(%q) = %q, want %q", c.id, got, c.want)
		}
		if strings.Contains(got, "Excel") && !strings.HasSuffix(got, "请将该列设为文本后重新填写") {
			t.Errorf("CheckID(%q) = %q: an Excel problem must say how to fix it", c.id, got)
		}
	}
}

func TestSexFromID(t *testing.T) {
	cases := map[string]string{makeID("11010519800101001"): "男", makeID("11010519800101002"): "女", "123": ""}
	for id, want := range cases {
		if got := SexFromID(id); got != want {
			t.Errorf("SexFromID(%q) = %q, want %q", id, got, want)
		}
	}
}

func TestValidateApplicantWomenOnlyFromIDWhenGenderMissing(t *testing.T) {
	p := testProgramme(t)
	a := &Applicant{ID: makeID("11010519800101001"), Cohort: 10, Row: 9}
	errs := ValidateApplicant(p, a, testNow)
	found := false
	for _, e := range errs {
		if e.Column == ColCohort && strings.Contains(e.Reason, "仅限女性学员报名，而身份证号表示男性") && e.Row == 9 {
			found = true
		}
	}
	if !found {
		t.Errorf("errors %v lack the women-only error", errs)
	}
}

func TestParseCohortChoice(t *testing.T) {
	p := testProgramme(t)
	cases := []struct {
		in     string
		want   int
		reason string
	}{
		{"河南班", 1, ""},
		{" 第３期 ", 3, ""},
		{"10", 10, ""},
		{"☑浙江班", 5, ""},
		{"□河南班 ☑中国林学会班 □北京班", 7, ""},
		{"√中国汽车工程学会班", 8, ""},
		{"第1期 河南省科协党校班", 1, ""},
		{"河南班、河南省科协党校班", 1, ""}, // the same cohort twice is one choice
		{"河南班，北京班", 0, "选择了2个班次"},
		{"□河南班□北京班", 0, "未勾选任何班次"},
		{"上海班", 0, "无法识别的班次“上海班”"},
	}
	for _, c := range cases {
		n, reason := parseCohortChoice(p, c.in)
		if n != c.want || !strings.Contains(reason, c.reason) || (c.reason == "") != (reason == "") {
			t.Errorf("parseCohortChoice(%q) = %d, %q; want %d, %q", c.in, n, reason, c.want, c.reason)
		}
	}
}

func TestCheckOfficePhone(t *testing.T) {
	cases := []struct{ in, want string }{
		{"010-68530471", ""},
		{"0371-65707532", ""},
		{"010-68530471-801", ""},
		{"13800138000", ""},
		{"4008105999", ""},
		{"+85223456789", ""},
		{"68530471", "缺少区号"},
		{"010-123", "不是有效的电话号码"},
		{"0371-05707532", "不是有效的电话号码"},
	}
	for _, c := range cases {
		got := checkOfficePhone(NormalizePhone(c.in))
		if (c.want == "") != (got == "") || !strings.Contains(got, c.want) {
			t.Errorf("checkOfficePhone(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func ExampleCheckID() {
	now := time.Date(2022, 4, 1, 0, 0, 0, 0, time.UTC)
	fmt.Printf("%q\n", CheckID("110105198001010024", now))
	fmt.Println(CheckID("1.10105E+17", now))
	// Output:
	// ""
	// 身份证号被Excel存成了数字（显示为1.10105E+17），后几位已丢失无法恢复；请将该列设为文本后重新填写
}
