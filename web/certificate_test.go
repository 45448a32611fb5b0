package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestCertificatePage(t *testing.T) {
	s, err := New(newArchive(t), "secret", nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := get(t, s, "/certificate?code=X"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("without a verifier the page is not public: %d", resp.StatusCode)
	}
	s.SetCertificateVerifier(func(_ context.Context, code string) (VerifiedCertificate, error) {
		switch code {
		case "LHGOOD":
			return VerifiedCertificate{Number: "2022-03-001", Name: "张三", Cohort: "第3期 江苏省科协党校班"}, nil
		case "LHDOWN":
			return VerifiedCertificate{}, errors.New("store down")
		}
		return VerifiedCertificate{}, ErrCertificateUnknown
	})
	tests := []struct {
		target string
		code   int
		want   string
	}{
		{"/certificate", 200, "核验码"},
		{"/certificate?code=LHGOOD", 200, "有效：证书编号 2022-03-001，张三，第3期 江苏省科协党校班"},
		{"/certificate?code=LHBAD", 404, "核验码“LHBAD”无效"},
		{"/certificate?code=LHDOWN", 502, "暂时无法核验"},
	}
	for _, tt := range tests {
		resp, body := get(t, s, tt.target) // no token: the page is public
		if resp.StatusCode != tt.code || !strings.Contains(body, tt.want) {
			t.Errorf("%s: %d, want %d with %q:\n%s", tt.target, resp.StatusCode, tt.code, tt.want, body)
		}
	}
	if resp, _ := get(t, s, "/find?q=张三"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the rest still needs the token: %d", resp.StatusCode)
	}
}
