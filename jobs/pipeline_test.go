package jobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"linghang/program"
	"linghang/render"
	"linghang/storage"
	"linghang/storage/archive"
)

// sampleSet is a small applicant set with photos, as intake leaves it.
func sampleSet(t *testing.T, p *program.Programme, n int) *program.ApplicantSet {
	t.Helper()
	as := program.Sample(p, n, 7)
	for i := range as {
		raw, err := program.PortraitJPEG(int64(i), 1)
		if err != nil {
			t.Fatal(err)
		}
		if as[i].PhotoJPEG, err = program.NormalizePhoto(raw); err != nil {
			t.Fatal(err)
		}
		as[i].Photo = program.PhotoName(as[i].PhotoJPEG)
	}
	return &program.ApplicantSet{Year: p.Year, Source: "sample.xlsx", SourceSHA256: strings.Repeat("ab", 32),
		Imported: time.Date(2022, 4, 20, 8, 0, 0, 0, time.UTC), Applicants: as}
}

func testBadges(w io.Writer, p *program.Programme, n int, as []program.Applicant) error {
	c, _ := p.Cohort(n)
	l, err := render.LoadLayout("a4-8")
	if err != nil {
		return err
	}
	l.Created = p.Date.Time
	return render.Badges(w, p, c, render.ApplicantBadges(as, bytes.Repeat([]byte{7}, 32), p.Year), l)
}

// testPipeline is a pipeline over a real local store with set imported.
func testPipeline(t *testing.T, st storage.Store, set *program.ApplicantSet) *Pipeline {
	t.Helper()
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	s, err := DefaultSchedule()
	if err != nil {
		t.Fatal(err)
	}
	a := archive.New(st, archive.Options{Program: "linghang", Version: "test", SpoolDir: filepath.Join(t.TempDir(), "spool")})
	if set != nil {
		if _, _, err := SaveApplicants(context.Background(), a, set); err != nil {
			t.Fatal(err)
		}
	}
	return &Pipeline{Archive: a, Store: st, Programme: p, Schedule: s, Badges: testBadges, KeyID: "k", Version: "test",
		Sleep: func(context.Context, time.Duration) {}}
}

func countRuns(t *testing.T, st storage.Store) int {
	t.Helper()
	infos, err := st.List(context.Background(), "_runs/")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, i := range infos {
		if !strings.Contains(i.Key, "import-") {
			n++
		}
	}
	return n
}

func versions(t *testing.T, a *archive.Archive) map[string]int {
	t.Helper()
	es, err := a.Find(context.Background(), archive.Query{Year: 2022, AllVersions: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, e := range es {
		out[e.Key] = max(out[e.Key], e.Version)
	}
	return out
}

// TestUnchangedInputsWriteNothing: a second run on the same data renders
// nothing and writes neither versions nor a manifest; changing one
// applicant re-renders only what is about them and their cohort.
func TestUnchangedInputsWriteNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a cohort's documents")
	}
	st := fsStore(t)
	p0, _ := program.Default()
	set := sampleSet(t, p0, 12)
	pl := testPipeline(t, st, set)
	ctx := context.Background()
	_, first, err := pl.Run(ctx, Request{Job: JobRegistrationClose})
	if err != nil {
		t.Fatal(err)
	}
	if first.Status != StatusSucceeded || first.Stored == 0 || first.Stored != first.Rendered {
		t.Fatalf("first run: %+v", first)
	}
	runs, vers := countRuns(t, st), versions(t, pl.Archive)

	rec, again, err := pl.Run(ctx, Request{Job: JobRegistrationClose})
	if err != nil {
		t.Fatal(err)
	}
	if again.Status != StatusNothing || again.Rendered != 0 || rec.Status != StatusNothing {
		t.Errorf("second run on the same data: %+v", again)
	}
	if n := countRuns(t, st); n != runs {
		t.Errorf("second run wrote a manifest (%d → %d)", runs, n)
	}
	if v := versions(t, pl.Archive); len(v) != len(vers) {
		t.Errorf("second run changed the archive: %d → %d documents", len(vers), len(v))
	}

	// Forced: everything renders again, identical bytes, still no manifest.
	_, forced, err := pl.Run(ctx, Request{Job: JobRegistrationClose, Force: true})
	if err != nil {
		t.Fatal(err)
	}
	if forced.Rendered != first.Rendered || forced.Stored != 0 || forced.Status != StatusNothing || countRuns(t, st) != runs {
		t.Errorf("forced run on the same data: %+v", forced)
	}

	// One applicant's employer changes.
	changed := *set
	changed.Applicants = append([]program.Applicant(nil), set.Applicants...)
	who := &changed.Applicants[0]
	who.Employer = "中国科学院物理研究所 研究员"
	changed.SourceSHA256 = strings.Repeat("cd", 32)
	if _, _, err := SaveApplicants(ctx, pl.Archive, &changed); err != nil {
		t.Fatal(err)
	}
	_, third, err := pl.Run(ctx, Request{Job: JobRegistrationClose})
	if err != nil {
		t.Fatal(err)
	}
	// Their form and their cohort's bound copy, badges, roster (XLSX, PDF)
	// and the all-cohorts roster; the sign-in sheet does not print employers
	// but depends on the cohort's people, so it is re-rendered and found
	// identical. Issue 15 adds the tents and the directory (PDF, XLSX),
	// which print employers, and the check-in letters (PDF, DOCX, theirs),
	// which do not.
	if third.Stored < 9 || third.Rendered > 13 {
		t.Errorf("after one change: rendered %d, stored %d (%v); want only the person's and their cohort's documents", third.Rendered, third.Stored, third.Keys)
	}
	for _, k := range third.Keys {
		if !strings.Contains(k, archive.CohortFolder(who.Cohort, "")) && !strings.Contains(k, "全部") {
			t.Errorf("re-rendered %s, which is not about cohort %d", k, who.Cohort)
		}
	}
	if rep, err := pl.Archive.Verify(ctx, io.Discard); err != nil || !rep.OK() {
		t.Errorf("verify: %v %+v", err, rep.Problems)
	}
}

// TestNamesakesKeepTheirForms: two 张伟 in one cohort whose IDs both end
// in 123X get two archive keys, each with its own form.
func TestNamesakesKeepTheirForms(t *testing.T) {
	st := fsStore(t)
	p0, _ := program.Default()
	set := sampleSet(t, p0, 4)
	for i, id := range []string{"11010519800101123X", "31010419850505123X"} {
		a := &set.Applicants[i]
		a.Name, a.ID, a.Cohort = "张伟", id, 3
	}
	pl := testPipeline(t, st, set)
	_, out, err := pl.Run(context.Background(), Request{Job: JobNightly, Cohorts: []int{3}})
	if err != nil {
		t.Fatal(err)
	}
	var forms []string
	for _, k := range out.Keys {
		if strings.Contains(k, "报名表-张伟-123X") {
			forms = append(forms, k)
		}
	}
	if len(forms) != 2 || forms[0] == forms[1] {
		t.Fatalf("forms of the two 张伟: %v", forms)
	}
	for _, k := range forms {
		if hist, err := pl.Archive.History(context.Background(), k); err != nil || len(hist) != 1 {
			t.Errorf("%s: %d versions (%v), want 1", k, len(hist), err)
		}
	}
}

// flakyStore fails reads of the input-hash state a set number of times,
// as a store that is briefly unreachable would.
type flakyStore struct {
	storage.Store
	fails atomic.Int32
}

func (f *flakyStore) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	if strings.HasPrefix(key, "_jobs/inputs/") && f.fails.Add(-1) >= 0 {
		return nil, storage.Info{}, storage.ErrUnavailable
	}
	return f.Store.Get(ctx, key)
}

// TestRetriesHaveTheirOwnRunIDs: a job that fails twice and then
// succeeds is recorded once, with three attempts, three run IDs and the
// backoff doubling between them.
func TestRetriesHaveTheirOwnRunIDs(t *testing.T) {
	st := &flakyStore{Store: fsStore(t)}
	pl := testPipeline(t, st, nil)
	var sleeps []time.Duration
	pl.Sleep = func(_ context.Context, d time.Duration) { sleeps = append(sleeps, d) }
	pl.Retries, pl.Backoff = 3, time.Second
	st.fails.Store(2)
	rec, out, err := pl.Run(context.Background(), Request{Job: JobRegistrationOpen})
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != StatusSucceeded || rec.Status != StatusSucceeded {
		t.Fatalf("status %s / %s", out.Status, rec.Status)
	}
	if len(rec.Attempts) != 3 {
		t.Fatalf("%d attempts, want 3: %+v", len(rec.Attempts), rec.Attempts)
	}
	ids := map[string]bool{}
	for i, at := range rec.Attempts {
		ids[at.RunID] = true
		if (at.Err != "") != (i < 2) {
			t.Errorf("attempt %d error %q", i+1, at.Err)
		}
	}
	if len(ids) != 3 {
		t.Errorf("run IDs not distinct: %v", ids)
	}
	if len(sleeps) != 2 || sleeps[0] != time.Second || sleeps[1] != 2*time.Second {
		t.Errorf("backoff = %v, want [1s 2s]", sleeps)
	}
	hist, err := pl.Ledger.History(context.Background(), JobRegistrationOpen)
	if err != nil || len(hist) != 1 || len(hist[0].Attempts) != 3 || hist[0].Status != StatusSucceeded || len(hist[0].Keys) != 4 { // notice PDF, DOCX, blank form, intake template
		t.Errorf("durable record = %+v, %v", hist, err)
	}
}

// TestJobLockSkipsConcurrentRun: while one process holds a job's lock,
// another run of the job is skipped and recorded as such.
func TestJobLockSkipsConcurrentRun(t *testing.T) {
	st := fsStore(t)
	pl := testPipeline(t, st, nil)
	l := NewLedger(st, nil)
	if _, err := l.acquire(context.Background(), lockKey(2022, JobRegistrationOpen, 0), "x", "other-host/1/x", "r", time.Hour); err != nil {
		t.Fatal(err)
	}
	rec, out, err := pl.Run(context.Background(), Request{Job: JobRegistrationOpen})
	if err != nil || out.Status != StatusSkipped || rec.Status != StatusSkipped || out.Held == nil || !strings.Contains(out.Held.Error(), "other-host") {
		t.Fatalf("run under another's lock: %+v %+v %v", rec, out, err)
	}
}

// TestCatalogueIsCompleteAndDeterministic renders every document twice:
// each renders, no two share an archive key, and the same data gives the
// same bytes.
func TestCatalogueIsCompleteAndDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("renders a whole year twice")
	}
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	set := sampleSet(t, p, 25)
	var runs [2]*hashSink
	for i := range runs {
		runs[i] = &hashSink{sum: map[string][32]byte{}}
		in := &Inputs{Programme: p, Applicants: set.Applicants, Badges: testBadges, Version: "t"}
		res, plan, err := Render(context.Background(), DefaultCatalogue(), in, Selection{}, runs[i], 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Failures {
			t.Errorf("%s: %v", f.Doc.Filename, f.Err)
		}
		if res.Done != len(plan) {
			t.Fatalf("run %d: %d of %d documents", i, res.Done, len(plan))
		}
	}
	kinds := map[string]int{}
	for key, sum := range runs[0].sum {
		if runs[1].sum[key] != sum {
			t.Errorf("%s differs between two runs on the same data", key)
		}
		parts := strings.Split(key, "/")
		kinds[parts[len(parts)-2]]++
	}
	cohorts := len(sortedCohorts(set.Applicants))
	want := map[string]int{"通知": 2, "报名表": 1 + len(set.Applicants) + cohorts, "胸卡": cohorts,
		"名单": 1 + 2*cohorts, "签到表": cohorts}
	// Issue 15: intake template; check-in letters (one each, combined PDF,
	// DOCX); a schedule for every cohort; tents; directory PDF and XLSX;
	// certificates (one each and combined).
	want["报名表"]++
	want["报到通知"] = len(set.Applicants) + 2*cohorts
	want["日程"] = len(p.Cohorts)
	want["桌签"] = cohorts
	want["通讯录"] = 2 * cohorts
	want["结业证书"] = len(set.Applicants) + cohorts
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d documents of kind %s, want %d (all: %v)", kinds[k], k, n, kinds)
		}
	}
}

type hashSink struct {
	mu  sync.Mutex
	sum map[string][32]byte
}

func (h *hashSink) Add(_ context.Context, d archive.Doc) error {
	key, err := archive.DocKey(d)
	if err != nil {
		return err
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, dup := h.sum[key]; dup {
		return io.ErrUnexpectedEOF // two documents filed under one key
	}
	h.sum[key] = sha256.Sum256(d.Body)
	return nil
}

// TestUntypesettablePersonIsLeftOut: an applicant whose name holds 𠮷
// (no configured font has it) is reported by field and code point, and
// the rest of their cohort's documents are still made without them.
func TestUntypesettablePersonIsLeftOut(t *testing.T) {
	st := fsStore(t)
	p0, _ := program.Default()
	set := sampleSet(t, p0, 6)
	for i := range set.Applicants {
		set.Applicants[i].Cohort = 3
	}
	set.Applicants[2].Name = "𠮷田"
	pl := testPipeline(t, st, set)
	rec, out, err := pl.Run(context.Background(), Request{Job: JobRegistrationClose, Cohorts: []int{3}})
	var df *DocsFailed
	if !errors.As(err, &df) || len(out.Failures) != 1 {
		t.Fatalf("err = %v, failures %v", err, out.Failures)
	}
	msg := out.Failures[0].Doc.Filename + " " + out.Failures[0].Err.Error()
	for _, want := range []string{"𠮷田", "姓名", "U+20BB7"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure %q lacks %q", msg, want)
		}
	}
	if rec.Status != StatusFailed || len(rec.Failures) != 1 {
		t.Errorf("record %+v", rec)
	}
	var bound, forms int
	for _, k := range out.Keys {
		if strings.Contains(k, "报名表合订本") {
			bound++
		} else if strings.Contains(k, "/报名表/报名表-") {
			forms++
		}
		if strings.Contains(k, "𠮷") {
			t.Errorf("%s archived for the blocked applicant", k)
		}
	}
	if forms != 5 || bound != 1 {
		t.Errorf("forms %d, bound copies %d; want 5 and 1 (keys %v)", forms, bound, out.Keys)
	}
}

// TestArchivedDocumentsCarryPhotos: the photos, read from the archive
// only once something about people is rendered, reach every form, the
// bound copy and the badges.
func TestArchivedDocumentsCarryPhotos(t *testing.T) {
	st := fsStore(t)
	p0, _ := program.Default()
	set := sampleSet(t, p0, 6)
	for i := range set.Applicants {
		set.Applicants[i].Cohort = 2
	}
	pl := testPipeline(t, st, set)
	ctx := context.Background()
	_, out, err := pl.Run(ctx, Request{Job: JobRegistrationClose, Cohorts: []int{2}})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, k := range out.Keys {
		if !strings.Contains(k, "/报名表/") && !strings.Contains(k, "/胸卡/") {
			continue
		}
		rc, _, err := pl.Archive.Open(ctx, k, 0)
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if n := bytes.Count(b, []byte("/Subtype /Image")); n < 1 {
			t.Errorf("%s has no photo", k)
		}
		checked++
	}
	if checked != 6+1+1 {
		t.Errorf("checked %d documents, want 6 forms, the bound copy and the badges", checked)
	}
}

// sortedCohorts returns the cohort numbers present in as.
func sortedCohorts(as []program.Applicant) []int {
	seen := map[int]bool{}
	var out []int
	for _, a := range as {
		if !seen[a.Cohort] {
			seen[a.Cohort] = true
			out = append(out, a.Cohort)
		}
	}
	sort.Ints(out)
	return out
}

// TestNoApplicantsYet: before any import, the jobs about people have
// nothing to make and succeed; the year's notice and blank form are made.
func TestNoApplicantsYet(t *testing.T) {
	st := fsStore(t)
	pl := testPipeline(t, st, nil)
	ctx := context.Background()
	for _, job := range []string{JobRegistrationOpen, JobRegistrationClose} {
		rec, _, err := pl.Run(ctx, Request{Job: job})
		if err != nil {
			t.Fatalf("%s: %v", job, err)
		}
		if len(rec.Attempts) != 1 {
			t.Errorf("%s: %d attempts, want 1", job, len(rec.Attempts))
		}
	}
	if n := len(versions(t, pl.Archive)); n == 0 {
		t.Error("nothing archived")
	}
}
