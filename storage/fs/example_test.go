package fs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"linghang/storage"
	"linghang/storage/fs"
)

func Example() {
	dir, _ := os.MkdirTemp("", "linghang-example-")
	defer os.RemoveAll(dir)
	st, err := fs.New(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	ctx := context.Background()

	info, err := st.Put(ctx, "2022/通知.txt", strings.NewReader("关于开展2022年“领航计划”的通知"), storage.PutOptions{
		ContentType: "text/plain; charset=utf-8",
		Metadata:    map[string]string{"title": "领航计划通知"},
		CreateOnly:  true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(info.Size, info.SHA256[:16])

	_, err = st.Put(ctx, "2022/通知.txt", strings.NewReader("另一份"), storage.PutOptions{CreateOnly: true})
	fmt.Println(errors.Is(err, storage.ErrExists))

	rc, info, _ := st.Get(ctx, "2022/通知.txt")
	b, _ := io.ReadAll(rc)
	rc.Close()
	fmt.Println(string(b), info.Metadata["title"])
	// Output:
	// 46 1492a8c8d4adf3e1
	// true
	// 关于开展2022年“领航计划”的通知 领航计划通知
}
