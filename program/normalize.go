package program

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// Normalize rewrites every field of a into its canonical form: surrounding
// space trimmed, full-width digits and Latin letters made half-width, phone
// numbers stripped of spaces, dashes and the +86 prefix, 汉 → 汉族,
// 党员 → 中共党员, a lower-case x in the ID upper-cased. It never discards
// information it cannot interpret: an unrecognised value is left as typed
// (trimmed) so that validation can report it.
func (a *Applicant) Normalize() {
	a.Recommender = NormalizeText(a.Recommender)
	a.Name = NormalizeName(a.Name)
	a.Gender = NormalizeGender(a.Gender)
	a.Ethnicity = NormalizeEthnicity(a.Ethnicity)
	a.Political = NormalizePolitical(a.Political)
	a.ID = NormalizeID(a.ID)
	a.Mobile = NormalizeMobile(a.Mobile)
	a.OfficePhone = NormalizePhone(a.OfficePhone)
	a.Email = NormalizeEmail(a.Email)
	a.Field = NormalizeText(a.Field)
	a.Employer = NormalizeText(a.Employer)
	a.Bio = NormalizeBio(a.Bio)
	a.Photo = strings.TrimSpace(a.Photo)
}

// isSpace reports white space including the ideographic space U+3000 and
// the zero-width characters that copy-and-paste from web forms leaves in.
func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u3000' || r == '\u200b' || r == '\ufeff' || r == '\u00a0'
}

func trim(s string) string { return strings.TrimFunc(s, isSpace) }

// foldAlnum makes full-width ASCII digits and letters half-width and leaves
// everything else alone: Chinese punctuation such as （）、，stays
// full-width in running text.
func foldAlnum(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return r >= '\uff10' && r <= '\uff5a' }) {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９', r >= 'Ａ' && r <= 'Ｚ', r >= 'ａ' && r <= 'ｚ':
			return r - 0xfee0
		}
		return r
	}, s)
}

// NormalizeText trims a free-text field, makes full-width digits and
// letters half-width and collapses runs of white space inside it to one
// space (line breaks typed into a spreadsheet cell included).
func NormalizeText(s string) string {
	s = foldAlnum(trim(s))
	if !strings.ContainsFunc(s, isSpace) {
		return s
	}
	return strings.Join(strings.FieldsFunc(s, isSpace), " ")
}

// NormalizeBio trims the biography and each of its lines, keeping line
// breaks (the form prints them) but dropping blank lines.
func NormalizeBio(s string) string {
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	lines := strings.Split(s, "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = foldAlnum(trim(l)); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// NormalizeName trims a name, removes the spaces people type between the
// characters of a two-character Chinese name to align it (王  静 → 王静) and
// unifies the middle dot of minority and foreign names (· • ・ ．→ ·).
func NormalizeName(s string) string {
	s = foldAlnum(trim(s))
	s = strings.Map(func(r rune) rune {
		switch r {
		case '•', '・', '．', '‧', '∙', '⋅', '･':
			return '·'
		}
		return r
	}, s)
	if !strings.ContainsFunc(s, isSpace) {
		return s
	}
	// Drop spaces between Han characters; keep one space between Latin words.
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		if isSpace(r) {
			j := i + 1
			for j < len(rs) && isSpace(rs[j]) {
				j++
			}
			prev, next := rune(0), rune(0)
			if i > 0 {
				prev = rs[i-1]
			}
			if j < len(rs) {
				next = rs[j]
			}
			if isSpace(prev) || unicode.Is(unicode.Han, prev) || unicode.Is(unicode.Han, next) || prev == '·' || next == '·' {
				continue
			}
			b.WriteRune(' ')
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// NormalizeGender maps 男性/女性/M/F to 男/女.
func NormalizeGender(s string) string {
	s = width.Fold.String(trim(s))
	switch strings.ToLower(s) {
	case "男", "男性", "m", "male":
		return "男"
	case "女", "女性", "f", "female":
		return "女"
	}
	return s
}

// NormalizeEthnicity completes a 民族 given without 族 (汉 → 汉族,
// 维吾尔 → 维吾尔族) and removes inner spaces. Unknown values are returned
// trimmed, for validation to report.
func NormalizeEthnicity(s string) string {
	s = strings.Join(strings.FieldsFunc(s, isSpace), "")
	if s == "" || IsEthnicity(s) {
		return s
	}
	if IsEthnicity(s + "族") {
		return s + "族"
	}
	if v, ok := ethnicityAliases[s]; ok {
		return v
	}
	return s
}

var ethnicityAliases = map[string]string{
	"蒙族": "蒙古族", "维族": "维吾尔族", "维吾尔": "维吾尔族", "朝族": "朝鲜族", "哈族": "哈萨克族",
	"柯族": "柯尔克孜族", "乌孜别克": "乌孜别克族", "汉族人": "汉族",
}

// NormalizePolitical maps the common short forms of 政治面貌 to the GB/T 4762
// names: 党员 → 中共党员, 团员 → 共青团员, 无党派 → 无党派人士, 民盟 → 民盟盟员 …
func NormalizePolitical(s string) string {
	s = strings.Join(strings.FieldsFunc(s, isSpace), "")
	if s == "" || IsPoliticalStatus(s) {
		return s
	}
	if v, ok := politicalAliases[s]; ok {
		return v
	}
	return s
}

var politicalAliases = map[string]string{
	"党员": "中共党员", "共产党员": "中共党员", "中国共产党党员": "中共党员", "中共": "中共党员",
	"中国共产党员": "中共党员", "正式党员": "中共党员",
	"预备党员": "中共预备党员", "中国共产党预备党员": "中共预备党员", "中共预备": "中共预备党员",
	"团员": "共青团员", "共青团": "共青团员", "中国共产主义青年团团员": "共青团员", "共青团团员": "共青团员",
	"无党派": "无党派人士", "无党派民主人士": "无党派人士",
	"民革": "民革党员", "民革会员": "民革党员", "中国国民党革命委员会": "民革党员",
	"民盟": "民盟盟员", "中国民主同盟": "民盟盟员",
	"民建": "民建会员", "中国民主建国会": "民建会员",
	"民进": "民进会员", "中国民主促进会": "民进会员",
	"农工党": "农工党党员", "农工民主党": "农工党党员", "中国农工民主党": "农工党党员",
	"致公党": "致公党党员", "中国致公党": "致公党党员",
	"九三学社": "九三学社社员", "九三": "九三学社社员",
	"台盟": "台盟盟员", "台湾民主自治同盟": "台盟盟员",
	"普通群众": "群众", "无": "群众",
}

// NormalizeID makes a 身份证号 canonical: half-width, no spaces or dashes,
// the check character X upper-case.
func NormalizeID(s string) string {
	s = width.Fold.String(trim(s))
	// Excel tricks to keep digits as text: ="110105…" and '110105…
	if strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) && len(s) > 3 {
		s = s[2 : len(s)-1]
	}
	s = strings.Map(func(r rune) rune {
		switch {
		case isSpace(r), r == '-', r == '\'':
			return -1
		case r == 'x':
			return 'X'
		}
		return r
	}, s)
	return s
}

// NormalizeMobile reduces a mainland mobile number to its 11 digits:
// "+86 138-0013-8000" → "13800138000". A value that does not reduce to
// digits is returned folded and trimmed, for validation to report.
func NormalizeMobile(s string) string {
	d, ok := phoneDigits(s)
	if !ok {
		return width.Fold.String(trim(s))
	}
	d = stripCountryCode(d)
	return d
}

// NormalizePhone formats an office telephone number as area code, dash,
// local number and, if given, dash and extension: "(010)6853 0471" →
// "010-68530471", "+86 10 6853 0471 转 801" → "010-68530471-801". Mobile
// numbers are reduced to their 11 digits. A value it cannot parse is
// returned folded and trimmed.
func NormalizePhone(s string) string {
	s = width.Fold.String(trim(s))
	if s == "" {
		return ""
	}
	main, ext := s, ""
	for _, sep := range []string{"转", "分机", "ext.", "ext", "EXT", "Ext", "x", "X", "#"} {
		if i := strings.Index(main, sep); i > 0 {
			main, ext = main[:i], main[i+len(sep):]
			break
		}
	}
	// An extension after a third dash group: 010-68530471-801.
	hasArea := strings.HasPrefix(strings.TrimSpace(main), "(") || strings.HasPrefix(strings.TrimSpace(main), "+") || strings.HasPrefix(strings.TrimSpace(main), "0")
	groups := strings.FieldsFunc(main, func(r rune) bool { return r == '-' || r == '—' || r == '–' })
	if ext == "" && len(groups) == 3 && hasArea {
		main, ext = groups[0]+"-"+groups[1], groups[2]
	}
	d, ok := phoneDigits(main)
	if !ok {
		return s
	}
	intl := strings.HasPrefix(trim(main), "+") || strings.HasPrefix(d, "00")
	switch {
	case intl && (strings.HasPrefix(d, "86") || strings.HasPrefix(d, "0086")):
		d = strings.TrimPrefix(strings.TrimPrefix(d, "00"), "86")
		if !strings.HasPrefix(d, "0") && !isMobile(d) {
			d = "0" + d // the trunk prefix is dropped in international format
		}
	case intl:
		return "+" + strings.TrimPrefix(d, "00") // another country: keep it whole
	case strings.HasPrefix(d, "86") && len(d) == 13 && isMobile(d[2:]):
		d = d[2:]
	}
	if isMobile(d) {
		return d
	}
	if e, ok := phoneDigits(ext); ok && e != "" {
		ext = e
	} else {
		ext = ""
	}
	out := d
	if strings.HasPrefix(d, "0") && len(d) >= 10 && len(d) <= 12 {
		n := areaCodeLen(d)
		out = d[:n] + "-" + d[n:]
	}
	if ext != "" {
		out += "-" + ext
	}
	return out
}

// areaCodeLen returns the length of the long-distance prefix of a
// landline number: 3 for 010 and 02X (Beijing, Shanghai, Tianjin,
// Chongqing and the big cities on 02X), else 4.
func areaCodeLen(d string) int {
	if strings.HasPrefix(d, "010") || (len(d) > 2 && d[1] == '2') {
		return 3
	}
	return 4
}

// phoneDigits keeps the digits of s, allowing the separators people type
// (space, dash, dot, brackets, a leading +). It reports false if anything
// else is present.
func phoneDigits(s string) (string, bool) {
	s = width.Fold.String(trim(s))
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case isSpace(r), r == '-', r == '—', r == '–', r == '.', r == '(', r == ')', r == '（', r == '）', r == '/':
		case r == '+' && strings.TrimFunc(s[:i], isSpace) == "":
		default:
			return "", false
		}
	}
	return b.String(), true
}

func stripCountryCode(d string) string {
	switch {
	case strings.HasPrefix(d, "0086"):
		return d[4:]
	case strings.HasPrefix(d, "86") && len(d) == 13:
		return d[2:]
	case strings.HasPrefix(d, "86") && len(d) > 11 && d[2] != '1':
		return d[2:]
	}
	return d
}

func isMobile(d string) bool {
	if len(d) != 11 || d[0] != '1' || d[1] < '3' {
		return false
	}
	for i := 0; i < len(d); i++ {
		if d[i] < '0' || d[i] > '9' {
			return false
		}
	}
	return true
}

// NormalizeEmail folds width, trims, removes a mailto: prefix and
// lower-cases the domain (the local part is case-sensitive in principle).
// A full-width ＠ typed with a Chinese input method becomes @.
func NormalizeEmail(s string) string {
	s = width.Fold.String(trim(s))
	s = strings.TrimPrefix(strings.TrimPrefix(s, "mailto:"), "MAILTO:")
	s = strings.ReplaceAll(s, "。", ".")
	if i := strings.LastIndexByte(s, '@'); i >= 0 {
		s = s[:i+1] + strings.ToLower(s[i+1:])
	}
	return s
}

// normalizeKey reduces a column heading or cohort reference to a compact
// key: no white space, half-width, no required-field stars, no bracketed
// notes (“身份证号（18位）” → “身份证号”), ASCII lower-case.
func normalizeKey(s string) string {
	s = width.Fold.String(s)
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch {
		case r == '(' || r == '[' || r == '【' || r == '〔':
			depth++
		case r == ')' || r == ']' || r == '】' || r == '〕':
			if depth > 0 {
				depth--
			}
		case depth > 0, isSpace(r), r == '*', r == ':', r == '\u200b':
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// runeLen counts characters, not bytes.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
