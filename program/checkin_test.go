package program

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func TestCheckinToken(t *testing.T) {
	a := &Applicant{Name: "张三", ID: "11010519850301002x", Mobile: "13800000000"}
	tok := CheckinToken(testKey, 2022, 3, a)
	if len(tok) != TokenLen || !strings.HasPrefix(tok, TokenPrefix) {
		t.Fatalf("token %q: want %d characters starting with %s", tok, TokenLen, TokenPrefix)
	}
	if !ValidToken(tok) {
		t.Errorf("ValidToken(%q) = false", tok)
	}
	for _, leak := range []string{"110105", "1985", "13800000000", "002X"} {
		if strings.Contains(tok, leak) {
			t.Errorf("token %q contains personal data %q", tok, leak)
		}
	}
	upper := *a
	upper.ID = strings.ToUpper(a.ID)
	tests := []struct {
		name         string
		key          []byte
		year, cohort int
		a            *Applicant
		same         bool
	}{
		{"deterministic", testKey, 2022, 3, a, true},
		{"ID case does not matter", testKey, 2022, 3, &upper, true},
		{"other cohort", testKey, 2022, 4, a, false},
		{"other year", testKey, 2023, 3, a, false},
		{"other key", []byte("another key of sixteen+ bytes"), 2022, 3, a, false},
		{"other person", testKey, 2022, 3, &Applicant{Name: "张三", ID: "110105198503010038"}, false},
	}
	for _, tt := range tests {
		got := CheckinToken(tt.key, tt.year, tt.cohort, tt.a)
		if (got == tok) != tt.same {
			t.Errorf("%s: token %q vs %q, same = %v, want %v", tt.name, got, tok, got == tok, tt.same)
		}
	}
}

func TestValidTokenDetectsTypos(t *testing.T) {
	tok := CheckinToken(testKey, 2022, 3, &Applicant{ID: "110105198503010021"})
	// Every single-character change of the data or check part is caught.
	for i := len(TokenPrefix); i < len(tok); i++ {
		for _, c := range base32Alphabet {
			if byte(c) == tok[i] {
				continue
			}
			bad := tok[:i] + string(c) + tok[i+1:]
			if ValidToken(bad) {
				t.Fatalf("ValidToken(%q) = true after changing position %d", bad, i)
			}
		}
	}
	for _, bad := range []string{"", "LH", tok[:TokenLen-1], tok + "A", "XX" + tok[2:], strings.ToLower(tok)} {
		if ValidToken(bad) {
			t.Errorf("ValidToken(%q) = true", bad)
		}
	}
}

func TestCheckinIndex(t *testing.T) {
	as := []Applicant{
		{Name: "张三", ID: "110105198503010021", Cohort: 3},
		{Name: "李四", ID: "320102199001010039", Cohort: 3},
		{Name: "王五", Mobile: "13900000000", Cohort: 5},
	}
	x, err := NewCheckinIndex(testKey, 2022, as)
	if err != nil {
		t.Fatal(err)
	}
	for i := range as {
		tok := CheckinToken(testKey, 2022, as[i].Cohort, &as[i])
		// as typed on a phone: lower case, grouped with hyphens
		typed := strings.ToLower(tok[:6] + "-" + tok[6:12] + " " + tok[12:])
		for _, in := range []string{tok, typed} {
			got, err := x.Resolve(in)
			if err != nil {
				t.Fatalf("Resolve(%q): %v", in, err)
			}
			if got.Name != as[i].Name {
				t.Errorf("Resolve(%q) = %s, want %s", in, got.Name, as[i].Name)
			}
		}
	}
	other := CheckinToken(testKey, 2022, 4, &as[0]) // right person, wrong cohort
	tests := []struct {
		in   string
		want error
	}{
		{other, ErrTokenUnknown},
		{"LHAAAAAAAAAAAAAAAAB", ErrTokenMalformed},
		{"LHAAAAAAAAAAAAAAAAA", ErrTokenUnknown},
		{"110105198503010021", ErrTokenMalformed},
	}
	for _, tt := range tests {
		_, err := x.Resolve(tt.in)
		if !errors.Is(err, tt.want) {
			t.Errorf("Resolve(%q) error = %v, want %v", tt.in, err, tt.want)
		}
	}
	dup := append(as, as[0])
	if _, err := NewCheckinIndex(testKey, 2022, dup); err == nil || !strings.Contains(err.Error(), "张三") {
		t.Errorf("duplicate applicant: error = %v, want one naming 张三", err)
	}
}

func TestParseTokenKey(t *testing.T) {
	tests := []struct {
		in      string
		want    []byte
		wantErr bool
	}{
		{"30313233343536373839616263646566", []byte("0123456789abcdef"), false},
		{"MDEyMzQ1Njc4OWFiY2RlZg==", []byte("0123456789abcdef"), false},
		{"a plain secret of enough length", []byte("a plain secret of enough length"), false},
		{"short", nil, true},
	}
	for _, tt := range tests {
		got, err := ParseTokenKey(tt.in)
		if (err != nil) != tt.wantErr || !bytes.Equal(got, tt.want) {
			t.Errorf("ParseTokenKey(%q) = %q, %v; want %q, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestReadOrCreateTokenKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "token.key")
	k1, err := ReadOrCreateTokenKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(k1) != 32 {
		t.Errorf("new key has %d bytes, want 32", len(k1))
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	k2, err := ReadOrCreateTokenKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k1, k2) {
		t.Errorf("second call returned a different key")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("data folder holds %d files, want only the key", len(entries))
	}
	if err := os.WriteFile(path, []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadOrCreateTokenKey(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("bad key file: error = %v, want one naming %s", err, path)
	}
}
