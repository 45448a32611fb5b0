package web

import (
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"linghang/storage"
	"linghang/storage/archive"
)

//go:embed pages/*.html
var pages embed.FS

// Archive is what the server needs of the archive.
type Archive interface {
	Years(ctx context.Context) ([]int, error)
	Find(ctx context.Context, q archive.Query) ([]archive.Entry, error)
	History(ctx context.Context, key string) ([]archive.Entry, error)
	Open(ctx context.Context, key string, v int) (io.ReadCloser, archive.Entry, error)
}

// Server is the HTTP handler.
type Server struct {
	arch  Archive
	token string
	log   *slog.Logger
	tmpl  *template.Template
	mux   *http.ServeMux
	// verify resolves certificate codes (SetCertificateVerifier).
	verify CertificateVerifier
}

// New returns a server over a. token, when not empty, is required as
// "Authorization: Bearer <token>" or ?token=… (then kept in a cookie).
func New(a Archive, token string, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	funcs := template.FuncMap{
		"size":      archive.HumanSize,
		"kindName":  func(k archive.Kind) string { return k.Folder() },
		"urlquery":  url.QueryEscape,
		"cohortStr": func(n int) string { return cohortLabel(n) },
	}
	t, err := template.New("").Funcs(funcs).ParseFS(pages, "pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse pages: %w", err)
	}
	s := &Server{arch: a, token: token, log: log, tmpl: t, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /{$}", s.home)
	s.mux.HandleFunc("GET /find", s.find)
	s.mux.HandleFunc("GET /history", s.history)
	s.mux.HandleFunc("GET /download", s.download)
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	return s, nil
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
	public := r.URL.Path == "/healthz" || (r.URL.Path == "/certificate" && s.verify != nil)
	if s.token != "" && !public && !s.authorized(w, r) {
		s.fail(w, http.StatusUnauthorized, "需要访问令牌：请在地址后加 ?token=…，或使用 Authorization: Bearer 头。", nil)
		return
	}
	s.mux.ServeHTTP(w, r)
}

func (s *Server) authorized(w http.ResponseWriter, r *http.Request) bool {
	ok := func(v string) bool { return subtle.ConstantTimeCompare([]byte(v), []byte(s.token)) == 1 }
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") && ok(strings.TrimPrefix(h, "Bearer ")) {
		return true
	}
	if c, err := r.Cookie("linghang_token"); err == nil && ok(c.Value) {
		return true
	}
	if v := r.URL.Query().Get("token"); v != "" && ok(v) {
		http.SetCookie(w, &http.Cookie{Name: "linghang_token", Value: v, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
		return true
	}
	return false
}

type page struct {
	Title   string
	Years   []int
	Kinds   []archive.Kind
	Query   archive.Query
	Entries []archive.Entry
	Key     string
	Message string
	// Certificate is a verified 结业证书 (certificate.html).
	Certificate *VerifiedCertificate
}

func (s *Server) render(w http.ResponseWriter, name string, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := s.tmpl.ExecuteTemplate(w, name, p); err != nil {
		s.log.Error("render page", "page", name, "err", err)
	}
}

func (s *Server) fail(w http.ResponseWriter, code int, msg string, err error) {
	if err != nil {
		s.log.Error("request failed", "status", code, "err", err)
	}
	w.WriteHeader(code)
	s.render(w, "error.html", page{Title: "出错了", Message: msg})
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	years, err := s.arch.Years(r.Context())
	if err != nil {
		s.fail(w, http.StatusBadGateway, "读取归档库失败："+err.Error(), err)
		return
	}
	pg := page{Title: "首页", Years: years, Kinds: archive.Kinds()}
	if len(years) > 0 {
		// What host units come for: the latest year's notice (PDF and
		// editable DOCX) and the blank 报名表.
		latest := years[len(years)-1]
		for _, q := range []archive.Query{
			{Year: latest, Kind: archive.Notice},
			{Year: latest, Kind: archive.Form, Title: "空白"},
		} {
			es, err := s.arch.Find(r.Context(), q)
			if err != nil {
				s.fail(w, http.StatusBadGateway, "读取归档库失败："+err.Error(), err)
				return
			}
			for _, e := range es {
				if e.Cohort == 0 {
					pg.Entries = append(pg.Entries, e)
				}
			}
		}
	}
	s.render(w, "home.html", pg)
}

// parseQuery reads the search form; errors name the field in Chinese.
func parseQuery(v url.Values) (archive.Query, error) {
	var q archive.Query
	num := func(field, label string) (int, error) {
		s := strings.TrimSpace(v.Get(field))
		if s == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("%s应为数字，收到 %q", label, s)
		}
		return n, nil
	}
	var err error
	if q.Year, err = num("year", "年度"); err != nil {
		return q, err
	}
	if q.Cohort, err = num("cohort", "期次"); err != nil {
		return q, err
	}
	if k := strings.TrimSpace(v.Get("kind")); k != "" {
		if q.Kind, err = archive.ParseKind(k); err != nil {
			return q, fmt.Errorf("文件类别 %q 无效", k)
		}
	}
	q.Title = strings.TrimSpace(v.Get("title"))
	q.Name = strings.TrimSpace(v.Get("name"))
	q.DocNumber = strings.TrimSpace(v.Get("docno"))
	q.AllVersions = v.Get("all") == "1"
	return q, nil
}

func (s *Server) find(w http.ResponseWriter, r *http.Request) {
	q, err := parseQuery(r.URL.Query())
	if err != nil {
		s.fail(w, http.StatusBadRequest, "查询条件有误："+err.Error(), nil)
		return
	}
	entries, err := s.arch.Find(r.Context(), q)
	if err != nil {
		s.fail(w, http.StatusBadGateway, "查询归档库失败："+err.Error(), err)
		return
	}
	years, _ := s.arch.Years(r.Context())
	s.render(w, "find.html", page{Title: "查询结果", Years: years, Kinds: archive.Kinds(), Query: q, Entries: entries})
}

func (s *Server) history(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("key")
	if err := storage.CheckKey(key); err != nil {
		s.fail(w, http.StatusBadRequest, "文档路径无效。", nil)
		return
	}
	entries, err := s.arch.History(r.Context(), key)
	if errors.Is(err, storage.ErrNotFound) || (err == nil && len(entries) == 0) {
		s.fail(w, http.StatusNotFound, "归档库中没有这份文档："+key, nil)
		return
	}
	if err != nil {
		s.fail(w, http.StatusBadGateway, "读取版本历史失败："+err.Error(), err)
		return
	}
	s.render(w, "history.html", page{Title: "版本历史", Key: key, Entries: entries})
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	key := r.URL.Query().Get("key")
	if err := storage.CheckKey(key); err != nil {
		s.fail(w, http.StatusBadRequest, "文档路径无效。", nil)
		return
	}
	v := 0
	if vs := r.URL.Query().Get("v"); vs != "" {
		n, err := strconv.Atoi(vs)
		if err != nil || n < 0 {
			s.fail(w, http.StatusBadRequest, "版本号应为正整数。", nil)
			return
		}
		v = n
	}
	rc, e, err := s.arch.Open(r.Context(), key, v)
	if errors.Is(err, storage.ErrNotFound) {
		s.fail(w, http.StatusNotFound, "归档库中没有这份文档或这个版本："+key, nil)
		return
	}
	if err != nil {
		s.fail(w, http.StatusBadGateway, "读取文档失败："+err.Error(), err)
		return
	}
	defer rc.Close()
	name := path.Base(e.Key)
	w.Header().Set("Content-Type", e.MIME)
	w.Header().Set("Content-Length", strconv.FormatInt(e.Size, 10))
	w.Header().Set("Content-Disposition", contentDisposition(name))
	w.Header().Set("X-Linghang-SHA256", e.SHA256)
	w.Header().Set("X-Linghang-Version", strconv.Itoa(e.Version))
	if _, err := io.Copy(w, rc); err != nil {
		// Headers are gone; the truncated body and the log tell.
		s.log.Error("download interrupted or content altered", "key", key, "version", e.Version, "err", err)
	}
}

// contentDisposition names the download with an RFC 6266/5987 UTF-8 file
// name, plus an ASCII fallback for old clients.
func contentDisposition(name string) string {
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, fallback, url.PathEscape(name))
}

func cohortLabel(n int) string {
	if n == 0 {
		return "—"
	}
	return fmt.Sprintf("第%d期", n)
}
