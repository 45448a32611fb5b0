package web

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"linghang/storage"
	"linghang/storage/archive"
)

// entry finds version v (0: current) of key and checks that p may see it:
// 403 for a document outside the role, before anything is read.
func (s *Server) entry(w http.ResponseWriter, r *http.Request, p *Principal, key string, v int) (archive.Entry, bool) {
	if err := storage.CheckKey(key); err != nil {
		s.fail(w, r, http.StatusBadRequest, "文档路径无效。", nil)
		return archive.Entry{}, false
	}
	if y, _, _ := strings.Cut(key, "/"); y == "" || strings.Trim(y, "0123456789") != "" {
		// Documents are filed under their year; nothing else (the ledger,
		// the index) is a document.
		s.fail(w, r, http.StatusNotFound, "没有找到这份文档。", nil)
		return archive.Entry{}, false
	}
	ctx, cancel, err := s.storeCtx(r)
	if err != nil {
		s.failErr(w, r, "这份文档", err)
		return archive.Entry{}, false
	}
	defer cancel()
	hist, err := s.cfg.Archive.History(ctx, key)
	if err != nil {
		s.failErr(w, r, "这份文档", err)
		return archive.Entry{}, false
	}
	s.markStoreUp()
	e := hist[len(hist)-1]
	if v != 0 {
		found := false
		for _, h := range hist {
			if h.Version == v {
				e, found = h, true
			}
		}
		if !found {
			s.fail(w, r, http.StatusNotFound, fmt.Sprintf("这份文档没有第 %d 版。", v), nil)
			return archive.Entry{}, false
		}
	}
	if !canSee(p, e) {
		s.log.Warn("forbidden document", "request_id", requestID(r), "who", p.Name, "role", p.Role, "cohort", p.Cohort, "key", e.Key)
		s.fail(w, r, http.StatusForbidden, "无权查看这份文档。", nil)
		return archive.Entry{}, false
	}
	return e, true
}

// open opens a version; only opening is bounded by the store timeout,
// reading then goes on as long as the client does.
func (s *Server) open(r *http.Request, e archive.Entry) (io.ReadCloser, error) {
	if until := s.storeDown.Load(); until != 0 && s.cfg.Clock().UnixNano() < until {
		return nil, errStoreDown
	}
	ctx, cancel := context.WithCancel(r.Context())
	timer := time.AfterFunc(s.cfg.StoreTimeout, cancel)
	rc, _, err := s.cfg.Archive.Open(ctx, e.Key, e.Version)
	if !timer.Stop() {
		if err == nil {
			rc.Close()
		}
		cancel()
		return nil, fmt.Errorf("打开 %s：%w", e.Object, context.DeadlineExceeded)
	}
	if err != nil {
		cancel()
		return nil, err
	}
	return readCloser{rc, cancel}, nil
}

type readCloser struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (r readCloser) Close() error { err := r.ReadCloser.Close(); r.cancel(); return err }

// Damage marks live in the archive's store (_web/damaged/<sha of the
// object key>.json), so every replica and a restarted server still show a
// damaged document as damaged; a verification that finds the object
// intact again (restored from a backup) removes its mark.
const damagedPrefix = "_web/damaged/"

type damageMark struct {
	Object string    `json:"object"`
	Key    string    `json:"key"`
	Found  time.Time `json:"found"`
	Detail string    `json:"detail"`
}

func damageKey(object string) string {
	sum := sha256.Sum256([]byte(object))
	return damagedPrefix + hex.EncodeToString(sum[:16]) + ".json"
}

// damage records that an object's content no longer matches its record:
// the document's page shows it, the log and metrics tell.
func (s *Server) damage(r *http.Request, e archive.Entry, err error) {
	s.mu.Lock()
	s.damaged[e.Object] = err.Error()
	s.mu.Unlock()
	s.m.damaged.Inc()
	s.m.archiveErrors.WithLabelValues("corrupt").Inc()
	s.log.Error("damaged document: download stopped", "request_id", requestID(r), "key", e.Key, "version", e.Version, "err", err)
	b, _ := json.Marshal(damageMark{Object: e.Object, Key: e.Key, Found: s.cfg.Clock().UTC(), Detail: err.Error()})
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), s.cfg.StoreTimeout)
	defer cancel()
	if _, err := s.cfg.Store.Put(ctx, damageKey(e.Object), bytes.NewReader(b), storage.PutOptions{ContentType: "application/json"}); err != nil {
		s.log.Warn("damage mark not stored", "request_id", requestID(r), "object", e.Object, "err", err)
	}
}

// intact removes a damage mark once the object checks out again.
func (s *Server) intact(r *http.Request, e archive.Entry) {
	s.mu.Lock()
	_, was := s.damaged[e.Object]
	delete(s.damaged, e.Object)
	s.mu.Unlock()
	if !was {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), s.cfg.StoreTimeout)
	defer cancel()
	if err := s.cfg.Store.Delete(ctx, damageKey(e.Object)); err != nil && !errors.Is(err, storage.ErrNotFound) {
		s.log.Warn("damage mark not removed", "object", e.Object, "err", err)
	}
	s.log.Info("document intact again", "request_id", requestID(r), "key", e.Key, "version", e.Version)
}

// loadDamage reads the stored damage marks, at most every 30 s.
func (s *Server) loadDamage(ctx context.Context) {
	now := s.cfg.Clock()
	s.mu.Lock()
	if !s.damageRead.IsZero() && now.Sub(s.damageRead) < 30*time.Second {
		s.mu.Unlock()
		return
	}
	s.damageRead = now
	s.mu.Unlock()
	infos, err := s.cfg.Store.List(ctx, damagedPrefix)
	if err != nil {
		return
	}
	for _, info := range infos {
		rc, _, err := s.cfg.Store.Get(ctx, info.Key)
		if err != nil {
			continue
		}
		var m damageMark
		err = json.NewDecoder(io.LimitReader(rc, 64<<10)).Decode(&m)
		rc.Close()
		if err == nil && m.Object != "" {
			s.mu.Lock()
			s.damaged[m.Object] = m.Detail
			s.mu.Unlock()
		}
	}
}

func (s *Server) isDamaged(object string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.damaged[object]
}

// send streams one archived version with its SHA-256 checked. A small
// document is read and checked whole before the first byte is sent, so a
// damaged one gets a proper error page. A large one streams; the last
// 64 KiB are held back until the check passes, and on a mismatch the
// connection is cut, so the client never holds a complete response whose
// bytes differ from the archive's record.
func (s *Server) send(w http.ResponseWriter, r *http.Request, e archive.Entry) {
	rc, err := s.open(r, e)
	if err != nil {
		s.failErr(w, r, "这份文档", err)
		return
	}
	defer rc.Close()
	h := w.Header()
	setDownloadHeaders(h, path.Base(e.Key), e.MIME)
	h.Set("X-Linghang-SHA256", e.SHA256)
	h.Set("X-Linghang-Version", strconv.Itoa(e.Version))
	h.Set("ETag", `"`+e.SHA256+`"`)
	if e.Size <= s.cfg.SmallFile {
		body, err := io.ReadAll(io.LimitReader(rc, e.Size+1))
		if err == nil && int64(len(body)) != e.Size {
			err = fmt.Errorf("%s：读到 %d 字节以上，归档记录为 %d 字节：%w", e.Object, len(body), e.Size, archive.ErrCorrupt)
		}
		if err != nil {
			h.Del("Content-Disposition")
			h.Del("X-Linghang-SHA256")
			h.Del("ETag")
			if errors.Is(err, archive.ErrCorrupt) {
				s.damage(r, e, err)
			}
			s.failErr(w, r, "这份文档", err)
			return
		}
		h.Set("Content-Length", strconv.FormatInt(e.Size, 10))
		w.Write(body)
		return
	}
	h.Set("Content-Length", strconv.FormatInt(e.Size, 10))
	if err := copyHeldBack(w, rc, e.Size); err != nil {
		if errors.Is(err, archive.ErrCorrupt) {
			s.damage(r, e, err)
		} else {
			s.log.Warn("download interrupted", "request_id", requestID(r), "key", e.Key, "err", err)
		}
		panic(http.ErrAbortHandler) // cut the connection: the client sees a failed download
	}
}

const holdBack = 64 << 10

// copyHeldBack copies r to w, never more than size bytes, and keeps the
// last holdBack bytes until r reports a clean end.
func copyHeldBack(w io.Writer, r io.Reader, size int64) error {
	buf := make([]byte, 0, holdBack+32<<10)
	var total int64
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		total += int64(n)
		if total > size {
			return fmt.Errorf("内容长于归档记录的 %d 字节：%w", size, archive.ErrCorrupt)
		}
		if len(buf) > holdBack {
			out := len(buf) - holdBack
			if _, werr := w.Write(buf[:out]); werr != nil {
				return werr
			}
			buf = buf[:copy(buf, buf[out:])]
		}
		if err == io.EOF {
			if total != size {
				return fmt.Errorf("内容只有 %d 字节，归档记录为 %d 字节：%w", total, size, archive.ErrCorrupt)
			}
			_, werr := w.Write(buf)
			return werr
		}
		if err != nil {
			return err
		}
	}
}

// sendZip streams documents as one zip, each read through its SHA-256
// check; a damaged document cuts the connection before the zip's
// directory is written, so no complete zip with wrong bytes is sent.
func (s *Server) sendZip(w http.ResponseWriter, r *http.Request, name string, entries []archive.Entry) {
	var zw *zip.Writer
	seen := map[string]int{}
	for _, e := range entries {
		rc, err := s.open(r, e)
		if err != nil && zw == nil {
			s.failErr(w, r, "本期报名表", err) // nothing sent yet: a proper error page
			return
		}
		if err != nil {
			s.log.Error("zip: open failed", "request_id", requestID(r), "key", e.Key, "err", err)
			panic(http.ErrAbortHandler)
		}
		if zw == nil {
			setDownloadHeaders(w.Header(), name, "application/zip")
			zw = zip.NewWriter(w)
		}
		base := path.Base(e.Key)
		if n := seen[base]; n > 0 {
			ext := path.Ext(base)
			base = fmt.Sprintf("%s-%d%s", strings.TrimSuffix(base, ext), n+1, ext)
		}
		seen[path.Base(e.Key)]++
		// Stored, not deflated: PDFs are compressed already.
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: base, Method: zip.Store, Modified: e.Archived})
		if err == nil {
			_, err = io.Copy(fw, rc)
		}
		rc.Close()
		if err != nil {
			if errors.Is(err, archive.ErrCorrupt) {
				s.damage(r, e, err)
			} else {
				s.log.Warn("zip download interrupted", "request_id", requestID(r), "key", e.Key, "err", err)
			}
			panic(http.ErrAbortHandler)
		}
	}
	if zw == nil {
		s.fail(w, r, http.StatusNotFound, "没有可下载的报名表。", nil)
		return
	}
	if err := zw.Close(); err != nil {
		s.log.Warn("zip download interrupted", "request_id", requestID(r), "err", err)
	}
}

func setDownloadHeaders(h http.Header, name, mime string) {
	if mime == "" {
		mime = "application/octet-stream"
	}
	h.Set("Content-Type", mime)
	h.Set("Content-Disposition", contentDisposition(name))
	h.Set("Cache-Control", "private, no-store")
}

// contentDisposition names the download with an RFC 6266/5987 UTF-8 file
// name, plus an ASCII fallback for old clients.
func contentDisposition(name string) string {
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' || r == ';' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, fallback, rfc5987(name))
}

// rfc5987 percent-encodes every byte that is not an attr-char.
func rfc5987(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}
