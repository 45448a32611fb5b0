package program

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
)

// TestImportRefusesXLSXBombs: a 1 MB workbook that inflates to 1 GiB
// made import grow to 5.7 GB and die; it is now refused from the zip
// directory, before anything is inflated. The heap allocated during the
// import (an upper bound of its peak) is asserted.
func TestImportRefusesXLSXBombs(t *testing.T) {
	p := testProgramme(t)
	tests := []struct {
		name     string
		inflated int64
		want     string
	}{
		{"1GiB", 1 << 30, "bomb.xlsx 中的 xl/sharedStrings.xml 超出导入限制：单个部件解压后大小为 1025 MB，上限 64 MB"},
		{"200MiB", 200 << 20, "bomb.xlsx 中的 xl/sharedStrings.xml 超出导入限制：单个部件解压后大小为 201 MB，上限 64 MB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := bombXLSX(t, tt.inflated)
			if len(data) > 2<<20 {
				t.Fatalf("bomb is %d bytes, want ≤ 2 MB", len(data))
			}
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, _, err := Import(context.Background(), bytes.NewReader(data), "bomb.xlsx", ImportOptions{Programme: p, Now: testNow})
			runtime.ReadMemStats(&after)
			var le *LimitError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want a *LimitError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) || !strings.Contains(err.Error(), "LINGHANG_IMPORT_MAX_PART_MB") {
				t.Errorf("err = %q\nwant prefix %q and the variable to raise it", err, tt.want)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
				t.Errorf("import allocated %d MB refusing the bomb, want ≤ 32 MB", alloc>>20)
			}
		})
	}
}

func TestImportLimits(t *testing.T) {
	p := testProgramme(t)
	rows := func(n int) [][]string {
		out := make([][]string, n)
		for i := range out {
			out[i] = goodRow(i, false)
		}
		return out
	}
	wide := append(goodRow(0, false), make([]string, 40)...)
	wide[len(wide)-1] = "x"
	tests := []struct {
		name string
		data []byte
		file string
		lim  Limits
		want string
	}{
		{"xlsx rows", xlsxFile(t, rows(12), nil, nil), "a.xlsx", Limits{Rows: 10},
			"a.xlsx 中的 工作表“报名汇总” 超出导入限制：数据行数，上限 10"},
		{"xlsx cols", xlsxFile(t, [][]string{wide}, nil, nil), "a.xlsx", Limits{Cols: 20},
			"a.xlsx 中的 工作表“报名汇总” 超出导入限制：第3行的列数为 54，上限 20"},
		{"xlsx inflated", xlsxFile(t, rows(3), nil, nil), "a.xlsx", Limits{InflatedBytes: 4 << 10},
			"a.xlsx 超出导入限制：解压后总大小为"},
		{"zip parts", manyPartsZip(t, 200), "a.xlsx", Limits{Parts: 100},
			"a.xlsx 超出导入限制：部件数为 200，上限 100"},
		{"file size", writeCSV(t, append([][]string{headings}, rows(3)...)), "a.csv", Limits{FileBytes: 100},
			"a.csv 超出导入限制：文件大小为"},
		{"csv rows", writeCSV(t, append([][]string{headings}, rows(12)...)), "a.csv", Limits{Rows: 10},
			"a.csv 超出导入限制：数据行数，上限 10"},
		{"csv cols", writeCSV(t, [][]string{headings, wide}), "a.csv", Limits{Cols: 20},
			"a.csv 超出导入限制：第2行的列数为 54，上限 20"},
		{"json records", []byte(`[{},{},{}]`), "a.json", Limits{Rows: 2},
			"a.json 超出导入限制：记录数为 3，上限 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Import(context.Background(), bytes.NewReader(tt.data), tt.file, ImportOptions{Programme: p, Now: testNow, Limits: tt.lim})
			var le *LimitError
			if !errors.As(err, &le) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("err = %v\nwant a *LimitError starting %q", err, tt.want)
			}
		})
	}
	// Just under every limit: imported.
	set, _, err := Import(context.Background(), bytes.NewReader(xlsxFile(t, rows(10), nil, nil)), "a.xlsx", ImportOptions{Programme: p, Now: testNow, Limits: Limits{Rows: 10, Cols: 14}})
	if err != nil || len(set.Applicants) != 10 {
		t.Fatalf("10 rows under a limit of 10: %v", err)
	}
}

func TestLimitsFromEnv(t *testing.T) {
	env := map[string]string{"LINGHANG_IMPORT_MAX_ROWS": "20000", "LINGHANG_IMPORT_MAX_PART_MB": "8"}
	l, err := LimitsFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	want := DefaultLimits()
	want.Rows, want.PartBytes = 20000, 8<<20
	if l != want {
		t.Errorf("got %+v, want %+v", l, want)
	}
	env["LINGHANG_IMPORT_MAX_COLS"] = "十"
	if _, err := LimitsFromEnv(func(k string) string { return env[k] }); err == nil || !strings.Contains(err.Error(), "LINGHANG_IMPORT_MAX_COLS") {
		t.Errorf("bad value: err = %v, want one naming the variable", err)
	}
}

// BenchmarkRefuseBomb measures refusing the 1 GiB-inflating workbook.
func BenchmarkRefuseBomb(b *testing.B) {
	p := testProgramme(b)
	data := bombXLSX(b, 1<<30)
	b.ResetTimer()
	for b.Loop() {
		Import(context.Background(), bytes.NewReader(data), "bomb.xlsx", ImportOptions{Programme: p, Now: testNow})
	}
}

// TestImportRefusesLyingZipSizes: a part whose directory entry declares
// a small size but inflates to much more passes CheckZip; archive/zip
// stops at the declared size, so the workbook is refused as damaged
// instead of inflating past the bound.
func TestImportRefusesLyingZipSizes(t *testing.T) {
	p := testProgramme(t)
	pkg := xlsxFile(t, [][]string{goodRow(0, false)}, nil, nil)
	raw, crc := deflateRepeat(t, []byte(`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>`), 256<<20, []byte(`</t></si></sst>`))
	data := replacePart(t, pkg, "xl/sharedStrings.xml", raw, 4096, crc)
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, err := Import(context.Background(), bytes.NewReader(data), "liar.xlsx", ImportOptions{Programme: p, Now: testNow})
	runtime.ReadMemStats(&after)
	if err == nil || !strings.HasPrefix(err.Error(), "liar.xlsx 的工作表“报名汇总”第1行无法读取（文件已损坏或不完整）") {
		t.Fatalf("err = %v, want the workbook refused as damaged", err)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 32<<20 {
		t.Errorf("import allocated %d MB, want ≤ 32 MB", alloc>>20)
	}
}
