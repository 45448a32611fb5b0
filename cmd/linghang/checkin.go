package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"linghang/program"
)

// runCheckin resolves the check-in tokens scanned from badges to the
// applicants they name: the engine's side of the QR code.
func runCheckin(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("checkin", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	applicants := fs.String("applicants", "", "学员数据文件（默认：归档中的当前学员数据）")
	photos := fs.String("photos", "", "照片文件夹（与 --applicants 一起用）")
	progFile := fs.String("programme", "", "年度计划 YAML 文件（默认：内置的2022年计划）")
	store := fs.String("store", "", "归档存储（默认 $LINGHANG_STORE，再默认 ./linghang-data）")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang checkin 签到码 [签到码…] [--applicants 文件] [--store 存储]\n\n把胸卡二维码中的签到码解析为学员（姓名、班次、单位）。签到码用与制作胸卡相同的密钥\n（LINGHANG_TOKEN_KEY 或密钥文件）验证；输入时忽略大小写、空格和连字符。\n\n参数:")
		fs.PrintDefaults()
	}
	tokens, help, err := parseWithArgs(fs, args)
	if help || err != nil {
		return err
	}
	if len(tokens) == 0 {
		fs.Usage()
		return errors.New("请给出至少一个签到码")
	}
	key, err := checkinKey(e)
	if err != nil {
		return err
	}
	prog, err := loadProgramme(*progFile)
	if err != nil {
		return err
	}
	set, err := loadApplicants(ctx, e, prog, *applicants, *photos, *store)
	if err != nil {
		return err
	}
	idx, err := program.NewCheckinIndex(key, prog.Year, set.Applicants)
	if err != nil {
		return err
	}
	rows := [][]string{{"签到码", "姓名", "班次", "工作单位及职务、职称"}}
	failed := 0
	for _, t := range tokens {
		a, err := idx.Resolve(t)
		if err != nil {
			failed++
			rows = append(rows, []string{t, "—", "—", err.Error()})
			continue
		}
		cohort := fmt.Sprintf("第%d期", a.Cohort)
		if c, ok := prog.Cohort(a.Cohort); ok {
			cohort = c.Title()
		}
		rows = append(rows, []string{program.NormalizeToken(t), a.Name, cohort, a.Employer})
	}
	if err := writeTable(e.stdout, rows); err != nil {
		return err
	}
	if failed > 0 {
		return &exitStatus{code: 2, err: fmt.Errorf("%d 个签到码无法识别（见上表）", failed)}
	}
	return nil
}
