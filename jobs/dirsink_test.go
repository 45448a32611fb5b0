package jobs

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linghang/storage/archive"
)

func sinkDoc(cohort int, name string, body []byte) archive.Doc {
	return archive.Doc{
		Year: 2022, Kind: archive.Form, Cohort: cohort, CohortName: "测试班",
		Title: name, Filename: name + ".pdf", Body: body,
	}
}

// TestDirSinkWritesEveryFileWhole writes more files than one sync group
// holds, across folders, and finds each under its name with its bytes
// and no temporary file left behind.
func TestDirSinkWritesEveryFileWhole(t *testing.T) {
	for _, n := range []int{0, 1, dirSinkGroup - 1, dirSinkGroup, 3*dirSinkGroup + 5, dirSinkPending + 7} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			dir := t.TempDir()
			s := &DirSink{Dir: dir}
			want := map[string][]byte{}
			for i := range n {
				d := sinkDoc(1+i%3, fmt.Sprintf("报名表-学员%04d", i), bytes.Repeat([]byte{byte(i)}, 100+i))
				if err := s.Add(context.Background(), d); err != nil {
					t.Fatal(err)
				}
				key, err := archive.DocKey(d)
				if err != nil {
					t.Fatal(err)
				}
				want[filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(key, "2022/")))] = d.Body
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if s.Written() != n {
				t.Errorf("Written() = %d, want %d", s.Written(), n)
			}
			found := 0
			err := filepath.WalkDir(dir, func(path string, e os.DirEntry, err error) error {
				if err != nil || e.IsDir() {
					return err
				}
				if strings.HasPrefix(e.Name(), ".") {
					t.Errorf("temporary file left: %s", path)
					return nil
				}
				found++
				got, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				if w, ok := want[path]; !ok || !bytes.Equal(got, w) {
					t.Errorf("%s: unexpected file or content (%d bytes)", path, len(got))
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if found != n {
				t.Errorf("found %d files, want %d", found, n)
			}
		})
	}
}

// TestDirSinkReportsAFileThatCannotBePlaced: a folder stands where one
// document should go; Close names that document, removes its temporary
// file and still places the others.
func TestDirSinkReportsAFileThatCannotBePlaced(t *testing.T) {
	dir := t.TempDir()
	s := &DirSink{Dir: dir}
	blocked := sinkDoc(1, "报名表-张三-002X", []byte("blocked"))
	key, err := archive.DocKey(blocked)
	if err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, filepath.FromSlash(strings.TrimPrefix(key, "2022/")))
	if err := os.MkdirAll(filepath.Join(target, "占位"), 0o755); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		d := sinkDoc(1, fmt.Sprintf("报名表-学员%02d", i), []byte("ok"))
		if i == 20 {
			d = blocked
		}
		if err := s.Add(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	err = s.Close()
	if err == nil || !strings.Contains(err.Error(), target) {
		t.Fatalf("Close() = %v, want an error naming %s", err, target)
	}
	if s.Written() != 39 {
		t.Errorf("Written() = %d, want 39", s.Written())
	}
	entries, err := os.ReadDir(filepath.Dir(target))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}
}
