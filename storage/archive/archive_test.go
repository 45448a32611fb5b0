package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"linghang/storage"
	"linghang/storage/fs"
)

var testNow = time.Date(2022, time.April, 1, 9, 30, 0, 0, time.UTC)

// newFS opens a real fs store in a temporary directory.
func newFS(t testing.TB) *fs.Store {
	t.Helper()
	st, err := fs.New(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// backend makes a fresh, empty store for one test.
type backend struct {
	name string
	new  func(testing.TB) storage.Store
}

// s3Backend is set by archive_s3_test.go when an S3 test server is
// configured (LINGHANG_TEST_S3_ENDPOINT).
var s3Backend *backend

// forEachStore runs fn on the fs store and, when configured, on S3.
func forEachStore(t *testing.T, fn func(t *testing.T, st storage.Store)) {
	bs := []backend{{"fs", func(t testing.TB) storage.Store { return newFS(t) }}}
	if s3Backend != nil {
		bs = append(bs, *s3Backend)
	}
	for _, b := range bs {
		t.Run(b.name, func(t *testing.T) { fn(t, b.new(t)) })
	}
}

func newArchive(t testing.TB, st storage.Store, spool string) *Archive {
	t.Helper()
	if spool == "" {
		spool = filepath.Join(t.TempDir(), "spool")
	}
	return New(st, Options{Program: "linghang", Version: "test", Clock: func() time.Time { return testNow }, SpoolDir: spool})
}

func noticeDoc(body string) Doc {
	return Doc{
		Year:      2022,
		Kind:      Notice,
		Title:     "中国科协办公厅关于开展2022年“领航计划”青年科技领军人才国情研修活动的通知",
		DocNumber: "科协办函组字〔2022〕47号",
		Author:    "中国科协办公厅",
		Date:      time.Date(2022, 3, 31, 0, 0, 0, 0, time.UTC),
		Filename:  "通知-科协办函组字〔2022〕47号.pdf",
		Body:      []byte(body),
	}
}

func formDoc(cohort int, cohortName, name, id, body string) Doc {
	return Doc{
		Year:       2022,
		Kind:       Form,
		Cohort:     cohort,
		CohortName: cohortName,
		Title:      "报名表 " + name,
		Author:     "中国科协党校",
		Names:      []string{name},
		Filename:   PersonFilename(Form, name, id, ".pdf"),
		Body:       []byte(body),
	}
}

// commit archives docs in one batch and returns the manifest.
// certDoc is a 结业证书 carrying a verification code whose SHA-256 is
// code (hex).
func certDoc(name, number, code string) Doc {
	return Doc{
		Year: 2022, Kind: Certificate, Cohort: 3, CohortName: "江苏省科协党校班",
		Title: "结业证书 " + name, DocNumber: number, Names: []string{name},
		Filename: PersonFilename(Certificate, name, "002X", ".pdf"), Body: []byte(number + code),
		VerifySHA256: code,
	}
}

func commit(t testing.TB, a *Archive, run string, docs ...Doc) *Manifest {
	t.Helper()
	ctx := context.Background()
	b, err := a.Begin(ctx, run, "inputsha")
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if _, err := b.Add(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	m, err := b.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func read(t testing.TB, a *Archive, key string, v int) (string, Entry) {
	t.Helper()
	rc, e, err := a.Open(context.Background(), key, v)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), e
}

func TestDocKey(t *testing.T) {
	tests := []struct {
		name string
		doc  Doc
		want string
	}{
		{"notice", noticeDoc("x"), "2022/通知/通知-科协办函组字〔2022〕47号.pdf"},
		{"form in cohort", formDoc(3, "江苏省科协党校班", "张三", "32010219900101002X", "x"),
			"2022/第03期-江苏省科协党校班/报名表/报名表-张三-002X.pdf"},
		{"cohort without name", Doc{Year: 2022, Kind: Badges, Cohort: 10, Filename: "胸卡.pdf"}, "2022/第10期/胸卡/胸卡.pdf"},
		{"title as file name", Doc{Year: 2023, Kind: Roster, Title: "学员名单", MIME: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
			"2023/名单/学员名单.xlsx"},
		{"unsafe characters", Doc{Year: 2022, Kind: Data, Filename: `../a/b:c*?.json`}, "2022/数据/_a_b_c__.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DocKey(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("DocKey = %q, want %q", got, tt.want)
			}
			if err := storage.CheckKey(got); err != nil {
				t.Error(err)
			}
		})
	}
	bad := []struct {
		name string
		doc  Doc
		want string
	}{
		{"no year", Doc{Kind: Notice, Title: "x"}, "年度"},
		{"unknown kind", Doc{Year: 2022, Kind: "memo", Title: "x"}, "文件类别"},
		{"no title", Doc{Year: 2022, Kind: Notice}, "题名"},
		{"version-like name", Doc{Year: 2022, Kind: Notice, Filename: "a.v0001.pdf"}, "版本"},
		{"cohort out of range", Doc{Year: 2022, Kind: Form, Cohort: 100, Title: "x"}, "期次"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DocKey(tt.doc)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("DocKey error = %v, want one mentioning %s", err, tt.want)
			}
		})
	}
}

func TestVersionKey(t *testing.T) {
	tests := []struct {
		key  string
		v    int
		want string
	}{
		{"2022/通知/通知.pdf", 1, "2022/通知/通知.v0001.pdf"},
		{"2022/数据/学员.tar.gz", 12, "2022/数据/学员.tar.v0012.gz"},
		{"2022/数据/README", 3, "2022/数据/README.v0003"},
		{"2022/数据/a.b.c.pdf", 10000, "2022/数据/a.b.c.v10000.pdf"},
	}
	for _, tt := range tests {
		got := versionKey(tt.key, tt.v)
		if got != tt.want {
			t.Errorf("versionKey(%q, %d) = %q, want %q", tt.key, tt.v, got, tt.want)
		}
		k, v, ok := splitVersion(got)
		if !ok || k != tt.key || v != tt.v {
			t.Errorf("splitVersion(%q) = %q, %d, %v; want %q, %d", got, k, v, ok, tt.key, tt.v)
		}
	}
	for _, k := range []string{"2022/通知/通知.pdf", "2022/a.v12.pdf", "2022/.v0001.pdf", "2022/a.v0000.pdf"} {
		if _, _, ok := splitVersion(k); ok {
			t.Errorf("splitVersion(%q) accepted a non-version key", k)
		}
	}
}

func TestVersionsAndDedup(t *testing.T) { forEachStore(t, testVersionsAndDedup) }

func testVersionsAndDedup(t *testing.T, st storage.Store) {
	a := newArchive(t, st, "")
	ctx := context.Background()
	key := "2022/通知/通知-科协办函组字〔2022〕47号.pdf"

	steps := []struct {
		run       string
		body      string
		wantV     int
		unchanged bool
	}{
		{"run-1", "第一版", 1, false},
		{"run-2", "第一版", 1, true}, // same SHA-256: no new version
		{"run-3", "第二版", 2, false},
		{"run-4", "第一版", 3, false}, // back to old content: a new version
	}
	for _, s := range steps {
		m := commit(t, a, s.run, noticeDoc(s.body))
		got := m.Entries[0]
		if got.Version != s.wantV || got.Unchanged != s.unchanged {
			t.Errorf("%s: version %d unchanged %v, want %d %v", s.run, got.Version, got.Unchanged, s.wantV, s.unchanged)
		}
	}
	hist, err := a.History(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hist {
		got = append(got, fmt.Sprintf("v%d %s current=%v", h.Version, h.RunID, h.Current))
	}
	want := []string{"v1 run-1 current=false", "v2 run-3 current=false", "v3 run-4 current=true"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("history:\n got %q\nwant %q", got, want)
	}
	for v, want := range map[int]string{0: "第一版", 1: "第一版", 2: "第二版", 3: "第一版"} {
		if body, _ := read(t, a, key, v); body != want {
			t.Errorf("Open(v%d) = %q, want %q", v, body, want)
		}
	}
	// Every version is its own object; nothing was overwritten.
	infos, err := st.List(ctx, "2022/通知/")
	if err != nil {
		t.Fatal(err)
	}
	var objs []string
	for _, i := range infos {
		objs = append(objs, i.Key)
	}
	wantObjs := []string{
		"2022/通知/通知-科协办函组字〔2022〕47号.v0001.pdf",
		"2022/通知/通知-科协办函组字〔2022〕47号.v0002.pdf",
		"2022/通知/通知-科协办函组字〔2022〕47号.v0003.pdf",
	}
	if strings.Join(objs, "\n") != strings.Join(wantObjs, "\n") {
		t.Errorf("objects:\n%s\nwant\n%s", strings.Join(objs, "\n"), strings.Join(wantObjs, "\n"))
	}
	if _, _, err := a.Open(ctx, key, 9); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Open(v9) error = %v, want ErrNotFound", err)
	}
	if body, e := read(t, a, wantObjs[1], 0); body != "第二版" || e.Version != 2 {
		t.Errorf("Open(version object) = %q v%d, want 第二版 v2", body, e.Version)
	}
}

func TestMetadataRoundTrip(t *testing.T) { forEachStore(t, testMetadataRoundTrip) }

func testMetadataRoundTrip(t *testing.T, st storage.Store) {
	a := newArchive(t, st, "")
	ctx := context.Background()
	d := formDoc(3, "江苏省科协党校班", "欧阳·娜娜", "32010219900101002X", "%PDF-1.4 报名表")
	d.Date = time.Date(2022, 4, 20, 0, 0, 0, 0, time.UTC)
	m := commit(t, a, "20220401T093000Z-0001", d)
	want := m.Entries[0]
	info, err := st.Stat(ctx, want.Object)
	if err != nil {
		t.Fatal(err)
	}
	got, err := entryFromInfo(info)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ field, got, want string }{
		{"题名", got.Title, "报名表 欧阳·娜娜"},
		{"责任者", got.Author, "中国科协党校"},
		{"日期", got.Date, "2022-04-20"},
		{"年度", fmt.Sprint(got.Year), "2022"},
		{"期次", fmt.Sprintf("%d %s", got.Cohort, got.CohortName), "3 江苏省科协党校班"},
		{"文件类别", string(got.Kind), "form"},
		{"保管期限", got.Retention, "定期30年"},
		{"格式", got.MIME, "application/pdf"},
		{"大小", fmt.Sprint(got.Size), fmt.Sprint(len(d.Body))},
		{"SHA-256", got.SHA256, sum(d.Body)},
		{"文档创建程序", got.Creator, "linghang test"},
		{"输入数据 SHA-256", got.InputSHA, "inputsha"},
		{"运行编号", got.RunID, "20220401T093000Z-0001"},
		{"学员", strings.Join(got.Names, ","), "欧阳·娜娜"},
		{"版本", fmt.Sprint(got.Version), "1"},
		{"归档时间", got.Archived.Format(time.RFC3339), "2022-04-01T09:30:00Z"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if got.Key != want.Key || got.Object != want.Object {
		t.Errorf("keys = %s %s, want %s %s", got.Key, got.Object, want.Key, want.Object)
	}
}

func TestMetadataFitsWithManyNames(t *testing.T) { forEachStore(t, testMetadataFitsWithManyNames) }

func testMetadataFitsWithManyNames(t *testing.T, st storage.Store) {
	a := newArchive(t, st, "")
	var names []string
	for i := 0; i < 300; i++ {
		names = append(names, fmt.Sprintf("学员%03d", i))
	}
	d := Doc{Year: 2022, Kind: Roster, Cohort: 1, CohortName: "河南省科协党校班", Title: strings.Repeat("很长的题名", 200),
		Names: names, Filename: "学员名单.xlsx", Body: []byte("xlsx")}
	m := commit(t, a, "run-1", d)
	e := m.Entries[0]
	info, err := st.Stat(context.Background(), e.Object)
	if err != nil {
		t.Fatal(err)
	}
	md := info.Metadata
	delete(md, storage.MetaSHA256)
	if err := storage.CheckMetadata(md); err != nil {
		t.Errorf("stored metadata does not fit: %v", err)
	}
	if !strings.HasSuffix(md[metaNames], "等300人") {
		t.Errorf("names metadata = %q, want it cut with 等300人", md[metaNames])
	}
	found, err := a.Find(context.Background(), Query{Name: "学员299"})
	if err != nil {
		t.Fatal(err)
	}
	if len(found) != 1 || len(found[0].Names) != 300 {
		t.Errorf("index keeps %d names in %d entries, want all 300 in 1", len(found[0].Names), len(found))
	}
}

func TestFind(t *testing.T) { forEachStore(t, testFind) }

func testFind(t *testing.T, st storage.Store) {
	a := newArchive(t, st, "")
	ctx := context.Background()
	commit(t, a, "run-1",
		noticeDoc("通知"),
		formDoc(3, "江苏省科协党校班", "张三", "32010219900101002X", "张三的表"),
		formDoc(3, "江苏省科协党校班", "李四", "320102199001011234", "李四的表"),
		formDoc(5, "河南省科协党校班", "王五", "410102199001011111", "王五的表"),
		Doc{Year: 2023, Kind: Roster, Cohort: 3, CohortName: "江苏省科协党校班", Title: "2023年学员名单", Filename: "学员名单.xlsx", Body: []byte("名单")},
	)
	commit(t, a, "run-2", formDoc(3, "江苏省科协党校班", "张三", "32010219900101002X", "张三的表（修改）"))
	tests := []struct {
		name string
		q    Query
		want []string
	}{
		{"year", Query{Year: 2023}, []string{"2023/第03期-江苏省科协党校班/名单/学员名单.xlsx v1"}},
		{"kind and cohort", Query{Kind: Form, Cohort: 3}, []string{
			"2022/第03期-江苏省科协党校班/报名表/报名表-张三-002X.pdf v2",
			"2022/第03期-江苏省科协党校班/报名表/报名表-李四-1234.pdf v1"}},
		{"name", Query{Name: "王五"}, []string{"2022/第05期-河南省科协党校班/报名表/报名表-王五-1111.pdf v1"}},
		{"all versions", Query{Name: "张三", AllVersions: true}, []string{
			"2022/第03期-江苏省科协党校班/报名表/报名表-张三-002X.pdf v1",
			"2022/第03期-江苏省科协党校班/报名表/报名表-张三-002X.pdf v2"}},
		{"title words", Query{Title: "领航计划 通知"}, []string{"2022/通知/通知-科协办函组字〔2022〕47号.pdf v1"}},
		{"doc number with other brackets", Query{DocNumber: "科协办函组字[2022]47号"}, []string{"2022/通知/通知-科协办函组字〔2022〕47号.pdf v1"}},
		{"doc number full-width", Query{DocNumber: "（２０２２）４７"}, []string{"2022/通知/通知-科协办函组字〔2022〕47号.pdf v1"}},
		{"prefix", Query{Prefix: "2022/第05期"}, []string{"2022/第05期-河南省科协党校班/报名表/报名表-王五-1111.pdf v1"}},
		{"nothing", Query{Name: "赵六"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es, err := a.Find(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range es {
				got = append(got, fmt.Sprintf("%s v%d", e.Key, e.Version))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("Find(%+v):\n got %q\nwant %q", tt.q, got, tt.want)
			}
		})
	}
}

func TestBatchVisibleOnlyAfterCommit(t *testing.T) { forEachStore(t, testBatchVisibleOnlyAfterCommit) }

func testBatchVisibleOnlyAfterCommit(t *testing.T, st storage.Store) {
	a := newArchive(t, st, "")
	ctx := context.Background()
	b, err := a.Begin(ctx, "run-1", "in")
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := b.Add(ctx, formDoc(1, "", fmt.Sprintf("学员%d", i), "", "body")); err != nil {
			t.Fatal(err)
		}
	}
	if es, err := a.Find(ctx, Query{}); err != nil || len(es) != 0 {
		t.Fatalf("before commit Find = %d entries, %v; want none", len(es), err)
	}
	if _, err := st.Stat(ctx, manifestKey("run-1")); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("manifest before commit: %v", err)
	}
	m, err := b.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 3 || m.Recovered {
		t.Errorf("manifest: %d entries, recovered %v; want 3, false", len(m.Entries), m.Recovered)
	}
	got, err := a.Manifest(ctx, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	if !sameEntries(got.Entries, m.Entries) || got.InputSHA != "in" || got.Creator != "linghang test" {
		t.Errorf("stored manifest differs: %+v", got)
	}
	if es, _ := a.Find(ctx, Query{}); len(es) != 3 {
		t.Errorf("after commit Find = %d entries, want 3", len(es))
	}
	if ents, _ := os.ReadDir(a.SpoolDir()); len(ents) != 0 {
		t.Errorf("spool not cleaned: %v", ents)
	}
	if _, err := b.Add(ctx, noticeDoc("late")); err == nil {
		t.Error("Add after Commit succeeded")
	}
	if _, err := a.Begin(ctx, "../x", ""); err == nil {
		t.Error("Begin accepted an unsafe run ID")
	}
}

func TestAbort(t *testing.T) { forEachStore(t, testAbort) }

func testAbort(t *testing.T, st storage.Store) {
	a := newArchive(t, st, "")
	ctx := context.Background()
	commit(t, a, "run-1", noticeDoc("v1"))
	b, err := a.Begin(ctx, "run-2", "")
	if err != nil {
		t.Fatal(err)
	}
	b.Add(ctx, noticeDoc("v1"))                     // unchanged: must survive Abort
	b.Add(ctx, formDoc(2, "", "张三", "1234", "new")) // new: removed by Abort
	if err := b.Abort(ctx); err != nil {
		t.Fatal(err)
	}
	infos, _ := st.List(ctx, "2022/")
	if len(infos) != 1 || !strings.HasSuffix(infos[0].Key, ".v0001.pdf") {
		t.Errorf("after abort objects = %v, want only the notice v1", infos)
	}
	if rep, err := a.Verify(ctx, io.Discard); err != nil || !rep.OK() || len(rep.Unindexed) != 0 {
		t.Errorf("verify after abort: %+v %v", rep, err)
	}
}

// flaky wraps a store and fails every call with a network error while
// down is set, the way an unreachable S3 endpoint does.
type flaky struct {
	storage.Store
	mu      sync.Mutex
	down    bool
	failAt  int // go down at the failAt-th Put (0: never by itself)
	puts    int
	options []storage.PutOptions
}

var errDown = fmt.Errorf("dial tcp 10.0.0.5:9000: connect: connection refused: %w", storage.ErrUnavailable)

func (f *flaky) check(put bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if put {
		f.puts++
		if f.failAt > 0 && f.puts == f.failAt {
			f.down = true
		}
	}
	if f.down {
		return errDown
	}
	return nil
}

func (f *flaky) setDown(v bool) { f.mu.Lock(); f.down = v; f.mu.Unlock() }

func (f *flaky) Put(ctx context.Context, key string, r io.Reader, o storage.PutOptions) (storage.Info, error) {
	if err := f.check(true); err != nil {
		return storage.Info{}, err
	}
	f.mu.Lock()
	f.options = append(f.options, o)
	f.mu.Unlock()
	return f.Store.Put(ctx, key, r, o)
}

func (f *flaky) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	if err := f.check(false); err != nil {
		return nil, storage.Info{}, err
	}
	return f.Store.Get(ctx, key)
}

func (f *flaky) Stat(ctx context.Context, key string) (storage.Info, error) {
	if err := f.check(false); err != nil {
		return storage.Info{}, err
	}
	return f.Store.Stat(ctx, key)
}

func (f *flaky) List(ctx context.Context, prefix string) ([]storage.Info, error) {
	if err := f.check(false); err != nil {
		return nil, err
	}
	return f.Store.List(ctx, prefix)
}

func (f *flaky) String() string { return "s3://linghang@10.0.0.5:9000" }

func TestStoreOutageSpoolsAndFlushes(t *testing.T) { forEachStore(t, testStoreOutageSpoolsAndFlushes) }

func testStoreOutageSpoolsAndFlushes(t *testing.T, base storage.Store) {
	st := &flaky{Store: base, failAt: 4}
	spool := filepath.Join(t.TempDir(), "spool")
	a := newArchive(t, st, spool)
	ctx := context.Background()

	b, err := a.Begin(ctx, "run-1", "in")
	if err != nil {
		t.Fatal(err)
	}
	var docs []Doc
	for i := 0; i < 10; i++ {
		docs = append(docs, formDoc(1+i%2, "", fmt.Sprintf("学员%02d", i), "", fmt.Sprintf("报名表 %d", i)))
	}
	for _, d := range docs {
		if _, err := b.Add(ctx, d); err != nil {
			t.Fatalf("Add during outage: %v", err)
		}
	}
	_, err = b.Commit(ctx)
	var se *SpoolError
	if !errors.As(err, &se) {
		t.Fatalf("Commit error = %v, want *SpoolError", err)
	}
	msg := err.Error()
	for _, want := range []string{"s3://linghang@10.0.0.5:9000", "不可用", "7 份文档已暂存", "linghang archive flush", spool} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if !errors.Is(err, storage.ErrUnavailable) {
		t.Errorf("error does not wrap ErrUnavailable: %v", err)
	}

	// Still down: flush keeps everything and says so.
	rep, err := a.Flush(ctx)
	if !errors.As(err, &se) || rep.Pending != 7 {
		t.Errorf("Flush while down = %+v, %v; want 7 pending and a SpoolError", rep, err)
	}

	// The store comes back: the next flush uploads and commits the batch.
	st.setDown(false)
	rep, err = a.Flush(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Uploaded != 7 || len(rep.Runs) != 1 || rep.Runs[0] != "run-1" {
		t.Errorf("Flush = %+v, want 7 uploaded for run-1", rep)
	}
	m, err := a.Manifest(ctx, "run-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Entries) != 10 || !m.Recovered {
		t.Errorf("manifest has %d entries, recovered %v; want 10, true", len(m.Entries), m.Recovered)
	}
	for _, d := range docs {
		key, _ := DocKey(d)
		if body, _ := read(t, a, key, 0); body != string(d.Body) {
			t.Errorf("%s = %q, want %q", key, body, d.Body)
		}
	}
	if ents, _ := os.ReadDir(spool); len(ents) != 0 {
		t.Errorf("spool not empty after flush: %v", ents)
	}
	if rep, err := a.Verify(ctx, io.Discard); err != nil || !rep.OK() || rep.Checked != 10 {
		t.Errorf("verify: %+v, %v", rep, err)
	}
}

func TestNextRunFlushesSpool(t *testing.T) { forEachStore(t, testNextRunFlushesSpool) }

func testNextRunFlushesSpool(t *testing.T, base storage.Store) {
	st := &flaky{Store: base, down: true}
	spool := filepath.Join(t.TempDir(), "spool")
	a := newArchive(t, st, spool)
	ctx := context.Background()
	b, _ := a.Begin(ctx, "run-1", "")
	b.Add(ctx, noticeDoc("issued while S3 was down"))
	if _, err := b.Commit(ctx); err == nil {
		t.Fatal("Commit succeeded while the store was down")
	}
	st.setDown(false)
	// A new process, a new run: Begin finishes run-1 first.
	a2 := newArchive(t, st, spool)
	commit(t, a2, "run-2", formDoc(1, "", "张三", "", "x"))
	for _, run := range []string{"run-1", "run-2"} {
		if _, err := a2.Manifest(ctx, run); err != nil {
			t.Errorf("manifest of %s: %v", run, err)
		}
	}
	if es, _ := a2.Find(ctx, Query{}); len(es) != 2 {
		t.Errorf("Find = %d documents, want 2", len(es))
	}
}

func TestRetainUntil(t *testing.T) {
	st := &flaky{Store: newFS(t)}
	a := New(st, Options{Clock: func() time.Time { return testNow }, SpoolDir: t.TempDir(),
		Retention: map[Kind]Retention{Signin: Years30}})
	tests := []struct {
		kind Kind
		want string
	}{
		{Notice, "2123-01-01 永久"},
		{Form, "2053-01-01 定期30年"},
		{Badges, "2033-01-01 定期10年"},
		{Signin, "2053-01-01 定期30年"}, // overridden
	}
	for i, tt := range tests {
		m := commit(t, a, fmt.Sprintf("run-%d", i), Doc{Year: 2022, Kind: tt.kind, Title: "t", Filename: "t.pdf", Body: []byte(tt.kind)})
		o := st.options[len(st.options)-3] // version, manifest, index
		got := o.RetainUntil.Format("2006-01-02") + " " + m.Entries[0].Retention
		if got != tt.want || !o.CreateOnly {
			t.Errorf("%s: retain until %s (create-only %v), want %s", tt.kind, got, o.CreateOnly, tt.want)
		}
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	st := newFS(t)
	a := newArchive(t, st, "")
	ctx := context.Background()
	m := commit(t, a, "run-1",
		noticeDoc("%PDF-1.7 通知正文"),
		formDoc(3, "", "张三", "002X", "%PDF-1.7 张三"),
		formDoc(3, "", "李四", "1234", "%PDF-1.7 李四"))
	obj := func(name string) string {
		for _, e := range m.Entries {
			if strings.Contains(e.Key, name) {
				return e.Object
			}
		}
		t.Fatalf("no %s in manifest", name)
		return ""
	}
	notice, li := obj("通知"), obj("李四")
	// Behind the store's back: flip one byte of the notice, delete 李四.
	flipped := filepath.Join(st.Dir(), filepath.FromSlash(notice))
	b, err := os.ReadFile(flipped)
	if err != nil {
		t.Fatal(err)
	}
	b[3] ^= 0x01
	if err := os.WriteFile(flipped, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(st.Dir(), filepath.FromSlash(li))); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	rep, err := a.Verify(ctx, &out)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, p := range rep.Problems {
		got[p.Object] = p.What
	}
	want := map[string]string{li: "缺失", notice: "不符"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("problems = %v, want %v", got, want)
	}
	if rep.Checked != 2 || rep.OK() {
		t.Errorf("checked %d, ok %v; want 2, false", rep.Checked, rep.OK())
	}
	if !strings.Contains(out.String(), "问题 2 个") {
		t.Errorf("verify output lacks the summary:\n%s", out.String())
	}
	// Reading the altered version fails instead of handing out bad bytes.
	noticeKey, _, _ := splitVersion(notice)
	rc, _, err := a.Open(ctx, noticeKey, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.ReadAll(rc)
	rc.Close()
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("reading tampered object: %v, want ErrCorrupt", err)
	}
}

func TestReindex(t *testing.T) { forEachStore(t, testReindex) }

func testReindex(t *testing.T, st storage.Store) {
	a := newArchive(t, st, "")
	ctx := context.Background()
	long := make([]string, 200)
	for i := range long {
		long[i] = fmt.Sprintf("学员%03d", i)
	}
	commit(t, a, "run-1",
		noticeDoc("v1"),
		formDoc(3, "江苏省科协党校班", "张三", "002X", "a"),
		Doc{Year: 2021, Kind: Summary, Title: "2021年工作总结", Filename: "总结.docx", Body: []byte("docx")},
		Doc{Year: 2022, Kind: Roster, Cohort: 3, Title: "名单", Names: long, Filename: "名单.xlsx", Body: []byte("xlsx")},
		certDoc("张三", "2022-03-001", "aa01"))
	commit(t, a, "run-2", noticeDoc("v2"))
	before, err := a.Find(ctx, Query{AllVersions: true})
	if err != nil {
		t.Fatal(err)
	}
	// An abandoned batch from another machine: objects without manifest.
	orphan := newArchive(t, st, "")
	b, _ := orphan.Begin(ctx, "run-lost", "")
	b.Add(ctx, noticeDoc("never committed"))
	b.st.close()
	b.done = true

	for _, y := range []int{2021, 2022} {
		if err := st.Delete(ctx, indexKey(y)); err != nil {
			t.Fatal(err)
		}
	}
	if es, _ := a.Find(ctx, Query{}); len(es) != 0 {
		t.Fatalf("index not gone: %d entries", len(es))
	}
	rep, err := a.Reindex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Orphans) != 1 || !strings.HasSuffix(rep.Orphans[0], ".v0003.pdf") || rep.Entries != 6 || fmt.Sprint(rep.Years) != "[2021 2022]" {
		t.Errorf("reindex report = %+v", rep)
	}
	after, err := a.Find(ctx, Query{AllVersions: true})
	if err != nil {
		t.Fatal(err)
	}
	dump := func(es []Entry) string {
		var b strings.Builder
		for _, e := range es {
			fmt.Fprintf(&b, "%s v%d %s %s %s %d %s %s %v %s %s\n", e.Key, e.Version, e.Title, e.DocNumber, e.Author, e.Cohort, e.SHA256[:8], e.RunID, len(e.Names), e.Archived.Format(time.RFC3339), e.VerifySHA256+e.Withdrawn)
		}
		return b.String()
	}
	if dump(after) != dump(before) {
		t.Errorf("rebuilt index differs:\n%s\nwant\n%s", dump(after), dump(before))
	}
	// Reindex is idempotent.
	if _, err := a.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentWriters(t *testing.T) { forEachStore(t, testConcurrentWriters) }

func testConcurrentWriters(t *testing.T, st storage.Store) {
	ctx := context.Background()
	const writers, docs = 4, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			a := newArchive(t, st, "")
			b, err := a.Begin(ctx, fmt.Sprintf("run-%d", w), "")
			if err != nil {
				errs <- err
				return
			}
			// Every writer regenerates the same notice with its own content.
			if _, err := b.Add(ctx, noticeDoc(fmt.Sprintf("writer %d", w))); err != nil {
				errs <- err
				return
			}
			for i := 0; i < docs; i++ {
				if _, err := b.Add(ctx, formDoc(1, "", fmt.Sprintf("w%d-%d", w, i), "", "x")); err != nil {
					errs <- err
					return
				}
			}
			_, err = b.Commit(ctx)
			errs <- err
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	a := newArchive(t, st, "")
	hist, err := a.History(ctx, "2022/通知/通知-科协办函组字〔2022〕47号.pdf")
	if err != nil {
		t.Fatal(err)
	}
	// One version per writer, none lost, none overwritten.
	seen := map[string]bool{}
	for _, h := range hist {
		body, _ := read(t, a, h.Object, 0)
		seen[body] = true
	}
	if len(hist) != writers || len(seen) != writers {
		t.Errorf("notice has %d versions with %d distinct bodies, want %d", len(hist), len(seen), writers)
	}
	forms, _ := a.Find(ctx, Query{Kind: Form})
	if len(forms) != writers*docs {
		t.Errorf("index has %d forms, want %d", len(forms), writers*docs)
	}
}

func TestConcurrentAddsInOneBatch(t *testing.T) {
	st := newFS(t)
	a := newArchive(t, st, "")
	ctx := context.Background()
	b, err := a.Begin(ctx, "run-1", "")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				if _, err := b.Add(ctx, formDoc(1+i%3, "", fmt.Sprintf("学员%d-%d", w, i), "", fmt.Sprint(w, i))); err != nil {
					t.Error(err)
				}
			}
		}(w)
	}
	wg.Wait()
	m, err := b.Commit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(m.Entries); i++ {
		if m.Entries[i-1].Key >= m.Entries[i].Key {
			t.Fatalf("manifest not sorted: %s before %s", m.Entries[i-1].Key, m.Entries[i].Key)
		}
	}
	if es, _ := a.Find(ctx, Query{}); len(es) != 40 || len(m.Entries) != 40 {
		t.Errorf("found %d, manifest %d; want 40", len(es), len(m.Entries))
	}
}

// A batch abandoned on another machine (its spool lost) leaves a version
// object no manifest names; a later run with the same content adopts it
// instead of making a copy, and reindex keeps it.
func TestAbandonedVersionIsAdopted(t *testing.T) { forEachStore(t, testAbandonedVersionIsAdopted) }

func testAbandonedVersionIsAdopted(t *testing.T, st storage.Store) {
	ctx := context.Background()
	lost := newArchive(t, st, "")
	b, err := lost.Begin(ctx, "run-lost", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Add(ctx, noticeDoc("同一内容")); err != nil {
		t.Fatal(err)
	}
	b.st.remove() // the machine and its spool are gone
	b.done = true

	a := newArchive(t, st, "")
	m := commit(t, a, "run-2", noticeDoc("同一内容"))
	if e := m.Entries[0]; e.Version != 1 || !e.Unchanged {
		t.Errorf("entry = v%d unchanged %v, want the abandoned v1 adopted", e.Version, e.Unchanged)
	}
	if err := st.Delete(ctx, indexKey(2022)); err != nil {
		t.Fatal(err)
	}
	rep, err := a.Reindex(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Entries != 1 || len(rep.Orphans) != 0 || rep.Runs != 1 {
		t.Errorf("reindex = %+v, want the adopted version indexed", rep)
	}
	if body, e := read(t, a, m.Entries[0].Key, 0); body != "同一内容" || e.Version != 1 {
		t.Errorf("current = %q v%d", body, e.Version)
	}
}

// Overwriting or deleting a version through the store (not the archive)
// is caught by verify on every backend.
func TestVerifyFindsOverwrite(t *testing.T) { forEachStore(t, testVerifyFindsOverwrite) }

func testVerifyFindsOverwrite(t *testing.T, st storage.Store) {
	a := newArchive(t, st, "")
	ctx := context.Background()
	m := commit(t, a, "run-1", noticeDoc("原件"), formDoc(1, "", "张三", "", "表"))
	var notice, form string
	for _, e := range m.Entries {
		if e.Kind == Notice {
			notice = e.Object
		} else {
			form = e.Object
		}
	}
	if _, err := st.Put(ctx, notice, strings.NewReader("篡改"), storage.PutOptions{}); err != nil {
		t.Logf("overwrite refused (retention): %v", err)
		notice = ""
	}
	if err := st.Delete(ctx, form); err != nil {
		t.Logf("delete refused (retention): %v", err)
		form = ""
	}
	rep, err := a.Verify(ctx, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	if notice != "" {
		want[notice] = "不符"
	}
	if form != "" {
		want[form] = "缺失"
	}
	got := map[string]string{}
	for _, p := range rep.Problems {
		got[p.Object] = p.What
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("problems = %v, want %v", got, want)
	}
}

// A batch spooled for one store is never flushed into another.
func TestFlushLeavesOtherStoresBatches(t *testing.T) {
	spool := filepath.Join(t.TempDir(), "spool")
	down := &flaky{Store: newFS(t), down: true}
	a := newArchive(t, down, spool)
	ctx := context.Background()
	b, err := a.Begin(ctx, "run-s3", "")
	if err != nil {
		t.Fatal(err)
	}
	b.Add(ctx, noticeDoc("for S3"))
	if _, err := b.Commit(ctx); err == nil {
		t.Fatal("commit succeeded on a down store")
	}
	local := newFS(t)
	rep, err := newArchive(t, local, spool).Flush(ctx)
	if err != nil || len(rep.Other) != 1 || !strings.Contains(rep.Other[0], "s3://linghang@10.0.0.5:9000") {
		t.Errorf("Flush on another store = %+v, %v; want run-s3 left for its own store", rep, err)
	}
	if infos, _ := local.List(ctx, ""); len(infos) != 0 {
		t.Errorf("documents of another store flushed here: %v", infos)
	}
	down.setDown(false)
	if rep, err := a.Flush(ctx); err != nil || len(rep.Runs) != 1 {
		t.Errorf("Flush on its own store = %+v, %v", rep, err)
	}
}

// Verify tells a committed batch whose index update was lost (reindex
// fixes it) from a batch without manifest (flush completes it).
func TestVerifyExplainsUnindexed(t *testing.T) {
	st := newFS(t)
	a := newArchive(t, st, "")
	ctx := context.Background()
	m := commit(t, a, "run-1", noticeDoc("通知"))
	if err := st.Delete(ctx, indexKey(2022)); err != nil {
		t.Fatal(err)
	}
	open := newArchive(t, st, "")
	b, err := open.Begin(ctx, "run-open", "")
	if err != nil {
		t.Fatal(err)
	}
	e, _ := b.Add(ctx, formDoc(1, "", "张三", "", "x"))
	var out bytes.Buffer
	rep, err := a.Verify(ctx, &out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Unindexed) != 2 {
		t.Fatalf("unindexed = %v, want 2", rep.Unindexed)
	}
	for obj, want := range map[string]string{m.Entries[0].Object: "reindex", e.Object: "flush"} {
		found := false
		for _, line := range strings.Split(out.String(), "\n") {
			if strings.Contains(line, obj) && strings.Contains(line, want) {
				found = true
			}
		}
		if !found {
			t.Errorf("verify output does not suggest %s for %s:\n%s", want, obj, out.String())
		}
	}
	b.Commit(ctx)
}

// A batch begun and abandoned before its first document leaves nothing.
func TestFlushDropsEmptyBatch(t *testing.T) {
	st := newFS(t)
	spool := filepath.Join(t.TempDir(), "spool")
	a := newArchive(t, st, spool)
	ctx := context.Background()
	b, err := a.Begin(ctx, "run-empty", "")
	if err != nil {
		t.Fatal(err)
	}
	b.st.close() // the process dies
	rep, err := newArchive(t, st, spool).Flush(ctx)
	if err != nil || len(rep.Runs) != 1 {
		t.Fatalf("Flush = %+v, %v", rep, err)
	}
	if _, err := st.Stat(ctx, manifestKey("run-empty")); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("empty abandoned batch got a manifest: %v", err)
	}
	if ents, _ := os.ReadDir(spool); len(ents) != 0 {
		t.Errorf("spool left: %v", ents)
	}
}

// The parsed index is cached by ETag: another writer's commit is seen.
func TestIndexCacheSeesOtherWriters(t *testing.T) { forEachStore(t, testIndexCacheSeesOtherWriters) }

func testIndexCacheSeesOtherWriters(t *testing.T, st storage.Store) {
	ctx := context.Background()
	reader, writer := newArchive(t, st, ""), newArchive(t, st, "")
	for i := 1; i <= 3; i++ {
		commit(t, writer, fmt.Sprintf("run-%d", i), formDoc(1, "", fmt.Sprintf("学员%d", i), "", "x"))
		es, err := reader.Find(ctx, Query{Year: 2022})
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != i {
			t.Fatalf("after commit %d the reader finds %d documents", i, len(es))
		}
	}
}

// The store fails after the manifest is written, before the index: the
// batch is committed, and the next flush brings the index up to date.
func TestIndexUpdateFinishedByFlush(t *testing.T) {
	st := &flaky{Store: newFS(t), failAt: 3} // version, manifest, then the index fails
	spool := filepath.Join(t.TempDir(), "spool")
	a := newArchive(t, st, spool)
	ctx := context.Background()
	b, err := a.Begin(ctx, "run-1", "")
	if err != nil {
		t.Fatal(err)
	}
	b.Add(ctx, noticeDoc("通知"))
	_, err = b.Commit(ctx)
	if err == nil || !strings.Contains(err.Error(), "文档都已保存") {
		t.Fatalf("Commit = %v, want the index left for later", err)
	}
	if _, err := st.Store.Stat(ctx, manifestKey("run-1")); err != nil {
		t.Fatalf("manifest not written: %v", err)
	}
	st.setDown(false)
	if rep, err := a.Flush(ctx); err != nil || len(rep.Runs) != 1 || rep.Uploaded != 0 {
		t.Fatalf("Flush = %+v, %v", rep, err)
	}
	if es, _ := a.Find(ctx, Query{}); len(es) != 1 {
		t.Errorf("index has %d entries after flush, want 1", len(es))
	}
}

func TestCorruptIndexIsRebuilt(t *testing.T) {
	st := newFS(t)
	a := newArchive(t, st, "")
	ctx := context.Background()
	commit(t, a, "run-1", noticeDoc("通知"), formDoc(1, "", "张三", "", "x"))
	if _, err := st.Put(ctx, indexKey(2022), strings.NewReader("{\"key\":\"2022/通知/x.pdf\"}\n{不是JSON\n"), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	_, err := a.Find(ctx, Query{Year: 2022})
	if err == nil || !strings.Contains(err.Error(), "reindex") || !strings.Contains(err.Error(), "第 2 行") {
		t.Fatalf("Find on a corrupt index = %v, want an error naming the line and reindex", err)
	}
	if _, err := a.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	if es, err := a.Find(ctx, Query{Year: 2022}); err != nil || len(es) != 2 {
		t.Errorf("after reindex Find = %d, %v; want 2", len(es), err)
	}
}

// With the store down, verify fails as a whole instead of calling every
// document missing.
func TestVerifyWithStoreDown(t *testing.T) {
	st := &flaky{Store: newFS(t)}
	a := newArchive(t, st, "")
	ctx := context.Background()
	commit(t, a, "run-1", noticeDoc("通知"))
	st.setDown(true)
	rep, err := a.Verify(ctx, io.Discard)
	if !errors.Is(err, storage.ErrUnavailable) || len(rep.Problems) != 0 {
		t.Errorf("Verify with the store down = %+v, %v; want ErrUnavailable and no findings", rep, err)
	}
}

// hooked runs before once, just before the first Put of key.
type hooked struct {
	storage.Store
	key    string
	before func()
	once   sync.Once
}

func (h *hooked) Put(ctx context.Context, key string, r io.Reader, o storage.PutOptions) (storage.Info, error) {
	if key == h.key {
		h.once.Do(h.before)
	}
	return h.Store.Put(ctx, key, r, o)
}

// A commit landing while reindex writes the index is not lost.
func TestReindexKeepsConcurrentCommit(t *testing.T) {
	base := newFS(t)
	ctx := context.Background()
	commit(t, newArchive(t, base, ""), "run-1", noticeDoc("通知"))
	if err := base.Delete(ctx, indexKey(2022)); err != nil { // lost: reindex must write it
		t.Fatal(err)
	}
	h := &hooked{Store: base, key: indexKey(2022)}
	h.before = func() { commit(t, newArchive(t, base, ""), "run-2", formDoc(1, "", "张三", "", "x")) }
	a := newArchive(t, h, "")
	if _, err := a.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	es, err := a.Find(ctx, Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 2 {
		t.Errorf("index after reindex with a concurrent commit has %d documents, want 2", len(es))
	}
}

func TestRuns(t *testing.T) {
	st := newFS(t)
	a := newArchive(t, st, "")
	commit(t, a, "20220401T010000Z-a", noticeDoc("通知"), formDoc(1, "", "张三", "", "表"))
	commit(t, a, "20220402T010000Z-b", noticeDoc("通知"), formDoc(1, "", "张三", "", "表（改）"))
	runs, err := a.Runs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range runs {
		got = append(got, fmt.Sprintf("%s docs=%d new=%d bytes=%d", r.RunID, r.Docs, r.New, r.Bytes))
	}
	want := []string{
		fmt.Sprintf("20220401T010000Z-a docs=2 new=2 bytes=%d", len("通知")+len("表")),
		fmt.Sprintf("20220402T010000Z-b docs=2 new=1 bytes=%d", len("表（改）")),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("runs:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestFirstRunTrustsNoIndexBriefly: an archive that has just found no
// index for a year does not ask again for each document, yet versions
// another process commits meanwhile are neither overwritten nor wrongly
// reused, and its own commit ends the shortcut.
func TestFirstRunTrustsNoIndexBriefly(t *testing.T) {
	forEachStore(t, testFirstRunTrustsNoIndexBriefly)
}

func testFirstRunTrustsNoIndexBriefly(t *testing.T, st storage.Store) {
	ctx := context.Background()
	key := "2022/通知/通知-科协办函组字〔2022〕47号.pdf"
	mine, other := newArchive(t, st, ""), newArchive(t, st, "")
	if _, _, err := mine.recentIndex(ctx, 2022); err != nil { // no index yet, remembered
		t.Fatal(err)
	}
	commit(t, other, "other-1", noticeDoc("第一版"))
	commit(t, other, "other-2", noticeDoc("第二版"))

	m := commit(t, mine, "mine-1", noticeDoc("第一版")) // equal to v1, but v2 is current
	if e := m.Entries[0]; e.Version != 3 || e.Unchanged {
		t.Errorf("after another process made v1 and v2: version %d unchanged %v, want a new v3", e.Version, e.Unchanged)
	}
	m = commit(t, mine, "mine-2", noticeDoc("第一版"))
	if e := m.Entries[0]; e.Version != 3 || !e.Unchanged {
		t.Errorf("same content again: version %d unchanged %v, want v3 reused", e.Version, e.Unchanged)
	}
	if body, _ := read(t, mine, key, 0); body != "第一版" {
		t.Errorf("current = %q", body)
	}
}

// TestFindByVerificationCode: a document is found by the code printed on
// it in every version that carries the code, the object metadata keeps
// the code, and a version without it is not found by it.
func TestFindByVerificationCode(t *testing.T) { forEachStore(t, testFindByVerificationCode) }

func testFindByVerificationCode(t *testing.T, st storage.Store) {
	a := newArchive(t, st, "")
	ctx := context.Background()
	commit(t, a, "run-1", certDoc("张三", "2022-03-001", "AA01"), certDoc("李四", "2022-03-002", "bb02"))
	commit(t, a, "run-2", certDoc("张三", "2022-03-002", "cc03")) // renumbered: a new version
	tests := []struct {
		code string
		all  bool
		want string // name number version current
	}{
		{"aa01", true, "张三 2022-03-001 1 false"},
		{"AA01", true, "张三 2022-03-001 1 false"},
		{"aa01", false, ""},
		{"cc03", false, "张三 2022-03-002 2 true"},
		{"bb02", false, "李四 2022-03-002 1 true"},
		{"dd04", true, ""},
	}
	for _, tt := range tests {
		es, err := a.Find(ctx, Query{Year: 2022, Kind: Certificate, VerifySHA256: tt.code, AllVersions: tt.all})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range es {
			got = append(got, fmt.Sprintf("%s %s %d %v", e.Names[0], e.DocNumber, e.Version, e.Current))
		}
		if strings.Join(got, "; ") != tt.want {
			t.Errorf("code %s (all versions %v): %q, want %q", tt.code, tt.all, got, tt.want)
		}
	}
	es, _ := a.Find(ctx, Query{Year: 2022, VerifySHA256: "cc03"})
	if len(es) != 1 {
		t.Fatalf("%d entries", len(es))
	}
	info, err := st.Stat(ctx, es[0].Object)
	if err != nil {
		t.Fatal(err)
	}
	back, err := entryFromInfo(info)
	if err != nil || back.VerifySHA256 != "cc03" || back.DocNumber != "2022-03-002" {
		t.Errorf("from object metadata: %+v, %v", back, err)
	}
}

// TestWithdraw: withdrawing makes a version with the same content that
// says why it is no longer in force; withdrawing again changes nothing;
// the same content archived again is a version in force, not the
// withdrawn one reused; the record survives in object metadata and a
// reindex.
func TestWithdraw(t *testing.T) { forEachStore(t, testWithdraw) }

func testWithdraw(t *testing.T, st storage.Store) {
	a := newArchive(t, st, "")
	ctx := context.Background()
	doc := certDoc("张三", "2022-03-001", "aa01")
	commit(t, a, "run-1", doc)
	key, _ := DocKey(doc)
	withdraw := func(run string) Entry {
		t.Helper()
		b, err := a.Begin(ctx, run, "")
		if err != nil {
			t.Fatal(err)
		}
		e, err := b.Withdraw(ctx, key, "出勤不足，不予结业")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.CommitIfChanged(ctx); err != nil {
			t.Fatal(err)
		}
		return e
	}
	e := withdraw("run-2")
	if e.Version != 2 || e.Withdrawn != "出勤不足，不予结业" || e.SHA256 != sum(doc.Body) || e.DocNumber != "2022-03-001" || e.VerifySHA256 != "aa01" {
		t.Errorf("withdrawn entry = %+v", e)
	}
	if again := withdraw("run-3"); again.Version != 2 {
		t.Errorf("withdrawing again made version %d", again.Version)
	}
	hist, err := a.History(ctx, key)
	if err != nil || len(hist) != 2 || hist[0].Withdrawn != "" || !hist[1].Current || hist[1].Withdrawn == "" {
		t.Fatalf("history = %+v, %v", hist, err)
	}
	rc, cur, err := a.Open(ctx, key, 0)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || string(body) != string(doc.Body) || cur.Withdrawn == "" {
		t.Errorf("current content %q (%v), withdrawn %q", body, err, cur.Withdrawn)
	}
	info, err := st.Stat(ctx, hist[1].Object)
	if err != nil {
		t.Fatal(err)
	}
	if back, err := entryFromInfo(info); err != nil || back.Withdrawn != "出勤不足，不予结业" {
		t.Errorf("object metadata: %+v, %v", back, err)
	}
	// Made again with the same content: in force again, as version 3.
	m := commit(t, a, "run-4", doc)
	if len(m.Entries) != 1 || m.Entries[0].Version != 3 || m.Entries[0].Unchanged || m.Entries[0].Withdrawn != "" {
		t.Errorf("re-archived: %+v", m.Entries)
	}
	if err := st.Delete(ctx, indexKey(2022)); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	if hist, _ := a.History(ctx, key); len(hist) != 3 || hist[1].Withdrawn == "" || hist[2].Withdrawn != "" || !hist[2].Current {
		t.Errorf("after reindex: %+v", hist)
	}
	b, _ := a.Begin(ctx, "run-5", "")
	if _, err := b.Withdraw(ctx, "2022/第03期-江苏省科协党校班/结业证书/无此人.pdf", "x"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("withdrawing a document the archive lacks: %v", err)
	}
	if _, err := b.Withdraw(ctx, key, " "); err == nil {
		t.Error("withdrawn without a reason")
	}
	b.Abort(ctx)
}
