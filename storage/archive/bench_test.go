package archive

import (
	"context"
	"fmt"
	"io"
	"math/rand"
	"testing"
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

// BenchmarkArchive archives 1,000 documents of 100 KB in one batch on
// the fs store and reports documents per second.
func BenchmarkArchive(b *testing.B) {
	docs := benchDocs(1000, 100<<10)
	b.SetBytes(int64(len(docs)) * 100 << 10)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		a := newArchive(b, newFS(b), "")
		b.StartTimer()
		commit(b, a, fmt.Sprintf("run-%d", i), docs...)
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
}

// BenchmarkVerify verifies 1,000 archived documents of 100 KB.
func BenchmarkVerify(b *testing.B) {
	docs := benchDocs(1000, 100<<10)
	a := newArchive(b, newFS(b), "")
	commit(b, a, "run-1", docs...)
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
}

// BenchmarkArchiveParallel archives the same 1,000 documents with four
// goroutines adding to one batch, as a parallel renderer would.
func BenchmarkArchiveParallel(b *testing.B) {
	docs := benchDocs(1000, 100<<10)
	ctx := context.Background()
	b.SetBytes(int64(len(docs)) * 100 << 10)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		a := newArchive(b, newFS(b), "")
		b.StartTimer()
		batch, err := a.Begin(ctx, fmt.Sprintf("run-%d", i), "")
		if err != nil {
			b.Fatal(err)
		}
		next := make(chan Doc)
		errs := make(chan error, 4)
		for w := 0; w < 4; w++ {
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
		for w := 0; w < 4; w++ {
			if err := <-errs; err != nil {
				b.Fatal(err)
			}
		}
		m, err := batch.Commit(ctx)
		if err != nil || len(m.Entries) != len(docs) {
			b.Fatalf("commit: %v", err)
		}
	}
	b.ReportMetric(float64(len(docs)*b.N)/b.Elapsed().Seconds(), "docs/s")
}
