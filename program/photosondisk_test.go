package program

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportPhotosOnDisk: an import that leaves kept photos in their
// files makes the same set, holds only the re-encoded photos, and gives
// back every photo's exact bytes; a file changed after the check is an
// error, never a wrong photo.
func TestImportPhotosOnDisk(t *testing.T) {
	dir := t.TempDir()
	rows := [][]string{headings}
	for i := range 4 {
		rows = append(rows, goodRow(i, false))
	}
	id := func(i int) string { return rows[i+1][col("身份证号")] }
	portrait, err := PortraitJPEG(1, 1)
	if err != nil {
		t.Fatal(err)
	}
	files := map[int][]byte{
		0: portrait,                                                       // kept as it is, found by ID
		1: withAPP1(testJPEG(t, 260, 200), exifAPP1(6, binary.BigEndian)), // turned: re-encoded
		2: testJPEG(t, 200, 260),                                          // kept, named in the 照片 column
	}
	names := map[int]string{0: id(0) + ".jpg", 1: id(1) + ".jpg", 2: "王五.jpg"}
	rows[3][col("照片")] = "王五.jpg"
	for i, b := range files {
		if err := os.WriteFile(filepath.Join(dir, names[i]), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	held, _, err := importCSV(t, rows, ImportOptions{PhotosDir: dir, Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	onDisk, rep, err := importCSV(t, rows, ImportOptions{PhotosDir: dir, Partial: true, PhotosOnDisk: true})
	if err != nil || rep.Photos != 3 {
		t.Fatalf("import: %v, %d photos", err, rep.Photos)
	}
	var a, b bytes.Buffer
	if err := held.Encode(&a); err != nil {
		t.Fatal(err)
	}
	if err := onDisk.Encode(&b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Fatalf("sets differ:\n%s\n%s", a.String(), b.String())
	}
	byRow, heldByRow := map[int]*Applicant{}, map[int]*Applicant{}
	for i := range onDisk.Applicants {
		byRow[onDisk.Applicants[i].Row] = &onDisk.Applicants[i]
		heldByRow[held.Applicants[i].Row] = &held.Applicants[i]
	}
	for i, want := range map[int]struct {
		held bool
		data []byte
	}{0: {false, files[0]}, 1: {true, nil}, 2: {false, files[2]}, 3: {false, nil}} {
		ap := byRow[i+2]
		if (len(ap.PhotoJPEG) > 0) != want.held {
			t.Errorf("row %d: holds %d bytes, want held %v", ap.Row, len(ap.PhotoJPEG), want.held)
		}
		got, err := onDisk.PhotoJPEG(ap)
		if err != nil {
			t.Fatalf("row %d: %v", ap.Row, err)
		}
		if want.data != nil && !bytes.Equal(got, want.data) {
			t.Errorf("row %d: photo is not the file's bytes", ap.Row)
		}
		if inMem := heldByRow[ap.Row].PhotoJPEG; !bytes.Equal(got, inMem) {
			t.Errorf("row %d: %d bytes, the import that holds photos has %d", ap.Row, len(got), len(inMem))
		}
	}
	// Changed (or removed) after the check: refused, naming the file.
	os.WriteFile(filepath.Join(dir, names[2]), testJPEG(t, 200, 261), 0o644)
	os.Remove(filepath.Join(dir, names[0]))
	for _, row := range []int{2, 4} {
		_, err := onDisk.PhotoJPEG(byRow[row])
		if err == nil || !strings.Contains(err.Error(), "在导入过程中被改动或无法再读取") || !strings.Contains(err.Error(), dir) {
			t.Errorf("row %d after the file changed: %v", row, err)
		}
	}
}
