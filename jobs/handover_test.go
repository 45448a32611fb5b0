package jobs

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"linghang/program"
)

// TestCombinedFilesHandOverToOwnFiles: rendering a cohort's combined
// 报到通知 and 结业证书 with the people's own files, each own file is
// written from the pages the combined file laid out, nothing stays
// kept, and every own file is byte for byte the one made without the
// combined file.
func TestCombinedFilesHandOverToOwnFiles(t *testing.T) {
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	set := sampleSet(t, p, 25)
	cohort := set.Applicants[0].Cohort
	n := 0
	for _, a := range set.Applicants {
		if a.Cohort == cohort {
			n++
		}
	}
	render := func(entries []string) (string, *Inputs) {
		dir := t.TempDir()
		in := &Inputs{Programme: p, Applicants: set.Applicants, Version: "t"}
		sink := &DirSink{Dir: dir}
		// One worker: each combined file is made before the own files.
		res, _, err := Render(context.Background(), DefaultCatalogue(), in, Selection{Entries: entries, Cohorts: []int{cohort}}, sink, 1, nil)
		if err != nil || len(res.Failures) > 0 {
			t.Fatalf("%v %v", err, res.Failures)
		}
		if err := sink.Close(); err != nil {
			t.Fatal(err)
		}
		return dir, in
	}
	both, in := render([]string{"checkin-notice", "checkin-letter", "certificates", "certificate"})
	if in.handed != 2*n {
		t.Errorf("%d own files written from kept pages, want %d", in.handed, 2*n)
	}
	if in.handKept != nil || in.handWant != nil {
		t.Error("kept pages not dropped after the run")
	}
	alone, in := render([]string{"checkin-letter", "certificate"})
	if in.handed != 0 {
		t.Errorf("%d own files from kept pages without a combined file", in.handed)
	}
	compared := 0
	err = filepath.WalkDir(alone, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(alone, path)
		want, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join(both, rel))
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs when written from the combined file's pages", rel)
		}
		compared++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if compared != 2*n {
		t.Errorf("compared %d own files, want %d", compared, 2*n)
	}
}
