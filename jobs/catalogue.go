package jobs

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"linghang/program"
	"linghang/render"
	"linghang/render/typeset"
	"linghang/storage"
	"linghang/storage/archive"
)

// Scope says how many documents a catalogue entry makes.
type Scope int

// Scopes.
const (
	PerYearDoc      Scope = iota // one for the programme year
	PerCohortDoc                 // one per cohort that has applicants (or every cohort, see Entry.Blank)
	PerApplicantDoc              // one per applicant
)

func (s Scope) String() string {
	return [...]string{"每年", "每期", "每人"}[s]
}

// Input names what a document depends on; the input hash covers it.
type Input string

// Inputs a document can depend on.
const (
	InProgramme  Input = "programme"   // the programme YAML
	InApplicants Input = "applicants"  // the applicants of its subject, photos by content
	InFonts      Input = "fonts"       // the resolved fonts
	InCheckinKey Input = "checkin-key" // the check-in token key (badges)
	InSummaries  Input = "summaries"   // the host units' imported summaries (总结)
	InAttendance Input = "attendance"  // the cohort's attendance (学员考勤 of its summary)
	// InNumber: the applicant's certificate number, which depends on the
	// whole cohort (a late applicant renumbers those after them).
	InNumber Input = "number"
)

// Entry declares one kind of document: what it is, how it is filed and
// rendered, what it depends on and which jobs make it. Adding a document
// type is one Entry plus its renderer.
type Entry struct {
	Name  string // notice-pdf, form, roster-xlsx, …
	Title string // 中文: what `jobs list` and the web pages call it
	Kind  archive.Kind
	Scope Scope
	Jobs  []string // schedule rules that make it
	Needs []Input
	// Doc describes the document for the archive (title, file name, …);
	// Year, Author default from the programme.
	Doc func(in *Inputs, s Subject) archive.Doc
	// Render writes the document.
	Render func(w io.Writer, in *Inputs, s Subject) error
	// Want, when set, leaves out the subjects it rejects (a certificate
	// for an applicant whose attendance falls short).
	Want func(in *Inputs, s Subject) bool
	// Photos says the document draws the applicants' photos; a pipeline
	// run reads them from the archive as the document is rendered.
	Photos bool
}

func (e *Entry) needs(i Input) bool {
	for _, n := range e.Needs {
		if n == i {
			return true
		}
	}
	return false
}

// MadeBy reports whether job makes this entry.
func (e *Entry) MadeBy(job string) bool {
	for _, j := range e.Jobs {
		if j == job {
			return true
		}
	}
	return false
}

// BadgeFunc renders a cohort's badge sheet.
type BadgeFunc func(w io.Writer, p *program.Programme, cohort int, as []program.Applicant) error

// CertifyFunc makes the token of certificate number n of applicant a.
type CertifyFunc func(year, cohort int, n string, a *program.Applicant) string

// Inputs are what renderers work from: plain data, read once per run.
type Inputs struct {
	Programme *program.Programme
	// Applicants, sorted in roster order; nil when none are imported.
	Applicants []program.Applicant
	Fonts      *typeset.Fonts
	Order      program.Order
	// Created dates the documents: the programme's 成文日期, never the
	// wall clock, so the same data gives the same bytes.
	Created time.Time
	Badges  BadgeFunc // nil: no badges
	// Certify makes a certificate's verification token (program.CertificateToken
	// with the check-in key); nil: certificates without QR code.
	Certify CertifyFunc
	// Attendance by cohort, from the 学员考勤 sheet of the cohort's
	// imported summary (loaded for entries that need InAttendance); nil or
	// a missing cohort: not known, certificates go to all with the check
	// reported not applied.
	Attendance map[int]*program.Attendance
	// KeyID identifies the check-in key (a hash of it), for input hashes.
	KeyID string
	// CertifyID names what Certify puts into a QR code besides the
	// token (the verification page's address); the documents that need
	// InCheckinKey hash it when it is set.
	CertifyID string
	// Version of linghang: a new renderer may change the output.
	Version string
	// Blocked are applicants left out because a character of theirs
	// cannot be typeset with the fonts (program.TypesetProblems): their
	// documents are reported as failures naming the field and character,
	// and everyone else's are made.
	Blocked []Blocked
	// PlainPDF writes plain PDF instead of PDF/A-2b (render --pdfa=false);
	// the archive always gets PDF/A.
	PlainPDF bool
	// Summaries are the host units' imported summaries by cohort number
	// (loaded for entries that need InSummaries).
	Summaries map[int]*program.Summary

	files map[string]string // applicant ID → unique file name of their forms

	digestMu sync.Mutex
	digests  map[string][32]byte // applicant ID → digest of their record

	// Forms laid out for a bound copy still to come in this run, so that
	// each form is laid out once (see bindForms).
	formMu  sync.Mutex
	binding map[int]bool                         // cohort → its bound copy is still to be made
	laidOut map[int]map[string]*typeset.Document // cohort → applicant ID → their form

	// Letters and certificates a cohort's combined file laid out, for
	// the people's own files still to come in this run (see handOver).
	handMu   sync.Mutex
	handWant map[handKey]bool              // own files still to be made
	handKept map[handKey]*typeset.Document // laid out, waiting for them
	handed   int                           // own files written from kept pages (tests)

	// reg is the register of certificate numbers issued (read by
	// Pipeline.Inputs for entries that need InNumber; empty otherwise).
	reg certRegister

	certMu sync.Mutex
	nums   map[int]map[string]string    // by cohort: applicant ID → certificate number, issued or not
	certs  map[int][]render.Certificate // by cohort, made once (certificates)
	certOf map[int]map[string]int       // by cohort: applicant ID → index in certs (those issued one)
}

// Blocked is an applicant whose documents cannot be made.
type Blocked struct {
	Applicant program.Applicant
	Problems  program.ErrorList
}

// BlockUntypesettable moves the applicants with characters no font has
// from in.Applicants to in.Blocked.
func (in *Inputs) BlockUntypesettable() {
	if in.Fonts == nil {
		return
	}
	kept := in.Applicants[:0:0]
	for _, a := range in.Applicants {
		if probs := program.TypesetProblems(&a, in.Fonts.Covers); len(probs) > 0 {
			in.Blocked = append(in.Blocked, Blocked{Applicant: a, Problems: probs})
			continue
		}
		kept = append(kept, a)
	}
	in.Applicants = kept
}

// Subject is what one document is about.
type Subject struct {
	Cohort     *program.Cohort     // nil for a year document
	Applicants []program.Applicant // the cohort's (or, for a year document, all) applicants in roster order
	Applicant  *program.Applicant  // for a per-applicant document
}

// Catalogue is the list of document kinds of a year.
type Catalogue []Entry

// Jobs lists the jobs that make documents, in catalogue order.
func (c Catalogue) Jobs() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range c {
		for _, j := range e.Jobs {
			if !seen[j] {
				seen[j] = true
				out = append(out, j)
			}
		}
	}
	return out
}

// Entry returns the entry named name.
func (c Catalogue) Entry(name string) (*Entry, bool) {
	for i := range c {
		if c[i].Name == name {
			return &c[i], true
		}
	}
	return nil, false
}

const (
	mimePDF  = "application/pdf"
	mimeXLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	mimeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// Job names of the default schedule.
const (
	JobRegistrationOpen  = "registration-open"
	JobNightly           = "nightly"
	JobRegistrationClose = "registration-close"
	JobSummaryTemplate   = "summary-template"
	JobSummaryReport     = "summary-report"
	JobEvaluation        = "evaluation"
	JobVerify            = "verify"
)

// DefaultCatalogue declares every document linghang makes in a year.
func DefaultCatalogue() Catalogue {
	all := []Input{InProgramme, InFonts}
	withApps := []Input{InProgramme, InFonts, InApplicants}
	closing := []string{JobRegistrationClose}
	refresh := []string{JobNightly, JobRegistrationClose}
	return Catalogue{
		{
			Name: "notice-pdf", Title: "通知（PDF，信函格式）", Kind: archive.Notice, Scope: PerYearDoc,
			Jobs: []string{JobRegistrationOpen}, Needs: all,
			Doc: func(in *Inputs, _ Subject) archive.Doc {
				p := in.Programme
				return archive.Doc{Title: p.Title, DocNumber: p.DocNumber, Filename: "通知-" + p.DocNumber + ".pdf", MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, _ Subject) error {
				opts := []render.NoticeOption{render.NoticeFonts(in.Fonts), render.NoticeForm(render.FormAttachmentPage)}
				if in.PlainPDF {
					opts = append(opts, render.NoticePlainPDF())
				}
				return render.NoticePDF(w, in.Programme, opts...)
			},
		},
		{
			Name: "notice-docx", Title: "通知（可编辑 DOCX）", Kind: archive.Notice, Scope: PerYearDoc,
			Jobs: []string{JobRegistrationOpen}, Needs: []Input{InProgramme},
			Doc: func(in *Inputs, _ Subject) archive.Doc {
				p := in.Programme
				return archive.Doc{Title: p.Title + "（可编辑版）", DocNumber: p.DocNumber, Filename: "通知-" + p.DocNumber + ".docx", MIME: mimeDOCX}
			},
			Render: func(w io.Writer, in *Inputs, _ Subject) error { return render.NoticeDOCX(w, in.Programme) },
		},
		{
			Name: "form-blank", Title: "空白报名表", Kind: archive.Form, Scope: PerYearDoc,
			Jobs: []string{JobRegistrationOpen}, Needs: all,
			Doc: func(in *Inputs, _ Subject) archive.Doc {
				return archive.Doc{Title: in.Programme.Form.Title + "（空白）", Filename: "报名表-空白.pdf", MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, _ Subject) error {
				return render.Form(w, in.Fonts, in.Programme, nil, formOpts(in)...)
			},
		},
		{
			Name: "form", Title: "报名表（已填写，含照片）", Kind: archive.Form, Scope: PerApplicantDoc,
			Jobs: refresh, Needs: withApps, Photos: true,
			Doc: func(in *Inputs, s Subject) archive.Doc {
				a := s.Applicant
				return archive.Doc{Title: fmt.Sprintf("报名表 %s（%s）", a.Name, s.Cohort.Title()), Author: a.Recommender,
					Names: []string{a.Name}, Filename: in.files[a.ID], MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				d, err := render.FormLayout(in.Fonts, in.Programme, s.Applicant, formOpts(in)...)
				if err != nil {
					return err
				}
				in.keepForm(s.Cohort.Number, s.Applicant.ID, d)
				return d.Write(w)
			},
		},
		{
			Name: "forms-bound", Title: "报名表合订本", Kind: archive.Form, Scope: PerCohortDoc,
			Jobs: closing, Needs: withApps, Photos: true,
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: s.Cohort.Title() + " 报名表合订本", Names: names(s.Applicants), Filename: "报名表合订本.pdf", MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				n := s.Cohort.Number
				defer in.boundDone(n)
				laid := render.FormsLaidOut(func(a *program.Applicant) *typeset.Document { return in.laidForm(n, a.ID) })
				return render.CohortForms(w, in.Fonts, in.Programme, n, s.Applicants, append(formOpts(in), laid)...)
			},
		},
		{
			Name: "badges", Title: "胸卡", Kind: archive.Badges, Scope: PerCohortDoc,
			Jobs: closing, Needs: []Input{InProgramme, InFonts, InApplicants, InCheckinKey}, Photos: true,
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: s.Cohort.Title() + " 胸卡", Names: names(s.Applicants), Filename: "胸卡.pdf", MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				if in.Badges == nil {
					return fmt.Errorf("没有配置胸卡版式与签到码密钥")
				}
				return in.Badges(w, in.Programme, s.Cohort.Number, s.Applicants)
			},
		},
		{
			Name: "roster-xlsx", Title: "学员名单（XLSX）", Kind: archive.Roster, Scope: PerCohortDoc,
			Jobs: refresh, Needs: withApps,
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: s.Cohort.Title() + " 学员名单", Names: names(s.Applicants), Filename: "学员名单.xlsx", MIME: mimeXLSX}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.RosterXLSX(w, in.Programme, s.Applicants, rosterOptions(in, s.Cohort.Number))
			},
		},
		{
			Name: "roster-pdf", Title: "学员名单（打印版 PDF）", Kind: archive.Roster, Scope: PerCohortDoc,
			Jobs: closing, Needs: withApps,
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: s.Cohort.Title() + " 学员名单（打印版）", Names: names(s.Applicants), Filename: "学员名单.pdf", MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.RosterPDF(w, in.Programme, s.Applicants, rosterOptions(in, s.Cohort.Number))
			},
		},
		{
			Name: "signin", Title: "签到表", Kind: archive.Signin, Scope: PerCohortDoc,
			Jobs: closing, Needs: withApps,
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: s.Cohort.Title() + " 签到表", Date: s.Cohort.Start.Time, Filename: "签到表.pdf", MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.Signin(w, in.Programme, s.Cohort.Number, s.Applicants, render.SigninOptions{Order: in.Order, Fonts: in.Fonts, Created: in.Created, PlainPDF: in.PlainPDF})
			},
		},
		{
			Name: "roster-all", Title: "学员名单（全部班次，XLSX）", Kind: archive.Roster, Scope: PerYearDoc,
			Jobs: refresh, Needs: withApps,
			Doc: func(in *Inputs, _ Subject) archive.Doc {
				return archive.Doc{Title: fmt.Sprintf("%d年“领航计划”学员名单（全部）", in.Programme.Year), Filename: "学员名单-全部.xlsx", MIME: mimeXLSX}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.RosterXLSX(w, in.Programme, s.Applicants, rosterOptions(in, 0))
			},
		},
		// Issue 15: the rest of a cohort's paperwork — 报名汇总表 template,
		// 报到通知, 日程, 桌签, 通讯录, 结业证书 (helpers in paperwork.go).
		{
			Name: "intake-template", Title: "报名汇总表（推荐单位填写的 XLSX 模板）", Kind: archive.Form, Scope: PerYearDoc,
			Jobs: []string{JobRegistrationOpen}, Needs: []Input{InProgramme},
			Doc: func(in *Inputs, _ Subject) archive.Doc {
				return archive.Doc{Title: fmt.Sprintf("%d年“领航计划”报名汇总表（模板）", in.Programme.Year), Filename: "报名汇总表.xlsx", MIME: mimeXLSX}
			},
			Render: func(w io.Writer, in *Inputs, _ Subject) error {
				return render.IntakeTemplate(w, in.Programme, render.IntakeOptions{Created: in.Created})
			},
		},
		{
			Name: "checkin-notice", Title: "报到通知（PDF，每人一封，合订）", Kind: archive.Arrival, Scope: PerCohortDoc,
			Jobs: closing, Needs: withApps,
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: s.Cohort.Title() + " 报到通知", Names: names(s.Applicants), Filename: "报到通知.pdf", MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.CheckinNoticePDF(w, in.Programme, s.Cohort.Number, s.Applicants, in.handingOver("checkin-letter", s.Cohort.Number))
			},
		},
		{
			Name: "checkin-notice-docx", Title: "报到通知（可编辑 DOCX，每人一节）", Kind: archive.Arrival, Scope: PerCohortDoc,
			Jobs: closing, Needs: []Input{InProgramme, InApplicants},
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: s.Cohort.Title() + " 报到通知（可编辑版）", Names: names(s.Applicants), Filename: "报到通知.docx", MIME: mimeDOCX}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.CheckinNoticeDOCX(w, in.Programme, s.Cohort.Number, s.Applicants, cohortOptions(in))
			},
		},
		{
			Name: "checkin-letter", Title: "报到通知（每人一份 PDF）", Kind: archive.Arrival, Scope: PerApplicantDoc,
			Jobs: closing, Needs: withApps,
			Doc: func(in *Inputs, s Subject) archive.Doc {
				a := s.Applicant
				return archive.Doc{Title: fmt.Sprintf("报到通知 %s（%s）", a.Name, s.Cohort.Title()), Author: a.Recommender,
					Names: []string{a.Name}, Filename: personFile(in, archive.Arrival, a), MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.CheckinNoticePDF(w, in.Programme, s.Cohort.Number, []program.Applicant{*s.Applicant}, in.handingOver("checkin-letter", s.Cohort.Number))
			},
		},
		{
			Name: "schedule", Title: "日程", Kind: archive.Schedule, Scope: PerCohortDoc,
			Jobs: scheduleJobs, Needs: scheduleNeeds,
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: s.Cohort.Title() + " 日程", Date: s.Cohort.Start.Time, Filename: "日程.pdf", MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.ScheduleWithSummary(w, in.Programme, s.Cohort.Number, in.Summaries[s.Cohort.Number], cohortOptions(in))
			},
		},
		{
			Name: "tents", Title: "桌签", Kind: archive.Tents, Scope: PerCohortDoc,
			Jobs: closing, Needs: withApps,
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: s.Cohort.Title() + " 桌签", Names: names(s.Applicants), Filename: "桌签.pdf", MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.Tents(w, in.Programme, s.Cohort.Number, render.CohortTents(s.Cohort, s.Applicants), cohortOptions(in))
			},
		},
		{
			Name: "directory-pdf", Title: "通讯录（PDF）", Kind: archive.Directory, Scope: PerCohortDoc,
			Jobs: closing, Needs: withApps,
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: s.Cohort.Title() + " 通讯录", Names: names(s.Applicants), Filename: "通讯录.pdf", MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.DirectoryPDF(w, in.Programme, s.Cohort.Number, s.Applicants, cohortOptions(in))
			},
		},
		{
			Name: "directory-xlsx", Title: "通讯录（XLSX）", Kind: archive.Directory, Scope: PerCohortDoc,
			Jobs: closing, Needs: []Input{InProgramme, InApplicants},
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: s.Cohort.Title() + " 通讯录（XLSX）", Names: names(s.Applicants), Filename: "通讯录.xlsx", MIME: mimeXLSX}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.DirectoryXLSX(w, in.Programme, s.Cohort.Number, s.Applicants, cohortOptions(in))
			},
		},
		{
			Name: "certificates", Title: "结业证书（全期合订）", Kind: archive.Certificate, Scope: PerCohortDoc,
			Jobs: certificateJobs, Needs: append(slices.Clip(certificateNeeds), InNumber),
			Want: func(in *Inputs, s Subject) bool { return len(eligibility(in, s).Issue) > 0 },
			Doc: func(in *Inputs, s Subject) archive.Doc {
				e := eligibility(in, s)
				title := s.Cohort.Title() + " 结业证书（" + e.Reason + "）"
				return archive.Doc{Title: title, Names: names(e.Issue), Date: s.Cohort.End.Time, Filename: "结业证书.pdf", MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.Certificates(w, in.Programme, s.Cohort.Number, certificates(in, s), in.handingOver("certificate", s.Cohort.Number))
			},
		},
		{
			Name: "certificate", Title: "结业证书（每人一份）", Kind: archive.Certificate, Scope: PerApplicantDoc,
			Jobs: certificateJobs, Needs: append(slices.Clip(certificateNeeds), InNumber),
			Want: func(in *Inputs, s Subject) bool { _, ok := certificateOf(in, s); return ok },
			Doc: func(in *Inputs, s Subject) archive.Doc {
				a := s.Applicant
				d := archive.Doc{Title: fmt.Sprintf("结业证书 %s（%s）", a.Name, s.Cohort.Title()), Author: strings.Join(s.Cohort.Hosts, "、"),
					Names: []string{a.Name}, Date: s.Cohort.End.Time, Filename: personFile(in, archive.Certificate, a), MIME: mimePDF}
				// The certificate number is its 文件编号; the archive
				// keeps its token's digest, so that the code on a
				// certificate once issued verifies for good, whatever
				// later changes to the roster renumber.
				if c, ok := certificateOf(in, s); ok {
					d.DocNumber = c.Number
					if c.Token != "" {
						d.VerifySHA256 = program.CertificateDigest(c.Token)
					}
				}
				return d
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				// Numbered among the whole cohort, so the number is the
				// one in the combined file.
				c, ok := certificateOf(in, s)
				if !ok {
					return fmt.Errorf("%s 不在%s的学员中", s.Applicant.Name, s.Cohort.Title())
				}
				return render.Certificates(w, in.Programme, s.Cohort.Number, []render.Certificate{c}, in.handingOver("certificate", s.Cohort.Number))
			},
		},
		// Summaries and evaluation (issue 10): the host units' templates at
		// the end of a cohort, the summary report once they are back, the
		// year-end evaluation. Renderers in render/summary_*.go and
		// render/evaluation.go; summaries are imported by ImportSummary.
		{
			Name: "summary-template-docx", Title: "承办单位总结模板（总结报告 DOCX）", Kind: archive.Summary, Scope: PerCohortDoc,
			Jobs: []string{JobSummaryTemplate}, Needs: []Input{InProgramme, InApplicants},
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: s.Cohort.Title() + " 承办单位总结模板（总结报告）", Filename: "承办单位总结模板-总结报告.docx", MIME: mimeDOCX}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.SummaryTemplateDOCX(w, in.Programme, s.Cohort.Number, s.Applicants, summaryTemplateOptions(in))
			},
		},
		{
			Name: "summary-template-xlsx", Title: "承办单位总结模板（总结数据 XLSX）", Kind: archive.Summary, Scope: PerCohortDoc,
			Jobs: []string{JobSummaryTemplate}, Needs: []Input{InProgramme, InApplicants},
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: s.Cohort.Title() + " 承办单位总结模板（总结数据）", Filename: "承办单位总结模板-总结数据.xlsx", MIME: mimeXLSX}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.SummaryTemplateXLSX(w, in.Programme, s.Cohort.Number, s.Applicants, summaryTemplateOptions(in))
			},
		},
		{
			Name: "summary-report", Title: "活动总结报告（PDF）", Kind: archive.Summary, Scope: PerCohortDoc,
			Jobs: []string{JobSummaryReport}, Needs: []Input{InProgramme, InFonts, InApplicants, InSummaries},
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: render.SummaryTitle(in.Programme) + " · " + s.Cohort.Title(), Filename: "活动总结报告.pdf", MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.SummaryReportPDF(w, in.Programme, s.Cohort.Number, s.Applicants, in.Summaries[s.Cohort.Number], reportOptions(in))
			},
		},
		{
			Name: "summary-report-xlsx", Title: "活动总结报告（XLSX，含图表）", Kind: archive.Summary, Scope: PerCohortDoc,
			Jobs: []string{JobSummaryReport}, Needs: []Input{InProgramme, InApplicants, InSummaries},
			Doc: func(in *Inputs, s Subject) archive.Doc {
				return archive.Doc{Title: render.SummaryTitle(in.Programme) + " · " + s.Cohort.Title() + "（数据）", Filename: "活动总结报告.xlsx", MIME: mimeXLSX}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.SummaryReportXLSX(w, in.Programme, s.Cohort.Number, s.Applicants, in.Summaries[s.Cohort.Number], reportOptions(in))
			},
		},
		{
			Name: "evaluation-pdf", Title: "年度评估（PDF）", Kind: archive.Evaluation, Scope: PerYearDoc,
			Jobs: []string{JobEvaluation}, Needs: []Input{InProgramme, InFonts, InApplicants, InSummaries},
			Doc: func(in *Inputs, _ Subject) archive.Doc {
				return archive.Doc{Title: render.EvaluationTitle(in.Programme), Filename: "年度评估.pdf", MIME: mimePDF}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.EvaluationPDF(w, in.Programme, s.Applicants, in.Summaries, reportOptions(in))
			},
		},
		{
			Name: "evaluation-xlsx", Title: "年度评估（XLSX，含图表）", Kind: archive.Evaluation, Scope: PerYearDoc,
			Jobs: []string{JobEvaluation}, Needs: []Input{InProgramme, InApplicants, InSummaries},
			Doc: func(in *Inputs, _ Subject) archive.Doc {
				return archive.Doc{Title: render.EvaluationTitle(in.Programme) + "（数据）", Filename: "年度评估.xlsx", MIME: mimeXLSX}
			},
			Render: func(w io.Writer, in *Inputs, s Subject) error {
				return render.EvaluationXLSX(w, in.Programme, s.Applicants, in.Summaries, reportOptions(in))
			},
		},
	}
}

func rosterOptions(in *Inputs, cohort int) render.RosterOptions {
	return render.RosterOptions{Order: in.Order, Fonts: in.Fonts, Created: in.Created, Cohort: cohort, PlainPDF: in.PlainPDF}
}

func formOpts(in *Inputs) []render.FormOption {
	if in.PlainPDF {
		return []render.FormOption{render.FormPlainPDF()}
	}
	return nil
}

// Planned is one document a run would make: its archive description,
// its renderer and the hash of everything it is made from.
type Planned struct {
	Doc
	Entry    *Entry
	Subject  Subject
	InputSHA string
	key      string // the archive key, once worked out (see Key)
}

// Key is the document's archive key.
func (p *Planned) Key() (string, error) {
	if p.key != "" {
		return p.key, nil
	}
	return archive.DocKey(p.Doc.Doc)
}

// Selection picks the part of the catalogue a run makes.
type Selection struct {
	Job     string // only entries this job makes; empty: every entry
	Cohorts []int  // only these cohorts (per-cohort and per-applicant entries); nil: all
	Entries []string
}

func (s Selection) cohort(n int) bool {
	if s.Cohorts == nil {
		return true
	}
	for _, c := range s.Cohorts {
		if c == n {
			return true
		}
	}
	return false
}

func (s Selection) entry(e *Entry) bool {
	if s.Job != "" && !e.MadeBy(s.Job) {
		return false
	}
	if len(s.Entries) == 0 {
		return true
	}
	for _, n := range s.Entries {
		if n == e.Name {
			return true
		}
	}
	return false
}

// Plan lists the documents the selection makes from in, each with its
// input hash. Nothing is rendered yet. Documents about people are only
// planned for cohorts with applicants.
func (c Catalogue) Plan(in *Inputs, sel Selection) ([]Planned, error) {
	p := in.Programme
	if in.Fonts == nil {
		f, err := typeset.Default()
		if err != nil {
			return nil, fmt.Errorf("加载字体：%w", err)
		}
		in.Fonts = f
	}
	if in.Created.IsZero() {
		in.Created = p.Date.Time
	}
	in.files = PersonFiles(in.Applicants)
	var base [2][]byte
	for i := range base {
		b, err := baseHash(in, i == 1)
		if err != nil {
			return nil, err
		}
		base[i] = b
	}
	byCohort := map[int][]program.Applicant{}
	for _, a := range in.Applicants {
		byCohort[a.Cohort] = append(byCohort[a.Cohort], a)
	}
	var out []Planned
	add := func(e *Entry, s Subject) error {
		if e.Want != nil && !e.Want(in, s) {
			return nil
		}
		d := e.Doc(in, s)
		d.Year, d.Kind = p.Year, e.Kind
		if s.Cohort != nil {
			d.Cohort, d.CohortName = s.Cohort.Number, s.Cohort.Name
			if d.Author == "" {
				d.Author = strings.Join(s.Cohort.Hosts, "、")
			}
		}
		if d.Author == "" {
			d.Author = p.IssuingBody
		}
		if d.Date.IsZero() {
			d.Date = p.Date.Time
		}
		entry, subj := e, s
		out = append(out, Planned{Doc: Doc{Doc: d, Render: func(w io.Writer) error { return entry.Render(w, in, subj) }},
			Entry: e, Subject: s}) // input hash and key: below
		return nil
	}
	for i := range c {
		e := &c[i]
		if !sel.entry(e) {
			continue
		}
		switch e.Scope {
		case PerYearDoc:
			s := Subject{}
			if e.needs(InApplicants) {
				if len(in.Applicants) == 0 {
					continue
				}
				s.Applicants = in.Applicants
			}
			if err := add(e, s); err != nil {
				return nil, err
			}
		case PerCohortDoc, PerApplicantDoc:
			for k := range p.Cohorts {
				co := &p.Cohorts[k]
				as := byCohort[co.Number]
				if !sel.cohort(co.Number) || (e.needs(InApplicants) && len(as) == 0) {
					continue
				}
				if e.Scope == PerCohortDoc {
					if err := add(e, Subject{Cohort: co, Applicants: as}); err != nil {
						return nil, err
					}
					continue
				}
				for j := range as {
					if err := add(e, Subject{Cohort: co, Applicants: as, Applicant: &as[j]}); err != nil {
						return nil, err
					}
				}
			}
		}
	}
	if err := hashPlan(out, base, in); err != nil {
		return nil, err
	}
	return out, nil
}

// hashPlan works out each planned document's input hash and archive key.
// They are most of the cost of planning (a year has 30,000 documents,
// planned again by every run, even one with nothing to do) and depend
// only on the document: they are worked out on every CPU. The first
// error in plan order is returned.
func hashPlan(plan []Planned, base [2][]byte, in *Inputs) error {
	errs := make([]error, len(plan))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(1, len(plan)/256)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(plan) {
					return
				}
				p := &plan[i]
				h, err := inputHash(base, in, p.Entry, p.Subject)
				if err != nil {
					errs[i] = fmt.Errorf("计算《%s》的输入摘要：%w", p.Doc.Doc.Title, err)
					continue
				}
				p.Doc.Doc.InputSHA, p.InputSHA = h, h
				p.key, _ = archive.DocKey(p.Doc.Doc) // an error is reported where the key is needed
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// baseHash covers what every document shares: the linghang version, the
// programme, the order, the creation date, the check-in key and, for
// documents typeset with them, the fonts.
func baseHash(in *Inputs, fonts bool) ([]byte, error) {
	prog, err := json.Marshal(in.Programme)
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	fmt.Fprintf(h, "linghang %s\norder %d\ncreated %s\nkey %s\n", in.Version, in.Order, in.Created.UTC().Format(time.RFC3339), in.KeyID)
	if fonts {
		fmt.Fprintf(h, "fonts %s\n", FontsID(in.Fonts))
	}
	h.Write(prog)
	return h.Sum(nil), nil
}

func inputHash(base [2][]byte, in *Inputs, e *Entry, s Subject) (string, error) {
	h := sha256.New()
	if e.needs(InFonts) {
		h.Write(base[1])
	} else {
		h.Write(base[0])
	}
	fmt.Fprintf(h, "\nentry %s\n", e.Name)
	if s.Cohort != nil {
		fmt.Fprintf(h, "cohort %d\n", s.Cohort.Number)
	}
	if e.needs(InApplicants) {
		// Each applicant's record is digested once per run (photos are
		// named by content: a new photo is a new name); a list is the
		// digest of its members' digests, in order.
		if s.Applicant != nil {
			d, err := in.applicantDigest(s.Applicant)
			if err != nil {
				return "", err
			}
			h.Write(d[:])
		} else {
			fmt.Fprintf(h, "applicants %d\n", len(s.Applicants))
			for i := range s.Applicants {
				d, err := in.applicantDigest(&s.Applicants[i])
				if err != nil {
					return "", err
				}
				h.Write(d[:])
			}
		}
	}
	if e.needs(InNumber) && s.Applicant != nil {
		c, _ := certificateOf(in, s)
		fmt.Fprintf(h, "number %s\n", c.Number)
	} else if e.needs(InNumber) {
		for _, c := range certificates(in, s) {
			fmt.Fprintf(h, "number %s %s\n", c.Applicant.ID, c.Number)
		}
	}
	if e.needs(InCheckinKey) && in.CertifyID != "" {
		fmt.Fprintf(h, "certify %s\n", in.CertifyID)
	}
	if e.needs(InSummaries) {
		if err := hashSummaries(h, in, s); err != nil {
			return "", err
		}
	}
	if e.needs(InAttendance) {
		if err := hashAttendance(h, in, s); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// FontsID identifies a resolved font set: each role's and fallback's
// source and PostScript name.
func FontsID(f *typeset.Fonts) string {
	if f == nil {
		return ""
	}
	var parts []string
	for r := typeset.Body; r <= typeset.Table; r++ {
		if ft := f.Font(r); ft != nil {
			parts = append(parts, ft.Source+"#"+ft.PostScript)
		}
	}
	for _, ft := range f.Fallback() {
		parts = append(parts, ft.Source+"#"+ft.PostScript)
	}
	return strings.Join(parts, ";")
}

// PersonFiles gives every applicant a distinct, stable file name for the
// documents about them: 报名表-张三-002X.pdf (name and the last four
// characters of the ID). Namesakes whose IDs also end alike get a short
// digest of the full ID (报名表-张伟-123X-5e0c1a.pdf), so no two
// applicants ever share an archive key.
func PersonFiles(as []program.Applicant) map[string]string {
	base := map[string]string{}
	count := map[string]int{}
	for _, a := range as {
		b := archive.PersonFilename(archive.Form, a.Name, a.ID, ".pdf")
		base[a.ID] = b
		count[b]++
	}
	out := make(map[string]string, len(as))
	for id, b := range base {
		if count[b] > 1 {
			sum := sha256.Sum256([]byte("linghang/person/" + id))
			b = storage.SafeSegment(strings.TrimSuffix(b, ".pdf") + "-" + hex.EncodeToString(sum[:3]) + ".pdf")
		}
		out[id] = b
	}
	return out
}

func names(as []program.Applicant) []string {
	out := make([]string, len(as))
	for i := range as {
		out[i] = as[i].Name
	}
	return out
}

// applicantDigest is the SHA-256 of a's record as JSON, memoised by ID.
func (in *Inputs) applicantDigest(a *program.Applicant) ([32]byte, error) {
	in.digestMu.Lock()
	defer in.digestMu.Unlock()
	if d, ok := in.digests[a.ID]; ok {
		return d, nil
	}
	b, err := json.Marshal(a)
	if err != nil {
		return [32]byte{}, err
	}
	d := sha256.Sum256(b)
	if in.digests == nil {
		in.digests = map[string][32]byte{}
	}
	in.digests[a.ID] = d
	return d, nil
}
