package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"linghang/jobs"
	"linghang/program"
	"linghang/storage"
	"linghang/storage/archive"
)

const importAbout = `读取学员报名数据（XLSX、CSV 或 JSON），规范化并逐行校验，全部通过后存入归档，
成为该年度的当前学员数据（上一版保留为历史版本，可用 linghang archive history 查看）。

文件格式：
  XLSX  第一个含表头的工作表（或 --sheet 指定）；表头为报名表栏目：推荐单位、姓名、性别、
        民族、政治面貌、身份证号、手机、办公电话、电子邮箱、研究领域、工作单位及职务、职称、
        选择班次、个人简介、照片；表头上方的标题行自动跳过，多余的列忽略；
        嵌入“照片”单元格的图片即该学员的照片。
  CSV   逗号、制表符或分号分隔；UTF-8（可带BOM）或 GBK/GB18030 自动识别。
  JSON  学员对象数组（字段名见 README“学员数据 JSON”）。

照片：--photos 文件夹中按身份证号命名的 JPEG/PNG（如 11010519800101002X.jpg），
      或“照片”列中写明的文件名；自动按 EXIF 方向摆正，统一存为 JPEG。

上限（超出即拒绝，报出文件与上限；可用环境变量调整）：文件 256 MB（LINGHANG_IMPORT_MAX_FILE_MB），
      解压后总计 512 MB（LINGHANG_IMPORT_MAX_INFLATED_MB）、单个部件 64 MB（LINGHANG_IMPORT_MAX_PART_MB）、
      部件 50000 个（LINGHANG_IMPORT_MAX_PARTS），数据 50000 行（LINGHANG_IMPORT_MAX_ROWS）、
      256 列（LINGHANG_IMPORT_MAX_COLS），照片每张 30 MB（LINGHANG_IMPORT_MAX_PHOTO_MB）。

与当前学员数据比较：导入前列出新增、删除、修改（按身份证号）的学员。默认不允许删除：
  --merge    本文件是一个推荐单位的名单：加入当前数据，只替换本单位已有的同一身份证号，不删除任何人；
  --replace  以本文件整体替换当前数据（文件中没有的学员被删除，旧数据仍保留为历史版本）。

退出状态：
  0  全部导入（--check 时：全部合格）
  2  有不合格的行，未导入任何数据（--check 时：有不合格的行）；或导入会删除学员而未加 --replace
  3  --partial：只导入了合格的行，不合格的行见上表
  1  其他错误（文件无法读取、缺少必需的列、归档存储不可用等）`

func runImport(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	photos := fs.String("photos", "", "照片文件夹")
	sheet := fs.String("sheet", "", "XLSX 中要读取的工作表名称（默认：第一个含表头的工作表）")
	partial := fs.Bool("partial", false, "只导入合格的行（默认：有一行不合格则全部不导入）")
	check := fs.Bool("check", false, "只校验，不导入")
	progFile := fs.String("programme", "", "年度计划 YAML 文件（默认：内置的2022年计划）")
	store := fs.String("store", "", "归档存储：本地目录或 s3://存储桶/前缀（默认 $LINGHANG_STORE，再默认 ./linghang-data）")
	format := fs.String("format", "", "文件格式 xlsx|csv|json（默认按扩展名和内容判断）")
	reportFile := fs.String("report", "", "把不合格清单另存为 CSV 文件（可用 Excel 打开，发回填报单位修改）")
	fontsDir := fs.String("fonts", "", "字体目录（默认 $LINGHANG_FONTS，再默认系统与内置字体）：检查每个字符都能排版")
	replace := fs.Bool("replace", false, "以本文件整体替换当前学员数据（允许删除文件中没有的学员）")
	merge := fs.Bool("merge", false, "合并：本文件（一个推荐单位）的学员加入当前学员数据，只替换本单位的同一身份证号，不删除任何人")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法: linghang import 文件 [--photos 文件夹] [--sheet 工作表] [--partial] [--check] [--programme 文件] [--store 存储] [--report 清单.csv] [--merge|--replace]\n\n%s\n\n参数:\n", importAbout)
		fs.PrintDefaults()
	}
	pos, help, err := parseWithArgs(fs, args)
	if help || err != nil {
		return err
	}
	if len(pos) != 1 {
		fs.Usage()
		return errors.New("请指定一个要导入的文件")
	}
	if *replace && *merge {
		return errors.New("--replace 与 --merge 只能选一个")
	}
	prog, err := loadProgramme(*progFile)
	if err != nil {
		return err
	}
	lim, err := program.LimitsFromEnv(e.getenv)
	if err != nil {
		return err
	}
	fonts, err := loadFonts(e, *fontsDir)
	if err != nil {
		return err
	}
	opts := program.ImportOptions{
		Format: program.Format(strings.ToLower(strings.TrimSpace(*format))), Sheet: *sheet,
		PhotosDir: *photos, Programme: prog, Partial: *partial || *check, Limits: lim, Covers: fonts.Covers,
		PhotosOnDisk: true, // only stored, never rendered here: a year of photos is not held
	}
	set, rep, err := program.ImportFile(ctx, pos[0], opts)
	if rep != nil {
		writeImportReport(e.stdout, rep, set, prog)
		if *reportFile != "" {
			if werr := writeErrorCSV(*reportFile, rep.Errors); werr != nil {
				return werr
			}
			fmt.Fprintf(e.stdout, "不合格清单已写入 %s（%d 处）。\n", *reportFile, len(rep.Errors))
		}
	}
	if err != nil {
		if _, ok := program.AsValidationError(err); ok {
			return &exitStatus{code: 2, err: fmt.Errorf("%s：%d 行不合格，未导入任何数据（修正后重新导入，或加 --partial 只导入合格的行）", rep.File, rep.Rejected)}
		}
		return err
	}
	if *check {
		if rep.Rejected > 0 {
			return &exitStatus{code: 2, err: fmt.Errorf("%s：%d 行不合格（仅校验，未导入）", rep.File, rep.Rejected)}
		}
		fmt.Fprintf(e.stdout, "校验通过：%d 名学员全部合格（仅校验，未导入）。\n", rep.Imported)
		return nil
	}
	if len(set.Applicants) == 0 {
		// Never replace the current data with an empty set.
		return &exitStatus{code: 2, err: fmt.Errorf("%s：没有合格的行，未导入任何数据", rep.File)}
	}
	a, st, err := openArchive(ctx, e, *store)
	if err != nil {
		return err
	}
	cur, err := currentSetIfAny(ctx, a, st, set.Year, *merge)
	if err != nil {
		return err
	}
	if *merge {
		if set, err = program.Merge(prog, cur, set); err != nil {
			return &exitStatus{code: 2, err: err}
		}
	}
	d := program.Diff(cur, set)
	if cur != nil {
		d.WriteTable(e.stdout, 50)
	}
	if len(d.Removed) > 0 && !*replace {
		return &exitStatus{code: 2, err: fmt.Errorf("%s：导入会从当前学员数据中删除 %d 人（见上表），未导入任何数据；"+
			"本文件只是一个推荐单位的名单请加 --merge，确要以本文件整体替换请加 --replace", rep.File, len(d.Removed))}
	}
	if cur != nil && d.Empty() {
		fmt.Fprintf(e.stdout, "与当前学员数据相同，未产生新版本。\n")
		return partialStatus(rep)
	}
	_, entry, err := jobs.SaveApplicants(ctx, a, set)
	if err != nil {
		var se *archive.SpoolError
		if errors.As(err, &se) {
			return fmt.Errorf("学员数据已暂存在本机，但归档存储暂不可用：%w；存储恢复后运行 linghang archive flush 补交", err)
		}
		return err
	}
	how := fmt.Sprintf("第 %d 版", entry.Version)
	if entry.Unchanged {
		how += "（与上次导入内容相同，未产生新版本）"
	}
	total := ""
	if *merge {
		total = fmt.Sprintf("（合并后共 %d 名）", len(set.Applicants))
	}
	fmt.Fprintf(e.stdout, "已导入 %d 名学员（%d 张照片）%s，存为%d年当前学员数据：%s，%s。\n", rep.Imported, rep.Photos, total, set.Year, entry.Key, how)
	return partialStatus(rep)
}

// partialStatus is exit status 3 when --partial left rows out.
func partialStatus(rep *program.Report) error {
	if rep.Rejected > 0 {
		return &exitStatus{code: 3, err: fmt.Errorf("%s：%d 行不合格未导入（--partial），其余 %d 行已导入", rep.File, rep.Rejected, rep.Imported)}
	}
	return nil
}

// currentSetIfAny is the year's current applicant set, or nil when
// nothing has been imported for the year yet. The photos are loaded only
// when asked for (a merge stores the set again, photos included); the
// diff needs only their names.
func currentSetIfAny(ctx context.Context, a *archive.Archive, st storage.Store, year int, photos bool) (*program.ApplicantSet, error) {
	set, err := jobs.LoadApplicantSet(ctx, a, year)
	if errors.Is(err, jobs.ErrNoApplicants) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("读取%d年当前学员数据：%w", year, err)
	}
	if photos {
		if err := jobs.AttachArchivedPhotos(ctx, a, st, set); err != nil {
			return nil, err
		}
	}
	return set, nil
}

// writeImportReport prints what was read, the problems as a table a
// person can act on (personal data masked), and the count per cohort.
func writeImportReport(w io.Writer, rep *program.Report, set *program.ApplicantSet, prog *program.Programme) {
	where := string(rep.Format)
	if rep.Encoding != "" {
		where += "，编码 " + rep.Encoding
	}
	if rep.Sheet != "" {
		where += fmt.Sprintf("，工作表“%s”", rep.Sheet)
	}
	if rep.HeaderRow > 0 {
		where += fmt.Sprintf("，表头在第%d行", rep.HeaderRow)
	}
	if rep.Template != nil {
		where += "，" + rep.Template.String()
	}
	fmt.Fprintf(w, "读取 %s（%s）：%d 行学员数据\n", rep.File, where, rep.Rows)
	if len(rep.Ignored) > 0 {
		fmt.Fprintf(w, "忽略的列：%s\n", strings.Join(rep.Ignored, "、"))
	}
	fmt.Fprintf(w, "合格 %d 行，不合格 %d 行\n", rep.Rows-rep.Rejected, rep.Rejected)
	if len(rep.Errors) > 0 {
		fmt.Fprintf(w, "\n不合格（%d 行，%d 处）：\n", rep.Rejected, len(rep.Errors))
		rep.Errors.WriteTable(w)
	}
	if len(rep.Warnings) > 0 {
		fmt.Fprintf(w, "\n提示（不影响导入，%d 处）：\n", len(rep.Warnings))
		rep.Warnings.WriteTable(w)
	}
	if rep.Unprintable > 0 {
		fmt.Fprintf(w, "\n注意：%d 名学员的资料含有字体无法排版的字符（见上表“无法用已配置的字体排版”），他们的文档不会生成；"+
			"请改用常用字后重新导入，或用 --fonts 提供含此字的字体。\n", rep.Unprintable)
	}
	if set != nil && len(set.Applicants) > 0 {
		count := map[int]int{}
		for _, a := range set.Applicants {
			count[a.Cohort]++
		}
		nums := make([]int, 0, len(count))
		for n := range count {
			nums = append(nums, n)
		}
		sort.Ints(nums)
		fmt.Fprintln(w, "\n各期人数：")
		titles := make([]string, len(nums))
		widest := 0
		for i, n := range nums {
			titles[i] = fmt.Sprintf("第%d期", n)
			if c, ok := prog.Cohort(n); ok {
				titles[i] = c.Title()
			}
			widest = max(widest, displayWidth(titles[i]))
		}
		for i, n := range nums {
			fmt.Fprintf(w, "  %s%s  %4d 人\n", titles[i], strings.Repeat(" ", widest-displayWidth(titles[i])), count[n])
		}
	}
	fmt.Fprintln(w)
}

// writeErrorCSV writes the list of problems atomically (temp file, fsync, rename).
func writeErrorCSV(path string, errs program.ErrorList) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".linghang-report-*")
	if err != nil {
		return fmt.Errorf("写入不合格清单 %s：%w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := errs.WriteCSV(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("写入不合格清单 %s：%w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("写入不合格清单 %s：%w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("写入不合格清单 %s：%w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("写入不合格清单 %s：%w", path, err)
	}
	return nil
}
