package typeset_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"time"

	"linghang/render/typeset"
)

// A notice page on the GB/T 9704 grid: red issuing-authority mark, a red
// rule, the title, running text from line 5, and the page number.
func Example() {
	fonts, err := typeset.Load("") // or typeset.Default() to honour LINGHANG_FONTS
	if err != nil {
		log.Fatal(err)
	}
	g := typeset.Official
	d := typeset.New(fonts, "通知", g.Page, typeset.Info{
		Title:   "关于开展2022年“领航计划”青年科技领军人才国情研修活动的通知",
		Author:  "中国科协办公厅",
		Created: time.Date(2022, 3, 31, 9, 0, 0, 0, time.UTC),
	})
	d.AddPage()
	if err := d.Text(g.Left+g.Width/2, g.Top+15, "中国科协办公厅",
		typeset.Style{Role: typeset.Title, Size: typeset.SizeSmall0, Color: typeset.Red, Align: typeset.Center}); err != nil {
		log.Fatal(err)
	}
	d.Line(g.Left, g.Top+25, g.Left+g.Width, g.Top+25, typeset.Pen{Width: 0.6, Color: typeset.Red})
	fit, err := d.Paragraph(g.LineBox(5, 18),
		"为深入学习贯彻习近平新时代中国特色社会主义思想，全面落实中央人才工作会议精神，定于2022年开展10期青年科技领军人才国情研修活动。",
		g.Style(typeset.Body))
	if err != nil {
		log.Fatal(err)
	}
	if err := d.PageNumber(g, 1); err != nil {
		log.Fatal(err)
	}
	var pdf bytes.Buffer
	if err := d.Write(&pdf); err != nil {
		log.Fatal(err)
	}
	for _, l := range fit.Lines {
		fmt.Println(l.Text)
	}
	fmt.Println(bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")), fit.Overflow())
	// Output:
	// 为深入学习贯彻习近平新时代中国特色社会主义思想，全面
	// 落实中央人才工作会议精神，定于2022年开展10期青年科技领军
	// 人才国情研修活动。
	// true false
}

// Measuring and breaking text without drawing it.
func ExampleFonts_Break() {
	fonts, err := typeset.Load("")
	if err != nil {
		log.Fatal(err)
	}
	lines, err := fonts.Break("联系电话：010-68530471，18810383746。", typeset.Style{Size: typeset.Size3}, 60)
	if err != nil {
		log.Fatal(err)
	}
	for _, l := range lines {
		fmt.Println(l.Text)
	}
	// Output:
	// 联系电话：
	// 010-68530471，
	// 18810383746。
}

// Fitting a value into a form cell: the type shrinks to the floor size,
// and what still does not fit is reported, never clipped.
func ExampleDocument_Fit() {
	fonts, err := typeset.Load("")
	if err != nil {
		log.Fatal(err)
	}
	d := typeset.New(fonts, "报名表（张三）", typeset.A4, typeset.Info{})
	cell := typeset.Rect{X: 50, Y: 60, W: 40, H: 12}
	st := typeset.Style{Role: typeset.Table, Size: typeset.SizeSmall4, VAlign: typeset.Middle, Field: "工作单位"}
	fit, err := d.Fit(cell, "中国科学院大学人工智能技术学院模式识别国家重点实验室", st, typeset.SizeSmall5)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(fit.Size, len(fit.Lines), fit.Overflow())
	fmt.Println(fit.Lines[0].Text, "|", fit.Rest)
	// Output:
	// 9 2 true
	// 中国科学院大学人工智能技 | 验室
}

// A character no font has stops rendering with an error naming it, the
// document and the field.
func ExampleGlyphError() {
	fonts, err := typeset.Load("")
	if err != nil {
		log.Fatal(err)
	}
	d := typeset.New(fonts, "胸卡（吉𠮷）", typeset.A6, typeset.Info{})
	err = d.Text(10, 20, "吉𠮷", typeset.Style{Field: "姓名"})
	var ge *typeset.GlyphError
	if errors.As(err, &ge) {
		fmt.Printf("%U %s %s\n", ge.Rune, ge.Doc, ge.Field)
	}
	// Output:
	// U+20BB7 胸卡（吉𠮷） 姓名
}
