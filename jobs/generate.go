package jobs

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"runtime"
	"sort"
	"sync"

	"linghang/storage/archive"
)

// Doc is one document a run produces: its archive description (题名,
// 期次, file name, …; Body is filled in by Generate) and how to render it.
type Doc struct {
	archive.Doc
	Render func(w io.Writer) error
}

// Sink receives rendered documents (Doc.Body set), e.g. an archive batch.
// Add is called from several goroutines at once.
type Sink interface {
	Add(ctx context.Context, d archive.Doc) error
}

// BatchSink adapts an archive batch to a Sink.
type BatchSink struct{ Batch *archive.Batch }

// Add archives d in the batch.
func (s BatchSink) Add(ctx context.Context, d archive.Doc) error {
	_, err := s.Batch.Add(ctx, d)
	return err
}

// Failure is one document that could not be rendered or stored.
type Failure struct {
	Doc Doc
	Err error
}

// Result of Generate.
type Result struct {
	Done     int
	Bytes    int64
	Failures []Failure
}

// Generate renders docs on `workers` goroutines (0: RenderWorkers) and
// stores them on storeWorkers others: a worker hands each document over
// as soon as it is rendered and renders the next while the store syncs
// (the archive sorts its manifest, so the order of Adds does not matter).
// At most storeWorkers rendered documents wait, so memory stays bounded.
// A document that fails is recorded and the rest still complete; ctx
// cancellation stops the run. progress, if not nil, is called after each
// document, from one goroutine at a time.
func Generate(ctx context.Context, docs []Doc, sink Sink, workers int, progress func(done, total int)) (Result, error) {
	if workers <= 0 {
		workers = RenderWorkers
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		mu       sync.Mutex
		res      Result
		finished int
	)
	done := func(d Doc, n int, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			res.Failures = append(res.Failures, Failure{Doc: d, Err: err})
		} else {
			res.Done++
			res.Bytes += int64(n)
		}
		finished++
		if progress != nil {
			progress(finished, len(docs))
		}
	}

	type rendered struct {
		i    int
		body []byte
	}
	toStore := make(chan rendered, storeWorkers)
	var stores sync.WaitGroup
	for range storeWorkers {
		stores.Add(1)
		go func() {
			defer stores.Done()
			for r := range toStore {
				d := docs[r.i]
				ad := d.Doc
				ad.Body = r.body
				done(d, len(r.body), sink.Add(ctx, ad))
			}
		}()
	}

	next := make(chan int)
	var renders sync.WaitGroup
	for range workers {
		renders.Add(1)
		go func() {
			defer renders.Done()
			for i := range next {
				// A fresh buffer per document, handed to the store as it
				// is: fpdf gives an empty buffer its document's bytes
				// without copying them (see third_party/fpdf/PATCHES.md).
				var buf bytes.Buffer
				if err := renderSafely(docs[i], &buf); err != nil {
					done(docs[i], 0, err)
					continue
				}
				toStore <- rendered{i, buf.Bytes()}
			}
		}()
	}
feed:
	for i := range docs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	renders.Wait()
	close(toStore)
	stores.Wait()
	sort.SliceStable(res.Failures, func(i, k int) bool { return res.Failures[i].Doc.Filename < res.Failures[k].Doc.Filename })
	if err := ctx.Err(); err != nil {
		return res, fmt.Errorf("generate: interrupted after %d of %d documents: %w", res.Done, len(docs), err)
	}
	return res, nil
}

// storeWorkers is how many documents are stored at once. Stores mostly
// wait for the disk (a sync) or the network. With the local store's
// shared file-system syncs, the more writes in flight the more each sync
// covers: 16 took the 2,000-applicant run from 18–23 s to 16 s, where 4
// gained nothing; more than 16 made no difference.
const storeWorkers = 16

// RenderWorkers is Generate's default number of render workers; 0 means
// one per processor (GOMAXPROCS). linghang sets it to the number of CPUs
// when it gives the Go scheduler a processor more than that (see
// cmd/linghang).
var RenderWorkers int

func renderSafely(d Doc, w io.Writer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("渲染 %s 时内部错误: %v", d.Filename, r)
		}
	}()
	if err := d.Render(w); err != nil {
		return fmt.Errorf("渲染 %s: %w", d.Filename, err)
	}
	return nil
}
