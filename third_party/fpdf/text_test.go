package fpdf

import "testing"

// linghang patch: appendSubsetText escapes each byte of the glyph IDs as
// escape does for a whole string (what Text did with them before).
func TestAppendEscapedByteMatchesEscape(t *testing.T) {
	var f Fpdf
	for c := 0; c < 256; c++ {
		got := string(appendEscapedByte(nil, byte(c)))
		if want := f.escape(string([]byte{byte(c)})); got != want {
			t.Errorf("byte %#02x: %q, escape gives %q", c, got, want)
		}
	}
}
