package program

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Count is one category of a measure and how many participants fall in it.
type Count struct {
	Label string
	N     int
}

// Measure is one breakdown of a group of participants (性别, 年龄段, …).
type Measure struct {
	Title  string
	Counts []Count // in display order
	// Ordered marks categories with a natural order (age bands): charts
	// keep it instead of sorting by size.
	Ordered bool
}

// Total is the number of participants the measure counts.
func (m Measure) Total() int {
	n := 0
	for _, c := range m.Counts {
		n += c.N
	}
	return n
}

// Titles of the composition measures, in report order.
const (
	MeasureGender    = "性别"
	MeasureEthnicity = "民族"
	MeasureAge       = "年龄"
	MeasurePolitical = "政治面貌"
	MeasureProvince  = "省份（据身份证号）"
	MeasureField     = "研究领域"
	MeasureUnit      = "单位类型"
)

// AgeBands are the age bands of the composition, by upper bound
// (inclusive); the last has none.
var AgeBands = []struct {
	Label string
	Max   int
}{
	{"35岁以下", 34}, {"35–39岁", 39}, {"40–44岁", 44}, {"45–49岁", 49}, {"50岁及以上", 1 << 30},
}

// AgeBand returns the label of the band holding age.
func AgeBand(age int) string {
	for _, b := range AgeBands {
		if age <= b.Max {
			return b.Label
		}
	}
	return AgeBands[len(AgeBands)-1].Label
}

// Unit types of UnitType.
const (
	UnitUniversity = "高等院校"
	UnitInstitute  = "科研院所"
	UnitHospital   = "医疗卫生机构"
	UnitCompany    = "企业"
	UnitOther      = "其他"
)

// UnitType classifies a 工作单位 by its name: a hospital, then a company
// registered as 有限公司, a university, a research institute, a college,
// a company, else 其他. The order matters: 中国科学院大学 is a university,
// 中国科学院物理研究所 an institute, 国网能源研究院有限公司 a company.
func UnitType(employer string) string {
	s := employer
	if i := strings.IndexAny(s, " 　"); i > 0 {
		s = s[:i] // the unit, without post and title
	}
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(s, w) {
				return true
			}
		}
		return false
	}
	switch {
	case has("医院", "卫生", "疾病预防控制"):
		return UnitHospital
	case has("有限公司", "股份", "有限责任"):
		return UnitCompany
	case has("大学"):
		return UnitUniversity
	case has("研究所", "研究院", "科学院", "研究中心", "实验室", "研究会"):
		return UnitInstitute
	case has("学院", "学校"):
		return UnitUniversity
	case has("公司", "集团", "企业", "厂"):
		return UnitCompany
	}
	return UnitOther
}

// Composition breaks the participants down by every measure of the
// summary report: 性别, 民族, 年龄 (on the day on), 政治面貌, 省份 (from
// the ID's region code), 研究领域 and 单位类型. Unordered measures list
// their categories by size, then name; at most top categories are kept
// and the rest are counted as 其他 (0: keep all).
func Composition(as []Applicant, on time.Time, top int) []Measure {
	count := func(title string, key func(a *Applicant) string) Measure {
		n := map[string]int{}
		for i := range as {
			k := key(&as[i])
			if k == "" {
				k = "未填写"
			}
			n[k]++
		}
		m := Measure{Title: title}
		for k, v := range n {
			m.Counts = append(m.Counts, Count{k, v})
		}
		sort.Slice(m.Counts, func(i, j int) bool {
			a, b := m.Counts[i], m.Counts[j]
			if a.N != b.N {
				return a.N > b.N
			}
			return a.Label < b.Label
		})
		if top > 0 && len(m.Counts) > top {
			rest := 0
			for _, c := range m.Counts[top-1:] {
				rest += c.N
			}
			m.Counts = append(m.Counts[:top-1:top-1], Count{"其他", rest})
		}
		return m
	}
	gender := Measure{Title: MeasureGender, Ordered: true}
	for _, g := range []string{"男", "女"} {
		n := 0
		for i := range as {
			if as[i].Gender == g {
				n++
			}
		}
		gender.Counts = append(gender.Counts, Count{g, n})
	}
	age := Measure{Title: MeasureAge, Ordered: true}
	for _, b := range AgeBands {
		n := 0
		for i := range as {
			if AgeBand(as[i].Age(on)) == b.Label {
				n++
			}
		}
		age.Counts = append(age.Counts, Count{b.Label, n})
	}
	return []Measure{
		gender,
		count(MeasureEthnicity, func(a *Applicant) string { return a.Ethnicity }),
		age,
		count(MeasurePolitical, func(a *Applicant) string { return a.Political }),
		count(MeasureProvince, func(a *Applicant) string { return a.Province() }),
		count(MeasureField, func(a *Applicant) string { return a.Field }),
		count(MeasureUnit, func(a *Applicant) string { return UnitType(a.Employer) }),
	}
}

// CompositionLine sums a group up in one line for the summary template:
// 48人（男30人、女18人；中共党员40人；平均年龄39.5岁）.
func CompositionLine(as []Applicant, on time.Time) string {
	var men, women, party, ages int
	for i := range as {
		switch as[i].Gender {
		case "男":
			men++
		case "女":
			women++
		}
		if strings.HasPrefix(as[i].Political, "中共") {
			party++
		}
		ages += as[i].Age(on)
	}
	if len(as) == 0 {
		return "0人"
	}
	avg := float64(ages) / float64(len(as))
	return fmt.Sprintf("%d人（男%d人、女%d人；中共党员（含预备党员）%d人；平均年龄%.1f岁）", len(as), men, women, party, avg)
}
