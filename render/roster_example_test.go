package render_test

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"

	"linghang/program"
	"linghang/render"
)

// A cohort's roster as XLSX, with the ID column masked.
func ExampleRosterXLSX() {
	p, err := program.Default()
	if err != nil {
		panic(err)
	}
	as := []program.Applicant{
		{Name: "张伟", Gender: "男", ID: "11010519850301002X", Employer: "东南大学教授", Cohort: 3},
		{Name: "丁一", Gender: "女", ID: "320102199001010039", Employer: "江南大学副教授", Cohort: 3},
	}
	var buf bytes.Buffer
	if err := render.RosterXLSX(&buf, p, as, render.RosterOptions{Cohort: 3, WithID: true}); err != nil {
		panic(err)
	}
	f, _ := excelize.OpenReader(&buf)
	rows, _ := f.GetRows("第3期 江苏班")
	fmt.Println(rows[0][0])
	for _, r := range rows[2:] {
		fmt.Println(r[0], r[1], r[6])
	}
	// Output:
	// 第3期 江苏省科协党校班 学员名单
	// 1 丁一 320102********0039
	// 2 张伟 110105********002X
}

// Badges for a cohort on A6 cards, each with its check-in QR code.
func ExampleBadges() {
	p, _ := program.Default()
	c, _ := p.Cohort(3)
	as := []program.Applicant{{Name: "张伟", ID: "11010519850301002X", Employer: "东南大学教授", Cohort: 3}}
	layout, err := render.LoadLayout("a6")
	if err != nil {
		panic(err)
	}
	var pdf bytes.Buffer
	badges := render.ApplicantBadges(as, []byte("per-deployment secret, 32 bytes!"), p.Year)
	if err := render.Badges(&pdf, p, c, badges, layout); err != nil {
		panic(err)
	}
	fmt.Println(bytes.HasPrefix(pdf.Bytes(), []byte("%PDF-")), badges[0].Role)
	// Output: true 学员
}
