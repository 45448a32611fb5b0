package templates

import (
	"embed"
	"unsafe"
)

// Fonts holds the default fonts, uncompressed TrueType subsets built by
// fonts/build.sh (stored as they are, so no command spends start-up
// inflating them), with their licences (fonts/OFL-*.txt):
//
//	fonts/NotoSerifSC-Bold.ttf        标题 (GB 2312 + 人名用字)
//	fonts/ZhuqueFangsong-Regular.ttf  正文/仿宋, Zhuque Fangsong (GB 2312 + 人名用字)
//	fonts/NotoSerifSC-Regular.ttf     表格、后备字体 (all BMP hanzi incl. Ext A)
//	fonts/NotoSansSC-Regular.ttf      一级标题/黑体 (GB 2312 + 人名用字)
//	fonts/LinghangKai-Regular.ttf     二级标题/楷体, LXGW WenKai renamed (GB 2312 + 人名用字)
//
//go:embed fonts/*.ttf fonts/OFL-*.txt
var Fonts embed.FS

// The same font files as strings, so that FontData can hand them out
// without a copy (embed.FS.ReadFile copies: 28 MB on the heap).
var (
	//go:embed fonts/NotoSerifSC-Bold.ttf
	notoSerifBold string
	//go:embed fonts/ZhuqueFangsong-Regular.ttf
	zhuqueFangsong string
	//go:embed fonts/NotoSerifSC-Regular.ttf
	notoSerif string
	//go:embed fonts/NotoSansSC-Regular.ttf
	notoSans string
	//go:embed fonts/LinghangKai-Regular.ttf
	linghangKai string
)

var fontFiles = map[string]string{
	"NotoSerifSC-Bold.ttf":       notoSerifBold,
	"ZhuqueFangsong-Regular.ttf": zhuqueFangsong,
	"NotoSerifSC-Regular.ttf":    notoSerif,
	"NotoSansSC-Regular.ttf":     notoSans,
	"LinghangKai-Regular.ttf":    linghangKai,
}

// FontData returns the bytes of the default font file name (as under
// fonts/), straight from the binary's read-only data: the caller must
// never write to them (a write faults). ok is false for an unknown name.
func FontData(name string) (data []byte, ok bool) {
	s, ok := fontFiles[name]
	if !ok || s == "" {
		return nil, false
	}
	return unsafe.Slice(unsafe.StringData(s), len(s)), true
}
