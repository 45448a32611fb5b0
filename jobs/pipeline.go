package jobs

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"linghang/program"
	"linghang/render/typeset"
	"linghang/storage"
	"linghang/storage/archive"
)

// Pipeline makes the documents of a programme year: it plans them from
// the catalogue, renders those whose inputs changed, archives them as one
// batch per run and records the run. cmd, web and the scheduler only
// call it.
type Pipeline struct {
	Archive   *archive.Archive
	Store     storage.Store
	Programme *program.Programme
	Schedule  *Schedule
	Catalogue Catalogue
	Fonts     *typeset.Fonts
	Order     program.Order
	Badges    BadgeFunc // nil: badges are not made
	KeyID     string    // identifies the check-in key, for input hashes
	Version   string    // linghang's version, for input hashes
	Ledger    *Ledger
	Log       *slog.Logger
	Clock     func() time.Time
	Sleep     func(ctx context.Context, d time.Duration)
	Holder    string        // names this process in leases and records
	LockTTL   time.Duration // how long a job lock lasts without renewal (default 10 min)
	Timeout   time.Duration // per attempt (default 2 h)
	Retries   int           // extra attempts after a failure that may pass (default 2)
	Backoff   time.Duration // before the first retry; doubles (default 1 min)
	Workers   int           // render goroutines (0: one per CPU)

	// Certify makes certificate tokens (issue 15); nil: no QR code.
	Certify CertifyFunc
	// CertifyID names what Certify adds to a token (see Inputs.CertifyID).
	CertifyID string

	prepMu sync.Mutex
	prep   *prepared   // the last applicant set prepared (see applicants)
	inputs inputsState // the input hashes read last (see readInputs)
}

// Holder names a process: host, pid and a random part.
func Holder() string {
	h, _ := os.Hostname()
	return fmt.Sprintf("%s/%d/%s", h, os.Getpid(), NewRunID(time.Now())[17:])
}

func (p *Pipeline) defaults() {
	if p.Clock == nil {
		p.Clock = time.Now
	}
	if p.Sleep == nil {
		p.Sleep = sleepCtx
	}
	if p.Log == nil {
		p.Log = slog.New(slog.DiscardHandler)
	}
	if p.Catalogue == nil {
		p.Catalogue = DefaultCatalogue()
	}
	if p.Holder == "" {
		p.Holder = Holder()
	}
	if p.LockTTL <= 0 {
		p.LockTTL = 10 * time.Minute
	}
	if p.Timeout <= 0 {
		p.Timeout = 2 * time.Hour
	}
	if p.Backoff <= 0 {
		p.Backoff = time.Minute
	}
	if p.Ledger == nil {
		p.Ledger = NewLedger(p.Store, p.Clock)
	}
}

// Request is one run of a job.
type Request struct {
	Job     string
	Cohorts []int // nil: every cohort
	// Force renders every document even when its inputs are unchanged.
	Force bool
	// WithdrawMany withdraws the documents no longer made even when they
	// are many (see manyWithdrawals), which a run otherwise holds back.
	WithdrawMany bool
	// Trigger, Scheduled and Occurrence describe why it runs (scheduled
	// runs); a manual run says 手动.
	Trigger    string
	Scheduled  time.Time
	Occurrence string
	// Copy, if set, also receives every document rendered (a folder of
	// readable copies).
	Copy Sink
	// Progress is called after each rendered document.
	Progress func(done, total int)
}

// Outcome is what one run did.
type Outcome struct {
	RunID     string
	Status    Status
	Planned   int // documents the run is responsible for
	Rendered  int // rendered because their inputs changed (or Force)
	Stored    int // new versions (or waiting in the spool)
	Unchanged int // rendered, identical to the current version
	Bytes     int64
	Keys      []string // keys of new versions
	// Withdrawn are the keys of documents this run made 作废: made by an
	// earlier run of the job, and no longer planned.
	Withdrawn []string
	// WithdrawHeld counts the documents no longer made that the run did
	// not withdraw because they were too many (Request.WithdrawMany).
	WithdrawHeld int
	Failures     []Failure
	InputSHA     string
	Manifest     *archive.Manifest
	Held         *ErrHeld // another process was running the job
	Took         time.Duration
}

// DocsFailed reports documents that could not be made; the others were
// archived. Retrying does not help (a character no font has, a bad photo).
type DocsFailed struct{ Failures []Failure }

func (e *DocsFailed) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d 份文档未能生成", len(e.Failures))
	for i, f := range e.Failures {
		if i == 3 {
			fmt.Fprintf(&b, "；等")
			break
		}
		fmt.Fprintf(&b, "；%s：%v", f.Doc.Filename, f.Err)
	}
	return b.String()
}

// Run runs one job: it takes the job's lock (another process running it
// makes this run StatusSkipped), makes attempts with backoff until one
// succeeds, each with its own run ID and timeout, and records the run in
// the ledger as it goes. A panic fails the attempt, never the process.
func (p *Pipeline) Run(ctx context.Context, req Request) (Record, Outcome, error) {
	p.defaults()
	rule, _ := p.Schedule.Rule(req.Job)
	if rule == nil && len(p.plannedEntries(req.Job)) == 0 {
		return Record{}, Outcome{}, fmt.Errorf("%w：%s", ErrUnknownJob, req.Job)
	}
	rec := Record{ID: NewRunID(p.Clock()), Job: req.Job, Year: p.Programme.Year, Trigger: req.Trigger,
		Occurrence: req.Occurrence, Scheduled: req.Scheduled, Holder: p.Holder, Start: p.Clock(), Status: StatusRunning}
	if rule != nil {
		rec.Title = rule.Title
	}
	if rec.Trigger == "" {
		rec.Trigger = "手动"
	}
	if len(req.Cohorts) == 1 {
		rec.Cohort = req.Cohorts[0]
	}
	lk := lockKey(p.Programme.Year, req.Job, rec.Cohort)
	what := req.Job
	if rec.Cohort > 0 {
		what = fmt.Sprintf("%s（第%d期）", req.Job, rec.Cohort)
	}
	lock, err := p.Ledger.acquire(ctx, lk, what, p.Holder, rec.ID, p.LockTTL)
	var held *ErrHeld
	if errors.As(err, &held) {
		rec.Status, rec.End, rec.Err = StatusSkipped, p.Clock(), held.Error()
		p.save(ctx, rec)
		return rec, Outcome{Status: StatusSkipped, Held: held}, nil
	}
	if err != nil {
		rec.Status, rec.End, rec.Err = StatusFailed, p.Clock(), "取得作业锁："+shortErr(err)
		p.save(ctx, rec)
		return rec, Outcome{Status: StatusFailed}, fmt.Errorf("作业 %s：取得作业锁：%w", what, err)
	}
	stopRenew := p.Ledger.keepAlive(lk, lock, p.LockTTL, p.Log)
	defer func() {
		stopRenew()
		if err := p.Ledger.release(context.WithoutCancel(ctx), lk, lock); err != nil {
			p.Log.Warn("释放作业锁失败（过期后自动失效）", "job", req.Job, "err", err)
		}
	}()
	p.save(ctx, rec)

	var out Outcome
	backoff := p.Backoff
	for attempt := 0; attempt <= p.Retries; attempt++ {
		if attempt > 0 {
			p.Log.Info("作业重试", "job", req.Job, "attempt", attempt+1, "backoff", backoff)
			p.Sleep(ctx, backoff)
			backoff *= 2
		}
		if ctx.Err() != nil {
			err = errors.Join(err, ctx.Err())
			break
		}
		runID := rec.ID
		if attempt > 0 {
			runID = NewRunID(p.Clock())
		}
		at := Attempt{RunID: runID, Start: p.Clock()}
		actx, cancel := context.WithTimeout(WithRunID(ctx, runID), p.Timeout)
		out, err = p.attemptSafely(actx, req)
		cancel()
		at.End, at.Err = p.Clock(), shortErr(err)
		rec.Attempts = append(rec.Attempts, at)
		var df *DocsFailed
		if err == nil || errors.As(err, &df) || ctx.Err() != nil {
			break
		}
		p.Log.Warn("作业失败", "job", req.Job, "run", runID, "err", err)
		if attempt < p.Retries {
			p.save(ctx, rec) // the record shows each failed attempt as it happens
		}
	}
	rec.End = p.Clock()
	rec.InputSHA, rec.Docs, rec.Rendered, rec.Stored, rec.Unchanged, rec.Keys = out.InputSHA, out.Planned, out.Rendered, out.Stored, out.Unchanged, out.Keys
	rec.Withdrawn, rec.WithdrawHeld = out.Withdrawn, out.WithdrawHeld
	if out.Manifest != nil {
		rec.Manifest = out.Manifest.RunID
	}
	for _, f := range out.Failures {
		rec.Failures = append(rec.Failures, f.Doc.Filename+"："+shortErr(f.Err))
	}
	switch {
	case err != nil:
		rec.Status, rec.Err = StatusFailed, shortErr(err)
		out.Status = StatusFailed
	default:
		rec.Status = out.Status
	}
	p.save(ctx, rec)
	return rec, out, err
}

func (p *Pipeline) save(ctx context.Context, rec Record) {
	if err := p.Ledger.Save(context.WithoutCancel(ctx), rec); err != nil {
		p.Log.Warn("运行记录暂未写入存储（存储恢复后补写）", "run", rec.ID, "err", err)
	}
}

func (p *Pipeline) attemptSafely(ctx context.Context, req Request) (out Outcome, err error) {
	defer func() {
		if r := recover(); r != nil {
			p.Log.Error("作业内部错误", "job", req.Job, "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("作业 %s 内部错误：%v", req.Job, r)
		}
	}()
	if req.Job == JobVerify {
		return p.verify(ctx)
	}
	return p.Documents(ctx, req)
}

func (p *Pipeline) verify(ctx context.Context) (Outcome, error) {
	rep, err := p.Archive.Verify(ctx, io.Discard)
	if err != nil {
		return Outcome{}, err
	}
	if !rep.OK() {
		return Outcome{}, &DocsFailed{Failures: []Failure{{Doc: Doc{Doc: archive.Doc{Filename: "归档校验"}}, Err: fmt.Errorf("发现 %d 个问题，请运行 linghang archive verify 查看", len(rep.Problems))}}}
	}
	return Outcome{Status: StatusSucceeded}, nil
}

func (p *Pipeline) plannedEntries(job string) []string {
	var out []string
	for _, e := range p.Catalogue {
		if e.MadeBy(job) {
			out = append(out, e.Name)
		}
	}
	return out
}

// Inputs reads what the job's documents are made from: the programme and,
// when needed, the year's current applicants (without photos).
func (p *Pipeline) Inputs(ctx context.Context, sel Selection) (*Inputs, error) {
	p.defaults()
	in := &Inputs{Programme: p.Programme, Fonts: p.Fonts, Order: p.Order, Created: p.Programme.Date.Time,
		Badges: p.Badges, KeyID: p.KeyID, Version: p.Version}
	in.Certify, in.CertifyID = p.Certify, p.CertifyID
	needApps, needSums, needAtt, needNums := false, false, false, false
	for i := range p.Catalogue {
		if sel.entry(&p.Catalogue[i]) && p.Catalogue[i].needs(InApplicants) {
			needApps = true
		}
		if sel.entry(&p.Catalogue[i]) && p.Catalogue[i].needs(InNumber) {
			needNums = true
		}
		if sel.entry(&p.Catalogue[i]) && p.Catalogue[i].needs(InSummaries) {
			needSums = true
		}
		if sel.entry(&p.Catalogue[i]) && p.Catalogue[i].needs(InAttendance) {
			needAtt = true
		}
	}
	if needNums {
		reg, err := p.readCertRegister(ctx)
		if err != nil {
			return nil, err
		}
		in.reg = reg
	}
	if needSums || needAtt {
		sums, err := LoadSummaries(ctx, p.Archive, p.Programme)
		if err != nil {
			return nil, err
		}
		in.Summaries = sums
	}
	if !needApps {
		return in, nil
	}
	if in.Fonts == nil {
		f, err := typeset.Default()
		if err != nil {
			return nil, fmt.Errorf("加载字体：%w", err)
		}
		in.Fonts = f
	}
	prep, err := p.applicants(ctx, in.Fonts)
	if errors.Is(err, ErrNoApplicants) {
		return in, nil
	}
	if err != nil {
		return nil, err
	}
	in.Applicants = slices.Clone(prep.applicants)
	in.Blocked = slices.Clone(prep.blocked)
	in.digests = maps.Clone(prep.digests)
	if needAtt {
		in.Attendance = summaryAttendance(in.Summaries, in.Applicants)
	}
	return in, nil
}

// prepared is an applicant set made ready for planning: sorted, the
// untypesettable left out, every record digested.
type prepared struct {
	object     string // the set's archive object
	order      program.Order
	fonts      *typeset.Fonts
	applicants []program.Applicant
	blocked    []Blocked
	digests    map[string][32]byte
}

// applicants returns the current applicant set prepared for planning.
// The jobs of one process (the six of run --all, a daemon's nightly runs)
// share the preparation while the set's version is unchanged: a year of
// 10,000 records is decoded, checked against the fonts and digested once.
func (p *Pipeline) applicants(ctx context.Context, fonts *typeset.Fonts) (*prepared, error) {
	key, err := archive.DocKey(applicantsDoc(p.Programme.Year))
	if err != nil {
		return nil, err
	}
	hist, err := p.Archive.History(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, fmt.Errorf("%d年：%w", p.Programme.Year, ErrNoApplicants)
	}
	if err != nil {
		return nil, fmt.Errorf("读取%d年学员数据：%w", p.Programme.Year, err)
	}
	object := ""
	if len(hist) > 0 {
		object = hist[len(hist)-1].Object
	}
	p.prepMu.Lock()
	c := p.prep
	p.prepMu.Unlock()
	if c != nil && object != "" && c.object == object && c.order == p.Order && c.fonts == fonts {
		return c, nil
	}
	set, err := LoadApplicantSet(ctx, p.Archive, p.Programme.Year)
	if err != nil {
		return nil, err
	}
	in := &Inputs{Fonts: fonts, Applicants: slices.Clone(set.Applicants)}
	p.Order.Sort(in.Applicants)
	in.BlockUntypesettable()
	for i := range in.Applicants {
		if _, err := in.applicantDigest(&in.Applicants[i]); err != nil {
			return nil, fmt.Errorf("学员 %s 的记录：%w", in.Applicants[i].Name, err)
		}
	}
	c = &prepared{object: object, order: p.Order, fonts: fonts, applicants: in.Applicants, blocked: in.Blocked, digests: in.digests}
	p.prepMu.Lock()
	p.prep = c
	p.prepMu.Unlock()
	return c, nil
}

// Documents is one attempt of a document job: plan, skip what is
// unchanged, render the rest into one batch, commit it only if something
// is new, remember the input hashes.
func (p *Pipeline) Documents(ctx context.Context, req Request) (Outcome, error) {
	p.defaults()
	start := p.Clock()
	out := Outcome{RunID: RunID(ctx)}
	if out.RunID == "" {
		out.RunID = NewRunID(start)
	}
	sel := Selection{Job: req.Job, Cohorts: req.Cohorts}
	in, err := p.Inputs(ctx, sel)
	if err != nil {
		return out, err
	}
	plan, err := p.Catalogue.Plan(in, sel)
	if err != nil {
		return out, err
	}
	out.Planned = len(plan)
	out.InputSHA = planHash(plan)
	blocked := blockedFailures(in, sel)
	st, err := p.readInputs(ctx)
	if err != nil {
		return out, err
	}
	todo := plan
	if !req.Force {
		if todo, err = p.changed(ctx, st, plan); err != nil {
			return out, err
		}
	}
	stale, made, err := p.stale(st, plan, sel, in)
	if err != nil {
		return out, err
	}
	if manyWithdrawals(len(stale), made) && !req.WithdrawMany {
		// A roster imported half, a cohort's file in place of the year's:
		// withdrawing would mark thousands 作废 (and write each once more).
		p.Log.Warn("不再生成的文档异常多，本次不作废", "documents", len(stale), "of", made)
		out.WithdrawHeld, stale = len(stale), nil
	}
	if len(todo) == 0 && len(stale) == 0 {
		p.register(ctx, plan, in, len(blocked))
		out.Status, out.Took = StatusNothing, p.Clock().Sub(start)
		if len(blocked) > 0 {
			out.Failures = blocked
			return out, &DocsFailed{Failures: blocked}
		}
		return out, nil
	}
	// Cohort by cohort: a cohort's photos are read once for its forms,
	// bound copy and badges, and its forms are laid out once.
	sort.SliceStable(todo, func(i, j int) bool { return cohortOf(todo[i]) < cohortOf(todo[j]) })
	bindForms(todo, in)
	if slices.ContainsFunc(todo, func(d Planned) bool { return d.Entry.Photos }) {
		// Photos only now, when a document drawing them is rendered,
		// and only while it is.
		ps, err := newPhotoSource(ctx, p.Archive, p.Store, p.Programme.Year)
		if err != nil {
			return out, err
		}
		withPhotos(ctx, todo, in, ps)
	}
	batch, err := p.Archive.Begin(ctx, out.RunID, out.InputSHA)
	if err != nil {
		return out, fmt.Errorf("开始归档批次: %w", err)
	}
	sink := &recordingSink{batch: batch, copy: req.Copy}
	docs := make([]Doc, len(todo))
	for i := range todo {
		docs[i] = todo[i].Doc
	}
	handOver(todo, in)
	gen, err := Generate(ctx, docs, sink, p.Workers, req.Progress)
	dropHandOver(in)
	out.Rendered, out.Bytes, out.Failures = gen.Done, gen.Bytes, gen.Failures
	if err != nil {
		// Interrupted or timed out: what was added stays journalled in the
		// spool, released so that the next run (here or elsewhere) or
		// `linghang archive flush` completes it.
		batch.Release()
		return out, err
	}
	for _, e := range sink.entries {
		if e.Unchanged {
			out.Unchanged++
		} else {
			out.Stored++
			out.Keys = append(out.Keys, e.Key)
		}
	}
	sort.Strings(out.Keys)
	var forget []string
	out.Withdrawn, forget = p.withdraw(ctx, batch, stale, len(blocked)+len(out.Failures))
	// Everything rendered identical to what is archived: no versions, no
	// manifest.
	m, committed, err := batch.CommitIfChanged(ctx)
	out.Manifest = m
	switch {
	case !committed && err != nil:
		return out, err
	case !committed:
		out.Status = StatusNothing
	case err != nil:
		var se *archive.SpoolError
		if errors.As(err, &se) {
			return out, fmt.Errorf("文档已生成并暂存在本机 %s，但归档存储暂不可用：%w；存储恢复后运行 linghang archive flush 补交", p.Archive.SpoolDir(), err)
		}
		return out, fmt.Errorf("提交归档批次 %s: %w", out.RunID, err)
	default:
		out.Status = StatusSucceeded
	}
	if err := p.remember(ctx, plan, todo, sink.entries, forget); err != nil {
		p.Log.Warn("输入摘要未能保存（下次将重新生成）", "err", err)
	}
	p.register(ctx, plan, in, len(blocked)+len(out.Failures))
	out.Took = p.Clock().Sub(start)
	out.Failures = append(blocked, out.Failures...)
	if len(out.Failures) > 0 {
		return out, &DocsFailed{Failures: out.Failures}
	}
	return out, nil
}

// blockedFailures reports, once per blocked applicant in the selected
// cohorts, why none of their documents was made.
func blockedFailures(in *Inputs, sel Selection) []Failure {
	var out []Failure
	for _, b := range in.Blocked {
		a := b.Applicant
		if !sel.cohort(a.Cohort) {
			continue
		}
		var msgs []string
		for _, fe := range b.Problems {
			msgs = append(msgs, strings.TrimSpace(fe.Column+" "+fe.Reason))
		}
		name := archive.PersonFilename(archive.Form, a.Name, a.ID, "")
		out = append(out, Failure{Doc: Doc{Doc: archive.Doc{Filename: fmt.Sprintf("第%d期 %s 的全部文档", a.Cohort, name), Cohort: a.Cohort}},
			Err: fmt.Errorf("无法排版：%s", strings.Join(msgs, "；"))})
	}
	return out
}

// recordingSink archives documents in a batch, keeps the entries and
// hands a copy to another sink.
type recordingSink struct {
	batch   *archive.Batch
	copy    Sink
	mu      sync.Mutex
	entries map[string]archive.Entry
}

func (s *recordingSink) Add(ctx context.Context, d archive.Doc) error {
	e, err := s.batch.Add(ctx, d)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if s.entries == nil {
		s.entries = map[string]archive.Entry{}
	}
	s.entries[e.Key] = e
	s.mu.Unlock()
	if s.copy != nil {
		return s.copy.Add(ctx, d)
	}
	return nil
}

func planHash(plan []Planned) string {
	hs := make([]string, len(plan))
	for i, d := range plan {
		hs[i] = d.InputSHA
	}
	sort.Strings(hs)
	h := sha256.New()
	for _, x := range hs {
		h.Write([]byte(x))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// The inputs state remembers, per document key, the hash of the inputs
// its current version was made from: _jobs/inputs/<year>.json.
func inputsKey(year int) string { return fmt.Sprintf("_jobs/inputs/%d.json", year) }

type inputsState struct {
	Docs map[string]string `json:"docs"` // document key → input SHA-256
	// Made names, per document key, the catalogue entry and cohort that
	// made it ("certificate 3"; cohort 0 for the whole programme): a
	// run of the job withdraws what it made before and plans no more
	// (see stale). Keys made before this was kept are never withdrawn.
	Made map[string]string `json:"made,omitempty"`
	etag string
}

// maker names the entry and cohort of a planned document (inputsState.Made).
func maker(d Planned) string {
	return fmt.Sprintf("%s %d", d.Entry.Name, cohortOf(d))
}

func (p *Pipeline) readInputs(ctx context.Context) (inputsState, error) {
	st := inputsState{Docs: map[string]string{}, Made: map[string]string{}}
	// The state read last is reused while its ETag is unchanged (a Stat
	// instead of reading and parsing a year of hashes for every job).
	if info, err := p.Store.Stat(ctx, inputsKey(p.Programme.Year)); err == nil && info.ETag != "" {
		p.prepMu.Lock()
		c := p.inputs
		p.prepMu.Unlock()
		if c.etag == info.ETag {
			return inputsState{Docs: maps.Clone(c.Docs), Made: maps.Clone(c.Made), etag: c.etag}, nil
		}
	}
	rc, info, err := p.Store.Get(ctx, inputsKey(p.Programme.Year))
	if errors.Is(err, storage.ErrNotFound) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("读取输入摘要：%w", err)
	}
	defer rc.Close()
	if err := json.NewDecoder(rc).Decode(&st); err != nil {
		// A damaged state only costs a re-render.
		p.Log.Warn("输入摘要无法解析，将重新生成", "key", inputsKey(p.Programme.Year), "err", err)
		return inputsState{Docs: map[string]string{}, Made: map[string]string{}, etag: info.ETag}, nil
	}
	if st.Docs == nil {
		st.Docs = map[string]string{}
	}
	if st.Made == nil {
		st.Made = map[string]string{}
	}
	st.etag = info.ETag
	if st.etag != "" {
		p.prepMu.Lock()
		p.inputs = inputsState{Docs: maps.Clone(st.Docs), Made: maps.Clone(st.Made), etag: st.etag}
		p.prepMu.Unlock()
	}
	return st, nil
}

// changed returns the planned documents whose inputs differ from those
// of the current archived version (or that have no current version),
// by the inputs state st.
func (p *Pipeline) changed(ctx context.Context, st inputsState, plan []Planned) ([]Planned, error) {
	versions, err := p.Archive.Versions(ctx, p.Programme.Year)
	if err != nil {
		return nil, fmt.Errorf("读取%d年归档索引：%w", p.Programme.Year, err)
	}
	var out []Planned
	for _, d := range plan {
		key, err := d.Key()
		if err != nil {
			return nil, err
		}
		if st.Docs[key] == d.InputSHA && versions[key] > 0 {
			continue
		}
		out = append(out, d)
	}
	return out, nil
}

// stale lists the documents the selected entries made for the selected
// cohorts in earlier runs (inputsState.Made) that the plan no longer has:
// a person left the roster, a certificate is withheld. made counts the
// documents of those entries and cohorts made before, planned or not.
func (p *Pipeline) stale(st inputsState, plan []Planned, sel Selection, in *Inputs) (keys []string, made int, err error) {
	if len(st.Made) == 0 {
		return nil, 0, nil
	}
	planned := make(map[string]bool, len(plan))
	for _, d := range plan {
		key, err := d.Key()
		if err != nil {
			return nil, 0, err
		}
		planned[key] = true
	}
	for key, by := range st.Made {
		name, cohort, ok := strings.Cut(by, " ")
		e, known := p.Catalogue.Entry(name)
		n, err := strconv.Atoi(cohort)
		if !ok || !known || err != nil || !sel.entry(e) || (n != 0 && !sel.cohort(n)) {
			continue
		}
		made++
		if planned[key] {
			continue
		}
		if e.needs(InApplicants) && len(in.Applicants) == 0 {
			continue // no roster at all is no reason to withdraw anyone's
		}
		keys = append(keys, key)
	}
	sort.Strings(keys)
	return keys, made, nil
}

// register records in the certificate register the numbers of the
// cohorts whose certificates the plan holds, once a run has made all it
// planned: they are archived with these numbers now, or were before.
func (p *Pipeline) register(ctx context.Context, plan []Planned, in *Inputs, failed int) {
	if failed > 0 {
		return
	}
	seqs := map[int]map[string]int{}
	in.certMu.Lock()
	for _, d := range plan {
		c := d.Subject.Cohort
		if c == nil || !d.Entry.needs(InNumber) || in.nums[c.Number] == nil || seqs[c.Number] != nil {
			continue
		}
		seqs[c.Number] = map[string]int{}
		for id, n := range in.nums[c.Number] {
			seqs[c.Number][id] = program.CertificateSequence(n)
		}
	}
	in.certMu.Unlock()
	if err := p.registerNumbers(ctx, seqs); err != nil {
		p.Log.Warn("证书编号未能登记（下次运行再登记）", "err", err)
	}
}

// manyWithdrawals reports whether withdrawing n of the made documents in
// a run's scope looks like a mistake in the data rather than people
// leaving: more than 20 documents and more than a fifth of them.
func manyWithdrawals(n, made int) bool {
	return n > 20 && n*5 > made
}

// withdraw marks the stale documents 作废 in the run's batch. It returns
// the keys withdrawn, and those to forget: withdrawn, or no longer in
// the archive at all. Nothing is withdrawn after a run that could not
// make all it planned (failed is the number of failures): a document
// missing from such a run is not known to be no longer wanted.
func (p *Pipeline) withdraw(ctx context.Context, batch *archive.Batch, stale []string, failed int) (withdrawn, forget []string) {
	if len(stale) == 0 {
		return nil, nil
	}
	if failed > 0 {
		p.Log.Warn("本次有文档未能生成，暂不作废不再生成的文档", "documents", len(stale))
		return nil, nil
	}
	for _, key := range stale {
		_, err := batch.Withdraw(ctx, key, "学员名单或出勤变动后不再生成")
		switch {
		case errors.Is(err, storage.ErrNotFound):
			forget = append(forget, key)
		case err != nil:
			p.Log.Warn("未能作废不再生成的文档（下次运行再试）", "key", key, "err", err)
		default:
			withdrawn = append(withdrawn, key)
			forget = append(forget, key)
		}
	}
	return withdrawn, forget
}

// remember records the input hashes of the documents now current, and
// who made them; withdrawn documents are forgotten, so that one planned
// again is made again.
func (p *Pipeline) remember(ctx context.Context, plan, done []Planned, entries map[string]archive.Entry, withdrawn []string) error {
	for try := 0; try < 8; try++ {
		st, err := p.readInputs(ctx)
		if err != nil {
			return err
		}
		// Documents skipped as current were made by their entry too
		// (state written before Made was kept learns it here).
		for _, d := range plan {
			if key, err := d.Key(); err == nil && st.Docs[key] == d.InputSHA && st.Made[key] == "" {
				st.Made[key] = maker(d)
			}
		}
		for _, d := range done {
			key, err := d.Key()
			if err != nil {
				continue
			}
			if e, ok := entries[key]; ok && e.Version > 0 {
				st.Docs[key] = d.InputSHA
				st.Made[key] = maker(d)
			}
		}
		for _, key := range withdrawn {
			delete(st.Docs, key)
			delete(st.Made, key)
		}
		if conflict, err := putJSONAt(ctx, p.Store, inputsKey(p.Programme.Year), st.etag, st); !conflict {
			return err
		}
		// another run updated it: merge again
	}
	return fmt.Errorf("输入摘要被并发修改，放弃本次更新")
}

// putJSONAt writes v as JSON to key if key is still the version etag
// read ("": if there is none yet). conflict reports that another writer
// got there first: read again, merge, and retry.
func putJSONAt(ctx context.Context, st storage.Store, key, etag string, v any) (conflict bool, err error) {
	b, err := json.Marshal(v)
	if err != nil {
		return false, err
	}
	opts := storage.PutOptions{ContentType: "application/json", IfMatch: etag, CreateOnly: etag == ""}
	_, err = st.Put(ctx, key, bytes.NewReader(b), opts)
	if errors.Is(err, storage.ErrPrecondition) || errors.Is(err, storage.ErrExists) {
		return true, nil
	}
	return false, err
}

// Render makes the selected documents from in into sink without the
// archive (render commands): no input hashes, no batch, no record.
func Render(ctx context.Context, c Catalogue, in *Inputs, sel Selection, sink Sink, workers int, progress func(done, total int)) (Result, []Planned, error) {
	plan, err := c.Plan(in, sel)
	if err != nil {
		return Result{}, nil, err
	}
	docs := make([]Doc, len(plan))
	for i := range plan {
		docs[i] = plan[i].Doc
	}
	handOver(plan, in)
	res, err := Generate(ctx, docs, sink, workers, progress)
	dropHandOver(in)
	return res, plan, err
}
