package storage_test

import (
	"errors"
	"fmt"

	"linghang/storage"
)

// Names from data become key segments through SafeSegment; whole keys are
// checked with CheckKey before any backend sees them.
func ExampleSafeSegment() {
	unit := "中国科学院大学/清华大学"
	name := "张三"
	key := "2022/第3期/" + storage.SafeSegment(unit) + "/" + storage.SafeSegment(name+".pdf")
	fmt.Println(key, storage.CheckKey(key))
	// Output: 2022/第3期/中国科学院大学_清华大学/张三.pdf <nil>
}

func ExampleCheckKey() {
	err := storage.CheckKey("2022/../../etc/passwd")
	fmt.Println(errors.Is(err, storage.ErrInvalidKey))
	fmt.Println(err)
	// Output:
	// true
	// 存储键 "2022/../../etc/passwd" 无效：含有 ".." 路径段
}
