package pdfa_test

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"linghang/render/pdfa"
	"linghang/render/typeset"
)

// Each clause the checker knows fails on a file broken in that way.
func TestPDFACheckFindsViolations(t *testing.T) {
	fs, err := typeset.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	d := typeset.New(fs, "样张", typeset.A4, typeset.Info{Title: "样张", Created: time.Date(2022, 3, 31, 9, 0, 0, 0, time.UTC)})
	if err := d.Text(20, 30, "正文", typeset.Style{}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	tests := []struct {
		name   string
		break_ func([]byte) []byte
		clause string
	}{
		{"no binary comment", func(b []byte) []byte { return bytes.Replace(b, []byte("%\xc2\xb5\xc2\xb6"), []byte("%abcd"), 1) }, "6.1.2"},
		{"no file ID", func(b []byte) []byte { return bytes.Replace(b, []byte("/ID ["), []byte("/XX ["), 1) }, "6.1.3"},
		{"garbage after EOF", func(b []byte) []byte { return append(b, "junk"...) }, "6.1.3"},
		{"wrong part", func(b []byte) []byte {
			return bytes.Replace(b, []byte("<pdfaid:part>2<"), []byte("<pdfaid:part>1<"), 1)
		}, "6.6.4"},
		{"title differs", func(b []byte) []byte {
			return bytes.Replace(b, []byte(`x-default">样张<`), []byte(`x-default">别张<`), 1)
		}, "6.6.2.3.1"},
		{"no output intent", func(b []byte) []byte { return bytes.Replace(b, []byte("/OutputIntents"), []byte("/OutputIntentz"), 1) }, "6.2.2"},
		{"font not embedded", func(b []byte) []byte { return bytes.Replace(b, []byte("/FontFile2"), []byte("/FontFileX"), 1) }, "6.2.11.4.1"},
		{"width differs from the font program", func(b []byte) []byte {
			return regexp.MustCompile(`\d+\]\]\n/CIDToGIDMap`).ReplaceAll(b, []byte("777]]\n/CIDToGIDMap"))
		}, "6.2.11.5"},
		{"JavaScript", func(b []byte) []byte { return bytes.Replace(b, []byte("/Lang"), []byte("/JavaScript 1 0 R /Lang"), 1) }, "6.6.1"},
	}
	if _, err := pdfa.Check(good); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := tt.break_(bytes.Clone(good))
			if bytes.Equal(bad, good) {
				t.Fatal("the file was not changed")
			}
			_, err := pdfa.Check(bad)
			if err == nil || !strings.Contains(err.Error(), tt.clause) {
				t.Errorf("err = %v, want clause %s", err, tt.clause)
			}
		})
	}
}
