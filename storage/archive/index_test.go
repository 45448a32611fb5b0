package archive

import (
	"bytes"
	"encoding/json"
	"fmt"
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

// BenchmarkDecodeIndex decodes the index of a 10,000-applicant year
// (30,000 documents), which every command that plans reads first.
func BenchmarkDecodeIndex(b *testing.B) {
	entries := make([]Entry, 30000)
	for i := range entries {
		name := fmt.Sprintf("学员%05d", i)
		entries[i] = Entry{
			Key: fmt.Sprintf("2022/第%02d期-河南省科协党校班/报名表/报名表-%s-%04d.pdf", i%10+1, name, i), Version: 1,
			Object: fmt.Sprintf("2022/第%02d期-河南省科协党校班/报名表/报名表-%s-%04d.v0001.pdf", i%10+1, name, i),
			Year:   2022, Kind: Kind("报名表"), Cohort: i%10 + 1, CohortName: "河南省科协党校班", Title: "报名表：" + name,
			Author: "河南省科协", Date: "2022-04-01", Retention: "30年", MIME: "application/pdf", Size: 120000,
			SHA256: strings.Repeat("ab", 32), Creator: "linghang 0.1.0-dev", InputSHA: strings.Repeat("cd", 32),
			RunID: "20220401T000000Z-0123456789ab", Names: []string{name}, Archived: time.Date(2022, 4, 1, 8, 0, 0, 0, time.UTC),
		}
	}
	raw := encodeIndex(entries)
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for b.Loop() {
		if _, err := decodeIndex(bytes.NewReader(raw)); err != nil {
			b.Fatal(err)
		}
	}
}
