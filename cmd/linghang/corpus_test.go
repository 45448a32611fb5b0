package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportCorpusKeepsCurrentSet runs `linghang import --partial` on
// every file of the bad-input corpus (program/testdata/corpus, whose
// exact outcomes program's TestBadInputCorpus checks) against a store
// holding a current set: none may change it, crash, or exit 0. Files with
// some good rows are refused too, since they would remove the current
// people (no --replace).
func TestImportCorpusKeepsCurrentSet(t *testing.T) {
	dir := filepath.Join("..", "..", "program", "testdata", "corpus")
	files, err := filepath.Glob(filepath.Join(dir, "*.*"))
	if err != nil || len(files) < 40 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	store := importEnv(t)
	base := writeImportCSV(t, t.TempDir(), "base.csv", person(0, "江苏班"), person(1, "北京班"))
	if out, _, err := runCLI(t, "import", base, "--store", store); err != nil {
		t.Fatalf("base import: %v\n%s", err, out)
	}
	want := fmt.Sprint(storedIDs(t, store))
	versions := func() int {
		out, _, err := runCLI(t, "archive", "history", "2022/数据/学员数据.json", "--store", store)
		if err != nil {
			t.Fatalf("history: %v", err)
		}
		return strings.Count(out, "import-")
	}
	before := versions()
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			out, _, err := runCLI(t, "import", f, "--partial", "--photos", filepath.Join(dir, "photos"), "--store", store)
			if err == nil {
				t.Fatalf("import succeeded:\n%s", out)
			}
			checkNoPersonalData(t, "import", out+err.Error())
			if got := fmt.Sprint(storedIDs(t, store)); got != want {
				t.Fatalf("current set changed to %s, want %s\n%s", got, want, out)
			}
		})
	}
	if after := versions(); after != before {
		t.Errorf("%d versions after the corpus, want %d", after, before)
	}
}
