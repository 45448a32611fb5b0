package program

import (
	"fmt"
	"testing"
)

func TestNormalizers(t *testing.T) {
	cases := []struct {
		fn       string
		f        func(string) string
		in, want string
	}{
		{"text", NormalizeText, "  清华大学\n教授 ", "清华大学 教授"},
		{"text keeps Chinese punctuation", NormalizeText, "中国科学院（北京），研究员", "中国科学院（北京），研究员"},
		{"text folds digits and letters", NormalizeText, "５Ｇ与ＡＩ", "5G与AI"},
		{"bio keeps lines", NormalizeBio, " 2005年毕业\r\n\r\n  2010年任教授 ", "2005年毕业\n2010年任教授"},
		{"name spaces", NormalizeName, "王　 静", "王静"},
		{"name dot", NormalizeName, "买买提•艾力", "买买提·艾力"},
		{"name latin", NormalizeName, " John  Smith ", "John Smith"},
		{"gender", NormalizeGender, "女性", "女"},
		{"gender latin", NormalizeGender, "M", "男"},
		{"ethnicity short", NormalizeEthnicity, "汉", "汉族"},
		{"ethnicity 维吾尔", NormalizeEthnicity, "维吾尔", "维吾尔族"},
		{"ethnicity alias", NormalizeEthnicity, "蒙族", "蒙古族"},
		{"ethnicity unknown kept", NormalizeEthnicity, "火星", "火星"},
		{"political 党员", NormalizePolitical, "党员", "中共党员"},
		{"political 团员", NormalizePolitical, " 团员 ", "共青团员"},
		{"political 无党派", NormalizePolitical, "无党派", "无党派人士"},
		{"political 九三", NormalizePolitical, "九三学社", "九三学社社员"},
		{"ID x", NormalizeID, " 11010519800101002x ", "11010519800101002X"},
		{"ID full-width", NormalizeID, "１１０１０５１９８００１０１００２Ｘ", "11010519800101002X"},
		{"ID spaced", NormalizeID, "110105 19800101 002X", "11010519800101002X"},
		{"ID Excel text formula", NormalizeID, `="11010519800101002X"`, "11010519800101002X"},
		{"ID apostrophe", NormalizeID, "'11010519800101002X", "11010519800101002X"},
		{"mobile +86", NormalizeMobile, "+86 138-0013-8000", "13800138000"},
		{"mobile 0086", NormalizeMobile, "0086 13800138000", "13800138000"},
		{"mobile full-width", NormalizeMobile, "１３８００１３８０００", "13800138000"},
		{"mobile letters kept", NormalizeMobile, "138abc", "138abc"},
		{"phone Beijing", NormalizePhone, "01068530471", "010-68530471"},
		{"phone brackets", NormalizePhone, "(0371) 6570 7532", "0371-65707532"},
		{"phone +86", NormalizePhone, "+86 10 6853 0471", "010-68530471"},
		{"phone ext 转", NormalizePhone, "010-68530471转801", "010-68530471-801"},
		{"phone ext dash", NormalizePhone, "025-86670806-12", "025-86670806-12"},
		{"phone mobile", NormalizePhone, "186 1191 7652", "18611917652"},
		{"phone Shanghai", NormalizePhone, "021 64221776", "021-64221776"},
		{"phone 400", NormalizePhone, "400-810-5999", "4008105999"},
		{"phone Hong Kong kept", NormalizePhone, "+852 2345 6789", "+85223456789"},
		{"email", NormalizeEmail, " Zhang.San＠Example.COM ", "Zhang.San@example.com"},
		{"email mailto", NormalizeEmail, "mailto:a@b.cn", "a@b.cn"},
	}
	for _, c := range cases {
		if got := c.f(c.in); got != c.want {
			t.Errorf("%s: %q → %q, want %q", c.fn, c.in, got, c.want)
		}
	}
}

func TestNormalizeKey(t *testing.T) {
	cases := []struct{ in, want string }{
		{"姓    名", "姓名"},
		{"*身份证号（18位）", "身份证号"},
		{"工作单位及职务、职称", "工作单位及职务、职称"},
		{"E-mail", "e-mail"},
		{"手机：", "手机"},
	}
	for _, c := range cases {
		if got := normalizeKey(c.in); got != c.want {
			t.Errorf("normalizeKey(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"010-68530471", "+86 10 6853 0471 转 8", "（０１０）", "-", "+", "转"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		NormalizePhone(s)
		NormalizeMobile(s)
		NormalizeName(s)
	})
}

func ExampleNormalizePhone() {
	fmt.Println(NormalizePhone("+86 10 6853 0471 转 801"))
	fmt.Println(NormalizePhone("（0371）6570 7532"))
	fmt.Println(NormalizeMobile("+86 138-0013-8000"))
	// Output:
	// 010-68530471-801
	// 0371-65707532
	// 13800138000
}
