package main

import (
	"context"
	"fmt"
	"strings"

	"linghang/jobs"
	"linghang/program"
	"linghang/storage"
	"linghang/storage/archive"
)

// openArchive opens the archive over the store named by storeFlag (else
// LINGHANG_STORE, else ./linghang-data), spooling to LINGHANG_SPOOL.
func openArchive(ctx context.Context, e *env, storeFlag string) (*archive.Archive, storage.Store, error) {
	return (&settings{store: storeFlag}).openArchive(ctx, e)
}

// loadApplicants returns the applicants every render command works on:
// read from file (XLSX, CSV or JSON, validated like `linghang import`,
// photos from photosDir) when file is given, else the current set of
// prog's year from the archive, with its photos. A file with rejected
// rows is an error; its table of problems goes to stderr.
func loadApplicants(ctx context.Context, e *env, prog *program.Programme, file, photosDir, storeFlag string) (*program.ApplicantSet, error) {
	if file != "" {
		set, rep, err := program.ImportFile(ctx, file, intakeOptions(e, prog, photosDir, false))
		if ve, ok := program.AsValidationError(err); ok {
			fmt.Fprintf(e.stderr, "%s 有 %d 行不合格：\n", rep.File, rep.Rejected)
			ve.Errors.WriteTable(e.stderr)
			return nil, fmt.Errorf("学员数据 %s 有 %d 行不合格（见上表），请修正后重试，或先用 linghang import --check 检查", file, rep.Rejected)
		}
		if err != nil {
			return nil, err
		}
		return set, nil
	}
	a, st, err := openArchive(ctx, e, storeFlag)
	if err != nil {
		return nil, err
	}
	return jobs.LoadApplicants(ctx, a, st, prog.Year)
}

// loadApplicantsForBatch is loadApplicants for commands that make one
// document per person (filled forms): rows of a file that fail validation
// — a corrupt photo, a bad ID — are reported on stderr and left out, and
// the others go ahead. rejected has one line per left-out row for the
// batch's summary of failures.
func loadApplicantsForBatch(ctx context.Context, e *env, prog *program.Programme, file, photosDir, storeFlag string) (set *program.ApplicantSet, rejected []string, err error) {
	if file == "" {
		set, err = loadApplicants(ctx, e, prog, file, photosDir, storeFlag)
		return set, nil, err
	}
	set, rep, err := program.ImportFile(ctx, file, intakeOptions(e, prog, photosDir, true))
	if err != nil {
		return nil, nil, err
	}
	if rep.Rejected == 0 {
		return set, nil, nil
	}
	fmt.Fprintf(e.stderr, "%s 有 %d 行不合格，不为其生成文档：\n", rep.File, rep.Rejected)
	rep.Errors.WriteTable(e.stderr)
	byRow := map[int][]string{}
	var rows []int
	for _, fe := range rep.Errors {
		if _, seen := byRow[fe.Row]; !seen {
			rows = append(rows, fe.Row)
		}
		byRow[fe.Row] = append(byRow[fe.Row], strings.TrimSpace(fe.Column+" "+fe.Reason))
	}
	for _, r := range rows {
		rejected = append(rejected, fmt.Sprintf("%s 第%d行：%s", rep.File, r, strings.Join(byRow[r], "；")))
	}
	return set, rejected, nil
}

// intakeOptions are the import options of commands that read an
// applicant file directly: the configured limits (LINGHANG_IMPORT_MAX_*,
// ignored here when malformed: import reports that) and the default fonts'
// coverage, so a character no font has is named at its row.
func intakeOptions(e *env, prog *program.Programme, photosDir string, partial bool) program.ImportOptions {
	o := program.ImportOptions{Programme: prog, PhotosDir: photosDir, Partial: partial}
	if lim, err := program.LimitsFromEnv(e.getenv); err == nil {
		o.Limits = lim
	}
	if f, err := loadFonts(e, ""); err == nil {
		o.Covers = f.Covers
	}
	return o
}
