package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"linghang/program"
	"linghang/render"
)

const intakeAbout = `生成报名汇总表（XLSX 模板），供推荐单位填写后交回导入：
每行一名学员，栏目与报名表相同；身份证号、手机、办公电话等列为文本格式；
性别、民族（56个）、政治面貌、班次（仅限女性的班次已注明）为下拉列表；
每列有填写提示和长度检查；linghang import 无需任何列对应设置即可读入。`

func renderIntakeTemplate(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("render intake-template", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	programme := fs.String("programme", "", "年度计划 YAML 文件（默认：内置的2022年计划）")
	cohort := fs.Int("cohort", 0, "只列出这一期（班次下拉列表只有一项）；0 为全部班次")
	rows := fs.Int("rows", 200, "预设格式、下拉列表和提示的行数")
	out := fs.String("o", "", "输出文件（- 表示标准输出）")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法: linghang render intake-template [--cohort N] -o 报名汇总表.xlsx\n\n%s\n\n参数:\n", intakeAbout)
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if *out == "" {
		fs.Usage()
		return errors.New("请用 -o 指定输出文件")
	}
	if *rows <= 0 || *rows > 10000 {
		return fmt.Errorf("--rows %d 无效：应在 1 至 10000 之间", *rows)
	}
	prog, err := loadProgramme(*programme)
	if err != nil {
		return err
	}
	if *cohort != 0 {
		if _, ok := prog.Cohort(*cohort); !ok {
			return fmt.Errorf("--cohort %d 无效：%d年计划共%d期", *cohort, prog.Year, len(prog.Cohorts))
		}
	}
	opts := render.IntakeOptions{Cohort: *cohort, Rows: *rows}
	if err := saveRendered(e, *out, func(w io.Writer) error { return render.IntakeTemplate(w, prog, opts) }); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "已生成报名汇总表 %s（%d 行）\n", *out, *rows)
	return nil
}

const checkinAbout = `生成某一期的报到通知（承办单位信函格式）：报到时间和地点、活动时间、
需携带的材料、交通、联系人，取自年度计划中该期的 arrival 各项；缺少的项目逐项报出，
不会印出空白。每位学员一封（合订在一个文件中，各封单独编页码）；
--blank 时生成一封致“各位学员”的通知。PDF 或可编辑 DOCX（按 -o 的扩展名）。`

func renderCheckinNotice(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("render checkin-notice", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var l listFlags
	l.register(fs)
	blank := fs.Bool("blank", false, "不读学员数据，生成一封致“各位学员”的通知")
	format := fs.String("format", "", "pdf | docx（默认按 -o 的扩展名）")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法: linghang render checkin-notice --cohort N [--applicants 文件 | --blank] -o 报到通知.pdf|.docx\n\n%s\n\n参数:\n", checkinAbout)
		fs.PrintDefaults()
	}
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if l.cohort == 0 {
		fs.Usage()
		return errors.New("请用 --cohort N 指定班次（报到通知按期生成）")
	}
	f := strings.ToLower(*format)
	if f == "" {
		f = strings.TrimPrefix(strings.ToLower(filepath.Ext(l.out)), ".")
	}
	if f != "pdf" && f != "docx" {
		return fmt.Errorf("无法确定输出格式：请用 --format pdf|docx，或让 -o 以 .pdf/.docx 结尾")
	}
	var (
		prog  *program.Programme
		mine  []program.Applicant
		order program.Order
		err   error
	)
	if *blank {
		if l.out == "" {
			return errors.New("请用 -o 指定输出文件")
		}
		if prog, err = loadProgramme(l.programme); err != nil {
			return err
		}
		if _, ok := prog.Cohort(l.cohort); !ok {
			return fmt.Errorf("--cohort %d 无效：%d年计划共%d期", l.cohort, prog.Year, len(prog.Cohorts))
		}
	} else {
		var as []program.Applicant
		if prog, as, order, err = l.load(ctx, e); err != nil {
			return err
		}
		set := &program.ApplicantSet{Year: prog.Year, Applicants: as}
		mine = set.InCohort(l.cohort)
		order.Sort(mine)
		if len(mine) == 0 {
			return fmt.Errorf("第%d期没有学员；要生成致“各位学员”的通知请加 --blank", l.cohort)
		}
	}
	opts := render.CohortOptions{Order: order}
	write := func(w io.Writer) error { return render.CheckinNoticeDOCX(w, prog, l.cohort, mine, opts) }
	if f == "pdf" {
		fonts := l.fonts // resolved by l.load, unless --blank skipped it
		if fonts == nil {
			var err error
			if fonts, err = loadFonts(e, l.fontsDir); err != nil {
				return err
			}
		}
		opts.Fonts = fonts
		write = func(w io.Writer) error { return render.CheckinNoticePDF(w, prog, l.cohort, mine, opts) }
	}
	if err := saveRendered(e, l.out, write); err != nil {
		return err
	}
	c, _ := prog.Cohort(l.cohort)
	n := max(len(mine), 1)
	fmt.Fprintf(e.stderr, "已生成报到通知 %s（%s，%d 封）\n", l.out, c.Title(), n)
	return nil
}
