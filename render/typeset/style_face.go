package typeset

import (
	"fmt"
	"strings"
)

// Face is the style class of a Chinese typeface: GB/T 9704 prescribes one
// per role (小标宋 and 宋体 are 宋 faces).
type Face int

// The face styles. FaceUnknown is a face whose names say nothing of its
// style (a user font named after a brand).
const (
	FaceUnknown  Face = iota
	FaceSong          // 宋体 / 明体 / serif
	FaceFangsong      // 仿宋
	FaceHei           // 黑体 / sans
	FaceKai           // 楷体
)

// String returns the Chinese name of the face style.
func (f Face) String() string {
	switch f {
	case FaceSong:
		return "宋体"
	case FaceFangsong:
		return "仿宋"
	case FaceHei:
		return "黑体"
	case FaceKai:
		return "楷体"
	}
	return "未知风格"
}

// faces holds the style each role prescribes.
var faces = [numRoles]Face{
	Title:    FaceSong, // 方正小标宋简体
	Body:     FaceFangsong,
	Heading1: FaceHei,
	Heading2: FaceKai,
	Table:    FaceSong,
}

// Face returns the face style the role prescribes.
func (r Role) Face() Face {
	if r < 0 || r >= numRoles {
		return FaceUnknown
	}
	return faces[r]
}

// officeFiles names, per role, the font file an office PC usually has.
var officeFiles = [numRoles]string{
	Title:    "方正小标宋简体 FZXBSJW.TTF",
	Body:     "仿宋 simfang.ttf",
	Heading1: "黑体 simhei.ttf",
	Heading2: "楷体 simkai.ttf",
	Table:    "宋体 simsun.ttc",
}

// Face returns the face's style class, read from its names: 仿宋 before
// 宋 (仿宋 contains 宋), then 楷, 黑, 宋 and their Latin names.
func (f *Font) Face() Face {
	// A Chinese name (仿宋_GB2312) says more than a Latin one (FangSong).
	var zh, en Face
	for _, n := range append([]string{f.Family, f.FullName}, f.Names...) {
		z := faceOf(n)
		switch {
		case z == FaceUnknown:
		case hasHan(n):
			if zh == FaceUnknown {
				zh = z
			}
		case en == FaceUnknown:
			en = z
		}
	}
	if zh != FaceUnknown {
		return zh
	}
	return en
}

func faceOf(name string) Face {
	n := strings.ToLower(strings.ReplaceAll(name, " ", ""))
	switch {
	case strings.Contains(n, "仿宋") || strings.Contains(n, "fangsong") || strings.Contains(n, "fsong"):
		return FaceFangsong
	case strings.Contains(n, "楷") || strings.Contains(n, "kai"):
		return FaceKai
	case strings.Contains(n, "黑") || strings.Contains(n, "hei") || strings.Contains(n, "sans") || strings.Contains(n, "gothic"):
		return FaceHei
	case strings.Contains(n, "宋") || strings.Contains(n, "明") || strings.Contains(n, "song") || strings.Contains(n, "simsun") || strings.Contains(n, "serif") || strings.Contains(n, "ming"):
		return FaceSong
	}
	return FaceUnknown
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x3400 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

// StyleWarning says that a role is set in a face of another style than
// GB/T 9704 prescribes for it, and how to fix that.
type StyleWarning struct {
	Role Role
	Want Face
	Got  Face
	Font *Font
}

func (w StyleWarning) Error() string {
	return fmt.Sprintf("%s规定用%s（%s），但找到的是 %s（%s风格，%s）；请把%s放入 --fonts 指定的目录（或环境变量 LINGHANG_FONTS 所指目录），或安装到系统字体目录",
		w.Role, w.Want, w.Role.Family()[0], w.Font.FullName, w.Got, w.Font.Origin, officeFiles[w.Role])
}

// StyleWarnings lists the roles whose font is of another style than the
// role prescribes (a face of unknown style is not reported: the user
// named it for the role). Commands print these once, on stderr.
func (fs *Fonts) StyleWarnings() []StyleWarning {
	var out []StyleWarning
	for _, r := range Roles {
		f := fs.Font(r)
		if got := f.Face(); got != FaceUnknown && got != r.Face() {
			out = append(out, StyleWarning{Role: r, Want: r.Face(), Got: got, Font: f})
		}
	}
	return out
}
