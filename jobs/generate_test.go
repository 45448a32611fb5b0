package jobs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"linghang/storage/archive"
)

type memSink struct {
	mu   sync.Mutex
	docs []string
	body map[string]string
}

func (m *memSink) Add(_ context.Context, d archive.Doc) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d.Filename == "sink-fails" {
		return errors.New("store down")
	}
	m.docs = append(m.docs, d.Filename)
	if m.body == nil {
		m.body = map[string]string{}
	}
	m.body[d.Filename] = string(d.Body)
	return nil
}

func TestGenerateCollectsFailures(t *testing.T) {
	var docs []Doc
	for i := 0; i < 40; i++ {
		name := fmt.Sprintf("doc-%02d", i)
		docs = append(docs, Doc{Doc: archive.Doc{Filename: name}, Render: func(w io.Writer) error {
			_, err := io.WriteString(w, "body of "+name)
			return err
		}})
	}
	docs[7].Render = func(io.Writer) error { return errors.New("缺字 U+20BB7 𠮷") }
	docs[9].Render = func(io.Writer) error { panic("renderer bug") }
	docs[11].Filename = "sink-fails"

	sink := &memSink{}
	var calls int
	res, err := Generate(context.Background(), docs, sink, 3, func(done, total int) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if res.Done != 37 || len(res.Failures) != 3 {
		t.Fatalf("done=%d failures=%v", res.Done, res.Failures)
	}
	if calls != 40 {
		t.Errorf("progress called %d times, want 40", calls)
	}
	if len(sink.docs) != 37 {
		t.Fatalf("sink got %d documents, want 37", len(sink.docs))
	}
	for i := 0; i < 40; i++ {
		name := fmt.Sprintf("doc-%02d", i)
		if _, ok := sink.body[name]; ok != (i != 7 && i != 9 && i != 11) {
			t.Errorf("%s archived = %v", name, ok)
		}
	}
	if got := sink.body["doc-05"]; got != "body of doc-05" {
		t.Errorf("body = %q", got)
	}
	var msgs []string
	for _, f := range res.Failures {
		msgs = append(msgs, f.Err.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"𠮷", "内部错误", "store down"} {
		if !strings.Contains(all, want) {
			t.Errorf("failures %q lack %q", all, want)
		}
	}
}

func TestGenerateStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	docs := make([]Doc, 100)
	for i := range docs {
		i := i
		docs[i] = Doc{Doc: archive.Doc{Filename: fmt.Sprint(i)}, Render: func(w io.Writer) error {
			if i == 10 {
				cancel()
			}
			return nil
		}}
	}
	res, err := Generate(ctx, docs, &memSink{}, 2, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if res.Done >= 100 {
		t.Fatalf("all %d documents done despite cancel", res.Done)
	}
}
