package storage_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"linghang/storage"
)

func TestCheckKey(t *testing.T) {
	tests := []struct {
		key    string
		reason string // substring of the Chinese reason; "" = valid
	}{
		{"2022/notice/通知.pdf", ""},
		{"a", ""},
		{"第1期/张三 (1).pdf", ""},
		{".hidden/file", ""},
		{strings.Repeat("长", 85), ""}, // 255 bytes
		{"", "为空"},
		{"/etc/passwd", "绝对路径"},
		{"C:/Windows", "盘符"},
		{"a\\b", "反斜杠"},
		{"../secret", `".."`},
		{"a/../../b", `".."`},
		{"a/./b", `"."`},
		{"a//b", "空的路径段"},
		{"a/", "空的路径段"},
		{"a\x00b", "控制字符"},
		{"a\tb", "控制字符"},
		{"a\u0085b", "控制字符"},
		{"a\u2028b", "控制字符"},
		{"\xffab", "UTF-8"},
		{strings.Repeat("长", 86), "路径段长度 258 字节"},
		{strings.Repeat("a/", 600) + "a", "超过上限 1024"},
		{"x/.linghang/meta", "保留前缀"},
		{".linghang-tmp-1", "保留前缀"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%.30q", tt.key), func(t *testing.T) {
			err := storage.CheckKey(tt.key)
			if tt.reason == "" {
				if err != nil {
					t.Errorf("CheckKey(%q) = %v, want nil", tt.key, err)
				}
				return
			}
			if !errors.Is(err, storage.ErrInvalidKey) || !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("CheckKey(%q) = %v, want ErrInvalidKey with %q", tt.key, err, tt.reason)
			}
		})
	}
}

func TestCheckPrefix(t *testing.T) {
	tests := []struct {
		prefix string
		ok     bool
	}{
		{"", true}, {"2022/", true}, {"2022/附件", true}, {"a", true},
		{"/", false}, {"../", false}, {"a//", false}, {"a\\", false}, {"a/../", false},
	}
	for _, tt := range tests {
		if err := storage.CheckPrefix(tt.prefix); (err == nil) != tt.ok {
			t.Errorf("CheckPrefix(%q) = %v, want ok=%v", tt.prefix, err, tt.ok)
		}
	}
}

func TestSafeSegment(t *testing.T) {
	tests := []struct{ in, want string }{
		{"张三", "张三"},
		{"中国科学院大学/清华大学", "中国科学院大学_清华大学"},
		{`a\b:c*d?e"f<g>h|i`, "a_b_c_d_e_f_g_h_i"},
		{"..", "_"},
		{".", "_"},
		{"", "_"},
		{"  . 报名表.pdf . ", "报名表.pdf"},
		{"tab\there\nnew", "tab here new"},
		{"bell\x07", "bell_"},
		{"NUL", "NUL_"},
		{"com1.txt", "com1.txt_"},
		{"COM10", "COM10"},
		{".linghang-meta", "linghang-meta"},
		{"e\u0301", "é"}, // NFC
		{"bad\xffutf8", "bad_utf8"},
		{strings.Repeat("长", 100), strings.Repeat("长", 85)},
	}
	for _, tt := range tests {
		got := storage.SafeSegment(tt.in)
		if got != tt.want {
			t.Errorf("SafeSegment(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if err := storage.CheckKey(got); err != nil || strings.Contains(got, "/") {
			t.Errorf("SafeSegment(%q) = %q is not one valid segment: %v", tt.in, got, err)
		}
	}
}

// FuzzSafeSegment: whatever the input, the result is one valid segment.
func FuzzSafeSegment(f *testing.F) {
	for _, s := range []string{"张三", "../..", "a/b", "\x00", strings.Repeat("长", 100) + "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := storage.SafeSegment(s)
		if err := storage.CheckKey(got); err != nil || strings.Contains(got, "/") || !utf8.ValidString(got) {
			t.Fatalf("SafeSegment(%q) = %q: %v", s, got, err)
		}
	})
}

func TestCheckMetadata(t *testing.T) {
	tests := []struct {
		md map[string]string
		ok bool
	}{
		{nil, true},
		{map[string]string{"title": "关于开展2022年“领航计划”的通知", "cohort-no": "3"}, true},
		{map[string]string{"Title": "x"}, false},
		{map[string]string{"a_b": "x"}, false},
		{map[string]string{"sha256": "x"}, false},
		{map[string]string{"x": "a\x00"}, false},
		{map[string]string{"x": "tab\tok"}, true},
		{map[string]string{"x": "\xff"}, false},
		{map[string]string{"x": strings.Repeat("长", 460)}, true},  // 1380 bytes → 1852 encoded
		{map[string]string{"x": strings.Repeat("长", 480)}, false}, // 1440 bytes → 1932 encoded
	}
	for _, tt := range tests {
		if err := storage.CheckMetadata(tt.md); (err == nil) != tt.ok || (err != nil && !errors.Is(err, storage.ErrInvalidKey)) {
			t.Errorf("CheckMetadata(%.40q) = %v, want ok=%v", tt.md, err, tt.ok)
		}
	}
}

func TestIsTransient(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{fmt.Errorf("put x: %w", storage.ErrUnavailable), true},
		{fmt.Errorf("put x: %w", context.DeadlineExceeded), true},
		{fmt.Errorf("put x: %w", context.Canceled), false},
		{fmt.Errorf("put x: %w", storage.ErrNotFound), false},
		{fmt.Errorf("put x: %w: %w", storage.ErrExists, storage.ErrUnavailable), false},
		{errors.New("disk full"), false},
	}
	for _, tt := range tests {
		if got := storage.IsTransient(tt.err); got != tt.want {
			t.Errorf("IsTransient(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
