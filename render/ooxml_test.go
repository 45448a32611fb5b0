package render

import (
	"archive/zip"
	"bytes"
	"io"
	"testing"
	"time"
)

func TestCanonicalZipIsOrderIndependent(t *testing.T) {
	parts := map[string]string{"xl/workbook.xml": "<workbook/>", "[Content_Types].xml": "<Types/>", "_rels/.rels": "<Relationships/>", "xl/worksheets/sheet1.xml": "<worksheet/>"}
	build := func(order []string, when time.Time) []byte {
		var b bytes.Buffer
		zw := zip.NewWriter(&b)
		for _, n := range order {
			w, _ := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Store, Modified: when})
			io.WriteString(w, parts[n])
		}
		zw.Close()
		return b.Bytes()
	}
	a := build([]string{"xl/workbook.xml", "[Content_Types].xml", "_rels/.rels", "xl/worksheets/sheet1.xml"}, time.Now())
	b := build([]string{"xl/worksheets/sheet1.xml", "_rels/.rels", "xl/workbook.xml", "[Content_Types].xml"}, time.Now().Add(time.Hour))
	fixed := time.Date(2022, 4, 20, 8, 0, 0, 0, time.UTC)
	var ca, cb bytes.Buffer
	if err := canonicalZip(&ca, a, fixed); err != nil {
		t.Fatal(err)
	}
	if err := canonicalZip(&cb, b, fixed); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ca.Bytes(), cb.Bytes()) {
		t.Fatal("same parts in another order give other bytes")
	}
	zr, err := zip.NewReader(bytes.NewReader(ca.Bytes()), int64(ca.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if zr.File[0].Name != "[Content_Types].xml" {
		t.Errorf("first part %s", zr.File[0].Name)
	}
	for _, f := range zr.File {
		rc, _ := f.Open()
		got, _ := io.ReadAll(rc)
		if string(got) != parts[f.Name] {
			t.Errorf("%s = %q", f.Name, got)
		}
	}
	if err := canonicalZip(io.Discard, []byte("not a zip"), fixed); err == nil {
		t.Error("garbage accepted")
	}
}
