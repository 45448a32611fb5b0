package typeset

import (
	"math"
	"os"
	"strings"
	"testing"
)

// Running text on the official grid: 28 characters a line (26 after the
// indent), 22 lines a page, every text box inside the text block.
func TestOfficialGrid(t *testing.T) {
	fs := mustFonts(t)
	g := Official
	if math.Abs(g.Pitch()-225.0/22) > 1e-9 || math.Abs(g.CharPitch()-156.0/28) > 1e-9 {
		t.Fatalf("pitch %v × %v", g.Pitch(), g.CharPitch())
	}
	text := strings.Repeat("青年科技领军人才国情研修活动", 50) // 700 hanzi
	d := New(fs, "版心", g.Page, Info{Created: fixedClock})
	fit, err := d.Paragraph(g.Block(), text, g.Style(Body))
	if err != nil {
		t.Fatal(err)
	}
	if len(fit.Lines) != g.Lines {
		t.Errorf("%d lines on the page, want %d", len(fit.Lines), g.Lines)
	}
	for i, l := range fit.Lines {
		want := g.Chars
		if i == 0 {
			want -= 2
		}
		if n := len([]rune(l.Text)); n != want {
			t.Errorf("line %d has %d characters, want %d", i+1, n, want)
		}
	}
	if got, want := len([]rune(fit.Rest)), 700-(22*28-2); got != want {
		t.Errorf("rest has %d characters, want %d", got, want)
	}
	block := g.Block()
	for _, op := range d.Ops() {
		if !block.Inset(-0.1).Contains(op.Box) {
			t.Errorf("text %q at %v outside the text block %v", op.Text, op.Box, block)
		}
	}
	// Line n's baseline from Baseline matches the nth drawn line.
	for _, n := range []int{1, 5, 22} {
		var y float64
		for _, op := range d.Ops() {
			if g.LineOf(op.Box.Y+op.Box.H/2) == n {
				y = op.baseline
				break
			}
		}
		if want := g.Baseline(n, fs.Font(Body)); math.Abs(y-want) > 0.01 {
			t.Errorf("line %d: baseline %.2f, want %.2f", n, y, want)
		}
	}
}

// Page numbers: 4号 digits with dashes, 7 mm below the block, odd pages
// right and even pages left, indented one character.
func TestPageNumber(t *testing.T) {
	fs := mustFonts(t)
	g := Official
	d := New(fs, "页码", g.Page, Info{Created: fixedClock})
	for n := 1; n <= 2; n++ {
		d.AddPage()
		if err := d.PageNumber(g, n); err != nil {
			t.Fatal(err)
		}
	}
	em := PtToMM(Size4)
	for _, op := range d.Ops() {
		right := op.Box.X + op.Box.W
		switch op.Page {
		case 1:
			if math.Abs(right-(g.Left+g.Width-em)) > 0.01 {
				t.Errorf("page 1 number ends at %.2f, want %.2f", right, g.Left+g.Width-em)
			}
		case 2:
			if math.Abs(op.Box.X-(g.Left+em)) > 0.01 {
				t.Errorf("page 2 number starts at %.2f, want %.2f", op.Box.X, g.Left+em)
			}
		}
		mid := op.Box.Y + op.Box.H/2
		if got := mid - (g.Top + g.Height); math.Abs(got-7) > 0.6 {
			t.Errorf("page %d number is %.2f mm below the block, want about 7", op.Page, got)
		}
	}
	out := poppler(t, "pdftotext", "-layout", writePDF(t, d), "-")
	pages := strings.Split(out, "\f")
	// pdftotext drops the narrow spaces around the digits.
	for i, want := range []string{"—1—", "—2—"} {
		if strings.ReplaceAll(strings.TrimSpace(pages[i]), " ", "") != want {
			t.Errorf("page %d: %q, want %q", i+1, strings.TrimSpace(pages[i]), want)
		}
	}
}

// Fit shrinks the type until the text fits, down to the floor, and then
// reports what did not fit.
func TestFit(t *testing.T) {
	fs := mustFonts(t)
	box := Rect{20, 20, 60, 14}
	tests := []struct {
		name     string
		text     string
		size     float64
		floor    float64
		wantSize float64 // 0: just check < size
		overflow bool
	}{
		{"fits as is", "中国科协", 12, 8, 12, false},
		{"shrinks to fit", "中国科学技术协会党校科技人才领航计划青年科技领军人才国情研修班", 16, 6, 0, false},
		{"overflows at the floor", strings.Repeat("领航计划", 40), 16, 10, 10, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New(fs, "测试", A4, Info{Created: fixedClock})
			fit, err := d.Fit(box, tt.text, Style{Size: tt.size, Leading: PtToMM(tt.size) * 1.2}, tt.floor)
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantSize != 0 && fit.Size != tt.wantSize || tt.wantSize == 0 && !(fit.Size < tt.size && fit.Size >= tt.floor) {
				t.Errorf("size %v, want %v", fit.Size, tt.wantSize)
			}
			if fit.Overflow() != tt.overflow {
				t.Errorf("overflow %v (rest %q), want %v", fit.Overflow(), fit.Rest, tt.overflow)
			}
			var drawn strings.Builder
			for _, op := range d.Ops() {
				drawn.WriteString(op.Text)
				if !box.Contains(op.Box) {
					t.Errorf("%q at %v outside %v", op.Text, op.Box, box)
				}
			}
			if drawn.String()+fit.Rest != tt.text {
				t.Errorf("drawn %q + rest %q != text", drawn.String(), fit.Rest)
			}
		})
	}
}

// TestSamplePage writes the sample notice page for a person to look at:
// LINGHANG_SAMPLE=/tmp/sample.pdf go test -run SamplePage ./render/typeset/
func TestSamplePage(t *testing.T) {
	out := os.Getenv("LINGHANG_SAMPLE")
	if out == "" {
		t.Skip("set LINGHANG_SAMPLE=file.pdf to write the sample page")
	}
	d, err := samplePage(mustFonts(t))
	if err != nil {
		t.Fatal(err)
	}
	fh, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if err := d.Write(fh); err != nil {
		t.Fatal(err)
	}
}

// samplePage is a notice page on the official grid using every role.
func samplePage(fs *Fonts) (*Document, error) {
	g := Official
	d := New(fs, "样张", g.Page, Info{Title: "样张", Author: "中国科协办公厅", Created: fixedClock})
	body := g.Style(Body)
	steps := []func() error{
		func() error {
			return d.Text(g.Left+g.Width/2, g.Top+20, "中国科协办公厅", Style{Role: Title, Size: 44, Color: Red, Align: Center})
		},
		func() error {
			d.Line(g.Left, g.Top+30, g.Left+g.Width, g.Top+30, Pen{Width: 0.6, Color: Red})
			_, err := d.Paragraph(g.LineBox(4, 2), "中国科协办公厅关于开展2022年“领航计划”青年科技领军人才国情研修活动的通知", Style{Role: Title, Size: Size2, Align: Center, Leading: g.Pitch()})
			return err
		},
		func() error {
			_, err := d.Paragraph(g.LineBox(7, 2), "各全国学会、协会、研究会，各省、自治区、直辖市科协，新疆生产建设兵团科协，各有关单位：", g.Style(Table))
			return err
		},
		func() error {
			_, err := d.Paragraph(g.LineBox(9, 4), "为深入学习贯彻习近平新时代中国特色社会主义思想，全面落实中央人才工作会议精神，充分发挥科协系统党校对科技人才政治引领作用，有效激发科协系统组织活力——定于2022年开展10期青年科技领军人才国情研修活动……", body)
			return err
		},
		func() error {
			return d.Text(g.Left+2*g.CharPitch(), g.Baseline(13, fs.Font(Heading1)), "一、重要意义", g.Style(Heading1))
		},
		func() error {
			return d.Text(g.Left+2*g.CharPitch(), g.Baseline(14, fs.Font(Heading2)), "（一）整体安排", g.Style(Heading2))
		},
		func() error {
			_, err := d.Paragraph(g.LineBox(15, 6), "依托科协系统网上党校平台（http://xuexi.cast.org.cn/）强化全流程管理。活动开始前30日，组织学员填写《“领航计划”青年科技领军人才国情研修活动报名表》并通过平台提交。学员刘䶮、张喆、王堃参加。", body)
			return err
		},
		func() error { return d.PageNumber(g, 1) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// Text continued over pages keeps every character, in order, and a
// paragraph broken across pages gets no second indent.
func TestContinueOverPages(t *testing.T) {
	fs := mustFonts(t)
	g := Official
	para := strings.Repeat("青年科技领军人才国情研修活动。", 30)
	text := para + "\n" + "Leadership programme for young scientists, hosted by ten units. " + para
	d := New(fs, "续页", g.Page, Info{Created: fixedClock})
	st := g.Style(Body)
	fit, err := d.Paragraph(g.Block(), text, st)
	if err != nil {
		t.Fatal(err)
	}
	var all []Line
	all = append(all, fit.Lines...)
	pages := 1
	for fit.Overflow() {
		d.AddPage()
		pages++
		prevMore := fit.more
		if fit, err = d.Continue(g.Block(), fit, st); err != nil {
			t.Fatal(err)
		}
		if len(fit.Lines) == 0 {
			t.Fatal("Continue placed nothing")
		}
		if first := fit.Lines[0]; prevMore && first.Indent != 0 || !prevMore && first.Indent == 0 {
			t.Errorf("page %d: first line indent %.1f mm, continuing a paragraph: %v", pages, first.Indent, prevMore)
		}
		all = append(all, fit.Lines...)
	}
	if pages < 2 {
		t.Fatalf("text fit on one page; make it longer")
	}
	var got strings.Builder
	for i, l := range all {
		got.WriteString(l.Text)
		if l.spaceAfter {
			got.WriteString(" ")
		}
		if l.End && i < len(all)-1 {
			got.WriteString("\n")
		}
	}
	if got.String() != strings.TrimSpace(text) {
		t.Errorf("text over %d pages differs from the input:\n%q\nwant\n%q", pages, got.String(), strings.TrimSpace(text))
	}
}
