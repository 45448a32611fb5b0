package program

import (
	"time"
)

// Applicant is one 学员: every field of the registration form (附件2).
// Values are stored normalised (see Normalize); derived facts (birth date,
// age, province, sex) come from the ID number.
type Applicant struct {
	Recommender string `json:"recommender"`      // 推荐单位
	Name        string `json:"name"`             // 姓名
	Gender      string `json:"gender"`           // 性别: 男 | 女
	Ethnicity   string `json:"ethnicity"`        // 民族, one of the 56 (GB 3304), e.g. 汉族
	Political   string `json:"political_status"` // 政治面貌 (GB/T 4762)
	ID          string `json:"id_number"`        // 身份证号, 18 characters
	Mobile      string `json:"mobile"`           // 手机, 11 digits
	OfficePhone string `json:"office_phone"`     // 办公电话
	Email       string `json:"email"`            // 电子邮箱
	Field       string `json:"research_field"`   // 研究领域
	Employer    string `json:"employer"`         // 工作单位及职务、职称
	Cohort      int    `json:"cohort"`           // 选择班次: the cohort number
	Bio         string `json:"bio"`              // 个人简介
	// Photo names the photo: a file name relative to the photo folder at
	// intake, or the archive key of the normalised JPEG once imported.
	Photo string `json:"photo,omitempty"`
	// PhotoJPEG holds the normalised photo (EXIF orientation applied,
	// JPEG) when it is in memory; it is stored apart from the applicant set.
	PhotoJPEG []byte `json:"-"`

	// Row is the 1-based row of the source file the applicant came from
	// (0 when not from a file).
	Row int `json:"-"`
}

// BirthDate returns the birth date encoded in the ID number.
func (a *Applicant) BirthDate() (time.Time, bool) {
	if len(a.ID) != 18 {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102", a.ID[6:14])
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// Age returns the age in whole years on the given day.
func (a *Applicant) Age(on time.Time) int {
	b, ok := a.BirthDate()
	if !ok {
		return 0
	}
	age := on.Year() - b.Year()
	if on.Month() < b.Month() || (on.Month() == b.Month() && on.Day() < b.Day()) {
		age--
	}
	return age
}

// Province returns the province (省级行政区) named by the ID's first two digits.
func (a *Applicant) Province() string {
	if len(a.ID) < 2 {
		return ""
	}
	return provinces[a.ID[:2]]
}

// provinces maps the first two digits of a 身份证号 (GB/T 2260) to the
// province-level division.
var provinces = map[string]string{
	"11": "北京市", "12": "天津市", "13": "河北省", "14": "山西省", "15": "内蒙古自治区",
	"21": "辽宁省", "22": "吉林省", "23": "黑龙江省",
	"31": "上海市", "32": "江苏省", "33": "浙江省", "34": "安徽省", "35": "福建省", "36": "江西省", "37": "山东省",
	"41": "河南省", "42": "湖北省", "43": "湖南省", "44": "广东省", "45": "广西壮族自治区", "46": "海南省",
	"50": "重庆市", "51": "四川省", "52": "贵州省", "53": "云南省", "54": "西藏自治区",
	"61": "陕西省", "62": "甘肃省", "63": "青海省", "64": "宁夏回族自治区", "65": "新疆维吾尔自治区",
	"71": "台湾省", "81": "香港特别行政区", "82": "澳门特别行政区",
}
