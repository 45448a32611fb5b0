package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"strings"
	"time"

	"linghang/jobs"
	"linghang/program"
	"linghang/render/typeset"
	"linghang/storage"
	"linghang/storage/archive"
)

// settings is the one configuration the pipeline commands share (run,
// jobs, demo, serve, render forms): each setting from its flag, else its
// LINGHANG_* environment variable, else the default; read once and
// checked at start-up, so a bad schedule or font directory fails before
// any work.
type settings struct {
	store, spool, fonts, programme, scheduleFile, order string
}

// register adds the shared flags to fs.
func (s *settings) register(fs *flag.FlagSet) {
	fs.StringVar(&s.store, "store", "", "归档存储：本地目录或 s3://存储桶/前缀（默认 $LINGHANG_STORE，再默认 ./linghang-data）")
	fs.StringVar(&s.spool, "spool", "", "暂存目录：存储不可用时文档在此等待（默认 $LINGHANG_SPOOL，再默认 "+archive.DefaultSpoolDir()+"）")
	fs.StringVar(&s.fonts, "fonts", "", "字体目录（默认 $LINGHANG_FONTS，再找系统字体，最后用内置字体）")
	fs.StringVar(&s.programme, "programme", "", "年度计划 YAML 文件（默认 $LINGHANG_PROGRAMME，再默认内置的2022年计划）")
	fs.StringVar(&s.scheduleFile, "schedule-file", "", "日程文件 YAML（默认 $LINGHANG_SCHEDULE_FILE，再默认内置 templates/schedule.yaml）")
	fs.StringVar(&s.order, "order", "strokes", "名单顺序：strokes（姓氏笔画）| pinyin（拼音）| none（原顺序）")
}

// loaded is what settings resolve to.
type loaded struct {
	prog     *program.Programme
	fonts    *typeset.Fonts
	schedule *jobs.Schedule
	order    program.Order
}

// load reads the programme, fonts and schedule and checks that they fit
// together (every trigger resolves for every cohort).
func (s *settings) load(e *env) (*loaded, error) {
	if s.programme == "" {
		s.programme = e.getenv("LINGHANG_PROGRAMME")
	}
	if s.scheduleFile == "" {
		s.scheduleFile = e.getenv("LINGHANG_SCHEDULE_FILE")
	}
	order, ok := program.ParseOrder(s.order)
	if !ok {
		return nil, fmt.Errorf("--order %q 无效：可选 strokes（姓氏笔画）、pinyin（拼音）、none（原顺序）", s.order)
	}
	prog, err := loadProgramme(s.programme)
	if err != nil {
		return nil, err
	}
	sched, err := jobs.LoadSchedule(s.scheduleFile)
	if err != nil {
		return nil, err
	}
	if err := sched.Check(prog); err != nil {
		return nil, err
	}
	fonts, err := loadFonts(e, s.fonts)
	if err != nil {
		return nil, err
	}
	return &loaded{prog: prog, fonts: fonts, schedule: sched, order: order}, nil
}

// openArchive opens the archive over the configured store and spool.
func (s *settings) openArchive(ctx context.Context, e *env) (*archive.Archive, storage.Store, error) {
	st, err := openStore(ctx, e, s.store)
	if err != nil {
		return nil, nil, err
	}
	spool := s.spool
	if spool == "" {
		spool = e.getenv("LINGHANG_SPOOL")
	}
	return archive.New(st, archive.Options{Program: "linghang", Version: version, SpoolDir: spool}), st, nil
}

// openArchiveRetrying is openArchive for long-running processes: an
// unreachable store is reported and retried with backoff until it
// answers or ctx ends, instead of ending the process.
func (s *settings) openArchiveRetrying(ctx context.Context, e *env) (*archive.Archive, storage.Store, error) {
	wait := 2 * time.Second
	for {
		a, st, err := s.openArchive(ctx, e)
		if err == nil || !storage.IsTransient(err) {
			return a, st, err
		}
		fmt.Fprintf(e.stderr, "归档存储暂不可用（%v），%s 后重试……\n", err, wait)
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(wait):
		}
		wait = min(wait*2, 5*time.Minute)
	}
}

// openPipeline opens the archive and builds the year's pipeline over it.
func (s *settings) openPipeline(ctx context.Context, e *env, l *loaded) (*jobs.Pipeline, error) {
	a, st, err := s.openArchive(ctx, e)
	if err != nil {
		return nil, err
	}
	return l.pipeline(e, a, st)
}

// pipeline builds the year's document pipeline over an open archive.
func (l *loaded) pipeline(e *env, a *archive.Archive, st storage.Store) (*jobs.Pipeline, error) {
	key, err := checkinKey(e)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(append([]byte("linghang/key-id/"), key...))
	badges, err := cycleBadges(key, "a4-8", l.prog.Date.Time)
	if err != nil {
		return nil, err
	}
	certify, certifyID, err := certifier(e, key)
	if err != nil {
		return nil, err
	}
	return &jobs.Pipeline{
		Archive: a, Store: st, Programme: l.prog, Schedule: l.schedule, Catalogue: jobs.DefaultCatalogue(),
		Fonts: l.fonts, Order: l.order, Badges: badges, KeyID: hex.EncodeToString(sum[:8]), Version: version,
		Log: newLogger(e), Retries: 2, Backoff: 5 * time.Second,
		Certify: certify, CertifyID: certifyID,
	}, nil
}

// certifier makes what a certificate's QR code holds (issue 15): its
// token with the check-in key, inside the address of the verification
// page when LINGHANG_VERIFY_URL publishes one, so that a phone's camera
// opens the page; the second result names that address for input hashes.
func certifier(e *env, key []byte) (jobs.CertifyFunc, string, error) {
	token := func(year, cohort int, n string, a *program.Applicant) string {
		return program.CertificateToken(key, year, cohort, n, a)
	}
	raw := strings.TrimSpace(e.getenv("LINGHANG_VERIFY_URL"))
	if raw == "" {
		return token, "", nil
	}
	base, err := program.ParseVerifyURL(raw)
	if err != nil {
		return nil, "", fmt.Errorf("环境变量 LINGHANG_VERIFY_URL：%w", err)
	}
	return func(year, cohort int, n string, a *program.Applicant) string {
		return program.CertificateURL(base, token(year, cohort, n, a))
	}, base.String(), nil
}
