package archive

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	segjson "github.com/segmentio/encoding/json"

	"linghang/storage"
)

// The index is one JSON Lines object per year, _index/<year>.jsonl, one
// Entry per archived version, sorted by key and version. Writers merge
// their entries with if-match (create-only for a new year), retrying on
// conflict, so concurrent writers never lose entries. Merging is
// idempotent: an entry already there (same object) is kept as is.

func indexKey(year int) string { return fmt.Sprintf("%s%d.jsonl", indexDir, year) }

// maxIndexTries bounds the optimistic retries of an index update.
const maxIndexTries = 32

// indexRecheck is how long put trusts a read that found no index for a
// year (nothing committed yet) without asking the store again: the first
// run of a year paid two round trips per document for it on S3. A
// version another writer commits meanwhile is met by put's create-only
// writes, as when an index is lost. A year that has an index is checked
// for every document: a stale one could make put reuse an older version.
const indexRecheck = 2 * time.Second

// recentIndex is readIndex, trusting for indexRecheck a read that found
// no index.
func (a *Archive) recentIndex(ctx context.Context, year int) ([]Entry, string, error) {
	a.mu.Lock()
	at, ok := a.noIndex[year]
	a.mu.Unlock()
	if ok && time.Since(at) < indexRecheck {
		return nil, "", nil
	}
	es, etag, err := a.readIndex(ctx, year)
	if err == nil && etag == "" && len(es) == 0 {
		a.mu.Lock()
		if a.noIndex == nil {
			a.noIndex = map[int]time.Time{}
		}
		a.noIndex[year] = time.Now()
		a.mu.Unlock()
	}
	return es, etag, err
}

func (a *Archive) readIndex(ctx context.Context, year int) ([]Entry, string, error) {
	key := indexKey(year)
	// A parsed index is reused while its ETag is unchanged: a Stat is
	// much cheaper than reading and parsing a year of entries.
	if info, err := a.store.Stat(ctx, key); err == nil {
		a.mu.Lock()
		c, ok := a.indexes[year]
		a.mu.Unlock()
		if ok && info.ETag != "" && c.etag == info.ETag {
			return slices.Clip(c.entries), c.etag, nil
		}
	}
	rc, info, err := a.store.Get(ctx, key)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", fmt.Errorf("读取索引 %s：%w", key, err)
	}
	defer rc.Close()
	entries, err := decodeIndex(rc)
	if err != nil {
		return nil, "", fmt.Errorf("索引 %s 损坏（可运行 linghang archive reindex 重建）：%w", key, err)
	}
	if info.ETag != "" {
		a.mu.Lock()
		a.indexes[year] = cachedIndex{etag: info.ETag, entries: entries}
		a.mu.Unlock()
	}
	// Clipped, so a caller's append never writes into the cached array.
	return slices.Clip(entries), info.ETag, nil
}

// cachedIndex is a parsed year index and the ETag it was read at.
type cachedIndex struct {
	etag    string
	entries []Entry
	latest  map[string]int // key → newest version, built on first use
	sorted  []Entry        // entries by key and version, Current set; built on first use
}

// indexedVersion is the newest version of key the year's index records
// (0 if none or no index yet, -1 if it cannot tell), from the cached
// index: one Stat of the index, no listing. A version the index does not
// know (an index lost, a batch not yet committed) is found by put's
// create-only writes, which then list once.
func (a *Archive) indexedVersion(ctx context.Context, year int, key string) (int, error) {
	es, etag, err := a.recentIndex(ctx, year)
	if err != nil {
		return 0, err
	}
	if etag == "" && len(es) == 0 {
		return 0, nil // no index: nothing committed that it could name
	}
	if etag == "" {
		return -1, nil // a store without ETags: unknown, list instead
	}
	return a.latest(year, etag, es)[key], nil
}

// Versions returns the newest version of every document of year that the
// index records, from the cached index (one Stat when it is unchanged).
// The map is shared: callers must not modify it.
func (a *Archive) Versions(ctx context.Context, year int) (map[string]int, error) {
	es, etag, err := a.readIndex(ctx, year)
	if err != nil {
		return nil, err
	}
	return a.latest(year, etag, es), nil
}

// latest maps each key of es (year's index at etag) to its newest
// version, built once per cached index version.
func (a *Archive) latest(year int, etag string, es []Entry) map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.indexes[year]
	if !ok || c.etag != etag || etag == "" {
		m := make(map[string]int, len(es))
		for _, e := range es {
			m[e.Key] = max(m[e.Key], e.Version)
		}
		return m
	}
	if c.latest == nil {
		c.latest = make(map[string]int, len(c.entries))
		for _, e := range c.entries {
			c.latest[e.Key] = max(c.latest[e.Key], e.Version)
		}
		a.indexes[year] = c
	}
	return c.latest
}

// decodeIndex parses an index, one JSON entry per line. The lines are
// decoded on every CPU: a year of 30,000 entries is read by each command
// that plans documents.
func decodeIndex(r io.Reader) ([]Entry, error) {
	type rawLine struct {
		n int
		b []byte
	}
	var lines []rawLine
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	n := 0
	for sc.Scan() {
		n++
		if b := bytes.TrimSpace(sc.Bytes()); len(b) > 0 {
			lines = append(lines, rawLine{n, bytes.Clone(b)})
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	out := make([]Entry, len(lines))
	errs := make([]error, len(lines))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(lines)/1000))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(lines); i += workers {
				if err := segjson.Unmarshal(lines[i].b, &out[i]); err != nil {
					errs[i] = fmt.Errorf("第 %d 行无法解析：%w", lines[i].n, err)
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err // the first bad line
		}
	}
	return out, nil
}

func encodeIndex(entries []Entry) []byte {
	var buf bytes.Buffer
	for _, e := range entries {
		e.Current, e.Unchanged = false, false
		b, _ := json.Marshal(e)
		buf.Write(b)
		buf.WriteByte('\n')
	}
	return buf.Bytes()
}

func sortEntries(es []Entry) {
	sort.Slice(es, func(i, j int) bool {
		if es[i].Key != es[j].Key {
			return es[i].Key < es[j].Key
		}
		return es[i].Version < es[j].Version
	})
}

// updateIndex applies fn to the year's index and writes the result with
// if-match, retrying when another writer got there first. fn reports
// whether it changed anything.
func (a *Archive) updateIndex(ctx context.Context, year int, fn func([]Entry) ([]Entry, bool)) error {
	key := indexKey(year)
	for try := 0; try < maxIndexTries; try++ {
		old, etag, err := a.readIndex(ctx, year)
		if err != nil {
			return err
		}
		next, changed := fn(old)
		if !changed {
			return nil
		}
		sortEntries(next)
		opts := storage.PutOptions{ContentType: "application/x-ndjson; charset=utf-8"}
		if etag == "" {
			opts.CreateOnly = true
		} else {
			opts.IfMatch = etag
		}
		_, err = a.store.Put(ctx, key, bytes.NewReader(encodeIndex(next)), opts)
		if errors.Is(err, storage.ErrExists) || errors.Is(err, storage.ErrPrecondition) {
			continue
		}
		if err != nil {
			return fmt.Errorf("写入索引 %s：%w", key, err)
		}
		a.mu.Lock()
		delete(a.noIndex, year) // the year has an index now
		a.mu.Unlock()
		return nil
	}
	return fmt.Errorf("写入索引 %s：%d 次并发冲突后放弃", key, maxIndexTries)
}

// addToIndex merges entries into their years' indexes.
func (a *Archive) addToIndex(ctx context.Context, entries []Entry) error {
	byYear := map[int][]Entry{}
	for _, e := range entries {
		byYear[e.Year] = append(byYear[e.Year], e)
	}
	years := make([]int, 0, len(byYear))
	for y := range byYear {
		years = append(years, y)
	}
	sort.Ints(years)
	for _, y := range years {
		add := byYear[y]
		err := a.updateIndex(ctx, y, func(old []Entry) ([]Entry, bool) {
			have := make(map[string]bool, len(old))
			for _, e := range old {
				have[e.Object] = true
			}
			changed := false
			for _, e := range add {
				if !have[e.Object] {
					e.Unchanged = false
					old = append(old, e)
					have[e.Object] = true
					changed = true
				}
			}
			return old, changed
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// Years lists the years that have an index, ascending.
func (a *Archive) Years(ctx context.Context) ([]int, error) {
	infos, err := a.store.List(ctx, indexDir)
	if err != nil {
		return nil, fmt.Errorf("列出索引：%w", err)
	}
	var years []int
	for _, info := range infos {
		s := strings.TrimSuffix(strings.TrimPrefix(info.Key, indexDir), ".jsonl")
		if y, err := strconv.Atoi(s); err == nil && indexKey(y) == info.Key {
			years = append(years, y)
		}
	}
	return years, nil
}

// entries returns the index entries of one year, or of every year when
// year is 0, with Current set on each key's newest version.
func (a *Archive) entries(ctx context.Context, year int) ([]Entry, error) {
	years := []int{year}
	if year == 0 {
		var err error
		if years, err = a.Years(ctx); err != nil {
			return nil, err
		}
	}
	var all []Entry
	for _, y := range years {
		es, etag, err := a.readIndex(ctx, y)
		if err != nil {
			return nil, err
		}
		if len(years) == 1 && etag != "" {
			return a.sortedIndex(y, etag, es), nil
		}
		all = append(all, es...)
	}
	sortEntries(all)
	markCurrent(all)
	return all, nil
}

// sortedIndex is es (year's index at etag) sorted with Current set,
// sorted once per index version: every job of a run finds in it. The
// result is shared; callers copy what they keep and never modify it.
func (a *Archive) sortedIndex(year int, etag string, es []Entry) []Entry {
	a.mu.Lock()
	c, ok := a.indexes[year]
	a.mu.Unlock()
	if ok && c.etag == etag && c.sorted != nil {
		return slices.Clip(c.sorted)
	}
	sorted := slices.Clone(es)
	sortEntries(sorted)
	markCurrent(sorted)
	a.mu.Lock()
	if c, ok := a.indexes[year]; ok && c.etag == etag {
		c.sorted = sorted
		a.indexes[year] = c
	}
	a.mu.Unlock()
	return slices.Clip(sorted)
}

func markCurrent(all []Entry) {
	for i := range all {
		all[i].Current = i == len(all)-1 || all[i+1].Key != all[i].Key
	}
}

// Query selects documents. Zero fields match everything; text fields
// match case-insensitively and ignore spaces and the style of brackets,
// so 科协办函组字[2022]47号 finds 科协办函组字〔2022〕47号.
type Query struct {
	Year      int
	Kind      Kind
	Cohort    int
	Title     string // every word (space-separated) occurs in the title
	Name      string // an applicant named on the document
	DocNumber string // occurs in the 文号
	Prefix    string // the document key starts with it
	// VerifySHA256 selects the documents that carry the verification
	// code with this hex SHA-256 (Doc.VerifySHA256).
	VerifySHA256 string
	// AllVersions includes superseded versions; by default only the
	// current version of each document is returned.
	AllVersions bool
}

// Find returns the documents matching q, sorted by key and version,
// from the index alone: it never lists the bucket.
func (a *Archive) Find(ctx context.Context, q Query) ([]Entry, error) {
	year := q.Year
	if year == 0 && q.Prefix != "" {
		first, _, _ := strings.Cut(q.Prefix, "/")
		if y, err := strconv.Atoi(first); err == nil && strings.Contains(q.Prefix, "/") {
			year = y
		}
	}
	all, err := a.entries(ctx, year)
	if err != nil {
		return nil, err
	}
	words := strings.Fields(fold(q.Title))
	name, docNo, code := fold(q.Name), fold(q.DocNumber), strings.ToLower(q.VerifySHA256)
	var out []Entry
	for _, e := range all {
		switch {
		case !q.AllVersions && !e.Current,
			q.Year != 0 && e.Year != q.Year,
			q.Kind != "" && e.Kind != q.Kind,
			q.Cohort != 0 && e.Cohort != q.Cohort,
			q.Prefix != "" && !strings.HasPrefix(e.Key, q.Prefix),
			docNo != "" && !strings.Contains(fold(e.DocNumber), docNo),
			name != "" && !hasName(e.Names, name),
			code != "" && e.VerifySHA256 != code:
			continue
		}
		if len(words) > 0 && !containsAll(fold(e.Title), words) {
			continue
		}
		out = append(out, e)
	}
	return out, nil
}

func hasName(names []string, want string) bool {
	for _, n := range names {
		if strings.Contains(fold(n), want) {
			return true
		}
	}
	return false
}

func containsAll(s string, words []string) bool {
	for _, w := range words {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

// fold normalises text for matching: lower case, full-width ASCII to
// half-width, every bracket style to one, the middle dots of names to
// one, spaces dropped except between words.
func fold(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case r >= '！' && r <= '～':
			r -= 0xfee0 // full-width ASCII
		case r == '\u3000':
			r = ' '
		}
		switch r {
		case '〔', '［', '【', '(', '（', '{', '〖':
			r = '['
		case '〕', '］', '】', ')', '）', '}', '〗':
			r = ']'
		case '·', '•', '‧', '・', '．':
			r = '·'
		}
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// docYear reads the year folder of a key.
func docYear(key string) (int, error) {
	first, _, ok := strings.Cut(key, "/")
	y, err := strconv.Atoi(first)
	if !ok || err != nil {
		return 0, fmt.Errorf("文档键 %q 不以年度开头", key)
	}
	return y, nil
}

// History returns every archived version of the document key (its
// logical key or any version object's key), oldest first; the newest is
// marked Current.
func (a *Archive) History(ctx context.Context, key string) ([]Entry, error) {
	if k, _, ok := splitVersion(key); ok {
		key = k
	}
	year, err := docYear(key)
	if err != nil {
		return nil, err
	}
	all, err := a.entries(ctx, year)
	if err != nil {
		return nil, err
	}
	// all is sorted by key: the versions of key are one run.
	i := sort.Search(len(all), func(i int) bool { return all[i].Key >= key })
	j := i
	for j < len(all) && all[j].Key == key {
		j++
	}
	out := slices.Clone(all[i:j])
	if len(out) == 0 {
		return nil, fmt.Errorf("归档中没有文档 %s：%w", key, storage.ErrNotFound)
	}
	return out, nil
}

// Open opens version v of the document key (0 = current). key may also
// be a version object's key, which selects that version. The reader
// checks the SHA-256 as it goes: reading to the end returns an error
// if the content differs from what was archived.
func (a *Archive) Open(ctx context.Context, key string, v int) (io.ReadCloser, Entry, error) {
	if k, n, ok := splitVersion(key); ok {
		if v != 0 && v != n {
			return nil, Entry{}, fmt.Errorf("%s 是第 %d 版，与所要的第 %d 版矛盾", key, n, v)
		}
		key, v = k, n
	}
	hist, err := a.History(ctx, key)
	if err != nil {
		return nil, Entry{}, err
	}
	e := hist[len(hist)-1]
	if v != 0 {
		found := false
		for _, h := range hist {
			if h.Version == v {
				e, found = h, true
			}
		}
		if !found {
			return nil, Entry{}, fmt.Errorf("文档 %s 没有第 %d 版（共 %d 个版本，当前为第 %d 版）：%w",
				key, v, len(hist), hist[len(hist)-1].Version, storage.ErrNotFound)
		}
	}
	rc, _, err := a.store.Get(ctx, e.Object)
	if err != nil {
		return nil, Entry{}, fmt.Errorf("读取 %s：%w", e.Object, err)
	}
	return newCheckedReader(rc, e), e, nil
}
