package archive_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	"linghang/storage/archive"
	"linghang/storage/fs"
)

// A job run archives what it rendered in one batch; the batch becomes
// visible when it is committed, and regenerating a document makes a new
// version instead of overwriting the issued one.
func Example() {
	dir, _ := os.MkdirTemp("", "archive-example")
	defer os.RemoveAll(dir)
	store, err := fs.New(filepath.Join(dir, "store"))
	if err != nil {
		log.Fatal(err)
	}
	a := archive.New(store, archive.Options{
		Program:  "linghang",
		Version:  "1.0.0",
		SpoolDir: filepath.Join(dir, "spool"),
		Clock:    func() time.Time { return time.Date(2022, 4, 1, 9, 0, 0, 0, time.UTC) },
	})
	ctx := context.Background()

	for i, body := range []string{"%PDF 第一版", "%PDF 第二版"} {
		b, err := a.Begin(ctx, fmt.Sprintf("20220401T090000Z-%d", i), "输入数据的SHA-256")
		if err != nil {
			log.Fatal(err)
		}
		e, err := b.Add(ctx, archive.Doc{
			Year:       2022,
			Kind:       archive.Form,
			Cohort:     3,
			CohortName: "江苏省科协党校班",
			Title:      "报名表 张三",
			Author:     "中国科协党校",
			Names:      []string{"张三"},
			Filename:   archive.PersonFilename(archive.Form, "张三", "32010219900101002X", ".pdf"),
			Body:       []byte(body),
		})
		if err != nil {
			log.Fatal(err)
		}
		if _, err := b.Commit(ctx); err != nil {
			log.Fatal(err)
		}
		fmt.Println(e.Object, e.Retention)
	}

	found, err := a.Find(ctx, archive.Query{Name: "张三"})
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range found {
		fmt.Printf("当前：%s 第%d版\n", e.Key, e.Version)
	}
	rc, e, err := a.Open(ctx, found[0].Key, 1)
	if err != nil {
		log.Fatal(err)
	}
	defer rc.Close()
	body, err := io.ReadAll(rc) // fails with archive.ErrCorrupt if the bytes changed
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("第%d版：%s\n", e.Version, body)
	// Output:
	// 2022/第03期-江苏省科协党校班/报名表/报名表-张三-002X.v0001.pdf 定期30年
	// 2022/第03期-江苏省科协党校班/报名表/报名表-张三-002X.v0002.pdf 定期30年
	// 当前：2022/第03期-江苏省科协党校班/报名表/报名表-张三-002X.pdf 第2版
	// 第1版：%PDF 第一版
}
