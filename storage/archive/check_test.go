package archive

import (
	"context"
	"errors"
	"strings"
	"testing"

	"linghang/storage"
)

func TestCheckIndex(t *testing.T) { forEachStore(t, testCheckIndex) }

func testCheckIndex(t *testing.T, st storage.Store) {
	ctx := context.Background()
	a := newArchive(t, st, "")
	if err := a.CheckIndex(ctx); err != nil {
		t.Fatalf("empty archive: %v", err)
	}
	commit(t, a, "run-0", Doc{Year: 2021, Kind: Summary, Title: "2021年工作总结", Filename: "总结.docx", Body: []byte("docx")})
	commit(t, a, "run-1", noticeDoc("v1"), formDoc(3, "江苏省科协党校班", "张三", "002X", "a"))
	commit(t, a, "run-2", noticeDoc("v1")) // no new version: its run is in no index entry
	if err := a.CheckIndex(ctx); err != nil {
		t.Fatalf("healthy archive: %v", err)
	}
	// The 2022 index deleted.
	if err := st.Delete(ctx, indexKey(2022)); err != nil {
		t.Fatal(err)
	}
	err := a.CheckIndex(ctx)
	var ie *IndexError
	if !errors.As(err, &ie) || ie.Missing != 2 || len(ie.Years) != 1 || ie.Years[0] != 2022 {
		t.Fatalf("index deleted: %v (%+v)", err, ie)
	}
	if want := "2022 年度的索引不存在（已被删除或未写成），已提交批次 run-1、run-2 的 2 个版本不在索引中"; !strings.HasPrefix(err.Error(), want) || !strings.Contains(err.Error(), "linghang archive reindex") {
		t.Errorf("err = %q, want prefix %q and the repair command", err, want)
	}
	if _, err := a.Reindex(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.CheckIndex(ctx); err != nil {
		t.Fatalf("after reindex: %v", err)
	}
	// A stale index: a run committed whose index update was lost, as
	// when the process dies between the manifest and the index.
	b, err := a.Begin(ctx, "run-3", "")
	if err != nil {
		t.Fatal(err)
	}
	b.Add(ctx, noticeDoc("v2"))
	saved, _, err := a.readIndex(ctx, 2022)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(ctx, indexKey(2022), strings.NewReader(string(encodeIndex(saved))), storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	err = a.CheckIndex(ctx)
	if !errors.As(err, &ie) || ie.Missing != 1 || len(ie.Years) != 0 || len(ie.Runs) != 1 || ie.Runs[0] != "run-3" {
		t.Fatalf("stale index: %v (%+v)", err, ie)
	}
	if !strings.HasPrefix(err.Error(), "索引已过期，已提交批次 run-3 的 1 个版本不在索引中") {
		t.Errorf("err = %q", err)
	}
}
