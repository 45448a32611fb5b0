package jobs

import (
	"context"
	"errors"
	"fmt"

	"linghang/program"
	"linghang/storage/archive"
)

// IssuedCertificate is a 结业证书 the archive holds, found by the code
// printed on it (FindCertificate).
type IssuedCertificate struct {
	Number     string // the number printed on it
	Name       string
	Cohort     int
	CohortName string
	Date       string // the certificate's date, YYYY-MM-DD
	// Current is false when the holder's certificate has been issued
	// again since, under another number (the roster changed and the
	// cohort was renumbered): the one presented is genuine but
	// superseded, and CurrentNumber is the number now in force ("" when
	// the holder has no certificate with a number now).
	Current       bool
	CurrentNumber string
	// Withdrawn, when set, is why the certificate is 作废 (withheld after
	// the attendance came in, the holder left the roster).
	Withdrawn string
}

// ErrCertificateNotArchived: no archived certificate carries the code
// (one archived before certificates recorded their code, or none).
var ErrCertificateNotArchived = errors.New("归档中没有带此核验码的结业证书")

// FindCertificate looks up the certificate that carries code (a token,
// or the verification address holding one) among the year's archived
// certificates, in every version: a certificate once issued verifies
// for good, whatever the roster becomes. program.ErrTokenMalformed:
// code is not a token; ErrCertificateNotArchived: no archived
// certificate carries it.
func FindCertificate(ctx context.Context, a *archive.Archive, year int, code string) (*IssuedCertificate, error) {
	tok := program.NormalizeToken(program.CertificateCode(code))
	if !program.ValidToken(tok) {
		return nil, program.ErrTokenMalformed
	}
	es, err := a.Find(ctx, archive.Query{Year: year, Kind: archive.Certificate, VerifySHA256: program.CertificateDigest(tok), AllVersions: true})
	if err != nil {
		return nil, fmt.Errorf("查找结业证书：%w", err)
	}
	if len(es) == 0 {
		return nil, ErrCertificateNotArchived
	}
	// The code's certificate in force (one renamed holder has it under
	// the new name, the old name's withdrawn), else its newest version.
	e := es[0]
	for _, x := range es {
		if x.Current && x.Withdrawn == "" {
			e = x
			break
		}
		if x.Archived.After(e.Archived) || (x.Archived.Equal(e.Archived) && x.Key == e.Key && x.Version > e.Version) {
			e = x
		}
	}
	c := &IssuedCertificate{Number: e.DocNumber, Cohort: e.Cohort, CohortName: e.CohortName, Date: e.Date, Current: e.Current, Withdrawn: e.Withdrawn}
	if len(e.Names) > 0 {
		c.Name = e.Names[0]
	}
	if !c.Current {
		hist, err := a.History(ctx, e.Key)
		if err != nil {
			return nil, fmt.Errorf("查找结业证书：%w", err)
		}
		for _, h := range hist {
			if h.Current {
				c.CurrentNumber, c.Withdrawn = h.DocNumber, h.Withdrawn
			}
		}
	}
	return c, nil
}

// VerifyCertificate resolves the code on a certificate: among the
// archived certificates first (FindCertificate; a nil archive skips
// them), which verify whatever the roster became since they were issued;
// then, for one archived before certificates recorded their code, by
// numbering the roster as it is (program.ResolveCertificate with key and
// order). roster is asked only then. Errors: program.ErrTokenMalformed,
// program.ErrTokenUnknown, or roster's.
func VerifyCertificate(ctx context.Context, a *archive.Archive, year int, code string, key []byte, order program.Order,
	roster func(context.Context) ([]program.Applicant, error)) (*IssuedCertificate, error) {
	if a != nil {
		c, err := FindCertificate(ctx, a, year, code)
		if err == nil || !errors.Is(err, ErrCertificateNotArchived) {
			return c, err
		}
	}
	as, err := roster(ctx)
	if err != nil {
		return nil, err
	}
	r, err := program.ResolveCertificate(key, year, as, order, code)
	if err != nil {
		return nil, err
	}
	return &IssuedCertificate{Number: r.Number, Name: r.Applicant.Name, Cohort: r.Cohort, Current: true}, nil
}
