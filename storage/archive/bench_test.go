package archive

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"testing"

	"linghang/storage"
)

// benchDocs makes n documents of about size bytes spread over ten
// cohorts, like a year's registration forms.
func benchDocs(n, size int) []Doc {
	r := rand.New(rand.NewSource(1))
	docs := make([]Doc, n)
	for i := range docs {
		body := make([]byte, size)
		r.Read(body)
		docs[i] = formDoc(1+i%10, "科协党校班", fmt.Sprintf("学员%04d", i), fmt.Sprintf("%04d", i), "")
		docs[i].Body = body
	}
	return docs
}

// forEachStoreB runs a benchmark on the fs store and, when configured, S3.
func forEachStoreB(b *testing.B, fn func(b *testing.B, newStore func(testing.TB) storage.Store)) {
	bs := []backend{{"fs", func(t testing.TB) storage.Store { return newFS(t) }}}
	if s3Backend != nil {
		bs = append(bs, *s3Backend)
	}
	for _, be := range bs {
		b.Run(be.name, func(b *testing.B) { fn(b, be.new) })
	}
}

// addAll adds docs to a new batch from `workers` goroutines and commits.
func addAll(b *testing.B, a *Archive, run string, docs []Doc, workers int) {
	ctx := context.Background()
	batch, err := a.Begin(ctx, run, "")
	if err != nil {
		b.Fatal(err)
	}
	next := make(chan Doc)
	errs := make(chan error, workers)
	for w := 0; w < workers; w++ {
		go func() {
			var first error
			for d := range next {
				if _, err := batch.Add(ctx, d); err != nil && first == nil {
					first = err
				}
			}
			errs <- first
		}()
	}
	for _, d := range docs {
		next <- d
	}
	close(next)
	for w := 0; w < workers; w++ {
		if err := <-errs; err != nil {
			b.Fatal(err)
		}
	}
	m, err := batch.Commit(ctx)
	if err != nil || len(m.Entries) != len(docs) {
		b.Fatalf("commit: %d entries, %v", len(m.Entries), err)
	}
}

// BenchmarkArchive archives 1,000 documents of 100 KB in one batch, fed
// by one goroutine (as jobs.Generate does) and by four, and reports
// documents per second.
func BenchmarkArchive(b *testing.B) {
	docs := benchDocs(1000, 100<<10)
	forEachStoreB(b, func(b *testing.B, newStore func(testing.TB) storage.Store) {
		for _, workers := range []int{1, 4} {
			b.Run(fmt.Sprintf("adders=%d", workers), func(b *testing.B) {
				b.SetBytes(int64(len(docs)) * 100 << 10)
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					a := newArchive(b, newStore(b), "")
					b.StartTimer()
					addAll(b, a, fmt.Sprintf("run-%d", i), docs, workers)
				}
				b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
			})
		}
	})
}

// BenchmarkVerify verifies 1,000 archived documents of 100 KB.
func BenchmarkVerify(b *testing.B) {
	docs := benchDocs(1000, 100<<10)
	forEachStoreB(b, func(b *testing.B, newStore func(testing.TB) storage.Store) {
		a := newArchive(b, newStore(b), "")
		addAll(b, a, "run-1", docs, 4)
		ctx := context.Background()
		b.SetBytes(int64(len(docs)) * 100 << 10)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			rep, err := a.Verify(ctx, io.Discard)
			if err != nil || !rep.OK() || rep.Checked != len(docs) {
				b.Fatalf("verify: %+v %v", rep, err)
			}
		}
		b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
	})
}

// BenchmarkFind queries a year's index of 1,000 documents by name.
func BenchmarkFind(b *testing.B) {
	docs := benchDocs(1000, 1<<10)
	a := newArchive(b, newFS(b), "")
	addAll(b, a, "run-1", docs, 4)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		es, err := a.Find(ctx, Query{Year: 2022, Name: "学员0999"})
		if err != nil || len(es) != 1 {
			b.Fatalf("find: %d, %v", len(es), err)
		}
	}
}
