package render

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"linghang/program"
	"linghang/render/typeset"
)

// Certificate is one 结业证书.
type Certificate struct {
	Applicant *program.Applicant
	Number    string // 2022-01-007 (program.CertificateNumbers)
	// Token is the QR code's payload that verifies the certificate:
	// program.CertificateToken, or the verification page's address
	// carrying it (program.CertificateURL); empty: no QR code.
	Token string
}

// CohortCertificates numbers the certificates of a cohort's applicants
// (program.CertificateNumbers, in order) and gives each its token when
// token is not nil. The list follows the numbers.
func CohortCertificates(p *program.Programme, cohort int, as []program.Applicant, order program.Order, token func(number string, a *program.Applicant) string) []Certificate {
	return NumberedCertificates(as, order, program.CertificateNumbers(p.Year, cohort, as, order), token)
}

// NumberedCertificates is CohortCertificates with the numbers given (by
// applicant ID), as a register of numbers already issued assigns them.
// The list follows the numbers, then the order.
func NumberedCertificates(as []program.Applicant, order program.Order, nums map[string]string, token func(number string, a *program.Applicant) string) []Certificate {
	sorted := append([]program.Applicant(nil), as...)
	order.Sort(sorted)
	slices.SortStableFunc(sorted, func(a, b program.Applicant) int {
		return cmp.Compare(program.CertificateSequence(nums[a.ID]), program.CertificateSequence(nums[b.ID]))
	})
	out := make([]Certificate, len(sorted))
	for i := range sorted {
		a := &sorted[i]
		out[i] = Certificate{Applicant: a, Number: nums[a.ID]}
		if token != nil {
			out[i].Token = token(out[i].Number, a)
		}
	}
	return out
}

var certRed = typeset.Color{R: 176, G: 26, B: 26}

// Certificates typesets 结业证书 on A4 landscape, one page each: a red
// double frame, 结业证书, the text naming the applicant, the cohort, its
// dates and host units, the host units and the last day as signature and
// date, the certificate number and, when the certificate has a token, a
// QR code carrying it. A tentative cohort's dates are printed with
// （暂定） and a red line says the certificate may not be issued yet.
func Certificates(w io.Writer, p *program.Programme, cohort int, certs []Certificate, opts CohortOptions) error {
	if p == nil {
		return errors.New("render certificates: no programme")
	}
	c, ok := p.Cohort(cohort)
	if !ok {
		return fmt.Errorf("render certificates: %d年度没有第%d期", p.Year, cohort)
	}
	if len(certs) == 0 {
		return fmt.Errorf("render certificates: %s 没有学员", c.Title())
	}
	fonts, err := opts.fonts()
	if err != nil {
		return fmt.Errorf("render certificates: fonts: %w", err)
	}
	page := typeset.A4.Landscape()
	title := c.Title() + " 结业证书"
	info := typeset.Info{Title: title, Author: joinHosts(c), Subject: "结业证书", Created: opts.created(p)}
	if len(certs) == 1 {
		if ld := opts.Laid.take(certs[0].Applicant.ID); ld != nil {
			if err := ld.Write(w); err != nil {
				return fmt.Errorf("render certificates: %w", err)
			}
			return nil
		}
	}
	// Each certificate is laid out on its own, as the person's own file
	// lays it out, then included.
	d := typeset.New(fonts, title, page, info)
	for _, cert := range certs {
		ld := typeset.New(fonts, title, page, info)
		if err := certificatePage(ld, p, c, cert, page); err != nil {
			return fmt.Errorf("render certificate of %s: %w", cert.Applicant.Name, err)
		}
		if len(certs) > 1 {
			opts.Laid.keep(cert.Applicant.ID, ld)
		}
		if err := d.Include(ld); err != nil {
			return fmt.Errorf("render certificate of %s: %w", cert.Applicant.Name, err)
		}
	}
	if err := d.Write(w); err != nil {
		return fmt.Errorf("render certificates: %w", err)
	}
	return nil
}

// CertificateText is the certificate's statement.
func CertificateText(p *program.Programme, c *program.Cohort, a *program.Applicant) string {
	return fmt.Sprintf("%s同志于%s参加%d年“领航计划”青年科技领军人才国情研修活动%s（承办单位：%s），完成研修任务，准予结业。",
		a.Name, c.Period(), p.Year, strings.ReplaceAll(c.Title(), " ", ""), strings.Join(c.Hosts, "、"))
}

func certificatePage(d *typeset.Document, p *program.Programme, c *program.Cohort, cert Certificate, page typeset.Page) error {
	// The title, 特发此证, signature and labels are the cohort's; the
	// statement (it names the person) and the number are the person's,
	// though the statement's wording is shared too (Share).
	d.Sharing(true)
	defer d.Sharing(false)
	d.AddPage()
	d.Rect(typeset.Rect{X: 10, Y: 10, W: page.W - 20, H: page.H - 20}, typeset.Pen{Width: 1.6, Color: certRed})
	d.Rect(typeset.Rect{X: 14, Y: 14, W: page.W - 28, H: page.H - 28}, typeset.Pen{Width: 0.4, Color: certRed})
	if c.Tentative {
		st := typeset.Style{Role: typeset.Heading1, Size: 12, Color: typeset.Red, Align: typeset.Center}
		if err := d.Text(page.W/2, 24, "【本期日期暂定，定稿前不得颁发】", st); err != nil {
			return err
		}
	}
	head := typeset.Style{Role: typeset.Title, Size: 44, Color: certRed, Align: typeset.Center, Tracking: typeset.PtToMM(44) * 0.3}
	if err := d.Text(page.W/2+head.Tracking/2, 52, "结业证书", head); err != nil {
		return err
	}
	body := typeset.Style{Role: typeset.Body, Size: 20, Align: typeset.Justify, Indent: 2, Leading: typeset.PtToMM(20) * 1.9, Field: "证书正文"}
	box := typeset.Rect{X: 40, Y: 70, W: page.W - 80, H: 68}
	// The statement is the cohort's but for the name: its other
	// characters go to the subset all the cohort's certificates share.
	if err := d.Share(CertificateText(p, c, &program.Applicant{}), body); err != nil {
		return err
	}
	d.Sharing(false)
	fit, err := d.Fit(box, CertificateText(p, c, cert.Applicant), body, 14)
	d.Sharing(true)
	if err != nil {
		return err
	}
	if fit.Overflow() {
		return fmt.Errorf("证书正文过长，放不下")
	}
	if _, err := d.Paragraph(typeset.Rect{X: 40, Y: 70 + fit.Height + 2, W: page.W - 80, H: 12}, "特发此证。", typeset.Style{Role: typeset.Body, Size: fit.Size, Indent: 2}); err != nil {
		return err
	}
	// Signature: the host units over the last day, right.
	sig := typeset.Style{Role: typeset.Body, Size: 16, Align: typeset.Center, Field: "承办单位"}
	lines := append(append([]string(nil), c.Hosts...), c.DateText(c.End))
	cx, lead := page.W-80.0, typeset.PtToMM(16)*1.6
	y := page.H - 30 - float64(len(lines)-1)*lead
	for _, s := range lines {
		if _, err := d.Fit(typeset.Rect{X: cx - 55, Y: y - typeset.PtToMM(16), W: 110, H: lead}, s, sig, 10); err != nil {
			return err
		}
		y += lead
	}
	// Number and QR code, left.
	small := typeset.Style{Role: typeset.Body, Size: 11}
	if cert.Token != "" {
		if err := drawQR(d, typeset.Rect{X: 30, Y: page.H - 66, W: 28, H: 28}, cert.Token); err != nil {
			return err
		}
		if err := d.Text(30, page.H-34, "扫码核验", small); err != nil {
			return err
		}
	}
	d.Sharing(false)
	return d.Text(30, page.H-26, "证书编号："+cert.Number, small)
}
