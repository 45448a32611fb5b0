package jobs

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linghang/program"
	"linghang/storage/archive"
	"linghang/storage/fs"
)

// TestSaveApplicantsPhotosOnDisk: photos an import left in their files
// are archived with their exact bytes; one changed on disk after the
// import checked it fails the save and nothing is stored.
func TestSaveApplicantsPhotosOnDisk(t *testing.T) {
	ctx := context.Background()
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	apps := program.Sample(p, 3, 7)
	var xlsx bytes.Buffer
	if err := program.SampleXLSX(&xlsx, p, apps); err != nil {
		t.Fatal(err)
	}
	book := filepath.Join(dir, "报名汇总.xlsx")
	photos := filepath.Join(dir, "photos")
	os.Mkdir(photos, 0o755)
	os.WriteFile(book, xlsx.Bytes(), 0o644)
	want := map[string][]byte{}
	for i, a := range apps {
		b, err := program.PortraitJPEG(int64(i), 1)
		if err != nil {
			t.Fatal(err)
		}
		want[a.ID] = b
		os.WriteFile(filepath.Join(photos, a.ID+".jpg"), b, 0o644)
	}
	set, _, err := program.ImportFile(ctx, book, program.ImportOptions{Programme: p, PhotosDir: photos, Now: p.Date.Time, PhotosOnDisk: true})
	if err != nil {
		t.Fatal(err)
	}
	st, err := fs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	a := archive.New(st, archive.Options{Program: "linghang", Version: "test", SpoolDir: filepath.Join(t.TempDir(), "spool")})

	// Changed after the check: refused, nothing stored.
	changed := filepath.Join(photos, apps[1].ID+".jpg")
	other, _ := program.PortraitJPEG(99, 1)
	os.WriteFile(changed, other, 0o644)
	if _, _, err := SaveApplicants(ctx, a, set); err == nil || !strings.Contains(err.Error(), "在导入过程中被改动") {
		t.Fatalf("save with a changed photo: %v", err)
	}
	if _, err := LoadApplicantSet(ctx, a, p.Year); !errors.Is(err, ErrNoApplicants) {
		t.Errorf("after the failed save: %v, want no applicants", err)
	}
	if infos, err := st.List(ctx, "2022/"); err != nil || len(infos) != 0 {
		t.Errorf("after the failed save the store holds %d objects (%v)", len(infos), err)
	}

	// Put back: stored, and the archived photos are the files' bytes.
	os.WriteFile(changed, want[apps[1].ID], 0o644)
	if _, _, err := SaveApplicants(ctx, a, set); err != nil {
		t.Fatal(err)
	}
	back, err := LoadApplicants(ctx, a, st, p.Year)
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Applicants) != len(apps) {
		t.Fatalf("%d applicants back, want %d", len(back.Applicants), len(apps))
	}
	for _, ap := range back.Applicants {
		if !bytes.Equal(ap.PhotoJPEG, want[ap.ID]) {
			t.Errorf("%s: archived photo is not the file", ap.Name)
		}
	}
}
