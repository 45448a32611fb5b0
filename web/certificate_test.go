package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestCertificatePage: /certificate is public only when a verifier is
// configured; it answers valid, unknown and unavailable codes distinctly,
// and the rest of the site still needs a login.
func TestCertificatePage(t *testing.T) {
	if f := newFixture(t, Config{}); f.get("/certificate?code=X", "").Code == http.StatusOK {
		t.Error("without a verifier there is no public certificate page")
	}
	f := newFixture(t, Config{Certificates: func(_ context.Context, code string) (VerifiedCertificate, error) {
		switch code {
		case "LHGOOD":
			return VerifiedCertificate{Number: "2022-03-001", Name: "张三", Cohort: "第3期 江苏省科协党校班"}, nil
		case "LHOLD":
			return VerifiedCertificate{Number: "2022-03-001", Name: "张三", Cohort: "第3期 江苏省科协党校班",
				Note: "该证书已由新证书取代（现行证书编号 2022-03-002），请以新证书为准。"}, nil
		case "LHDOWN":
			return VerifiedCertificate{}, errors.New("store down")
		}
		return VerifiedCertificate{}, ErrCertificateUnknown
	}})
	tests := []struct {
		target string
		code   int
		want   string
	}{
		{"/certificate", 200, "核验码"},
		{"/certificate?code=LHGOOD", 200, "有效：证书编号 2022-03-001，张三，第3期 江苏省科协党校班"},
		{"/certificate?code=LHOLD", 200, "本系统颁发：证书编号 2022-03-001，张三，第3期 江苏省科协党校班。该证书已由新证书取代（现行证书编号 2022-03-002）"},
		{"/certificate?code=LHBAD", 404, "核验码“LHBAD”无效"},
		{"/certificate?code=%3Cscript%3E", 404, "&lt;script&gt;"},
		{"/certificate?code=LHDOWN", 503, "暂时无法核验"},
	}
	for _, tt := range tests {
		rec := f.get(tt.target, "") // anonymous: the page is public
		if rec.Code != tt.code || !strings.Contains(rec.Body.String(), tt.want) {
			t.Errorf("%s: %d, want %d with %q:\n%s", tt.target, rec.Code, tt.code, tt.want, rec.Body.String())
		}
	}
	if rec := f.get("/find?q=张三", ""); rec.Code == http.StatusOK {
		t.Errorf("the rest still needs a login: %d", rec.Code)
	}
}
