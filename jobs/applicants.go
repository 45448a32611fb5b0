package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"linghang/program"
	"linghang/storage"
	"linghang/storage/archive"
)

// Where imported applicants live in the archive (kind 数据, kept 30 years):
//
//	<year>/数据/学员数据.vNNNN.json     one version per import; the newest is current
//	<year>/数据/照片-<sha256>.jpg.v0001 each normalised photo once, by content
//
// A re-import with the same content makes no new version; the set names
// its photos by content (program.PhotoName), so an old version of the set
// still finds its photos.
const applicantsFilename = "学员数据.json"

// PhotoWriters bounds the photos written to the store at once. A local
// store's Put waits on the disk three times in turn, so a year of photos is
// bound by their latency more than by the CPU: 16 writers stored 10,000
// photos in about two thirds of the time 8 took, for the same CPU, and an
// execution trace of import showed its last 7 s with the CPUs mostly
// idle and nine writers at a time waiting in the kernel. 48 took a
// further 0.4-1.4 s off import (three alternated pairs); 96 did no better.
const PhotoWriters = 48

func applicantsDoc(year int) archive.Doc {
	return archive.Doc{Year: year, Kind: archive.Data, Title: fmt.Sprintf("%d年学员数据", year), Filename: applicantsFilename, MIME: "application/json"}
}

func photoDoc(year int, a *program.Applicant, jpeg []byte) archive.Doc {
	return archive.Doc{Year: year, Kind: archive.Data, Title: "学员照片 " + a.Name, Names: []string{a.Name},
		Filename: "照片-" + a.Photo, MIME: "image/jpeg", Body: jpeg}
}

// ErrNoApplicants: no applicant data has been imported for the year.
var ErrNoApplicants = errors.New("归档中还没有学员数据")

// LoadApplicants reads the current applicant set of year and its photos.
func LoadApplicants(ctx context.Context, a *archive.Archive, st storage.Store, year int) (*program.ApplicantSet, error) {
	set, err := LoadApplicantSet(ctx, a, year)
	if errors.Is(err, ErrNoApplicants) {
		return nil, fmt.Errorf("归档中还没有%d年的学员数据：请先运行 linghang import 报名汇总.xlsx，或用参数指定学员数据文件", year)
	}
	if err != nil {
		return nil, err
	}
	if err := AttachArchivedPhotos(ctx, a, st, set); err != nil {
		return nil, err
	}
	return set, nil
}

// LoadApplicantSet reads the current applicant set of year without its
// photos (ErrNoApplicants when none was imported). The set's Imported
// time is the archive time of its version.
func LoadApplicantSet(ctx context.Context, a *archive.Archive, year int) (*program.ApplicantSet, error) {
	key, err := archive.DocKey(applicantsDoc(year))
	if err != nil {
		return nil, err
	}
	rc, entry, err := a.Open(ctx, key, 0)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("%d年：%w", year, ErrNoApplicants)
	}
	if err != nil {
		return nil, fmt.Errorf("读取%d年学员数据：%w", year, err)
	}
	data, err := io.ReadAll(rc) // reading to the end checks the SHA-256
	rc.Close()
	if err != nil {
		return nil, fmt.Errorf("读取 %s：%w", entry.Object, err)
	}
	set, err := program.DecodeApplicantSet(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s：%w", entry.Object, err)
	}
	if set.Year != year {
		return nil, fmt.Errorf("%s 中的学员数据属于%d年，而不是%d年", entry.Object, set.Year, year)
	}
	if set.Imported.IsZero() {
		set.Imported = entry.Archived
	}
	return set, nil
}

// AttachArchivedPhotos reads the photos set names from the archive.
func AttachArchivedPhotos(ctx context.Context, a *archive.Archive, st storage.Store, set *program.ApplicantSet) error {
	ps, err := newPhotoSource(ctx, a, st, set.Year)
	if err != nil {
		return err
	}
	// Fetch the photos the set names in parallel, then attach them (which
	// checks each against its name). A photo the archive lacks is that
	// person's error; a store that fails is the whole call's.
	var mu sync.Mutex
	got := map[string][]byte{}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(PhotoWriters)
	want := map[string]bool{}
	for _, ap := range set.Applicants {
		if ap.Photo == "" || want[ap.Photo] {
			continue
		}
		want[ap.Photo] = true
		name := ap.Photo
		g.Go(func() error {
			b, err := ps.fetch(gctx, name)
			if errors.Is(err, errNoPhoto) {
				return nil
			}
			if err != nil {
				return err
			}
			mu.Lock()
			got[name] = b
			mu.Unlock()
			return nil
		})
	}
	key, _ := archive.DocKey(applicantsDoc(set.Year)) // newPhotoSource checked it
	if err := g.Wait(); err != nil {
		return fmt.Errorf("%d年学员数据（%s）的照片：%w", set.Year, key, err)
	}
	err = set.AttachPhotos(func(name string) ([]byte, error) {
		if b, ok := got[name]; ok {
			return b, nil
		}
		return nil, errNoPhoto
	})
	if err != nil {
		return fmt.Errorf("%d年学员数据（%s）的照片：%w", set.Year, key, err)
	}
	return nil
}

// SaveApplicants archives the photos, then the set that names them, in
// one batch; the set becomes the year's current data and the previous
// one stays as an older version.
func SaveApplicants(ctx context.Context, a *archive.Archive, set *program.ApplicantSet) (*archive.Manifest, archive.Entry, error) {
	if cur, ok := sameAsCurrent(ctx, a, set); ok {
		cur.Unchanged = true
		return nil, cur, nil
	}
	// Every import has its own run ID, even two in the same second.
	runID := "import-" + NewRunID(time.Now())
	b, err := a.Begin(ctx, runID, set.SourceSHA256)
	if err != nil {
		return nil, archive.Entry{}, fmt.Errorf("开始归档学员数据：%w", err)
	}
	fail := func(err error) (*archive.Manifest, archive.Entry, error) {
		if aerr := b.Abort(context.WithoutCancel(ctx)); aerr != nil {
			err = errors.Join(err, fmt.Errorf("撤销未完成的归档批次 %s：%w", runID, aerr))
		}
		return nil, archive.Entry{}, err
	}
	// Photos go in with bounded parallel writes: each is durable (synced)
	// before its version is recorded, and the store's latency overlaps.
	seen := map[string]bool{}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(PhotoWriters)
	for i := range set.Applicants {
		ap := &set.Applicants[i]
		if ap.Photo == "" || seen[ap.Photo] {
			continue
		}
		seen[ap.Photo] = true
		g.Go(func() error {
			// Read here, not held: an import may leave them in their files
			// (program.ImportOptions.PhotosOnDisk).
			jpeg, err := set.PhotoJPEG(ap)
			if err != nil {
				return err
			}
			if _, err := b.Add(gctx, photoDoc(set.Year, ap, jpeg)); err != nil {
				return fmt.Errorf("归档%s的照片：%w", ap.Name, err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return fail(err)
	}
	// The stored set does not carry the wall-clock import time (the
	// version's archive time stands for it), so two imports of the same
	// data, even racing, store identical bytes and make one version.
	var buf bytes.Buffer
	stored := *set
	stored.Imported = time.Time{}
	if err := stored.Encode(&buf); err != nil {
		return fail(err)
	}
	d := applicantsDoc(set.Year)
	d.Date, d.Body = set.Imported, buf.Bytes()
	entry, err := b.Add(ctx, d)
	if err != nil {
		return fail(fmt.Errorf("归档学员数据：%w", err))
	}
	// Another import may have stored the same data a moment ago: then no
	// manifest.
	m, committed, err := b.CommitIfChanged(ctx)
	if err != nil || !committed {
		return nil, entry, err // a *SpoolError keeps everything for `linghang archive flush`
	}
	for _, en := range m.Entries {
		if en.Key == entry.Key {
			entry = en
		}
	}
	return m, entry, nil
}

// sameAsCurrent reports whether the year's current set holds exactly the
// applicants of set (the import time aside): importing the same data
// twice makes no new version.
func sameAsCurrent(ctx context.Context, a *archive.Archive, set *program.ApplicantSet) (archive.Entry, bool) {
	key, err := archive.DocKey(applicantsDoc(set.Year))
	if err != nil {
		return archive.Entry{}, false
	}
	rc, entry, err := a.Open(ctx, key, 0)
	if err != nil {
		return archive.Entry{}, false
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return archive.Entry{}, false
	}
	cur, err := program.DecodeApplicantSet(bytes.NewReader(data))
	if err != nil || cur.SourceSHA256 != set.SourceSHA256 {
		return archive.Entry{}, false
	}
	var x, y bytes.Buffer
	c := *set
	c.Imported = cur.Imported
	if cur.Encode(&x) != nil || c.Encode(&y) != nil || !bytes.Equal(x.Bytes(), y.Bytes()) {
		return archive.Entry{}, false
	}
	return entry, true
}
