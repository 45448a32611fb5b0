package web

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"linghang/jobs"
	"linghang/program"
	"linghang/storage"
	"linghang/storage/archive"
)

//go:embed pages/*.html
var pages embed.FS

// StatusSource reports the scheduler's state (*jobs.Scheduler).
type StatusSource interface {
	Status() jobs.SchedulerStatus
}

// Config is what the server works over. Archive, Store, Accounts and
// Programme are required; the rest have defaults or turn a feature off
// when nil.
type Config struct {
	Archive   *archive.Archive
	Store     storage.Store // probed by /readyz
	Accounts  *Accounts
	Programme *program.Programme
	Schedule  *jobs.Schedule
	Ledger    *jobs.Ledger // job history; nil: none shown
	Runner    jobs.Runner  // generates documents now; nil: not offered
	Scheduler StatusSource // nil: not running in this process
	Metrics   *Metrics     // nil: a new one
	Log       *slog.Logger
	// Limits bound uploaded applicant files (program.DefaultLimits when
	// zero); Covers checks characters against the fonts at upload.
	Limits program.Limits
	Covers func(rune) bool
	// MaxUpload bounds a request body carrying a file (default 32 MiB).
	MaxUpload int64
	// StoreTimeout bounds each metadata call to the store made for a page
	// (default 3 s); when the store is down pages answer 503 at once for
	// StoreBackoff (default 5 s) before trying it again.
	StoreTimeout time.Duration
	StoreBackoff time.Duration
	// SmallFile: documents up to this size are read and checked whole
	// before the first byte is sent (default 1 MiB, so 50 downloads at
	// once hold at most 50 MiB); larger ones stream
	// and the connection is cut if the check fails at the end.
	SmallFile int64
	// SecureCookies marks cookies Secure even without TLS on this
	// connection (behind a TLS-terminating proxy).
	SecureCookies bool
	Clock         func() time.Time
	// Certificates, when set, turns on the public GET /certificate page
	// where a scanned 结业证书 is verified.
	Certificates CertificateVerifier
}

// Server is the HTTP handler.
type Server struct {
	cfg   Config
	log   *slog.Logger
	tmpl  *template.Template
	mux   *http.ServeMux
	m     *Metrics
	sess  *sessions
	login *limiter

	storeDown atomic.Int64 // unix nanos until which the store counts as down

	mu          sync.Mutex
	damaged     map[string]string // object key → what was found
	damageRead  time.Time         // when the stored damage marks were last read
	pending     map[string]*pendingImport
	pendingSums map[string]*pendingSummary // host units' summary uploads awaiting confirmation
	accounts    time.Time                  // last reload check of the accounts file
}

// New returns the server.
func New(cfg Config) (*Server, error) {
	if cfg.Archive == nil || cfg.Store == nil || cfg.Accounts == nil || cfg.Programme == nil {
		return nil, errors.New("web: Archive, Store, Accounts and Programme are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Metrics == nil {
		cfg.Metrics = NewMetrics()
	}
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 32 << 20
	}
	if cfg.StoreTimeout <= 0 {
		cfg.StoreTimeout = 3 * time.Second
	}
	if cfg.StoreBackoff <= 0 {
		cfg.StoreBackoff = 5 * time.Second
	}
	if cfg.SmallFile <= 0 {
		cfg.SmallFile = 1 << 20
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	t, err := template.New("").Funcs(funcs).ParseFS(pages, "pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("web: parse pages: %w", err)
	}
	s := &Server{cfg: cfg, log: cfg.Log, tmpl: t, mux: http.NewServeMux(), m: cfg.Metrics,
		sess: newSessions(cfg.Clock), login: newLimiter(cfg.Clock, 5, 15*time.Minute),
		damaged: map[string]string{}, pending: map[string]*pendingImport{}, pendingSums: map[string]*pendingSummary{}}
	s.routes()
	return s, nil
}

// Metrics returns the server's metrics (to wrap the scheduler's runner).
func (s *Server) Metrics() *Metrics { return s.m }

var everyone = []Role{RoleHQ, RoleHost, RoleArchivist}

func (s *Server) routes() {
	m := s.mux
	m.HandleFunc("GET /healthz", s.healthz)
	m.HandleFunc("GET /readyz", s.readyz)
	m.Handle("GET /metrics", s.m.Handler())
	m.HandleFunc("GET /login", s.loginPage)
	m.HandleFunc("POST /login", s.loginPost)
	m.HandleFunc("POST /logout", s.logout)
	m.HandleFunc("GET /{$}", s.page(everyone, s.home))
	if s.cfg.Certificates != nil {
		m.HandleFunc("GET /certificate", s.certificate) // public: see certificate.go
	}

	m.HandleFunc("GET /hq", s.page([]Role{RoleHQ}, s.hqHome))
	m.HandleFunc("GET /hq/jobs", s.page([]Role{RoleHQ}, s.hqJobs))
	m.HandleFunc("POST /hq/jobs/run", s.page([]Role{RoleHQ}, s.hqRun))
	m.HandleFunc("GET /hq/import", s.page([]Role{RoleHQ}, s.hqImportForm))
	m.HandleFunc("POST /hq/import", s.page([]Role{RoleHQ}, s.hqImportUpload))
	m.HandleFunc("POST /hq/import/confirm", s.page([]Role{RoleHQ}, s.hqImportConfirm))

	m.HandleFunc("GET /cohort/{n}", s.page([]Role{RoleHQ, RoleHost}, s.cohortPage))
	m.HandleFunc("GET /cohort/{n}/{doc}", s.page([]Role{RoleHQ, RoleHost}, s.cohortDoc))
	m.HandleFunc("POST /cohort/{n}/summary", s.page([]Role{RoleHQ, RoleHost}, s.summaryUpload))
	m.HandleFunc("POST /cohort/{n}/summary/confirm", s.page([]Role{RoleHQ, RoleHost}, s.summaryConfirm))
	m.HandleFunc("GET /hq/evaluation", s.page([]Role{RoleHQ}, s.hqEvaluation))

	m.HandleFunc("GET /archive", s.page([]Role{RoleHQ, RoleArchivist}, s.archiveHome))
	m.HandleFunc("GET /find", s.page([]Role{RoleHQ, RoleArchivist}, s.find))
	m.HandleFunc("POST /verify", s.page([]Role{RoleHQ, RoleArchivist}, s.verify))
	m.HandleFunc("GET /history", s.page(everyone, s.history))
	m.HandleFunc("GET /download", s.page(everyone, s.download))

	m.HandleFunc("GET /api/applicants", s.api([]Role{RoleHQ}, s.apiApplicants))
	m.HandleFunc("POST /api/applicants", s.api([]Role{RoleHQ}, s.apiImport))
	m.HandleFunc("GET /api/documents", s.api(everyone, s.apiDocuments))
	m.HandleFunc("GET /api/documents/{key...}", s.api(everyone, s.apiDownload))
	m.HandleFunc("GET /api/jobs", s.api([]Role{RoleHQ}, s.apiJobs))
	m.HandleFunc("POST /api/jobs/{name}/run", s.api([]Role{RoleHQ}, s.apiRun))
	m.HandleFunc("POST /api/cohorts/{n}/summary", s.api([]Role{RoleHQ, RoleHost}, s.apiSummary))
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, "没有这个接口。", nil)
	})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, http.StatusNotFound, "没有这个页面。", nil)
	})
}

type ctxKey int

const (
	keyRequestID ctxKey = iota
	keyPrincipal
	keySession
)

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(keyRequestID).(string)
	return id
}

// statusWriter remembers the status for the log and metrics.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// ServeHTTP gives each request an ID, security headers, metrics and a
// recovery that turns a panic into a 500 with that ID.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := randomHex(8)
	r = r.WithContext(context.WithValue(r.Context(), keyRequestID, id))
	h := w.Header()
	h.Set("X-Request-ID", id)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
	sw := &statusWriter{ResponseWriter: w}
	defer func() {
		route := r.Pattern
		if route == "" {
			route = "other"
		}
		s.m.observe(route, sw.status, time.Since(start))
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v) // a download cut on purpose
			}
			s.log.Error("panic", "request_id", id, "path", r.URL.Path, "panic", v, "stack", string(debug.Stack()))
			if !sw.wrote {
				s.fail(sw, r, http.StatusInternalServerError, "服务器内部错误。", nil)
			}
		}
	}()
	s.mux.ServeHTTP(sw, r)
}

// fail answers with a short Chinese message, the status and the request
// ID; err, if any, goes to the log only.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, code int, msg string, err error) {
	id := requestID(r)
	if err != nil {
		s.log.Error("request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "status", code, "err", err)
	} else if code >= 500 {
		s.log.Error("request failed", "request_id", id, "method", r.Method, "path", r.URL.Path, "status", code, "msg", msg)
	}
	if code == http.StatusServiceUnavailable {
		w.Header().Set("Retry-After", "5")
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeJSON(w, code, map[string]any{"error": msg, "status": code, "request_id": id})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	v := view{Title: "出错了", Message: msg, Status: code, RequestID: id}
	v.User, _ = r.Context().Value(keyPrincipal).(*Principal)
	if ss, ok := r.Context().Value(keySession).(*session); ok {
		v.CSRF = ss.csrf
	}
	s.tmpl.ExecuteTemplate(w, "error.html", v)
}

// failErr maps an error to its status and a short message: not found,
// store unavailable (503), damaged content, or an internal error.
func (s *Server) failErr(w http.ResponseWriter, r *http.Request, what string, err error) {
	switch {
	case errors.Is(err, storage.ErrNotFound):
		s.fail(w, r, http.StatusNotFound, "没有找到"+what+"。", err)
	case errors.Is(err, errStoreDown):
		s.fail(w, r, http.StatusServiceUnavailable, "归档存储暂不可用，请稍后再试。", nil)
	case storage.IsTransient(err):
		s.markStoreDown(err)
		s.m.archiveErrors.WithLabelValues("unavailable").Inc()
		s.fail(w, r, http.StatusServiceUnavailable, "归档存储暂不可用，请稍后再试。", err)
	case errors.Is(err, archive.ErrCorrupt):
		s.fail(w, r, http.StatusInternalServerError, what+"已损坏（内容与归档记录不符），已停止下载；请通知管理员运行完整性校验。", err)
	case errors.Is(err, context.Canceled):
		s.log.Info("request cancelled", "request_id", requestID(r), "path", r.URL.Path)
	default:
		s.m.archiveErrors.WithLabelValues("other").Inc()
		s.fail(w, r, http.StatusInternalServerError, "读取"+what+"时出错。", err)
	}
}

var errStoreDown = errors.New("归档存储暂不可用（最近一次访问失败）")

// storeCtx bounds a metadata call to the store; it fails at once while
// the store is known to be down.
func (s *Server) storeCtx(r *http.Request) (context.Context, context.CancelFunc, error) {
	if until := s.storeDown.Load(); until != 0 && s.cfg.Clock().UnixNano() < until {
		return nil, nil, errStoreDown
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.StoreTimeout)
	return ctx, cancel, nil
}

func (s *Server) markStoreDown(err error) {
	s.storeDown.Store(s.cfg.Clock().Add(s.cfg.StoreBackoff).UnixNano())
	s.m.storeUp.Set(0)
	s.log.Warn("archive store unavailable", "err", err)
}

func (s *Server) markStoreUp() {
	if s.storeDown.Swap(0) != 0 {
		s.log.Info("archive store reachable again")
	}
	s.m.storeUp.Set(1)
}

// probe checks that the store answers within the timeout.
func (s *Server) probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.StoreTimeout)
	defer cancel()
	_, err := s.cfg.Store.Stat(ctx, "_index/readyz-probe")
	if err == nil || errors.Is(err, storage.ErrNotFound) {
		s.markStoreUp()
		return nil
	}
	s.markStoreDown(err)
	return err
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.probe(r.Context()); err != nil {
		s.log.Warn("not ready", "request_id", requestID(r), "err", err)
		w.Header().Set("Retry-After", "5")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "归档存储不可达（请求编号 %s）\n", requestID(r))
		return
	}
	w.Write([]byte("ok\n"))
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// view is what every page template gets.
type view struct {
	Title     string
	User      *Principal
	CSRF      string
	Message   string
	Notice    string
	Status    int
	RequestID string
	Data      any
}

func (s *Server) render(w http.ResponseWriter, r *http.Request, name string, v view) {
	v.User, _ = r.Context().Value(keyPrincipal).(*Principal)
	if ss, ok := r.Context().Value(keySession).(*session); ok {
		v.CSRF = ss.csrf
	}
	v.RequestID = requestID(r)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := s.tmpl.ExecuteTemplate(w, name, v); err != nil {
		s.log.Error("render page", "page", name, "request_id", v.RequestID, "err", err)
	}
}

var funcs = template.FuncMap{
	"size":     archive.HumanSize,
	"kindName": func(k archive.Kind) string { return k.Folder() },
	"urlquery": url.QueryEscape,
	"cohort":   cohortLabel,
	"time":     jobs.FormatTime,
	"date":     func(t time.Time) string { return t.Format("2006-01-02") },
	"short": func(s string, n int) string {
		r := []rune(s)
		if len(r) <= n {
			return s
		}
		return string(r[:n]) + "…"
	},
}

func cohortLabel(n int) string {
	if n == 0 {
		return "—"
	}
	return fmt.Sprintf("第%d期", n)
}
