package program

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"hash/crc32"
	"io"
	"strconv"
	"testing"
)

// deflateRepeat returns a raw DEFLATE stream that inflates to prefix,
// then n bytes of 'A', then suffix, built in well under a second: one
// MiB of 'A' is compressed once and its (byte-aligned, non-final)
// blocks repeated, which is how a real zip bomb of 1 MB reaches 1 GiB.
// It also returns the CRC-32 of the inflated bytes.
func deflateRepeat(t testing.TB, prefix []byte, n int64, suffix []byte) ([]byte, uint32) {
	t.Helper()
	const block = 1 << 20
	if n%block != 0 {
		t.Fatalf("deflateRepeat: %d is not a multiple of 1 MiB", n)
	}
	flush := func(b []byte, final bool) []byte {
		var out bytes.Buffer
		w, err := flate.NewWriter(&out, flate.BestCompression)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
		if final {
			err = w.Close()
		} else {
			err = w.Flush()
		}
		if err != nil {
			t.Fatal(err)
		}
		return out.Bytes()
	}
	as := bytes.Repeat([]byte("A"), block)
	seg := flush(as, false)
	var out bytes.Buffer
	out.Write(flush(prefix, false))
	crc := crc32.Update(0, crc32.IEEETable, prefix)
	for i := int64(0); i < n/block; i++ {
		out.Write(seg)
		crc = crc32.Update(crc, crc32.IEEETable, as)
	}
	out.Write(flush(suffix, true))
	crc = crc32.Update(crc, crc32.IEEETable, suffix)
	return out.Bytes(), crc
}

// replacePart rewrites a zip (an XLSX) with the part name replaced by a
// raw DEFLATE stream of the given inflated size and CRC (added if absent).
func replacePart(t testing.TB, pkg []byte, name string, raw []byte, size int64, crc uint32) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name == name {
			continue
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate})
		if err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(w, rc)
		rc.Close()
	}
	w, err := zw.CreateRaw(&zip.FileHeader{Name: name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64: uint64(len(raw)), UncompressedSize64: uint64(size)})
	if err != nil {
		t.Fatal(err)
	}
	w.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// bombXLSX returns a workbook (header and one good row) whose shared
// strings hold one cell of inflated bytes of 'A': about 1 MB on disk for
// 1 GiB inflated.
func bombXLSX(t testing.TB, inflated int64) []byte {
	t.Helper()
	pkg := xlsxFile(t, [][]string{goodRow(0, false)}, nil, nil)
	raw, crc := deflateRepeat(t, []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>`),
		inflated, []byte(`</t></si></sst>`))
	pre := int64(len(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+"\n"+
		`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>`)) + int64(len(`</t></si></sst>`))
	return replacePart(t, pkg, "xl/sharedStrings.xml", raw, inflated+pre, crc)
}

// manyPartsZip returns a zip of n empty entries: a directory bomb.
func manyPartsZip(t testing.TB, n int) []byte {
	t.Helper()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for i := range n {
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: "p/" + strconv.Itoa(i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
