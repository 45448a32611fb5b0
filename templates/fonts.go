package templates

import "embed"

// Fonts holds the default fonts, uncompressed TrueType subsets built by
// fonts/build.sh (stored as they are, so no command spends start-up
// inflating them), with their licences (fonts/OFL-*.txt):
//
//	fonts/NotoSerifSC-Bold.ttf        标题 (GB 2312 + 人名用字)
//	fonts/ZhuqueFangsong-Regular.ttf    正文/仿宋, Zhuque Fangsong (GB 2312 + 人名用字)
//	fonts/NotoSerifSC-Regular.ttf     表格、后备字体 (all BMP hanzi incl. Ext A)
//	fonts/NotoSansSC-Regular.ttf      一级标题/黑体 (GB 2312 + 人名用字)
//	fonts/LinghangKai-Regular.ttf     二级标题/楷体, LXGW WenKai renamed (GB 2312 + 人名用字)
//
//go:embed fonts/*.ttf fonts/OFL-*.txt
var Fonts embed.FS
