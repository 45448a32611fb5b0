package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"linghang/storage/archive"
	"linghang/storage/fs"
)

// archiveFixture archives a notice (two versions) and two forms in a
// fresh fs store and returns its directory.
func archiveFixture(t *testing.T) (storeDir, spool string) {
	t.Helper()
	storeDir = filepath.Join(t.TempDir(), "store")
	spool = filepath.Join(t.TempDir(), "spool")
	st, err := fs.New(storeDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a := archive.New(st, archive.Options{Version: "test", SpoolDir: spool,
		Clock: func() time.Time { return time.Date(2022, 4, 1, 1, 0, 0, 0, time.UTC) }})
	ctx := context.Background()
	notice := archive.Doc{Year: 2022, Kind: archive.Notice, DocNumber: "科协办函组字〔2022〕47号", Author: "中国科协办公厅",
		Title: "中国科协办公厅关于开展2022年“领航计划”青年科技领军人才国情研修活动的通知", Filename: "通知-科协办函组字〔2022〕47号.pdf"}
	for i, body := range []string{"%PDF 通知 第一版", "%PDF 通知 第二版"} {
		b, err := a.Begin(ctx, "run-"+string(rune('1'+i)), "in")
		if err != nil {
			t.Fatal(err)
		}
		notice.Body = []byte(body)
		b.Add(ctx, notice)
		if i == 0 {
			for _, p := range []struct{ name, id string }{{"张三", "32010219900101002X"}, {"欧阳娜娜", "320102199001011234"}} {
				b.Add(ctx, archive.Doc{Year: 2022, Kind: archive.Form, Cohort: 3, CohortName: "江苏省科协党校班",
					Title: "报名表 " + p.name, Names: []string{p.name}, Filename: archive.PersonFilename(archive.Form, p.name, p.id, ".pdf"),
					Body: []byte("%PDF " + p.name)})
			}
		}
		if _, err := b.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return storeDir, spool
}

func runCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	err = run(context.Background(), args, &o, &e)
	return o.String(), e.String(), err
}

func TestArchiveCommands(t *testing.T) {
	store, spool := archiveFixture(t)
	out := filepath.Join(t.TempDir(), "通知.pdf")
	tests := []struct {
		name    string
		args    []string
		want    []string // substrings of stdout, in order
		notWant []string
	}{
		{"ls all", []string{"archive", "ls", "--store", store, "--spool", spool},
			[]string{"文档键", "题名", "2022/第03期-江苏省科协党校班/报名表/报名表-张三-002X.pdf", "v1", "报名表",
				"2022/通知/通知-科协办函组字〔2022〕47号.pdf", "v2", "共 3 份"}, []string{"v0001"}},
		{"ls prefix after flags", []string{"archive", "ls", "--store", store, "--spool", spool, "2022/第03期"},
			[]string{"报名表-张三-002X.pdf", "共 2 份"}, []string{"通知"}},
		{"find by name", []string{"archive", "find", "--name", "欧阳娜娜", "--store", store, "--spool", spool},
			[]string{"报名表-欧阳娜娜-1234.pdf", "欧阳娜娜", "共 1 份"}, []string{"张三"}},
		{"find by docno, other brackets", []string{"archive", "find", "--docno", "科协办函组字[2022]47号", "--store", store, "--spool", spool},
			[]string{"通知-科协办函组字〔2022〕47号.pdf", "v2", "科协办函组字〔2022〕47号"}, []string{"v1 "}},
		{"find by Chinese kind", []string{"archive", "find", "--kind", "报名表", "--cohort", "3", "--store", store, "--spool", spool},
			[]string{"共 2 份"}, nil},
		{"find nothing", []string{"archive", "find", "--year", "2023", "--store", store, "--spool", spool},
			[]string{"没有符合条件的文档"}, nil},
		{"history", []string{"archive", "history", "2022/通知/通知-科协办函组字〔2022〕47号.pdf", "--store", store, "--spool", spool},
			[]string{"版本", "当前", "v1", "run-1", "v2", "是", "run-2", "linghang test"}, nil},
		{"get to stdout, old version", []string{"archive", "get", "2022/通知/通知-科协办函组字〔2022〕47号.pdf", "--version", "1", "-o", "-", "--store", store, "--spool", spool},
			[]string{"%PDF 通知 第一版"}, nil},
		{"runs", []string{"archive", "runs", "--store", store, "--spool", spool},
			[]string{"运行编号", "新版本", "run-1", "3", "3", "run-2", "1", "1"}, nil},
		{"verify", []string{"archive", "verify", "--store", store, "--spool", spool},
			[]string{"已校验 4 个版本", "问题 0 个"}, nil},
		{"reindex", []string{"archive", "reindex", "--store", store, "--spool", spool},
			[]string{"已重建 2022 年度索引，共 4 个版本"}, nil},
		{"flush", []string{"archive", "flush", "--store", store, "--spool", spool},
			[]string{"补交 0 个批次"}, nil},
		{"get to file", []string{"archive", "get", "--store", store, "--spool", spool, "-o", out, "2022/通知/通知-科协办函组字〔2022〕47号.pdf"},
			nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, stderr, err := runCLI(t, tt.args...)
			if err != nil {
				t.Fatalf("%v\nstderr: %s", err, stderr)
			}
			t.Logf("linghang %s\n%s", strings.Join(tt.args, " "), got)
			rest := got
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("output lacks %q (in order):\n%s", w, got)
				}
				rest = rest[i+len(w):]
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("output contains %q:\n%s", w, got)
				}
			}
		})
	}
	if b, err := os.ReadFile(out); err != nil || string(b) != "%PDF 通知 第二版" {
		t.Errorf("get -o wrote %q, %v", b, err)
	}
}

func TestArchiveCommandErrors(t *testing.T) {
	store, spool := archiveFixture(t)
	key := "2022/通知/通知-科协办函组字〔2022〕47号.pdf"
	existing := filepath.Join(t.TempDir(), "x.pdf")
	os.WriteFile(existing, []byte("keep"), 0o644)
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown op", []string{"archive", "rm"}, "未知的归档操作"},
		{"bad kind", []string{"archive", "find", "--kind", "memo", "--store", store}, "文件类别 \"memo\" 无效"},
		{"no key", []string{"archive", "get", "--store", store, "--spool", spool}, "请给出一个文档键"},
		{"missing version", []string{"archive", "get", key, "--version", "7", "-o", "-", "--store", store, "--spool", spool}, "没有第 7 版"},
		{"unknown document", []string{"archive", "history", "2022/通知/无此文档.pdf", "--store", store, "--spool", spool}, "归档中没有文档"},
		{"refuses to overwrite", []string{"archive", "get", key, "-o", existing, "--store", store, "--spool", spool}, "已存在"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCLI(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v, want one containing %q", err, tt.want)
			}
		})
	}
	if b, _ := os.ReadFile(existing); string(b) != "keep" {
		t.Errorf("existing file overwritten: %q", b)
	}
}

func TestArchiveVerifyCommandFindsTampering(t *testing.T) {
	store, spool := archiveFixture(t)
	obj := filepath.Join(store, "2022", "第03期-江苏省科协党校班", "报名表", "报名表-张三-002X.v0001.pdf")
	b, err := os.ReadFile(obj)
	if err != nil {
		t.Fatal(err)
	}
	b[0] ^= 0x20
	os.WriteFile(obj, b, 0o644)
	out, _, err := runCLI(t, "archive", "verify", "--store", store, "--spool", spool)
	if err == nil || !strings.Contains(err.Error(), "校验发现 1 个问题") {
		t.Errorf("verify error = %v, want 1 problem", err)
	}
	if !strings.Contains(out, "不符\t2022/第03期-江苏省科协党校班/报名表/报名表-张三-002X.v0001.pdf") {
		t.Errorf("verify output:\n%s", out)
	}
	dst := filepath.Join(t.TempDir(), "张三.pdf")
	_, _, err = runCLI(t, "archive", "get", "2022/第03期-江苏省科协党校班/报名表/报名表-张三-002X.pdf", "-o", dst, "--store", store, "--spool", spool)
	if err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("get of tampered document: %v", err)
	}
	if _, err := os.Stat(dst); !os.IsNotExist(err) {
		t.Errorf("get left %s behind after a checksum failure", dst)
	}
	// Rebuilding the index keeps the altered version (reindex trusts what
	// it cannot see without rereading; verify rereads everything) and a
	// version deleted behind the store's back, which reindex reports.
	other := filepath.Join(store, "2022", "第03期-江苏省科协党校班", "报名表", "报名表-欧阳娜娜-1234.v0001.pdf")
	if err := os.Remove(other); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCLI(t, "archive", "reindex", "--store", store, "--spool", spool)
	if err == nil || !strings.Contains(out, "受损\t") || !strings.Contains(out, "报名表-欧阳娜娜-1234") {
		t.Errorf("reindex over a deleted version: err %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "archive", "verify", "--store", store, "--spool", spool)
	if err == nil || !strings.Contains(err.Error(), "校验发现 2 个问题") || !strings.Contains(out, "报名表-张三-002X") {
		t.Errorf("verify after reindex: %v, want both damaged versions still reported\n%s", err, out)
	}
}

// TestArchiveListsWithLostIndex: with the index deleted, ls and find
// printed 没有符合条件的文档 and exited 0. They now say the index is
// missing, name the repair command and fail; after it, all is well.
func TestArchiveListsWithLostIndex(t *testing.T) {
	store, spool := archiveFixture(t)
	if err := os.Remove(filepath.Join(store, "_index", "2022.jsonl")); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"archive", "ls", "--store", store, "--spool", spool},
		{"archive", "find", "--name", "张三", "--store", store, "--spool", spool},
	} {
		out, _, err := runCLI(t, args...)
		if err == nil || exitCode(err) == 0 || !strings.Contains(err.Error(), "2022 年度的索引不存在") || !strings.Contains(err.Error(), "linghang archive reindex") {
			t.Errorf("%s: err = %v, want the missing index and the repair command", args[1], err)
		}
		if strings.Contains(out, "没有符合条件的文档") {
			t.Errorf("%s claims there is nothing:\n%s", args[1], out)
		}
	}
	if out, _, err := runCLI(t, "archive", "reindex", "--store", store, "--spool", spool); err != nil {
		t.Fatalf("reindex: %v\n%s", err, out)
	}
	out, _, err := runCLI(t, "archive", "find", "--name", "张三", "--store", store, "--spool", spool)
	if err != nil || !strings.Contains(out, "报名表 张三") {
		t.Errorf("after reindex: %v\n%s", err, out)
	}
}
