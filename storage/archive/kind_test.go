package archive

import (
	"strings"
	"testing"
)

func TestParseKind(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{"badges", "badges", ""},
		{"Badges", "badges", ""},
		{"胸卡", "badges", ""},
		{" 报名表 ", "form", ""},
		{"memo", "", "文件类别 \"memo\" 无效"},
		{"", "", "无效"},
	}
	for _, tt := range tests {
		got, err := ParseKind(tt.in)
		if string(got) != tt.want || (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
			t.Errorf("ParseKind(%q) = %q, %v; want %q, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
	for _, k := range Kinds() {
		if back, err := ParseKind(k.Folder()); err != nil || back != k {
			t.Errorf("ParseKind(%q) = %q, %v; want %q", k.Folder(), back, err, k)
		}
	}
}

func TestParseRetention(t *testing.T) {
	tests := []struct {
		in   string
		want string // String() of the result, or "" for an error
	}{
		{"永久", "永久"},
		{"permanent", "永久"},
		{"定期30年", "定期30年"},
		{"10y", "定期10年"},
		{"30", "定期30年"},
		{"定期零年", ""},
		{"-5", ""},
		{"030", ""},
	}
	for _, tt := range tests {
		got, err := ParseRetention(tt.in)
		s := got.String()
		if err != nil {
			s = ""
		}
		if s != tt.want {
			t.Errorf("ParseRetention(%q) = %q (%v), want %q", tt.in, s, err, tt.want)
		}
	}
}
