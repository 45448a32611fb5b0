package templates

import "embed"

// NoticeDOCX holds the parts of the editable notice (render.NoticeDOCX):
// a WordprocessingML package unpacked into notice-docx/ so that every part
// is reviewable text. word/styles.xml sets the GB/T 9704 fonts, sizes and
// the 22 × 28 grid and the red double rules as pairs of single borders;
// the 版头 is written into the body by the renderer; word/header*.xml are
// empty; word/footer*.xml the bottom rule of the first page and the
// odd/even page numbers; word/document.xml the page
// set-up with the {{正文}} paragraph the renderer replaces.
//
//go:embed all:notice-docx
var NoticeDOCX embed.FS

// SummaryDOCX holds the parts of the host units' summary template
// (render.SummaryTemplateDOCX), laid out like the notice: title, the
// cohort's facts, the {{各部分}} paragraph the renderer replaces with the
// numbered sections and their guidance, and {{学员名单}} replaced with the
// roster table. The footers carry the template identifier {{模板标识}}
// that imports check.
//
//go:embed all:summary-docx
var SummaryDOCX embed.FS
