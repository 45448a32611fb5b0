package program

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Encoding names reported for CSV input.
const (
	EncodingUTF8    = "UTF-8"
	EncodingUTF8BOM = "UTF-8（带BOM）"
	EncodingUTF16   = "UTF-16"
	EncodingGB18030 = "GBK/GB18030"
)

// decodeText returns the text of a CSV file as UTF-8 and the encoding it
// was in: a UTF-8 or UTF-16 byte-order mark decides; else valid UTF-8 is
// UTF-8; else it is GB18030, the superset of GBK and GB2312 that Excel on
// Chinese Windows writes. Input that is none of these is an error, never
// mojibake.
func decodeText(data []byte) (string, string, error) {
	switch {
	case bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")):
		b := data[3:]
		if !utf8.Valid(b) {
			return "", "", errors.New("文件以UTF-8标记开头，但内容不是有效的UTF-8")
		}
		return string(b), EncodingUTF8BOM, nil
	case bytes.HasPrefix(data, []byte("\xFF\xFE")), bytes.HasPrefix(data, []byte("\xFE\xFF")):
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		b, _, err := transform.Bytes(dec, data)
		if err != nil {
			return "", "", fmt.Errorf("UTF-16文本无法解码：%w", err)
		}
		return string(b), EncodingUTF16, nil
	case utf8.Valid(data):
		return string(data), EncodingUTF8, nil
	}
	b, _, err := transform.Bytes(simplifiedchinese.GB18030.NewDecoder(), data)
	if err != nil || bytes.ContainsRune(b, utf8.RuneError) {
		return "", "", errors.New("文件编码无法识别（既不是UTF-8，也不是GBK/GB18030），请在Excel中另存为“CSV UTF-8（逗号分隔）”")
	}
	return string(b), EncodingGB18030, nil
}

// readCSV reads a delimited text file: the delimiter (comma, tab or
// semicolon) is the one under which a header row is found; title lines
// above the header are skipped. Rows are numbered as a spreadsheet shows
// them (a quoted cell spanning lines is one row).
func readCSV(data []byte, name string, lim Limits) (*sheetTable, error) {
	text, enc, err := decodeText(data)
	if err != nil {
		return nil, fmt.Errorf("%s：%w", name, err)
	}
	var (
		best      [][]string
		bestH     = -1
		bestMatch = 0
	)
	for _, delim := range []rune{',', '\t', ';', '，'} {
		if !strings.ContainsRune(text, delim) {
			continue
		}
		head, _ := parseCSV(text, delim, 30, -1)
		h := findHeader(head)
		if h < 0 {
			continue
		}
		if _, _, _, n := mapHeader(head[h]); n > bestMatch {
			bestMatch, bestH = n, h
			// Stop reading at the first filled row past the limit.
			best, err = parseCSV(text, delim, -1, lim.Rows+h+2)
			if err != nil {
				return nil, fmt.Errorf("%s（%s）：%w", name, enc, err)
			}
			if filled := countFilled(best[h+1:]); filled > lim.Rows {
				return nil, &LimitError{File: name, What: "数据行数", Limit: int64(lim.Rows), Env: "LINGHANG_IMPORT_MAX_ROWS"}
			}
			for i, rec := range best {
				if n := filledCols(rec); n > lim.Cols {
					return nil, &LimitError{File: name, What: fmt.Sprintf("第%d行的列数", i+1), Limit: int64(lim.Cols), Got: int64(n), Env: "LINGHANG_IMPORT_MAX_COLS"}
				}
			}
		}
	}
	if bestH < 0 {
		return nil, &FieldError{File: name, Reason: fmt.Sprintf("找不到表头（文件编码按%s读取）：前30行中没有报名表栏目（姓名、身份证号、选择班次等）", enc)}
	}
	t := &sheetTable{format: FormatCSV, encoding: enc, headerRow: bestH + 1}
	t.col, t.headings, t.ignored, _ = mapHeader(best[bestH])
	if err := t.checkHeader(name); err != nil {
		return nil, err
	}
	t.records = make([]rawRecord, 0, len(best)-bestH-1)
	for i := bestH + 1; i < len(best); i++ {
		if rec, ok := t.recordFromCells(i+1, best[i]); ok {
			t.records = append(t.records, rec)
		}
	}
	return t, nil
}

// countFilled counts the records with at least one non-blank field.
func countFilled(recs [][]string) int {
	n := 0
	for _, r := range recs {
		if filledCols(r) > 0 {
			n++
		}
	}
	return n
}

// filledCols is the number of fields up to the last non-blank one.
func filledCols(rec []string) int {
	n := len(rec)
	for n > 0 && trim(rec[n-1]) == "" {
		n--
	}
	return n
}

// parseCSV splits text into records; limit < 0 reads all; maxFilled >= 0
// stops after that many records with content.
func parseCSV(text string, delim rune, limit, maxFilled int) ([][]string, error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = delim
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var out [][]string
	prevEnd := 0 // the line the previous record ended on
	for limit < 0 || len(out) < limit {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return out, fmt.Errorf("第%d行第%d列格式错误：%v", pe.StartLine, pe.Column, pe.Err)
			}
			return out, err
		}
		// encoding/csv skips blank lines; put them back as empty rows
		// so that row numbers match what a spreadsheet shows.
		line, _ := r.FieldPos(0)
		for ; prevEnd+1 < line && (limit < 0 || len(out) < limit); prevEnd++ {
			out = append(out, nil)
		}
		prevEnd = line
		for _, f := range rec {
			prevEnd += strings.Count(f, "\n")
		}
		out = append(out, rec)
		if filledCols(rec) > 0 {
			if maxFilled--; maxFilled == -1 {
				break
			}
		}
	}
	return out, nil
}
