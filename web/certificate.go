package web

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// ErrCertificateUnknown is what a CertificateVerifier returns for a code
// that is not a certificate's (malformed, or of no applicant).
var ErrCertificateUnknown = errors.New("核验码无效")

// VerifiedCertificate is what the verification page shows.
type VerifiedCertificate struct {
	Number string // 2022-01-007
	Name   string
	Cohort string // 第1期 河南省科协党校班
}

// CertificateVerifier resolves the code of a certificate's QR code.
type CertificateVerifier func(ctx context.Context, code string) (VerifiedCertificate, error)

// SetCertificateVerifier turns on GET /certificate?code=…, the page a
// scanned 结业证书 is checked on. It needs no access token: it shows what
// the certificate itself shows, for a code only the certificate carries.
func (s *Server) SetCertificateVerifier(v CertificateVerifier) {
	s.verify = v
	s.mux.HandleFunc("GET /certificate", s.certificate)
}

func (s *Server) certificate(w http.ResponseWriter, r *http.Request) {
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	p := page{Title: "结业证书核验"}
	if code == "" {
		s.render(w, "certificate.html", p)
		return
	}
	c, err := s.verify(r.Context(), code)
	switch {
	case errors.Is(err, ErrCertificateUnknown):
		w.WriteHeader(http.StatusNotFound)
		p.Message = "核验码“" + code + "”无效：不是本系统颁发的结业证书。"
	case err != nil:
		s.fail(w, http.StatusBadGateway, "暂时无法核验，请稍后再试。", err)
		return
	default:
		p.Certificate = &c
	}
	s.render(w, "certificate.html", p)
}
