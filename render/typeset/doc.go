// Package typeset sets Chinese text on PDF pages; every linghang PDF is
// drawn through it.
//
// Fonts are chosen by Role (标题, 正文, 一级标题, 二级标题, 表格) as
// GB/T 9704 prescribes: Load looks for the prescribed families in a font
// directory the user gives, then among installed fonts, then falls back to
// free fonts embedded in the binary, each of its role's style (Zhuque
// Fangsong for 正文, Noto Serif SC, Noto Sans SC, LXGW WenKai). Each font
// file is parsed once per process. Embedded skips installed fonts, for
// output that is the same on every machine (tests and golden files).
// Fonts.StyleWarnings reports a role set in a face of another style than
// it prescribes (宋体 for 仿宋), for commands to print.
//
// A Document records drawing operations in a display list (Ops). Text is
// measured with the parsed metrics, every character is checked against the
// role font's cmap and, if missing, drawn in the fallback font (Noto Serif
// SC, every BMP hanzi including Extension A, and the ideographs beyond
// U+FFFF of the 通用规范汉字表 such as 𫖮); a character no font has — 𠮷,
// emoji — stops rendering with a *GlyphError naming the character,
// document and field. fpdf cannot take characters beyond U+FFFF, so those
// are drawn as filled outlines with an ActualText span that keeps them in
// the extracted text. Write builds a
// TrueType subset of each font holding just the glyphs used, hands it to
// fpdf and replays the display list, so a document costs only its own
// glyphs.
//
// Lines break by the rules of GB/T 15834 and W3C clreq (no line starts
// with ，。、）》 etc., none ends with （《 etc., —— and …… stay whole,
// words, numbers with units and URLs stay whole), adjacent full-width
// marks are compressed (标点挤压: "。”" takes 1.5 em, drawn with a
// half-width variant glyph so extraction sees no overlap), lines are justified
// by inter-character spacing, and boxes report text that does not fit
// (Fit.Rest) instead of clipping it. Runs drawn with extra spacing carry
// ActualText, so text extraction returns exactly the input. Grid describes the GB/T 9704 page
// grid (Official) and PageNumber draws its page numbers.
//
// fpdf's own MultiCell and SplitText drop Chinese characters at line
// breaks and panic on runes above U+FFFF; this package never calls them
// and never hands fpdf a character it has not checked.
//
// A WORD JOINER (U+2060, JoinWords) forbids a break between two
// characters (副系主任 stays on one line). Tighten absorbs a small overflow
// by closing up the leading, then the type, before a caller continues on
// another page. SetPage draws on an earlier page (第1页 共2页 once the
// count is known); Bookmark adds PDF outline entries.
//
// Write produces PDF/A-2b (ISO 19005-2) unless Info.Plain is set: XMP
// metadata equal to the Info dictionary (题名, 责任者, 文号 as
// dc:identifier, dates with their zone, pdfaid 2/B), an sRGB output
// intent (SRGBProfile, built in code), a file identifier; render/pdfa
// checks these clauses.
package typeset
