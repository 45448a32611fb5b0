package render

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"sort"
	"time"
)

// canonicalZip rewrites an OOXML package (XLSX, DOCX) so the same content
// always gives the same bytes: excelize writes its parts in Go's random
// map order with the current time. Parts are written with
// [Content_Types].xml first (as Office writes it), then by name, each
// stamped with modified, and compressed the same way every time.
func canonicalZip(w io.Writer, pkg []byte, modified time.Time) error {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return fmt.Errorf("canonical zip: %w", err)
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.SliceStable(files, func(i, k int) bool {
		a, b := files[i].Name, files[k].Name
		if (a == "[Content_Types].xml") != (b == "[Content_Types].xml") {
			return a == "[Content_Types].xml"
		}
		return a < b
	})
	if modified.IsZero() || modified.Year() < 1980 {
		modified = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	zw := zip.NewWriter(w)
	for _, f := range files {
		rc, err := f.Open()
		if err != nil {
			return fmt.Errorf("canonical zip: open %s: %w", f.Name, err)
		}
		hw, err := zw.CreateHeader(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, Modified: modified.UTC()})
		if err == nil {
			_, err = io.Copy(hw, rc)
		}
		rc.Close()
		if err != nil {
			return fmt.Errorf("canonical zip: copy %s: %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("canonical zip: %w", err)
	}
	return nil
}
