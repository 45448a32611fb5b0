package archive

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

// decodeIndex parses with segmentio's encoding/json, which must read an
// index line as the standard library does: the same entry from every
// line linghang writes, odd strings included, and an error where the
// standard library gives one.
func TestDecodeIndexReadsAsEncodingJSON(t *testing.T) {
	odd := []string{"张三", "𠮷野家", "䶮", "a\"b\\c", "tab\there", "line\nbreak", "\u2028\u2029", "<&>", "😀", "", " 空格 "}
	var entries []Entry
	for i, s := range odd {
		entries = append(entries, Entry{
			Key: "2022/第01期/" + s + ".pdf", Version: i + 1, Object: "2022/x.v0001.pdf", Year: 2022, Kind: Kind("报名表"),
			Cohort: i, CohortName: s, Title: s, DocNumber: s, Author: s, Date: "2022-04-01", Retention: "30年",
			MIME: "application/pdf", Size: int64(i) << 40, SHA256: strings.Repeat("ab", 32), Creator: "linghang",
			InputSHA: s, RunID: "r", Names: []string{s, "李四"}, Unchanged: i%2 == 0,
			Archived: time.Date(2022, 4, 1, 8, 30, i, 123456789, time.FixedZone("CST", 8*3600)),
		})
	}
	lines := string(encodeIndex(entries))
	// Lines not written by linghang: unknown fields, nulls, escapes,
	// invalid UTF-8, and broken ones.
	extra := []string{
		`{"key":"a","version":1,"unknown":{"x":[1,2]},"names":null}`,
		`{"key":"\u5f20\ud842\udfb7","title":"\ud800"}`,
		"{\"key\":\"bad \xff utf-8\"}",
		`{"key":"a","version":"1"}`,
		`{"key":"a","version":1.5}`,
		`{"key":"a"`,
		`{"key":"a","archived":"yesterday"}`,
		`[1,2]`,
	}
	for _, l := range append(strings.Split(strings.TrimSpace(lines), "\n"), extra...) {
		var want Entry
		werr := json.Unmarshal([]byte(l), &want)
		got, gerr := decodeIndex(strings.NewReader(l + "\n"))
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%q: decodeIndex error %v, encoding/json error %v", l, gerr, werr)
			continue
		}
		if werr == nil && (len(got) != 1 || !reflect.DeepEqual(got[0], want)) {
			t.Errorf("%q:\n got %+v\nwant %+v", l, got, want)
		}
	}
}
