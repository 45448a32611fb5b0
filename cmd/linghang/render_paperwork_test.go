package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"linghang/jobs"
	"linghang/program"
	"linghang/storage/archive"
	"linghang/web"
)

// TestIntakeTemplateCommandRoundTrip: the template the command writes,
// filled in as a unit would, is imported by `linghang import` with no
// options; an ID Excel turned into a number is rejected by row.
func TestIntakeTemplateCommandRoundTrip(t *testing.T) {
	store := importEnv(t)
	dir := t.TempDir()
	tmpl := filepath.Join(dir, "报名汇总表.xlsx")
	if _, stderr, err := runCLI(t, "render", "intake-template", "--cohort", "3", "-o", tmpl); err != nil {
		t.Fatalf("render intake-template: %v\n%s", err, stderr)
	}
	f, err := excelize.OpenFile(tmpl)
	if err != nil {
		t.Fatal(err)
	}
	rows := [][]string{person(0, "江苏班"), person(1, "江苏班")}
	for i, r := range rows {
		for j, v := range r[:13] {
			cell, _ := excelize.CoordinatesToCellName(j+2, 4+i)
			f.SetCellStr("报名汇总表", cell, v)
		}
	}
	if err := f.SaveAs(filepath.Join(dir, "填好.xlsx")); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "import", filepath.Join(dir, "填好.xlsx"), "--store", store)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	if !strings.Contains(out, "已导入 2 名学员") || !strings.Contains(out, "表头在第3行，2022年报名汇总表模板（第1版，第3期）") {
		t.Errorf("import output:\n%s", out)
	}
	// The second ID typed into the cell as a number.
	f.SetCellFloat("报名汇总表", "G5", 3.2010219850301e17, -1, 64)
	f.SaveAs(filepath.Join(dir, "改坏.xlsx"))
	out, _, err = runCLI(t, "import", filepath.Join(dir, "改坏.xlsx"), "--store", store)
	if err == nil || !regexp.MustCompile(`改坏\.xlsx\s+5\s+G 身份证号.*身份证号被Excel存成了数字`).MatchString(out) {
		t.Errorf("mangled ID accepted or not named by row: %v\n%s", err, out)
	}
	f.Close()
}

func TestCheckinNoticeCommand(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"报到通知.pdf", "报到通知.docx"} {
		out := filepath.Join(dir, name)
		if _, stderr, err := runCLI(t, "render", "checkin-notice", "--cohort", "2", "--blank", "-o", out); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, stderr)
		}
		if st, err := os.Stat(out); err != nil || st.Size() < 1000 {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, _, err := runCLI(t, "render", "checkin-notice", "--blank", "-o", filepath.Join(dir, "x.pdf")); err == nil || !strings.Contains(err.Error(), "--cohort") {
		t.Errorf("without --cohort: %v", err)
	}
	prog := filepath.Join(dir, "计划.yaml")
	b, _ := os.ReadFile("../../templates/programme-2022.yaml")
	b = bytes.Replace(b, []byte("      venue: 北京市怀柔区雁栖湖国际会展中心酒店\n"), nil, 1)
	os.WriteFile(prog, b, 0o644)
	_, _, err := runCLI(t, "render", "checkin-notice", "--cohort", "2", "--blank", "--programme", prog, "-o", filepath.Join(dir, "y.pdf"))
	if err == nil || !strings.Contains(err.Error(), "报到地点（cohorts[1].arrival.venue）") {
		t.Errorf("missing venue: %v", err)
	}
}

func TestCertificateVerifyCommand(t *testing.T) {
	const hexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	t.Setenv("LINGHANG_TOKEN_KEY", hexKey)
	key, _ := program.ParseTokenKey(hexKey)
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	apps := program.Sample(p, 8, 4)
	var x bytes.Buffer
	if err := program.SampleXLSX(&x, p, apps); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "学员.xlsx")
	os.WriteFile(file, x.Bytes(), 0o644)
	a := apps[3]
	var same []program.Applicant
	for _, b := range apps {
		if b.Cohort == a.Cohort {
			same = append(same, b)
		}
	}
	num := program.CertificateNumbers(p.Year, a.Cohort, same, program.ByStrokes)[a.ID]
	tok := program.CertificateToken(key, p.Year, a.Cohort, num, &a)
	out, _, err := runCLI(t, "certificate", "verify", strings.ToLower(tok), "--applicants", file)
	if err != nil {
		t.Fatalf("verify: %v\n%s", err, out)
	}
	for _, w := range []string{num, a.Name, "有效"} {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
	// What a phone's camera reads when the QR holds the verification
	// page's address (LINGHANG_VERIFY_URL).
	page, _ := program.ParseVerifyURL("https://linghang.example.cn/certificate")
	out, _, err = runCLI(t, "certificate", "verify", program.CertificateURL(page, tok), "--applicants", file)
	if err != nil || !strings.Contains(out, num) || !strings.Contains(out, a.Name) {
		t.Errorf("verify by address: %v\n%s", err, out)
	}
	badge := program.CheckinToken(key, p.Year, a.Cohort, &a)
	out, _, err = runCLI(t, "certificate", "verify", badge, "--applicants", file)
	if err == nil || exitCode(err) != 2 {
		t.Errorf("a badge token verified as a certificate: %v\n%s", err, out)
	}
}

// TestCertificateVerifierOnArchive: the web page's verifier resolves a
// certificate code against the applicants imported into the archive.
func TestCertificateVerifierOnArchive(t *testing.T) {
	const hexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	t.Setenv("LINGHANG_TOKEN_KEY", hexKey)
	key, _ := program.ParseTokenKey(hexKey)
	store := importEnv(t)
	dir := t.TempDir()
	rows := [][]string{person(0, "江苏班"), person(1, "江苏班"), person(2, "河南班")}
	if out, _, err := runCLI(t, "import", writeImportCSV(t, dir, "学员.csv", rows...), "--store", store); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	e, l, a := openedStore(t, store)
	verify, err := certificateVerifier(e, a, l)
	if err != nil {
		t.Fatal(err)
	}
	set, err := jobs.LoadApplicantSet(context.Background(), a, 2022)
	if err != nil {
		t.Fatal(err)
	}
	cohort3 := set.InCohort(3)
	who := cohort3[1]
	num := program.CertificateNumbers(2022, 3, cohort3, program.ByStrokes)[who.ID]
	got, err := verify(context.Background(), program.CertificateToken(key, 2022, 3, num, &who))
	if err != nil || got.Name != who.Name || got.Number != num || got.Cohort != "第3期 江苏省科协党校班" {
		t.Errorf("verify = %+v, %v; want %s %s", got, err, who.Name, num)
	}
	page, _ := program.ParseVerifyURL("https://linghang.example.cn/certificate")
	if got, err := verify(context.Background(), program.CertificateURL(page, program.CertificateToken(key, 2022, 3, num, &who))); err != nil || got.Number != num {
		t.Errorf("verify by address = %+v, %v; want %s", got, err, num)
	}
	if _, err := verify(context.Background(), program.CheckinToken(key, 2022, 3, &who)); !errors.Is(err, web.ErrCertificateUnknown) {
		t.Errorf("badge token: %v", err)
	}
	if _, err := verify(context.Background(), "not a code"); !errors.Is(err, web.ErrCertificateUnknown) {
		t.Errorf("garbage: %v", err)
	}
}

// TestCertifierFollowsVerifyURL: LINGHANG_VERIFY_URL puts the token into
// the verification page's address; an address that is not one stops the
// pipeline with an error naming the variable.
func TestCertifierFollowsVerifyURL(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	a := program.Applicant{ID: "110105198503010021", Name: "张三", Cohort: 3}
	tok := program.CertificateToken(key, 2022, 3, "2022-03-001", &a)
	for _, tt := range []struct {
		env, want, id, err string
	}{
		{"", tok, "", ""},
		{"https://linghang.example.cn/certificate", "https://linghang.example.cn/certificate?code=" + tok, "https://linghang.example.cn/certificate", ""},
		{"linghang.example.cn/certificate", "", "", "LINGHANG_VERIFY_URL"},
	} {
		e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: func(k string) string {
			if k == "LINGHANG_VERIFY_URL" {
				return tt.env
			}
			return ""
		}}
		certify, id, err := certifier(e, key)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "核验网址") {
				t.Errorf("%q: error %v, want one naming %s and 核验网址", tt.env, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.env, err)
			continue
		}
		if got := certify(2022, 3, "2022-03-001", &a); got != tt.want || id != tt.id {
			t.Errorf("%q: payload %q id %q, want %q %q", tt.env, got, id, tt.want, tt.id)
		}
	}
}

// TestIssuedCertificateVerifiesAfterRosterChange: once certificates are
// made, a late applicant who sorts first leaves every issued number as
// it was, and the printed code verifies as 有效 on the web page's
// verifier and with certificate verify. Should the certificate register
// be lost, the cohort is renumbered, and the printed code still verifies
// from the archive as issued here and replaced by the new number.
func TestIssuedCertificateVerifiesAfterRosterChange(t *testing.T) {
	if testing.Short() {
		t.Skip("renders documents")
	}
	const hexKey = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
	t.Setenv("LINGHANG_TOKEN_KEY", hexKey)
	key, _ := program.ParseTokenKey(hexKey)
	store := importEnv(t)
	dir := t.TempDir()
	rows := [][]string{person(0, "江苏班"), person(1, "江苏班"), person(2, "江苏班")}
	if out, _, err := runCLI(t, "import", writeImportCSV(t, dir, "学员.csv", rows...), "--store", store); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	jobsRun := func() {
		t.Helper()
		if out, _, err := runCLI(t, "jobs", "run", jobs.JobSummaryTemplate, "--cohort", "3", "--store", store); err != nil {
			t.Fatalf("jobs run: %v\n%s", err, out)
		}
	}
	jobsRun()
	e, l, a := openedStore(t, store)
	set, err := jobs.LoadApplicantSet(context.Background(), a, 2022)
	if err != nil {
		t.Fatal(err)
	}
	cohort := set.InCohort(3)
	sorted := slices.Clone(cohort)
	program.ByStrokes.Sort(sorted)
	who := sorted[len(sorted)-1]
	oldNum := program.CertificateNumbers(2022, 3, cohort, program.ByStrokes)[who.ID]
	oldTok := program.CertificateToken(key, 2022, 3, oldNum, &who)

	late := person(3, "江苏班")
	late[1] = "丁一" // sorts first
	if out, _, err := runCLI(t, "import", writeImportCSV(t, dir, "学员2.csv", append(rows, late)...), "--store", store); err != nil {
		t.Fatalf("import again: %v\n%s", err, out)
	}
	jobsRun()
	out, _, err := runCLI(t, "certificate", "verify", oldTok, "--store", store)
	if err != nil || !strings.Contains(out, oldNum) || !strings.Contains(out, "有效") {
		t.Errorf("certificate verify after 丁一 joined: %v\n%s", err, out)
	}

	// The register lost: renumbered in order, 丁一 first.
	if err := os.Remove(filepath.Join(store, "_jobs", "certificates", "2022.json")); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runCLI(t, "jobs", "run", jobs.JobSummaryTemplate, "--cohort", "3", "--force", "--store", store); err != nil {
		t.Fatalf("jobs run --force: %v\n%s", err, out)
	}
	set, err = jobs.LoadApplicantSet(context.Background(), a, 2022)
	if err != nil {
		t.Fatal(err)
	}
	newNum := program.CertificateNumbers(2022, 3, set.InCohort(3), program.ByStrokes)[who.ID]
	if newNum == oldNum {
		t.Fatalf("fixture: %s keeps %s", who.Name, oldNum)
	}
	verify, err := certificateVerifier(e, a, l)
	if err != nil {
		t.Fatal(err)
	}
	got, err := verify(context.Background(), oldTok)
	if err != nil || got.Number != oldNum || got.Name != who.Name || !strings.Contains(got.Note, newNum) {
		t.Errorf("web verifier, old code = %+v, %v; want %s superseded by %s", got, err, oldNum, newNum)
	}
	out, _, err = runCLI(t, "certificate", "verify", oldTok, "--store", store)
	if err != nil || !strings.Contains(out, oldNum) || !strings.Contains(out, "现行证书编号 "+newNum) {
		t.Errorf("certificate verify, old code: %v\n%s", err, out)
	}
	out, _, err = runCLI(t, "certificate", "verify", program.CertificateToken(key, 2022, 3, newNum, &who), "--store", store)
	if err != nil || !strings.Contains(out, newNum) || !strings.Contains(out, "有效") {
		t.Errorf("certificate verify, new code: %v\n%s", err, out)
	}
}

// openedStore loads the default programme and opens the archive in
// store, as serve does, for the web page's certificate verifier.
func openedStore(t *testing.T, store string) (*env, *loaded, *archive.Archive) {
	t.Helper()
	e := &env{stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, getenv: os.Getenv}
	cfg := settings{store: store, order: "strokes"}
	l, err := cfg.load(e)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err := cfg.openArchive(context.Background(), e)
	if err != nil {
		t.Fatal(err)
	}
	return e, l, a
}
