// Package render turns programme and applicant data into the documents of
// a 领航计划 cycle. Each renderer takes plain data (program types) and
// writes one document to an io.Writer; none knows the archive or the
// command line.
//
//	NoticePDF, NoticeDOCX   the official notice: GB/T 9704 letter format (信函格式)
//	                        with 附件1 (cohorts) and 附件2 (the form); editable DOCX
//	Form, FormPage          the 报名表, blank (nil applicant) or filled, with photo
//	CohortForms             a cohort's bound copy (合订本) for duplex printing: cover,
//	                        contents, outline, page numbers, blank backs
//	Badges                  name badges on sheets laid out by a Layout (templates/layouts)
//	RosterXLSX, RosterPDF   学员名单: one sheet or section per cohort plus 全部
//	Signin                  签到表: a sheet per day or half-day of a cohort, with
//	                        walk-in rows and 应到/实到
//	IntakeTemplate          报名汇总表: the XLSX recommending units fill in, read back by import
//	CheckinNoticePDF/DOCX   报到通知: a letter in the notice's format per applicant, from the host unit
//	Schedule                日程: the cohort's days as a table
//	Tents                   桌签: A4 folded table tents, the upper face turned 180°
//	DirectoryPDF/XLSX       通讯录: no ID numbers, mobiles only where the programme allows
//	Certificates            结业证书: numbered, with a QR code that verifies them
//	Signin                  签到表: a sheet per day or half-day of a cohort
//	SummaryTemplateDOCX,    the host units' summary templates (总结报告 DOCX from
//	SummaryTemplateXLSX     templates/summary-docx; 总结数据 XLSX with drop-downs
//	                        and protection); SampleSummaryFiles fills them (demo)
//	SummaryReportPDF, -XLSX 活动总结报告 of a cohort: composition charts, attendance,
//	                        feedback, schedule, the host unit's narrative
//	EvaluationPDF, -XLSX    年度评估: every cohort compared and ranked, a chart per measure
//
// Every PDF is set through render/typeset (CJK fonts by role, glyph
// fallback, Chinese line breaking, the GB/T 9704 grid); text can be
// extracted, fonts are embedded as subsets, every PDF is PDF/A-2b unless
// the caller asks for a plain one (checked by render/pdfa), and the same
// data gives the same bytes. XLSX and DOCX packages are written in a canonical part
// order with a fixed date for the same reason.
package render
