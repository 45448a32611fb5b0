package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"linghang/storage"
	"linghang/storage/archive"
)

// The 档案 pages: browse by year / kind / cohort, search, versions with
// their metadata, download any version, verify a document or a year.

type archiveView struct {
	Years    []int
	Kinds    []archive.Kind
	Query    archive.Query
	Searched bool
	Entries  []archive.Entry
	Key      string
	Damaged  map[string]string // object → finding
	Verify   *verifyResult
}

func (s *Server) visible(p *Principal, es []archive.Entry) []archive.Entry {
	out := es[:0:0]
	for _, e := range es {
		if canSee(p, e) {
			out = append(out, e)
		}
	}
	return out
}

func visibleKinds(p *Principal) []archive.Kind {
	var out []archive.Kind
	for _, k := range archive.Kinds() {
		if k != archive.Data || p.Role == RoleHQ {
			out = append(out, k)
		}
	}
	return out
}

func (s *Server) archiveHome(w http.ResponseWriter, r *http.Request, p *Principal) {
	ctx, cancel, err := s.storeCtx(r)
	if err != nil {
		s.failErr(w, r, "归档库", err)
		return
	}
	defer cancel()
	years, err := s.cfg.Archive.Years(ctx)
	if err != nil {
		s.failErr(w, r, "归档库", err)
		return
	}
	s.markStoreUp()
	s.render(w, r, "archive.html", view{Title: "档案", Data: archiveView{Years: years, Kinds: visibleKinds(p)}})
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
			return 0, fmt.Errorf("%s应为数字，收到“%s”", label, s)
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
			return q, fmt.Errorf("文件类别“%s”无效", k)
		}
	}
	q.Title = strings.TrimSpace(v.Get("title"))
	q.Name = strings.TrimSpace(v.Get("name"))
	q.DocNumber = strings.TrimSpace(v.Get("docno"))
	q.AllVersions = v.Get("all") == "1"
	return q, nil
}

func (s *Server) find(w http.ResponseWriter, r *http.Request, p *Principal) {
	q, err := parseQuery(r.URL.Query())
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, "查询条件有误："+err.Error(), nil)
		return
	}
	ctx, cancel, err := s.storeCtx(r)
	if err != nil {
		s.failErr(w, r, "归档库", err)
		return
	}
	defer cancel()
	entries, err := s.cfg.Archive.Find(ctx, q)
	if err != nil {
		s.failErr(w, r, "归档库", err)
		return
	}
	years, _ := s.cfg.Archive.Years(ctx)
	s.markStoreUp()
	s.loadDamage(ctx)
	s.render(w, r, "archive.html", view{Title: "查询结果", Data: archiveView{Years: years, Kinds: visibleKinds(p), Query: q, Searched: true,
		Entries: s.visible(p, entries), Damaged: s.damagedMap()}})
}

func (s *Server) damagedMap() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := make(map[string]string, len(s.damaged))
	for k, v := range s.damaged {
		m[k] = v
	}
	return m
}

func (s *Server) history(w http.ResponseWriter, r *http.Request, p *Principal) {
	key := r.URL.Query().Get("key")
	if _, ok := s.entry(w, r, p, key, 0); !ok {
		return
	}
	ctx, cancel, err := s.storeCtx(r)
	if err != nil {
		s.failErr(w, r, "这份文档", err)
		return
	}
	defer cancel()
	entries, err := s.cfg.Archive.History(ctx, key)
	if err != nil {
		s.failErr(w, r, "这份文档", err)
		return
	}
	s.loadDamage(ctx)
	s.render(w, r, "history.html", view{Title: "版本与元数据", Data: archiveView{Key: key, Entries: entries, Damaged: s.damagedMap()}})
}

func (s *Server) download(w http.ResponseWriter, r *http.Request, p *Principal) {
	v := 0
	if vs := r.URL.Query().Get("v"); vs != "" {
		n, err := strconv.Atoi(vs)
		if err != nil || n < 0 {
			s.fail(w, r, http.StatusBadRequest, "版本号应为正整数。", nil)
			return
		}
		v = n
	}
	e, ok := s.entry(w, r, p, r.URL.Query().Get("key"), v)
	if !ok {
		return
	}
	s.send(w, r, e)
}

// verifyResult is what a verification found.
type verifyResult struct {
	What    string
	Checked int
	Bytes   int64
	Bad     []verifyProblem
}

type verifyProblem struct {
	Entry archive.Entry
	What  string
}

// verify reads every version of one document (key) or of every document
// of a year, recomputes each SHA-256 and shows what differs.
func (s *Server) verify(w http.ResponseWriter, r *http.Request, p *Principal) {
	var entries []archive.Entry
	res := &verifyResult{}
	ctx, cancel, err := s.storeCtx(r)
	if err != nil {
		s.failErr(w, r, "归档库", err)
		return
	}
	defer cancel()
	if key := r.FormValue("key"); key != "" {
		if _, ok := s.entry(w, r, p, key, 0); !ok {
			return
		}
		entries, err = s.cfg.Archive.History(ctx, key)
		res.What = "文档 " + key + " 的全部版本"
	} else {
		year, aerr := strconv.Atoi(r.FormValue("year"))
		if aerr != nil || year <= 0 {
			s.fail(w, r, http.StatusBadRequest, "请指定要校验的文档或年度。", nil)
			return
		}
		entries, err = s.cfg.Archive.Find(ctx, archive.Query{Year: year, AllVersions: true})
		res.What = fmt.Sprintf("%d年度全部文档的全部版本", year)
	}
	if err != nil {
		s.failErr(w, r, "归档库", err)
		return
	}
	for _, e := range s.visible(p, entries) {
		rc, err := s.open(r, e)
		if err == nil {
			var n int64
			n, err = io.Copy(io.Discard, rc)
			res.Bytes += n
			rc.Close()
		}
		res.Checked++
		switch {
		case err == nil:
			s.intact(r, e)
		case errors.Is(err, archive.ErrCorrupt):
			s.damage(r, e, err)
			res.Bad = append(res.Bad, verifyProblem{e, "内容与归档记录的 SHA-256 不符（已损坏）"})
		case errors.Is(err, storage.ErrNotFound):
			s.damage(r, e, err)
			res.Bad = append(res.Bad, verifyProblem{e, "版本对象缺失"})
		default:
			s.failErr(w, r, "归档库", err)
			return
		}
	}
	s.log.Info("verify", "request_id", requestID(r), "who", p.Name, "what", res.What, "checked", res.Checked, "bad", len(res.Bad))
	s.render(w, r, "verify.html", view{Title: "完整性校验", Data: archiveView{Verify: res}})
}
