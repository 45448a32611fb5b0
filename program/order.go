package program

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
)

//go:generate go run strokes_gen.go -o strokes_table.go

// Order names how a list of people is sorted.
type Order int

const (
	// ByStrokes sorts by 姓氏笔画, the convention of official Chinese name
	// lists (see SortByStrokes).
	ByStrokes Order = iota
	// ByPinyin sorts by the pinyin of the name (see SortByPinyin).
	ByPinyin
	// AsGiven keeps the input order.
	AsGiven
)

// ParseOrder reads "strokes"/"笔画", "pinyin"/"拼音" or "none"/"原序".
func ParseOrder(s string) (Order, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "strokes", "stroke", "笔画", "姓氏笔画":
		return ByStrokes, true
	case "pinyin", "拼音":
		return ByPinyin, true
	case "none", "given", "原序":
		return AsGiven, true
	}
	return ByStrokes, false
}

func (o Order) String() string {
	switch o {
	case ByPinyin:
		return "拼音"
	case AsGiven:
		return "原序"
	}
	return "姓氏笔画"
}

// Sort sorts as in place by o. The sort is stable.
func (o Order) Sort(as []Applicant) {
	switch o {
	case ByStrokes:
		SortByStrokes(as)
	case ByPinyin:
		SortByPinyin(as)
	}
}

// compoundSurnameSet are the 复姓 recognised when a name has at least three
// characters (欧阳华 → 欧阳 + 华; 欧阳 alone is read as 欧 + 阳).
var compoundSurnameSet = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range strings.Fields(`欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯
		轩辕 令狐 端木 西门 南宫 独孤 呼延 闻人 澹台 公冶 宗政 濮阳 淳于 单于 太叔
		申屠 仲孙 钟离 万俟 司空 亓官 司寇 子车 颛孙 壤驷 公良 漆雕 乐正 宰父 谷梁
		拓跋 夹谷 百里 东郭 南门 羊舌 微生 梁丘 左丘 第五 公西 巫马 赫连 段干`) {
		m[s] = true
	}
	return m
}()

// SplitName splits a Chinese personal name into surname and given name.
// Compound surnames (欧阳, 司马, 上官 …) count as the surname when the name
// has at least three characters. Names written with a middle dot
// (阿依古丽·买买提) have no surname in this sense: the whole name is
// returned as given name.
func SplitName(name string) (surname, given string) {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, "·•・.") {
		return "", name
	}
	r := []rune(name)
	if len(r) >= 3 && compoundSurnameSet[string(r[:2])] {
		return string(r[:2]), string(r[2:])
	}
	if len(r) == 1 {
		return name, ""
	}
	return string(r[:1]), string(r[1:])
}

// strokeInfo is one character of the stroke table.
type strokeInfo struct {
	count int    // total strokes
	order string // stroke classes "1"…"5" (横竖撇点折); "" when unknown
}

var strokes = sync.OnceValue(func() map[rune]strokeInfo {
	m := make(map[rune]strokeInfo, 8300)
	for _, line := range strings.Split(strokeTable, "\n") {
		r, size := utf8.DecodeRuneInString(line)
		sp := strings.IndexByte(line, ' ')
		if size == 0 || sp <= size {
			continue
		}
		n, err := strconv.Atoi(line[size:sp])
		if err != nil {
			continue
		}
		m[r] = strokeInfo{count: n, order: line[sp+1:]}
	}
	return m
})

// Strokes returns the stroke count of a Han character and its stroke
// order as the classes 1 横 2 竖 3 撇 4 点 5 折 ("" when not in the table).
// ok is false for characters outside the table.
func Strokes(r rune) (count int, order string, ok bool) {
	s, ok := strokes()[r]
	return s.count, s.order, ok
}

// unknownStrokes sorts Han characters missing from the table after every
// known one.
const unknownStrokes = 99

// nonHanStrokes sorts letters, digits and symbols after every Han
// character.
const nonHanStrokes = 100

// charKey is the sort key of one character.
type charKey struct {
	strokes int    // unknownStrokes, nonHanStrokes outside the table
	order   string // stroke classes, compared as a string
	py      string // pinyin with tone number, e.g. "zhang1"
	r       rune
}

func compareChar(a, b charKey) int {
	if c := cmp.Compare(a.strokes, b.strokes); c != 0 {
		return c
	}
	// The official convention: same count → first stroke in the order
	// 横竖撇点折, then the second … A character without order data sorts
	// after one with it.
	if c := compareOrder(a.order, b.order); c != 0 {
		return c
	}
	if c := strings.Compare(a.py, b.py); c != 0 {
		return c
	}
	return cmp.Compare(a.r, b.r)
}

func compareOrder(a, b string) int {
	switch {
	case a == "" && b == "":
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}

// nameKey is the sort key of one applicant.
type nameKey struct {
	surname, given []charKey
	py             string // whole-name pinyin, for SortByPinyin
	id             string
	idx            int
}

// surnameReadings are the readings of characters whose surname reading
// differs from the everyday one (单 Shàn, 曾 Zēng, 解 Xiè …).
var surnameReadings = map[rune]string{
	'单': "shan4", '曾': "zeng1", '解': "xie4", '仇': "qiu2", '朴': "piao2",
	'查': "zha1", '区': "ou1", '秘': "bi4", '覃': "qin2", '盖': "ge3",
	'缪': "miao4", '华': "hua4", '任': "ren2", '沈': "shen3", '乐': "yue4",
	'尉': "yu4", '万': "mo4", '长': "zhang3", '翟': "zhai2", '召': "shao4",
	'繁': "po2", '员': "yun4", '句': "gou1", '种': "chong2", '宁': "ning4",
	'石': "shi2", '柏': "bai3", '郇': "huan2", '纪': "ji3", '过': "guo1",
}

var sortPinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Style = pinyin.Tone3
	a.Fallback = func(r rune, _ pinyin.Args) []string { return nil }
	return a
}()

// readingCache memoises reading: go-pinyin styles every call with regular
// expressions, which dominated sorting time.
var readingCache sync.Map // rune → string

// reading returns the everyday pinyin of r with its tone number, or r in
// lower case when it is not a Han character.
func reading(r rune) string {
	if v, ok := readingCache.Load(r); ok {
		return v.(string)
	}
	p := strings.ToLower(string(r))
	if unicode.Is(unicode.Han, r) {
		if py := pinyin.SinglePinyin(r, sortPinyinArgs); len(py) > 0 {
			p = py[0]
		}
	}
	readingCache.Store(r, p)
	return p
}

func readings(rs []rune, surname bool) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		if surname {
			if p, ok := surnameReadings[r]; ok {
				// 万俟 reads Mòqí; 万 alone is Wàn.
				if r == '万' && !(len(rs) == 2 && rs[1] == '俟') {
					p = "wan4"
				}
				if r == '长' && !(len(rs) == 2 && rs[1] == '孙') {
					p = "chang2"
				}
				out[i] = p
				continue
			}
		}
		out[i] = reading(r)
	}
	return out
}

func keysOf(rs []rune, surname bool) []charKey {
	py := readings(rs, surname)
	out := make([]charKey, 0, len(rs))
	for i, r := range rs {
		if isNameSeparator(r) {
			continue
		}
		k := charKey{r: r, py: py[i]}
		if s, ok := strokes()[r]; ok {
			k.strokes, k.order = s.count, s.order
		} else if unicode.Is(unicode.Han, r) {
			k.strokes = unknownStrokes
		} else {
			k.strokes = nonHanStrokes
		}
		out = append(out, k)
	}
	return out
}

func isNameSeparator(r rune) bool {
	return unicode.IsSpace(r) || r == '·' || r == '•' || r == '・' || r == '.' || r == '　'
}

func keyOf(a *Applicant, i int) nameKey {
	sur, giv := SplitName(a.Name)
	if sur == "" {
		// 阿依古丽·买买提: no surname; the whole name sorts as one.
		sur, giv = giv, ""
	}
	k := nameKey{
		surname: keysOf([]rune(sur), true),
		given:   keysOf([]rune(giv), false),
		id:      strings.ToUpper(a.ID),
		idx:     i,
	}
	var b strings.Builder
	for _, c := range k.surname {
		b.WriteString(c.py)
		b.WriteByte(' ')
	}
	for _, c := range k.given {
		b.WriteString(c.py)
		b.WriteByte(' ')
	}
	k.py = b.String()
	return k
}

func compareChars(a, b []charKey, f func(a, b charKey) int) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := f(a[i], b[i]); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// CompareStrokes orders two names by 姓氏笔画: the surname first, character
// by character, by stroke count, then stroke order (横竖撇点折 for the
// first stroke, then the second …), then pinyin; a compound surname is one
// surname, so 欧阳华 follows every 欧X; then the given name the same way.
func CompareStrokes(a, b *Applicant) int {
	return compareStrokeKeys(keyOf(a, 0), keyOf(b, 0))
}

func compareStrokeKeys(a, b nameKey) int {
	if c := compareChars(a.surname, b.surname, compareChar); c != 0 {
		return c
	}
	if c := compareChars(a.given, b.given, compareChar); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

func comparePinyinKeys(a, b nameKey) int {
	// Compare letters first and tones second, so zhang1 < zhang3 < zhao4.
	if c := strings.Compare(stripTones(a.py), stripTones(b.py)); c != 0 {
		return c
	}
	if c := strings.Compare(a.py, b.py); c != 0 {
		return c
	}
	// Homophones: the fewer strokes first, then the code point.
	if c := compareStrokeKeys(a, b); c != 0 {
		return c
	}
	return 0
}

func stripTones(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, s)
}

// SortByStrokes sorts applicants by 姓氏笔画 (see CompareStrokes), the
// convention of official name lists, with ties broken by the ID number.
// Characters outside the table (rare Han characters) sort after every
// known character with the same prefix. The sort is stable.
func SortByStrokes(as []Applicant) { sortBy(as, compareStrokeKeys) }

// SortByPinyin sorts applicants by the pinyin of their names (surnames read
// with their surname readings: 单 Shàn, 曾 Zēng), syllable by syllable,
// tones as the second key, then strokes, then ID number. The sort is
// stable.
func SortByPinyin(as []Applicant) { sortBy(as, comparePinyinKeys) }

func sortBy(as []Applicant, f func(a, b nameKey) int) {
	keys := make([]nameKey, len(as))
	for i := range as {
		keys[i] = keyOf(&as[i], i)
	}
	slices.SortFunc(keys, func(a, b nameKey) int {
		if c := f(a, b); c != 0 {
			return c
		}
		return cmp.Compare(a.idx, b.idx)
	})
	sorted := make([]Applicant, len(as))
	for i, k := range keys {
		sorted[i] = as[k.idx]
	}
	copy(as, sorted)
}
