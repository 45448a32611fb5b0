package program_test

import (
	"fmt"

	"linghang/program"
)

// Names in the order of an official list: by the strokes of the surname
// (丁 2, 王 4, 李 and 张 7 — 李 starts with 横, 张 with 折), a compound
// surname counting as one (欧阳 after every 欧).
func ExampleSortByStrokes() {
	as := []program.Applicant{{Name: "张伟"}, {Name: "欧阳华"}, {Name: "李娜"}, {Name: "丁一"}, {Name: "欧静"}, {Name: "王芳"}}
	program.SortByStrokes(as)
	for _, a := range as {
		fmt.Print(a.Name, " ")
	}
	fmt.Println()
	// Output: 丁一 王芳 李娜 张伟 欧静 欧阳华
}

// Pinyin order reads surnames with their surname readings: 曾 Zēng, 单 Shàn.
func ExampleSortByPinyin() {
	as := []program.Applicant{{Name: "曾明"}, {Name: "单明"}, {Name: "陈明"}}
	program.SortByPinyin(as)
	for _, a := range as {
		fmt.Print(a.Name, " ")
	}
	fmt.Println()
	// Output: 陈明 单明 曾明
}

// A check-in token is opaque, checkable and resolves back to the person.
func ExampleCheckinToken() {
	key := []byte("per-deployment secret, 32 bytes!")
	as := []program.Applicant{{Name: "张三", ID: "11010519850301002X", Cohort: 3}}
	tok := program.CheckinToken(key, 2022, 3, &as[0])
	fmt.Println(len(tok), tok[:2], program.ValidToken(tok))

	idx, err := program.NewCheckinIndex(key, 2022, as)
	if err != nil {
		panic(err)
	}
	a, err := idx.Resolve(tok)
	fmt.Println(a.Name, err)
	// Output:
	// 19 LH true
	// 张三 <nil>
}
