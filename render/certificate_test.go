package render

import (
	"bytes"
	"strings"
	"testing"

	"linghang/program"
)

func TestCertificates(t *testing.T) {
	verifyPage, err := program.ParseVerifyURL("https://linghang.example.cn/certificate")
	if err != nil {
		t.Fatal(err)
	}
	// The QR code holds the token, or the verification page's address
	// carrying it (LINGHANG_VERIFY_URL): version 1 and version 5.
	for _, payload := range []struct {
		name string
		wrap func(tok string) string
	}{
		{"token", func(tok string) string { return tok }},
		{"url", func(tok string) string { return program.CertificateURL(verifyPage, tok) }},
	} {
		t.Run(payload.name, func(t *testing.T) { testCertificates(t, payload.wrap) })
	}
}

func testCertificates(t *testing.T, wrap func(tok string) string) {
	p := formProgramme(t)
	as := sampleCohort(t, p, 9, 3)
	key := []byte("0123456789abcdef0123456789abcdef")
	certs := CohortCertificates(p, 9, as, program.ByStrokes, func(n string, a *program.Applicant) string {
		return wrap(program.CertificateToken(key, p.Year, 9, n, a))
	})
	var buf bytes.Buffer
	if err := Certificates(&buf, p, 9, certs, CohortOptions{Fonts: formFonts(t)}); err != nil {
		t.Fatal(err)
	}
	writeOut(t, "certificates-9-"+strings.ReplaceAll(t.Name(), "/", "-")+".pdf", buf.Bytes())
	pages := formPDFText(t, buf.Bytes())
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	for i, c := range certs {
		got := formSqueeze(pages[i])
		for _, w := range []string{"结业证书", c.Applicant.Name + "同志于2022年8月22日至26日（暂定）参加2022年“领航计划”青年科技领军人才国情研修活动第9期全国学会分校班（中国细胞生物学学会）",
			"证书编号：2022-09-00" + string(rune('1'+i)), "上海市科协", "2022年8月26日（暂定）", "本期日期暂定，定稿前不得颁发"} {
			if !strings.Contains(got, formSqueeze(w)) {
				t.Errorf("certificate %d lacks %q", i+1, w)
			}
		}
		img := formRaster(t, buf.Bytes(), i+1, 150)
		if got := decodeQR(t, img); got != c.Token {
			t.Errorf("certificate %d: QR holds %q, want %q", i+1, got, c.Token)
		}
		r, err := program.ResolveCertificate(key, p.Year, as, program.ByStrokes, c.Token)
		if err != nil || r.Number != c.Number || r.Applicant.ID != c.Applicant.ID {
			t.Errorf("token of %s resolves to %+v, %v", c.Number, r, err)
		}
	}
	if info := formPDFInfo(t, buf.Bytes()); !strings.Contains(info, "841.89 x 595.28") {
		t.Errorf("not A4 landscape: %s", info)
	}
	p.Cohorts[8].Tentative = false
	buf.Reset()
	if err := Certificates(&buf, p, 9, certs[:1], CohortOptions{Fonts: formFonts(t)}); err != nil {
		t.Fatal(err)
	}
	if s := formSqueeze(formPDFText(t, buf.Bytes())[0]); strings.Contains(s, "暂定") {
		t.Errorf("firm dates marked 暂定: %s", s)
	}
}
