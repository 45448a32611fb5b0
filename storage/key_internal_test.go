package storage

import "testing"

// FuzzSafeAlready: the fast path of SafeSegment only skips segments the
// full rules would leave unchanged.
func FuzzSafeAlready(f *testing.F) {
	for _, s := range []string{"报名表-张三-123X.pdf", "第1期-河南省科协党校班", " a", "a.", "CON", "con.txt", "COM1", "a\tb", "a　b", "e\u0301", "a/b", "学员 名单.xlsx", "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if safeAlready(s) && makeSafe(s) != s {
			t.Errorf("safeAlready(%q) but the rules make %q", s, makeSafe(s))
		}
		if got, want := SafeSegment(s), makeSafe(s); got != want {
			t.Errorf("SafeSegment(%q) = %q, the rules make %q", s, got, want)
		}
	})
}
