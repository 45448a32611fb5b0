package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"linghang/program"
	"linghang/render"
	"linghang/render/typeset"
	"linghang/storage/archive"
)

// CycleOptions shape the documents of a cycle run.
type CycleOptions struct {
	Fonts *typeset.Fonts // nil: typeset.Default()
	Order program.Order  // name lists: 姓氏笔画 by default
	// Created dates the documents. Zero: the time the applicant set was
	// imported (else the programme's date), so the same data renders the
	// same bytes and a re-run makes no new archive versions.
	Created time.Time
	// Badges renders a cohort's badge sheet; nil leaves badges out.
	Badges func(w io.Writer, p *program.Programme, cohort int, as []program.Applicant) error
}

// CycleDocs lists every document of a programme year for the given
// applicants: the notice (PDF and DOCX), the blank 报名表, each applicant's
// filled form, and per cohort the bound forms, badges, roster and sign-in
// sheets, plus the roster of all cohorts. Nothing is rendered yet: each Doc
// renders itself when Generate calls it.
func CycleDocs(p *program.Programme, set *program.ApplicantSet, o CycleOptions) ([]Doc, error) {
	var docs []Doc
	add := func(d archive.Doc, r func(w io.Writer) error) {
		d.Year = p.Year
		if d.Author == "" {
			d.Author = p.IssuingBody
		}
		docs = append(docs, Doc{Doc: d, Render: r})
	}
	date := p.Date.Time
	fonts := o.Fonts
	if fonts == nil {
		var err error
		if fonts, err = typeset.Default(); err != nil {
			return nil, fmt.Errorf("cycle documents: %w", err)
		}
	}
	if o.Created.IsZero() {
		o.Created = date
		if set != nil && !set.Imported.IsZero() {
			o.Created = set.Imported
		}
	}

	add(archive.Doc{Kind: archive.Notice, Title: p.Title, DocNumber: p.DocNumber, Date: date,
		Filename: "通知-" + p.DocNumber + ".pdf", MIME: "application/pdf"},
		func(w io.Writer) error {
			return render.NoticePDF(w, p, render.NoticeFonts(fonts), render.NoticeForm(render.FormAttachmentPage))
		})
	add(archive.Doc{Kind: archive.Notice, Title: p.Title + "（可编辑版）", DocNumber: p.DocNumber, Date: date,
		Filename: "通知-" + p.DocNumber + ".docx", MIME: "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		func(w io.Writer) error { return render.NoticeDOCX(w, p) })
	add(archive.Doc{Kind: archive.Form, Title: p.Form.Title + "（空白）", Date: date,
		Filename: "报名表-空白.pdf", MIME: "application/pdf"},
		func(w io.Writer) error { return render.Form(w, fonts, p, nil) })

	var all []program.Applicant
	if set != nil {
		all = append(all, set.Applicants...)
	}
	o.Order.Sort(all)
	ropts := render.RosterOptions{Order: o.Order, Fonts: fonts, Created: o.Created}
	if len(all) > 0 {
		add(archive.Doc{Kind: archive.Roster, Title: fmt.Sprintf("%d年“领航计划”学员名单（全部）", p.Year),
			Filename: "学员名单-全部.xlsx", MIME: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
			func(w io.Writer) error { return render.RosterXLSX(w, p, all, ropts) })
	}

	for _, c := range p.Cohorts {
		c := c
		var as []program.Applicant
		for _, a := range all {
			if a.Cohort == c.Number {
				as = append(as, a)
			}
		}
		if len(as) == 0 {
			continue
		}
		host := strings.Join(c.Hosts, "、")
		for i := range as {
			a := &as[i]
			add(archive.Doc{Kind: archive.Form, Cohort: c.Number, CohortName: c.Name,
				Title: fmt.Sprintf("报名表 %s（%s）", a.Name, c.Title()), Author: a.Recommender,
				Names: []string{a.Name}, Filename: path.Base(render.FormPath(p, a)), MIME: "application/pdf"},
				func(w io.Writer) error { return render.Form(w, fonts, p, a) })
		}
		add(archive.Doc{Kind: archive.Form, Cohort: c.Number, CohortName: c.Name,
			Title: c.Title() + " 报名表合订本", Author: host, Names: names(as),
			Filename: "报名表合订本.pdf", MIME: "application/pdf"},
			func(w io.Writer) error { return render.CohortForms(w, fonts, p, c.Number, as) })
		if o.Badges != nil {
			add(archive.Doc{Kind: archive.Badges, Cohort: c.Number, CohortName: c.Name,
				Title: c.Title() + " 胸卡", Author: host, Names: names(as),
				Filename: "胸卡.pdf", MIME: "application/pdf"},
				func(w io.Writer) error { return o.Badges(w, p, c.Number, as) })
		}
		copts := ropts
		copts.Cohort = c.Number
		add(archive.Doc{Kind: archive.Roster, Cohort: c.Number, CohortName: c.Name,
			Title: c.Title() + " 学员名单", Author: host, Names: names(as),
			Filename: "学员名单.xlsx", MIME: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
			func(w io.Writer) error { return render.RosterXLSX(w, p, as, copts) })
		add(archive.Doc{Kind: archive.Roster, Cohort: c.Number, CohortName: c.Name,
			Title: c.Title() + " 学员名单（打印版）", Author: host, Names: names(as),
			Filename: "学员名单.pdf", MIME: "application/pdf"},
			func(w io.Writer) error { return render.RosterPDF(w, p, as, copts) })
		add(archive.Doc{Kind: archive.Signin, Cohort: c.Number, CohortName: c.Name,
			Title: c.Title() + " 签到表", Author: host, Date: c.Start.Time,
			Filename: "签到表.pdf", MIME: "application/pdf"},
			func(w io.Writer) error {
				return render.Signin(w, p, c.Number, as, render.SigninOptions{Order: o.Order, Fonts: fonts, Created: o.Created})
			})
	}
	return docs, nil
}

func names(as []program.Applicant) []string {
	out := make([]string, len(as))
	for i := range as {
		out[i] = as[i].Name
	}
	return out
}

// CycleResult is what one generation run did.
type CycleResult struct {
	RunID    string
	Docs     int
	Bytes    int64
	Failures []Failure
	Manifest *archive.Manifest
	Took     time.Duration
}

// CopySink archives each document in a batch and, when Dir is set, also
// writes a readable copy under Dir with the archive's own layout
// (without versions).
type CopySink struct {
	Batch *archive.Batch
	Dir   string
}

// Add archives d and writes its copy.
func (s CopySink) Add(ctx context.Context, d archive.Doc) error {
	if _, err := s.Batch.Add(ctx, d); err != nil {
		return err
	}
	if s.Dir == "" {
		return nil
	}
	key, err := archive.DocKey(d)
	if err != nil {
		return err
	}
	p := filepath.Join(s.Dir, filepath.FromSlash(key))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("写出副本 %s: %w", p, err)
	}
	return WriteFileSynced(p, d.Body)
}

// RunCycle renders every document of the programme year for set and
// archives them as one batch (a job run): documents first, the manifest
// last. Documents that fail are reported; the rest are archived. A copy
// of each goes to copyDir when it is not empty.
func RunCycle(ctx context.Context, a *archive.Archive, prog *program.Programme, set *program.ApplicantSet, o CycleOptions, copyDir string, progress func(done, total int)) (CycleResult, error) {
	start := time.Now()
	runID := RunID(ctx)
	if runID == "" {
		runID = NewRunID(start)
	}
	res := CycleResult{RunID: runID}
	docs, err := CycleDocs(prog, set, o)
	if err != nil {
		return res, err
	}
	inputSHA := ""
	if set != nil {
		inputSHA = set.SourceSHA256
	}
	batch, err := a.Begin(ctx, runID, inputSHA)
	if err != nil {
		return res, fmt.Errorf("开始归档批次: %w", err)
	}
	gen, err := Generate(ctx, docs, CopySink{Batch: batch, Dir: copyDir}, 0, progress)
	res.Docs, res.Bytes, res.Failures = gen.Done, gen.Bytes, gen.Failures
	if err != nil {
		// Interrupted: what was added stays journalled in the spool; the
		// next run or `linghang archive flush` completes the batch.
		return res, err
	}
	m, err := batch.Commit(ctx)
	res.Manifest, res.Took = m, time.Since(start)
	if err != nil {
		var se *archive.SpoolError
		if errors.As(err, &se) {
			return res, fmt.Errorf("文档已生成并暂存在本机 %s，但归档存储暂不可用：%w；存储恢复后运行 linghang archive flush 补交", a.SpoolDir(), err)
		}
		return res, fmt.Errorf("提交归档批次 %s: %w", runID, err)
	}
	return res, nil
}

// WriteFileSynced writes b to path through a temporary file in the same
// directory, synced and renamed, so a reader never sees half a file.
func WriteFileSynced(path string, b []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("写入 %s: %w", path, err)
	}
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Chmod(0o644) // CreateTemp makes 0600; these are documents to share
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("写入 %s: %w", path, err)
	}
	return nil
}
