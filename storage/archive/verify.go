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
	What   string // 缺失 | 不符 | 无法读取 | 未登记
	Detail string
}

// Report is the result of Verify.
type Report struct {
	Checked   int       // version objects read and hashed
	Bytes     int64     // bytes read
	Problems  []Problem // missing, mismatched or unreadable objects
	Unindexed []string  // version objects no index names (an open or abandoned batch)
}

// OK reports whether every indexed document is present and intact.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verify reads every archived version, recomputes its SHA-256 and size
// and compares them with the index. It reports missing and altered
// objects, and version objects no index names. It writes one line per
// finding and a summary to w (in Chinese); the error is for failures to
// run the check at all.
func (a *Archive) Verify(ctx context.Context, w io.Writer) (Report, error) {
	var rep Report
	all, err := a.entries(ctx, 0)
	if err != nil {
		return rep, err
	}
	var mu sync.Mutex
	add := func(p Problem) {
		mu.Lock()
		rep.Problems = append(rep.Problems, p)
		mu.Unlock()
	}
	err = a.parallel(ctx, len(all), func(i int) error {
		e := all[i]
		rc, _, err := a.store.Get(ctx, e.Object)
		switch {
		case errors.Is(err, storage.ErrNotFound):
			add(Problem{e.Object, "缺失", "索引中登记的版本对象不存在"})
			return nil
		case err != nil && storage.IsTransient(err):
			return fmt.Errorf("读取 %s：%w", e.Object, err)
		case err != nil:
			add(Problem{e.Object, "无法读取", err.Error()})
			return nil
		}
		defer rc.Close()
		h := sha256.New()
		n, err := io.Copy(h, rc)
		if err != nil {
			if storage.IsTransient(err) {
				return fmt.Errorf("读取 %s：%w", e.Object, err)
			}
			add(Problem{e.Object, "无法读取", err.Error()})
			return nil
		}
		mu.Lock()
		rep.Checked++
		rep.Bytes += n
		mu.Unlock()
		if got := hex.EncodeToString(h.Sum(nil)); got != e.SHA256 || n != e.Size {
			add(Problem{e.Object, "不符", fmt.Sprintf("现为 %d 字节、SHA-256 %s；归档时为 %d 字节、%s", n, got, e.Size, e.SHA256)})
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	indexed := make(map[string]bool, len(all))
	for _, e := range all {
		indexed[e.Object] = true
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
	var named map[string]Entry
	if len(rep.Unindexed) > 0 {
		if named, _, err = a.manifestEntries(ctx); err != nil {
			return rep, err
		}
	}
	sort.Slice(rep.Problems, func(i, j int) bool { return rep.Problems[i].Object < rep.Problems[j].Object })
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
	Skipped []string // objects without usable archive metadata, with the reason
}

// Reindex rebuilds every year's index from the version objects' own
// metadata. A version is indexed when a run manifest names it (its own
// run's, or a later run's that found it identical); versions of batches
// never committed are left out as orphans. Where object metadata had to
// be shortened (long titles, many names), the manifest's copy is used.
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
	entries := make([]Entry, len(objs))
	problems := make([]string, len(objs))
	err = a.parallel(ctx, len(objs), func(i int) error {
		info := objs[i]
		if info.SHA256 == "" || info.Metadata == nil {
			st, err := a.store.Stat(ctx, info.Key)
			if err != nil {
				if storage.IsTransient(err) {
					return fmt.Errorf("查看 %s：%w", info.Key, err)
				}
				problems[i] = fmt.Sprintf("%s：%v", info.Key, err)
				return nil
			}
			info = st
		}
		e, err := entryFromInfo(info)
		if err != nil {
			problems[i] = err.Error()
			return nil
		}
		entries[i] = e
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("重建索引：%w", err)
	}
	byYear := map[int][]Entry{}
	for i, e := range entries {
		if problems[i] != "" {
			rep.Skipped = append(rep.Skipped, problems[i])
			continue
		}
		me, ok := named[e.Object]
		if !ok {
			rep.Orphans = append(rep.Orphans, e.Object)
			continue
		}
		if me.SHA256 == e.SHA256 {
			e.Title, e.Names = me.Title, me.Names
		}
		byYear[e.Year] = append(byYear[e.Year], e)
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

// manifestEntries reads every run manifest and maps each version object
// they name to its entry (the creating run's entry where there are
// several).
func (a *Archive) manifestEntries(ctx context.Context) (map[string]Entry, int, error) {
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
	named := map[string]Entry{}
	for _, m := range ms {
		for _, e := range m.Entries {
			if old, ok := named[e.Object]; !ok || old.Unchanged && !e.Unchanged {
				named[e.Object] = e
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
