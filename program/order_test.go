package program

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

func names(as []Applicant) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Name
	}
	return out
}

func people(ns ...string) []Applicant {
	as := make([]Applicant, len(ns))
	for i, n := range ns {
		as[i] = Applicant{Name: n, ID: fmt.Sprintf("11010519850301%03d1", i)}
	}
	return as
}

func TestStrokes(t *testing.T) {
	tests := []struct {
		r          rune
		count      int
		firstClass byte // 0 when no order data is expected
	}{
		{'一', 1, '1'},
		{'王', 4, '1'},
		{'丁', 2, '1'},
		{'卜', 2, '2'},
		{'刁', 2, '5'},
		{'张', 7, '5'},
		{'欧', 8, '1'},
		{'阳', 6, '5'},
		{'李', 7, '1'},
		{'赵', 9, '1'},
		{'堃', 11, '4'},
		{'喆', 12, '1'},
		{'䶮', 9, 0},
	}
	for _, tt := range tests {
		n, order, ok := Strokes(tt.r)
		if !ok {
			t.Errorf("Strokes(%c): not in table", tt.r)
			continue
		}
		if n != tt.count {
			t.Errorf("Strokes(%c) count = %d, want %d", tt.r, n, tt.count)
		}
		var first byte
		if order != "" {
			first = order[0]
		}
		if first != tt.firstClass {
			t.Errorf("Strokes(%c) first stroke = %q, want %q", tt.r, first, tt.firstClass)
		}
	}
	if _, _, ok := Strokes('A'); ok {
		t.Errorf("Strokes('A') ok, want not in table")
	}
}

func TestStrokeTableCoverage(t *testing.T) {
	// Every 百家姓 single surname in common use must be in the table with
	// its stroke order.
	for _, r := range "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛奚范彭郎鲁韦昌马苗凤花方俞任袁柳鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余元卜顾孟平黄和穆萧尹姚邵湛汪祁毛禹狄米贝明臧计伏成戴谈宋茅庞熊纪舒屈项祝董梁杜阮蓝闵席季麻强贾路娄危江童颜郭梅盛林刁钟徐邱骆高夏蔡田樊胡凌霍虞万支柯昝管卢莫房裘缪干解应宗丁宣邓郁单杭洪包诸左石崔吉龚程嵇邢裴陆荣翁荀羊惠甄曲家封芮羿储靳汲邴糜松井段富巫乌焦巴弓牧隗山谷车侯宓蓬全郗班仰秋仲伊宫宁仇栾暴甘厉戎祖武符刘景詹束龙叶幸司韶郜黎蓟薄印宿白怀蒲邰从鄂索咸籍赖卓蔺屠蒙池乔阴胥能苍双闻莘党翟谭贡劳逄姬申扶堵冉宰郦雍却璩桑桂濮牛寿通边扈燕冀郏浦尚农温别庄晏柴瞿阎充慕连茹习宦艾鱼容向古易慎戈廖庾终暨居衡步都耿满弘匡国文寇广禄阙东欧殳沃利蔚越夔隆师巩厍聂晁勾敖融冷訾辛阚那简饶空曾毋沙乜养鞠须丰巢关蒯相查后荆红游竺权逯盖益桓公" {
		n, order, ok := Strokes(r)
		if !ok || n == 0 {
			t.Errorf("%c: not in stroke table", r)
			continue
		}
		if order == "" {
			t.Errorf("%c: no stroke order", r)
		}
	}
}

func TestSplitName(t *testing.T) {
	tests := []struct{ name, sur, given string }{
		{"张三", "张", "三"},
		{"欧阳华", "欧阳", "华"},
		{"欧阳", "欧", "阳"},
		{"司马相如", "司马", "相如"},
		{"上官婉儿", "上官", "婉儿"},
		{"王", "王", ""},
		{"阿依古丽·买买提", "", "阿依古丽·买买提"},
		{"  李四 ", "李", "四"},
	}
	for _, tt := range tests {
		s, g := SplitName(tt.name)
		if s != tt.sur || g != tt.given {
			t.Errorf("SplitName(%q) = %q, %q; want %q, %q", tt.name, s, g, tt.sur, tt.given)
		}
	}
}

func TestSortByStrokes(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{
			"stroke count of the surname",
			[]string{"张伟", "王芳", "丁一", "赵强", "李娜"},
			// 丁2 王4 张7(折) 李7(横)… 李 starts with 横 so precedes 张
			[]string{"丁一", "王芳", "李娜", "张伟", "赵强"},
		},
		{
			"same count: first stroke 横竖撇点折",
			// all 2 strokes: 丁 横, 卜 竖, 乃 折 (no 撇/点 surnames of 2)
			[]string{"乃强", "卜强", "丁强"},
			[]string{"丁强", "卜强", "乃强"},
		},
		{
			"same surname: given name strokes",
			[]string{"王磊", "王一", "王小明", "王大"},
			[]string{"王一", "王大", "王小明", "王磊"},
		},
		{
			"compound surname is one surname",
			// 欧 is 8 strokes: every 欧X before any 欧阳X
			[]string{"欧阳一", "欧静", "欧阳华", "欧一"},
			[]string{"欧一", "欧静", "欧阳一", "欧阳华"},
		},
		{
			"shorter name first",
			[]string{"王小明", "王小"},
			[]string{"王小", "王小明"},
		},
		{
			"rare characters and middle dot",
			[]string{"王喆", "王堃", "阿依古丽·买买提", "䶮王"},
			// 阿 7 strokes; 王 4; 䶮 9 (no order data sorts after 9-stroke chars with data)
			[]string{"王堃", "王喆", "阿依古丽·买买提", "䶮王"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := people(tt.in...)
			SortByStrokes(as)
			if got := names(as); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSortByStrokesTieOnID(t *testing.T) {
	as := []Applicant{
		{Name: "张伟", ID: "320102199001010039"},
		{Name: "张伟", ID: "110105198503010021"},
		{Name: "张伟", ID: "210105198503010021"},
	}
	SortByStrokes(as)
	var got []string
	for _, a := range as {
		got = append(got, a.ID)
	}
	want := []string{"110105198503010021", "210105198503010021", "320102199001010039"}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestSortByPinyin(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want []string
	}{
		{"letters", []string{"张伟", "安然", "赵强", "李娜"}, []string{"安然", "李娜", "张伟", "赵强"}},
		{"letters before tones", []string{"张三", "章三", "赵一"}, []string{"张三", "章三", "赵一"}},
		// 曾 as a surname reads zēng, 单 reads shàn, 解 reads xiè
		{"surname readings", []string{"曾明", "单明", "解明", "陈明"}, []string{"陈明", "单明", "解明", "曾明"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			as := people(tt.in...)
			SortByPinyin(as)
			if got := names(as); !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSortIsPermutation(t *testing.T) {
	in := people(strings.Fields("李四 张三 王五 赵六 欧阳锋 司马懿 上官飞燕 ＝HYPERLINK 王五 Smith")...)
	for _, o := range []Order{ByStrokes, ByPinyin} {
		as := slices.Clone(in)
		o.Sort(as)
		got, want := names(as), names(in)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%v: sort lost or duplicated people: %v", o, names(as))
		}
	}
}

func BenchmarkSortByStrokes(b *testing.B) {
	sur := []rune("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜")
	giv := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华")
	base := make([]Applicant, 10000)
	for i := range base {
		base[i] = Applicant{Name: string(sur[i%len(sur)]) + string(giv[(i*7)%len(giv)]) + string(giv[(i*13)%len(giv)]), ID: fmt.Sprintf("%018d", i)}
	}
	as := make([]Applicant, len(base))
	b.ReportAllocs()
	for b.Loop() {
		copy(as, base)
		SortByStrokes(as)
	}
}
