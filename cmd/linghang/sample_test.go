package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSampleCommand: the same seed writes the same workbook bytes; --photos
// writes one <身份证号>.jpg per applicant, a few carrying an EXIF
// orientation.
func TestSampleCommand(t *testing.T) {
	dir := t.TempDir()
	run1 := func(name string, photos bool) []byte {
		out := filepath.Join(dir, name)
		args := []string{"sample", "--n", "45", "--seed", "9", "-o", out}
		if photos {
			args = append(args, "--photos", filepath.Join(dir, "照片"))
		}
		var stdout, stderr bytes.Buffer
		if err := run(context.Background(), args, &stdout, &stderr); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stderr.String())
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b := run1("a.xlsx", true), run1("b.xlsx", false)
	if !bytes.Equal(a, b) {
		t.Error("same seed, different workbook bytes")
	}
	entries, err := os.ReadDir(filepath.Join(dir, "照片"))
	if err != nil {
		t.Fatal(err)
	}
	exif := 0
	for _, e := range entries {
		if len(strings.TrimSuffix(e.Name(), ".jpg")) != 18 || !strings.HasSuffix(e.Name(), ".jpg") {
			t.Errorf("photo %s is not <身份证号>.jpg", e.Name())
		}
		j, _ := os.ReadFile(filepath.Join(dir, "照片", e.Name()))
		if bytes.Contains(j[:64], []byte("Exif\x00\x00")) {
			exif++
		}
	}
	if len(entries) != 45 || exif < 2 {
		t.Errorf("%d photos, %d with EXIF; want 45 and at least 2", len(entries), exif)
	}
	var stderr bytes.Buffer
	if err := run(context.Background(), []string{"sample", "--n", "0", "-o", filepath.Join(dir, "c.xlsx")}, &bytes.Buffer{}, &stderr); err == nil {
		t.Error("--n 0: no error")
	}
}
