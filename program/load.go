package program

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
	"gopkg.in/yaml.v3"

	"linghang/templates"
)

// maxProgrammeBytes bounds a programme file; the 2022 one is about 20 KB.
const maxProgrammeBytes = 4 << 20

// Default returns the bundled 2022 programme (templates/programme-2022.yaml),
// validated.
func Default() (*Programme, error) {
	b, err := templates.Programmes.ReadFile(templates.DefaultProgramme)
	if err != nil {
		return nil, fmt.Errorf("read bundled programme %s: %w", templates.DefaultProgramme, err)
	}
	return Load(bytes.NewReader(b), templates.DefaultProgramme)
}

// LoadFile reads and validates the programme file at path.
func LoadFile(path string) (*Programme, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("方案文件 %s 不存在: %w", path, err)
		}
		return nil, fmt.Errorf("无法打开方案文件 %s: %w", path, err)
	}
	defer f.Close()
	return Load(f, path)
}

// Load reads a programme from YAML and validates it. name identifies the
// source (usually the file path) in error messages. Unknown fields, a
// malformed date or a value of the wrong type are errors; every validation
// problem is reported at once in a *ProgrammeError.
func Load(r io.Reader, name string) (*Programme, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxProgrammeBytes+1))
	if err != nil {
		return nil, fmt.Errorf("读取方案文件 %s 失败: %w", name, err)
	}
	if len(b) > maxProgrammeBytes {
		return nil, fmt.Errorf("方案文件 %s 超过 %d MB，不像是方案文件", name, maxProgrammeBytes>>20)
	}
	if !utf8.Valid(b) {
		return nil, fmt.Errorf("方案文件 %s 不是 UTF-8 编码，请另存为 UTF-8", name)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, fmt.Errorf("方案文件 %s 是空文件", name)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("方案文件 %s 不是有效的 YAML: %s", name, yamlMessage(err))
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var p Programme
	if err := dec.Decode(&p); err != nil {
		var tpe *time.ParseError
		if errors.As(err, &tpe) {
			where := ""
			if line := scalarLine(&root, tpe.Value); line > 0 {
				where = fmt.Sprintf("第%d行：", line)
			}
			return nil, fmt.Errorf("方案文件 %s %s日期 “%s” 无效，应为 YYYY-MM-DD 格式的真实日期（如 2022-05-23）", name, where, tpe.Value)
		}
		return nil, fmt.Errorf("方案文件 %s 无法解析: %s", name, yamlMessage(err))
	}
	p.Source = name
	if err := p.validate(&root); err != nil {
		return nil, err
	}
	return &p, nil
}

var (
	reUnknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type (\S+)$`)
	reBadType      = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+) `?(.*?)`? into (\\S+)$")
	reYAMLLine     = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
)

// yamlMessage translates yaml.v3 errors into Chinese, one problem a line.
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var lines []string
		for _, e := range te.Errors {
			switch {
			case reUnknownField.MatchString(e):
				m := reUnknownField.FindStringSubmatch(e)
				lines = append(lines, fmt.Sprintf("第%s行：未知字段 %q（字段名是否拼错？）", m[1], m[2]))
			case reBadType.MatchString(e):
				m := reBadType.FindStringSubmatch(e)
				lines = append(lines, fmt.Sprintf("第%s行：值 %q 的类型不对，应为%s", m[1], m[3], yamlTypeName(m[4])))
			default:
				lines = append(lines, e)
			}
		}
		return "\n  " + strings.Join(lines, "\n  ")
	}
	msg := err.Error()
	if m := reYAMLLine.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("第%s行：%s", m[1], m[2])
	}
	return strings.TrimPrefix(msg, "yaml: ")
}

func yamlTypeName(goType string) string {
	switch {
	case strings.HasPrefix(goType, "int"):
		return "整数"
	case goType == "bool":
		return "true 或 false"
	case goType == "string":
		return "文字"
	case strings.HasPrefix(goType, "[]"):
		return "列表（每项以 - 开头）"
	case goType == "program.Date":
		return "日期 YYYY-MM-DD"
	default:
		return "结构（字段: 值）"
	}
}

// ProgrammeProblem is one thing wrong in a programme file.
type ProgrammeProblem struct {
	Path   string // field path, e.g. cohorts[3].start (indexes from 0)
	Line   int    // line in the YAML file, 0 when unknown
	Value  string // the offending value as written, may be empty
	Reason string // in Chinese
}

func (p ProgrammeProblem) String() string {
	var b strings.Builder
	b.WriteString(p.Path)
	if p.Line > 0 {
		fmt.Fprintf(&b, "（第%d行）", p.Line)
	}
	b.WriteString("：")
	b.WriteString(p.Reason)
	if p.Value != "" {
		v := p.Value
		if utf8.RuneCountInString(v) > 40 {
			v = string([]rune(v)[:40]) + "…"
		}
		fmt.Fprintf(&b, "（当前值：“%s”）", v)
	}
	return b.String()
}

// ProgrammeError lists every problem found in one programme file.
type ProgrammeError struct {
	Source   string
	Problems []ProgrammeProblem
}

func (e *ProgrammeError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "方案文件 %s 有 %d 处错误：", e.Source, len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Validate checks the programme for consistency and completeness and
// returns a *ProgrammeError listing every problem, or nil.
func (p *Programme) Validate() error { return p.validate(nil) }

type progChecker struct {
	root     *yaml.Node
	problems []ProgrammeProblem
}

func (c *progChecker) add(path, value, format string, args ...any) {
	c.problems = append(c.problems, ProgrammeProblem{Path: path, Line: nodeLine(c.root, path), Value: value, Reason: fmt.Sprintf(format, args...)})
}

func (c *progChecker) required(path, value, what string) bool {
	if strings.TrimSpace(value) == "" {
		c.add(path, "", "缺少%s", what)
		return false
	}
	if strings.TrimSpace(value) != value {
		c.add(path, value, "%s首尾有多余空格", what)
	}
	return true
}

var (
	reDocYear    = regexp.MustCompile(`〔(\d{4})〕`)
	reDocYearAlt = regexp.MustCompile(`[\[［(（【](\d{4})[\]］)）】]`)
	reDuration   = regexp.MustCompile(`为期(\d+)天`)
	reTimeMonth  = regexp.MustCompile(`^(\d{1,2})月`)
	rePhone      = regexp.MustCompile(`^(\+?\d[\d-]*\d)((转|-)\d{1,6})?$`)
	reNumbering  = regexp.MustCompile(`^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.|（\d+）)$`)
)

func (p *Programme) validate(root *yaml.Node) error {
	c := &progChecker{root: root}
	if p.Year < 2000 || p.Year > 2100 {
		c.add("year", strconv.Itoa(p.Year), "年度应在2000至2100之间")
	}
	c.required("issuing_body", p.IssuingBody, "发文机关")
	if c.required("doc_number", p.DocNumber, "文号") {
		switch m := reDocYear.FindStringSubmatch(p.DocNumber); {
		case m != nil:
			if y, _ := strconv.Atoi(m[1]); y != p.Year {
				c.add("doc_number", p.DocNumber, "文号中的年份 %d 与年度 %d 不一致", y, p.Year)
			}
		case reDocYearAlt.MatchString(p.DocNumber):
			c.add("doc_number", p.DocNumber, "文号中的年份应使用六角括号〔〕")
		default:
			c.add("doc_number", p.DocNumber, "文号中缺少〔年份〕")
		}
	}
	if c.required("title", p.Title, "标题") && len(p.TitleLines) > 0 && strings.Join(p.TitleLines, "") != p.Title {
		c.add("title_lines", strings.Join(p.TitleLines, "|"), "标题分行连起来应与标题完全一致")
	}
	if c.required("addressees", p.Addressees, "主送机关") && strings.HasSuffix(p.Addressees, "：") {
		c.add("addressees", p.Addressees, "主送机关末尾不要写冒号，排版时自动添加")
	}
	if len(p.Lead) == 0 && len(p.Body) == 0 {
		c.add("body", "", "通知没有正文")
	}
	for i, s := range p.Lead {
		c.required(fmt.Sprintf("lead[%d]", i), s, "段落文字")
	}
	for i := range p.Body {
		c.section(fmt.Sprintf("body[%d]", i), &p.Body[i])
	}
	if len(p.Contacts) == 0 {
		c.add("contacts", "", "缺少联系人")
	}
	for i, ct := range p.Contacts {
		c.contact(fmt.Sprintf("contacts[%d]", i), ct, true)
	}
	for i, a := range p.Attachments {
		c.required(fmt.Sprintf("attachments[%d].title", i), a.Title, "附件标题")
	}
	c.required("signature", p.Signature, "署名")
	if p.SummaryDays < 0 || p.SummaryDays > 366 {
		c.add("summary_deadline_days", strconv.Itoa(p.SummaryDays), "总结提交期限应为活动结束后 1–366 天（不写则为 15 天）")
	}
	if p.Date.IsZero() {
		c.add("date", "", "缺少成文日期")
	} else if y := p.Date.Year(); y != p.Year && y != p.Year-1 {
		c.add("date", p.Date.String(), "成文日期应在 %d 年或上一年", p.Year)
	}
	c.cohorts(p)
	if p.MinAttendance < 0 || p.MinAttendance > 100 {
		c.add("min_attendance", strconv.Itoa(p.MinAttendance), "结业所需出勤比例应在0至100（%%）之间")
	}
	c.required("form.title", p.Form.Title, "报名表标题")
	if p.Form.BioMaxRunes <= 0 {
		c.add("form.bio_max_runes", strconv.Itoa(p.Form.BioMaxRunes), "个人简介字数上限应大于0")
	}
	for i, n := range p.Form.Notes {
		c.required(fmt.Sprintf("form.notes[%d]", i), n, "注")
	}
	if len(c.problems) == 0 {
		return nil
	}
	return &ProgrammeError{Source: p.Source, Problems: c.problems}
}

func (c *progChecker) section(path string, s *Section) {
	if c.required(path+".number", s.Number, "序号") && !reNumbering.MatchString(s.Number) {
		c.add(path+".number", s.Number, "序号应写成“一、”“（一）”“1.”或“（1）”")
	}
	if s.Heading == "" && len(s.Paragraphs) == 0 {
		c.add(path, "", "既没有标题也没有段落")
	}
	for i, t := range s.Paragraphs {
		c.required(fmt.Sprintf("%s.paragraphs[%d]", path, i), t, "段落文字")
	}
	for i := range s.Sections {
		c.section(fmt.Sprintf("%s.sections[%d]", path, i), &s.Sections[i])
	}
}

func (c *progChecker) contact(path string, ct Contact, needOrg bool) {
	if needOrg {
		c.required(path+".org", ct.Org, "联系单位")
	}
	c.required(path+".person", ct.Person, "联系人")
	if len(ct.Phones) == 0 {
		c.add(path+".phones", "", "缺少联系电话")
	}
	for i, ph := range ct.Phones {
		pp := fmt.Sprintf("%s.phones[%d]", path, i)
		if c.required(pp, ph, "电话号码") && !rePhone.MatchString(ph) {
			c.add(pp, ph, "电话号码只能包含数字和连字符（每个号码单独一项）")
		}
	}
}

func (c *progChecker) cohorts(p *Programme) {
	if len(p.Cohorts) == 0 {
		c.add("cohorts", "", "没有任何班次")
		return
	}
	names := map[string]int{}
	for i := range p.Cohorts {
		co := &p.Cohorts[i]
		path := fmt.Sprintf("cohorts[%d]", i)
		if co.Number != i+1 {
			c.add(path+".number", strconv.Itoa(co.Number), "班次应从1起按顺序连续编号，此处应为 %d", i+1)
		}
		for _, f := range []struct{ field, value, what string }{
			{"name", co.Name, "班次名称"},
			{"label", co.Label, "报名表简称"},
		} {
			if !c.required(path+"."+f.field, f.value, f.what) {
				continue
			}
			if looksLikeNumberRef(f.value) {
				c.add(path+"."+f.field, f.value, "%s不能是纯数字或“第N期”", f.what)
			}
			key := refKey(f.value)
			if j, dup := names[key]; dup && j != i {
				c.add(path+"."+f.field, f.value, "%s与第%d期重复", f.what, p.Cohorts[j].Number)
			} else {
				names[key] = i
			}
		}
		if c.required(path+".time", co.Time, "时间") {
			if m := reDuration.FindStringSubmatch(co.Time); m != nil && !co.Start.IsZero() && !co.End.IsZero() {
				if n, _ := strconv.Atoi(m[1]); n != len(co.Days()) {
					c.add(path+".end", co.End.String(), "时间写明为期%d天，但起止日期共 %d 天", n, len(co.Days()))
				}
			}
			if m := reTimeMonth.FindStringSubmatch(co.Time); m != nil && !co.Start.IsZero() {
				if mo, _ := strconv.Atoi(m[1]); mo != int(co.Start.Month()) {
					c.add(path+".start", co.Start.String(), "时间写的是%d月，开始日期却在%d月", mo, int(co.Start.Month()))
				}
			}
		}
		switch {
		case co.Start.IsZero():
			c.add(path+".start", "", "缺少开始日期")
		case co.Start.Year() != p.Year:
			c.add(path+".start", co.Start.String(), "开始日期不在 %d 年内", p.Year)
		}
		switch {
		case co.End.IsZero():
			c.add(path+".end", "", "缺少结束日期")
		case co.End.Year() != p.Year:
			c.add(path+".end", co.End.String(), "结束日期不在 %d 年内", p.Year)
		case !co.Start.IsZero() && co.End.Before(co.Start.Time):
			c.add(path+".end", co.End.String(), "结束日期早于开始日期 %s", co.Start)
		}
		c.required(path+".location", co.Location, "地点")
		if len(co.Hosts) == 0 {
			c.add(path+".hosts", "", "缺少承办单位")
		}
		for j, h := range co.Hosts {
			c.required(fmt.Sprintf("%s.hosts[%d]", path, j), h, "承办单位")
		}
		c.required(path+".features", co.Features, "特色内容")
		if len(co.Contacts) == 0 {
			c.add(path+".contacts", "", "缺少联系人")
		}
		for j, ct := range co.Contacts {
			c.contact(fmt.Sprintf("%s.contacts[%d]", path, j), ct, false)
		}
		if co.Capacity < 0 {
			c.add(path+".capacity", strconv.Itoa(co.Capacity), "名额不能为负数（0 表示不限）")
		}
		c.logistics(path, co)
	}
}

// nodeLine finds the line of the YAML node at path (e.g. cohorts[3].start)
// in the document root; 0 when root is nil or the path is absent. When the
// field itself is missing, the line of the nearest enclosing node is used.
func nodeLine(root *yaml.Node, path string) int {
	if root == nil {
		return 0
	}
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, seg := range strings.Split(path, ".") {
		key, idx := seg, -1
		if k, rest, ok := strings.Cut(seg, "["); ok {
			key = k
			idx, _ = strconv.Atoi(strings.TrimSuffix(rest, "]"))
		}
		var next *yaml.Node
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == key {
					next = n.Content[i+1]
					break
				}
			}
		}
		if next == nil {
			return line
		}
		n, line = next, next.Line
		if idx >= 0 {
			if n.Kind != yaml.SequenceNode || idx >= len(n.Content) {
				return line
			}
			n, line = n.Content[idx], n.Content[idx].Line
		}
	}
	return line
}

// scalarLine returns the line of the first scalar node whose value is v.
func scalarLine(n *yaml.Node, v string) int {
	if n.Kind == yaml.ScalarNode && n.Value == v {
		return n.Line
	}
	for _, c := range n.Content {
		if l := scalarLine(c, v); l > 0 {
			return l
		}
	}
	return 0
}

// CohortByRef resolves the ways people name a cohort: its form label (河南班),
// its name (河南省科协党校班), its title (第1期 河南省科协党校班), 第1期,
// 第01期, 第一期, 1期 or 1, in half- or full-width characters, with or
// without surrounding spaces or a leading check box (□☑).
func (p *Programme) CohortByRef(ref string) (*Cohort, bool) {
	// The intake template's choices mark the women-only cohort.
	ref = strings.TrimSpace(ref)
	if mark := []rune(width.Fold.String(WomenOnlyMark)); strings.HasSuffix(width.Fold.String(ref), string(mark)) {
		r := []rune(ref)
		ref = strings.TrimSpace(string(r[:len(r)-len(mark)]))
	}
	// Fast path: the label or name exactly as printed (the usual case).
	if s := strings.TrimSpace(ref); s != "" {
		for i := range p.Cohorts {
			if c := &p.Cohorts[i]; s == c.Label || s == c.Name {
				return c, true
			}
		}
	}
	key := refKey(ref)
	if key == "" {
		return nil, false
	}
	if n, ok := refNumber(key); ok {
		return p.Cohort(n)
	}
	for i := range p.Cohorts {
		c := &p.Cohorts[i]
		if key == refKey(c.Label) || key == refKey(c.Name) || key == refKey(c.Title()) {
			return c, true
		}
	}
	return nil, false
}

// refKey normalises a reference for comparison: full-width to half-width
// (NFKC-like width folding), check boxes and all white space removed.
func refKey(s string) string {
	s = width.Fold.String(s)
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return -1
		case strings.ContainsRune("□☐☑☒■✓✔√", r):
			return -1
		}
		return r
	}, s)
}

func looksLikeNumberRef(s string) bool {
	_, ok := refNumber(refKey(s))
	return ok
}

// refNumber parses 1, 01, 1期, 第1期, 第01期, 第一期, 第十期 (already folded).
func refNumber(s string) (int, bool) {
	s = strings.TrimPrefix(s, "第")
	s = strings.TrimSuffix(s, "期")
	s = strings.TrimSuffix(s, "班")
	if s == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(s); err == nil && n > 0 && !strings.HasPrefix(s, "+") {
		return n, true
	}
	return chineseNumeral(s)
}

// chineseNumeral parses 一 … 九十九.
func chineseNumeral(s string) (int, bool) {
	digits := map[rune]int{'一': 1, '二': 2, '两': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}
	r := []rune(s)
	switch {
	case len(r) == 1 && r[0] == '十':
		return 10, true
	case len(r) == 1:
		d, ok := digits[r[0]]
		return d, ok
	case len(r) == 2 && r[0] == '十':
		d, ok := digits[r[1]]
		return 10 + d, ok
	case len(r) == 2 && r[1] == '十':
		d, ok := digits[r[0]]
		return d * 10, ok
	case len(r) == 3 && r[1] == '十':
		a, ok1 := digits[r[0]]
		b, ok2 := digits[r[2]]
		return a*10 + b, ok1 && ok2
	}
	return 0, false
}
