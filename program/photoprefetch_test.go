package program

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPhotoPrefetchChangesNothing imports every corpus case that has a
// photo folder, and a sheet of good and broken photos named by ID and by
// file, with the prefetch and without it: the outcome (applicants,
// photos, refusals and their reasons) is the same.
func TestPhotoPrefetchChangesNothing(t *testing.T) {
	p := testProgramme(t)
	photoDir := filepath.Join(corpusDir, "photos")
	outcome := func(name string, data []byte, opts ImportOptions, prefetch bool) string {
		t.Helper()
		prefetchPhotos = prefetch
		defer func() { prefetchPhotos = true }()
		opts.Programme, opts.Now, opts.Partial, opts.Covers = p, testNow, true, bmpHan
		set, rep, err := Import(context.Background(), bytes.NewReader(data), name, opts)
		return corpusOutcome(set, rep, err, opts.PhotosDir)
	}
	n := 0
	for _, c := range corpusCases() {
		if !c.photos || c.big {
			continue
		}
		opts := c.opts
		opts.PhotosDir = photoDir
		data := corpusBytes(t, c)
		if on, off := outcome(c.file, data, opts, true), outcome(c.file, data, opts, false); on != off {
			t.Errorf("%s: with the prefetch\n%s\nwithout\n%s", c.file, on, off)
		}
		n++
	}
	if n < 10 {
		t.Errorf("only %d corpus cases with photos", n)
	}

	// Photos found by ID: good ones, one broken, one landscape, one row
	// without a photo, and a file two rows name.
	dir := t.TempDir()
	good, err := os.ReadFile(filepath.Join(photoDir, "good.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]string{headings}
	for i := range 12 {
		row := goodRow(i, false)
		id := row[col("身份证号")]
		body := good
		switch i {
		case 3:
			body = good[:len(good)/2] // truncated
		case 5:
			body, _ = os.ReadFile(filepath.Join(photoDir, "landscape.jpg"))
		case 7:
			continue // no photo
		}
		if err := os.WriteFile(filepath.Join(dir, id+".jpg"), body, 0o644); err != nil {
			t.Fatal(err)
		}
		if i == 9 {
			row[col("照片")] = fmt.Sprintf("%s.jpg", rows[1][col("身份证号")]) // another row's photo
		}
		rows = append(rows, row)
	}
	var csv strings.Builder
	for _, r := range rows {
		csv.WriteString(strings.Join(r, ",") + "\n")
	}
	opts := ImportOptions{PhotosDir: dir}
	on, off := outcome("报名.csv", []byte(csv.String()), opts, true), outcome("报名.csv", []byte(csv.String()), opts, false)
	if on != off {
		t.Errorf("photos by ID: with the prefetch\n%s\nwithout\n%s", on, off)
	}
	if !strings.Contains(on, "照片") {
		t.Errorf("the sheet's broken photos were not reported:\n%s", on)
	}
}
