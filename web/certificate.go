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
	// Note, when set, says the certificate is genuine but no longer in
	// force: issued again under another number, or withdrawn (作废). It
	// is the sentence shown.
	Note string
}

// CertificateVerifier resolves the code of a certificate's QR code.
type CertificateVerifier func(ctx context.Context, code string) (VerifiedCertificate, error)

// certificate is GET /certificate?code=…, the page a scanned 结业证书 is
// checked on. It needs no login: it shows only what the certificate
// itself shows, for a code only the certificate carries.
func (s *Server) certificate(w http.ResponseWriter, r *http.Request) {
	code := strings.TrimSpace(r.URL.Query().Get("code"))
	v := view{Title: "结业证书核验"}
	if code == "" {
		s.render(w, r, "certificate.html", v)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.StoreTimeout)
	defer cancel()
	c, err := s.cfg.Certificates(ctx, code)
	switch {
	case errors.Is(err, ErrCertificateUnknown):
		w.WriteHeader(http.StatusNotFound)
		v.Message = "核验码“" + code + "”无效：不是本系统颁发的结业证书。"
	case err != nil:
		s.fail(w, r, http.StatusServiceUnavailable, "暂时无法核验，请稍后再试。", err)
		return
	default:
		v.Data = &c
	}
	s.render(w, r, "certificate.html", v)
}
