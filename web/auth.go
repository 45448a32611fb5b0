package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"linghang/storage/archive"
)

const (
	sessionCookie = "linghang_session"
	loginCookie   = "linghang_login" // CSRF token of the login form
	sessionTTL    = 12 * time.Hour
	maxSessions   = 10000
)

type session struct {
	id      string
	p       Principal
	csrf    string
	expires time.Time
}

// sessions live in memory: a restart logs everyone out.
type sessions struct {
	clock func() time.Time
	mu    sync.Mutex
	m     map[string]*session
}

func newSessions(clock func() time.Time) *sessions {
	return &sessions{clock: clock, m: map[string]*session{}}
}

func (ss *sessions) create(p Principal) *session {
	s := &session{id: randomText(43), p: p, csrf: randomText(32), expires: ss.clock().Add(sessionTTL)}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if len(ss.m) >= maxSessions {
		now := ss.clock()
		for k, v := range ss.m {
			if now.After(v.expires) {
				delete(ss.m, k)
			}
		}
		if len(ss.m) >= maxSessions { // still full: drop the oldest
			var oldest *session
			for _, v := range ss.m {
				if oldest == nil || v.expires.Before(oldest.expires) {
					oldest = v
				}
			}
			delete(ss.m, oldest.id)
		}
	}
	ss.m[s.id] = s
	return s
}

func (ss *sessions) get(id string) (*session, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s, ok := ss.m[id]
	if ok && ss.clock().After(s.expires) {
		delete(ss.m, id)
		return nil, false
	}
	return s, ok
}

func (ss *sessions) drop(id string) {
	ss.mu.Lock()
	delete(ss.m, id)
	ss.mu.Unlock()
}

// limiter counts failed logins per key (client address, account name) in
// a fixed window.
type limiter struct {
	clock  func() time.Time
	max    int
	window time.Duration
	mu     sync.Mutex
	m      map[string]*attempts
}

type attempts struct {
	n     int
	start time.Time
}

func newLimiter(clock func() time.Time, max int, window time.Duration) *limiter {
	return &limiter{clock: clock, max: max, window: window, m: map[string]*attempts{}}
}

// blocked reports whether key has used up its attempts, and for how long.
func (l *limiter) blocked(key string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	a, ok := l.m[key]
	if !ok {
		return 0, false
	}
	left := a.start.Add(l.window).Sub(l.clock())
	if left <= 0 {
		delete(l.m, key)
		return 0, false
	}
	return left, a.n >= l.max
}

func (l *limiter) fail(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock()
	if len(l.m) > 100000 {
		for k, a := range l.m {
			if now.Sub(a.start) > l.window {
				delete(l.m, k)
			}
		}
	}
	a, ok := l.m[key]
	if !ok || now.Sub(a.start) > l.window {
		a = &attempts{start: now}
		l.m[key] = a
	}
	a.n++
}

func (l *limiter) reset(key string) {
	l.mu.Lock()
	delete(l.m, key)
	l.mu.Unlock()
}

func clientIP(r *http.Request) string {
	h, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return h
}

// refreshAccounts rereads the accounts file when it changed (users added
// or tokens revoked while the server runs), at most every 2 s.
func (s *Server) refreshAccounts() {
	a := s.cfg.Accounts
	if a.Path == "" {
		return
	}
	now := s.cfg.Clock()
	s.mu.Lock()
	if now.Sub(s.accounts) < 2*time.Second {
		s.mu.Unlock()
		return
	}
	s.accounts = now
	s.mu.Unlock()
	info, err := os.Stat(a.Path)
	if err != nil {
		return
	}
	a.mu.Lock()
	same := info.ModTime().Equal(a.modTime)
	a.mu.Unlock()
	if same {
		return
	}
	fresh, err := LoadAccounts(a.Path)
	if err != nil {
		s.log.Error("accounts file unreadable; keeping the accounts loaded before", "err", err)
		return
	}
	a.mu.Lock()
	a.Users, a.Tokens, a.modTime = fresh.Users, fresh.Tokens, info.ModTime()
	a.mu.Unlock()
}

// principal finds who makes the request: a Bearer token, else a session
// cookie whose user still exists with the same role and cohort.
func (s *Server) principal(r *http.Request) (*Principal, *session, bool) {
	s.refreshAccounts()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, nil, false
		}
		p, ok := s.cfg.Accounts.CheckToken(strings.TrimSpace(tok))
		if !ok {
			return nil, nil, false
		}
		return &p, nil, true
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, nil, false
	}
	ss, ok := s.sess.get(c.Value)
	if !ok {
		return nil, nil, false
	}
	u, ok := s.cfg.Accounts.user(ss.p.Name)
	if !ok || u.Role != ss.p.Role || u.Cohort != ss.p.Cohort {
		s.sess.drop(ss.id)
		return nil, nil, false
	}
	p := ss.p
	return &p, ss, true
}

// csrfOK checks a state-changing request made with a session: the form
// field (or X-CSRF-Token header) must carry the session's token, and an
// Origin header, when sent, must be this host.
func csrfOK(r *http.Request, ss *session) bool {
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.FormValue("csrf")
	}
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(ss.csrf)) == 1
}

// bodyLimit is how large a request body may be on a route.
func (s *Server) bodyLimit(r *http.Request) int64 {
	switch r.URL.Path {
	case "/hq/import", "/api/applicants":
		return s.cfg.MaxUpload
	}
	if strings.HasSuffix(r.URL.Path, "/summary") { // a host unit's summary files
		return s.cfg.MaxUpload
	}
	return 64 << 10
}

type handler func(w http.ResponseWriter, r *http.Request, p *Principal)

// page guards an HTML route: anonymous users go to the login page, other
// roles get 403, forms need the CSRF token.
func (s *Server) page(roles []Role, h handler) http.HandlerFunc {
	return s.guard(roles, h, false)
}

// api guards a JSON route: 401 without credentials, 403 outside the role.
func (s *Server) api(roles []Role, h handler) http.HandlerFunc {
	return s.guard(roles, h, true)
}

func (s *Server) guard(roles []Role, h handler, api bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, s.bodyLimit(r))
		}
		p, ss, ok := s.principal(r)
		if !ok {
			if api || r.Method != http.MethodGet || r.Header.Get("Authorization") != "" {
				w.Header().Set("WWW-Authenticate", `Bearer realm="linghang"`)
				s.fail(w, r, http.StatusUnauthorized, "请先登录，或提供有效的访问令牌。", nil)
				return
			}
			http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		ctx := context.WithValue(r.Context(), keyPrincipal, p)
		if ss != nil {
			ctx = context.WithValue(ctx, keySession, ss)
		}
		r = r.WithContext(ctx)
		if !slices.Contains(roles, p.Role) {
			s.fail(w, r, http.StatusForbidden, fmt.Sprintf("%s账户无权访问这里。", p.Role.Chinese()), nil)
			return
		}
		if r.Method == http.MethodPost && ss != nil {
			// Read the form now (bounded), so an oversized upload is a 413,
			// not a missing CSRF token.
			var err error
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				err = r.ParseMultipartForm(8 << 20)
			} else {
				err = r.ParseForm()
			}
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				s.fail(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("上传的内容超过上限 %s。", archive.HumanSize(mbe.Limit)), nil)
				return
			}
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && ss != nil && !csrfOK(r, ss) {
			s.fail(w, r, http.StatusForbidden, "表单已过期或来源不明（CSRF 校验未通过），请刷新页面后重试。", nil)
			return
		}
		h(w, r, p)
	}
}

func (s *Server) secure(r *http.Request) bool { return r.TLS != nil || s.cfg.SecureCookies }

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	tok := randomText(32)
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: tok, Path: "/login", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	msg := ""
	if s.cfg.Accounts.Empty() {
		msg = "还没有任何账户。请在服务器上运行 linghang users add 名称 --role hq 创建第一个总部账户。"
	}
	s.render(w, r, "login.html", view{Title: "登录", CSRF: tok, Message: msg, Data: safeNext(r.URL.Query().Get("next"))})
}

// safeNext keeps a redirect after login on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (s *Server) loginPost(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	c, err := r.Cookie(loginCookie)
	if err != nil || r.FormValue("csrf") == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.FormValue("csrf"))) != 1 {
		s.fail(w, r, http.StatusForbidden, "登录表单已过期（CSRF 校验未通过），请刷新登录页后重试。", nil)
		return
	}
	name := strings.TrimSpace(r.FormValue("name"))
	ipKey, nameKey := "ip:"+clientIP(r), "name:"+name
	for _, k := range []string{ipKey, nameKey} {
		if left, blocked := s.login.blocked(k); blocked {
			s.m.logins.WithLabelValues("limited").Inc()
			w.Header().Set("Retry-After", fmt.Sprint(int(left.Seconds())+1))
			s.fail(w, r, http.StatusTooManyRequests, fmt.Sprintf("登录失败次数过多，请 %d 分钟后再试。", int(left.Minutes())+1), nil)
			return
		}
	}
	p, ok := s.cfg.Accounts.Login(name, r.FormValue("password"))
	if !ok {
		s.login.fail(ipKey)
		s.login.fail(nameKey)
		s.m.logins.WithLabelValues("failed").Inc()
		s.log.Warn("login failed", "request_id", requestID(r), "name", name, "ip", clientIP(r))
		w.WriteHeader(http.StatusUnauthorized)
		s.render(w, r, "login.html", view{Title: "登录", CSRF: c.Value, Message: "账户名或口令不对。", Data: safeNext(r.FormValue("next"))})
		return
	}
	s.login.reset(nameKey)
	s.m.logins.WithLabelValues("ok").Inc()
	ss := s.sess.create(p)
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: ss.id, Path: "/", HttpOnly: true,
		Secure: s.secure(r), SameSite: http.SameSiteLaxMode, MaxAge: int(sessionTTL.Seconds())})
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/login", MaxAge: -1})
	s.log.Info("login", "request_id", requestID(r), "name", p.Name, "role", p.Role)
	http.Redirect(w, r, safeNext(r.FormValue("next")), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if c, err := r.Cookie(sessionCookie); err == nil {
		if ss, ok := s.sess.get(c.Value); ok {
			if !csrfOK(r, ss) {
				s.fail(w, r, http.StatusForbidden, "表单已过期或来源不明（CSRF 校验未通过），请刷新页面后重试。", nil)
				return
			}
			s.sess.drop(ss.id)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secure(r)})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// home sends each role to its page.
func (s *Server) home(w http.ResponseWriter, r *http.Request, p *Principal) {
	switch p.Role {
	case RoleHQ:
		http.Redirect(w, r, "/hq", http.StatusSeeOther)
	case RoleHost:
		http.Redirect(w, r, fmt.Sprintf("/cohort/%d", p.Cohort), http.StatusSeeOther)
	default:
		http.Redirect(w, r, "/archive", http.StatusSeeOther)
	}
}
