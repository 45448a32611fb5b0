package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linghang/program"
)

func TestCheckinCommand(t *testing.T) {
	const hexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	t.Setenv("LINGHANG_TOKEN_KEY", hexKey)
	key, err := program.ParseTokenKey(hexKey)
	if err != nil {
		t.Fatal(err)
	}
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	apps := program.Sample(p, 6, 9)
	var x bytes.Buffer
	if err := program.SampleXLSX(&x, p, apps); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "学员.xlsx")
	if err := os.WriteFile(file, x.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	tok := program.CheckinToken(key, p.Year, apps[2].Cohort, &apps[2])
	// As a person types it from a badge: lower case, in groups.
	typed := strings.ToLower(tok[:6] + "-" + tok[6:12] + " " + tok[12:])
	c, _ := p.Cohort(apps[2].Cohort)

	out, _, err := runCLI(t, "checkin", typed, "--applicants", file)
	if err != nil {
		t.Fatalf("checkin: %v\n%s", err, out)
	}
	for _, want := range []string{apps[2].Name, c.Title(), tok} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}

	// A token with one character changed, and one made with another key.
	bad := tok[:5] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[(strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", tok[5])+1)%32]) + tok[6:]
	other := program.CheckinToken(bytes.Repeat([]byte{9}, 32), p.Year, apps[2].Cohort, &apps[2])
	out, _, err = runCLI(t, "checkin", tok, bad, other, "--applicants", file)
	if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), "2 个签到码无法识别") {
		t.Fatalf("err = %v, want 2 unknown tokens (exit 2)\n%s", err, out)
	}
	if !strings.Contains(out, apps[2].Name) {
		t.Errorf("the good token in the batch was not resolved:\n%s", out)
	}
}
