package program

import "strings"

// Ethnicities lists the 56 民族 of GB/T 3304, in the standard's order.
var Ethnicities = []string{
	"汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
	"满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
	"佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
	"达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
	"塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
	"独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
}

// PoliticalStatuses lists the 政治面貌 values of GB/T 4762, in order.
var PoliticalStatuses = []string{
	"中共党员", "中共预备党员", "共青团员", "民革党员", "民盟盟员", "民建会员", "民进会员",
	"农工党党员", "致公党党员", "九三学社社员", "台盟盟员", "无党派人士", "群众",
}

// IsEthnicity reports whether s is one of the 56 (already normalised: 汉 → 汉族).
func IsEthnicity(s string) bool { return contains(Ethnicities, s) }

// IsPoliticalStatus reports whether s is a GB/T 4762 value.
func IsPoliticalStatus(s string) bool { return contains(PoliticalStatuses, s) }

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// IDCheckDigit computes the GB 11643 check character for the first 17
// digits of a 身份证号 (ISO 7064 MOD 11-2). It returns 0 if id17 is not 17
// ASCII digits.
func IDCheckDigit(id17 string) byte {
	if len(id17) != 17 {
		return 0
	}
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		c := id17[i]
		if c < '0' || c > '9' {
			return 0
		}
		sum += int(c-'0') * weights[i]
	}
	return "10X98765432"[sum%11]
}

// ProvinceCodes returns the two-digit province codes valid in a 身份证号.
func ProvinceCodes() []string {
	out := make([]string, 0, len(provinces))
	for k := range provinces {
		out = append(out, k)
	}
	return out
}

// ProvinceName returns the province for a two-digit code.
func ProvinceName(code string) (string, bool) {
	v, ok := provinces[strings.TrimSpace(code)]
	return v, ok
}
