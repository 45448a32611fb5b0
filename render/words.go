package render

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"linghang/render/typeset"
)

// affiliationLexicon holds the words that make up work units and titles
// on badges and lists: titles, kinds of institution, disciplines and
// place names. Longest match first; a character outside every word is a
// word of its own. A line may break between words, never inside one
// (副系主/任), see breakableUnit.
var affiliationLexicon = strings.Fields(`
教授级高级工程师 正高级工程师 高级工程师 副总工程师 总工程师 工程师 高级实验师 实验师
副研究员 助理研究员 特聘研究员 青年研究员 研究员 副教授 特聘教授 长聘教授 教授 讲师 助理教授
博士生导师 硕士生导师 博导 博士后 院士 首席科学家 首席专家 首席工程师 科学家 专家
副主任医师 主任医师 主治医师 医师 副主任 主任 副系主任 系主任 副院长 院长 副所长 所长 副校长 校长
副处长 处长 副科长 科长 副部长 部长 副主编 主编 副总经理 总经理 董事长 副董事长 总裁 副总裁
党委书记 党委副书记 副书记 书记 秘书长 副秘书长 理事长 副理事长 会长 副会长 组长 课题组长 负责人
主任委员 委员 学科带头人 带头人 技术总监 总监 经理
中国科学院 中国工程院 中国社会科学院 科学院 工程院 国家重点实验室 重点实验室 实验室 研究所 研究院
研究中心 工程中心 技术中心 创新中心 中心 研究部 研究室 研究组 课题组 大学 学院 学校 医院 附属医院
有限责任公司 股份有限公司 有限公司 公司 集团 分公司 学会 协会 研究会 基金会 委员会 管理局 办公室
科学 技术 工程 信息 电子 电气 能源 新能源 材料 生物 医学 生命 计算机 人工智能 自动化 机械 土木
环境 化学 物理 数学 交通 航空 航天 通信 网络 软件 农业 林业 海洋 地质 地球 智能 制造 纳米 健康 建筑
电力 动力 光电 光学 微电子 集成电路 数据 大数据 控制 测控 仪器 力学 天文 气象 水利 资源 安全 管理
经济 金融 系统 科技 先进 国家 国网 中国 国际 现代 应用 基础 前沿 交叉 仿生 器件 医疗 药物 药学
北京 上海 天津 重庆 河北 山西 内蒙古 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南
广东 广西 海南 四川 贵州 云南 西藏 陕西 甘肃 青海 宁夏 新疆 香港 澳门 台湾 深圳 南京 杭州 武汉 广州
西安 成都 兰州 合肥 长沙 苏州 无锡 厦门 青岛 大连 哈尔滨 沈阳 长春 郑州 济南 太原 南昌 福州 昆明 贵阳
南宁 海口 拉萨 西宁 银川 乌鲁木齐 呼和浩特 石家庄 宁波 中南 西南 东南 西北 东北 华南 华中 华东 华北
清华 北大 复旦 同济 浙大 南开 中山 厦大 交通大学
高等院校 科研院所 院校 院所 科研 卫生 机构 医疗卫生 省委 党校 政协 科协 产业 联盟 开发区 工作者
平均 年龄 总体 满意度 出勤率 学员 人数 占比 评分 提交
`)

var lexicon = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range affiliationLexicon {
		m[w] = true
	}
	return m
}()

const maxWord = 8 // runes in the longest lexicon word

// unitWords splits a work unit into words by longest match against the
// lexicon; a Latin word, a number or a punctuation mark is a word, and
// any other Han character one of its own.
func unitWords(s string) []string {
	rs := []rune(s)
	var out []string
	for i := 0; i < len(rs); {
		r := rs[i]
		if r < 0x2E80 && !unicode.IsSpace(r) {
			j := i + 1
			for j < len(rs) && rs[j] < 0x2E80 && !unicode.IsSpace(rs[j]) {
				j++
			}
			out = append(out, string(rs[i:j]))
			i = j
			continue
		}
		n := 1
		for k := min(maxWord, len(rs)-i); k > 1; k-- {
			if lexicon[string(rs[i:i+k])] {
				n = k
				break
			}
		}
		out = append(out, string(rs[i:i+n]))
		i += n
	}
	return out
}

// breakableUnit marks s so that lines break only between its words and
// never leave one character alone on the last line: the last two
// characters are joined when the last word is a single character.
func breakableUnit(s string) string {
	words := unitWords(s)
	// Only a Han character is joined: a closing mark never starts a line
	// anyway, and joined it could no longer be squeezed into the line (挤进).
	if n := len(words); n >= 2 && utf8.RuneCountInString(words[n-1]) == 1 && unicode.Is(unicode.Han, []rune(words[n-1])[0]) &&
		!unicode.IsSpace([]rune(words[n-2])[0]) {
		words = append(words[:n-2], words[n-2]+words[n-1])
	}
	return typeset.JoinWords(words)
}

// cellWords marks a table cell's text, when it holds Chinese, so that it
// wraps between words and never leaves one character alone on its last
// line (新疆维吾尔自治区科/协 became 新疆维吾尔自治区/科协); text broken
// into lines already is marked line by line.
func cellWords(s string) string {
	if !strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = breakableUnit(l)
	}
	return strings.Join(lines, "\n")
}
