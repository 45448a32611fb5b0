package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"linghang/program"
	"linghang/render"
	"linghang/render/typeset"
)

const rosterAbout = `生成学员名单：XLSX（每期一个工作表，另有“全部”）或 PDF（A4 横向，每页重复表头）。
默认按姓氏笔画排序（复姓作一个姓；同笔画按起笔横竖撇点折），可改为拼音排序。
身份证号默认不列出；--with-id 列出并遮盖中间八位，--full-id 列出完整号码。`

// listFlags are the flags shared by the roster, badge and sign-in
// commands.
type listFlags struct {
	applicants, photos, programme, store, out, fontsDir string
	cohort                                              int
	order                                               string
	pdfa                                                *bool
	// fonts is set by load: the fonts by role, resolved once (with the
	// style warning printed once).
	fonts *typeset.Fonts
}

func (l *listFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&l.applicants, "applicants", "", "学员数据文件 XLSX/CSV/JSON（默认：归档中的当前学员数据）")
	fs.StringVar(&l.photos, "photos", "", "照片文件夹（与 --applicants 一起使用）")
	fs.StringVar(&l.programme, "programme", "", "年度计划 YAML 文件（默认：内置的2022年计划）")
	fs.StringVar(&l.store, "store", "", "归档存储（默认 $LINGHANG_STORE，再默认 ./linghang-data）")
	fs.StringVar(&l.out, "o", "", "输出文件（- 表示标准输出）")
	fs.IntVar(&l.cohort, "cohort", 0, "班次（期数 1–10）")
	fs.StringVar(&l.order, "order", "strokes", "排序：strokes（姓氏笔画）| pinyin（拼音）| none（原顺序）")
	l.pdfa = pdfaFlag(fs)
	fs.StringVar(&l.fontsDir, "fonts", "", "字体目录（默认 $LINGHANG_FONTS，再找系统字体，最后用内置字体）")
}

// load reads the programme and the applicants the flags name.
func (l *listFlags) load(ctx context.Context, e *env) (*program.Programme, []program.Applicant, program.Order, error) {
	order, ok := program.ParseOrder(l.order)
	if !ok {
		return nil, nil, 0, fmt.Errorf("--order %q 无效：可选 strokes（姓氏笔画）、pinyin（拼音）、none（原顺序）", l.order)
	}
	if l.out == "" {
		return nil, nil, 0, errors.New("请用 -o 指定输出文件")
	}
	prog, err := loadProgramme(l.programme)
	if err != nil {
		return nil, nil, 0, err
	}
	if l.cohort != 0 {
		if _, ok := prog.Cohort(l.cohort); !ok {
			return nil, nil, 0, fmt.Errorf("--cohort %d 无效：%d年计划共%d期", l.cohort, prog.Year, len(prog.Cohorts))
		}
	}
	set, err := loadApplicants(ctx, e, prog, l.applicants, l.photos, l.store)
	if err != nil {
		return nil, nil, 0, err
	}
	if l.fonts, err = loadFonts(e, l.fontsDir); err != nil {
		return nil, nil, 0, err
	}
	return prog, set.Applicants, order, nil
}

func renderRoster(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("render roster", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var l listFlags
	l.register(fs)
	all := fs.Bool("all", false, "全部班次（默认；与 --cohort 二选一）")
	withID := fs.Bool("with-id", false, "列出身份证号（遮盖中间八位）")
	fullID := fs.Bool("full-id", false, "列出完整身份证号")
	format := fs.String("format", "", "xlsx | pdf（默认按 -o 的扩展名）")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法: linghang render roster [--applicants 文件] [--cohort N | --all] [--order strokes|pinyin] [--with-id] -o 名单.xlsx|名单.pdf\n\n%s\n\n参数:\n", rosterAbout)
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *all && l.cohort != 0 {
		return errors.New("--all 与 --cohort 只能选一个")
	}
	kind := strings.ToLower(strings.TrimSpace(*format))
	if kind == "" {
		kind = strings.TrimPrefix(strings.ToLower(filepath.Ext(l.out)), ".")
	}
	if kind != "xlsx" && kind != "pdf" {
		return fmt.Errorf("无法确定名单格式：请用 --format xlsx|pdf，或让 -o 以 .xlsx / .pdf 结尾（现为 %q）", l.out)
	}
	prog, as, order, err := l.load(ctx, e)
	if err != nil {
		return err
	}
	opts := render.RosterOptions{Cohort: l.cohort, Order: order, WithID: *withID, FullID: *fullID, PlainPDF: !*l.pdfa, Fonts: l.fonts}
	write := func(w io.Writer) error { return render.RosterXLSX(w, prog, as, opts) }
	if kind == "pdf" {
		write = func(w io.Writer) error { return render.RosterPDF(w, prog, as, opts) }
	}
	if err := saveRendered(e, l.out, write); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "已生成学员名单 %s（%s排序）\n", l.out, order)
	return nil
}

// saveRendered writes a document to path atomically (temp file, fsync,
// rename), or to stdout for "-". A failed render leaves no file behind.
func saveRendered(e *env, path string, write func(io.Writer) error) error {
	if path == "-" {
		return write(e.stdout)
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("创建输出文件 %s：%w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("写入 %s：%w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("写入 %s：%w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("写入 %s：%w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("写入 %s：%w", path, err)
	}
	return nil
}
