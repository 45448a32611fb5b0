package main

import (
	"fmt"
	"regexp"
	"testing"
)

// Full 身份证号 (18 characters, or 15 of the old form) and mobile numbers
// (11 digits from 13–19) anywhere in output; masked ones (110105********002X,
// 138****8000) do not match.
var (
	reFullID     = regexp.MustCompile(`(^|[^0-9])([1-9][0-9]{16}[0-9Xx]|[1-9][0-9]{14})([^0-9]|$)`)
	reFullMobile = regexp.MustCompile(`(^|[^0-9])(1[3-9][0-9]{9})([^0-9]|$)`)
)

// personalData returns the full ID and mobile numbers in out.
func personalData(out string) []string {
	var found []string
	for _, re := range []*regexp.Regexp{reFullID, reFullMobile} {
		for _, m := range re.FindAllStringSubmatch(out, -1) {
			found = append(found, m[2])
		}
	}
	return found
}

// checkNoPersonalData fails if what a command printed (its log, on
// stdout and stderr) holds a full ID or mobile number.
func checkNoPersonalData(t *testing.T, what, out string) {
	t.Helper()
	if found := personalData(out); len(found) > 0 {
		t.Errorf("%s prints %d full ID or mobile numbers, e.g. %q", what, len(found), found[0])
	}
}

func TestPersonalData(t *testing.T) {
	for _, tt := range []struct {
		out  string
		want string
	}{
		{"第3行 身份证号 11010519800101002X 有误", "[11010519800101002X]"},
		{"手机:13800138000。", "[13800138000]"},
		{"110105********002X 138****8000 第 2 版 20220401T010000Z-ab12cd34 size=1048576", "[]"},
		{"key=2022/报名表/报名表-张三-002X.pdf", "[]"},
	} {
		if got := fmt.Sprint(personalData(tt.out)); got != tt.want {
			t.Errorf("personalData(%q) = %s, want %s", tt.out, got, tt.want)
		}
	}
}
