package program

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
)

// testNow is the day ages are computed on in tests.
var testNow = time.Date(2022, 4, 1, 0, 0, 0, 0, time.UTC)

func testProgramme(t testing.TB) *Programme {
	t.Helper()
	p, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return p
}

// makeID completes 17 digits with their GB 11643 check character.
func makeID(first17 string) string { return first17 + string(IDCheckDigit(first17)) }

// idWithX returns a valid female ID whose check character is X.
func idWithX() string {
	for seq := 2; seq < 1000; seq += 2 {
		first := fmt.Sprintf("11010519800101%03d", seq)
		if IDCheckDigit(first) == 'X' {
			return first + "X"
		}
	}
	panic("no ID with X")
}

// headings is the header row of 附件2 in form order.
var headings = []string{"推荐单位", "姓名", "性别", "民族", "政治面貌", "身份证号", "手机", "办公电话", "电子邮箱", "研究领域", "工作单位及职务、职称", "选择班次", "个人简介", "照片"}

// goodRow returns a valid row for headings, person i (distinct IDs).
func goodRow(i int, female bool) []string {
	seq := 2*(i%500) + 1 // odd: male
	if female {
		seq++
	}
	id := makeID(fmt.Sprintf("110105%s%03d", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i/500).Format("20060102"), seq%1000))
	g := "男"
	if female {
		g = "女"
	}
	return []string{"中国电子学会", "张" + string(rune('一'+i%1000)), g, "汉族", "中共党员", id,
		"13800138000", "010-68530471", fmt.Sprintf("user%d@example.com", i), "集成电路", "清华大学 教授",
		"北京班", "2005年毕业于清华大学，获博士学位。", ""}
}

func col(name string) int {
	for i, h := range headings {
		if h == name {
			return i
		}
	}
	panic(name)
}

func writeCSV(t testing.TB, rows [][]string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	if err := w.WriteAll(rows); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importCSV(t testing.TB, rows [][]string, opts ImportOptions) (*ApplicantSet, *Report, error) {
	t.Helper()
	if opts.Programme == nil {
		opts.Programme = testProgramme(t)
	}
	if opts.Now.IsZero() {
		opts.Now = testNow
	}
	return Import(context.Background(), bytes.NewReader(writeCSV(t, rows)), "报名.csv", opts)
}

func TestImportCSVEncodings(t *testing.T) {
	rows := [][]string{{"2022年领航计划报名汇总"}, headings, goodRow(0, false), goodRow(1, true)}
	rows[2][col("姓名")] = "王  静"
	rows[3][col("选择班次")] = "第10期"
	utf8 := writeCSV(t, rows)
	gbk, err := simplifiedchinese.GBK.NewEncoder().Bytes(utf8)
	if err != nil {
		t.Fatal(err)
	}
	gb18030, err := simplifiedchinese.GB18030.NewEncoder().Bytes(utf8)
	if err != nil {
		t.Fatal(err)
	}
	tsv := bytes.ReplaceAll(utf8, []byte(","), []byte("\t"))
	// Excel's "Unicode text" is UTF-16LE with a BOM, tab separated.
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(tsv)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data []byte
		enc  string
	}{
		{"UTF-8", utf8, EncodingUTF8},
		{"UTF-8 BOM", append([]byte("\xEF\xBB\xBF"), utf8...), EncodingUTF8BOM},
		{"GBK", gbk, EncodingGB18030},
		{"GB18030", gb18030, EncodingGB18030},
		{"UTF-8 tab separated", tsv, EncodingUTF8},
		{"UTF-16LE tab separated", utf16, EncodingUTF16},
		{"CRLF", bytes.ReplaceAll(utf8, []byte("\n"), []byte("\r\n")), EncodingUTF8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set, rep, err := Import(context.Background(), bytes.NewReader(c.data), "报名.csv", ImportOptions{Programme: testProgramme(t), Now: testNow})
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			got := []string{}
			for _, a := range set.Applicants {
				got = append(got, fmt.Sprintf("%s/%d/%s/row%d", a.Name, a.Cohort, a.Employer, a.Row))
			}
			want := []string{"王静/2/清华大学 教授/row3", rows[3][col("姓名")] + "/10/清华大学 教授/row4"}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("applicants = %v, want %v", got, want)
			}
			if rep.HeaderRow != 2 || rep.Rows != 2 || rep.Imported != 2 || rep.Encoding != c.enc {
				t.Errorf("report header %d rows %d imported %d encoding %s, want 2 2 2 %s", rep.HeaderRow, rep.Rows, rep.Imported, rep.Encoding, c.enc)
			}
		})
	}
}

func TestImportCSVRejectsUnknownEncoding(t *testing.T) {
	data := append(writeCSV(t, [][]string{headings}), 0x81, 0x20, 0xFF, 0xFE, 0x81)
	_, _, err := Import(context.Background(), bytes.NewReader(data), "x.csv", ImportOptions{Programme: testProgramme(t)})
	if err == nil || !strings.Contains(err.Error(), "编码无法识别") {
		t.Fatalf("err = %v, want 编码无法识别", err)
	}
}

// TestImportBadRows feeds one bad value per case and checks the row, the
// column and the Chinese reason of the single error it must cause.
func TestImportBadRows(t *testing.T) {
	set := func(name, v string) func([]string) {
		return func(r []string) { r[col(name)] = v }
	}
	cases := []struct {
		name   string
		edit   func([]string)
		column string
		reason string
	}{
		{"missing name", set("姓名", ""), "姓名", "必填项未填写"},
		{"name with a control character", set("姓名", "张\a三"), "姓名", "控制字符 U+0007"},
		{"name like a path", set("姓名", "../../etc/passwd"), "姓名", "姓名中含有符号“.”"},
		{"name like a formula", set("姓名", "=HYPERLINK(x)"), "姓名", "姓名中含有符号“=”"},
		{"employer with a control character", set("工作单位及职务、职称", "某大学\x1b[31m教授"), "工作单位及职务、职称", "控制字符 U+001B"},
		{"missing employer", set("工作单位及职务、职称", " "), "工作单位及职务、职称", "必填项未填写"},
		{"ID check digit", set("身份证号", "110105198001010020"), "身份证号", "校验位错误：按前17位计算末位应为"},
		{"ID scientific", set("身份证号", "1.10105E+17"), "身份证号", "身份证号被Excel存成了数字（显示为1.10105E+17）"},
		{"ID lost X", set("身份证号", idWithX()[:17]), "身份证号", "末位X已丢失"},
		{"ID 17 digits", set("身份证号", "11010519800101003"), "身份证号", "只有17位，应为18位"},
		{"ID rounded", set("身份证号", "110105198001010000"), "身份证号", "身份证号被Excel存成了数字，末三位已被改写成000"},
		{"ID 15 digits", set("身份证号", "110105800101002"), "身份证号", "15位旧身份证号"},
		{"ID province", set("身份证号", makeID("99010519800101001")), "身份证号", "前两位“99”不是有效的省级行政区代码"},
		{"ID date", set("身份证号", makeID("11010519800231001")), "身份证号", "出生日期“19800231”不存在"},
		{"ID future", set("身份证号", makeID("11010520300101001")), "身份证号", "在今天之后"},
		{"ID child", set("身份证号", makeID("11010520150101001")), "身份证号", "推算年龄为7岁"},
		{"ID letters", set("身份证号", "11010519800101A01X"), "身份证号", "只能由数字和末位X组成"},
		{"sex digit", set("性别", "女"), "性别", "身份证号第17位表示“男”"},
		{"gender word", set("性别", "未知"), "性别", "应填“男”或“女”"},
		{"mobile short", set("手机", "1380013800"), "手机", "应为11位，实为10位"},
		{"mobile landline", set("手机", "010-68530471"), "手机", "这是固定电话号码"},
		{"mobile prefix", set("手机", "12800138000"), "手机", "不是有效的中国大陆手机号"},
		{"two mobiles", set("手机", "13800138000/13900139000"), "手机", "填写了两个手机号"},
		{"two emails", set("电子邮箱", "a@example.com; b@example.com"), "电子邮箱", "填写了多个邮箱地址"},
		{"service number ok, office garbage", set("办公电话", "400-12"), "办公电话", "不是有效的电话号码"},
		{"office no area", set("办公电话", "68530471"), "办公电话", "缺少区号"},
		{"office garbage", set("办公电话", "办公室"), "办公电话", "不是有效的电话号码"},
		{"email no at", set("电子邮箱", "user.example.com"), "电子邮箱", "不是有效的电子邮箱地址"},
		{"email typo", set("电子邮箱", "user@qq.con"), "电子邮箱", "疑似拼写错误"},
		{"email no tld", set("电子邮箱", "user@localhost"), "电子邮箱", "不完整"},
		{"email chinese", set("电子邮箱", "张三@example.com"), "电子邮箱", "含有中文"},
		{"ethnicity", set("民族", "穿青人"), "民族", "不是56个民族之一"},
		{"political", set("政治面貌", "积极分子"), "政治面貌", "不是规范的政治面貌"},
		{"two cohorts", set("选择班次", "河南班、北京班"), "选择班次", "选择了2个班次（河南班、北京班）：每位学员限参加1个班次"},
		{"two ticked", set("选择班次", "☑河南班 □北京班 ☑江苏班"), "选择班次", "每位学员限参加1个班次"},
		{"none ticked", set("选择班次", "□河南班 □北京班"), "选择班次", "未勾选任何班次"},
		{"unknown cohort", set("选择班次", "深圳班"), "选择班次", "无法识别的班次“深圳班”"},
		{"cohort 11", set("选择班次", "第11期"), "选择班次", "2022年度没有“第11期”（共10期"},
		{"women only", set("选择班次", "中国女科技工作者协会班"), "选择班次", "仅限女性学员报名"},
		{"bio too long", set("个人简介", strings.Repeat("研", 1001)), "个人简介", "个人简介共1001字，超过上限1000字"},
		{"name digits", set("姓名", "张3"), "姓名", "含有数字"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := goodRow(7, false)
			c.edit(bad)
			_, rep, err := importCSV(t, [][]string{headings, goodRow(1, false), bad}, ImportOptions{})
			ve, ok := AsValidationError(err)
			if !ok {
				t.Fatalf("err = %v, want *ValidationError", err)
			}
			if len(ve.Errors) != 1 {
				t.Fatalf("got %d errors, want 1:\n%v", len(ve.Errors), ve.Errors)
			}
			fe := ve.Errors[0]
			if fe.File != "报名.csv" || fe.Row != 3 || fe.Column != c.column || fe.Col != col(c.column)+1 {
				t.Errorf("error at %s row %d column %q (%d), want 报名.csv row 3 column %q (%d)", fe.File, fe.Row, fe.Column, fe.Col, c.column, col(c.column)+1)
			}
			if !strings.Contains(fe.Reason, c.reason) {
				t.Errorf("reason = %q, want it to contain %q", fe.Reason, c.reason)
			}
			if rep.Rejected != 1 || rep.Imported != 0 {
				t.Errorf("rejected %d imported %d, want 1 and 0 (one bad row imports nothing)", rep.Rejected, rep.Imported)
			}
		})
	}
}

func TestImportNormalises(t *testing.T) {
	cases := []struct {
		column, in, want string
		got              func(a Applicant) string
	}{
		{"姓名", " 李　娜 ", "李娜", func(a Applicant) string { return a.Name }},
		{"性别", "女性", "女", func(a Applicant) string { return a.Gender }},
		{"民族", "回", "回族", func(a Applicant) string { return a.Ethnicity }},
		{"政治面貌", "党员", "中共党员", func(a Applicant) string { return a.Political }},
		{"手机", "+86 138-0013-8000", "13800138000", func(a Applicant) string { return a.Mobile }},
		{"办公电话", "（０１０）6853 0471 转 801", "010-68530471-801", func(a Applicant) string { return a.OfficePhone }},
		{"电子邮箱", " ＵＳＥＲ＠ＥＸＡＭＰＬＥ.ＣＯＭ ", "USER@example.com", func(a Applicant) string { return a.Email }},
		{"工作单位及职务、职称", "中国科学院　研究员（二级）", "中国科学院 研究员（二级）", func(a Applicant) string { return a.Employer }},
		{"研究领域", "５Ｇ通信", "5G通信", func(a Applicant) string { return a.Field }},
		{"选择班次", "☑中国女科技工作者协会班", "10", func(a Applicant) string { return strconv.Itoa(a.Cohort) }},
		{"身份证号", idWithX()[:17] + "ｘ", idWithX(), func(a Applicant) string { return a.ID }},
	}
	for _, c := range cases {
		t.Run(c.column, func(t *testing.T) {
			row := goodRow(4, true)
			row[col(c.column)] = c.in
			set, _, err := importCSV(t, [][]string{headings, row}, ImportOptions{})
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if c.got == nil {
				return
			}
			if got := c.got(set.Applicants[0]); got != c.want {
				t.Errorf("%s %q → %q, want %q", c.column, c.in, got, c.want)
			}
		})
	}
}

func TestImportDuplicateIDNamesBothRows(t *testing.T) {
	a, b := goodRow(1, false), goodRow(1, false)
	b[col("选择班次")] = "河南班"
	set, rep, err := importCSV(t, [][]string{headings, a, goodRow(2, false), b}, ImportOptions{Partial: true})
	if err != nil {
		t.Fatalf("Import partial: %v", err)
	}
	if len(set.Applicants) != 1 || set.Applicants[0].Row != 3 {
		t.Fatalf("imported %v, want only row 3", set.Applicants)
	}
	var got []string
	for _, fe := range rep.Errors {
		got = append(got, fmt.Sprintf("%d:%s", fe.Row, fe.Reason))
	}
	want := []string{
		"2:与第4行的身份证号相同：每位学员限参加1个班次，请只保留一行",
		"4:与第2行的身份证号相同：每位学员限参加1个班次，请只保留一行",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// The twin of a duplicate ID is named even when it is rejected for
// another reason: the good-looking row must not import unnoticed.
func TestImportDuplicateIDWithBadTwin(t *testing.T) {
	a, b := goodRow(1, false), goodRow(1, false)
	b[col("电子邮箱")] = "not-an-email"
	set, rep, err := importCSV(t, [][]string{headings, a, goodRow(2, false), b}, ImportOptions{Partial: true})
	if err != nil {
		t.Fatalf("Import partial: %v", err)
	}
	if len(set.Applicants) != 1 || set.Applicants[0].Row != 3 {
		t.Fatalf("imported %v, want only row 3", set.Applicants)
	}
	var got []string
	for _, fe := range rep.Errors {
		got = append(got, fmt.Sprintf("%d:%s:%s", fe.Row, fe.Column, fe.Reason))
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"2:身份证号:与第4行的身份证号相同", "4:身份证号:与第2行的身份证号相同", "4:电子邮箱:"} {
		if !strings.Contains(all, want) {
			t.Errorf("errors lack %q:\n%s", want, all)
		}
	}
}

func TestImportCapacity(t *testing.T) {
	p := testProgramme(t)
	p.Cohorts[1].Capacity = 2
	rows := [][]string{headings}
	for i := 0; i < 4; i++ {
		rows = append(rows, goodRow(i, false))
	}
	_, rep, err := importCSV(t, rows, ImportOptions{Programme: p, Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 2 || len(rep.Errors) != 2 || rep.Errors[0].Row != 4 || !strings.Contains(rep.Errors[0].Reason, "名额2人已满（本行为第3位报名者）") {
		t.Errorf("imported %d, errors %v; want 2 imported, rows 4 and 5 over capacity", rep.Imported, rep.Errors)
	}
}

func TestImportReportsEveryErrorSortedByRow(t *testing.T) {
	rows := [][]string{headings}
	for i := 0; i < 6; i++ {
		rows = append(rows, goodRow(i, false))
	}
	rows[5][col("手机")] = "123"
	rows[2][col("民族")] = "火星族"
	rows[2][col("电子邮箱")] = "bad"
	_, rep, err := importCSV(t, rows, ImportOptions{})
	ve, ok := AsValidationError(err)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	var got []string
	for _, fe := range ve.Errors {
		got = append(got, fmt.Sprintf("%d %s", fe.Row, fe.Column))
	}
	if want := "3 民族|3 电子邮箱|6 手机"; strings.Join(got, "|") != want {
		t.Errorf("errors %q, want %q", strings.Join(got, "|"), want)
	}
	if rep.Rejected != 2 {
		t.Errorf("rejected = %d, want 2", rep.Rejected)
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Row != 3 {
		t.Errorf("errors.As(*FieldError) = %v", fe)
	}
	if !strings.Contains(err.Error(), "2行有误，共3处错误") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestErrorTableMasksPersonalData(t *testing.T) {
	l := ErrorList{
		{File: "报名.xlsx", Row: 5, Column: "身份证号", Col: 6, Value: "110105198001010020", Reason: "校验位错误"},
		{File: "报名.xlsx", Row: 12, Column: "手机", Col: 7, Value: "13800138000", Reason: "号码错误"},
		{File: "报名.xlsx", Row: 12, Column: "电子邮箱", Col: 9, Value: "zhangsan@example.com", Reason: "域名错误"},
		{File: "报名.xlsx", Row: 13, Column: "民族", Col: 4, Value: "火星族", Reason: "不是56个民族之一"},
	}
	var b bytes.Buffer
	if err := l.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	want := `文件       行  列          值                  原因
报名.xlsx  5   F 身份证号  110105********0020  校验位错误
报名.xlsx  12  G 手机      138****8000         号码错误
报名.xlsx  12  I 电子邮箱  z***@example.com    域名错误
报名.xlsx  13  D 民族      火星族              不是56个民族之一
`
	if b.String() != want {
		t.Errorf("table:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestImportJSON(t *testing.T) {
	good := goodRow(2, false)
	recs := []map[string]any{
		{"recommender": "中国林学会", "name": "赵六", "gender": "男", "ethnicity": "满", "political_status": "群众",
			"id_number": good[col("身份证号")], "mobile": "13912345678", "email": "zl@example.org",
			"research_field": "林学", "employer": "北京林业大学 副教授", "cohort": 7, "bio": "简介", "extra": "ignored"},
		{"name": "孙七", "id_number": 110105198001010000, "cohort": "浙江班"},
	}
	data, _ := json.Marshal(recs)
	p := testProgramme(t)
	_, rep, err := Import(context.Background(), bytes.NewReader(data), "报名.json", ImportOptions{Programme: p, Now: testNow, Partial: true})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if rep.Imported != 1 || rep.Format != FormatJSON {
		t.Fatalf("imported %d format %s, want 1 json", rep.Imported, rep.Format)
	}
	if strings.Join(rep.Ignored, ",") != "extra" {
		t.Errorf("ignored = %v, want [extra]", rep.Ignored)
	}
	var reasons []string
	for _, fe := range rep.Errors {
		if fe.Row != 2 {
			t.Errorf("error on record %d, want 2: %v", fe.Row, fe)
		}
		reasons = append(reasons, fe.Column)
	}
	if !strings.Contains(strings.Join(reasons, ","), "身份证号") {
		t.Errorf("record 2 errors %v, want one on 身份证号", rep.Errors)
	}
	// Wrapped in an object, as an exported ApplicantSet is.
	wrapped, _ := json.Marshal(map[string]any{"applicants": recs[:1]})
	set, _, err := Import(context.Background(), bytes.NewReader(wrapped), "set.json", ImportOptions{Programme: p, Now: testNow})
	if err != nil || len(set.Applicants) != 1 || set.Applicants[0].Ethnicity != "满族" || set.Applicants[0].Cohort != 7 {
		t.Fatalf("wrapped JSON: %v %+v", err, set)
	}
	_, _, err = Import(context.Background(), strings.NewReader("[{\"name\": \"x\",}]"), "bad.json", ImportOptions{Programme: p})
	if err == nil || !strings.Contains(err.Error(), "第1行第16列：JSON格式错误") {
		t.Errorf("syntax error = %v", err)
	}
}

// testJPEG encodes a w×h JPEG whose top-left quadrant is red and the rest blue.
func testJPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := color.RGBA{0, 0, 255, 255}
			if x < w/2 && y < h/2 {
				c = color.RGBA{255, 0, 0, 255}
			}
			m.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// xlsxFile builds a workbook with a merged title row, the header in row
// 2 and the rows below; pics maps a row index (into rows) to a picture
// placed in its 照片 cell; numericID lists rows whose ID is written as a
// number.
func xlsxFile(t testing.TB, rows [][]string, pics map[int][]byte, numericID map[int]float64) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sh := "报名汇总"
	if err := f.SetSheetName("Sheet1", sh); err != nil {
		t.Fatal(err)
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.SetCellValue(sh, "A1", "2022年“领航计划”青年科技领军人才国情研修活动报名汇总表"))
	must(f.MergeCell(sh, "A1", "N1"))
	must(f.SetSheetRow(sh, "A2", &headings))
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+3)
		row := make([]any, len(r))
		for j, v := range r {
			row[j] = v
		}
		if v, ok := numericID[i]; ok {
			row[col("身份证号")] = v
		}
		must(f.SetSheetRow(sh, cell, &row))
		if pic, ok := pics[i]; ok {
			pc, _ := excelize.CoordinatesToCellName(col("照片")+1, i+3)
			must(f.AddPictureFromBytes(sh, pc, &excelize.Picture{Extension: ".jpg", File: pic, Format: &excelize.GraphicOptions{AutoFit: true}}))
		}
	}
	var b bytes.Buffer
	if _, err := f.WriteTo(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestImportXLSX(t *testing.T) {
	rows := [][]string{goodRow(0, false), goodRow(1, true), goodRow(2, false), goodRow(3, false)}
	rows[1][col("选择班次")] = "中国女科技工作者协会班"
	exact, _ := strconv.ParseFloat(rows[2][col("身份证号")], 64)
	data := xlsxFile(t, rows,
		map[int][]byte{0: testJPEG(t, 300, 400)},
		map[int]float64{2: exact, 3: 1.10105198001010e17})
	set, rep, err := Import(context.Background(), bytes.NewReader(data), "汇总.xlsx", ImportOptions{Programme: testProgramme(t), Now: testNow, Partial: true})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if rep.Sheet != "报名汇总" || rep.HeaderRow != 2 || rep.Rows != 4 {
		t.Errorf("sheet %q header %d rows %d, want 报名汇总 2 4", rep.Sheet, rep.HeaderRow, rep.Rows)
	}
	if rep.Imported != 2 || rep.Rejected != 2 {
		t.Errorf("imported %d rejected %d, want 2 and 2; errors %v", rep.Imported, rep.Rejected, rep.Errors)
	}
	// Row 5: an 18-digit number that float64 cannot hold is rounded by
	// the time it reaches the cell; row 6 was typed into Excel.
	wantErr := map[int]string{5: "身份证号被Excel存成了数字", 6: "身份证号被Excel存成了数字"}
	for _, fe := range rep.Errors {
		if !strings.Contains(fe.Reason, wantErr[fe.Row]) || fe.Column != "身份证号" || fe.Col != 6 {
			t.Errorf("unexpected error %v", fe)
		}
		if !strings.Contains(fe.Reason, "请将该列设为文本后重新填写") {
			t.Errorf("reason %q lacks the fix", fe.Reason)
		}
	}
	a := set.Applicants[0]
	if a.Row != 3 || len(a.PhotoJPEG) == 0 || a.Photo != PhotoName(a.PhotoJPEG) {
		t.Fatalf("row 3 photo: %q, %d bytes", a.Photo, len(a.PhotoJPEG))
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(a.PhotoJPEG))
	if err != nil || cfg.Width != 300 || cfg.Height != 400 {
		t.Errorf("embedded photo %dx%d (%v), want 300x400", cfg.Width, cfg.Height, err)
	}
	if set.Applicants[1].Cohort != 10 || set.Applicants[1].PhotoJPEG != nil {
		t.Errorf("second applicant %+v", set.Applicants[1])
	}
}

func TestImportXLSXNumericIDIntact(t *testing.T) {
	// excelize writes an int64 exactly; Excel would show 1.10105E+17 but
	// the digits are still all there: accept with a warning.
	id := makeID("11010519800101001")
	n, _ := strconv.ParseInt(id, 10, 64)
	f := excelize.NewFile()
	defer f.Close()
	row := goodRow(0, false)
	vals := make([]any, len(row))
	for i, v := range row {
		vals[i] = v
	}
	vals[col("身份证号")] = n
	f.SetSheetRow("Sheet1", "A1", &headings)
	f.SetSheetRow("Sheet1", "A2", &vals)
	var b bytes.Buffer
	f.WriteTo(&b)
	set, rep, err := Import(context.Background(), &b, "x.xlsx", ImportOptions{Programme: testProgramme(t), Now: testNow})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if set.Applicants[0].ID != id || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Reason, "存成了数字（本次数据完整）") {
		t.Errorf("ID %q warnings %v", set.Applicants[0].ID, rep.Warnings)
	}
}

func TestImportSkipsTemplateRows(t *testing.T) {
	h := append([]string{"序号"}, headings...)
	rows := [][]string{h, append([]string{"1"}, goodRow(0, false)...)}
	for i := 2; i <= 30; i++ {
		rows = append(rows, []string{strconv.Itoa(i)}) // numbered, never filled in
	}
	rows = append(rows, []string{"注：1.请报名学员填写报名表。"}, []string{"", "", "", ""})
	set, rep, err := importCSV(t, rows, ImportOptions{})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if rep.Rows != 1 || len(set.Applicants) != 1 {
		t.Errorf("rows %d applicants %d, want 1 and 1", rep.Rows, len(set.Applicants))
	}
}

func TestImportXLSXSheetAndHeader(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetRow("Sheet1", "A1", &[]string{"说明：本表请勿修改"})
	f.NewSheet("名单")
	h := []string{"序号", "姓 名", "身份证号码", "班次", "工作单位", "备注"}
	f.SetSheetRow("名单", "A3", &h)
	var b bytes.Buffer
	f.WriteTo(&b)
	data := b.Bytes()
	p := testProgramme(t)
	_, _, err := Import(context.Background(), bytes.NewReader(data), "x.xlsx", ImportOptions{Programme: p, Sheet: "不存在"})
	if err == nil || !strings.Contains(err.Error(), "没有名为“不存在”的工作表（现有：Sheet1、名单）") {
		t.Errorf("missing sheet: %v", err)
	}
	_, rep, err := Import(context.Background(), bytes.NewReader(data), "x.xlsx", ImportOptions{Programme: p})
	if err == nil || !strings.Contains(err.Error(), "没有学员数据") || rep.Sheet != "名单" || rep.HeaderRow != 3 {
		t.Errorf("empty sheet: %v %+v", err, rep)
	}
	if rep != nil && strings.Join(rep.Ignored, ",") != "序号,备注" {
		t.Errorf("ignored = %v", rep.Ignored)
	}
}

func TestImportPhotosDir(t *testing.T) {
	dir := t.TempDir()
	rows := [][]string{headings}
	for i := 0; i < 7; i++ {
		rows = append(rows, goodRow(i, false))
	}
	write := func(name string, data []byte) {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	jpg := testJPEG(t, 200, 260)
	rows[6][col("身份证号")], rows[6][col("性别")] = idWithX(), "女"
	id := func(i int) string { return rows[i+1][col("身份证号")] }
	write(id(0)+".jpg", jpg)                  // found by ID
	write("张三.JPG", jpg)                      // named in the 照片 column
	rows[2][col("照片")] = "张三.JPG"             //
	rows[3][col("照片")] = "没有这个文件.jpg"         // named but missing
	write(id(3)+".heic", heicLike())          // HEIC, found by ID
	write(id(4)+".jpg", jpg[:len(jpg)/2])     // truncated
	write(id(5)[:17]+"x.png", []byte("nope")) // not an image; lower-case x in the name
	write("李四.jpg", jpg)
	rows[1][col("照片")] = `C:\Users\科协\照片\李四.jpg`                          // a path from the sender's computer
	rows = append(rows[:3], append([][]string{headings}, rows[3:]...)...) // a repeated header row
	set, rep, err := importCSV(t, rows, ImportOptions{PhotosDir: dir, Partial: true})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	got := map[int]string{}
	for _, fe := range rep.Errors {
		got[fe.Row] = fe.Reason
	}
	want := map[int]string{5: "在照片文件夹", 6: "HEIC/HEIF格式", 7: "已损坏", 8: "不是JPEG或PNG图片"}
	for row, w := range want {
		if !strings.Contains(got[row], w) {
			t.Errorf("row %d: %q, want %q", row, got[row], w)
		}
	}
	if len(got) != len(want) {
		t.Errorf("errors %v", rep.Errors)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Row != 9 {
		t.Errorf("warnings %v, want row 9 without photo", rep.Warnings)
	}
	if rep.Photos != 2 || rep.Rows != 7 || set.Applicants[0].Photo == "" || set.Applicants[1].Photo == "" {
		t.Errorf("photos %d, applicants %v", rep.Photos, set.Applicants)
	}
}

func heicLike() []byte {
	b := []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic")
	return append(b, make([]byte, 64)...)
}

func TestDetectFormat(t *testing.T) {
	cases := []struct {
		name string
		data string
		want Format
		err  string
	}{
		{"a.xlsx", "", FormatXLSX, ""},
		{"a.CSV", "", FormatCSV, ""},
		{"a.json", "", FormatJSON, ""},
		{"upload", "PK\x03\x04....", FormatXLSX, ""},
		{"renamed.csv", "PK\x03\x04....", FormatXLSX, ""},
		{"upload", " [{}]", FormatJSON, ""},
		{"upload", "姓名,身份证号", FormatCSV, ""},
		{"a.xls", "", "", "旧版Excel"},
		{"a.xlsx", "\xD0\xCF\x11\xE0", "", "已加密"},
	}
	for _, c := range cases {
		got, err := detectFormat([]byte(c.data), c.name, FormatAuto)
		if got != c.want || (c.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), c.err)) {
			t.Errorf("detectFormat(%q, %q) = %q, %v; want %q, %q", c.name, c.data, got, err, c.want, c.err)
		}
	}
}

// BenchmarkImport10000 imports a 10,000-row CSV without photos.
func BenchmarkImport10000(b *testing.B) {
	p := testProgramme(b)
	rows := [][]string{headings}
	for i := 0; i < 10000; i++ {
		rows = append(rows, goodRow(i, false))
	}
	data := writeCSV(b, rows)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		set, _, err := Import(context.Background(), bytes.NewReader(data), "b.csv", ImportOptions{Programme: p, Now: testNow})
		if err != nil || len(set.Applicants) != 10000 {
			b.Fatalf("Import: %v", err)
		}
	}
}

// BenchmarkImportXLSX10000 imports the same rows from a workbook.
func BenchmarkImportXLSX10000(b *testing.B) {
	p := testProgramme(b)
	var rows [][]string
	for i := 0; i < 10000; i++ {
		rows = append(rows, goodRow(i, false))
	}
	data := xlsxFile(b, rows, nil, nil)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		set, _, err := Import(context.Background(), bytes.NewReader(data), "b.xlsx", ImportOptions{Programme: p, Now: testNow})
		if err != nil || len(set.Applicants) != 10000 {
			b.Fatalf("Import: %v", err)
		}
	}
}

func ExampleImport() {
	p, _ := Default()
	csv := "姓名,性别,民族,政治面貌,身份证号,手机,电子邮箱,推荐单位,研究领域,工作单位及职务、职称,选择班次,个人简介\n" +
		"王静,女,汉,党员,110105198001010024,+86 138 0013 8000,wj@example.com,中国电子学会,集成电路,清华大学 教授,☑北京班,简介\n" +
		"李四,男,回族,群众,1.10105E+17,13800138001,ls@example,中国林学会,林学,北京林业大学 教授,河南班、北京班,简介\n"
	_, rep, err := Import(context.Background(), strings.NewReader(csv), "报名.csv", ImportOptions{Programme: p, Now: time.Date(2022, 4, 1, 0, 0, 0, 0, time.UTC)})
	if ve, ok := AsValidationError(err); ok {
		ve.Errors.WriteTable(os.Stdout)
	}
	fmt.Println(rep.Rejected, "行不合格")
	// Output:
	// 文件      行  列          值              原因
	// 报名.csv  3   E 身份证号  1.10105E+17     身份证号被Excel存成了数字（显示为1.10105E+17），后几位已丢失无法恢复；请将该列设为文本后重新填写
	// 报名.csv  3   G 电子邮箱  l***@example    邮箱域名“example”不完整（缺少如.com、.cn的后缀）
	// 报名.csv  3   K 选择班次  河南班、北京班  选择了2个班次（河南班、北京班）：每位学员限参加1个班次
	// 1 行不合格
}

func TestImportXLSXMergedCellsAndSplitEmployer(t *testing.T) {
	// A 推荐单位 merged down over three applicants, and 工作单位 / 职务 /
	// 职称 in columns of their own.
	f := excelize.NewFile()
	defer f.Close()
	h := []string{"推荐单位", "姓名", "性别", "民族", "政治面貌", "身份证号", "手机", "电子邮箱", "研究领域", "工作单位", "职务", "职称", "选择班次", "个人简介"}
	f.SetSheetRow("Sheet1", "A1", &h)
	for i := 0; i < 3; i++ {
		g := goodRow(i, false)
		row := []string{"", g[1], g[2], g[3], g[4], g[5], g[6], g[8], g[9], "东南大学", "副院长", "教授", "江苏班", g[12]}
		if i == 0 {
			row[0] = "江苏省科协"
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		f.SetSheetRow("Sheet1", cell, &row)
	}
	if err := f.MergeCell("Sheet1", "A2", "A4"); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	f.WriteTo(&b)
	set, _, err := Import(context.Background(), &b, "merged.xlsx", ImportOptions{Programme: testProgramme(t), Now: testNow})
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	for _, a := range set.Applicants {
		if a.Recommender != "江苏省科协" || a.Employer != "东南大学 副院长 教授" {
			t.Errorf("row %d: 推荐单位 %q, 工作单位 %q", a.Row, a.Recommender, a.Employer)
		}
	}
}

// FuzzImport checks that no input makes Import panic.
func FuzzImport(f *testing.F) {
	f.Add([]byte("姓名,身份证号,选择班次\n张三,110105198001010024,河南班\n"), "x.csv")
	f.Add([]byte(`[{"name":"张三","id_number":1.1e17,"cohort":"☑河南班"}]`), "x.json")
	f.Add([]byte("PK\x03\x04garbage"), "x.xlsx")
	p, err := Default()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte, name string) {
		Import(context.Background(), bytes.NewReader(data), name, ImportOptions{Programme: p, Now: testNow, Partial: true})
	})
}

func TestImportWarnsOnlyForAcceptedRows(t *testing.T) {
	bad := goodRow(1, false)
	bad[col("手机")] = "123"
	_, rep, err := importCSV(t, [][]string{headings, goodRow(0, false), bad}, ImportOptions{PhotosDir: t.TempDir(), Partial: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Row != 2 || rep.Warnings[0].Column != "照片" {
		t.Errorf("warnings %v, want only row 2 without photo", rep.Warnings)
	}
}

func TestImportWarnsAboutLandscapePhoto(t *testing.T) {
	dir := t.TempDir()
	row := goodRow(0, false)
	os.WriteFile(filepath.Join(dir, row[col("身份证号")]+".jpg"), testJPEG(t, 400, 300), 0o644)
	set, rep, err := importCSV(t, [][]string{headings, row}, ImportOptions{PhotosDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Applicants[0].PhotoJPEG) == 0 || len(rep.Warnings) != 1 || !strings.Contains(rep.Warnings[0].Reason, "照片是横向的（400×300像素）") {
		t.Errorf("warnings %v", rep.Warnings)
	}
}
