package program

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// prefetchPhotos switches the prefetch on (tests compare without it).
var prefetchPhotos = true

// photoPrefetch reads and normalises the photo folder's files while the
// applicant file is still being parsed (a single-threaded 2 s for 10,000
// XLSX rows, with the other processor idle). It stops taking new files
// once the rows are parsed: what it has not started is read by the row
// that names it, as before, so it holds at most what one parse's time
// lets it read. A row finds the result of its file (the same readLimited
// and normalizePhoto, so the same photo and the same refusal) and takes
// it out, so nothing is kept twice.
type photoPrefetch struct {
	mu      sync.Mutex
	started map[string]*prefetched // by path
	stop    chan struct{}
	stopped sync.Once
	wg      sync.WaitGroup
}

type prefetched struct {
	done    chan struct{}
	data    []byte // as read (nil when readErr)
	readErr error
	jpg     []byte // normalizePhoto(data, true)
	kept    bool
	normErr error
}

// prefetch starts reading the folder's photo files on one worker fewer
// than there are processors (the parse keeps one busy).
func (pf *photoFolder) prefetch(ctx context.Context) *photoPrefetch {
	var paths []string
	for _, names := range pf.byBase {
		for _, n := range names {
			switch strings.ToLower(filepath.Ext(n)) {
			case ".jpg", ".jpeg", ".png":
				paths = append(paths, filepath.Join(pf.dir, n))
			}
		}
	}
	p := &photoPrefetch{started: map[string]*prefetched{}, stop: make(chan struct{})}
	next := make(chan string)
	go func() {
		defer close(next)
		for _, path := range paths {
			select {
			case next <- path:
			case <-p.stop:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
	for range max(1, runtime.GOMAXPROCS(0)-1) {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for path := range next {
				e := &prefetched{done: make(chan struct{})}
				p.mu.Lock()
				p.started[path] = e
				p.mu.Unlock()
				e.data, e.readErr = readLimited(path, pf.maxBytes)
				if e.readErr == nil {
					e.jpg, e.kept, e.normErr = normalizePhoto(e.data, true)
				}
				close(e.done)
			}
		}()
	}
	return p
}

// finish stops taking new files and waits for those started.
func (p *photoPrefetch) finish() {
	if p == nil {
		return
	}
	p.stopped.Do(func() { close(p.stop) })
	p.wg.Wait()
}

// take hands over path's result, if it was read, and forgets it.
func (p *photoPrefetch) take(path string) *prefetched {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	e := p.started[path]
	delete(p.started, path)
	p.mu.Unlock()
	if e != nil {
		<-e.done
	}
	return e
}

// readPhoto reads path as readLimited does, or takes what the prefetch
// read; norm, when not nil, holds the photo already normalised.
func (pf *photoFolder) readPhoto(path string) (data []byte, norm *prefetched, err error) {
	if e := pf.pre.take(path); e != nil {
		return e.data, e, e.readErr
	}
	b, err := readLimited(path, pf.maxBytes)
	return b, nil, err
}
