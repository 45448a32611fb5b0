package jobs

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"linghang/storage/archive"
)

// DirSink writes each document into a folder with the archive's layout
// below the year: 第03期-江苏省科协党校班/报名表/报名表-张三-002X.pdf.
//
// Each file is written to a temporary name and renamed only once its
// bytes are on disk, so a file under its own name is always whole. The
// files are synced in groups, beside the rendering: one syncfs(2) per
// group on Linux (elsewhere one fsync per file), then the group's
// renames. A sync per file, even sixteen at a time, kept a processor
// waiting in the kernel for a quarter of render forms. Close syncs what
// is left, makes the renames durable and reports any file that failed.
type DirSink struct {
	Dir string

	mu       sync.Mutex
	cond     *sync.Cond
	n        int
	errs     []error
	pending  []tempFile // written, not yet synced
	flushing bool
	dirs     map[string]bool // folders with renames not yet synced
}

// tempFile is a document written under a temporary name.
type tempFile struct {
	f    *os.File
	path string // its final name
}

const (
	dirSinkGroup   = 32  // files synced together
	dirSinkPending = 256 // Add waits while this many are unsynced
)

// Add writes d under the folder; it is durable once Close returns.
func (s *DirSink) Add(_ context.Context, d archive.Doc) error {
	key, err := archive.DocKey(d)
	if err != nil {
		return err
	}
	rel := strings.TrimPrefix(key, fmt.Sprintf("%d/", d.Year))
	path := filepath.Join(s.Dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("创建目录 %s：%w", filepath.Dir(path), err)
	}
	tmp, err := writeTemp(path, d.Body)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cond == nil {
		s.cond = sync.NewCond(&s.mu)
	}
	for len(s.pending) >= dirSinkPending && s.flushing {
		s.cond.Wait()
	}
	s.pending = append(s.pending, tempFile{tmp, path})
	if len(s.pending) >= dirSinkGroup && !s.flushing {
		s.startFlush()
	}
	return nil
}

// startFlush syncs and renames the pending files in the background.
// Call with s.mu held.
func (s *DirSink) startFlush() {
	group := s.pending
	s.pending = nil
	s.flushing = true
	go func() {
		s.flush(group)
		s.mu.Lock()
		defer s.mu.Unlock()
		s.flushing = false
		if len(s.pending) >= dirSinkGroup {
			s.startFlush()
		}
		s.cond.Broadcast()
	}()
}

// flush syncs the group's files, then renames each to its name.
func (s *DirSink) flush(group []tempFile) {
	files := make([]*os.File, len(group))
	for i, t := range group {
		files[i] = t.f
	}
	syncErr := syncFiles(files)
	var errs []error
	renamed := 0
	var dirs []string
	for _, t := range group {
		err := syncErr
		if cerr := t.f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(t.f.Name(), t.path)
		}
		if err != nil {
			os.Remove(t.f.Name())
			errs = append(errs, fmt.Errorf("写入 %s: %w", t.path, err))
			continue
		}
		renamed++
		dirs = append(dirs, filepath.Dir(t.path))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n += renamed
	s.errs = append(s.errs, errs...)
	if s.dirs == nil {
		s.dirs = map[string]bool{}
	}
	for _, d := range dirs {
		s.dirs[d] = true
	}
}

// Close waits until every file added is synced and in place under its
// name, durably, and returns the errors of those that are not.
func (s *DirSink) Close() error {
	s.mu.Lock()
	if s.cond == nil {
		s.cond = sync.NewCond(&s.mu)
	}
	for s.flushing {
		s.cond.Wait()
	}
	group := s.pending
	s.pending = nil
	s.mu.Unlock()
	if len(group) > 0 {
		s.flush(group)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.dirs) > 0 {
		dirs := make([]string, 0, len(s.dirs))
		for d := range s.dirs {
			dirs = append(dirs, d)
		}
		s.dirs = nil
		if err := syncDirs(dirs); err != nil {
			s.errs = append(s.errs, fmt.Errorf("同步目录 %s：%w", s.Dir, err))
		}
	}
	return errors.Join(s.errs...)
}

// Written is the number of files written.
func (s *DirSink) Written() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n
}
