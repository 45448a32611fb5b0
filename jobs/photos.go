package jobs

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"linghang/program"
	"linghang/render/typeset"
	"linghang/storage"
	"linghang/storage/archive"
)

// photoCacheBytes bounds the photos a run holds at once: a cohort's worth
// (1,000 photos of ~12 KB) several times over. A year of 10,000 photos is
// never held whole; documents are rendered cohort by cohort, so the
// cohort's forms, bound copy and badges find its photos here.
const photoCacheBytes = 64 << 20

// photoSource reads applicants' photos from the archive as documents are
// rendered, checking each against its content name.
type photoSource struct {
	st      storage.Store
	objects map[string]string // content name → archive object

	mu    sync.Mutex
	cache map[string][]byte
	order []string // oldest first
	bytes int
}

// newPhotoSource finds the year's archived photos with one index read.
func newPhotoSource(ctx context.Context, a *archive.Archive, st storage.Store, year int) (*photoSource, error) {
	key, err := archive.DocKey(applicantsDoc(year))
	if err != nil {
		return nil, err
	}
	prefix := strings.TrimSuffix(key, applicantsFilename) + "照片-"
	entries, err := a.Find(ctx, archive.Query{Year: year, Kind: archive.Data, Prefix: prefix})
	if err != nil {
		return nil, fmt.Errorf("查找%d年学员照片：%w", year, err)
	}
	ps := &photoSource{st: st, objects: make(map[string]string, len(entries)), cache: map[string][]byte{}}
	for _, en := range entries {
		ps.objects[strings.TrimPrefix(en.Key, prefix)] = en.Object
	}
	return ps, nil
}

// errNoPhoto: the set names a photo the archive does not hold.
var errNoPhoto = fmt.Errorf("归档中没有该照片：%w", storage.ErrNotFound)

// fetch reads the archived photo named name, unchecked and uncached.
func (ps *photoSource) fetch(ctx context.Context, name string) ([]byte, error) {
	obj, ok := ps.objects[name]
	if !ok {
		return nil, errNoPhoto
	}
	rc, _, err := ps.st.Get(ctx, obj)
	if err != nil {
		return nil, fmt.Errorf("读取照片 %s：%w", obj, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("读取照片 %s：%w", obj, err)
	}
	return b, nil
}

// photo returns the photo named name (its content name), checked
// against its name, through the cache.
func (ps *photoSource) photo(ctx context.Context, name string) ([]byte, error) {
	ps.mu.Lock()
	b, ok := ps.cache[name]
	ps.mu.Unlock()
	if ok {
		return b, nil
	}
	b, err := ps.fetch(ctx, name)
	if err != nil {
		return nil, err
	}
	if program.PhotoName(b) != name {
		return nil, fmt.Errorf("照片内容与名称不符（已损坏）")
	}
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if _, ok := ps.cache[name]; !ok {
		for ps.bytes+len(b) > photoCacheBytes && len(ps.order) > 0 {
			ps.bytes -= len(ps.cache[ps.order[0]])
			delete(ps.cache, ps.order[0])
			ps.order = ps.order[1:]
		}
		ps.cache[name] = b
		ps.order = append(ps.order, name)
		ps.bytes += len(b)
	}
	return b, nil
}

// subject returns a copy of s whose applicants carry their photos: the
// one applicant of a per-applicant subject, else all of them. s itself,
// shared by the other documents of the plan, is left without photos so
// that they are dropped once the document is rendered.
func (ps *photoSource) subject(ctx context.Context, s Subject) (Subject, error) {
	load := func(a *program.Applicant) error {
		if a.Photo == "" || len(a.PhotoJPEG) > 0 {
			return nil
		}
		b, err := ps.photo(ctx, a.Photo)
		if err != nil {
			return fmt.Errorf("读取%s（第%d期）的照片 %s：%w", a.Name, a.Cohort, a.Photo, err)
		}
		a.PhotoJPEG = b
		return nil
	}
	if s.Applicant != nil {
		a := *s.Applicant
		if err := load(&a); err != nil {
			return s, err
		}
		s.Applicant = &a
		return s, nil
	}
	as := make([]program.Applicant, len(s.Applicants))
	copy(as, s.Applicants)
	g, _ := errgroup.WithContext(ctx)
	g.SetLimit(PhotoWriters)
	for i := range as {
		g.Go(func() error { return load(&as[i]) })
	}
	if err := g.Wait(); err != nil {
		return s, err
	}
	s.Applicants = as
	return s, nil
}

// withPhotos makes the planned documents that draw photos read them as
// they are rendered. With the plan ordered cohort by cohort (Documents),
// a cohort's photos are read once for all its documents.
func withPhotos(ctx context.Context, plan []Planned, in *Inputs, ps *photoSource) {
	for i := range plan {
		p := &plan[i]
		if !p.Entry.Photos {
			continue
		}
		entry, subj := p.Entry, p.Subject
		p.Render = func(w io.Writer) error {
			s, err := ps.subject(ctx, subj)
			if err != nil {
				return err
			}
			return entry.Render(w, in, s)
		}
	}
}

func cohortOf(p Planned) int {
	if p.Subject.Cohort == nil {
		return 0
	}
	return p.Subject.Cohort.Number
}

// bindForms tells in which cohorts' bound copies of 报名表 the plan makes:
// their forms, laid out for the per-person PDFs, are kept until the
// bound copy takes them. The plan is ordered cohort by cohort
// (Documents), so at most about a cohort's forms are held at once.
func bindForms(plan []Planned, in *Inputs) {
	for _, p := range plan {
		if p.Entry.Name == "forms-bound" && p.Subject.Cohort != nil {
			in.KeepForms(p.Subject.Cohort.Number)
		}
	}
}

// KeepForms makes the forms rendered from in for the given cohorts be
// kept, laid out, until the cohort's bound copy takes them, so that no
// form is laid out twice. It costs about 50 KB per form held; a pipeline
// run keeps one cohort's at a time.
func (in *Inputs) KeepForms(cohorts ...int) {
	in.formMu.Lock()
	defer in.formMu.Unlock()
	if in.binding == nil {
		in.binding = map[int]bool{}
	}
	for _, c := range cohorts {
		in.binding[c] = true
	}
}

// keepForm keeps applicant id's laid-out form for their cohort's bound
// copy, if one is still to be made.
func (in *Inputs) keepForm(cohort int, id string, d *typeset.Document) {
	in.formMu.Lock()
	defer in.formMu.Unlock()
	if !in.binding[cohort] {
		return
	}
	if in.laidOut == nil {
		in.laidOut = map[int]map[string]*typeset.Document{}
	}
	if in.laidOut[cohort] == nil {
		in.laidOut[cohort] = map[string]*typeset.Document{}
	}
	in.laidOut[cohort][id] = d
}

// laidForm hands over applicant id's kept form (nil if none).
func (in *Inputs) laidForm(cohort int, id string) *typeset.Document {
	in.formMu.Lock()
	defer in.formMu.Unlock()
	d := in.laidOut[cohort][id]
	delete(in.laidOut[cohort], id)
	return d
}

// boundDone drops what is kept for cohort's bound copy, now made.
func (in *Inputs) boundDone(cohort int) {
	in.formMu.Lock()
	defer in.formMu.Unlock()
	delete(in.binding, cohort)
	delete(in.laidOut, cohort)
}
