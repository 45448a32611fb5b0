package archive

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"linghang/storage"
)

// The spool directory holds one folder per open or unfinished batch:
//
//	<spool>/<run-id>/lock           flock(2)ed while a process works on the batch
//	<spool>/<run-id>/run.json       run ID, input SHA-256, creator, start time
//	<spool>/<run-id>/journal.jsonl  one line per document (stored or spooled)
//	<spool>/<run-id>/docs/000007    bodies the store did not take
//	<spool>/<run-id>/committed      the manifest is in the store; index pending
//
// A folder whose lock is free belongs to a run that ended without
// finishing; Flush completes it.

type runInfo struct {
	RunID string `json:"run_id"`
	// Store names the store the batch belongs to (Options.Endpoint), so
	// a flush against another store leaves it alone.
	Store    string    `json:"store"`
	InputSHA string    `json:"input_sha256,omitempty"`
	Creator  string    `json:"creator"`
	Started  time.Time `json:"started"`
}

const (
	stateStored  = "stored"
	stateSpooled = "spooled"
)

type journalRec struct {
	Seq   int    `json:"seq"`
	State string `json:"state"`
	File  string `json:"file,omitempty"` // body in docs/, when spooled
	Entry Entry  `json:"entry"`
}

type runState struct {
	dir     string
	info    runInfo
	recs    []journalRec // by Seq-1
	lock    *os.File
	journal *os.File
	// fromDisk marks a batch loaded from the spool by Flush rather than
	// begun by this process.
	fromDisk bool
}

func (a *Archive) createRun(info runInfo) (*runState, error) {
	dir := filepath.Join(a.opts.SpoolDir, info.RunID)
	if err := os.MkdirAll(a.opts.SpoolDir, 0o700); err != nil {
		return nil, fmt.Errorf("创建暂存目录 %s：%w", a.opts.SpoolDir, err)
	}
	if _, err := os.Stat(dir); err == nil {
		return nil, fmt.Errorf("运行 %s 已在暂存区 %s 中存在，运行编号不能重复", info.RunID, dir)
	}
	// Build the folder under a dot name Flush ignores, lock it, then
	// rename it into place: Flush never sees a half-made folder.
	tmp, err := os.MkdirTemp(a.opts.SpoolDir, ".new-")
	if err != nil {
		return nil, fmt.Errorf("创建暂存目录：%w", err)
	}
	st := &runState{dir: dir, info: info}
	fail := func(err error) (*runState, error) {
		st.close()
		os.RemoveAll(tmp)
		return nil, err
	}
	lock, _, err := lockFile(filepath.Join(tmp, "lock"), true)
	if err != nil {
		return fail(fmt.Errorf("锁定暂存目录 %s：%w", tmp, err))
	}
	st.lock = lock
	b, _ := json.MarshalIndent(info, "", "  ")
	if err := writeFileSync(filepath.Join(tmp, "run.json"), b); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		if errors.Is(err, os.ErrExist) {
			err = fmt.Errorf("运行 %s 已在暂存区 %s 中存在，运行编号不能重复", info.RunID, dir)
		}
		return fail(err)
	}
	if err := syncDir(a.opts.SpoolDir); err != nil {
		st.close()
		return nil, err
	}
	if st.journal, err = os.OpenFile(filepath.Join(dir, "journal.jsonl"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
		st.close()
		return nil, fmt.Errorf("创建暂存日志：%w", err)
	}
	return st, nil
}

// openRun locks and loads the spool folder dir. ok is false when another
// process holds it.
func openRun(dir string) (st *runState, ok bool, err error) {
	lock, ok, err := lockFile(filepath.Join(dir, "lock"), false)
	if errors.Is(err, os.ErrNotExist) {
		return nil, false, nil // removed by the process that finished it
	}
	if err != nil || !ok {
		return nil, ok, err
	}
	st = &runState{dir: dir, lock: lock}
	if _, err := os.Stat(filepath.Join(dir, "run.json")); errors.Is(err, os.ErrNotExist) {
		st.close()
		return nil, false, nil // finished and being removed
	}
	defer func() {
		if err != nil {
			st.close()
		}
	}()
	b, err := os.ReadFile(filepath.Join(dir, "run.json"))
	if err != nil {
		return nil, true, fmt.Errorf("读取 %s：%w", filepath.Join(dir, "run.json"), err)
	}
	if err := json.Unmarshal(b, &st.info); err != nil {
		return nil, true, fmt.Errorf("解析 %s：%w", filepath.Join(dir, "run.json"), err)
	}
	jpath := filepath.Join(dir, "journal.jsonl")
	if st.recs, err = readJournal(jpath); err != nil {
		return nil, true, err
	}
	if st.journal, err = os.OpenFile(jpath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
		return nil, true, fmt.Errorf("打开暂存日志 %s：%w", jpath, err)
	}
	return st, true, nil
}

// readJournal replays the journal: the last line for a sequence number
// wins. A torn last line (the process died while writing it) is ignored.
func readJournal(name string) ([]journalRec, error) {
	b, err := os.ReadFile(name)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("读取暂存日志 %s：%w", name, err)
	}
	var recs []journalRec
	lines := bytes.Split(b, []byte("\n"))
	for i, line := range lines {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r journalRec
		if err := json.Unmarshal(line, &r); err != nil || r.Seq <= 0 {
			if i == len(lines)-1 {
				break // torn tail
			}
			return nil, fmt.Errorf("暂存日志 %s 第 %d 行损坏", name, i+1)
		}
		for len(recs) < r.Seq {
			recs = append(recs, journalRec{})
		}
		recs[r.Seq-1] = r
	}
	// Drop holes (a line lost with the torn tail).
	out := recs[:0]
	for _, r := range recs {
		if r.Seq > 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

// record appends r to the journal as the next document.
func (st *runState) record(r journalRec) error {
	if r.Seq == 0 {
		r.Seq = len(st.recs) + 1
		st.recs = append(st.recs, r)
	} else {
		i := slices.IndexFunc(st.recs, func(x journalRec) bool { return x.Seq == r.Seq })
		if i < 0 {
			return fmt.Errorf("暂存日志 %s 中没有第 %d 条", st.journal.Name(), r.Seq)
		}
		st.recs[i] = r
	}
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	if _, err := st.journal.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("写入暂存日志 %s：%w", st.journal.Name(), err)
	}
	if r.State == stateSpooled {
		return st.journal.Sync()
	}
	return nil
}

// spool keeps body in the spool folder and journals it.
func (st *runState) spool(e Entry, body []byte) error {
	seq := len(st.recs) + 1
	docs := filepath.Join(st.dir, "docs")
	if err := os.MkdirAll(docs, 0o700); err != nil {
		return err
	}
	name := fmt.Sprintf("%06d", seq)
	if err := writeFileSync(filepath.Join(docs, name), body); err != nil {
		return err
	}
	return st.record(journalRec{State: stateSpooled, File: "docs/" + name, Entry: e})
}

func (st *runState) spooled() int {
	n := 0
	for _, r := range st.recs {
		if r.State == stateSpooled {
			n++
		}
	}
	return n
}

func (st *runState) close() {
	if st.journal != nil {
		st.journal.Close()
		st.journal = nil
	}
	if st.lock != nil {
		unlockFile(st.lock)
		st.lock = nil
	}
}

// remove deletes the spool folder, then releases its lock.
func (st *runState) remove() error {
	defer st.close()
	if err := os.RemoveAll(st.dir); err != nil {
		return fmt.Errorf("清理暂存目录 %s：%w", st.dir, err)
	}
	return nil
}

// Manifest is the record of one committed batch, _runs/<run-id>.json.
type Manifest struct {
	RunID     string    `json:"run_id"`
	InputSHA  string    `json:"input_sha256,omitempty"`
	Creator   string    `json:"creator"`
	Started   time.Time `json:"started"`
	Committed time.Time `json:"committed"`
	// Recovered marks a batch finished by a later run or flush after its
	// own run was interrupted or could not reach the store.
	Recovered bool    `json:"recovered,omitempty"`
	Entries   []Entry `json:"entries"`
}

func manifestKey(runID string) string { return runsDir + runID + ".json" }

// complete finishes a batch: uploads spooled bodies, writes the manifest,
// updates the index and removes the spool folder. uploaded counts the
// bodies that left the spool.
func (a *Archive) complete(ctx context.Context, st *runState) (m *Manifest, uploaded int, err error) {
	_, statErr := os.Stat(filepath.Join(st.dir, "committed"))
	committed := statErr == nil
	if len(st.recs) == 0 && !committed && st.fromDisk {
		// Begun and abandoned before its first document: nothing to keep.
		return &Manifest{RunID: st.info.RunID}, 0, st.remove()
	}
	for i := range st.recs {
		r := st.recs[i]
		if r.State != stateSpooled || committed {
			continue
		}
		body, err := os.ReadFile(filepath.Join(st.dir, filepath.FromSlash(r.File)))
		if err != nil {
			return nil, uploaded, fmt.Errorf("读取暂存的 %s：%w", r.Entry.Key, err)
		}
		if sum(body) != r.Entry.SHA256 {
			return nil, uploaded, fmt.Errorf("暂存的 %s（%s）已损坏：SHA-256 不符", r.Entry.Key, r.File)
		}
		e := r.Entry
		if err := a.put(ctx, &e, body); err != nil {
			return nil, uploaded, a.spoolError(st, err)
		}
		if err := st.record(journalRec{Seq: r.Seq, State: stateStored, Entry: e}); err != nil {
			return nil, uploaded, err
		}
		uploaded++
	}
	m = &Manifest{
		RunID:     st.info.RunID,
		InputSHA:  st.info.InputSHA,
		Creator:   st.info.Creator,
		Started:   st.info.Started,
		Committed: a.opts.Clock().UTC(),
		Recovered: st.fromDisk,
		Entries:   make([]Entry, 0, len(st.recs)),
	}
	for _, r := range st.recs {
		m.Entries = append(m.Entries, r.Entry)
	}
	// Concurrent Adds finish in any order; the manifest does not.
	sort.SliceStable(m.Entries, func(i, j int) bool {
		if m.Entries[i].Key != m.Entries[j].Key {
			return m.Entries[i].Key < m.Entries[j].Key
		}
		return m.Entries[i].Version < m.Entries[j].Version
	})
	if !committed {
		if err := a.putManifest(ctx, m); err != nil {
			if errors.Is(err, storage.ErrExists) {
				return nil, uploaded, err
			}
			return nil, uploaded, a.spoolError(st, err)
		}
		if err := writeFileSync(filepath.Join(st.dir, "committed"), nil); err != nil {
			return nil, uploaded, err
		}
	}
	if err := a.addToIndex(ctx, m.Entries); err != nil {
		return nil, uploaded, a.spoolError(st, fmt.Errorf("更新索引：%w", err))
	}
	return m, uploaded, st.remove()
}

func (a *Archive) spoolError(st *runState, err error) error {
	return &SpoolError{Endpoint: a.opts.Endpoint, RunID: st.info.RunID, Dir: st.dir, Spooled: st.spooled(), Err: err}
}

// putManifest writes m create-only. If a manifest of the same run is
// already there (an earlier attempt wrote it), that is success.
func (a *Archive) putManifest(ctx context.Context, m *Manifest) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	var until time.Time
	for _, e := range m.Entries {
		if t := a.retainUntil(e); t.After(until) {
			until = t
		}
	}
	key := manifestKey(m.RunID)
	_, err = a.store.Put(ctx, key, bytes.NewReader(b), storage.PutOptions{
		ContentType: "application/json",
		Metadata:    map[string]string{metaRunID: m.RunID, metaCreator: m.Creator},
		CreateOnly:  true,
		RetainUntil: until,
	})
	if errors.Is(err, storage.ErrExists) {
		old, rerr := a.Manifest(ctx, m.RunID)
		if rerr != nil {
			return fmt.Errorf("写入清单 %s：已存在且无法读取：%w", key, rerr)
		}
		if !sameEntries(old.Entries, m.Entries) {
			return fmt.Errorf("写入清单 %s：运行编号 %s 已被另一批次使用（%w）", key, m.RunID, storage.ErrExists)
		}
		*m = *old
		return nil
	}
	if err != nil {
		return fmt.Errorf("写入清单 %s：%w", key, err)
	}
	return nil
}

func sameEntries(a, b []Entry) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Object != b[i].Object || a[i].SHA256 != b[i].SHA256 {
			return false
		}
	}
	return true
}

// Manifest reads the manifest of a committed run.
func (a *Archive) Manifest(ctx context.Context, runID string) (*Manifest, error) {
	rc, _, err := a.store.Get(ctx, manifestKey(runID))
	if err != nil {
		return nil, fmt.Errorf("读取运行 %s 的清单：%w", runID, err)
	}
	defer rc.Close()
	var m Manifest
	if err := json.NewDecoder(rc).Decode(&m); err != nil {
		return nil, fmt.Errorf("解析运行 %s 的清单：%w", runID, err)
	}
	return &m, nil
}

// FlushReport says what Flush did.
type FlushReport struct {
	Runs     []string // batches completed (manifest written, index updated)
	Uploaded int      // documents uploaded from the spool
	Busy     []string // batches still open in a running process
	Other    []string // batches of another store (run ID: store), left alone
	Pending  int      // documents still waiting (store unavailable)
}

// Flush completes every batch left in the spool whose process has ended:
// uploads the documents waiting there, writes the manifest and updates
// the index. Batches of a still-running process are left alone. When the
// store is unavailable it returns a *SpoolError; the documents stay.
func (a *Archive) Flush(ctx context.Context) (FlushReport, error) {
	var rep FlushReport
	ents, err := os.ReadDir(a.opts.SpoolDir)
	if errors.Is(err, os.ErrNotExist) {
		return rep, nil
	}
	if err != nil {
		return rep, fmt.Errorf("读取暂存目录 %s：%w", a.opts.SpoolDir, err)
	}
	sort.Slice(ents, func(i, j int) bool { return ents[i].Name() < ents[j].Name() })
	var errs []error
	for _, de := range ents {
		if !de.IsDir() {
			continue
		}
		if strings.HasPrefix(de.Name(), ".") {
			removeAbandoned(filepath.Join(a.opts.SpoolDir, de.Name()))
			continue
		}
		dir := filepath.Join(a.opts.SpoolDir, de.Name())
		st, ok, err := openRun(dir)
		if err != nil {
			errs = append(errs, fmt.Errorf("暂存的批次 %s：%w", de.Name(), err))
			continue
		}
		if !ok {
			rep.Busy = append(rep.Busy, de.Name())
			continue
		}
		if st.info.Store != "" && st.info.Store != a.opts.Endpoint {
			rep.Other = append(rep.Other, st.info.RunID+"："+st.info.Store)
			st.close()
			continue
		}
		st.fromDisk = true
		_, n, err := a.complete(ctx, st)
		rep.Uploaded += n
		if err != nil {
			rep.Pending += st.spooled()
			st.close()
			var se *SpoolError
			if errors.As(err, &se) {
				// The store is down: the other batches would fail the same way.
				for _, rest := range ents {
					if rest.IsDir() && rest.Name() > de.Name() {
						if recs, err := readJournal(filepath.Join(a.opts.SpoolDir, rest.Name(), "journal.jsonl")); err == nil {
							for _, r := range recs {
								if r.State == stateSpooled {
									rep.Pending++
								}
							}
						}
					}
				}
				return rep, err
			}
			errs = append(errs, fmt.Errorf("暂存的批次 %s：%w", de.Name(), err))
			continue
		}
		rep.Runs = append(rep.Runs, st.info.RunID)
		a.opts.Log.Info("已补交批次", "run", st.info.RunID, "uploaded", n)
	}
	return rep, errors.Join(errs...)
}

func writeFileSync(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
	if err != nil {
		return fmt.Errorf("写入 %s：%w", name, err)
	}
	if _, err := io.Copy(f, bytes.NewReader(b)); err != nil {
		f.Close()
		return fmt.Errorf("写入 %s：%w", name, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("写入 %s：%w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("写入 %s：%w", name, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("同步目录 %s：%w", dir, err)
	}
	return nil
}

// abandonedAfter is how old a half-made folder (.new-*) must be before
// Flush removes it. Its creator renames it into place within moments,
// but holds no lock between creating the lock file and locking it: a
// Flush of another process that came in between removed the folder
// under it (TestTwoProcessesAtOnce saw it).
const abandonedAfter = 10 * time.Minute

// removeAbandoned removes a half-made folder (.new-*) whose creator died
// before renaming it into place.
func removeAbandoned(dir string) {
	if !strings.HasPrefix(filepath.Base(dir), ".new-") {
		return
	}
	if fi, err := os.Stat(dir); err != nil || time.Since(fi.ModTime()) < abandonedAfter {
		return
	}
	f, ok, err := lockFile(filepath.Join(dir, "lock"), false)
	if err != nil || !ok {
		return
	}
	os.RemoveAll(dir)
	unlockFile(f)
}

// RunSummary describes one committed batch.
type RunSummary struct {
	RunID     string
	Creator   string
	InputSHA  string
	Started   time.Time
	Committed time.Time
	Recovered bool
	Docs      int   // documents named
	New       int   // of them new versions (the rest were unchanged)
	Bytes     int64 // size of the new versions
}

// Runs lists the committed batches, oldest first (run IDs sort by time).
func (a *Archive) Runs(ctx context.Context) ([]RunSummary, error) {
	ids, err := a.runIDs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]RunSummary, len(ids))
	err = a.parallel(ctx, len(ids), func(i int) error {
		m, err := a.Manifest(ctx, ids[i])
		if err != nil {
			return err
		}
		s := RunSummary{RunID: m.RunID, Creator: m.Creator, InputSHA: m.InputSHA, Started: m.Started,
			Committed: m.Committed, Recovered: m.Recovered, Docs: len(m.Entries)}
		for _, e := range m.Entries {
			if !e.Unchanged {
				s.New++
				s.Bytes += e.Size
			}
		}
		out[i] = s
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].RunID < out[j].RunID })
	return out, nil
}

// runIDs lists the run IDs that have a manifest.
func (a *Archive) runIDs(ctx context.Context) ([]string, error) {
	infos, err := a.store.List(ctx, runsDir)
	if err != nil {
		return nil, fmt.Errorf("列出运行清单：%w", err)
	}
	var ids []string
	for _, info := range infos {
		if id, ok := strings.CutSuffix(strings.TrimPrefix(info.Key, runsDir), ".json"); ok && !strings.Contains(id, "/") {
			ids = append(ids, id)
		}
	}
	return ids, nil
}
