package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderAllMatchesTheArchive: `render all` is the same catalogue as
// the scheduled job with a folder for a sink — the files it writes are
// byte for byte the documents `jobs run` archives for the same selection.
func TestRenderAllMatchesTheArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a cohort twice")
	}
	dir := t.TempDir()
	if d := os.Getenv("KEEP_DIR"); d != "" {
		dir = d
	}
	store := filepath.Join(dir, "store")
	t.Setenv("LINGHANG_SPOOL", filepath.Join(dir, "spool"))
	t.Setenv("LINGHANG_TOKEN_KEY", "")
	t.Setenv("LINGHANG_TOKEN_KEY_FILE", filepath.Join(dir, "key"))
	t.Setenv("LINGHANG_STORE", store)
	xlsx, photos := filepath.Join(dir, "s.xlsx"), filepath.Join(dir, "ph")
	if _, stderr, err := runCLI(t, "sample", "--n", "40", "--seed", "9", "-o", xlsx, "--photos", photos); err != nil {
		t.Fatalf("sample: %v %s", err, stderr)
	}
	if out, _, err := runCLI(t, "import", xlsx, "--photos", photos); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	archived := filepath.Join(dir, "archived")
	if out, _, err := runCLI(t, "jobs", "run", "registration-close", "--cohort", "3", "--out", archived); err != nil {
		t.Fatalf("jobs run: %v\n%s", err, out)
	}
	rendered := filepath.Join(dir, "rendered")
	if out, stderr, err := runCLI(t, "render", "all", "--job", "registration-close", "--cohort", "3", "-o", rendered); err != nil {
		t.Fatalf("render all: %v\n%s%s", err, out, stderr)
	}
	want := files(t, filepath.Join(archived, "2022"))
	got := files(t, rendered)
	if len(want) < 10 || len(got) != len(want) {
		t.Fatalf("render all wrote %d files, the job archived %d", len(got), len(want))
	}
	for rel, b := range want {
		if !bytes.Equal(got[rel], b) {
			t.Errorf("%s differs between render all (%d bytes) and the archived document (%d bytes)", rel, len(got[rel]), len(b))
		}
	}
}

func files(t *testing.T, root string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}
