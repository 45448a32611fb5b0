// Package program is linghang's domain: the programme of a year (the
// official notice and its attachments), its cohorts, the applicants and
// their validation, intake from XLSX/CSV/JSON, and synthetic sample data.
//
// Glossary (Chinese term = code name):
//
//	领航计划        programme (one Programme per year)
//	通知            notice (the Programme's letter text)
//	发文机关        issuing body (Programme.IssuingBody)
//	文号            document number (Programme.DocNumber)
//	主送            addressees (Programme.Addressees)
//	成文日期        date of the document (Programme.Date)
//	期 / 班次       cohort (Cohort, numbered 1–10)
//	承办单位        host unit (Cohort.Hosts)
//	特色内容        features (Cohort.Features)
//	报名表          registration form (FormDef, Attachment 2)
//	学员            applicant / participant (Applicant)
//	推荐单位        recommending unit (Applicant.Recommender)
//	政治面貌        political status (Applicant.Political)
//	个人简介        biography (Applicant.Bio)
//	报到            arrival (Cohort.Arrival; the 报到通知 is the check-in notice)
//	日程            schedule (Cohort.Schedule)
//	主持 / 嘉宾     host / guest at the table (Cohort.Guests, on the 桌签 = table tents)
//	通讯录          directory (contact list of a cohort)
//	结业证书        certificate (CertificateNumbers, CertificateToken)
//	出勤            attendance (Attendance, Programme.MinAttendance)
//	总结            summary (Summary: a host unit's report on a cohort)
//	总结报告/总结数据 the summary's narrative (DOCX) / numbers (XLSX)
//	考勤            attendance (AttendanceRow: 出勤/请假/缺勤 per day)
//	学员构成        composition (Composition, Measure)
//	年度评估 / 评优  year-end evaluation (Evaluate, CohortEvaluation)
package program
