package archive

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"
	"time"

	"linghang/storage"
)

// Batch is the set of documents one job run archives. Documents are
// written as they are added; the run's manifest (_runs/<run-id>.json),
// written by Commit, makes them visible all at once. Every step is
// journalled in the spool directory, so a batch interrupted half-way is
// completed by the next Begin or Flush, and documents the store cannot
// take wait there instead of being lost. A Batch is safe for concurrent
// use.
type Batch struct {
	a *Archive
	// run is held shared by each Add for its whole duration and
	// exclusively by Commit and Abort, which so wait for Adds in flight.
	run sync.RWMutex
	mu  sync.Mutex // guards st, down and done
	st  *runState
	// down is the first failure of the store in this batch; once set,
	// further documents go straight to the spool.
	down error
	done bool
}

// Begin opens the batch of run runID (a jobs run ID such as
// 20220331T020000Z-3f9a1c2b) made from input data whose SHA-256 is
// inputSHA. It first completes earlier batches left in the spool; their
// problems are logged, not returned, since this run can still proceed.
func (a *Archive) Begin(ctx context.Context, runID, inputSHA string) (*Batch, error) {
	if runID == "" || storage.SafeSegment(runID) != runID || strings.HasPrefix(runID, "_") {
		return nil, fmt.Errorf("运行编号 %q 无效：只能是一个安全的路径段", runID)
	}
	st, err := a.createRun(runInfo{
		RunID:    runID,
		Store:    a.opts.Endpoint,
		InputSHA: inputSHA,
		Creator:  a.creator(),
		Started:  a.opts.Clock().UTC(),
	})
	if err != nil {
		return nil, err
	}
	if rep, err := a.Flush(ctx); err != nil {
		a.opts.Log.Warn("归档暂存区未能清空", "err", err)
	} else if len(rep.Runs) > 0 {
		a.opts.Log.Info("已补交先前中断或暂存的批次", "runs", rep.Runs, "uploaded", rep.Uploaded)
	}
	return &Batch{a: a, st: st}, nil
}

// RunID is the batch's run ID.
func (b *Batch) RunID() string { return b.st.info.RunID }

// Add archives one document and returns its entry: a new version, or the
// current one when the content is identical (Unchanged). When the store
// fails, the document is kept in the spool and Add still succeeds; Commit
// then reports the failure. Add fails only for invalid documents or when
// even the spool cannot be written.
func (b *Batch) Add(ctx context.Context, d Doc) (Entry, error) {
	e, err := b.a.entry(d, b.st.info)
	if err != nil {
		return Entry{}, fmt.Errorf("归档《%s》：%w", d.Title, err)
	}
	b.run.RLock()
	defer b.run.RUnlock()
	b.mu.Lock()
	done, down := b.done, b.down
	b.mu.Unlock()
	if done {
		return Entry{}, fmt.Errorf("归档《%s》：批次 %s 已结束", d.Title, b.RunID())
	}
	if down == nil {
		// Stores are slow (fsync, network): puts of concurrent Adds overlap.
		err := b.a.put(ctx, &e, d.Body)
		b.mu.Lock()
		defer b.mu.Unlock()
		if err == nil {
			return e, b.st.record(journalRec{State: stateStored, Entry: e})
		}
		if errors.Is(err, storage.ErrInvalidKey) {
			return Entry{}, fmt.Errorf("归档 %s：%w", e.Key, err)
		}
		if b.down == nil {
			b.down = err
			b.a.opts.Log.Warn("归档存储不可用，改写入暂存区", "endpoint", b.a.opts.Endpoint, "err", err)
		}
		down = err
	} else {
		b.mu.Lock()
		defer b.mu.Unlock()
	}
	e.Version, e.Object = 0, ""
	if err := b.st.spool(e, d.Body); err != nil {
		return Entry{}, fmt.Errorf("归档 %s：存储不可用（%v），写入暂存区也失败：%w", e.Key, down, err)
	}
	return e, nil
}

// Withdraw marks the document key 作废 for reason: a new version with the
// content of the current one, whose record (index, manifest, object
// metadata) says it is no longer in force and why. Nothing is deleted;
// History keeps every version, and archiving the document again makes a
// version in force. A document already withdrawn is left as it is.
func (b *Batch) Withdraw(ctx context.Context, key, reason string) (Entry, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Entry{}, fmt.Errorf("作废 %s：须说明原因", key)
	}
	hist, err := b.a.History(ctx, key)
	if err != nil {
		return Entry{}, fmt.Errorf("作废 %s：%w", key, err)
	}
	cur := hist[len(hist)-1]
	if cur.Withdrawn != "" {
		return cur, nil
	}
	rc, _, err := b.a.Open(ctx, key, cur.Version)
	if err != nil {
		return Entry{}, fmt.Errorf("作废 %s：%w", key, err)
	}
	body, err := io.ReadAll(rc) // checks the SHA-256 at the end
	rc.Close()
	if err != nil {
		return Entry{}, fmt.Errorf("作废 %s：读取第 %d 版：%w", key, cur.Version, err)
	}
	date, _ := time.Parse("2006-01-02", cur.Date)
	d := Doc{Year: cur.Year, Kind: cur.Kind, Cohort: cur.Cohort, CohortName: cur.CohortName, Title: cur.Title,
		DocNumber: cur.DocNumber, Author: cur.Author, Date: date, Names: cur.Names, Filename: path.Base(key),
		MIME: cur.MIME, Body: body, InputSHA: cur.InputSHA, VerifySHA256: cur.VerifySHA256, Withdrawn: reason}
	if k, err := DocKey(d); err != nil || k != key {
		return Entry{}, fmt.Errorf("作废 %s：无法从索引记录还原文档键（得到 %s）%v", key, k, err)
	}
	return b.Add(ctx, d)
}

// Changed counts the documents of the batch that are new versions or
// wait in the spool: zero means everything added was identical to the
// current versions, and the caller may Abort instead of writing a
// manifest that records nothing new.
func (b *Batch) Changed() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, r := range b.st.recs {
		if r.State == stateSpooled || !r.Entry.Unchanged {
			n++
		}
	}
	return n
}

// CommitIfChanged commits the batch when it made a new version or holds
// a document in the spool; otherwise (everything was identical to the
// current versions) it aborts it, so no manifest records nothing new.
// committed says which was done; err is Commit's or Abort's.
func (b *Batch) CommitIfChanged(ctx context.Context) (m *Manifest, committed bool, err error) {
	if b.Changed() == 0 {
		return nil, false, b.Abort(ctx)
	}
	m, err = b.Commit(ctx)
	return m, true, err
}

// Release ends this process's hold on an unfinished batch (after a
// failure or timeout) without committing or aborting: its journal and
// spooled documents stay for the next Begin or Flush to complete, in this
// process or another.
func (b *Batch) Release() {
	b.run.Lock()
	defer b.run.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return
	}
	b.done = true
	b.st.close()
}

// Commit uploads what waits in the spool, writes the manifest that makes
// the batch visible and updates the index. If the store is unavailable
// it returns a *SpoolError: nothing is lost, the next run or
// `linghang archive flush` finishes the batch.
func (b *Batch) Commit(ctx context.Context) (*Manifest, error) {
	b.run.Lock()
	defer b.run.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return nil, fmt.Errorf("批次 %s 已结束", b.RunID())
	}
	b.done = true
	defer b.st.close()
	m, _, err := b.a.complete(ctx, b.st)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// Abort ends the batch without a manifest: it deletes the versions this
// batch created (where retention allows) and forgets the batch. Documents
// in the spool are dropped.
func (b *Batch) Abort(ctx context.Context) error {
	b.run.Lock()
	defer b.run.Unlock()
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done {
		return nil
	}
	b.done = true
	defer b.st.close()
	var errs []error
	for _, r := range b.st.recs {
		if r.State == stateStored && !r.Entry.Unchanged {
			if err := b.a.store.Delete(ctx, r.Entry.Object); err != nil && !errors.Is(err, storage.ErrNotFound) {
				errs = append(errs, fmt.Errorf("删除 %s：%w", r.Entry.Object, err))
			}
		}
	}
	if len(errs) > 0 {
		// Keep the journal: the versions stay orphans that verify reports.
		return fmt.Errorf("放弃批次 %s：%w", b.RunID(), errors.Join(errs...))
	}
	return b.st.remove()
}

// entry describes d as it will be archived, before a version is chosen.
func (a *Archive) entry(d Doc, run runInfo) (Entry, error) {
	key, err := DocKey(d)
	if err != nil {
		return Entry{}, err
	}
	if len(d.Body) == 0 {
		return Entry{}, fmt.Errorf("文档 %s 内容为空", key)
	}
	title := strings.TrimSpace(d.Title)
	if title == "" {
		title = strings.TrimSuffix(path.Base(key), path.Ext(key))
	}
	now := a.opts.Clock().UTC()
	date := d.Date
	if date.IsZero() {
		date = now
	}
	mt := d.MIME
	if mt == "" {
		mt = mimeFor(key)
	}
	var names []string
	for _, n := range d.Names {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	return Entry{
		Key:          key,
		Year:         d.Year,
		Kind:         d.Kind,
		Cohort:       d.Cohort,
		CohortName:   strings.TrimSpace(d.CohortName),
		Title:        title,
		DocNumber:    strings.TrimSpace(d.DocNumber),
		Author:       strings.TrimSpace(d.Author),
		Date:         date.Format("2006-01-02"),
		Retention:    a.retention(d.Kind).String(),
		MIME:         mt,
		Size:         int64(len(d.Body)),
		SHA256:       sum(d.Body),
		Creator:      run.Creator,
		InputSHA:     cmp.Or(d.InputSHA, run.InputSHA),
		RunID:        run.RunID,
		Names:        names,
		Archived:     now,
		VerifySHA256: strings.ToLower(strings.TrimSpace(d.VerifySHA256)),
		Withdrawn:    strings.TrimSpace(d.Withdrawn),
	}, nil
}

// retainUntil is the object-lock date of an entry.
func (a *Archive) retainUntil(e Entry) time.Time {
	r, err := ParseRetention(e.Retention)
	if err != nil {
		r = a.retention(e.Kind)
	}
	return r.Until(e.Year)
}

// maxVersionTries bounds the create-only attempts when other writers
// take the next version numbers first.
const maxVersionTries = 64

// put stores body as the next version of e.Key with create-only puts, so
// concurrent writers never overwrite each other's versions. If the
// newest version already has this content, it is reused (Unchanged).
func (a *Archive) put(ctx context.Context, e *Entry, body []byte) error {
	// The index usually knows the newest version, which spares listing
	// the document's folder (a folder of 10,000 photos, listed once per
	// photo, made an import quadratic). A version the index does not
	// know yet is met by the create-only writes below, which then move
	// past it.
	known, err := a.indexedVersion(ctx, e.Year, e.Key)
	if err != nil {
		known = -1 // index unreadable: list, as below
	}
	var last storage.Info
	n := known
	switch {
	case known > 0:
		info, err := a.store.Stat(ctx, versionKey(e.Key, known))
		if err == nil {
			if same, err := a.reuse(ctx, e, info); err != nil || same {
				return err
			}
		}
		if err != nil && !errors.Is(err, storage.ErrNotFound) {
			return fmt.Errorf("查看 %s：%w", versionKey(e.Key, known), err)
		}
	case known < 0:
		if last, err = a.lastVersion(ctx, e.Key); err != nil {
			return err
		}
		if last.Key != "" {
			if same, err := a.reuse(ctx, e, last); err != nil || same {
				return err
			}
		}
		_, n, _ = splitVersion(last.Key)
	}
	listed := known < 0
	for try := 0; try < maxVersionTries; try++ {
		n++
		e.Version, e.Object = n, versionKey(e.Key, n)
		info, err := a.store.Put(ctx, e.Object, bytes.NewReader(body), storage.PutOptions{
			ContentType: e.MIME,
			Metadata:    e.metadata(),
			CreateOnly:  true,
			RetainUntil: a.retainUntil(*e),
			SHA256:      e.SHA256, // hashed in entry: the store need not hash it again
		})
		switch {
		case err == nil:
			if info.SHA256 != "" && info.SHA256 != e.SHA256 {
				return fmt.Errorf("写入 %s：存储计算的 SHA-256 %s 与文档的 %s 不符", e.Object, info.SHA256, e.SHA256)
			}
			return nil
		case errors.Is(err, storage.ErrExists):
			if !listed {
				// Versions the index did not know: find the newest once,
				// and compare with it, not with the one met here (an
				// older version with this content is not current).
				listed = true
				last, err := a.lastVersion(ctx, e.Key)
				if err != nil {
					return err
				}
				if _, m, ok := splitVersion(last.Key); ok && m >= n {
					if same, err := a.reuse(ctx, e, last); err != nil || same {
						return err
					}
					n = m
					continue
				}
			}
			// Another writer took this number just now; it may hold our
			// content.
			info, err := a.store.Stat(ctx, e.Object)
			if err != nil {
				return fmt.Errorf("查看 %s：%w", e.Object, err)
			}
			if same, err := a.reuse(ctx, e, info); err != nil || same {
				return err
			}
		default:
			return fmt.Errorf("写入 %s：%w", e.Object, err)
		}
	}
	return fmt.Errorf("写入 %s：%d 次尝试后仍未能分配新版本号", e.Key, maxVersionTries)
}

// lastVersion returns the info of the newest version object of key, or
// a zero Info when there is none.
func (a *Archive) lastVersion(ctx context.Context, key string) (storage.Info, error) {
	ext := path.Ext(path.Base(key))
	if ext == path.Base(key) {
		ext = ""
	}
	prefix := strings.TrimSuffix(key, ext) + ".v"
	infos, err := a.store.List(ctx, prefix)
	if err != nil {
		return storage.Info{}, fmt.Errorf("列出 %s 的版本：%w", key, err)
	}
	var last storage.Info
	lastN := 0
	for _, info := range infos {
		if k, n, ok := splitVersion(info.Key); ok && k == key && n > lastN {
			last, lastN = info, n
		}
	}
	return last, nil
}

// reuse reports whether the version object info holds e's content; if
// so, e becomes that version, described by the object's own metadata.
func (a *Archive) reuse(ctx context.Context, e *Entry, info storage.Info) (bool, error) {
	if info.SHA256 == "" || info.Metadata == nil {
		st, err := a.store.Stat(ctx, info.Key)
		if err != nil {
			return false, fmt.Errorf("查看 %s：%w", info.Key, err)
		}
		info = st
	}
	if info.SHA256 != e.SHA256 {
		return false, nil
	}
	old, err := entryFromInfo(info)
	if err != nil || old.SHA256 != e.SHA256 || old.Size != e.Size {
		// Content matches but the metadata is foreign, or records other
		// content (the object was altered): not ours to reuse.
		return false, nil
	}
	if (old.Withdrawn == "") != (e.Withdrawn == "") {
		// The same content, but withdrawn where e is in force or the
		// other way round: a version of its own says so.
		return false, nil
	}
	// The index and manifest keep the full description (names, title)
	// that object metadata may have had to shorten.
	old.Names, old.Title = e.Names, e.Title
	old.Unchanged = true
	*e = old
	return true, nil
}

// SpoolError reports a batch that could not reach the store. Its
// documents are safe in the spool directory.
type SpoolError struct {
	Endpoint string
	RunID    string
	Dir      string
	Spooled  int // documents waiting in Dir
	Err      error
}

func (e *SpoolError) Error() string {
	if e.Spooled == 0 {
		return fmt.Sprintf("归档存储 %s 不可用：运行 %s 的文档都已保存，但清单或索引尚未写完（记录在 %s），将在下次运行或执行 linghang archive flush 时补上。原因：%v",
			e.Endpoint, e.RunID, e.Dir, e.Err)
	}
	return fmt.Sprintf("归档存储 %s 不可用：运行 %s 的 %d 份文档已暂存到 %s，将在下次运行或执行 linghang archive flush 时上传。原因：%v",
		e.Endpoint, e.RunID, e.Spooled, e.Dir, e.Err)
}

func (e *SpoolError) Unwrap() error { return e.Err }
