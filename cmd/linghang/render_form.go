package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"linghang/program"
	"linghang/render"
	"linghang/render/typeset"
)

// renderForm implements `linghang render form --blank [--programme FILE]
// -o FILE.pdf`: the blank 报名表 (附件2) of the programme's year.
func renderForm(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("render form", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	blank := fs.Bool("blank", false, "生成空白报名表（必填）")
	progFile := fs.String("programme", "", "年度计划 YAML 文件（默认：内置的2022年计划）")
	out := fs.String("o", "", "输出的 PDF 文件（必填）")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang render form --blank [--programme 计划.yaml] -o 报名表.pdf\n\n生成空白报名表（附件2），班次列表取自年度计划。已填写的报名表请用 linghang render forms。\n\n参数:")
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if !*blank {
		return errors.New("render form 只生成空白报名表，请加 --blank；学员已填写的报名表请用 linghang render forms --applicants 学员.xlsx -o 目录")
	}
	if *out == "" {
		return errors.New("请用 -o 指定输出的 PDF 文件")
	}
	p, err := loadProgramme(*progFile)
	if err != nil {
		return err
	}
	fonts, err := loadFonts(e, "")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := render.Form(&buf, fonts, p, nil); err != nil {
		return fmt.Errorf("生成空白报名表: %w", err)
	}
	if err := writeFileSynced(*out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "已生成%d年空白报名表: %s\n", p.Year, *out)
	return nil
}

// renderForms implements `linghang render forms --applicants FILE
// [--photos DIR] [--cohort N] -o DIR`: one PDF per applicant, filed by
// cohort, and one bound PDF per cohort. An applicant whose form cannot be
// made (a character no font has, a corrupt photo) is reported at the end;
// the others are all written, and the exit status is non-zero.
func renderForms(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("render forms", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	applicants := fs.String("applicants", "", "学员数据文件 XLSX/CSV/JSON（默认：归档中的当前学员数据）")
	photos := fs.String("photos", "", "照片文件夹（与 --applicants 一起使用）")
	progFile := fs.String("programme", "", "年度计划 YAML 文件（默认：内置的2022年计划）")
	store := fs.String("store", "", "归档存储（默认 $LINGHANG_STORE，再默认 ./linghang-data）")
	cohort := fs.Int("cohort", 0, "只生成这一期（期数）；默认全部班次")
	orderFlag := fs.String("order", "strokes", "合订本中的顺序，与学员名单一致：strokes（姓氏笔画）| pinyin（拼音）| none（原顺序）")
	out := fs.String("o", "", "输出目录（必填）")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang render forms --applicants 学员.xlsx [--photos 照片目录] [--cohort 3] -o 输出目录\n\n为每位学员生成已填写的报名表 PDF（第03期-江苏省科协党校班/报名表-张三-1234.pdf），\n并为每期生成一份合订本。\n\n参数:")
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *out == "" {
		return errors.New("请用 -o 指定输出目录")
	}
	order, ok := program.ParseOrder(*orderFlag)
	if !ok {
		return fmt.Errorf("--order %q 无效：可选 strokes（姓氏笔画）、pinyin（拼音）、none（原顺序）", *orderFlag)
	}
	p, err := loadProgramme(*progFile)
	if err != nil {
		return err
	}
	if *cohort != 0 {
		if _, ok := p.Cohort(*cohort); !ok {
			return fmt.Errorf("--cohort %d 无效：%d年计划共%d期", *cohort, p.Year, len(p.Cohorts))
		}
	}
	set, rejected, err := loadApplicantsForBatch(ctx, e, p, *applicants, *photos, *store)
	if err != nil {
		return err
	}
	var apps []program.Applicant
	for _, a := range set.Applicants {
		if *cohort == 0 || a.Cohort == *cohort {
			apps = append(apps, a)
		}
	}
	if len(apps) == 0 {
		if len(rejected) > 0 {
			return &exitStatus{code: 2, err: fmt.Errorf("没有可生成报名表的学员：%d 行数据不合格（见上表）", len(rejected))}
		}
		return fmt.Errorf("没有需要生成报名表的学员（第%d期无学员）", *cohort)
	}
	fonts, err := loadFonts(e, "")
	if err != nil {
		return err
	}
	var bar *progressbar.ProgressBar
	if f, ok := e.stderr.(*os.File); ok && (isatty.IsTerminal(f.Fd()) || isatty.IsCygwinTerminal(f.Fd())) {
		bar = progressbar.NewOptions(len(apps), progressbar.OptionSetWriter(e.stderr),
			progressbar.OptionSetDescription("生成报名表"), progressbar.OptionShowCount(),
			progressbar.OptionClearOnFinish(), progressbar.OptionThrottle(100_000_000))
	}
	res := writeForms(ctx, fonts, p, apps, order, *out, bar)
	if bar != nil {
		bar.Finish()
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("生成报名表被中断（已完成 %d 份）: %w", res.written, err)
	}
	if res.written+res.bound > 0 {
		fmt.Fprintf(e.stdout, "已生成 %d 份报名表、%d 份班次合订本，位于 %s\n", res.written, res.bound, *out)
	} else {
		fmt.Fprintln(e.stdout, "未生成任何报名表。")
	}
	failed := append(rejected, res.failed...)
	if len(failed) == 0 {
		return nil
	}
	fmt.Fprintf(e.stderr, "\n以下 %d 名学员的报名表未能生成：\n", len(failed))
	for _, f := range failed {
		fmt.Fprintf(e.stderr, "  %s\n", f)
	}
	if res.written == 0 {
		return &exitStatus{code: 2, err: fmt.Errorf("%d 名学员的报名表都未能生成（见上）", len(failed))}
	}
	return &exitStatus{code: 2, err: fmt.Errorf("%d 名学员的报名表未能生成（见上），其余 %d 份已生成", len(failed), res.written)}
}

// formsResult summarises a batch.
type formsResult struct {
	written, bound int
	failed         []string // one line per applicant or cohort, in roster order
}

// writeForms renders every applicant's form on all cores, writes each to
// dir/render.FormPath, then one bound PDF per cohort holding the forms
// that succeeded, sorted like the roster (order).
func writeForms(ctx context.Context, fonts *typeset.Fonts, p *program.Programme, apps []program.Applicant, order program.Order, dir string, bar *progressbar.ProgressBar) formsResult {
	paths := formPaths(p, apps)
	errs := make([]error, len(apps))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for i := range jobs {
				buf.Reset()
				err := render.Form(&buf, fonts, p, &apps[i])
				if err == nil {
					path := filepath.Join(dir, filepath.FromSlash(paths[i]))
					if err = os.MkdirAll(filepath.Dir(path), 0o755); err == nil {
						err = writeFileSynced(path, buf.Bytes())
					}
				}
				errs[i] = err
				if bar != nil {
					mu.Lock()
					bar.Add(1)
					mu.Unlock()
				}
			}
		}()
	}
	for i := range apps {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	var res formsResult
	good := map[int][]program.Applicant{}
	var cohorts []int
	for i := range apps {
		a := &apps[i]
		if errs[i] != nil {
			// The row of the intake file when the set came from one; a
			// set from the archive has no rows, the ID tail identifies.
			where := ""
			if a.Row > 0 {
				where = fmt.Sprintf("，第%d行", a.Row)
			}
			res.failed = append(res.failed, fmt.Sprintf("第%d期 %s（身份证号尾号%s%s）：%v", a.Cohort, a.Name, formIDTail(a.ID), where, errs[i]))
			continue
		}
		res.written++
		if _, ok := good[a.Cohort]; !ok {
			cohorts = append(cohorts, a.Cohort)
		}
		good[a.Cohort] = append(good[a.Cohort], *a)
	}
	if ctx.Err() != nil {
		return res
	}
	// Bound copies, one cohort per core.
	for _, n := range cohorts {
		order.Sort(good[n])
	}
	bound := make([]error, len(cohorts))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k, n := range cohorts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			var buf bytes.Buffer
			err := render.CohortForms(&buf, fonts, p, n, good[n])
			if err == nil {
				err = writeFileSynced(filepath.Join(dir, render.CohortFolder(p, n)+"-报名表合订本.pdf"), buf.Bytes())
			}
			bound[k] = err
		}()
	}
	wg.Wait()
	for k, n := range cohorts {
		if bound[k] != nil {
			res.failed = append(res.failed, fmt.Sprintf("第%d期合订本：%v", n, bound[k]))
			continue
		}
		res.bound++
	}
	return res
}

// formPaths gives each applicant a distinct file path; a second 张三 with
// the same ID tail gets -2.
func formPaths(p *program.Programme, apps []program.Applicant) []string {
	out := make([]string, len(apps))
	seen := map[string]int{}
	for i := range apps {
		path := render.FormPath(p, &apps[i])
		seen[path]++
		if k := seen[path]; k > 1 {
			path = strings.TrimSuffix(path, ".pdf") + fmt.Sprintf("-%d.pdf", k)
		}
		out[i] = path
	}
	return out
}

func formIDTail(id string) string {
	if len(id) < 4 {
		return id
	}
	return id[len(id)-4:]
}
