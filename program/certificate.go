package program

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// CertificateNumbers numbers the 结业证书 of a cohort: year-cohort-sequence
// (2022-01-007), the sequence following the cohort's applicants in the
// given order. The same applicants give the same numbers on every run;
// cohort and year keep them unique across cohorts and years. The result
// maps each applicant's ID to its number.
func CertificateNumbers(year, cohort int, as []Applicant, order Order) map[string]string {
	return CertificateNumbersKept(year, cohort, as, order, nil, 0)
}

// CertificateNumbersKept numbers a cohort's certificates keeping those
// already issued: kept maps an applicant's ID to the sequence issued to
// them (a register of numbers), and issued is the highest sequence ever
// issued in the cohort, to holders still on the roster or not.
// Applicants without a number get the next sequences after it, in the
// given order, so that a number once issued never changes and is never
// given to anyone else. With nothing kept it is CertificateNumbers.
// CertificateSequence reads a number's sequence back, for the register.
func CertificateNumbersKept(year, cohort int, as []Applicant, order Order, kept map[string]int, issued int) map[string]string {
	sorted := append([]Applicant(nil), as...)
	order.Sort(sorted)
	last := issued
	for _, n := range kept {
		last = max(last, n)
	}
	nums := make(map[string]string, len(sorted))
	for _, a := range sorted {
		n, ok := kept[a.ID]
		if !ok {
			last++
			n = last
		}
		nums[a.ID] = fmt.Sprintf("%d-%02d-%03d", year, cohort, n)
	}
	return nums
}

// CertificateSequence is the sequence of a certificate number
// (2022-01-007 → 7); 0 for anything else.
func CertificateSequence(number string) int {
	i := strings.LastIndexByte(number, '-')
	n, err := strconv.Atoi(number[i+1:])
	if i < 0 || err != nil {
		return 0
	}
	return n
}

// certificateDomain separates certificate tokens from check-in tokens
// made with the same key.
const certificateDomain = "linghang/certificate/v1"

// CertificateToken is the token a certificate's QR code carries: like a
// check-in token (same form, prefix, check character and key) but over
// the certificate number too, so that it verifies this certificate and
// no badge. ResolveCertificate finds whom it was issued to.
func CertificateToken(key []byte, year, cohort int, number string, a *Applicant) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(certificateDomain))
	var n [4]byte
	binary.BigEndian.PutUint16(n[:2], uint16(year))
	binary.BigEndian.PutUint16(n[2:], uint16(cohort))
	m.Write(n[:])
	m.Write([]byte(number + "|" + tokenIdentity(a)))
	data := tokenEncoding.EncodeToString(m.Sum(nil)[:10])
	return TokenPrefix + data + string(checkChar(data))
}

// IssuedCertificate is a certificate found for a token.
type IssuedCertificate struct {
	Number    string
	Cohort    int
	Applicant *Applicant
}

// ResolveCertificate finds the certificate whose token is tok among the
// applicants (numbered per cohort in order). ErrTokenMalformed: not a
// token; ErrTokenUnknown: no certificate of these applicants.
func ResolveCertificate(key []byte, year int, as []Applicant, order Order, tok string) (*IssuedCertificate, error) {
	tok = NormalizeToken(CertificateCode(tok))
	if !ValidToken(tok) {
		return nil, ErrTokenMalformed
	}
	byCohort := map[int][]Applicant{}
	for _, a := range as {
		byCohort[a.Cohort] = append(byCohort[a.Cohort], a)
	}
	for c, list := range byCohort {
		nums := CertificateNumbers(year, c, list, order)
		for i := range list {
			a := &list[i]
			if hmac.Equal([]byte(CertificateToken(key, year, c, nums[a.ID], a)), []byte(tok)) {
				return &IssuedCertificate{Number: nums[a.ID], Cohort: c, Applicant: a}, nil
			}
		}
	}
	return nil, ErrTokenUnknown
}

// Attendance is what a cohort's sign-in records say: of Sessions
// sessions, how many each applicant (by ID) attended.
type Attendance struct {
	Sessions int
	Attended map[string]int
}

// Eligibility is who gets a 结业证书.
type Eligibility struct {
	Issue    []Applicant // in the order given
	Withhold []Applicant // attendance below the threshold
	// Applied says the attendance threshold was checked; false when the
	// programme sets none or the attendance is not known, and then every
	// applicant gets a certificate.
	Applied bool
	Reason  string // why the check was not applied, or the threshold used
}

// CertificateEligibility applies the programme's attendance threshold
// (min_attendance, percent of sessions) to the cohort's applicants when
// their attendance is known (att not nil).
func (p *Programme) CertificateEligibility(as []Applicant, att *Attendance) Eligibility {
	switch {
	case p.MinAttendance <= 0:
		return Eligibility{Issue: as, Reason: "年度计划未规定出勤要求"}
	case att == nil || att.Sessions <= 0:
		return Eligibility{Issue: as, Reason: "未核对出勤（尚无签到数据）"}
	}
	e := Eligibility{Applied: true, Reason: fmt.Sprintf("出勤不少于%d%%", p.MinAttendance)}
	for _, a := range as {
		if att.Attended[a.ID]*100 >= p.MinAttendance*att.Sessions {
			e.Issue = append(e.Issue, a)
		} else {
			e.Withhold = append(e.Withhold, a)
		}
	}
	return e
}

// CertificateDigest is the hex SHA-256 of the token in code (a token or
// a verification address, as CertificateCode reads it, normalised): what
// the archive keeps of a certificate's token to find it by later.
func CertificateDigest(code string) string {
	sum := sha256.Sum256([]byte(NormalizeToken(CertificateCode(code))))
	return hex.EncodeToString(sum[:])
}

// ParseVerifyURL checks the address of a deployment's certificate
// verification page (LINGHANG_VERIFY_URL: the web server's /certificate,
// as the public reaches it): an absolute http or https URL.
func ParseVerifyURL(s string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	switch {
	case err != nil:
		return nil, fmt.Errorf("核验网址 %q 无效：%w", s, err)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return nil, fmt.Errorf("核验网址 %q 无效：须以 https:// 或 http:// 开头并含主机名，如 https://linghang.example.cn/certificate", s)
	case u.Fragment != "":
		return nil, fmt.Errorf("核验网址 %q 无效：不能含 # 片段", s)
	}
	return u, nil
}

// CertificateURL is what a certificate's QR code holds when the
// verification page has a public address: base with the token as its
// code parameter, so that a phone's camera opens the page that verifies
// it. The token stays the whole of what verifies.
func CertificateURL(base *url.URL, token string) string {
	u := *base
	q := u.Query()
	q.Set("code", token)
	u.RawQuery = q.Encode()
	return u.String()
}

// CertificateCode is the token in s, a certificate's QR code as scanned:
// the code parameter of a verification address (CertificateURL), or s
// itself.
func CertificateCode(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "://") {
		return s
	}
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	if c := u.Query().Get("code"); c != "" {
		return c
	}
	return s
}
