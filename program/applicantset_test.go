package program

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestApplicantSetRoundTrip(t *testing.T) {
	rows := [][]string{headings, goodRow(0, false), goodRow(1, true), goodRow(2, false)}
	rows[1][col("选择班次")] = "河南班"
	rows[2][col("选择班次")] = "第10期"
	data := writeCSV(t, rows)
	p := testProgramme(t)
	set, _, err := Import(context.Background(), bytes.NewReader(data), "报名.csv", ImportOptions{Programme: p, Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	photo := testJPEG(t, 120, 160)
	set.Applicants[1].PhotoJPEG, set.Applicants[1].Photo = photo, PhotoName(photo)
	var buf bytes.Buffer
	if err := set.Encode(&buf); err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(buf.Bytes(), photo[:64]) || strings.Contains(buf.String(), "/9j/") {
		t.Error("photo bytes inlined in the JSON")
	}
	got, err := DecodeApplicantSet(&buf)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if got.Year != 2022 || got.Source != "报名.csv" || len(got.SourceSHA256) != 64 || !got.Imported.Equal(set.Imported) {
		t.Errorf("header %+v", got)
	}
	var order []string
	for _, a := range got.Applicants {
		order = append(order, fmt.Sprintf("%d:%s", a.Cohort, a.Email))
	}
	if want := "1:user0@example.com 2:user2@example.com 10:user1@example.com"; strings.Join(order, " ") != want {
		t.Errorf("order %q, want %q (by cohort)", strings.Join(order, " "), want)
	}
	for i := range got.Applicants {
		g, w := got.Applicants[i], set.Applicants[i]
		g.PhotoJPEG, w.PhotoJPEG, w.Row = nil, nil, 0
		if fmt.Sprintf("%+v", g) != fmt.Sprintf("%+v", w) {
			t.Errorf("applicant %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
	// Photos come back through AttachPhotos, checked against their names.
	store := map[string][]byte{PhotoName(photo): photo}
	if err := got.AttachPhotos(func(n string) ([]byte, error) {
		if b, ok := store[n]; ok {
			return b, nil
		}
		return nil, os.ErrNotExist
	}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Applicants[1].PhotoJPEG, photo) {
		t.Error("photo not attached")
	}
	got.Applicants[1].PhotoJPEG = nil
	err = got.AttachPhotos(func(string) ([]byte, error) { return []byte("tampered"), nil })
	if err == nil || !strings.Contains(err.Error(), "内容与名称不符") {
		t.Errorf("tampered photo: %v", err)
	}
	err = got.AttachPhotos(func(string) ([]byte, error) { return nil, os.ErrNotExist })
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing photo: %v", err)
	}
}

func TestDecodeApplicantSetRejects(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"format":"other","applicants":[]}`, "应为“linghang.applicants/v1”"},
		{`{"format":"linghang.applicants/v1","applicants":[{"name":"张三","photo":"../x.jpg"}]}`, "照片名“../x.jpg”无效"},
		{`{"format":"linghang.applicants/v1","surprise":1}`, "无法解析"},
		{`[`, "无法解析"},
	}
	for _, c := range cases {
		_, err := DecodeApplicantSet(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Decode(%s) = %v, want %q", c.in, err, c.want)
		}
	}
}
