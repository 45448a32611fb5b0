package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"linghang/program"
	"linghang/render"
)

const badgesAbout = `生成胸卡 PDF（--cohort 指定一期，否则全部各期，每期从新的一页开始）：项目名称、班次、姓名（大字）、工作单位及职务、照片、角色
和签到二维码（签到码由身份证号等经密钥加密生成，不含任何个人信息）。

版式：a4-8  A4 纸八张 90×54 mm，带裁切线，适用于预切胸卡纸
      a6    每页一张 105×148 mm，放入挂绳卡套
      也可给出自定义版式 YAML 文件的路径（格式见 templates/layouts/a4-8.yaml）。
默认带背面（本期时间、地点、联系人），双面打印时选“沿长边翻转”。

工作人员：--staff 指定 CSV 文件（UTF-8 或 GBK），表头含 姓名、单位（或 工作单位）、
角色（如 班主任、工作人员；空则为“工作人员”），可选 照片（相对于 CSV 所在目录的文件路径）。

签到码密钥：环境变量 LINGHANG_TOKEN_KEY（64 位十六进制，可用 openssl rand -hex 32 生成）；
未设置时使用 LINGHANG_TOKEN_KEY_FILE 指定的文件，再默认 ~/.config/linghang/checkin.key，
不存在时自动生成。同一届学员的胸卡与签到系统必须使用同一密钥。`

func renderBadges(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("render badges", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var l listFlags
	l.register(fs)
	layoutName := fs.String("layout", "a4-8", "版式：a4-8 | a6 | 自定义版式 YAML 文件")
	staffFile := fs.String("staff", "", "工作人员名单 CSV（姓名、单位、角色、照片）")
	noBack := fs.Bool("no-back", false, "不印背面")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法: linghang render badges [--applicants 文件] [--cohort N] [--layout a4-8|a6] [--staff 文件] -o 胸卡.pdf\n\n%s\n\n参数:\n", badgesAbout)
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	layout, err := loadLayout(*layoutName)
	if err != nil {
		return err
	}
	if *noBack {
		layout.Back = false
	}
	layout.PlainPDF = !*l.pdfa
	var staff []render.Badge
	if *staffFile != "" {
		if staff, err = readStaff(*staffFile); err != nil {
			return err
		}
	}
	key, err := checkinKey(e)
	if err != nil {
		return err
	}
	prog, as, order, err := l.load(ctx, e)
	if err != nil {
		return err
	}
	layout.Fonts = l.fonts
	var cohorts []*program.Cohort
	if l.cohort != 0 {
		c, _ := prog.Cohort(l.cohort)
		cohorts = append(cohorts, c)
	} else {
		if len(staff) > 0 {
			return errors.New("--staff 需与 --cohort 一起使用（工作人员名单按期提供）")
		}
		for i := range prog.Cohorts {
			cohorts = append(cohorts, &prog.Cohorts[i])
		}
	}
	var sets []render.BadgeSet
	students := 0
	for _, c := range cohorts {
		var mine []program.Applicant
		for _, a := range as {
			if a.Cohort == c.Number {
				mine = append(mine, a)
			}
		}
		order.Sort(mine)
		people := render.ApplicantBadges(mine, key, prog.Year)
		if l.cohort != 0 {
			people = append(people, staff...)
		}
		if len(people) == 0 {
			if l.cohort != 0 {
				return fmt.Errorf("%s 没有学员（也未指定 --staff），未生成胸卡", c.Title())
			}
			continue
		}
		students += len(mine)
		sets = append(sets, render.BadgeSet{Cohort: c, People: people})
	}
	if len(sets) == 0 {
		return errors.New("没有任何一期有学员，未生成胸卡")
	}
	if err := saveRendered(e, l.out, func(w io.Writer) error { return render.BadgeSets(w, prog, sets, layout) }); err != nil {
		return err
	}
	what := sets[0].Cohort.Title()
	if len(sets) > 1 {
		what = fmt.Sprintf("%d 期（每期从新的一页开始）", len(sets))
	}
	fmt.Fprintf(e.stderr, "已生成胸卡 %s：%s，学员 %d 张、工作人员 %d 张（版式 %s）\n", l.out, what, students, len(staff), layout.Name)
	return nil
}

func loadLayout(name string) (render.Layout, error) {
	if strings.HasSuffix(strings.ToLower(name), ".yaml") || strings.HasSuffix(strings.ToLower(name), ".yml") {
		f, err := os.Open(name)
		if err != nil {
			return render.Layout{}, fmt.Errorf("打开胸卡版式文件：%w", err)
		}
		defer f.Close()
		return render.ParseLayout(f, name)
	}
	return render.LoadLayout(name)
}

// checkinKey returns the deployment's check-in token key: LINGHANG_TOKEN_KEY,
// else the key file (LINGHANG_TOKEN_KEY_FILE, else
// ~/.config/linghang/checkin.key), created on first use.
func checkinKey(e *env) ([]byte, error) {
	if v := e.getenv("LINGHANG_TOKEN_KEY"); v != "" {
		k, err := program.ParseTokenKey(v)
		if err != nil {
			return nil, fmt.Errorf("环境变量 LINGHANG_TOKEN_KEY：%w", err)
		}
		return k, nil
	}
	path := e.getenv("LINGHANG_TOKEN_KEY_FILE")
	if path == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return nil, fmt.Errorf("找不到存放签到码密钥的目录（%v）：请设置 LINGHANG_TOKEN_KEY 或 LINGHANG_TOKEN_KEY_FILE", err)
		}
		path = filepath.Join(dir, "linghang", "checkin.key")
	}
	return program.ReadOrCreateTokenKey(path)
}

// readStaff reads the staff list: a CSV with the columns 姓名, 单位 (or
// 工作单位), 角色 and optionally 照片.
func readStaff(path string) ([]render.Badge, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("读取工作人员名单：%w", err)
	}
	raw = bytes.TrimPrefix(raw, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(raw) {
		if raw, err = simplifiedchinese.GB18030.NewDecoder().Bytes(raw); err != nil {
			return nil, fmt.Errorf("工作人员名单 %s 既不是 UTF-8 也不是 GBK 编码", path)
		}
	}
	r := csv.NewReader(bytes.NewReader(raw))
	r.FieldsPerRecord = -1
	r.TrimLeadingSpace = true
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("工作人员名单 %s：%w", path, err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("工作人员名单 %s 是空文件", path)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[strings.TrimSpace(h)] = i
	}
	get := func(row []string, names ...string) string {
		for _, n := range names {
			if i, ok := col[n]; ok && i < len(row) {
				return strings.TrimSpace(row[i])
			}
		}
		return ""
	}
	if _, ok := col["姓名"]; !ok {
		return nil, fmt.Errorf("工作人员名单 %s 第1行：缺少“姓名”列（表头应为 姓名,单位,角色[,照片]）", path)
	}
	var out []render.Badge
	for i, row := range rows[1:] {
		line := i + 2
		name := get(row, "姓名")
		if name == "" {
			if strings.TrimSpace(strings.Join(row, "")) == "" {
				continue
			}
			return nil, fmt.Errorf("工作人员名单 %s 第%d行：姓名为空", path, line)
		}
		b := render.Badge{Name: name, Unit: get(row, "单位", "工作单位", "工作单位及职务、职称"), Role: get(row, "角色", "职务")}
		if b.Role == "" {
			b.Role = "工作人员"
		}
		if ph := get(row, "照片"); ph != "" {
			if !filepath.IsAbs(ph) {
				ph = filepath.Join(filepath.Dir(path), ph)
			}
			if b.Photo, err = os.ReadFile(ph); err != nil {
				return nil, fmt.Errorf("工作人员名单 %s 第%d行（%s）：照片 %s 无法读取：%w", path, line, name, ph, err)
			}
		}
		out = append(out, b)
	}
	return out, nil
}
