package typeset

import (
	"io"
	"syscall"
	"testing"
	"time"
)

// onePage renders a one-page document in three roles: a title, a
// heading and a justified paragraph on the GB/T 9704 grid.
func onePage(fs *Fonts) (*Document, error) {
	g := Official
	d := New(fs, "基准", A4, Info{Title: "基准", Created: fixedClock})
	if err := d.Text(105, 50, "“领航计划”青年科技领军人才国情研修活动报名表", Style{Role: Title, Size: Size2, Align: Center}); err != nil {
		return nil, err
	}
	if err := d.Text(g.Left, g.Baseline(3, fs.Font(Heading1)), "一、重要意义", Style{Role: Heading1}); err != nil {
		return nil, err
	}
	if _, err := d.Paragraph(g.LineBox(4, 10), "习近平总书记指出，要深入实施新时代人才强国战略，加快建设世界重要人才中心和创新高地，强调做好人才工作必须坚持正确政治方向，不断加强和改进知识分子工作，鼓励人才深怀爱国之心、砥砺报国之志，主动担负起时代赋予的使命责任。", g.Style(Body)); err != nil {
		return nil, err
	}
	if err := d.PageNumber(g, 1); err != nil {
		return nil, err
	}
	return d, nil
}

// renderOne renders onePage to w.
func renderOne(fs *Fonts, w io.Writer) error {
	d, err := onePage(fs)
	if err != nil {
		return err
	}
	return d.Write(w)
}

// BenchmarkDocument measures whole documents: layout, subsetting, fpdf
// and output. Fonts are parsed once, before the timer.
// It also reports CPU time per document, which does not depend on how
// busy the machine is (docs/s does).
func BenchmarkDocument(b *testing.B) {
	fs := mustFonts(b)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		if err := renderOne(fs, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
	b.ReportMetric((cpuTime()-cpu0).Seconds()*1000/float64(b.N), "cpu-ms/doc")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkDocumentParallel(b *testing.B) {
	fs := mustFonts(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := renderOne(fs, io.Discard); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkBreak(b *testing.B) {
	fs := mustFonts(b)
	text := "习近平总书记指出，要深入实施新时代人才强国战略，加快建设世界重要人才中心和创新高地，强调做好人才工作必须坚持正确政治方向，不断加强和改进知识分子工作。"
	st := Official.Style(Body)
	for b.Loop() {
		if _, err := fs.Break(text, st, Official.Width); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoadEmbedded(b *testing.B) {
	for b.Loop() {
		if _, err := resolveUncached(); err != nil {
			b.Fatal(err)
		}
	}
}

// resolveUncached parses the embedded fonts from scratch: the one-off
// start-up cost of a process.
func resolveUncached() (*Fonts, error) {
	cacheMu.Lock()
	saved := fileCache
	fileCache = map[string][]*Font{}
	defer func() { fileCache = saved; cacheMu.Unlock() }()
	return resolve("", false)
}

// Documents sharing one Fonts render concurrently (run with -race).
func TestConcurrentDocuments(t *testing.T) {
	fs := mustFonts(t)
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		go func() {
			errs <- renderOne(fs, io.Discard)
		}()
	}
	for i := 0; i < 8; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// BenchmarkHundredPages renders one 100-page document (a bound set of
// forms): fonts are embedded once, so pages cost only layout and drawing.
func BenchmarkHundredPages(b *testing.B) {
	fs := mustFonts(b)
	g := Official
	text := "习近平总书记指出，要深入实施新时代人才强国战略，加快建设世界重要人才中心和创新高地，强调做好人才工作必须坚持正确政治方向。"
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		d := New(fs, "合订本", A4, Info{Created: fixedClock})
		for p := 1; p <= 100; p++ {
			d.AddPage()
			if err := d.Text(105, 50, "“领航计划”青年科技领军人才国情研修活动报名表", Style{Role: Title, Size: Size2, Align: Center}); err != nil {
				b.Fatal(err)
			}
			for i := 0; i < 6; i++ {
				if _, err := d.Paragraph(g.LineBox(3+3*i, 3), text, g.Style(Body)); err != nil {
					b.Fatal(err)
				}
			}
			if err := d.PageNumber(g, p); err != nil {
				b.Fatal(err)
			}
		}
		if err := d.Write(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric((cpuTime()-cpu0).Seconds()*1000/float64(b.N)/100, "cpu-ms/page")
}
