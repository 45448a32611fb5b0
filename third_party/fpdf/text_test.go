package fpdf

import "testing"

// linghang patch: subsetTextOp escapes each byte of the glyph IDs as
// escape does for the whole string (the path Text takes otherwise).
func TestAppendEscapedByteMatchesEscape(t *testing.T) {
	var f Fpdf
	for c := 0; c < 256; c++ {
		got := string(appendEscapedByte(nil, byte(c)))
		if want := f.escape(string([]byte{byte(c)})); got != want {
			t.Errorf("byte %#02x: %q, escape gives %q", c, got, want)
		}
	}
}
