package program

import (
	"fmt"
	"net/mail"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Age bounds for a plausible applicant, in whole years on the day of the
// check. The programme is for young leaders; the bounds only catch typos
// in the birth date (a child, a 120-year-old), not policy.
const (
	MinAge = 18
	MaxAge = 80
)

// Field names of the registration form (附件2), used as FieldError.Column.
const (
	ColRecommender = "推荐单位"
	ColName        = "姓名"
	ColGender      = "性别"
	ColEthnicity   = "民族"
	ColPolitical   = "政治面貌"
	ColID          = "身份证号"
	ColMobile      = "手机"
	ColOfficePhone = "办公电话"
	ColEmail       = "电子邮箱"
	ColField       = "研究领域"
	ColEmployer    = "工作单位及职务、职称"
	ColCohort      = "选择班次"
	ColBio         = "个人简介"
	ColPhoto       = "照片"
)

// ValidateApplicant checks one normalised applicant against the programme
// and returns every problem found (nil if none). The errors carry the
// field name, the value and a Chinese reason; File, Row and Col are left
// for the caller (Import fills them in). now is the day ages are computed
// on and the latest acceptable birth date.
func ValidateApplicant(p *Programme, a *Applicant, now time.Time) ErrorList {
	var errs ErrorList
	add := func(col, val, reason string) {
		errs = append(errs, &FieldError{Row: a.Row, Column: col, Value: val, Reason: reason})
	}
	required := []struct{ col, val string }{
		{ColRecommender, a.Recommender}, {ColName, a.Name}, {ColGender, a.Gender},
		{ColEthnicity, a.Ethnicity}, {ColPolitical, a.Political}, {ColID, a.ID},
		{ColMobile, a.Mobile}, {ColEmail, a.Email}, {ColField, a.Field},
		{ColEmployer, a.Employer}, {ColBio, a.Bio},
	}
	for _, r := range required {
		if r.val == "" {
			add(r.col, "", "必填项未填写")
		}
	}
	// Text fields: no invisible control characters, which print as nothing
	// (or break a PDF or a file name) and hide what was really typed.
	for _, f := range []struct{ col, val string }{
		{ColRecommender, a.Recommender}, {ColName, a.Name}, {ColOfficePhone, a.OfficePhone},
		{ColField, a.Field}, {ColEmployer, a.Employer}, {ColBio, a.Bio},
	} {
		if r, ok := controlRune(f.val, f.col == ColBio); ok {
			add(f.col, f.val, fmt.Sprintf("含有不可见的控制字符 U+%04X，请删除后重新填写", r))
		}
	}
	if a.Name != "" {
		if reason := checkName(a.Name); reason != "" {
			add(ColName, a.Name, reason)
		}
	}
	if a.Gender != "" && a.Gender != "男" && a.Gender != "女" {
		add(ColGender, a.Gender, "性别应填“男”或“女”")
	}
	if a.Ethnicity != "" && !IsEthnicity(a.Ethnicity) {
		add(ColEthnicity, a.Ethnicity, fmt.Sprintf("“%s”不是56个民族之一（GB/T 3304），请填写如“汉族”“回族”", a.Ethnicity))
	}
	if a.Political != "" && !IsPoliticalStatus(a.Political) {
		add(ColPolitical, a.Political, "不是规范的政治面貌，可填："+strings.Join(PoliticalStatuses, "、"))
	}
	idOK := false
	if a.ID != "" {
		if reason := CheckID(a.ID, now); reason != "" {
			add(ColID, a.ID, reason)
		} else {
			idOK = true
		}
	}
	if idOK && (a.Gender == "男" || a.Gender == "女") {
		if want := SexFromID(a.ID); want != a.Gender {
			add(ColGender, a.Gender, fmt.Sprintf("性别填写为“%s”，但身份证号第17位表示“%s”，请核对性别或身份证号", a.Gender, want))
		}
	}
	if a.Mobile != "" {
		if reason := checkMobile(a.Mobile); reason != "" {
			add(ColMobile, a.Mobile, reason)
		}
	}
	if a.OfficePhone != "" {
		if reason := checkOfficePhone(a.OfficePhone); reason != "" {
			add(ColOfficePhone, a.OfficePhone, reason)
		}
	}
	if a.Email != "" {
		if reason := checkEmail(a.Email); reason != "" {
			add(ColEmail, a.Email, reason)
		}
	}
	if p != nil && p.Form.BioMaxRunes > 0 {
		if n := runeLen(a.Bio); n > p.Form.BioMaxRunes {
			add(ColBio, clip(a.Bio, 20), fmt.Sprintf("个人简介共%d字，超过上限%d字，请精简", n, p.Form.BioMaxRunes))
		}
	}
	if p != nil && a.Cohort != 0 {
		c, ok := p.Cohort(a.Cohort)
		switch {
		case !ok:
			add(ColCohort, strconv.Itoa(a.Cohort), fmt.Sprintf("%d年度没有第%d期（共%d期）", p.Year, a.Cohort, len(p.Cohorts)))
		case c.WomenOnly && a.Gender == "男":
			add(ColCohort, c.Label, fmt.Sprintf("%s 仅限女性学员报名，请改选其他班次", c.Title()))
		case c.WomenOnly && idOK && a.Gender == "" && SexFromID(a.ID) == "男":
			add(ColCohort, c.Label, fmt.Sprintf("%s 仅限女性学员报名，而身份证号表示男性", c.Title()))
		}
	}
	return errs
}

// SexFromID returns 男 or 女 from the 17th character of an 18-character ID
// (odd = male), or "" if it is not a digit.
func SexFromID(id string) string {
	if len(id) != 18 || id[16] < '0' || id[16] > '9' {
		return ""
	}
	if (id[16]-'0')%2 == 1 {
		return "男"
	}
	return "女"
}

var (
	reSciNumber = regexp.MustCompile(`^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$`)
	reDecimal   = regexp.MustCompile(`^[0-9]{15,18}\.[0-9]+$`)
)

// excelNumberAdvice ends every reason about an ID that Excel turned into a number.
const excelNumberAdvice = "请将该列设为文本后重新填写"

// CheckID returns "" if id (normalised) is a valid 18-character 身份证号
// (GB 11643: digits, check character, province code, real birth date, a
// plausible age on day now), or a Chinese reason. An ID that a spreadsheet
// stored as a number (1.10105E+17; 17 digits after a trailing X was lost;
// the last digits rounded to 000) is reported as exactly that.
func CheckID(id string, now time.Time) string {
	if id == "" {
		return "必填项未填写"
	}
	if reSciNumber.MatchString(id) {
		return fmt.Sprintf("身份证号被Excel存成了数字（显示为%s），后几位已丢失无法恢复；%s", id, excelNumberAdvice)
	}
	if reDecimal.MatchString(id) {
		return "身份证号被Excel存成了数字（带小数点），末尾几位可能已被改写；" + excelNumberAdvice
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c < '0' || c > '9') && !(c == 'X' && i == len(id)-1) {
			return "身份证号只能由数字和末位X组成"
		}
	}
	switch {
	case len(id) == 17 && IDCheckDigit(id) == 'X':
		return "身份证号被Excel存成了数字，末位X已丢失（只剩17位）；" + excelNumberAdvice
	case len(id) == 17:
		return "身份证号只有17位，应为18位；若原号码末位是X，则是被Excel存成数字后丢失了X，" + excelNumberAdvice
	case len(id) == 15:
		return "这是15位旧身份证号，请填写18位身份证号"
	case len(id) != 18:
		return fmt.Sprintf("身份证号应为18位，实为%d位", len(id))
	}
	if _, ok := provinces[id[:2]]; !ok {
		return fmt.Sprintf("身份证号前两位“%s”不是有效的省级行政区代码", id[:2])
	}
	birth, err := time.Parse("20060102", id[6:14])
	if err != nil {
		return fmt.Sprintf("身份证号中的出生日期“%s”不存在", id[6:14])
	}
	if want := IDCheckDigit(id[:17]); want != id[17] {
		if strings.HasSuffix(id, "000") {
			return "身份证号被Excel存成了数字，末三位已被改写成000（校验位不符）；" + excelNumberAdvice
		}
		return fmt.Sprintf("身份证号校验位错误：按前17位计算末位应为“%c”，实为“%c”，请核对号码", want, id[17])
	}
	if !now.IsZero() {
		if birth.After(now) {
			return fmt.Sprintf("身份证号中的出生日期%s在今天之后", birth.Format("2006-01-02"))
		}
		a := Applicant{ID: id}
		if age := a.Age(now); age < MinAge || age > MaxAge {
			return fmt.Sprintf("按身份证号出生日期%s推算年龄为%d岁，不在合理范围（%d–%d岁），请核对", birth.Format("2006-01-02"), age, MinAge, MaxAge)
		}
	}
	return ""
}

func checkName(s string) string {
	n := runeLen(s)
	switch {
	case n < 2:
		return "姓名过短，请填写完整姓名"
	case n > 30:
		return fmt.Sprintf("姓名过长（%d个字）", n)
	case strings.ContainsAny(s, "0123456789@"):
		return "姓名中含有数字或符号，请检查是否填错了列"
	}
	// A name is letters (汉字, or Latin for a transliterated name), the
	// middle dot of names such as 买买提·艾力, and spaces, hyphens or
	// apostrophes between Latin words: nothing that reads as a path, a
	// formula or markup.
	for _, r := range s {
		switch {
		case unicode.IsLetter(r), unicode.Is(unicode.Mn, r), r == '·', r == ' ', r == '-', r == '\'':
		case unicode.IsControl(r):
			return "" // reported once for every field as a control character
		case unicode.Is(unicode.Cf, r):
			return fmt.Sprintf("姓名中含有看不见的格式字符 U+%04X（常由网页或PDF复制带入，如方向标记、零宽字符），请删除后重新输入姓名", r)
		default:
			return fmt.Sprintf("姓名中含有符号“%c”，请填写身份证上的姓名", r)
		}
	}
	return ""
}

// controlRune returns the first control character of s (tabs and line
// breaks are allowed where the field is multi-line).
func controlRune(s string, multiline bool) (rune, bool) {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return r, true
		}
	}
	return 0, false
}

func checkMobile(s string) string {
	if isMobile(s) {
		return ""
	}
	d, ok := phoneDigits(s)
	switch {
	case !ok:
		return "手机号只能包含数字"
	case len(d) == 22 && d[0] == '1' && d[11] == '1':
		return "填写了两个手机号，请只填写一个"
	case strings.HasPrefix(d, "0"):
		return "这是固定电话号码，请填在“办公电话”栏，手机栏填写11位手机号"
	case len(d) != 11:
		return fmt.Sprintf("手机号应为11位，实为%d位", len(d))
	}
	return "不是有效的中国大陆手机号（应为1开头、第二位为3–9的11位数字）"
}

var (
	reLandline = regexp.MustCompile(`^0[0-9]{2,3}-[1-9][0-9]{6,7}(-[0-9]{1,6})?$`)
	reService  = regexp.MustCompile(`^[48]00[0-9]{7}$`)
	reIntl     = regexp.MustCompile(`^\+[1-9][0-9]{7,14}$`)
)

func checkOfficePhone(s string) string {
	if isMobile(s) || reLandline.MatchString(s) || reService.MatchString(s) || reIntl.MatchString(s) {
		return ""
	}
	d, ok := phoneDigits(strings.SplitN(s, "-", 3)[0] + strings.Join(strings.SplitN(s, "-", 3)[1:2], ""))
	if ok && !strings.HasPrefix(d, "0") && len(d) >= 7 && len(d) <= 8 {
		return "办公电话缺少区号，请按“区号-号码”填写，如010-68530471"
	}
	return "不是有效的电话号码，请按“区号-号码”填写，如010-68530471，分机号写在最后（010-68530471-801）"
}

func checkEmail(s string) string {
	for _, r := range s {
		if r > 0x7f {
			return "邮箱地址中含有中文或全角字符"
		}
	}
	if strings.Count(s, "@") > 1 {
		return "填写了多个邮箱地址，请只填写一个"
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return "不是有效的电子邮箱地址"
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	if len(local) > 64 || len(s) > 254 {
		return "电子邮箱地址过长"
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return fmt.Sprintf("邮箱域名“%s”不完整（缺少如.com、.cn的后缀）", domain)
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return fmt.Sprintf("邮箱域名“%s”格式错误", domain)
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 || strings.ContainsAny(tld, "0123456789_") {
		return fmt.Sprintf("邮箱域名“%s”的后缀无效", domain)
	}
	if fix, ok := domainTypos[tld]; ok {
		return fmt.Sprintf("邮箱域名后缀“.%s”疑似拼写错误（应为“.%s”？）", tld, fix)
	}
	return ""
}

var domainTypos = map[string]string{"con": "com", "cmo": "com", "comm": "com", "ocm": "com", "cm": "com", "cnn": "cn"}

// parseCohortChoice reads the 选择班次 cell: one label (河南班), a number
// (1, 第1期, 第一期), a cohort name, or a copy of the form's check-box list
// with one box ticked (☑河南班 □北京班). It returns the cohort number, or
// 0 and a Chinese reason.
func parseCohortChoice(p *Programme, s string) (int, string) {
	s = trim(s)
	if s == "" {
		return 0, "必填项未填写"
	}
	if p == nil {
		return 0, "未指定年度计划，无法识别班次"
	}
	if c, ok := cohortByRef(p, s); ok {
		return c.Number, ""
	}
	var refs []string
	if strings.ContainsAny(s, tickedMarks+emptyMarks) {
		// A check-box list: keep the ticked items only.
		var cur strings.Builder
		ticked := false
		flush := func() {
			if t := trim(cur.String()); ticked && t != "" {
				refs = append(refs, t)
			}
			cur.Reset()
		}
		for _, r := range s {
			switch {
			case strings.ContainsRune(tickedMarks, r):
				flush()
				ticked = true
			case strings.ContainsRune(emptyMarks, r):
				flush()
				ticked = false
			default:
				cur.WriteRune(r)
			}
		}
		flush()
		if len(refs) == 0 {
			return 0, "未勾选任何班次，请勾选1个班次"
		}
	} else {
		refs = strings.FieldsFunc(s, func(r rune) bool {
			return isSpace(r) || strings.ContainsRune("、,，;；/|和及与", r)
		})
		if len(refs) == 0 { // only separators: "，" or "、、"
			return 0, fmt.Sprintf("班次“%s”中没有班次名称，请填写以下之一：%s", s, cohortLabels(p))
		}
	}
	var chosen []*Cohort
	seen := map[int]bool{}
	for _, ref := range refs {
		c, ok := cohortByRef(p, ref)
		if !ok && looksLikeNumberRef(ref) {
			return 0, fmt.Sprintf("%d年度没有“%s”（共%d期，请填写1–%d期之一或班次名称）", p.Year, trim(ref), len(p.Cohorts), len(p.Cohorts))
		}
		if !ok {
			return 0, fmt.Sprintf("无法识别的班次“%s”，请填写以下之一：%s", ref, cohortLabels(p))
		}
		if !seen[c.Number] {
			seen[c.Number] = true
			chosen = append(chosen, c)
		}
	}
	if len(chosen) > 1 {
		names := make([]string, len(chosen))
		for i, c := range chosen {
			names[i] = c.Label
		}
		return 0, fmt.Sprintf("选择了%d个班次（%s）：每位学员限参加1个班次", len(chosen), strings.Join(names, "、"))
	}
	return chosen[0].Number, ""
}

const (
	tickedMarks = "☑✓✔√■☒▣◼●✅"
	emptyMarks  = "□☐○◻"
)

func cohortLabels(p *Programme) string {
	labels := make([]string, len(p.Cohorts))
	for i, c := range p.Cohorts {
		labels[i] = c.Label
	}
	return strings.Join(labels, "、")
}

// cohortByRef resolves a cohort reference written by a person.
func cohortByRef(p *Programme, ref string) (*Cohort, bool) {
	return p.CohortByRef(ref)
}

// validateSet checks what involves several rows: the same person twice
// (每位学员限参加1个班次) and cohort capacity. apps are the rows that passed
// ValidateApplicant, in file order; withID are all rows with a sound ID,
// so that a duplicate is named even when its twin was rejected for
// another reason. It returns the errors; every row named in them is to be
// rejected.
func validateSet(p *Programme, apps, withID []*Applicant) ErrorList {
	var errs ErrorList
	byID := map[string][]*Applicant{}
	var order []string
	for _, a := range withID {
		if _, ok := byID[a.ID]; !ok {
			order = append(order, a.ID)
		}
		byID[a.ID] = append(byID[a.ID], a)
	}
	dup := map[*Applicant]bool{}
	for _, id := range order {
		same := byID[id]
		if len(same) < 2 {
			continue
		}
		for _, a := range same {
			var others []string
			for _, b := range same {
				if b != a {
					others = append(others, "第"+strconv.Itoa(b.Row)+"行")
				}
			}
			dup[a] = true
			errs = append(errs, &FieldError{Row: a.Row, Column: ColID, Value: a.ID,
				Reason: fmt.Sprintf("与%s的身份证号相同：每位学员限参加1个班次，请只保留一行", strings.Join(others, "、"))})
		}
	}
	if p == nil {
		return errs
	}
	count := map[int]int{}
	for _, a := range apps {
		if dup[a] {
			continue
		}
		c, ok := p.Cohort(a.Cohort)
		if !ok || c.Capacity <= 0 {
			continue
		}
		count[a.Cohort]++
		if count[a.Cohort] > c.Capacity {
			errs = append(errs, &FieldError{Row: a.Row, Column: ColCohort, Value: c.Label,
				Reason: fmt.Sprintf("%s名额%d人已满（本行为第%d位报名者），请改选其他班次", c.Title(), c.Capacity, count[a.Cohort])})
		}
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Row < errs[j].Row })
	return errs
}
