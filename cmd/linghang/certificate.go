package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"

	"linghang/jobs"
	"linghang/program"
	"linghang/storage/archive"
	"linghang/web"
)

// runCertificate verifies 结业证书: `linghang certificate verify CODE…`
// resolves the token of a certificate's QR code to the number and the
// person it was issued to.
func runCertificate(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		fmt.Fprintln(e.stderr, "用法: linghang certificate verify 核验码 [核验码…] [--applicants 文件] [--store 存储] [--order strokes|pinyin|none]")
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			return nil
		}
		return fmt.Errorf("未知的子命令 %q（可选：verify）", args[0])
	}
	fs := flag.NewFlagSet("certificate verify", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	applicants := fs.String("applicants", "", "学员数据文件（默认：归档中的当前学员数据）")
	progFile := fs.String("programme", "", "年度计划 YAML 文件（默认：内置的2022年计划）")
	store := fs.String("store", "", "归档存储（默认 $LINGHANG_STORE，再默认 ./linghang-data）")
	orderFlag := fs.String("order", "strokes", "证书编号所依的名单顺序，须与生成证书时相同：strokes | pinyin | none")
	fs.Usage = func() {
		fmt.Fprintln(e.stderr, "用法: linghang certificate verify 核验码 [核验码…]\n\n把结业证书二维码中的核验码解析为证书编号和持证人。核验码用与胸卡相同的密钥\n（LINGHANG_TOKEN_KEY 或密钥文件）验证；输入时忽略大小写、空格和连字符，\n也可给出扫码得到的核验网址（含 code=核验码）。\n\n参数:")
		fs.PrintDefaults()
	}
	tokens, help, err := parseWithArgs(fs, args[1:])
	if help || err != nil {
		return err
	}
	if len(tokens) == 0 {
		fs.Usage()
		return errors.New("请给出至少一个核验码")
	}
	order, ok := program.ParseOrder(*orderFlag)
	if !ok {
		return fmt.Errorf("--order %q 无效：可选 strokes、pinyin、none", *orderFlag)
	}
	key, err := checkinKey(e)
	if err != nil {
		return err
	}
	prog, err := loadProgramme(*progFile)
	if err != nil {
		return err
	}
	// Without a roster file, the archived certificates answer first:
	// they verify whatever the roster became since they were issued.
	var a *archive.Archive
	if *applicants == "" {
		if a, _, err = openArchive(ctx, e, *store); err != nil {
			return err
		}
	}
	var roster *program.ApplicantSet // read once, when a code needs it
	loadRoster := func(ctx context.Context) ([]program.Applicant, error) {
		if roster == nil {
			set, err := loadApplicants(ctx, e, prog, *applicants, "", *store)
			if err != nil {
				return nil, err
			}
			roster = set
		}
		return roster.Applicants, nil
	}
	rows := [][]string{{"核验码", "证书编号", "姓名", "班次", "结果"}}
	failed := 0
	for _, t := range tokens {
		c, err := jobs.VerifyCertificate(ctx, a, prog.Year, t, key, order, loadRoster)
		if errors.Is(err, program.ErrTokenMalformed) || errors.Is(err, program.ErrTokenUnknown) {
			failed++
			rows = append(rows, []string{t, "—", "—", "—", "无效：" + err.Error()})
			continue
		}
		if err != nil {
			return err
		}
		if c.Withdrawn != "" {
			failed++ // genuine, but void
		}
		v := verified(prog, c)
		rows = append(rows, []string{program.NormalizeToken(program.CertificateCode(t)), v.Number, v.Name, v.Cohort, cmp.Or(v.Note, "有效")})
	}
	if err := writeTable(e.stdout, rows); err != nil {
		return err
	}
	if failed > 0 {
		return &exitStatus{code: 2, err: fmt.Errorf("%d 个核验码无效或证书已作废（见上表）", failed)}
	}
	return nil
}

// certificateVerifier resolves certificate codes for the web page
// (jobs.VerifyCertificate): against the archived certificates, then the
// year's current applicants in the archive.
func certificateVerifier(e *env, a *archive.Archive, l *loaded) (web.CertificateVerifier, error) {
	key, err := checkinKey(e)
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, code string) (web.VerifiedCertificate, error) {
		c, err := jobs.VerifyCertificate(ctx, a, l.prog.Year, code, key, l.order, func(ctx context.Context) ([]program.Applicant, error) {
			set, err := jobs.LoadApplicantSet(ctx, a, l.prog.Year)
			if err != nil {
				return nil, err
			}
			return set.Applicants, nil
		})
		switch {
		case errors.Is(err, program.ErrTokenMalformed), errors.Is(err, program.ErrTokenUnknown), errors.Is(err, jobs.ErrNoApplicants):
			return web.VerifiedCertificate{}, web.ErrCertificateUnknown
		case err != nil:
			return web.VerifiedCertificate{}, err
		}
		return verified(l.prog, c), nil
	}, nil
}

// verified is what the verification page and command say of an archived
// certificate.
func verified(prog *program.Programme, c *jobs.IssuedCertificate) web.VerifiedCertificate {
	v := web.VerifiedCertificate{Number: c.Number, Name: c.Name, Cohort: cohortTitle(prog, c.Cohort)}
	switch {
	case c.Withdrawn != "":
		v.Note = "该证书已作废（" + c.Withdrawn + "）。"
	case !c.Current:
		v.Note = "该证书已由新证书取代"
		if c.CurrentNumber != "" && c.CurrentNumber != c.Number {
			v.Note += "（现行证书编号 " + c.CurrentNumber + "）"
		}
		v.Note += "，请以新证书为准。"
	}
	return v
}

// cohortTitle is 第1期 河南省科协党校班, or 第1期 for a cohort the
// programme does not have.
func cohortTitle(prog *program.Programme, n int) string {
	if co, ok := prog.Cohort(n); ok {
		return co.Title()
	}
	return fmt.Sprintf("第%d期", n)
}
