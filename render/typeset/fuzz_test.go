package typeset

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// Any text either lays out — every character kept, in order, no line
// wider than the measure unless a single character is — or fails with a
// *GlyphError. It never panics or loops.
func FuzzBreak(f *testing.F) {
	for _, s := range []string{
		"一二三四，五六", "平台（http://xuexi.cast.org.cn/portal/x/y）强化", "——……", "a b  c   ",
		"156 mm × 225 mm", "《“领航计划”》。", "\n\n一\n", "𠮷", "\x00", "（（（（（（（（（（", "）））））））",
		strings.Repeat("x", 300), "12345678901234567890年",
	} {
		f.Add(s, 5.0)
	}
	fs := mustFonts(f)
	f.Fuzz(func(t *testing.T, s string, chars float64) {
		if !utf8.ValidString(s) || chars != chars || chars < 0.5 || chars > 100 {
			return
		}
		st := Style{Size: 10, Indent: 1}
		width := chars * st.em()
		var lines []Line
		var err error
		done := make(chan struct{})
		go func() {
			defer close(done)
			lines, err = fs.Break(s, st, width)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Break(%q, %v em) does not return", s, chars)
		}
		if err != nil {
			var ge *GlyphError
			if !errors.As(err, &ge) {
				t.Fatalf("error %v is not a *GlyphError", err)
			}
			return
		}
		var got strings.Builder
		for _, l := range lines {
			got.WriteString(l.Text)
		}
		want := strings.NewReplacer("\n", "", " ", "", "\t", "", "\r", "", "\u00a0", "", "\u200b", "", "\u200c", "", "\u200d", "", "\ufeff", "", "\u00ad", "").Replace(s)
		if strings.ReplaceAll(got.String(), " ", "") != want {
			t.Fatalf("lines %q lost text of %q", got.String(), s)
		}
	})
}

// Any bytes either parse as a font or fail with an error.
func FuzzParseFont(f *testing.F) {
	fs := mustFonts(f)
	sub, err := fs.Font(Title).subset([]rune("领航"))
	if err != nil {
		f.Fatal(err)
	}
	good := sub.data
	f.Add(good)
	f.Add(good[:100])
	f.Add(makeTTC(good, good))
	f.Add([]byte("OTTO\x00\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		faces, err := parseFonts(data, "fuzz.ttf")
		if err != nil {
			return
		}
		for _, face := range faces {
			var rs []rune
			for r := rune(0); r < 0x10000 && len(rs) < 50; r++ {
				if face.Has(r) {
					rs = append(rs, r)
				}
			}
			for _, r := range rs {
				if _, err := face.outlinePath(r, 0, 0, 10); err != nil {
					break
				}
			}
			if _, err := face.subset(rs); err != nil {
				return
			}
		}
	})
}
