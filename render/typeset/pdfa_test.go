package typeset

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"linghang/render/pdfa"
)

func TestPDFA2b(t *testing.T) {
	fs := mustFonts(t)
	created := time.Date(2022, 3, 31, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	write := func(plain bool) []byte {
		d := New(fs, "样张", A4, Info{Title: "关于开展2022年“领航计划”的通知", Author: "中国科协办公厅", Subject: "通知",
			Keywords: "领航计划 2022", Number: "科协办函组字〔2022〕47号", Created: created, Plain: plain})
		if err := d.Text(20, 30, "正文（刘䶮）", Style{}); err != nil {
			t.Fatal(err)
		}
		d.Fill(Rect{X: 20, Y: 40, W: 100, H: 1}, Color{R: 255})
		return readPDF(t, writePDF(t, d))
	}
	pdf := write(false)
	md, err := pdfa.Check(pdf)
	if err != nil {
		t.Fatal(err)
	}
	want := pdfa.Metadata{Part: "2", Conformance: "B", Title: "关于开展2022年“领航计划”的通知", Creator: "中国科协办公厅",
		Subject: "通知", Identifier: "科协办函组字〔2022〕47号", Keywords: "领航计划 2022", Producer: producer, CreatorTool: "linghang",
		CreateDate: created, ModifyDate: created}
	if !md.CreateDate.Equal(want.CreateDate) || !md.ModifyDate.Equal(want.ModifyDate) {
		t.Errorf("dates %v %v, want %v", md.CreateDate, md.ModifyDate, created)
	}
	md.CreateDate, md.ModifyDate, want.CreateDate, want.ModifyDate = time.Time{}, time.Time{}, time.Time{}, time.Time{}
	if *md != want {
		t.Errorf("XMP\n%+v\nwant\n%+v", *md, want)
	}
	// pdfinfo reads the same: the Info dictionary's date carries the zone.
	p := filepath.Join(t.TempDir(), "a.pdf")
	if err := os.WriteFile(p, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if info := poppler(t, "pdfinfo", "-isodates", p); !strings.Contains(info, "2022-03-31T09:30:00+08") {
		t.Errorf("pdfinfo -isodates:\n%s", info)
	}
	// Same input, same bytes (the file ID is derived from the content).
	if !bytes.Equal(pdf, write(false)) {
		t.Error("PDF/A output differs between runs")
	}
	plain := write(true)
	if _, err := pdfa.Check(plain); err == nil || !strings.Contains(err.Error(), "6.6.2.1") || !strings.Contains(err.Error(), "6.2.2") {
		t.Errorf("plain PDF passes the PDF/A check: %v", err)
	}
}

func readPDF(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
