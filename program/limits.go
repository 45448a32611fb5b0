package program

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// Limits bounds what an import reads from a file someone handed in, so
// that a hostile or broken file (a zip bomb, a sheet of a million rows)
// is refused within a second and in bounded memory instead of taking the
// process down. A zero field means its default (DefaultLimits).
type Limits struct {
	FileBytes     int64 // size of the file itself
	InflatedBytes int64 // XLSX/DOCX/zip: all parts together, once inflated
	PartBytes     int64 // XLSX/DOCX/zip: one part, once inflated
	Parts         int   // XLSX/DOCX/zip: number of parts
	Rows          int   // data rows (blank rows not counted)
	Cols          int   // columns holding something
	PhotoBytes    int64 // one photo file
}

// DefaultLimits are generous for a year's intake (a few hundred to a few
// thousand applicants, a photo each) and far below what hurts a small
// server: a file that inflates past them is refused at its directory.
func DefaultLimits() Limits {
	return Limits{
		FileBytes:     MaxIntakeBytes,
		InflatedBytes: 512 << 20,
		PartBytes:     64 << 20,
		Parts:         50_000,
		Rows:          50_000,
		Cols:          256,
		PhotoBytes:    maxPhotoBytes,
	}
}

// limitEnv names the environment variable of each limit (MB for sizes).
var limitEnv = []struct {
	name string
	mb   bool
	set  func(*Limits, int64)
}{
	{"LINGHANG_IMPORT_MAX_FILE_MB", true, func(l *Limits, v int64) { l.FileBytes = v }},
	{"LINGHANG_IMPORT_MAX_INFLATED_MB", true, func(l *Limits, v int64) { l.InflatedBytes = v }},
	{"LINGHANG_IMPORT_MAX_PART_MB", true, func(l *Limits, v int64) { l.PartBytes = v }},
	{"LINGHANG_IMPORT_MAX_PARTS", false, func(l *Limits, v int64) { l.Parts = int(v) }},
	{"LINGHANG_IMPORT_MAX_ROWS", false, func(l *Limits, v int64) { l.Rows = int(v) }},
	{"LINGHANG_IMPORT_MAX_COLS", false, func(l *Limits, v int64) { l.Cols = int(v) }},
	{"LINGHANG_IMPORT_MAX_PHOTO_MB", true, func(l *Limits, v int64) { l.PhotoBytes = v }},
}

// LimitsFromEnv returns DefaultLimits with the LINGHANG_IMPORT_MAX_*
// variables applied (sizes in MB). A value that is not a positive whole
// number is an error naming the variable, so a typo fails at start-up.
func LimitsFromEnv(getenv func(string) string) (Limits, error) {
	l := DefaultLimits()
	for _, e := range limitEnv {
		s := strings.TrimSpace(getenv(e.name))
		if s == "" {
			continue
		}
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v <= 0 || (e.mb && v > 1<<20) {
			return l, fmt.Errorf("环境变量 %s=%q 无效：应为正整数%s", e.name, s, map[bool]string{true: "（单位MB）", false: ""}[e.mb])
		}
		if e.mb {
			v <<= 20
		}
		e.set(&l, v)
	}
	return l, nil
}

// orDefault fills the zero fields of l from DefaultLimits.
func (l Limits) orDefault() Limits {
	d := DefaultLimits()
	if l.FileBytes <= 0 {
		l.FileBytes = d.FileBytes
	}
	if l.InflatedBytes <= 0 {
		l.InflatedBytes = d.InflatedBytes
	}
	if l.PartBytes <= 0 {
		l.PartBytes = d.PartBytes
	}
	if l.Parts <= 0 {
		l.Parts = d.Parts
	}
	if l.Rows <= 0 {
		l.Rows = d.Rows
	}
	if l.Cols <= 0 {
		l.Cols = d.Cols
	}
	if l.PhotoBytes <= 0 {
		l.PhotoBytes = d.PhotoBytes
	}
	return l
}

// LimitError is an input refused for exceeding one of the Limits.
type LimitError struct {
	File  string
	What  string // 文件大小, 解压后总大小, 单个部件解压后大小, 部件数, 数据行数, 列数, 照片大小
	Part  string // the part of a container, if any
	Limit int64
	Got   int64 // what was found (at least), 0 if unknown
	Env   string
}

func (e *LimitError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Part != "" {
		fmt.Fprintf(&b, " 中的 %s", e.Part)
	}
	fmt.Fprintf(&b, " 超出导入限制：%s", e.What)
	if e.Got > 0 {
		fmt.Fprintf(&b, "为 %s", e.amount(e.Got))
	}
	fmt.Fprintf(&b, "，上限 %s", e.amount(e.Limit))
	b.WriteString("（文件可能已损坏或是恶意构造的压缩包；确属正常数据请拆分后分批导入")
	if e.Env != "" {
		fmt.Fprintf(&b, "，或用环境变量 %s 调高上限", e.Env)
	}
	b.WriteString("）")
	return b.String()
}

func (e *LimitError) amount(v int64) string {
	if strings.Contains(e.What, "大小") {
		if v >= 1<<20 {
			return fmt.Sprintf("%d MB", (v+(1<<20)-1)>>20)
		}
		return fmt.Sprintf("%d 字节", v)
	}
	return strconv.FormatInt(v, 10)
}

// CheckZip checks a zip container (XLSX, DOCX, a zip of photos) against
// the limits before anything is inflated: the number of parts from the
// end-of-central-directory record (so a directory of millions of entries
// is not even parsed), then the declared inflated size of each part and
// of all of them. archive/zip refuses to inflate a part past its declared
// size, so the declared sizes bound what any later reader inflates.
func CheckZip(data []byte, name string, l Limits) error {
	l = l.orDefault()
	if int64(len(data)) > l.FileBytes {
		return &LimitError{File: name, What: "文件大小", Limit: l.FileBytes, Got: int64(len(data)), Env: "LINGHANG_IMPORT_MAX_FILE_MB"}
	}
	if n, ok := zipEntryCount(data); ok && n > uint64(l.Parts) {
		return &LimitError{File: name, What: "部件数", Limit: int64(l.Parts), Got: int64(min(n, 1<<62)), Env: "LINGHANG_IMPORT_MAX_PARTS"}
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return fmt.Errorf("%s 不是有效的压缩包（.xlsx/.docx/.zip 都是压缩包），文件已损坏或不完整：%w", name, err)
	}
	if len(zr.File) > l.Parts {
		return &LimitError{File: name, What: "部件数", Limit: int64(l.Parts), Got: int64(len(zr.File)), Env: "LINGHANG_IMPORT_MAX_PARTS"}
	}
	var total uint64
	for _, f := range zr.File {
		if f.UncompressedSize64 > uint64(l.PartBytes) {
			return &LimitError{File: name, Part: f.Name, What: "单个部件解压后大小", Limit: l.PartBytes, Got: int64(min(f.UncompressedSize64, 1<<62)), Env: "LINGHANG_IMPORT_MAX_PART_MB"}
		}
		total += f.UncompressedSize64
		if total > uint64(l.InflatedBytes) {
			return &LimitError{File: name, What: "解压后总大小", Limit: l.InflatedBytes, Got: int64(min(total, 1<<62)), Env: "LINGHANG_IMPORT_MAX_INFLATED_MB"}
		}
	}
	return nil
}

// zipEntryCount reads the number of entries from the end-of-central-
// directory record (or its zip64 form); ok is false when it cannot be
// found, and zip.NewReader then says what is wrong.
func zipEntryCount(b []byte) (uint64, bool) {
	const eocdLen = 22
	start := max(0, len(b)-eocdLen-0xFFFF)
	i := bytes.LastIndex(b[start:], []byte("PK\x05\x06"))
	if i < 0 {
		return 0, false
	}
	i += start
	if i+eocdLen > len(b) {
		return 0, false
	}
	n := uint64(binary.LittleEndian.Uint16(b[i+10:]))
	if n != 0xFFFF {
		return n, true
	}
	// zip64: the locator sits just before the record and points at the
	// zip64 end-of-central-directory record.
	loc := i - 20
	if loc < 0 || string(b[loc:loc+4]) != "PK\x06\x07" {
		return n, true
	}
	off := binary.LittleEndian.Uint64(b[loc+8:])
	if len(b) < 56 || off > uint64(len(b)-56) || string(b[off:off+4]) != "PK\x06\x06" {
		return n, true
	}
	return binary.LittleEndian.Uint64(b[off+32:]), true
}
