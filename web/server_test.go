package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"linghang/storage/archive"
	"linghang/storage/fs"
)

// newArchive builds a real archive on a local-directory store with two
// versions of one applicant's form and a notice.
func newArchive(t *testing.T) *archive.Archive {
	t.Helper()
	st, err := fs.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2022, 4, 1, 9, 0, 0, 0, time.UTC)
	a := archive.New(st, archive.Options{Program: "linghang", Version: "test", Clock: func() time.Time { return now }, SpoolDir: t.TempDir()})
	ctx := context.Background()
	for i, body := range []string{"%PDF-1.7 first", "%PDF-1.7 second"} {
		b, err := a.Begin(ctx, "run-"+string(rune('a'+i)), "input")
		if err != nil {
			t.Fatal(err)
		}
		docs := []archive.Doc{{Year: 2022, Kind: archive.Form, Cohort: 3, CohortName: "江苏省科协党校班", Title: "报名表 张三",
			Names: []string{"张三"}, Filename: "报名表-张三-002X.pdf", MIME: "application/pdf", Body: []byte(body)}}
		if i == 0 {
			docs = append(docs, archive.Doc{Year: 2022, Kind: archive.Notice, Title: "中国科协办公厅关于开展2022年“领航计划”青年科技领军人才国情研修活动的通知",
				DocNumber: "科协办函组字〔2022〕47号", Author: "中国科协办公厅", Filename: "通知.pdf", MIME: "application/pdf", Body: []byte("%PDF notice")})
		}
		for _, d := range docs {
			if _, err := b.Add(ctx, d); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := b.Commit(ctx); err != nil {
			t.Fatal(err)
		}
	}
	return a
}

func get(t *testing.T, h http.Handler, target string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest("GET", target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Result(), string(body)
}

func TestPages(t *testing.T) {
	a := newArchive(t)
	s, err := New(a, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	formKey := ""
	if es, err := a.Find(context.Background(), archive.Query{Kind: archive.Form}); err != nil || len(es) != 1 {
		t.Fatalf("find forms: %v %v", es, err)
	} else {
		formKey = es[0].Key
	}
	tests := []struct {
		name     string
		target   string
		status   int
		contains []string
		lacks    []string
	}{
		{"home lists years and kinds", "/", 200, []string{"领航计划文档归档库", "2022年度", "报名表", "通知"}, nil},
		{"home offers the latest notice, not a cohort's form", "/", 200,
			[]string{"通知与报名表下载", "国情研修活动的通知</a>", "/download?key=" + url.QueryEscape("2022/通知/")}, []string{"报名表 张三</a>"}},
		{"find by name", "/find?name=" + url.QueryEscape("张三"), 200, []string{"报名表 张三", "v2（现行）", "共 1 份"}, []string{"v1"}},
		{"find all versions", "/find?name=" + url.QueryEscape("张三") + "&all=1", 200, []string{"v1", "v2（现行）", "共 2 份"}, nil},
		{"find by 文号 with ascii brackets", "/find?docno=" + url.QueryEscape("科协办函组字[2022]47号"), 200, []string{"国情研修活动的通知", "共 1 份"}, nil},
		{"find by Chinese kind", "/find?kind=" + url.QueryEscape("通知"), 200, []string{"共 1 份"}, nil},
		{"nothing found", "/find?year=2019", 200, []string{"没有符合条件的文档"}, nil},
		{"bad year", "/find?year=abc", 400, []string{"年度应为数字"}, nil},
		{"bad kind", "/find?kind=xyz", 400, []string{"文件类别"}, nil},
		{"history", "/history?key=" + url.QueryEscape(formKey), 200, []string{"版本历史", "v1", "v2（现行）"}, nil},
		{"history of unknown", "/history?key=" + url.QueryEscape("2022/不存在.pdf"), 404, []string{"没有这份文档"}, nil},
		{"traversal key refused", "/download?key=" + url.QueryEscape("../../etc/passwd"), 400, []string{"路径无效"}, nil},
		{"bad version", "/download?key=" + url.QueryEscape(formKey) + "&v=x", 400, []string{"版本号"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, body := get(t, s, tt.target)
			if res.StatusCode != tt.status {
				t.Fatalf("status %d, want %d; body %s", res.StatusCode, tt.status, body)
			}
			for _, c := range tt.contains {
				if !strings.Contains(body, c) {
					t.Errorf("page lacks %q", c)
				}
			}
			for _, c := range tt.lacks {
				if strings.Contains(body, c) {
					t.Errorf("page has %q", c)
				}
			}
		})
	}
}

func TestDownloadVersions(t *testing.T) {
	a := newArchive(t)
	s, _ := New(a, "", nil)
	es, _ := a.Find(context.Background(), archive.Query{Kind: archive.Form})
	key := es[0].Key
	for _, tt := range []struct {
		v    string
		want string
	}{{"", "%PDF-1.7 second"}, {"1", "%PDF-1.7 first"}, {"2", "%PDF-1.7 second"}} {
		res, body := get(t, s, "/download?key="+url.QueryEscape(key)+"&v="+tt.v)
		if res.StatusCode != 200 || body != tt.want {
			t.Fatalf("v=%q: %d %q, want %q", tt.v, res.StatusCode, body, tt.want)
		}
		sum := sha256.Sum256([]byte(body))
		if got := res.Header.Get("X-Linghang-SHA256"); got != hex.EncodeToString(sum[:]) {
			t.Errorf("sha header %q", got)
		}
		cd := res.Header.Get("Content-Disposition")
		if !strings.Contains(cd, "filename*=UTF-8''"+url.PathEscape("报名表-张三-002X.pdf")) {
			t.Errorf("Content-Disposition %q", cd)
		}
	}
	if res, _ := get(t, s, "/download?key="+url.QueryEscape(key)+"&v=9"); res.StatusCode != 404 {
		t.Fatalf("missing version: %d", res.StatusCode)
	}
}

func TestToken(t *testing.T) {
	s, _ := New(newArchive(t), "s3cret", nil)
	if res, body := get(t, s, "/"); res.StatusCode != 401 || !strings.Contains(body, "访问令牌") {
		t.Fatalf("no token: %d", res.StatusCode)
	}
	if res, _ := get(t, s, "/", "Authorization", "Bearer wrong"); res.StatusCode != 401 {
		t.Fatalf("wrong token: %d", res.StatusCode)
	}
	if res, _ := get(t, s, "/", "Authorization", "Bearer s3cret"); res.StatusCode != 200 {
		t.Fatalf("bearer: %d", res.StatusCode)
	}
	res, _ := get(t, s, "/?token=s3cret")
	if res.StatusCode != 200 || len(res.Cookies()) != 1 {
		t.Fatalf("query token: %d cookies %v", res.StatusCode, res.Cookies())
	}
	if res, _ := get(t, s, "/healthz"); res.StatusCode != 200 {
		t.Fatalf("healthz: %d", res.StatusCode)
	}
}
