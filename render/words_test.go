package render

import (
	"strings"
	"testing"
	"unicode/utf8"

	"linghang/render/typeset"
)

// Table cells (名单, 签到表, 通讯录, 合订本目录) wrap between words and
// never leave one character alone on the last line: on paper the 名单
// printed 新疆维吾尔自治区科/协 and 博士生导/师.
func TestCellWordsWrap(t *testing.T) {
	fonts, err := typeset.Default()
	if err != nil {
		t.Fatal(err)
	}
	st := typeset.Style{Role: typeset.Table, Size: 10.5}
	em := typeset.PtToMM(10.5)
	tests := []struct {
		text  string
		chars float64 // cell width in ems
		want  []string
	}{
		{"新疆维吾尔自治区科协", 9, []string{"新疆维吾尔自治区", "科协"}},
		{"微电子学与固体电子学", 8, []string{"微电子学与固体", "电子学"}},
		{"纳米器件与材料研究部研究员、博士生导师、部门主任", 18, []string{"纳米器件与材料研究部研究员、", "博士生导师、部门主任"}},
		{"内蒙古大学集成电路学院科研院副院长、副研究员", 19, []string{"内蒙古大学集成电路学院科研院副院长、", "副研究员"}},
		{"zhangsan@zzu.edu.cn", 30, []string{"zhangsan@zzu.edu.cn"}},
		// 日程's 活动内容 (printed 考察座/谈 and 建筑、能/源).
		{"张江高科技园区科技创新企业考察座谈", 16, []string{"张江高科技园区科技创新企业考察", "座谈"}},
		{"实地调研：走访光缆制造、建筑、能源领域园区和企业", 16, []string{"实地调研：走访光缆制造、建筑、", "能源领域园区和企业"}},
		// A closing mark half an em over is still squeezed in (挤进).
		{"6月26日（星期日）", 8.55, []string{"6月26日（星期日）"}},
		{"中国女科技工作者协会班", 7, []string{"中国女科技", "工作者协会班"}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			lines, err := fonts.Break(cellWords(tt.text), st, tt.chars*em+0.01)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, l := range lines {
				got = append(got, l.Text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if last := got[len(got)-1]; len(got) > 1 && utf8.RuneCountInString(last) == 1 {
				t.Errorf("one character alone on the last line: %q", got)
			}
		})
	}
}
