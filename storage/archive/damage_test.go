package archive

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"linghang/storage"
	"linghang/storage/fs"
)

// damage harms the version object obj behind the archive's back. It
// returns false when the backend refuses (object lock).
type damage func(t *testing.T, a *Archive, st storage.Store, obj string) bool

// onDisk edits the fs store's file of obj (and of its sidecar) directly.
func onDisk(edit func(t *testing.T, file, sidecar string)) damage {
	return func(t *testing.T, _ *Archive, st storage.Store, obj string) bool {
		dir := st.(*fs.Store).Dir()
		edit(t, filepath.Join(dir, filepath.FromSlash(obj)), filepath.Join(dir, ".linghang", "meta", filepath.FromSlash(obj)))
		return true
	}
}

// rewrite edits file an hour after it was written, or with its time
// kept (touch -r).
func rewrite(t *testing.T, file string, keepTime bool, fn func([]byte) []byte) {
	t.Helper()
	fi, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, fn(b), 0o644); err != nil {
		t.Fatal(err)
	}
	mtime := fi.ModTime()
	if !keepTime {
		mtime = mtime.Add(time.Hour)
	}
	if err := os.Chtimes(file, mtime, mtime); err != nil {
		t.Fatal(err)
	}
}

func flip(b []byte) []byte { b[len(b)/2] ^= 0x01; return b }

func remove(t *testing.T, files ...string) {
	t.Helper()
	for _, f := range files {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
}

// Damage to a version never makes the archive forget it: reindex keeps
// the version as its run's manifest records it, verify reports the
// damage before and after, history still lists the version. Every
// reindex, of a healthy or a damaged archive, with or without the old
// index, writes the very index the commits wrote.
func TestDamageSurvivesReindex(t *testing.T) {
	tests := []struct {
		name   string
		fsOnly bool
		damage damage
		what   string // verify's finding for the damaged version; "" for none
		detail string // in the finding, before and after reindex
		// damaged: reindex reports the version as missing or altered.
		damaged bool
		// dropped: the damage also took the version out of the index.
		dropped bool
	}{
		{name: "healthy"},
		{"byte flipped", true, onDisk(func(t *testing.T, file, _ string) { rewrite(t, file, false, flip) }),
			"不符", "内容被改动（SHA-256 不符）", true, false},
		// Reindex trusts the store's recorded SHA-256 (fs: the sidecar,
		// while size and time agree); only verify rereads the content.
		{"byte flipped, time kept", true, onDisk(func(t *testing.T, file, _ string) { rewrite(t, file, true, flip) }),
			"不符", "内容被改动（SHA-256 不符）", false, false},
		{"truncated", true, onDisk(func(t *testing.T, file, _ string) {
			rewrite(t, file, false, func(b []byte) []byte { return b[:3] })
		}), "不符", "内容被改动（SHA-256 不符）", true, false},
		{"deleted by hand", true, onDisk(func(t *testing.T, file, sidecar string) { remove(t, file, sidecar) }),
			"缺失", "版本对象不存在", true, false},
		{"object left, metadata lost", true, onDisk(func(t *testing.T, _, sidecar string) { remove(t, sidecar) }),
			"", "", false, false},
		{"overwritten through the store", false, func(t *testing.T, _ *Archive, st storage.Store, obj string) bool {
			_, err := st.Put(context.Background(), obj, strings.NewReader("篡改"), storage.PutOptions{})
			return err == nil
		}, "不符", "内容被改动（SHA-256 不符）", true, false},
		{"deleted through the store", false, func(t *testing.T, _ *Archive, st storage.Store, obj string) bool {
			return st.Delete(context.Background(), obj) == nil
		}, "缺失", "版本对象不存在", true, false},
		{"deleted, index already without it", false, func(t *testing.T, a *Archive, st storage.Store, obj string) bool {
			ctx := context.Background()
			if st.Delete(ctx, obj) != nil {
				return false
			}
			// As an earlier reindex left it: the version gone from the index.
			err := a.updateIndex(ctx, 2022, func(es []Entry) ([]Entry, bool) {
				return slices.DeleteFunc(slices.Clone(es), func(e Entry) bool { return e.Object == obj }), true
			})
			if err != nil {
				t.Fatal(err)
			}
			return true
		}, "缺失", "版本对象不存在", true, true},
	}
	const key = "2022/通知/通知-科协办函组字〔2022〕47号.pdf"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachStore(t, func(t *testing.T, st storage.Store) {
				if _, ok := st.(*fs.Store); tt.fsOnly && !ok {
					t.Skip("edits the files of a local-directory store")
				}
				ctx := context.Background()
				a := newArchive(t, st, "")
				m := commit(t, a, "run-1", noticeDoc("%PDF-1.7 通知 第一版"), formDoc(3, "江苏省科协党校班", "张三", "002X", "%PDF-1.7 报名表"))
				commit(t, a, "run-2", noticeDoc("%PDF-1.7 通知 第二版"), formDoc(3, "江苏省科协党校班", "张三", "002X", "%PDF-1.7 报名表"))
				i := slices.IndexFunc(m.Entries, func(e Entry) bool { return e.Key == key })
				if i < 0 || m.Entries[i].Version != 1 {
					t.Fatalf("run-1 manifest lacks %s v1: %+v", key, m.Entries)
				}
				obj := m.Entries[i].Object // the notice's first version
				want := rawIndex(t, st)
				if tt.damage != nil && !tt.damage(t, a, st, obj) {
					t.Skip("the store refused the damage (object lock)")
				}
				check := func(when string, dropped bool) {
					t.Helper()
					rep, err := a.Verify(ctx, io.Discard)
					if err != nil {
						t.Fatalf("%s: verify: %v", when, err)
					}
					var got []string
					for _, p := range rep.Problems {
						got = append(got, p.What+" "+p.Object)
						if !strings.Contains(p.Detail, key+" 第 1 版") || !strings.Contains(p.Detail, tt.detail) {
							t.Errorf("%s: verify detail %q, want it to name %s 第 1 版 and say %q", when, p.Detail, key, tt.detail)
						}
					}
					var wantProblems []string
					if tt.what != "" {
						wantProblems = []string{tt.what + " " + obj}
					}
					if !slices.Equal(got, wantProblems) || len(rep.Unindexed) != 0 {
						t.Errorf("%s: verify problems %q unindexed %q, want %q and none", when, got, rep.Unindexed, wantProblems)
					}
					hist, err := a.History(ctx, key)
					if dropped {
						if err != nil || len(hist) != 1 || hist[0].Version != 2 {
							t.Errorf("%s: history = %+v, %v; want version 2 alone", when, hist, err)
						}
					} else if err != nil || len(hist) != 2 || hist[0].Version != 1 || hist[0].Object != obj {
						t.Errorf("%s: history = %+v, %v; want versions 1 and 2", when, hist, err)
					}
				}
				check("before reindex", tt.dropped)
				for _, lost := range []bool{false, true} {
					if lost {
						if err := st.Delete(ctx, indexKey(2022)); err != nil {
							t.Fatal(err)
						}
					}
					rep, err := a.Reindex(ctx)
					if err != nil {
						t.Fatal(err)
					}
					if rep.Entries != 3 || len(rep.Orphans) != 0 || len(rep.Skipped) != 0 {
						t.Errorf("reindex (index lost %v) = %+v, want 3 entries, no orphans, none skipped", lost, rep)
					}
					if got := len(rep.Damaged) == 1 && strings.HasPrefix(rep.Damaged[0], obj+"（"+key+" 第 1 版）"); got != tt.damaged || !tt.damaged && len(rep.Damaged) != 0 {
						t.Errorf("reindex (index lost %v) damaged = %q, want %s reported: %v", lost, rep.Damaged, obj, tt.damaged)
					}
					if got := rawIndex(t, st); got != want {
						t.Errorf("reindex (index lost %v) wrote\n%s\nwant the index the commits wrote\n%s", lost, got, want)
					}
					check("after reindex", false)
				}
			})
		})
	}
}

func rawIndex(t *testing.T, st storage.Store) string {
	t.Helper()
	rc, _, err := st.Get(context.Background(), indexKey(2022))
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// An index that disagrees with the manifests (edited, or written by an
// older reindex) is reported; reindex restores the manifests' record.
func TestVerifyIndexAgainstManifest(t *testing.T) {
	st := newFS(t)
	a := newArchive(t, st, "")
	ctx := context.Background()
	m := commit(t, a, "run-1", noticeDoc("%PDF-1.7 通知"))
	obj := m.Entries[0].Object
	want := rawIndex(t, st)
	err := a.updateIndex(ctx, 2022, func(es []Entry) ([]Entry, bool) {
		es = slices.Clone(es)
		es[0].SHA256 = strings.Repeat("0", 64)
		return es, true
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := a.Verify(ctx, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].What != "索引不符" || rep.Problems[0].Object != obj ||
		!strings.Contains(rep.Problems[0].Detail, "运行清单 _runs/run-1.json") || !strings.Contains(rep.Problems[0].Detail, "reindex") {
		t.Errorf("verify problems = %+v, want 索引不符 for %s naming the manifest and reindex", rep.Problems, obj)
	}
	if _, err := a.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	if got := rawIndex(t, st); got != want {
		t.Errorf("reindex wrote\n%s\nwant\n%s", got, want)
	}
	if rep, err := a.Verify(ctx, io.Discard); err != nil || !rep.OK() {
		t.Errorf("verify after reindex = %+v, %v; want OK", rep, err)
	}
}
