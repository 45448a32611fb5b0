package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linghang/program"
)

var importHeadings = []string{"推荐单位", "姓名", "性别", "民族", "政治面貌", "身份证号", "手机", "办公电话", "电子邮箱", "研究领域", "工作单位及职务、职称", "选择班次", "个人简介", "照片"}

// person returns a valid row; i picks the ID (male) and the cohort label.
func person(i int, cohort string) []string {
	first := fmt.Sprintf("32010219850301%03d", 2*i+1)
	id := first + string(program.IDCheckDigit(first))
	return []string{"江苏省科协", fmt.Sprintf("学员%c", '甲'+rune(i)), "男", "汉族", "中共党员", id, "13912345678", "025-86670806",
		fmt.Sprintf("p%d@example.cn", i), "物联网", "东南大学 教授", cohort, "长期从事物联网研究。", ""}
}

func writeImportCSV(t *testing.T, dir, name string, rows ...[]string) string {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write(importHeadings)
	w.WriteAll(rows)
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func portrait(t *testing.T) []byte {
	m := image.NewRGBA(image.Rect(0, 0, 150, 200))
	for y := 0; y < 200; y++ {
		for x := 0; x < 150; x++ {
			m.Set(x, y, color.RGBA{uint8(x), uint8(y), 128, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importEnv(t *testing.T) string {
	t.Setenv("LINGHANG_SPOOL", filepath.Join(t.TempDir(), "spool"))
	t.Setenv("LINGHANG_STORE", "")
	return filepath.Join(t.TempDir(), "store")
}

func TestImportCommandStoresVersionsAndLoadsBack(t *testing.T) {
	store := importEnv(t)
	dir := t.TempDir()
	photos := filepath.Join(dir, "照片")
	os.Mkdir(photos, 0o755)
	rows := [][]string{person(0, "江苏班"), person(1, "第3期"), person(2, "中国电子学会班")}
	os.WriteFile(filepath.Join(photos, rows[0][5]+".jpg"), portrait(t), 0o644)
	first := writeImportCSV(t, dir, "第一批.csv", rows...)

	out, _, err := runCLI(t, "import", first, "--photos", photos, "--store", store)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, want := range []string{"读取 第一批.csv（csv，编码 UTF-8，表头在第1行）：3 行学员数据", "已导入 3 名学员（1 张照片）", "2022/数据/学员数据.json，第 1 版"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`第3期 江苏省科协党校班 +2 人`).MatchString(out) {
		t.Errorf("output lacks the count of cohort 3:\n%s", out)
	}
	// The same file again: no new version.
	out, _, err = runCLI(t, "import", first, "--photos", photos, "--store", store)
	if err != nil || !strings.Contains(out, "未产生新版本") {
		t.Errorf("re-import: %v\n%s", err, out)
	}
	// A second batch would remove two people: refused without --replace.
	second := writeImportCSV(t, dir, "第二批.csv", person(0, "江苏班"))
	out, _, err = runCLI(t, "import", second, "--photos", photos, "--store", store)
	if exitCode(err) != 2 || !strings.Contains(out, "删除 2 人：") || !strings.Contains(err.Error(), "加 --replace") {
		t.Fatalf("second import without --replace: %v (exit %d)\n%s", err, exitCode(err), out)
	}
	// With --replace it replaces the current data; the first stays a version.
	out, _, err = runCLI(t, "import", second, "--photos", photos, "--store", store, "--replace")
	if err != nil || !strings.Contains(out, "第 2 版") {
		t.Fatalf("second import: %v\n%s", err, out)
	}
	e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: os.Getenv}
	prog, _ := program.Default()
	set, err := loadApplicants(context.Background(), e, prog, "", "", store)
	if err != nil {
		t.Fatalf("loadApplicants from store: %v", err)
	}
	if len(set.Applicants) != 1 || set.Source != "第二批.csv" || set.Applicants[0].Cohort != 3 {
		t.Fatalf("current set %+v", set)
	}
	a := set.Applicants[0]
	if len(a.PhotoJPEG) == 0 || program.PhotoName(a.PhotoJPEG) != a.Photo {
		t.Errorf("photo not loaded back: %q, %d bytes", a.Photo, len(a.PhotoJPEG))
	}
	hist, _, err := runCLI(t, "archive", "history", "2022/数据/学员数据.json", "--store", store)
	if err != nil || strings.Count(hist, "import-") != 2 {
		t.Errorf("history: %v\n%s", err, hist)
	}
	// From a file, without the store.
	set, err = loadApplicants(context.Background(), e, prog, first, photos, "")
	if err != nil || len(set.Applicants) != 3 {
		t.Errorf("loadApplicants from file: %v", err)
	}
}

func TestImportCommandExitStatus(t *testing.T) {
	dir := t.TempDir()
	bad := person(3, "河南班、北京班")
	good := writeImportCSV(t, dir, "good.csv", person(0, "河南班"))
	mixed := writeImportCSV(t, dir, "mixed.csv", person(0, "河南班"), bad)
	allBad := writeImportCSV(t, dir, "allbad.csv", bad)
	noHeader := filepath.Join(dir, "nohead.csv")
	os.WriteFile(noHeader, []byte("a,b,c\n1,2,3\n"), 0o644)
	cases := []struct {
		name     string
		args     []string
		code     int // -1: no error
		stored   int // applicants current in the store afterwards (0: none)
		contains string
	}{
		{"all good", []string{good}, -1, 1, "已导入 1 名学员"},
		{"check good", []string{good, "--check"}, -1, 0, "校验通过：1 名学员全部合格"},
		{"one bad row imports nothing", []string{mixed}, 2, 0, "每位学员限参加1个班次"},
		{"check bad", []string{"--check", mixed, "--report", filepath.Join(dir, "清单.csv")}, 2, 0, "L 选择班次"},
		{"partial", []string{mixed, "--partial"}, 3, 1, "已导入 1 名学员"},
		{"partial with nothing good", []string{allBad, "--partial"}, 2, 0, "合格 0 行，不合格 1 行"},
		{"missing file", []string{filepath.Join(dir, "none.csv")}, 1, 0, ""},
		{"no header", []string{noHeader}, 1, 0, ""},
		{"two files", []string{good, mixed}, 1, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			store := importEnv(t)
			out, _, err := runCLI(t, append([]string{"import", "--store", store}, c.args...)...)
			checkNoPersonalData(t, "import", out+fmt.Sprint(err)) // stderr holds the usage, with its example file name
			switch {
			case c.code < 0 && err != nil:
				t.Fatalf("err %v, want none\n%s", err, out)
			case c.code >= 0 && (err == nil || exitCode(err) != c.code):
				t.Fatalf("err %v (exit %d), want exit %d\n%s", err, exitCode(err), c.code, out)
			}
			if !strings.Contains(out, c.contains) {
				t.Errorf("output lacks %q:\n%s", c.contains, out)
			}
			e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: os.Getenv}
			prog, _ := program.Default()
			set, err := loadApplicants(context.Background(), e, prog, "", "", store)
			got := 0
			if err == nil {
				got = len(set.Applicants)
			} else if !strings.Contains(err.Error(), "归档中还没有2022年的学员数据") {
				t.Errorf("load: %v", err)
			}
			if got != c.stored {
				t.Errorf("store holds %d applicants, want %d", got, c.stored)
			}
		})
	}
}

func TestImportCommandXLSXWithEmbeddedPhoto(t *testing.T) {
	store := importEnv(t)
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", "2022年“领航计划”报名汇总表")
	f.MergeCell("Sheet1", "A1", "N1")
	f.SetSheetRow("Sheet1", "A2", &importHeadings)
	row := person(0, "☑江苏班")
	f.SetSheetRow("Sheet1", "A3", &row)
	if err := f.AddPictureFromBytes("Sheet1", "N3", &excelize.Picture{Extension: ".jpg", File: portrait(t), Format: &excelize.GraphicOptions{AutoFit: true}}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "汇总.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "import", path, "--store", store)
	if err != nil || !strings.Contains(out, "已导入 1 名学员（1 张照片）") || !strings.Contains(out, "工作表“Sheet1”，表头在第2行") {
		t.Fatalf("import: %v\n%s", err, out)
	}
}

func TestImportCommandWritesReportCSV(t *testing.T) {
	store := importEnv(t)
	dir := t.TempDir()
	bad := person(3, "河南班、北京班")
	bad[6] = "1380013800"
	mixed := writeImportCSV(t, dir, "mixed.csv", person(0, "河南班"), bad)
	report := filepath.Join(dir, "不合格清单.csv")
	_, _, err := runCLI(t, "import", mixed, "--check", "--report", report, "--store", store)
	if exitCode(err) != 2 {
		t.Fatalf("exit %d (%v), want 2", exitCode(err), err)
	}
	data, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
		t.Error("report lacks the UTF-8 BOM Excel needs")
	}
	recs, err := csv.NewReader(bytes.NewReader(data[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"文件", "行", "列", "栏目", "值", "原因"},
		{"mixed.csv", "3", "G", "手机", "138***3800", "手机号应为11位，实为10位"},
		{"mixed.csv", "3", "L", "选择班次", "河南班、北京班", "选择了2个班次（河南班、北京班）：每位学员限参加1个班次"},
	}
	if fmt.Sprint(recs) != fmt.Sprint(want) {
		t.Errorf("report:\n%v\nwant:\n%v", recs, want)
	}
}

func TestLoadApplicantsRejectsBadFile(t *testing.T) {
	importEnv(t)
	dir := t.TempDir()
	bad := person(1, "北京班")
	bad[2] = "女" // the ID says male
	path := writeImportCSV(t, dir, "bad.csv", person(0, "河南班"), bad)
	var stderr bytes.Buffer
	e := &env{stdout: &bytes.Buffer{}, stderr: &stderr, getenv: os.Getenv}
	prog, _ := program.Default()
	_, err := loadApplicants(context.Background(), e, prog, path, "", "")
	if err == nil || !strings.Contains(err.Error(), "有 1 行不合格") {
		t.Errorf("err = %v", err)
	}
	if !strings.Contains(stderr.String(), "C 性别") || !strings.Contains(stderr.String(), "身份证号第17位表示“男”") {
		t.Errorf("stderr lacks the table:\n%s", stderr.String())
	}
}

// storedIDs returns the IDs of the current set in the store, nil if none.
func storedIDs(t *testing.T, store string) []string {
	t.Helper()
	e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: os.Getenv}
	prog, _ := program.Default()
	set, err := loadApplicants(context.Background(), e, prog, "", "", store)
	if err != nil {
		if strings.Contains(err.Error(), "归档中还没有") {
			return nil
		}
		t.Fatal(err)
	}
	var out []string
	for _, a := range set.Applicants {
		out = append(out, a.ID)
	}
	sort.Strings(out)
	return out
}

// TestImportCommandDiff: import shows what it changes against the
// current set, refuses to remove people unless --replace, and --merge
// adds a recommending unit's file. The case from the issue: --partial of
// a file with few good rows must not silently replace the whole set.
func TestImportCommandDiff(t *testing.T) {
	dir := t.TempDir()
	unit := func(i int, name, cohort string) []string {
		r := person(i, cohort)
		r[0] = name
		return r
	}
	base := []([]string){unit(0, "江苏省科协", "江苏班"), unit(1, "江苏省科协", "江苏班"), unit(2, "中国电子学会", "北京班"), unit(3, "中国电子学会", "北京班")}
	changed := unit(1, "江苏省科协", "江苏班")
	changed[6] = "13900000000"
	bad := unit(5, "江苏省科协", "河南班、北京班")
	files := map[string]string{
		"base":    writeImportCSV(t, dir, "base.csv", base...),
		"jiangsu": writeImportCSV(t, dir, "jiangsu.csv", unit(0, "江苏省科协", "江苏班"), changed, unit(4, "江苏省科协", "江苏班")),
		"partial": writeImportCSV(t, dir, "partial.csv", unit(0, "江苏省科协", "江苏班"), unit(1, "江苏省科协", "江苏班"), bad),
		"foreign": writeImportCSV(t, dir, "foreign.csv", unit(2, "江苏省科协", "北京班")),
		"two":     writeImportCSV(t, dir, "two.csv", unit(4, "江苏省科协", "江苏班"), unit(5, "中国电子学会", "北京班")),
	}
	id := func(i int) string { return person(i, "")[5] }
	all := []string{id(0), id(1), id(2), id(3)}
	sort.Strings(all)
	withFour := append([]string{id(4)}, all...)
	sort.Strings(withFour)
	cases := []struct {
		name     string
		args     []string
		code     int // -1: success
		contains []string
		stored   []string
	}{
		{"partial would remove", []string{files["partial"], "--partial"}, 2, []string{"删除 2 人：", "导入会从当前学员数据中删除 2 人"}, all},
		{"replace removes", []string{files["jiangsu"], "--replace"}, -1, []string{"新增 1 人：", "删除 2 人：", "修改 1 人：", "（手机）"}, []string{id(0), id(1), id(4)}},
		{"merge adds and replaces own", []string{files["jiangsu"], "--merge"}, -1, []string{"新增 1 人：", "修改 1 人：", "新增 1 人，删除 0 人，修改 1 人，不变 3 人", "合并后共 5 名"}, withFour},
		{"merge two units", []string{files["two"], "--merge"}, 2, []string{}, all},
		{"merge another unit's ID", []string{files["foreign"], "--merge"}, 2, []string{}, all},
		{"same again", []string{files["base"]}, -1, []string{"与当前学员数据相同，未产生新版本"}, all},
		{"both flags", []string{files["base"], "--merge", "--replace"}, 1, []string{}, all},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			store := importEnv(t)
			if out, _, err := runCLI(t, "import", files["base"], "--store", store); err != nil {
				t.Fatalf("base import: %v\n%s", err, out)
			}
			out, _, err := runCLI(t, append([]string{"import", "--store", store}, c.args...)...)
			checkNoPersonalData(t, "import", out+fmt.Sprint(err)) // stderr holds the usage, with its example file name
			switch {
			case c.code < 0 && err != nil:
				t.Fatalf("err %v, want none\n%s", err, out)
			case c.code >= 0 && (err == nil || exitCode(err) != c.code):
				t.Fatalf("err %v (exit %d), want exit %d\n%s", err, exitCode(err), c.code, out)
			}
			for _, want := range c.contains {
				if !strings.Contains(out+fmt.Sprint(err), want) {
					t.Errorf("output lacks %q:\n%s\n%v", want, out, err)
				}
			}
			if got := storedIDs(t, store); fmt.Sprint(got) != fmt.Sprint(c.stored) {
				t.Errorf("stored %v, want %v", got, c.stored)
			}
		})
	}
}

// TestImportCommandReportsUntypesettable: 𠮷 (U+20BB7), which no
// configured font has, is reported at upload with its row, column and
// code point; the person is still imported, the others untouched.
func TestImportCommandReportsUntypesettable(t *testing.T) {
	store := importEnv(t)
	t.Setenv("LINGHANG_FONTS", "")
	dir := t.TempDir()
	odd := person(1, "江苏班")
	odd[1] = "𠮷田"
	path := writeImportCSV(t, dir, "fonts.csv", person(0, "江苏班"), odd)
	out, _, err := runCLI(t, "import", path, "--store", store)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	for _, want := range []string{
		"fonts.csv  3   B 姓名  𠮷田  字符“𠮷”（U+20BB7）无法用已配置的字体排版：该学员的文档不会生成",
		"注意：1 名学员的资料含有字体无法排版的字符",
		"已导入 2 名学员",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}
