package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"linghang/jobs"
	"linghang/program"
	"linghang/storage"
	"linghang/storage/archive"
	"linghang/storage/fs"
)

// fixture is a real archive on a local-directory store holding a year's
// documents for cohorts 1 and 2, the applicant data, and accounts for
// every role.
type fixture struct {
	t     *testing.T
	dir   string
	store *switchStore
	a     *archive.Archive
	s     *Server
	keys  map[string]string // "c1/badges", "c2/roster", "year/notice", "data/applicants", … → key
	tok   map[string]string // role name → API token
	sess  map[string]*session
	prog  *program.Programme
	log   *bytes.Buffer
}

// switchStore is a store that can be taken down: every call then hangs
// until its context ends, as an unreachable S3 endpoint does.
type switchStore struct {
	storage.Store
	down atomic.Bool
}

func (s *switchStore) wait(ctx context.Context) error {
	<-ctx.Done()
	return fmt.Errorf("连接存储：%w", ctx.Err())
}

func (s *switchStore) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	if s.down.Load() {
		return nil, storage.Info{}, s.wait(ctx)
	}
	return s.Store.Get(ctx, key)
}

func (s *switchStore) Stat(ctx context.Context, key string) (storage.Info, error) {
	if s.down.Load() {
		return storage.Info{}, s.wait(ctx)
	}
	return s.Store.Stat(ctx, key)
}

func (s *switchStore) List(ctx context.Context, prefix string) ([]storage.Info, error) {
	if s.down.Load() {
		return nil, s.wait(ctx)
	}
	return s.Store.List(ctx, prefix)
}

var cohortFiles = map[string]archive.Doc{
	"forms-bound": {Kind: archive.Form, Filename: "报名表合订本.pdf", MIME: "application/pdf"},
	"badges":      {Kind: archive.Badges, Filename: "胸卡.pdf", MIME: "application/pdf"},
	"roster":      {Kind: archive.Roster, Filename: "学员名单.xlsx"},
	"roster-pdf":  {Kind: archive.Roster, Filename: "学员名单.pdf", MIME: "application/pdf"},
	"signin":      {Kind: archive.Signin, Filename: "签到表.pdf", MIME: "application/pdf"},
	// The host unit's summary templates and the report made from them.
	"summary-template-docx": {Kind: archive.Summary, Filename: "承办单位总结模板-总结报告.docx"},
	"summary-template-xlsx": {Kind: archive.Summary, Filename: "承办单位总结模板-总结数据.xlsx"},
	"summary-report":        {Kind: archive.Summary, Filename: "活动总结报告.pdf", MIME: "application/pdf"},
}

func newFixture(t *testing.T, cfg Config) *fixture {
	t.Helper()
	dir := t.TempDir()
	base, err := fs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	st := &switchStore{Store: base}
	now := time.Date(2022, 4, 1, 9, 0, 0, 0, time.UTC)
	a := archive.New(st, archive.Options{Program: "linghang", Version: "test", Clock: func() time.Time { return now }, SpoolDir: t.TempDir()})
	prog, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, dir: dir, store: st, a: a, prog: prog, keys: map[string]string{}, tok: map[string]string{}, sess: map[string]*session{}, log: &bytes.Buffer{}}
	ctx := context.Background()
	b, err := a.Begin(ctx, "run-docs", "input")
	if err != nil {
		t.Fatal(err)
	}
	add := func(name string, d archive.Doc) {
		d.Year = 2022
		if d.Title == "" {
			d.Title = name
		}
		if d.Body == nil {
			d.Body = []byte("%PDF-1.7 " + name + " " + strings.Repeat("正文", 50))
		}
		e, err := b.Add(ctx, d)
		if err != nil {
			t.Fatal(err)
		}
		f.keys[name] = e.Key
	}
	add("year/notice", archive.Doc{Kind: archive.Notice, Title: "中国科协办公厅关于开展2022年“领航计划”青年科技领军人才国情研修活动的通知",
		DocNumber: "科协办函组字〔2022〕47号", Author: "中国科协办公厅", Filename: "通知-科协办函组字〔2022〕47号.pdf", MIME: "application/pdf"})
	add("year/blank-form", archive.Doc{Kind: archive.Form, Title: "报名表（空白）", Filename: blankFormFile, MIME: "application/pdf"})
	add("year/roster-all", archive.Doc{Kind: archive.Roster, Title: "学员名单（全部）", Filename: "学员名单-全部.xlsx"})
	for _, n := range []int{1, 2} {
		c, _ := prog.Cohort(n)
		for slug, d := range cohortFiles {
			d.Cohort, d.CohortName, d.Title = n, c.Name, fmt.Sprintf("%s %s", c.Title(), slug)
			d.Names = []string{"张三", "李四"}
			add(fmt.Sprintf("c%d/%s", n, slug), d)
		}
		for i, name := range []string{"张三", "欧阳·娜娜"} {
			add(fmt.Sprintf("c%d/form%d", n, i), archive.Doc{Kind: archive.Form, Cohort: n, CohortName: c.Name, Title: "报名表 " + name,
				Names: []string{name}, Filename: fmt.Sprintf("报名表-%s-%d%d.pdf", name, n, i), MIME: "application/pdf"})
		}
	}
	if _, err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	apps := program.Sample(prog, 6, 7)
	if _, e, err := jobs.SaveApplicants(ctx, a, &program.ApplicantSet{Year: 2022, Applicants: apps}); err != nil {
		t.Fatal(err)
	} else {
		f.keys["data/applicants"] = e.Key
	}

	acc := &Accounts{}
	for _, u := range []struct {
		name   string
		role   Role
		cohort int
	}{{"hq", RoleHQ, 0}, {"host1", RoleHost, 1}, {"host2", RoleHost, 2}, {"archivist", RoleArchivist, 0}} {
		acc.Users = append(acc.Users, User{Name: u.name, Role: u.role, Cohort: u.cohort, Hash: "$argon2id$x"})
		full, _, err := acc.CreateToken(u.role, u.cohort, u.name)
		if err != nil {
			t.Fatal(err)
		}
		f.tok[u.name] = full
	}
	cfg.Archive, cfg.Store, cfg.Accounts, cfg.Programme = a, st, acc, prog
	if cfg.Schedule == nil {
		cfg.Schedule, _ = jobs.DefaultSchedule()
	}
	if cfg.Ledger == nil {
		cfg.Ledger = jobs.NewLedger(st, nil)
	}
	cfg.Log = slog.New(slog.NewTextHandler(f.log, nil))
	f.s, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range acc.Users {
		f.sess[u.Name] = f.s.sess.create(Principal{Name: u.Name, Role: u.Role, Cohort: u.Cohort})
	}
	return f
}

// do makes a request as who: "" anonymous, "token:NAME" with a bearer
// token, else NAME's session (with its CSRF token on POST forms).
func (f *fixture) do(method, target, who string, body io.Reader, hdr ...string) *httptest.ResponseRecorder {
	f.t.Helper()
	req := httptest.NewRequest(method, target, body)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	if name, ok := strings.CutPrefix(who, "token:"); ok {
		req.Header.Set("Authorization", "Bearer "+f.tok[name])
	} else if who != "" {
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.sess[who].id})
	}
	rec := httptest.NewRecorder()
	f.s.ServeHTTP(rec, req)
	return rec
}

func (f *fixture) get(target, who string) *httptest.ResponseRecorder {
	return f.do("GET", target, who, nil)
}

func (f *fixture) postForm(target, who string, v url.Values) *httptest.ResponseRecorder {
	if who != "" && !strings.HasPrefix(who, "token:") && !v.Has("csrf") {
		v.Set("csrf", f.sess[who].csrf)
	}
	return f.do("POST", target, who, strings.NewReader(v.Encode()), "Content-Type", "application/x-www-form-urlencoded")
}

func q(s string) string { return url.QueryEscape(s) }

// TestAuthorisation: every role against every route and every kind of
// document. A host unit gets 403 for another cohort's documents on every
// route that serves them; the archivist never gets applicant data.
func TestAuthorisation(t *testing.T) {
	f := newFixture(t, Config{})
	type want map[string]int // who → status
	const anonPage, anonAPI = http.StatusSeeOther, http.StatusUnauthorized
	var cases []struct {
		target string
		want   want
	}
	addCase := func(target string, w want) {
		cases = append(cases, struct {
			target string
			want   want
		}{target, w})
	}
	// Cohort documents, by route and kind.
	for _, slug := range CohortDocNames() {
		for _, n := range []int{1, 2} {
			other := map[int]int{1: 403, 2: 200}[n]
			mine := map[int]int{1: 200, 2: 403}[n]
			addCase(fmt.Sprintf("/cohort/%d/%s", n, slug), want{"hq": 200, "host1": mine, "host2": other, "archivist": 403, "": anonPage})
		}
	}
	addCase("/cohort/1", want{"hq": 200, "host1": 200, "host2": 403, "archivist": 403, "": anonPage})
	addCase("/cohort/2", want{"hq": 200, "host1": 403, "host2": 200, "archivist": 403, "": anonPage})
	for name, key := range f.keys {
		var w want
		switch {
		case strings.HasPrefix(name, "c1/"):
			w = want{"hq": 200, "host1": 200, "host2": 403, "archivist": 200}
		case strings.HasPrefix(name, "c2/"):
			w = want{"hq": 200, "host1": 403, "host2": 200, "archivist": 200}
		case name == "year/notice", name == "year/blank-form":
			w = want{"hq": 200, "host1": 200, "host2": 200, "archivist": 200}
		case name == "year/roster-all":
			w = want{"hq": 200, "host1": 403, "host2": 403, "archivist": 200}
		case name == "data/applicants":
			w = want{"hq": 200, "host1": 403, "host2": 403, "archivist": 403}
		default:
			t.Fatalf("no rule for %s", name)
		}
		page, api := want{"": anonPage}, want{"": anonAPI}
		for k, v := range w {
			page[k], api[k] = v, v
			api["token:"+k] = v
		}
		addCase("/download?key="+q(key), page)
		addCase("/history?key="+q(key), page)
		addCase("/api/documents/"+key, api)
	}
	addCase("/api/documents?cohort=2", want{"token:hq": 200, "token:host1": 403, "token:host2": 200, "token:archivist": 200, "": anonAPI})
	addCase("/api/documents?kind=data", want{"token:hq": 200, "token:host1": 403, "token:archivist": 403, "": anonAPI})
	for _, p := range []string{"/hq", "/hq/jobs", "/hq/import", "/hq/evaluation"} {
		addCase(p, want{"hq": 200, "host1": 403, "archivist": 403, "": anonPage})
	}
	for _, p := range []string{"/archive", "/find?year=2022"} {
		addCase(p, want{"hq": 200, "host1": 403, "archivist": 200, "": anonPage})
	}
	for _, p := range []string{"/api/applicants", "/api/jobs"} {
		addCase(p, want{"token:hq": 200, "token:host1": 403, "token:archivist": 403, "hq": 200, "": anonAPI})
	}
	for _, c := range cases {
		for who, status := range c.want {
			t.Run(who+" "+c.target, func(t *testing.T) {
				rec := f.get(c.target, who)
				if rec.Code != status {
					t.Fatalf("GET %s as %q: status %d, want %d\n%s", c.target, who, rec.Code, status, rec.Body.String())
				}
				if status == 403 && strings.Contains(rec.Body.String(), "%PDF") {
					t.Fatalf("403 carries document bytes")
				}
			})
		}
	}
	// POST routes outside the role.
	for _, who := range []string{"host1", "archivist"} {
		if rec := f.postForm("/hq/jobs/run", who, url.Values{"job": {"registration-close"}}); rec.Code != 403 {
			t.Errorf("POST /hq/jobs/run as %s: %d, want 403", who, rec.Code)
		}
		if rec := f.do("POST", "/api/jobs/registration-close/run", "token:"+who, nil); rec.Code != 403 {
			t.Errorf("POST /api/jobs/…/run as %s: %d, want 403", who, rec.Code)
		}
		if rec := f.do("POST", "/api/applicants", "token:"+who, strings.NewReader("[]")); rec.Code != 403 {
			t.Errorf("POST /api/applicants as %s: %d, want 403", who, rec.Code)
		}
	}
	if rec := f.do("POST", "/api/applicants", "", strings.NewReader("[]")); rec.Code != 401 {
		t.Errorf("anonymous POST /api/applicants: %d, want 401", rec.Code)
	}
	// The host unit's summary upload: its own cohort only (another's is
	// 403 before the body is read); not for archivists; 401 anonymous.
	for _, route := range []string{"/cohort/%d/summary", "/cohort/%d/summary/confirm"} {
		for _, tt := range []struct {
			who    string
			cohort int
			want   int
		}{{"host1", 2, 403}, {"host2", 1, 403}, {"archivist", 1, 403}, {"", 1, 401},
			{"host1", 1, 400}, {"hq", 2, 400}} {
			target := fmt.Sprintf(route, tt.cohort)
			rec := f.postForm(target, tt.who, url.Values{})
			if strings.HasSuffix(route, "confirm") && tt.want == 400 {
				tt.want = 404 // no such pending upload
			}
			if rec.Code != tt.want {
				t.Errorf("POST %s as %q: %d, want %d", target, tt.who, rec.Code, tt.want)
			}
		}
	}
	for _, tt := range []struct {
		who  string
		n    int
		want int
	}{{"token:host1", 2, 403}, {"token:host2", 1, 403}, {"token:archivist", 1, 403}, {"", 1, 401}, {"token:host1", 1, 400}, {"token:hq", 2, 400}} {
		if rec := f.do("POST", fmt.Sprintf("/api/cohorts/%d/summary", tt.n), tt.who, strings.NewReader("")); rec.Code != tt.want {
			t.Errorf("POST /api/cohorts/%d/summary as %q: %d, want %d", tt.n, tt.who, rec.Code, tt.want)
		}
	}
}

// TestListingsFiltered: lists never show what the role may not open.
func TestListingsFiltered(t *testing.T) {
	f := newFixture(t, Config{})
	rec := f.get("/api/documents?year=2022", "token:host1")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "胸卡.pdf") {
		t.Fatalf("host1 documents: %d %s", rec.Code, body)
	}
	for _, bad := range []string{"第02期", "学员名单-全部", "学员数据", "照片", `"cohort": 2`} {
		if strings.Contains(body, bad) {
			t.Errorf("host1's list shows %q", bad)
		}
	}
	rec = f.get("/find?year=2022", "archivist")
	if strings.Contains(rec.Body.String(), "学员数据") {
		t.Errorf("archivist's search shows the applicant data")
	}
	if !strings.Contains(rec.Body.String(), "学员名单（全部）") {
		t.Errorf("archivist's search misses the all-cohorts roster")
	}
	// The cohort page of host1 links only its own documents.
	rec = f.get("/cohort/1", "host1")
	if strings.Contains(rec.Body.String(), "/cohort/2/") {
		t.Errorf("host1's page links cohort 2")
	}
	if !strings.Contains(rec.Body.String(), `id="dl-badges" href="/cohort/1/badges"`) {
		t.Errorf("host1's page lacks its badges link:\n%s", rec.Body.String())
	}
}

func TestSessionEndsWithAccount(t *testing.T) {
	f := newFixture(t, Config{})
	if rec := f.get("/cohort/1", "host1"); rec.Code != 200 {
		t.Fatalf("before: %d", rec.Code)
	}
	f.s.cfg.Accounts.RemoveUser("host1")
	if rec := f.get("/cohort/1", "host1"); rec.Code != http.StatusSeeOther {
		t.Fatalf("session of a removed user: %d, want 303 to login", rec.Code)
	}
	if err := f.s.cfg.Accounts.RevokeToken(strings.Split(f.tok["host2"], "_")[1]); err != nil {
		t.Fatal(err)
	}
	if rec := f.get("/api/documents", "token:host2"); rec.Code != 401 {
		t.Fatalf("revoked token: %d, want 401", rec.Code)
	}
}

func TestCSRF(t *testing.T) {
	f := newFixture(t, Config{})
	tests := []struct {
		name   string
		csrf   string
		origin string
		want   int
	}{
		{"no token", "-", "", 403},
		{"wrong token", "abc", "", 403},
		{"other site", "", "http://evil.example", 403},
		{"right token", "", "", 200},
		{"right token, same origin", "", "http://example.com", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := url.Values{"job": {"no-such-job"}}
			switch tt.csrf {
			case "-":
				v.Set("csrf", "")
			case "":
			default:
				v.Set("csrf", tt.csrf)
			}
			hdr := []string{"Content-Type", "application/x-www-form-urlencoded"}
			if tt.origin != "" {
				hdr = append(hdr, "Origin", tt.origin)
			}
			if v.Get("csrf") == "" && tt.csrf == "" {
				v.Set("csrf", f.sess["hq"].csrf)
			}
			req := httptest.NewRequest("POST", "/hq/jobs/run", strings.NewReader(v.Encode()))
			for i := 0; i < len(hdr); i += 2 {
				req.Header.Set(hdr[i], hdr[i+1])
			}
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.sess["hq"].id})
			rec := httptest.NewRecorder()
			f.s.ServeHTTP(rec, req)
			got := rec.Code
			if got != 403 {
				got = 200 // got past CSRF (the job then is unknown or not configured)
			}
			if got != tt.want {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.want, rec.Body.String())
			}
			if tt.want == 403 && !strings.Contains(rec.Body.String(), "CSRF") {
				t.Fatalf("403 does not say why: %s", rec.Body.String())
			}
		})
	}
	// Every POST form on every page carries the token.
	for _, page := range []string{"/hq/jobs", "/hq/import", "/archive", "/history?key=" + q(f.keys["year/notice"])} {
		body := f.get(page, "hq").Body.String()
		forms := strings.Count(body, `method="post"`)
		tokens := strings.Count(body, `name="csrf" value="`+f.sess["hq"].csrf+`"`)
		if forms == 0 || tokens != forms {
			t.Errorf("%s: %d forms, %d carry the CSRF token", page, forms, tokens)
		}
	}
	// Bearer tokens need no CSRF token (no cookie, no ambient authority).
	rec := f.do("POST", "/api/jobs/no-such-job/run", "token:hq", nil)
	if rec.Code == 403 {
		t.Fatalf("bearer POST refused for CSRF: %s", rec.Body.String())
	}
	// A session POST to the API needs the header.
	rec = f.do("POST", "/api/jobs/no-such-job/run", "hq", nil)
	if rec.Code != 403 {
		t.Fatalf("session POST to the API without X-CSRF-Token: %d", rec.Code)
	}
}

func TestLogin(t *testing.T) {
	f := newFixture(t, Config{})
	pw, err := f.s.cfg.Accounts.ResetPassword("host1")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.s)
	defer srv.Close()
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	loginForm := func() (string, *http.Cookie) {
		res, err := client.Get(srv.URL + "/login")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		var c *http.Cookie
		for _, x := range res.Cookies() {
			if x.Name == loginCookie {
				c = x
			}
		}
		if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteStrictMode {
			t.Fatalf("login CSRF cookie: %+v", c)
		}
		if !strings.Contains(string(body), `value="`+c.Value+`"`) {
			t.Fatalf("login form lacks its CSRF token")
		}
		return c.Value, c
	}
	post := func(name, pw string, withCSRF bool) *http.Response {
		tok, c := loginForm()
		v := url.Values{"name": {name}, "password": {pw}, "next": {"/cohort/1"}}
		if withCSRF {
			v.Set("csrf", tok)
		}
		req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(c)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res
	}
	if res := post("host1", pw, false); res.StatusCode != 403 {
		t.Fatalf("login without CSRF token: %d", res.StatusCode)
	}
	res := post("host1", pw, true)
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/cohort/1" {
		t.Fatalf("login: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	var sc *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie {
			sc = c
		}
	}
	if sc == nil || !sc.HttpOnly || sc.SameSite != http.SameSiteLaxMode || sc.Secure {
		t.Fatalf("session cookie over plain HTTP: %+v", sc)
	}
	// Rate limit: five wrong passwords, then even the right one waits.
	for i := 0; i < 5; i++ {
		if res := post("host2", "wrong", true); res.StatusCode != 401 {
			t.Fatalf("wrong password %d: %d", i, res.StatusCode)
		}
	}
	if res := post("host2", "wrong", true); res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
		t.Fatalf("sixth attempt: %d, want 429 with Retry-After", res.StatusCode)
	}
	// The address is blocked too, for every name.
	if res := post("host1", pw, true); res.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("same address, other account: %d, want 429", res.StatusCode)
	}
	// An unsafe next stays on the site.
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil"} {
		if got := safeNext(next); got != "/" {
			t.Errorf("safeNext(%q) = %q", next, got)
		}
	}
}

func TestSecureCookieOverTLS(t *testing.T) {
	f := newFixture(t, Config{})
	pw, _ := f.s.cfg.Accounts.ResetPassword("hq")
	srv := httptest.NewTLSServer(f.s)
	defer srv.Close()
	client := srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := client.Get(srv.URL + "/login")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	c := res.Cookies()[0]
	if !c.Secure {
		t.Fatalf("login cookie over TLS not Secure")
	}
	req, _ := http.NewRequest("POST", srv.URL+"/login", strings.NewReader(url.Values{"name": {"hq"}, "password": {pw}, "csrf": {c.Value}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(c)
	res, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	for _, c := range res.Cookies() {
		if c.Name == sessionCookie && (!c.Secure || !c.HttpOnly) {
			t.Fatalf("session cookie over TLS: %+v", c)
		}
	}
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login over TLS: %d", res.StatusCode)
	}
}

func TestPasswordHash(t *testing.T) {
	h := HashPassword("口令 123")
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %s", h)
	}
	if !CheckPassword(h, "口令 123") || CheckPassword(h, "口令 124") || CheckPassword("$argon2id$bad", "x") {
		t.Fatal("CheckPassword")
	}
	if a, b := HashPassword("x"), HashPassword("x"); a == b {
		t.Fatal("no salt")
	}
}

func TestAccountsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "acc.json")
	a, err := LoadAccounts(path)
	if err != nil || !a.Empty() {
		t.Fatal(a, err)
	}
	pw, err := a.AddUser("江苏承办", RoleHost, 3)
	if err != nil || len(pw) != 12 {
		t.Fatal(pw, err)
	}
	if _, err := a.AddUser("江苏承办", RoleHost, 3); err == nil {
		t.Fatal("duplicate accepted")
	}
	if _, err := a.AddUser("x", RoleHost, 0); err == nil {
		t.Fatal("host without cohort accepted")
	}
	if _, err := a.AddUser("y", RoleHQ, 2); err == nil {
		t.Fatal("hq with cohort accepted")
	}
	full, tok, err := a.CreateToken(RoleArchivist, 0, "档案馆")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Save(); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte(pw)) || bytes.Contains(raw, []byte(full)) {
		t.Fatal("the file holds a password or token in clear")
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode())
	}
	b, err := LoadAccounts(path)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := b.Login("江苏承办", pw); !ok || p.Role != RoleHost || p.Cohort != 3 {
		t.Fatalf("login after reload: %+v %v", p, ok)
	}
	if _, ok := b.Login("江苏承办", pw+"x"); ok {
		t.Fatal("wrong password accepted")
	}
	if p, ok := b.CheckToken(full); !ok || p.Role != RoleArchivist {
		t.Fatal("token after reload")
	}
	if err := b.RevokeToken(tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.CheckToken(full); ok {
		t.Fatal("revoked token accepted")
	}
}

// TestAccountsReloaded: users added and tokens revoked on the command
// line take effect in the running server.
func TestAccountsReloaded(t *testing.T) {
	f := newFixture(t, Config{})
	path := filepath.Join(t.TempDir(), "acc.json")
	acc, _ := LoadAccounts(path)
	full, tok, _ := acc.CreateToken(RoleHQ, 0, "")
	if err := acc.Save(); err != nil {
		t.Fatal(err)
	}
	f.s.cfg.Accounts = acc
	req := func() int {
		r := httptest.NewRequest("GET", "/api/jobs", nil)
		r.Header.Set("Authorization", "Bearer "+full)
		rec := httptest.NewRecorder()
		f.s.ServeHTTP(rec, r)
		return rec.Code
	}
	if c := req(); c != 200 {
		t.Fatalf("token: %d", c)
	}
	other, _ := LoadAccounts(path) // as `linghang tokens revoke` would
	other.RevokeToken(tok.ID)
	if err := other.Save(); err != nil {
		t.Fatal(err)
	}
	future := time.Now().Add(time.Hour)
	os.Chtimes(path, future, future)
	f.s.accounts = time.Time{}
	if c := req(); c != 401 {
		t.Fatalf("revoked on disk, still accepted: %d", c)
	}
}

func TestChineseFileNames(t *testing.T) {
	f := newFixture(t, Config{})
	rec := f.get("/download?key="+q(f.keys["year/notice"]), "archivist")
	if rec.Code != 200 {
		t.Fatal(rec.Code, rec.Body.String())
	}
	cd := rec.Header().Get("Content-Disposition")
	want := "通知-科协办函组字〔2022〕47号.pdf"
	_, enc, ok := strings.Cut(cd, "filename*=UTF-8''")
	if !ok {
		t.Fatalf("no filename*: %s", cd)
	}
	if got, err := url.PathUnescape(enc); err != nil || got != want {
		t.Fatalf("filename* decodes to %q, want %q (%s)", got, want, cd)
	}
	for _, c := range enc {
		if c > 0x7e || strings.ContainsRune(" \"';(),", c) {
			t.Fatalf("filename* holds %q unescaped: %s", c, enc)
		}
	}
	if !strings.HasPrefix(cd, `attachment; filename="`) || strings.ContainsFunc(strings.SplitN(cd, "filename*", 2)[0], func(r rune) bool { return r > 0x7e }) {
		t.Fatalf("ASCII fallback: %s", cd)
	}
	if rec.Header().Get("X-Linghang-SHA256") == "" || rec.Header().Get("Content-Length") == "" {
		t.Fatalf("headers %v", rec.Header())
	}
	// The zip of filled forms names every file in Chinese, UTF-8 flagged.
	rec = f.get("/cohort/1/forms.zip", "host1")
	if rec.Code != 200 {
		t.Fatal(rec.Code, rec.Body.String())
	}
	names := zipNames(t, rec.Body.Bytes())
	if strings.Join(names, ",") != "报名表-张三-10.pdf,报名表-欧阳·娜娜-11.pdf" {
		t.Fatalf("zip holds %v", names)
	}
	if cd := rec.Header().Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''2022-%E7%AC%AC1%E6%9C%9F") {
		t.Fatalf("zip name: %s", cd)
	}
}

// tamper rewrites the stored bytes of a document's current version.
func (f *fixture) tamper(key string, fn func([]byte) []byte) archive.Entry {
	f.t.Helper()
	hist, err := f.a.History(context.Background(), key)
	if err != nil {
		f.t.Fatal(err)
	}
	e := hist[len(hist)-1]
	file := filepath.Join(f.dir, filepath.FromSlash(e.Object))
	b, err := os.ReadFile(file)
	if err != nil {
		f.t.Fatal(err)
	}
	os.Chmod(file, 0o644)
	if err := os.WriteFile(file, fn(b), 0o644); err != nil {
		f.t.Fatal(err)
	}
	return e
}

func flipLast(b []byte) []byte { b = bytes.Clone(b); b[len(b)-1] ^= 1; return b }

// TestTamperedNeverServedWhole: an object altered in the store is never
// delivered as a complete response: small ones get an error page before
// any byte, large ones are cut before their last bytes, zips before their
// directory; the document shows as damaged afterwards.
func TestTamperedNeverServedWhole(t *testing.T) {
	f := newFixture(t, Config{SmallFile: 1024})
	// Small: the notice (< 1 KiB? make sure) — use a year doc below SmallFile.
	small := f.keys["c1/signin"]
	e := f.tamper(small, flipLast)
	if e.Size > 1024 {
		t.Fatalf("fixture: %d bytes is not small", e.Size)
	}
	rec := f.get("/download?key="+q(small), "hq")
	if rec.Code != 500 || strings.Contains(rec.Body.String(), "%PDF") || rec.Header().Get("X-Linghang-SHA256") != "" {
		t.Fatalf("small tampered: %d %v %s", rec.Code, rec.Header(), rec.Body.String())
	}
	if !strings.Contains(rec.Body.String(), "已损坏") || !strings.Contains(rec.Body.String(), rec.Header().Get("X-Request-ID")) {
		t.Fatalf("message: %s", rec.Body.String())
	}
	if strings.Contains(rec.Body.String(), f.dir) || strings.Contains(rec.Body.String(), "SHA-256 "+e.SHA256) {
		t.Fatalf("internal detail shown to the user: %s", rec.Body.String())
	}
	if !strings.Contains(f.log.String(), e.Object) {
		t.Fatalf("the log does not name the object")
	}
	// The history page and the cohort page mark it.
	if body := f.get("/history?key="+q(small), "hq").Body.String(); !strings.Contains(body, "已损坏") {
		t.Fatalf("history does not mark damage")
	}
	if body := f.get("/cohort/1", "host1").Body.String(); !strings.Contains(body, `class="bad">已损坏`) {
		t.Fatalf("cohort page does not mark damage")
	}

	// Large: a big document streamed through a real connection.
	ctx := context.Background()
	b, _ := f.a.Begin(ctx, "run-big", "x")
	big := bytes.Repeat([]byte("领航计划大文件 "), 40000) // ~880 KB
	be, err := b.Add(ctx, archive.Doc{Year: 2022, Kind: archive.Badges, Cohort: 1, CohortName: "河南省科协党校班", Title: "大胸卡", Filename: "大胸卡.pdf", MIME: "application/pdf", Body: big})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.s)
	defer srv.Close()
	fetch := func(path, who string) ([]byte, int, error) {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.AddCookie(&http.Cookie{Name: sessionCookie, Value: f.sess[who].id})
		res, err := srv.Client().Do(req)
		if err != nil {
			return nil, 0, err
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		return body, res.StatusCode, err
	}
	got, code, err := fetch("/download?key="+q(be.Key), "hq")
	if err != nil || !bytes.Equal(got, big) || code != 200 {
		t.Fatalf("intact large download: %v %d %d", err, len(got), code)
	}
	for _, tt := range []struct {
		name string
		fn   func([]byte) []byte
	}{
		{"last byte flipped", flipLast},
		{"first byte flipped", func(b []byte) []byte { b = bytes.Clone(b); b[0] ^= 1; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)-10] }},
		{"longer", func(b []byte) []byte { return append(bytes.Clone(b), "extra"...) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f.tamper(be.Key, func([]byte) []byte { return tt.fn(big) })
			got, _, err := fetch("/download?key="+q(be.Key), "hq")
			if err == nil {
				t.Fatalf("a tampered large download completed (%d bytes)", len(got))
			}
			if len(got) > len(big)-holdBack {
				t.Fatalf("client got %d of %d bytes; the last %d must be held back", len(got), len(big), holdBack)
			}
		})
	}
	// The zip of forms with one form altered is cut before its directory.
	f.tamper(f.keys["c1/form1"], flipLast)
	got, _, err = fetch("/cohort/1/forms.zip", "host1")
	if err == nil {
		t.Fatalf("zip with a damaged form completed (%d bytes)", len(got))
	}
	if got, code, err := fetch("/cohort/2/forms.zip", "host2"); err != nil || code != 200 || len(zipNames(t, got)) != 2 {
		t.Fatalf("intact zip: %v %d", err, code)
	}
	// Verify finds and lists the damage.
	rec = f.postForm("/verify", "archivist", url.Values{"year": {"2022"}})
	if rec.Code != 200 || strings.Count(rec.Body.String(), `<tr class="fail">`) != 3 {
		t.Fatalf("verify: %d %s", rec.Code, rec.Body.String())
	}
	rec = f.postForm("/verify", "archivist", url.Values{"key": {f.keys["year/notice"]}})
	if !strings.Contains(rec.Body.String(), `id="verified"`) {
		t.Fatalf("verify intact notice: %s", rec.Body.String())
	}
}

// TestStoreDown: with the store unreachable, /healthz stays ok, /readyz
// and the pages answer 503 within the store timeout, and later requests
// fail at once instead of waiting again; once the store is back,
// everything works.
func TestStoreDown(t *testing.T) {
	f := newFixture(t, Config{StoreTimeout: 150 * time.Millisecond, StoreBackoff: time.Hour})
	f.store.down.Store(true)
	if rec := f.get("/healthz", ""); rec.Code != 200 {
		t.Fatalf("healthz: %d", rec.Code)
	}
	for i, target := range []string{"/archive", "/find?year=2022", "/cohort/1", "/download?key=" + q(f.keys["c1/badges"]), "/history?key=" + q(f.keys["c1/badges"])} {
		start := time.Now()
		who := "archivist"
		if strings.HasPrefix(target, "/cohort") {
			who = "host1"
		}
		rec := f.get(target, who)
		took := time.Since(start)
		if rec.Code != 503 || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("%s with the store down: %d %s", target, rec.Code, rec.Body.String())
		}
		if !strings.Contains(rec.Body.String(), "归档存储暂不可用") || !strings.Contains(rec.Body.String(), rec.Header().Get("X-Request-ID")) {
			t.Fatalf("%s: message %s", target, rec.Body.String())
		}
		limit := 2 * time.Second
		if i > 0 {
			limit = 100 * time.Millisecond // known down: no waiting at all
		}
		if took > limit {
			t.Fatalf("%s took %v with the store down", target, took)
		}
	}
	if rec := f.get("/api/documents", "token:archivist"); rec.Code != 503 || !strings.Contains(rec.Body.String(), `"request_id"`) {
		t.Fatalf("API with the store down: %d %s", rec.Code, rec.Body.String())
	}
	start := time.Now()
	if rec := f.get("/readyz", ""); rec.Code != 503 || time.Since(start) > 2*time.Second {
		t.Fatalf("readyz: %d after %v", rec.Code, time.Since(start))
	}
	if rec := f.get("/hq", "hq"); rec.Code != 200 || !strings.Contains(rec.Body.String(), "不可达") {
		t.Fatalf("hq page with the store down should show it, got %d", rec.Code)
	}
	f.store.down.Store(false)
	if rec := f.get("/readyz", ""); rec.Code != 200 {
		t.Fatalf("readyz back: %d", rec.Code)
	}
	if rec := f.get("/archive", "archivist"); rec.Code != 200 {
		t.Fatalf("archive back: %d", rec.Code)
	}
}

// TestErrorsShort: errors show a short Chinese message with the status
// and request ID; the detail is in the log only.
func TestErrorsShort(t *testing.T) {
	f := newFixture(t, Config{})
	tests := []struct {
		target, who string
		status      int
		msg         string
	}{
		{"/download?key=" + q("2022/通知/没有.pdf"), "hq", 404, "没有找到"},
		{"/download?key=" + q("../etc/passwd"), "hq", 400, "文档路径无效"},
		{"/download?key=" + q("_jobs/runs/x.json"), "hq", 404, "没有找到"},
		{"/api/documents/_index/2022.jsonl", "token:hq", 404, "没有找到"},
		{"/download?key=" + q(f.keys["year/notice"]) + "&v=9", "hq", 404, "没有第 9 版"},
		{"/download?key=" + q(f.keys["year/notice"]) + "&v=x", "hq", 400, "版本号"},
		{"/find?cohort=abc", "archivist", 400, "期次应为数字"},
		{"/cohort/99", "hq", 404, "没有第99期"},
		{"/cohort/1/nothing", "hq", 404, "没有这种文档"},
		{"/nowhere", "hq", 404, "没有这个页面"},
		{"/api/nowhere", "token:hq", 404, "没有这个接口"},
	}
	for _, tt := range tests {
		rec := f.get(tt.target, tt.who)
		body := rec.Body.String()
		if rec.Code != tt.status || !strings.Contains(body, tt.msg) {
			t.Errorf("%s: %d %s", tt.target, rec.Code, body)
		}
		if id := rec.Header().Get("X-Request-ID"); id == "" || !strings.Contains(body, id) {
			t.Errorf("%s: no request ID in the answer", tt.target)
		}
		if strings.Contains(body, f.dir) {
			t.Errorf("%s: internal path shown", tt.target)
		}
	}
}

func zipNames(t *testing.T, b []byte) []string {
	t.Helper()
	zr, err := zipReader(b)
	if err != nil {
		t.Fatalf("zip: %v", err)
	}
	var out []string
	for _, f := range zr.File {
		if f.Flags&0x800 == 0 {
			t.Errorf("%s: UTF-8 flag not set", f.Name)
		}
		out = append(out, path.Base(f.Name))
	}
	return out
}

func TestLogoutAndFirstRun(t *testing.T) {
	f := newFixture(t, Config{})
	if rec := f.postForm("/logout", "host1", url.Values{"csrf": {"wrong"}}); rec.Code != 403 {
		t.Fatalf("logout without the CSRF token: %d", rec.Code)
	}
	if rec := f.postForm("/logout", "host1", url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("logout: %d", rec.Code)
	}
	if rec := f.get("/cohort/1", "host1"); rec.Code != http.StatusSeeOther {
		t.Fatalf("session still valid after logout: %d", rec.Code)
	}
	// Verification is for 总部 and 档案 only.
	if rec := f.postForm("/verify", "host2", url.Values{"key": {f.keys["c2/badges"]}}); rec.Code != 403 {
		t.Fatalf("host verify: %d", rec.Code)
	}
	// With no accounts the login page says how to make the first one.
	f.s.cfg.Accounts.Users = nil
	if body := f.get("/login", "").Body.String(); !strings.Contains(body, "linghang users add 名称 --role hq") {
		t.Fatalf("first run login page: %s", body)
	}
}

// TestDamagePersists: a damage mark outlives the process that found it
// and goes once a verification finds the object intact again.
func TestDamagePersists(t *testing.T) {
	f := newFixture(t, Config{})
	key := f.keys["c2/roster"]
	var orig []byte
	f.tamper(key, func(b []byte) []byte { orig = bytes.Clone(b); return flipLast(b) })
	if rec := f.get("/download?key="+q(key), "host2"); rec.Code != 500 {
		t.Fatalf("tampered: %d", rec.Code)
	}
	// Another server over the same store (a replica, or after a restart).
	other, err := New(f.s.cfg)
	if err != nil {
		t.Fatal(err)
	}
	other.sess = f.s.sess
	f.s = other
	if body := f.get("/history?key="+q(key), "archivist").Body.String(); !strings.Contains(body, "已损坏") {
		t.Fatalf("a new server does not show the damage")
	}
	var docs struct {
		Documents []struct {
			Key     string
			Damaged bool
		}
	}
	json.Unmarshal(f.get("/api/documents?cohort=2&kind=roster", "token:host2").Body.Bytes(), &docs)
	damaged := 0
	for _, d := range docs.Documents {
		if d.Damaged {
			damaged++
		}
	}
	if damaged != 1 {
		t.Fatalf("API: %d damaged, want 1: %+v", damaged, docs)
	}
	// Restored from a backup: verification clears the mark.
	f.tamper(key, func([]byte) []byte { return orig })
	if rec := f.postForm("/verify", "archivist", url.Values{"key": {key}}); !strings.Contains(rec.Body.String(), `id="verified"`) {
		t.Fatalf("verify restored: %s", rec.Body.String())
	}
	third, _ := New(f.s.cfg)
	third.sess = f.s.sess
	f.s = third
	if body := f.get("/history?key="+q(key), "archivist").Body.String(); strings.Contains(body, "已损坏") {
		t.Fatalf("mark not removed after a clean verification")
	}
	if rec := f.get("/download?key="+q(key), "host2"); rec.Code != 200 || !bytes.Equal(rec.Body.Bytes(), orig) {
		t.Fatalf("restored download: %d", rec.Code)
	}
}

// TestWithdrawnDocuments: a document 作废 leaves the host unit's cohort
// page and its forms download, and the archive pages show it as such,
// with the reason, while keeping every version.
func TestWithdrawnDocuments(t *testing.T) {
	f := newFixture(t, Config{})
	ctx := context.Background()
	b, err := f.a.Begin(ctx, "run-withdraw", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Withdraw(ctx, f.keys["c1/form0"], "学员名单或出勤变动后不再生成"); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	rec := f.get("/cohort/1", "host1")
	if body := rec.Body.String(); rec.Code != 200 || !strings.Contains(body, "<td>1 人</td>") {
		t.Errorf("host1's cohort page still counts the withdrawn form:\n%s", body)
	}
	rec = f.get("/cohort/1/forms.zip", "host1")
	names := zipNames(t, rec.Body.Bytes())
	if len(names) != 1 || strings.Contains(names[0], "张三") {
		t.Errorf("forms download = %v, want only 欧阳·娜娜's", names)
	}
	rec = f.get("/find?year=2022&title="+q("报名表 张三"), "archivist")
	if body := rec.Body.String(); !strings.Contains(body, "作废") {
		t.Errorf("the archive search does not mark the form 作废:\n%s", body)
	}
	rec = f.get("/history?key="+q(f.keys["c1/form0"]), "archivist")
	if body := rec.Body.String(); !strings.Contains(body, "作废说明") || !strings.Contains(body, "学员名单或出勤变动后不再生成") || !strings.Contains(body, "第 1 版") {
		t.Errorf("history lacks the withdrawal or the first version:\n%s", body)
	}
}
