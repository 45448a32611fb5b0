package typeset

import "testing"

func TestCovers(t *testing.T) {
	fs, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		r    rune
		want bool
	}{
		{'张', true}, {'A', true}, {'，', true}, {'䶮', true}, // 䶮 through the fallback
		{'\n', true}, {'\u200b', true}, {'\t', true},
		{0x20BB7, false}, {0x1F600, false}, {'\x07', false}, {0x7F, false},
	}
	for _, tt := range tests {
		if got := fs.Covers(tt.r); got != tt.want {
			t.Errorf("Covers(%U) = %v, want %v", tt.r, got, tt.want)
		}
		// Covers agrees with what shape draws.
		_, err := fs.shape(string(tt.r), Style{Role: Body})
		if (err == nil) != tt.want {
			t.Errorf("shape(%U) err = %v, Covers says %v", tt.r, err, tt.want)
		}
	}
}
