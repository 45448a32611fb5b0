package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"linghang/program"
	"linghang/render"
	"linghang/storage"
	"linghang/storage/archive"
)

// Where the host units' summaries live (kind 总结, kept 30 years), in the
// cohort's folder:
//
//	<year>/第03期-…/总结/承办单位总结报告-原件.docx.vNNNN   each DOCX as received
//	<year>/第03期-…/总结/承办单位总结数据-原件.xlsx.vNNNN   each XLSX as received
//	<year>/第03期-…/总结/承办单位总结-解析.json.vNNNN      what linghang read from them
//
// Every submission makes new versions; the newest parsed summary is the
// current one and names (by SHA-256) the originals it was read from. A
// part submitted alone replaces only that part.
const (
	summaryParsedFile    = "承办单位总结-解析.json"
	summaryNarrativeFile = "承办单位总结报告-原件.docx"
	summaryDataFile      = "承办单位总结数据-原件.xlsx"
)

func summaryDoc(p *program.Programme, c *program.Cohort, filename, title, mime string) archive.Doc {
	return archive.Doc{Year: p.Year, Kind: archive.Summary, Cohort: c.Number, CohortName: c.Name,
		Title: c.Title() + " " + title, Author: strings.Join(c.Hosts, "、"), Filename: filename, MIME: mime}
}

func summaryParsedDoc(p *program.Programme, c *program.Cohort) archive.Doc {
	return summaryDoc(p, c, summaryParsedFile, "承办单位总结（解析数据）", "application/json")
}

// SummaryFile is one uploaded file: the name it came with and its bytes.
type SummaryFile struct {
	Name string
	Data []byte
}

// ImportSummary reads the filled templates of cohort n, checks them all
// and, only if every file is acceptable, archives the originals as
// received and the summary read from them (merged with the parts
// already submitted) in one batch. The error of a bad file is a
// program.SummaryErrors naming file, section or sheet, cell and reason;
// then nothing is stored.
func ImportSummary(ctx context.Context, a *archive.Archive, p *program.Programme, n int, files []SummaryFile, now time.Time) (*program.Summary, *archive.Manifest, error) {
	c, next, err := readSummaryFiles(p, n, files, now)
	if err != nil {
		return nil, nil, err
	}
	cur, err := LoadSummary(ctx, a, p, n)
	if err != nil {
		return nil, nil, err
	}
	if cur != nil {
		// A file already received keeps its first receipt time: sending
		// the same file again is not a new submission (and stores nothing).
		for i, src := range next.Sources {
			for _, old := range cur.Sources {
				if old.Part == src.Part && old.SHA256 == src.SHA256 {
					next.Sources[i].Received = old.Received
				}
			}
		}
	}
	merged := cur.Merge(next)
	runID := "summary-" + NewRunID(now)
	b, err := a.Begin(ctx, runID, "")
	if err != nil {
		return nil, nil, fmt.Errorf("开始归档总结：%w", err)
	}
	fail := func(err error) (*program.Summary, *archive.Manifest, error) {
		if aerr := b.Abort(context.WithoutCancel(ctx)); aerr != nil {
			err = errors.Join(err, fmt.Errorf("撤销未完成的归档批次 %s：%w", runID, aerr))
		}
		return nil, nil, err
	}
	for _, f := range files {
		var d archive.Doc
		for _, src := range next.Sources {
			if src.File != f.Name {
				continue
			}
			if src.Part == program.PartNarrative {
				d = summaryDoc(p, c, summaryNarrativeFile, "承办单位总结报告（原件："+f.Name+"）", mimeDOCX)
			} else {
				d = summaryDoc(p, c, summaryDataFile, "承办单位总结数据（原件："+f.Name+"）", mimeXLSX)
			}
		}
		d.Date, d.Body = now, f.Data
		if _, err := b.Add(ctx, d); err != nil {
			return fail(fmt.Errorf("归档 %s：%w", f.Name, err))
		}
	}
	var buf bytes.Buffer
	if err := merged.Encode(&buf); err != nil {
		return fail(err)
	}
	d := summaryParsedDoc(p, c)
	d.Date, d.Body = latestReceipt(merged), buf.Bytes()
	if _, err := b.Add(ctx, d); err != nil {
		return fail(fmt.Errorf("归档总结数据：%w", err))
	}
	// The same files again: nothing new to keep, no manifest.
	m, _, err := b.CommitIfChanged(ctx)
	if err != nil {
		return nil, nil, err // a *SpoolError keeps everything for `linghang archive flush`
	}
	return merged, m, nil
}

// PreviewSummary checks the files like ImportSummary and returns the
// summary an import would make (merged with the parts already
// submitted), storing nothing: what the web upload shows before the host
// unit confirms. Its errors are ImportSummary's.
func PreviewSummary(ctx context.Context, a *archive.Archive, p *program.Programme, n int, files []SummaryFile, now time.Time) (*program.Summary, error) {
	_, next, err := readSummaryFiles(p, n, files, now)
	if err != nil {
		return nil, err
	}
	cur, err := LoadSummary(ctx, a, p, n)
	if err != nil {
		return nil, err
	}
	return cur.Merge(next), nil
}

// readSummaryFiles reads every file for cohort n; a program.SummaryErrors
// lists the problems of all of them.
func readSummaryFiles(p *program.Programme, n int, files []SummaryFile, now time.Time) (*program.Cohort, *program.Summary, error) {
	c, ok := p.Cohort(n)
	if !ok {
		return nil, nil, fmt.Errorf("第%d期不在%d年计划中（共%d期）", n, p.Year, len(p.Cohorts))
	}
	if len(files) == 0 {
		return nil, nil, errors.New("没有要导入的总结文件")
	}
	var errs program.SummaryErrors
	var next *program.Summary
	seen := map[string]string{}
	for _, f := range files {
		s, err := program.ReadSummaryFile(f.Name, f.Data, p.Year, c, now)
		var se program.SummaryErrors
		switch {
		case errors.As(err, &se):
			errs = append(errs, se...)
			continue
		case err != nil:
			return nil, nil, err
		}
		part := s.Sources[0].Part
		if prev, dup := seen[part]; dup {
			errs = append(errs, &program.SummaryError{File: f.Name, Reason: fmt.Sprintf("与 %s 是同一种总结文件：一次只能提交一份总结报告（DOCX）和一份总结数据（XLSX）", prev)})
			continue
		}
		seen[part] = f.Name
		next = next.Merge(s)
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	return c, next, nil
}

// LoadSummary reads the current summary of cohort n; nil (and no error)
// when none has been submitted.
func LoadSummary(ctx context.Context, a *archive.Archive, p *program.Programme, n int) (*program.Summary, error) {
	c, ok := p.Cohort(n)
	if !ok {
		return nil, fmt.Errorf("第%d期不在%d年计划中", n, p.Year)
	}
	key, err := archive.DocKey(summaryParsedDoc(p, c))
	if err != nil {
		return nil, err
	}
	rc, entry, err := a.Open(ctx, key, 0)
	if errors.Is(err, storage.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("读取%s的总结：%w", c.Title(), err)
	}
	data, err := io.ReadAll(rc) // reading to the end checks the SHA-256
	rc.Close()
	if err != nil {
		return nil, fmt.Errorf("读取 %s：%w", entry.Object, err)
	}
	s, err := program.DecodeSummary(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%s：%w", entry.Object, err)
	}
	if s.Year != p.Year || s.Cohort != n {
		return nil, fmt.Errorf("%s 中的总结属于%d年第%d期，而不是%d年第%d期", entry.Object, s.Year, s.Cohort, p.Year, n)
	}
	return s, nil
}

// LoadSummaries reads the current summary of every cohort that has one.
func LoadSummaries(ctx context.Context, a *archive.Archive, p *program.Programme) (map[int]*program.Summary, error) {
	es, err := a.Find(ctx, archive.Query{Year: p.Year, Kind: archive.Summary})
	if err != nil {
		return nil, fmt.Errorf("查找%d年的总结：%w", p.Year, err)
	}
	has := map[int]bool{}
	for _, e := range es {
		if strings.HasSuffix(e.Key, "/"+summaryParsedFile) {
			has[e.Cohort] = true
		}
	}
	out := map[int]*program.Summary{}
	for _, c := range p.Cohorts {
		if !has[c.Number] {
			continue
		}
		s, err := LoadSummary(ctx, a, p, c.Number)
		if err != nil {
			return nil, err
		}
		if s != nil {
			out[c.Number] = s
		}
	}
	return out, nil
}

func latestReceipt(s *program.Summary) time.Time {
	var t time.Time
	for _, src := range s.Sources {
		if src.Received.After(t) {
			t = src.Received
		}
	}
	return t
}

// ImportSampleSummaries submits demo summaries for every cohort with
// applicants, as if each host unit had filled in its templates
// (render.SampleSummaryFiles) and sent them ten days after the end, at
// 10:00 Beijing time — dated from the data, so a second demo stores
// nothing new. It returns how many cohorts were imported.
func ImportSampleSummaries(ctx context.Context, a *archive.Archive, p *program.Programme, as []program.Applicant, seed uint64) (int, error) {
	has := map[int]bool{}
	for _, ap := range as {
		has[ap.Cohort] = true
	}
	n := 0
	for _, c := range p.Cohorts {
		if !has[c.Number] || c.End.IsZero() {
			continue
		}
		docx, xlsx, err := render.SampleSummaryFiles(p, c.Number, as, seed)
		if err != nil {
			return n, err
		}
		at := c.End.AddDate(0, 0, 10).Add(2 * time.Hour) // 10:00 in Beijing
		files := []SummaryFile{{Name: "总结报告.docx", Data: docx}, {Name: "总结数据.xlsx", Data: xlsx}}
		if _, _, err := ImportSummary(ctx, a, p, c.Number, files, at); err != nil {
			return n, fmt.Errorf("%s 的样例总结：%w", c.Title(), err)
		}
		n++
	}
	return n, nil
}
