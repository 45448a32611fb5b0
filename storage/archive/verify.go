package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	"linghang/storage"
)

// ErrCorrupt reports content that no longer matches its SHA-256.
var ErrCorrupt = errors.New("archive: content does not match its SHA-256")

// checkedReader hashes what it reads; at the end it reports ErrCorrupt
// instead of io.EOF if the content is not what was archived.
type checkedReader struct {
	rc   io.ReadCloser
	h    hash.Hash
	n    int64
	want Entry
}

func newCheckedReader(rc io.ReadCloser, e Entry) *checkedReader {
	return &checkedReader{rc: rc, h: sha256.New(), want: e}
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.rc.Read(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	if err == io.EOF {
		if got := hex.EncodeToString(c.h.Sum(nil)); got != c.want.SHA256 || c.n != c.want.Size {
			return n, fmt.Errorf("%s：读到 %d 字节、SHA-256 %s，归档记录为 %d 字节、%s：%w",
				c.want.Object, c.n, got, c.want.Size, c.want.SHA256, ErrCorrupt)
		}
	}
	return n, err
}

func (c *checkedReader) Close() error { return c.rc.Close() }

// Problem is one finding of Verify.
type Problem struct {
	Object string
	What   string // 缺失 | 不符 | 无法读取 | 索引不符
	Detail string // names the document key and version
}

// Report is the result of Verify.
type Report struct {
	Checked   int       // version objects read and hashed
	Bytes     int64     // bytes read
	Problems  []Problem // missing, altered or unreadable versions; index and manifest at odds
	Unindexed []string  // version objects no index names (an open or abandoned batch, or a lost index)
}

// OK reports whether every archived version is present and intact.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verify reads every archived version, recomputes its SHA-256 and size
// and compares them with the record: the run manifest that names the
// version (written once, when its batch committed) and the index. A
// version a manifest names is checked even when the index has lost it,
// so neither a damaged index nor a reindex hides a missing or altered
// object. Verify also lists version objects no index names. It writes
// one line per finding and a summary to w (in Chinese); the error is for
// failures to run the check at all.
func (a *Archive) Verify(ctx context.Context, w io.Writer) (Report, error) {
	var rep Report
	all, err := a.entries(ctx, 0)
	if err != nil {
		return rep, err
	}
	named, _, err := a.manifestEntries(ctx)
	if err != nil {
		return rep, err
	}
	var mu sync.Mutex
	add := func(p Problem) {
		mu.Lock()
		rep.Problems = append(rep.Problems, p)
		mu.Unlock()
	}
	// What each version must be: its manifest's record where there is
	// one (the index is rewritten, the manifest never), else the index's.
	type check struct {
		want Entry
		run  string // the manifest naming it; "" if none does
		// indexed is false for a version only a manifest names.
		indexed bool
	}
	var checks []check
	indexed := make(map[string]bool, len(all))
	for _, e := range all {
		indexed[e.Object] = true
		c := check{want: e, indexed: true}
		if n, ok := named[e.Object]; ok {
			c.run = n.run
			if n.SHA256 != e.SHA256 || n.Size != e.Size {
				add(Problem{e.Object, "索引不符", fmt.Sprintf("%s：索引记录 %d 字节、SHA-256 %s，运行清单 %s 记录 %d 字节、%s；请运行 linghang archive reindex",
					version(e), e.Size, e.SHA256, manifestKey(n.run), n.Size, n.SHA256)})
				c.want = n.Entry
			}
		}
		checks = append(checks, c)
	}
	for _, obj := range sortedKeys(named) {
		if !indexed[obj] {
			checks = append(checks, check{want: named[obj].Entry, run: named[obj].run})
		}
	}
	err = a.parallel(ctx, len(checks), func(i int) error {
		c := checks[i]
		e := c.want
		rc, _, err := a.store.Get(ctx, e.Object)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			detail := version(e) + "：索引中登记的版本对象不存在"
			if !c.indexed {
				detail = fmt.Sprintf("%s：运行清单 %s 登记的版本对象不存在（索引中也没有）", version(e), manifestKey(c.run))
			}
			add(Problem{e.Object, "缺失", detail})
			return nil
		case err != nil && storage.IsTransient(err):
			return fmt.Errorf("读取 %s：%w", e.Object, err)
		case err != nil:
			add(Problem{e.Object, "无法读取", version(e) + "：" + err.Error()})
			return nil
		}
		defer rc.Close()
		h := sha256.New()
		n, err := io.Copy(h, rc)
		if err != nil {
			if storage.IsTransient(err) {
				return fmt.Errorf("读取 %s：%w", e.Object, err)
			}
			add(Problem{e.Object, "无法读取", version(e) + "：" + err.Error()})
			return nil
		}
		mu.Lock()
		rep.Checked++
		rep.Bytes += n
		mu.Unlock()
		if got := hex.EncodeToString(h.Sum(nil)); got != e.SHA256 || n != e.Size {
			add(Problem{e.Object, "不符", fmt.Sprintf("%s：内容被改动（SHA-256 不符）：现为 %d 字节、SHA-256 %s；归档时为 %d 字节、%s",
				version(e), n, got, e.Size, e.SHA256)})
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	objs, err := a.versionObjects(ctx)
	if err != nil {
		return rep, err
	}
	for _, info := range objs {
		if !indexed[info.Key] {
			rep.Unindexed = append(rep.Unindexed, info.Key)
		}
	}
	sort.SliceStable(rep.Problems, func(i, j int) bool {
		p, q := rep.Problems[i], rep.Problems[j]
		if p.Object != q.Object {
			return p.Object < q.Object
		}
		return p.What < q.What
	})
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "%s\t%s\t%s\n", p.What, p.Object, p.Detail)
	}
	for _, k := range rep.Unindexed {
		if _, ok := named[k]; ok {
			fmt.Fprintf(w, "未登记\t%s\t批次已提交但索引缺少此版本：请运行 linghang archive reindex\n", k)
		} else {
			fmt.Fprintf(w, "未登记\t%s\t没有运行清单提到它（批次进行中或已中断）：可运行 linghang archive flush\n", k)
		}
	}
	fmt.Fprintf(w, "已校验 %d 个版本，共 %s；问题 %d 个，未登记 %d 个。\n", rep.Checked, HumanSize(rep.Bytes), len(rep.Problems), len(rep.Unindexed))
	return rep, nil
}

// version names a version for people: 2022/胸卡/胸卡.pdf 第 1 版.
func version(e Entry) string { return fmt.Sprintf("%s 第 %d 版", e.Key, e.Version) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// versionObjects lists the version objects under the year folders.
func (a *Archive) versionObjects(ctx context.Context) ([]storage.Info, error) {
	infos, err := a.store.List(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("列出归档对象：%w", err)
	}
	var out []storage.Info
	for _, info := range infos {
		if _, err := docYear(info.Key); err != nil {
			continue
		}
		if _, _, ok := splitVersion(info.Key); ok {
			out = append(out, info)
		}
	}
	return out, nil
}

// parallel runs fn(0..n-1) on a.opts.Workers goroutines and returns the
// first error, after which no new calls start.
func (a *Archive) parallel(ctx context.Context, n int, fn func(i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan int)
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	for w := 0; w < a.opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := fn(i); err != nil {
					once.Do(func() { first = err; cancel() })
				}
			}
		}()
	}
loop:
	for i := 0; i < n; i++ {
		select {
		case next <- i:
		case <-ctx.Done():
			break loop
		}
	}
	close(next)
	wg.Wait()
	if first == nil && ctx.Err() != nil {
		first = ctx.Err()
	}
	return first
}

// ReindexReport is the result of Reindex.
type ReindexReport struct {
	Years   []int
	Entries int      // versions indexed
	Runs    int      // manifests read
	Orphans []string // version objects no manifest names, left out
	Skipped []string // objects no manifest names and without usable archive metadata, or invalid manifest entries, with the reason
	// Damaged lists, with the reason, versions a manifest names whose
	// object is missing, unreadable or no longer holds the content
	// archived. They are indexed from the manifest all the same, and
	// Verify reports them until a person deals with them.
	Damaged []string
}

// Reindex rebuilds every year's index from the run manifests, the
// record of what each committed batch archived: every version a manifest
// names is indexed as the manifest describes it (its creating run's
// entry where several manifests name it), whatever state its object is
// in, so damage never makes the archive forget a document. Where the
// object's own metadata describes the same content, it fills in what the
// manifest lacks. Version objects no manifest names (batches never
// committed) are left out as orphans. For a healthy archive the result
// is the index the commits wrote.
func (a *Archive) Reindex(ctx context.Context) (ReindexReport, error) {
	var rep ReindexReport
	named, runs, err := a.manifestEntries(ctx)
	if err != nil {
		return rep, fmt.Errorf("重建索引：%w", err)
	}
	rep.Runs = runs
	objs, err := a.versionObjects(ctx)
	if err != nil {
		return rep, err
	}
	listed := make(map[string]storage.Info, len(objs))
	for _, info := range objs {
		listed[info.Key] = info
	}
	keys := sortedKeys(named)
	for _, info := range objs {
		if _, ok := named[info.Key]; !ok {
			keys = append(keys, info.Key)
		}
	}
	sort.Strings(keys)
	type result struct {
		e                Entry
		orphan           bool
		indexed          bool
		skipped, damaged string
	}
	res := make([]result, len(keys))
	err = a.parallel(ctx, len(keys), func(i int) error {
		obj := keys[i]
		r := &res[i]
		info, present := listed[obj]
		var statErr error
		if present && (info.SHA256 == "" || info.Metadata == nil) {
			st, err := a.store.Stat(ctx, obj)
			switch {
			case errors.Is(err, storage.ErrNotFound):
				present = false
			case err != nil && storage.IsTransient(err):
				return fmt.Errorf("查看 %s：%w", obj, err)
			case err != nil:
				statErr = err
			default:
				info = st
			}
		}
		n, ok := named[obj]
		if !ok {
			switch {
			case !present: // deleted since the listing
			case statErr != nil:
				r.skipped = fmt.Sprintf("%s：%v", obj, statErr)
			default:
				if _, err := entryFromInfo(info); err != nil {
					r.skipped = err.Error()
				} else {
					r.orphan = true
				}
			}
			return nil
		}
		e := n.Entry
		e.Current, e.Unchanged = false, false
		k, v, ok := splitVersion(e.Object)
		if y, err := docYear(e.Object); !ok || k != e.Key || v != e.Version || err != nil || y != e.Year {
			r.skipped = fmt.Sprintf("运行清单 %s 中 %s 的条目无效（文档键 %q、第 %d 版、年度 %d）", manifestKey(n.run), obj, e.Key, e.Version, e.Year)
			return nil
		}
		r.e, r.indexed = e, true
		switch {
		case !present:
			r.damaged = fmt.Sprintf("%s（%s）：版本对象不存在，已按运行清单 %s 收录", obj, version(e), manifestKey(n.run))
		case statErr != nil:
			r.damaged = fmt.Sprintf("%s（%s）：无法读取（%v），已按运行清单 %s 收录", obj, version(e), statErr, manifestKey(n.run))
		default:
			if info.Size != e.Size || info.SHA256 != "" && info.SHA256 != e.SHA256 {
				r.damaged = fmt.Sprintf("%s（%s）：内容被改动（SHA-256 不符），已按运行清单 %s 收录", obj, version(e), manifestKey(n.run))
			}
			if oe, err := entryFromInfo(info); err == nil && oe.SHA256 == e.SHA256 && oe.Size == e.Size {
				fillEntry(&r.e, oe)
			}
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("重建索引：%w", err)
	}
	byYear := map[int][]Entry{}
	for i, r := range res {
		switch {
		case r.skipped != "":
			rep.Skipped = append(rep.Skipped, r.skipped)
		case r.orphan:
			rep.Orphans = append(rep.Orphans, keys[i])
		}
		if r.damaged != "" {
			rep.Damaged = append(rep.Damaged, r.damaged)
		}
		if r.indexed {
			byYear[r.e.Year] = append(byYear[r.e.Year], r.e)
		}
	}
	old, err := a.Years(ctx)
	if err != nil {
		return rep, err
	}
	for _, y := range old {
		if _, ok := byYear[y]; !ok {
			byYear[y] = nil
		}
	}
	for y, es := range byYear {
		rep.Years = append(rep.Years, y)
		rep.Entries += len(es)
		sortEntries(es)
		if err := a.replaceIndex(ctx, y, es); err != nil {
			return rep, fmt.Errorf("重建索引：%w", err)
		}
	}
	sort.Ints(rep.Years)
	return rep, nil
}

// fillEntry fills the descriptive fields e lacks (a manifest written by
// an older linghang) from o, the same version described by its object.
func fillEntry(e *Entry, o Entry) {
	str := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	str((*string)(&e.Kind), string(o.Kind))
	str(&e.CohortName, o.CohortName)
	str(&e.Title, o.Title)
	str(&e.DocNumber, o.DocNumber)
	str(&e.Author, o.Author)
	str(&e.Date, o.Date)
	str(&e.Retention, o.Retention)
	str(&e.MIME, o.MIME)
	str(&e.Creator, o.Creator)
	str(&e.InputSHA, o.InputSHA)
	str(&e.RunID, o.RunID)
	if e.Cohort == 0 {
		e.Cohort = o.Cohort
	}
	if len(e.Names) == 0 {
		e.Names = o.Names
	}
	if e.Archived.IsZero() {
		e.Archived = o.Archived
	}
}

// replaceIndex overwrites the year's index with es, with if-match. When
// a commit lands in between, the entries it added (those not in the
// index as first read) are kept on top of es and the write is retried.
// An unreadable old index is simply replaced.
func (a *Archive) replaceIndex(ctx context.Context, year int, es []Entry) error {
	key := indexKey(year)
	var base map[string]bool // objects in the index when first read
	for try := 0; try < maxIndexTries; try++ {
		opts := storage.PutOptions{ContentType: "application/x-ndjson; charset=utf-8"}
		rc, info, err := a.store.Get(ctx, key)
		var old []byte
		switch {
		case errors.Is(err, storage.ErrNotFound):
			opts.CreateOnly = true
		case err != nil:
			return fmt.Errorf("读取索引 %s：%w", key, err)
		default:
			old, err = io.ReadAll(rc)
			rc.Close()
			if err != nil {
				return fmt.Errorf("读取索引 %s：%w", key, err)
			}
			opts.IfMatch = info.ETag
		}
		cur, _ := decodeIndex(bytes.NewReader(old)) // unreadable: replaced
		if base == nil {
			base = map[string]bool{}
			for _, e := range cur {
				base[e.Object] = true
			}
		} else {
			have := map[string]bool{}
			for _, e := range es {
				have[e.Object] = true
			}
			for _, e := range cur {
				if !base[e.Object] && !have[e.Object] {
					es = append(es, e) // added by a concurrent commit
				}
			}
			sortEntries(es)
		}
		want := encodeIndex(es)
		if info.ETag != "" && bytes.Equal(old, want) {
			return nil
		}
		_, err = a.store.Put(ctx, key, bytes.NewReader(want), opts)
		if errors.Is(err, storage.ErrExists) || errors.Is(err, storage.ErrPrecondition) {
			continue
		}
		if err != nil {
			return fmt.Errorf("写入索引 %s：%w", key, err)
		}
		return nil
	}
	return fmt.Errorf("写入索引 %s：%d 次并发冲突后放弃", key, maxIndexTries)
}

// namedEntry is a version as a run manifest records it.
type namedEntry struct {
	Entry
	run string // the run whose manifest names it
}

// manifestEntries reads every run manifest and maps each version object
// they name to its entry (the creating run's entry where there are
// several).
func (a *Archive) manifestEntries(ctx context.Context) (map[string]namedEntry, int, error) {
	ids, err := a.runIDs(ctx)
	if err != nil {
		return nil, 0, err
	}
	ms := make([]*Manifest, len(ids))
	err = a.parallel(ctx, len(ids), func(i int) error {
		m, err := a.Manifest(ctx, ids[i])
		if err != nil {
			return err
		}
		ms[i] = m
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	named := map[string]namedEntry{}
	for i, m := range ms {
		for _, e := range m.Entries {
			if e.Object == "" {
				continue
			}
			if old, ok := named[e.Object]; !ok || old.Unchanged && !e.Unchanged {
				named[e.Object] = namedEntry{e, ids[i]}
			}
		}
	}
	return named, len(ids), nil
}

// HumanSize formats a byte count for people: 1.5 MB.
func HumanSize(n int64) string {
	const unit = 1024
	if n < unit {
		return strconv.FormatInt(n, 10) + " B"
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %s", float64(n)/float64(div), strings.Split("KB MB GB TB PB", " ")[exp])
}
