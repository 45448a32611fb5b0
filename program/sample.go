package program

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mozillazg/go-pinyin"
	"github.com/xuri/excelize/v2"
)

// Sample returns n realistic synthetic applicants for the programme p, for
// demos, tests and benchmarks. The data are deterministic: the same
// programme, n and seed give the same applicants in the same order.
//
// Every applicant has a valid check-summed 身份证号 (a real county code,
// an age of 30–45 during the programme, the sex digit matching Gender),
// a plausible name (a few compound surnames and a few rare characters such
// as 堃 喆 䶮, all inside the BMP), 民族 and 政治面貌 from the national
// code tables, a recommending body, a work unit with post and title, a
// research field matched to the chosen cohort's theme, phones, e-mail and a
// 个人简介 of varied length (every fortieth about 600 characters).
//
// Cohorts are filled within their rules: women-only cohorts get women
// only, and a cohort with a Capacity is never overfilled. When every cohort
// is full, Sample stops early and returns fewer than n applicants. Photo
// is left empty; Portrait draws a placeholder for any seed.
func Sample(p *Programme, n int, seed int64) []Applicant {
	if n <= 0 {
		return nil
	}
	g := newSampler(p, seed)
	out := make([]Applicant, 0, n)
	for i := 0; i < n; i++ {
		a, ok := g.applicant(i)
		if !ok {
			break
		}
		out = append(out, a)
	}
	return out
}

type sampler struct {
	r       *rand.Rand
	p       *Programme
	year    int
	from    time.Time // earliest day of the programme (age ≥ 30 then)
	to      time.Time // last day of the programme (age ≤ 45 then)
	fields  map[int][]sampleField
	filled  map[int]int
	ids     map[string]bool
	emails  map[string]bool
	mobiles map[string]bool
}

func newSampler(p *Programme, seed int64) *sampler {
	if p == nil {
		p = &Programme{}
	}
	g := &sampler{
		r:       rand.New(rand.NewPCG(uint64(seed), 0x9e3779b97f4a7c15)),
		p:       p,
		fields:  map[int][]sampleField{},
		filled:  map[int]int{},
		ids:     map[string]bool{},
		emails:  map[string]bool{},
		mobiles: map[string]bool{},
	}
	g.year = p.Year
	if g.year == 0 {
		g.year = p.Date.Year()
	}
	if g.year <= 1 {
		g.year = 2022
	}
	g.from = time.Date(g.year, 1, 1, 0, 0, 0, 0, time.UTC)
	if !p.Date.IsZero() {
		g.from = p.Date.Time
	}
	g.to = time.Date(g.year, 12, 31, 0, 0, 0, 0, time.UTC)
	for _, c := range p.Cohorts {
		if !c.Start.IsZero() && c.Start.Before(g.from) {
			g.from = c.Start.Time
		}
		if !c.End.IsZero() && c.End.After(g.to) {
			g.to = c.End.Time
		}
		g.fields[c.Number] = sampleFieldsFor(c)
	}
	return g
}

func (g *sampler) pick(list []string) string { return list[g.r.IntN(len(list))] }

// chance reports true with probability pct/100.
func (g *sampler) chance(pct int) bool { return g.r.IntN(100) < pct }

func (g *sampler) applicant(i int) (Applicant, bool) {
	female := g.chance(38)
	cohort, female, ok := g.cohort(female)
	if !ok {
		return Applicant{}, false
	}
	var a Applicant
	a.Cohort = cohort
	a.Gender = "男"
	if female {
		a.Gender = "女"
	}
	home := g.pick(sampleProvinces)
	a.ID = g.idNumber(home, female)
	a.Name = g.name(i, female)
	a.Ethnicity = g.ethnicity(home)
	a.Political = g.political()

	fl := g.fields[cohort]
	if len(fl) == 0 {
		fl = sampleGeneralFields
	}
	f := fl[g.r.IntN(len(fl))]
	a.Field = f.name

	work := home
	if !g.chance(60) {
		work = g.pick(sampleProvinces)
	}
	u := g.unit(work, f)
	post, title := g.postTitle(u.kind)
	a.Employer = u.name + post + title
	if post != "" {
		a.Employer = u.name + post + "、" + title
	}
	if g.chance(45) && f.society != "" {
		a.Recommender = f.society
	} else {
		a.Recommender = sampleProvinceName(work) + "科协"
	}
	a.Mobile = g.mobile()
	a.OfficePhone = g.officePhone(work)
	a.Email = g.email(a.Name, a.ID, u.domain)
	birth, _ := a.BirthDate()
	a.Bio = g.bio(i, birth.Year(), u, f, title, work)
	return a, true
}

// cohort chooses a cohort with room for an applicant of the given sex,
// switching to a woman when only women-only cohorts have room.
func (g *sampler) cohort(female bool) (int, bool, bool) {
	if len(g.p.Cohorts) == 0 {
		return 0, female, true
	}
	open := func(female bool) []int {
		var out []int
		for _, c := range g.p.Cohorts {
			if c.WomenOnly && !female {
				continue
			}
			if c.Capacity > 0 && g.filled[c.Number] >= c.Capacity {
				continue
			}
			out = append(out, c.Number)
		}
		return out
	}
	list := open(female)
	if len(list) == 0 && !female {
		female = true
		list = open(true)
	}
	if len(list) == 0 {
		return 0, female, false
	}
	// Women choose the women-only cohort a fair share of the time.
	n := list[g.r.IntN(len(list))]
	g.filled[n]++
	return n, female, true
}

// idNumber builds a valid 18-character 身份证号 for someone born in the
// province code prov, aged 30–45 throughout the programme.
func (g *sampler) idNumber(prov string, female bool) string {
	counties := sampleCounties[prov]
	for {
		county := counties[g.r.IntN(len(counties))]
		// Born after to−46y (still 45 on the last day) and on or before
		// from−30y (already 30 on the first day).
		lo := g.to.AddDate(-46, 0, 1)
		hi := g.from.AddDate(-30, 0, 0)
		days := int(hi.Sub(lo).Hours() / 24)
		if days < 1 {
			days = 1
		}
		birth := lo.AddDate(0, 0, g.r.IntN(days))
		seq := g.r.IntN(100)*10 + g.r.IntN(5)*2 // even: female
		if !female {
			seq++
		}
		id17 := fmt.Sprintf("%s%s%03d", county, birth.Format("20060102"), seq)
		id := id17 + string(IDCheckDigit(id17))
		if !g.ids[id] {
			g.ids[id] = true
			return id
		}
	}
}

func (g *sampler) name(i int, female bool) string {
	var sur string
	switch {
	case g.chance(4):
		sur = g.pick(sampleCompoundSurnames)
	default:
		sur = sampleSurnames[g.weighted(len(sampleSurnames))]
	}
	chars := sampleMaleChars
	if female {
		chars = sampleFemaleChars
	}
	given := g.pick(chars)
	if g.chance(78) {
		given += g.pick(chars)
	}
	// Every fiftieth applicant carries a rare character the CJK fonts
	// still draw; 𠮷 (outside the BMP) is left to tests.
	if i%50 == 7 {
		rare := sampleRareChars[(i/50)%len(sampleRareChars)]
		if utf8.RuneCountInString(given) == 2 && g.chance(50) {
			given = string([]rune(given)[:1]) + rare
		} else {
			given = rare
		}
	}
	return sur + given
}

// weighted returns an index in [0,n) favouring small indexes (surnames are
// listed from the most common).
func (g *sampler) weighted(n int) int {
	x := g.r.Float64()
	return int(x * x * float64(n))
}

func (g *sampler) ethnicity(prov string) string {
	if !g.chance(9) {
		return "汉族"
	}
	if l, ok := sampleRegionalEthnicities[prov]; ok && g.chance(70) {
		return g.pick(l)
	}
	return g.pick(sampleMinorities)
}

func (g *sampler) political() string {
	x := g.r.IntN(100)
	switch {
	case x < 62:
		return "中共党员"
	case x < 64:
		return "中共预备党员"
	case x < 80:
		return "群众"
	case x < 84:
		return "无党派人士"
	default:
		return g.pick([]string{"民革党员", "民盟盟员", "民建会员", "民进会员", "农工党党员", "致公党党员", "九三学社社员", "九三学社社员", "民盟盟员", "台盟盟员"})
	}
}

func (g *sampler) unit(prov string, f sampleField) sampleUnit {
	if g.chance(20) {
		if l := f.units; len(l) > 0 {
			return l[g.r.IntN(len(l))]
		}
	}
	l := sampleUnits[prov]
	u := l[g.r.IntN(len(l))]
	if u.kind == kindUniversity && f.school != "" {
		u.name += f.school
	}
	return u
}

func (g *sampler) postTitle(k sampleUnitKind) (post, title string) {
	switch k {
	case kindUniversity:
		title = g.pick([]string{"教授", "教授", "副教授", "研究员", "副研究员"})
		if g.chance(35) {
			post = g.pick([]string{"副院长", "系主任", "副系主任", "研究所所长", "重点实验室副主任", "科研院副院长"})
		}
	case kindInstitute:
		title = g.pick([]string{"研究员", "研究员", "副研究员"})
		if g.chance(40) {
			post = g.pick([]string{"课题组长", "研究室主任", "副所长", "重点实验室副主任", "中心主任"})
		}
	case kindCompany:
		title = g.pick([]string{"高级工程师", "正高级工程师", "教授级高级工程师"})
		if g.chance(60) {
			post = g.pick([]string{"总工程师", "副总工程师", "首席专家", "研发中心主任", "技术总监"})
		}
	case kindHospital:
		title = g.pick([]string{"主任医师", "副主任医师", "研究员"})
		if g.chance(45) {
			post = g.pick([]string{"科主任", "副院长", "科副主任", "研究中心主任"})
		}
	}
	return post, title
}

var sampleMobilePrefixes = []string{"130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155", "156", "157", "158", "159", "166", "177", "180", "181", "182", "183", "185", "186", "187", "188", "189", "199"}

func (g *sampler) mobile() string {
	for {
		m := g.pick(sampleMobilePrefixes) + fmt.Sprintf("%08d", g.r.IntN(100000000))
		if !g.mobiles[m] {
			g.mobiles[m] = true
			return m
		}
	}
}

func (g *sampler) officePhone(prov string) string {
	code := sampleAreaCodes[prov]
	first := 2 + g.r.IntN(7) // local numbers start with 2–8
	if len(code) == 3 {
		return fmt.Sprintf("%s-%d%07d", code, first, g.r.IntN(10000000))
	}
	if g.chance(70) {
		return fmt.Sprintf("%s-%d%07d", code, first, g.r.IntN(10000000))
	}
	return fmt.Sprintf("%s-%d%06d", code, first, g.r.IntN(1000000))
}

var samplePinyinArgs = func() pinyin.Args {
	a := pinyin.NewArgs()
	a.Fallback = func(r rune, a pinyin.Args) []string { return nil }
	return a
}()

func (g *sampler) email(name, id, domain string) string {
	var b strings.Builder
	for _, s := range pinyin.LazyPinyin(name, samplePinyinArgs) {
		b.WriteString(s)
	}
	local := b.String()
	if local == "" {
		local = "lh"
	}
	if domain == "" || g.chance(35) {
		domain = g.pick([]string{"163.com", "126.com", "qq.com", "foxmail.com", "sina.com", "139.com"})
		if g.chance(50) {
			local += id[6:10] // birth year
		}
	}
	e := local + "@" + domain
	for k := 1; g.emails[e]; k++ {
		e = fmt.Sprintf("%s%d@%s", local, k+1, domain)
	}
	g.emails[e] = true
	return e
}

// bio writes a 个人简介 in the usual order: education, career, projects,
// awards, social roles. Every fortieth applicant gets a long one (about
// 600 characters); the others range from about 80 to 300.
func (g *sampler) bio(i, born int, u sampleUnit, f sampleField, title, prov string) string {
	year := g.year
	ba := born + 22 + g.r.IntN(2)
	phd := ba + 4 + g.r.IntN(3)
	if phd > year-3 {
		phd = year - 3
	}
	uni1, uni2 := g.pick(sampleUniversities), g.pick(sampleUniversities)
	var s []string
	s = append(s, fmt.Sprintf("%d年毕业于%s，获学士学位；%d年于%s获博士学位。", ba, uni1, phd, uni2))
	joined := phd
	if g.chance(55) {
		joined = phd + 2 + g.r.IntN(2)
		if joined > year-1 {
			joined = year - 1
		}
		s = append(s, fmt.Sprintf("%d—%d年在%s从事博士后研究。", phd, joined, g.pick(samplePostdocPlaces)))
	}
	s = append(s, fmt.Sprintf("%d年起在%s工作，现为%s，主要从事%s研究。", joined, u.name, title, f.name))
	long := i%40 == 3
	if long || g.chance(70) {
		s = append(s, fmt.Sprintf("主持国家重点研发计划课题、国家自然科学基金项目等%d项，发表学术论文%d篇，授权发明专利%d件。",
			3+g.r.IntN(12), 20+g.r.IntN(90), 2+g.r.IntN(30)))
	}
	if long || g.chance(60) {
		s = append(s, fmt.Sprintf("获%s（排名第%d）、%s科学技术奖一等奖等奖励。", g.pick(sampleAwards), 1+g.r.IntN(5), sampleProvinceName(prov)))
	}
	if long || g.chance(40) {
		soc := f.society
		if soc == "" {
			soc = "中国科协"
		}
		s = append(s, fmt.Sprintf("兼任%s青年工作委员会委员、%s。", soc, g.pick(sampleRoles)))
	}
	if long {
		for _, x := range g.r.Perm(len(sampleLongBio)) {
			s = append(s, sampleLongBio[x])
			if utf8.RuneCountInString(strings.Join(s, "")) >= 580 {
				break
			}
		}
	}
	out := strings.Join(s, "")
	if max := g.p.Form.BioMaxRunes; max > 0 {
		for utf8.RuneCountInString(out) > max && len(s) > 1 {
			s = s[:len(s)-1]
			out = strings.Join(s, "")
		}
	}
	return out
}

// sampleFieldsFor returns the research fields matching a cohort's theme (its
// name and 特色内容), falling back to general fields.
func sampleFieldsFor(c Cohort) []sampleField {
	text := c.Name + c.Label + c.Features
	var out []sampleField
	seen := map[string]bool{}
	for _, t := range sampleThemes {
		if !strings.Contains(text, t.keyword) {
			continue
		}
		for _, f := range t.fields {
			if !seen[f.name] {
				seen[f.name] = true
				out = append(out, f)
			}
		}
	}
	if len(out) < 4 {
		out = append(out, sampleGeneralFields...)
	}
	return out
}

// sampleProvinceName returns the province's full name, the form used before
// 科协 (江苏省科协, 广西壮族自治区科协).
func sampleProvinceName(code string) string { return provinces[code] }

type sampleUnitKind int

const (
	kindUniversity sampleUnitKind = iota
	kindInstitute
	kindCompany
	kindHospital
)

type sampleUnit struct {
	name   string
	domain string
	kind   sampleUnitKind
}

type sampleField struct {
	name    string
	school  string       // 学院 appended to a university's name
	society string       // the 全国学会 that would recommend
	units   []sampleUnit // national units of the field, tried sometimes
}

type sampleTheme struct {
	keyword string
	fields  []sampleField
}

var (
	sfCircuit   = sampleField{"集成电路设计", "集成电路学院", "中国电子学会", []sampleUnit{{"中国电子科技集团公司第五十八研究所", "", kindInstitute}, {"中芯国际集成电路制造有限公司", "", kindCompany}}}
	sfMicro     = sampleField{"微电子学与固体电子学", "微电子学院", "中国电子学会", nil}
	sfEmbedded  = sampleField{"嵌入式系统", "计算机学院", "中国电子学会", nil}
	sfIoT       = sampleField{"物联网", "物联网工程学院", "中国电子学会", []sampleUnit{{"中国（无锡）物联网研究院", "", kindInstitute}}}
	sfAI        = sampleField{"人工智能", "人工智能学院", "中国人工智能学会", []sampleUnit{{"中国科学院自动化研究所", "ia.ac.cn", kindInstitute}}}
	sfCS        = sampleField{"计算机体系结构", "计算机科学与技术学院", "中国计算机学会", []sampleUnit{{"中国科学院计算技术研究所", "ict.ac.cn", kindInstitute}}}
	sfComm      = sampleField{"光纤通信", "信息与通信工程学院", "中国通信学会", []sampleUnit{{"中天科技集团有限公司", "", kindCompany}}}
	sfCivil     = sampleField{"土木工程", "土木工程学院", "中国土木工程学会", []sampleUnit{{"中国建筑科学研究院有限公司", "cabr.com.cn", kindCompany}}}
	sfPower     = sampleField{"电力系统及其自动化", "电气工程学院", "中国电机工程学会", []sampleUnit{{"国网能源研究院有限公司", "", kindCompany}}}
	sfEnergy    = sampleField{"新能源材料与储能", "能源与动力工程学院", "中国能源研究会", []sampleUnit{{"宁德时代新能源科技股份有限公司", "catl.com", kindCompany}}}
	sfMaterial  = sampleField{"新材料", "材料科学与工程学院", "中国材料研究学会", []sampleUnit{{"中国科学院金属研究所", "imr.ac.cn", kindInstitute}}}
	sfPolymer   = sampleField{"高分子化学与物理", "高分子科学与工程学院", "中国化学会", nil}
	sfBioMed    = sampleField{"生物医学工程", "生物医学工程学院", "中国生物医学工程学会", nil}
	sfPharma    = sampleField{"药物化学", "药学院", "中国药学会", []sampleUnit{{"中国科学院上海药物研究所", "simm.ac.cn", kindInstitute}}}
	sfImaging   = sampleField{"医学影像", "医学院", "中华医学会", nil}
	sfCell      = sampleField{"细胞生物学", "生命科学学院", "中国细胞生物学学会", []sampleUnit{{"中国科学院分子细胞科学卓越创新中心", "sibcb.ac.cn", kindInstitute}}}
	sfStem      = sampleField{"干细胞与再生医学", "生命科学学院", "中国细胞生物学学会", []sampleUnit{{"中国科学院动物研究所", "ioz.ac.cn", kindInstitute}}}
	sfMolBio    = sampleField{"分子生物学", "生命科学学院", "中国生物化学与分子生物学会", nil}
	sfForest    = sampleField{"森林培育", "林学院", "中国林学会", []sampleUnit{{"中国林业科学研究院", "caf.ac.cn", kindInstitute}}}
	sfEcology   = sampleField{"生态学", "生态与环境学院", "中国生态学学会", []sampleUnit{{"中国科学院生态环境研究中心", "rcees.ac.cn", kindInstitute}}}
	sfCarbon    = sampleField{"碳汇与碳中和", "环境学院", "中国林学会", nil}
	sfAgri      = sampleField{"农业经济管理", "经济管理学院", "中国农学会", []sampleUnit{{"中国农业科学院", "caas.cn", kindInstitute}}}
	sfVehicle   = sampleField{"智能网联汽车", "汽车工程学院", "中国汽车工程学会", []sampleUnit{{"中国汽车技术研究中心有限公司", "catarc.ac.cn", kindCompany}, {"重庆长安汽车股份有限公司", "changan.com.cn", kindCompany}}}
	sfPowertr   = sampleField{"汽车动力系统", "机械与运载工程学院", "中国汽车工程学会", nil}
	sfDigital   = sampleField{"数字经济", "经济学院", "中国信息经济学会", nil}
	sfBioPharma = sampleField{"生物制药", "生物工程学院", "中国药学会", nil}
	sfOcean     = sampleField{"海洋工程", "船舶与海洋工程学院", "中国造船工程学会", []sampleUnit{{"中国船舶集团有限公司第七〇二研究所", "", kindInstitute}}}
	sfSuper     = sampleField{"高性能计算", "计算机学院", "中国计算机学会", []sampleUnit{{"国家超级计算无锡中心", "", kindInstitute}}}
	sfInternet  = sampleField{"分布式系统与云计算", "计算机科学与技术学院", "中国计算机学会", nil}
	sfWater     = sampleField{"水环境治理", "环境科学与工程学院", "中国环境科学学会", nil}
	sfPsych     = sampleField{"神经生物学", "生命科学学院", "中国神经科学学会", nil}
)

var sampleThemes = []sampleTheme{
	{"集成电路", []sampleField{sfCircuit, sfMicro}},
	{"芯片", []sampleField{sfCircuit, sfMicro}},
	{"嵌入式", []sampleField{sfEmbedded}},
	{"医工交叉", []sampleField{sfBioMed, sfImaging}},
	{"电子", []sampleField{sfMicro, sfEmbedded}},
	{"物联网", []sampleField{sfIoT}},
	{"信息技术", []sampleField{sfCS, sfAI}},
	{"人工智能", []sampleField{sfAI}},
	{"超级计算", []sampleField{sfSuper}},
	{"互联网", []sampleField{sfInternet}},
	{"光缆", []sampleField{sfComm}},
	{"建筑", []sampleField{sfCivil}},
	{"能源", []sampleField{sfPower, sfEnergy}},
	{"新材料", []sampleField{sfMaterial, sfPolymer}},
	{"生命健康", []sampleField{sfBioMed, sfPharma}},
	{"生物医药", []sampleField{sfPharma, sfBioPharma}},
	{"生命科学", []sampleField{sfCell, sfStem, sfMolBio}},
	{"细胞", []sampleField{sfCell, sfStem}},
	{"心理", []sampleField{sfPsych}},
	{"林", []sampleField{sfForest}},
	{"绿色发展", []sampleField{sfEcology}},
	{"生态", []sampleField{sfEcology}},
	{"双碳", []sampleField{sfCarbon}},
	{"乡村振兴", []sampleField{sfAgri}},
	{"汽车", []sampleField{sfVehicle, sfPowertr}},
	{"数字经济", []sampleField{sfDigital}},
	{"船舶", []sampleField{sfOcean}},
	{"海河", []sampleField{sfWater}},
}

var sampleGeneralFields = []sampleField{
	{"凝聚态物理", "物理学院", "中国物理学会", nil},
	{"有机化学", "化学学院", "中国化学会", nil},
	{"机械工程", "机械工程学院", "中国机械工程学会", nil},
	{"控制科学与工程", "自动化学院", "中国自动化学会", nil},
	{"计算数学", "数学科学学院", "中国数学会", nil},
	{"作物遗传育种", "农学院", "中国作物学会", nil},
	{"环境科学", "环境学院", "中国环境科学学会", nil},
	{"地球化学", "地球科学学院", "中国地质学会", nil},
	{"临床医学", "医学院", "中华医学会", nil},
	sfAI, sfMaterial, sfCell, sfEcology,
}

var sampleUniversities = []string{"清华大学", "北京大学", "浙江大学", "复旦大学", "上海交通大学", "南京大学", "中国科学技术大学", "武汉大学", "华中科技大学", "西安交通大学", "哈尔滨工业大学", "中山大学", "四川大学", "吉林大学", "山东大学", "厦门大学", "南开大学", "天津大学", "同济大学", "东南大学", "中国科学院大学", "北京航空航天大学", "大连理工大学", "郑州大学", "中南大学", "重庆大学"}

var samplePostdocPlaces = []string{"美国斯坦福大学", "美国麻省理工学院", "美国加州大学伯克利分校", "英国剑桥大学", "英国帝国理工学院", "德国马普学会", "新加坡国立大学", "日本东京大学", "瑞士苏黎世联邦理工学院", "香港科技大学", "中国科学院"}

var sampleAwards = []string{"国家自然科学奖二等奖", "国家技术发明奖二等奖", "国家科学技术进步奖二等奖", "中国青年科技奖", "中国专利金奖"}

var sampleRoles = []string{"《中国科学》青年编委", "国家自然科学基金评审专家", "《科学通报》青年编委", "国家重点研发计划评审专家", "省级重点实验室学术委员会委员"}

var sampleLongBio = []string{
	"入选国家高层次人才特殊支持计划青年拔尖人才，获国家自然科学基金优秀青年科学基金资助。",
	"长期面向国家重大需求开展基础研究与关键技术攻关，带领团队突破多项“卡脖子”核心技术，相关成果在行业龙头企业实现规模化应用，累计新增产值逾十亿元。",
	"作为首席科学家牵头承担国家重点研发计划项目一项，协调全国十二家高校、科研院所和企业联合攻关，项目综合绩效评价为优秀。",
	"在国际权威期刊以第一作者或通讯作者发表论文六十余篇，论文被引用四千余次，连续多年入选爱思唯尔中国高被引学者榜单。",
	"主持制定国家标准两项、行业标准三项，研究成果写入多项国际标准提案，推动我国在相关领域的国际话语权持续提升。",
	"先后获得省青年五四奖章、全国优秀科技工作者、省有突出贡献中青年专家等荣誉称号，所在团队获评全国青年文明号。",
	"积极投身科学普及和乡村振兴工作，多次赴对口帮扶县开展技术培训和产业调研，指导建成示范基地三个，培训基层技术人员两千余人次。",
	"培养博士、硕士研究生四十余名，其中多人获得国家奖学金和省级优秀博士学位论文，指导学生在全国性创新创业竞赛中获金奖。",
	"兼任国际学术组织技术委员会委员、多个国际学术会议程序委员会主席，多次在国际学术会议上作大会特邀报告。",
	"担任所在单位青年科技工作者协会会长，组织青年学术沙龙和跨学科交流活动三十余场，积极推动产学研深度融合。",
}

// sampleProvinces lists the province codes of mainland 居民身份证 (Hong Kong,
// Macao and Taiwan residents carry other documents).
var sampleProvinces = []string{"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65"}

// sampleCounties are real county-level administrative codes (GB/T 2260),
// a few per province, mostly the capital's districts.
var sampleCounties = map[string][]string{
	"11": {"110101", "110102", "110105", "110106", "110108"},
	"12": {"120101", "120103", "120104", "120116"},
	"13": {"130102", "130104", "130203", "130602", "130302"},
	"14": {"140105", "140106", "140202", "140402"},
	"15": {"150102", "150203", "150602"},
	"21": {"210102", "210103", "210202", "210204"},
	"22": {"220102", "220104", "220202", "222401"},
	"23": {"230102", "230103", "230202", "230602"},
	"31": {"310101", "310104", "310110", "310115"},
	"32": {"320102", "320106", "320211", "320508", "321002"},
	"33": {"330102", "330106", "330203", "330302", "330523"},
	"34": {"340104", "340111", "340202", "340302"},
	"35": {"350102", "350203", "350503"},
	"36": {"360102", "360103", "360402"},
	"37": {"370102", "370202", "370602", "370302"},
	"41": {"410102", "410105", "410305", "410581", "410502"},
	"42": {"420106", "420111", "420502", "420602"},
	"43": {"430102", "430104", "430302", "430602"},
	"44": {"440104", "440106", "440304", "440305", "440604"},
	"45": {"450103", "450302", "450202"},
	"46": {"460106", "460202"},
	"50": {"500103", "500106", "500108", "500112"},
	"51": {"510104", "510107", "510703", "511102"},
	"52": {"520102", "520103", "520302"},
	"53": {"530102", "530103", "532901"},
	"54": {"540102", "540202"},
	"61": {"610103", "610113", "610402", "610302"},
	"62": {"620102", "620103", "620502"},
	"63": {"630102", "630104"},
	"64": {"640104", "640106"},
	"65": {"650102", "650104", "652901"},
}

// sampleAreaCodes are the telephone area codes of each province's capital.
var sampleAreaCodes = map[string]string{
	"11": "010", "12": "022", "13": "0311", "14": "0351", "15": "0471",
	"21": "024", "22": "0431", "23": "0451", "31": "021", "32": "025",
	"33": "0571", "34": "0551", "35": "0591", "36": "0791", "37": "0531",
	"41": "0371", "42": "027", "43": "0731", "44": "020", "45": "0771",
	"46": "0898", "50": "023", "51": "028", "52": "0851", "53": "0871",
	"54": "0891", "61": "029", "62": "0931", "63": "0971", "64": "0951", "65": "0991",
}

var sampleUnits = map[string][]sampleUnit{
	"11": {{"清华大学", "tsinghua.edu.cn", kindUniversity}, {"北京大学", "pku.edu.cn", kindUniversity}, {"北京航空航天大学", "buaa.edu.cn", kindUniversity}, {"中国科学院物理研究所", "iphy.ac.cn", kindInstitute}, {"中国医学科学院北京协和医院", "pumch.cn", kindHospital}},
	"12": {{"天津大学", "tju.edu.cn", kindUniversity}, {"南开大学", "nankai.edu.cn", kindUniversity}, {"中国医学科学院血液病医院", "", kindHospital}},
	"13": {{"河北大学", "hbu.edu.cn", kindUniversity}, {"燕山大学", "ysu.edu.cn", kindUniversity}, {"河北省农林科学院", "", kindInstitute}},
	"14": {{"太原理工大学", "tyut.edu.cn", kindUniversity}, {"山西大学", "sxu.edu.cn", kindUniversity}, {"中国科学院山西煤炭化学研究所", "sxicc.ac.cn", kindInstitute}},
	"15": {{"内蒙古大学", "imu.edu.cn", kindUniversity}, {"内蒙古农业大学", "imau.edu.cn", kindUniversity}},
	"21": {{"大连理工大学", "dlut.edu.cn", kindUniversity}, {"东北大学", "neu.edu.cn", kindUniversity}, {"中国科学院大连化学物理研究所", "dicp.ac.cn", kindInstitute}},
	"22": {{"吉林大学", "jlu.edu.cn", kindUniversity}, {"中国科学院长春光学精密机械与物理研究所", "ciomp.ac.cn", kindInstitute}, {"中国第一汽车集团有限公司研发总院", "faw.com.cn", kindCompany}},
	"23": {{"哈尔滨工业大学", "hit.edu.cn", kindUniversity}, {"哈尔滨工程大学", "hrbeu.edu.cn", kindUniversity}, {"东北农业大学", "neau.edu.cn", kindUniversity}},
	"31": {{"复旦大学", "fudan.edu.cn", kindUniversity}, {"上海交通大学", "sjtu.edu.cn", kindUniversity}, {"同济大学", "tongji.edu.cn", kindUniversity}, {"中国科学院上海有机化学研究所", "sioc.ac.cn", kindInstitute}},
	"32": {{"南京大学", "nju.edu.cn", kindUniversity}, {"东南大学", "seu.edu.cn", kindUniversity}, {"江南大学", "jiangnan.edu.cn", kindUniversity}, {"苏州大学", "suda.edu.cn", kindUniversity}},
	"33": {{"浙江大学", "zju.edu.cn", kindUniversity}, {"之江实验室", "zhejianglab.com", kindInstitute}, {"西湖大学", "westlake.edu.cn", kindUniversity}, {"中国科学院宁波材料技术与工程研究所", "nimte.ac.cn", kindInstitute}},
	"34": {{"中国科学技术大学", "ustc.edu.cn", kindUniversity}, {"合肥工业大学", "hfut.edu.cn", kindUniversity}, {"安徽大学", "ahu.edu.cn", kindUniversity}},
	"35": {{"厦门大学", "xmu.edu.cn", kindUniversity}, {"福州大学", "fzu.edu.cn", kindUniversity}, {"中国科学院福建物质结构研究所", "fjirsm.ac.cn", kindInstitute}},
	"36": {{"南昌大学", "ncu.edu.cn", kindUniversity}, {"江西农业大学", "jxau.edu.cn", kindUniversity}},
	"37": {{"山东大学", "sdu.edu.cn", kindUniversity}, {"中国海洋大学", "ouc.edu.cn", kindUniversity}, {"中国石油大学（华东）", "upc.edu.cn", kindUniversity}},
	"41": {{"郑州大学", "zzu.edu.cn", kindUniversity}, {"河南大学", "henu.edu.cn", kindUniversity}, {"河南省农业科学院", "", kindInstitute}, {"中信重工机械股份有限公司", "", kindCompany}},
	"42": {{"武汉大学", "whu.edu.cn", kindUniversity}, {"华中科技大学", "hust.edu.cn", kindUniversity}, {"华中农业大学", "hzau.edu.cn", kindUniversity}, {"中国科学院武汉病毒研究所", "wh.iov.cn", kindInstitute}},
	"43": {{"中南大学", "csu.edu.cn", kindUniversity}, {"湖南大学", "hnu.edu.cn", kindUniversity}, {"湖南省农业科学院", "", kindInstitute}},
	"44": {{"中山大学", "sysu.edu.cn", kindUniversity}, {"华南理工大学", "scut.edu.cn", kindUniversity}, {"南方科技大学", "sustech.edu.cn", kindUniversity}, {"中国科学院深圳先进技术研究院", "siat.ac.cn", kindInstitute}, {"华为技术有限公司", "huawei.com", kindCompany}},
	"45": {{"广西大学", "gxu.edu.cn", kindUniversity}, {"广西医科大学第一附属医院", "", kindHospital}},
	"46": {{"海南大学", "hainanu.edu.cn", kindUniversity}, {"中国热带农业科学院", "catas.cn", kindInstitute}},
	"50": {{"重庆大学", "cqu.edu.cn", kindUniversity}, {"西南大学", "swu.edu.cn", kindUniversity}, {"重庆长安汽车股份有限公司", "changan.com.cn", kindCompany}},
	"51": {{"四川大学", "scu.edu.cn", kindUniversity}, {"电子科技大学", "uestc.edu.cn", kindUniversity}, {"西南交通大学", "swjtu.edu.cn", kindUniversity}, {"四川大学华西医院", "wchscu.cn", kindHospital}},
	"52": {{"贵州大学", "gzu.edu.cn", kindUniversity}, {"贵州医科大学", "gmc.edu.cn", kindUniversity}},
	"53": {{"云南大学", "ynu.edu.cn", kindUniversity}, {"昆明理工大学", "kust.edu.cn", kindUniversity}, {"中国科学院昆明植物研究所", "mail.kib.ac.cn", kindInstitute}},
	"54": {{"西藏大学", "utibet.edu.cn", kindUniversity}, {"西藏自治区农牧科学院", "", kindInstitute}},
	"61": {{"西安交通大学", "xjtu.edu.cn", kindUniversity}, {"西北工业大学", "nwpu.edu.cn", kindUniversity}, {"西安电子科技大学", "xidian.edu.cn", kindUniversity}, {"西北农林科技大学", "nwafu.edu.cn", kindUniversity}},
	"62": {{"兰州大学", "lzu.edu.cn", kindUniversity}, {"中国科学院近代物理研究所", "impcas.ac.cn", kindInstitute}},
	"63": {{"青海大学", "qhu.edu.cn", kindUniversity}, {"中国科学院西北高原生物研究所", "nwipb.cas.cn", kindInstitute}},
	"64": {{"宁夏大学", "nxu.edu.cn", kindUniversity}, {"宁夏医科大学总医院", "", kindHospital}},
	"65": {{"新疆大学", "xju.edu.cn", kindUniversity}, {"石河子大学", "shzu.edu.cn", kindUniversity}, {"中国科学院新疆理化技术研究所", "ms.xjb.ac.cn", kindInstitute}},
}

var sampleSurnames = []string{
	"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
	"郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡",
	"余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆", "汪", "范", "金",
	"石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛", "闫", "段", "雷", "侯",
	"龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武", "戴", "莫", "孔", "向", "汤",
}

var sampleCompoundSurnames = []string{"欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "司徒", "夏侯", "端木", "南宫"}

var sampleMaleChars = []string{"伟", "强", "磊", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "鑫", "波", "宁", "亮", "俊", "浩", "宇", "晨", "凯", "峰", "建", "志", "国", "文", "博", "翔", "然", "轩", "哲", "昊", "睿", "源", "洋", "晓", "海", "东", "林", "松", "毅", "振", "立", "新", "家", "一"}

var sampleFemaleChars = []string{"芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧", "颖", "琳", "晶", "倩", "洁", "莉", "萍", "红", "蕾", "璐", "瑶", "佳", "欣", "怡", "悦", "婧", "思", "雨", "晓", "梅", "丹", "文", "华", "云", "琪", "月", "宁"}

// sampleRareChars appear in names but lie outside GB 2312; the CJK fonts draw
// them (䶮 is in CJK Extension A).
var sampleRareChars = []string{"堃", "喆", "䶮", "玥", "赟"}

var sampleMinorities = []string{"壮族", "回族", "满族", "苗族", "土家族", "彝族", "蒙古族", "朝鲜族", "布依族", "侗族", "瑶族", "白族", "哈尼族"}

var sampleRegionalEthnicities = map[string][]string{
	"15": {"蒙古族", "达斡尔族", "鄂温克族"},
	"21": {"满族", "朝鲜族", "锡伯族"},
	"22": {"朝鲜族", "满族"},
	"23": {"满族", "朝鲜族", "赫哲族"},
	"45": {"壮族", "瑶族", "仫佬族", "毛南族", "京族"},
	"46": {"黎族"},
	"52": {"苗族", "布依族", "侗族", "仡佬族", "水族"},
	"53": {"彝族", "白族", "哈尼族", "傣族", "纳西族", "傈僳族"},
	"54": {"藏族", "门巴族", "珞巴族"},
	"62": {"回族", "东乡族", "裕固族", "保安族"},
	"63": {"藏族", "土族", "撒拉族"},
	"64": {"回族"},
	"65": {"维吾尔族", "哈萨克族", "回族", "柯尔克孜族", "锡伯族", "塔吉克族"},
	"43": {"土家族", "苗族"},
	"42": {"土家族"},
	"50": {"土家族", "苗族"},
}

// SampleColumns are the header cells of the intake workbook SampleXLSX
// writes: 序号 then the fields of 附件2 in the form's order.
var SampleColumns = []string{"序号", "推荐单位", "姓名", "性别", "民族", "政治面貌", "身份证号", "手机", "办公电话", "电子邮箱", "研究领域", "工作单位及职务、职称", "选择班次", "个人简介"}

// SampleXLSX writes apps as an intake workbook: a merged title row
// “领航计划”青年科技领军人才国情研修活动报名汇总, a header row with the
// 附件2 field names, one row per applicant; 身份证号, 手机 and 办公电话 are
// text cells in a text-formatted column so Excel never turns them into
// numbers; 选择班次 holds the cohort's label as ticked on the form. The
// output is byte-for-byte deterministic (document dates are fixed to the
// programme's date).
func SampleXLSX(w io.Writer, p *Programme, apps []Applicant) error {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "报名汇总"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("sample workbook: %w", err)
	}
	stamp := "2022-01-01T00:00:00Z"
	if p != nil && !p.Date.IsZero() {
		stamp = p.Date.Format(time.RFC3339)
	}
	if err := f.SetDocProps(&excelize.DocProperties{
		Title:    "“领航计划”青年科技领军人才国情研修活动报名汇总",
		Creator:  "linghang sample",
		Created:  stamp,
		Modified: stamp,
		Language: "zh-CN",
	}); err != nil {
		return fmt.Errorf("sample workbook properties: %w", err)
	}
	last, _ := excelize.ColumnNumberToName(len(SampleColumns))
	border := []excelize.Border{{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1}, {Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1}}
	titleStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Size: 16, Family: "宋体"},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	})
	if err != nil {
		return fmt.Errorf("sample workbook title style: %w", err)
	}
	headStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Size: 11, Family: "宋体"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9E2F3"}},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border:    border,
	})
	if err != nil {
		return fmt.Errorf("sample workbook header style: %w", err)
	}
	textFmt := "@"
	cellStyle, err := f.NewStyle(&excelize.Style{
		Font:         &excelize.Font{Size: 10, Family: "宋体"},
		Alignment:    &excelize.Alignment{Vertical: "top", WrapText: true},
		Border:       border,
		CustomNumFmt: &textFmt,
	})
	if err != nil {
		return fmt.Errorf("sample workbook cell style: %w", err)
	}
	if err := f.MergeCell(sheet, "A1", last+"1"); err != nil {
		return fmt.Errorf("sample workbook title: %w", err)
	}
	f.SetCellValue(sheet, "A1", "“领航计划”青年科技领军人才国情研修活动报名汇总")
	f.SetCellStyle(sheet, "A1", last+"1", titleStyle)
	f.SetRowHeight(sheet, 1, 32)
	if err := f.SetSheetRow(sheet, "A2", &SampleColumns); err != nil {
		return fmt.Errorf("sample workbook header: %w", err)
	}
	f.SetCellStyle(sheet, "A2", last+"2", headStyle)
	f.SetRowHeight(sheet, 2, 30)
	widths := []float64{6, 22, 10, 6, 8, 12, 21, 13, 15, 28, 18, 40, 12, 80}
	for i, wd := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		f.SetColWidth(sheet, col, col, wd)
	}
	for i := range apps {
		a := &apps[i]
		label := ""
		if p != nil {
			if c, ok := p.Cohort(a.Cohort); ok {
				label = c.Label
			}
		}
		if label == "" && a.Cohort != 0 {
			label = fmt.Sprintf("第%d期", a.Cohort)
		}
		row := []any{i + 1, a.Recommender, a.Name, a.Gender, a.Ethnicity, a.Political, a.ID, a.Mobile, a.OfficePhone, a.Email, a.Field, a.Employer, label, a.Bio}
		cell := fmt.Sprintf("A%d", i+3)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return fmt.Errorf("sample workbook row %d: %w", i+3, err)
		}
	}
	if len(apps) > 0 {
		f.SetCellStyle(sheet, "A3", fmt.Sprintf("%s%d", last, len(apps)+2), cellStyle)
	}
	// Text that a spreadsheet would run as a formula stays text.
	quoted := -1
	for i := range apps {
		a := &apps[i]
		for j, v := range []string{a.Recommender, a.Name, a.Gender, a.Ethnicity, a.Political, a.ID, a.Mobile, a.OfficePhone, a.Email, a.Field, a.Employer, "", a.Bio} {
			if !FormulaLike(v) {
				continue
			}
			if quoted < 0 {
				quoted = QuotePrefixStyle(f, cellStyle)
			}
			cell, _ := excelize.CoordinatesToCellName(j+2, i+3)
			f.SetCellStyle(sheet, cell, cell, quoted)
		}
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("sample workbook panes: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("write sample workbook: %w", err)
	}
	return nil
}
