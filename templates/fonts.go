package templates

import "embed"

// Fonts holds the default fonts, gzip-compressed TrueType subsets built by
// fonts/build.sh, with their licences (fonts/OFL-*.txt):
//
//	fonts/NotoSerifSC-Bold.ttf.gz     标题 (GB 2312 + 人名用字)
//	fonts/ZhuqueFangsong-Regular.ttf.gz 正文/仿宋, Zhuque Fangsong (GB 2312 + 人名用字)
//	fonts/NotoSerifSC-Regular.ttf.gz  表格、后备字体 (all BMP hanzi incl. Ext A)
//	fonts/NotoSansSC-Regular.ttf.gz   一级标题/黑体 (GB 2312 + 人名用字)
//	fonts/LinghangKai-Regular.ttf.gz  二级标题/楷体, LXGW WenKai renamed (GB 2312 + 人名用字)
//
//go:embed fonts/*.ttf.gz fonts/OFL-*.txt
var Fonts embed.FS
