package templates

import "embed"

// NoticeDOCX holds the parts of the editable notice (render.NoticeDOCX):
// a WordprocessingML package unpacked into notice-docx/ so that every part
// is reviewable text. word/styles.xml sets the GB/T 9704 fonts, sizes and
// the 22 × 28 grid; word/header1.xml is the letter head of the first page
// with {{发文机关}} and {{文号}}; word/footer*.xml the bottom rule of the
// first page and the odd/even page numbers; word/document.xml the page
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
