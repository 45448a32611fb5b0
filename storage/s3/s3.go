package s3

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"linghang/storage"
)

// Store is a storage.Store over one bucket (and key prefix) of an
// S3-compatible server.
type Store struct {
	cfg    Config
	client *minio.Client
	core   minio.Core
	locked bool // the bucket has object lock enabled
	page   int  // List page size; 0 means the server's (1000)

	// sleep waits between retries; tests may shorten it.
	sleep func(ctx context.Context, d time.Duration) error
}

var _ storage.Store = (*Store)(nil)

// New connects to the store and checks, within the timeout, that the
// bucket exists and the credentials are accepted.
func New(ctx context.Context, cfg Config) (*Store, error) {
	if err := cfg.check(); err != nil {
		return nil, fmt.Errorf("S3 配置无效：%w", err)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.MultipartThreshold <= 0 {
		cfg.MultipartThreshold = DefaultMultipartThreshold
	}
	if cfg.PartSize <= 0 {
		cfg.PartSize = DefaultPartSize
	}
	if cfg.PartSize < 5<<20 {
		cfg.PartSize = 5 << 20 // S3's minimum part size
	}
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, fmt.Errorf("S3 存储 %s 缺少凭据：请设置环境变量 AWS_ACCESS_KEY_ID 和 AWS_SECRET_ACCESS_KEY", cfg)
	}
	tr, err := minio.DefaultTransport(cfg.Secure)
	if err != nil {
		return nil, fmt.Errorf("S3 存储 %s：%w", cfg, err)
	}
	tr.DialContext = (&net.Dialer{Timeout: min(cfg.Timeout, 10*time.Second), KeepAlive: 30 * time.Second}).DialContext
	tr.ResponseHeaderTimeout = cfg.Timeout
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:     credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:    cfg.Secure,
		Transport: tr,
		Region:    cfg.Region,
		// Checksums are only sent as trailers (see Put).
		TrailingHeaders: true,
		// Retries are ours: bounded by the call's deadline, with backoff.
		MaxRetries: 1,
	})
	if err != nil {
		return nil, fmt.Errorf("S3 存储 %s：%w", cfg, err)
	}
	s := &Store{cfg: cfg, client: client, core: minio.Core{Client: client}, sleep: sleepCtx}

	var exists bool
	if err := s.call(ctx, 0, func(ctx context.Context) (err error) {
		exists, err = client.BucketExists(ctx, cfg.Bucket)
		return err
	}); err != nil {
		return nil, s.fail("连接", "", err)
	}
	if !exists {
		return nil, fmt.Errorf("S3 服务 %s 上不存在存储桶 %q", cfg.Endpoint, cfg.Bucket)
	}
	var lock string
	err = s.call(ctx, 0, func(ctx context.Context) (err error) {
		lock, _, _, _, err = client.GetObjectLockConfig(ctx, cfg.Bucket)
		return err
	})
	if err != nil && classify(err) == kindTransient {
		return nil, s.fail("读取对象锁定配置", "", err)
	}
	s.locked = err == nil && lock == "Enabled"
	return s, nil
}

// Config returns the store's configuration, credentials included.
func (s *Store) Config() Config { return s.cfg }

// ObjectLock reports whether the bucket has object lock enabled, so
// PutOptions.RetainUntil takes effect.
func (s *Store) ObjectLock() bool { return s.locked }

func (s *Store) object(key string) string { return s.cfg.Prefix + key }

// checkKey checks key and that it still fits S3's key limit behind the
// store's prefix.
func (s *Store) checkKey(key string) error {
	if err := storage.CheckKey(key); err != nil {
		return err
	}
	if n := len(s.cfg.Prefix) + len(key); n > storage.MaxKeyLen {
		return &storage.KeyError{Key: key, Reason: fmt.Sprintf("加上前缀 %s 后长 %d 字节，超过 S3 上限 %d", s.cfg.Prefix, n, storage.MaxKeyLen)}
	}
	return nil
}

// Put implements storage.Store.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, opts storage.PutOptions) (storage.Info, error) {
	if err := s.checkKey(key); err != nil {
		return storage.Info{}, err
	}
	if err := storage.CheckPutOptions(opts); err != nil {
		return storage.Info{}, fmt.Errorf("写入 %s：%w", key, err)
	}
	sp, err := spool(ctx, r)
	if err != nil {
		return storage.Info{}, fmt.Errorf("写入 %s：读取内容：%w", key, err)
	}
	defer sp.Close()

	po := minio.PutObjectOptions{
		ContentType:  opts.ContentType,
		UserMetadata: encodeMeta(opts.Metadata, sp.sha),
	}
	if !opts.RetainUntil.IsZero() && s.locked {
		po.Mode = minio.Governance
		if s.cfg.LockMode == "COMPLIANCE" {
			po.Mode = minio.Compliance
		}
		po.RetainUntilDate = opts.RetainUntil.UTC()
	}
	cond := po
	switch {
	case opts.CreateOnly:
		cond.SetMatchETagExcept("*")
	case opts.IfMatch != "":
		cond.SetMatchETag(opts.IfMatch)
	}

	var up minio.UploadInfo
	attempts := 0
	err = s.call(ctx, sp.size, func(ctx context.Context) (err error) {
		attempts++
		if sp.size <= s.cfg.MultipartThreshold {
			o := cond
			o.DisableMultipart = true
			o.DisableContentSha256 = true // else minio-go drops the checksum
			o.Checksum = minio.ChecksumSHA256
			up, err = s.client.PutObject(ctx, s.cfg.Bucket, s.object(key), io.NewSectionReader(sp, 0, sp.size), sp.size, o)
			return err
		}
		up, err = s.putMultipart(ctx, key, sp, po, cond)
		return err
	})
	if err != nil {
		k := classify(err)
		if attempts > 1 && (k == kindPrecondition || k == kindNotFound && opts.IfMatch == "") {
			// An earlier attempt may have landed with its answer lost.
			if info, serr := s.Stat(ctx, key); serr == nil && info.SHA256 == sp.sha {
				return info, nil
			}
		}
		switch {
		case k == kindPrecondition && opts.CreateOnly:
			return storage.Info{}, fmt.Errorf("写入 %s：%w", key, storage.ErrExists)
		case (k == kindPrecondition || k == kindNotFound) && opts.IfMatch != "":
			return storage.Info{}, fmt.Errorf("写入 %s：ETag %s 不匹配：%w", key, opts.IfMatch, storage.ErrPrecondition)
		}
		return storage.Info{}, s.fail("写入", key, err)
	}
	mod := up.LastModified
	if mod.IsZero() {
		mod = time.Now()
	}
	return storage.Info{
		Key:         key,
		Size:        sp.size,
		ETag:        up.ETag,
		Modified:    mod.UTC(),
		ContentType: opts.ContentType,
		Metadata:    cloneMeta(opts.Metadata),
		SHA256:      sp.sha,
	}, nil
}

// putMultipart uploads sp in parts and completes the upload itself, with
// the create-only or if-match condition on the completion.
func (s *Store) putMultipart(ctx context.Context, key string, sp *spooled, po, cond minio.PutObjectOptions) (minio.UploadInfo, error) {
	obj := s.object(key)
	id, err := s.core.NewMultipartUpload(ctx, s.cfg.Bucket, obj, po)
	if err != nil {
		return minio.UploadInfo{}, err
	}
	completed := false
	defer func() {
		if !completed {
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Timeout)
			defer cancel()
			s.core.AbortMultipartUpload(actx, s.cfg.Bucket, obj, id)
		}
	}()
	var parts []minio.CompletePart
	for off, n := int64(0), 1; off < sp.size; off, n = off+s.cfg.PartSize, n+1 {
		size := min(s.cfg.PartSize, sp.size-off)
		h := sha256.New()
		if _, err := io.Copy(h, io.NewSectionReader(sp, off, size)); err != nil {
			return minio.UploadInfo{}, err
		}
		p, err := s.core.PutObjectPart(ctx, s.cfg.Bucket, obj, id, n, io.NewSectionReader(sp, off, size), size,
			minio.PutObjectPartOptions{Sha256Hex: hex.EncodeToString(h.Sum(nil))})
		if err != nil {
			return minio.UploadInfo{}, err
		}
		parts = append(parts, minio.CompletePart{PartNumber: n, ETag: p.ETag})
	}
	up, err := s.core.CompleteMultipartUpload(ctx, s.cfg.Bucket, obj, id, parts, cond)
	if err == nil {
		completed = true
	}
	return up, err
}

// Get implements storage.Store. The body must be read within the call's
// deadline (Timeout plus the object's size at 1 MiB/s); past it reads fail
// with a transient error.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	if err := s.checkKey(key); err != nil {
		return nil, storage.Info{}, err
	}
	// The body outlives the call, so its context is cancelled by a timer
	// that is extended once the size is known; timedOut tells that
	// cancellation from the caller's.
	d := &deadline{}
	cctx, cancel := context.WithCancel(ctx)
	d.timer = time.AfterFunc(s.cfg.Timeout, func() { d.timedOut.Store(true); cancel() })
	d.stop = func() { d.timer.Stop(); cancel() }
	var (
		body io.ReadCloser
		oi   minio.ObjectInfo
	)
	err := s.call(cctx, 0, func(context.Context) (err error) {
		body, oi, _, err = s.core.GetObject(cctx, s.cfg.Bucket, s.object(key), minio.GetObjectOptions{})
		return d.wrap(err)
	})
	if err != nil {
		d.stop()
		if classify(err) == kindNotFound {
			return nil, storage.Info{}, fmt.Errorf("读取 %s：%w", key, storage.ErrNotFound)
		}
		return nil, storage.Info{}, s.fail("读取", key, err)
	}
	d.timer.Reset(s.cfg.Timeout + time.Duration(oi.Size/minRate)*time.Second)
	return &body2{ReadCloser: body, d: d, key: key, s: s}, s.info(key, oi), nil
}

// deadline bounds a Get and its body.
type deadline struct {
	timer    *time.Timer
	timedOut atomic.Bool
	stop     func()
}

// wrap marks err as a timeout when the deadline, not the caller, ended it.
func (d *deadline) wrap(err error) error {
	if err != nil && d.timedOut.Load() {
		return fmt.Errorf("%w: %v", context.DeadlineExceeded, err)
	}
	return err
}

// body2 ends the Get's deadline when closed and names the endpoint in read
// errors.
type body2 struct {
	io.ReadCloser
	d   *deadline
	key string
	s   *Store
}

func (b *body2) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = b.s.fail("读取", b.key, b.d.wrap(err))
	}
	return n, err
}

func (b *body2) Close() error {
	err := b.ReadCloser.Close()
	b.d.stop()
	return err
}

// Stat implements storage.Store.
func (s *Store) Stat(ctx context.Context, key string) (storage.Info, error) {
	if err := s.checkKey(key); err != nil {
		return storage.Info{}, err
	}
	var oi minio.ObjectInfo
	err := s.call(ctx, 0, func(ctx context.Context) (err error) {
		oi, err = s.client.StatObject(ctx, s.cfg.Bucket, s.object(key), minio.StatObjectOptions{})
		return err
	})
	if err != nil {
		if classify(err) == kindNotFound {
			return storage.Info{}, fmt.Errorf("查询 %s：%w", key, storage.ErrNotFound)
		}
		return storage.Info{}, s.fail("查询", key, err)
	}
	return s.info(key, oi), nil
}

// List implements storage.Store. Objects in the bucket whose keys are not
// valid storage keys (written by other tools) are left out.
func (s *Store) List(ctx context.Context, prefix string) ([]storage.Info, error) {
	if err := storage.CheckPrefix(prefix); err != nil {
		return nil, err
	}
	var out []storage.Info
	err := s.call(ctx, 0, func(ctx context.Context) error {
		out = out[:0]
		for oi := range s.client.ListObjects(ctx, s.cfg.Bucket, minio.ListObjectsOptions{Prefix: s.object(prefix), Recursive: true, MaxKeys: s.page}) {
			if oi.Err != nil {
				return oi.Err
			}
			key := strings.TrimPrefix(oi.Key, s.cfg.Prefix)
			if storage.CheckKey(key) != nil {
				continue
			}
			out = append(out, storage.Info{Key: key, Size: oi.Size, ETag: oi.ETag, Modified: oi.LastModified.UTC()})
		}
		return nil
	})
	if err != nil {
		return nil, s.fail(fmt.Sprintf("列出前缀 %q", prefix), "", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Delete implements storage.Store. S3 deletes absent objects silently, so
// Delete asks first to report ErrNotFound.
func (s *Store) Delete(ctx context.Context, key string) error {
	if _, err := s.Stat(ctx, key); err != nil {
		return err
	}
	err := s.call(ctx, 0, func(ctx context.Context) error {
		return s.client.RemoveObject(ctx, s.cfg.Bucket, s.object(key), minio.RemoveObjectOptions{})
	})
	if err != nil {
		return s.fail("删除", key, err)
	}
	return nil
}

func (s *Store) info(key string, oi minio.ObjectInfo) storage.Info {
	md, sha := decodeMeta(oi.Metadata)
	if sha == "" && oi.ChecksumSHA256 != "" && !strings.Contains(oi.ChecksumSHA256, "-") {
		if b, err := base64.StdEncoding.DecodeString(oi.ChecksumSHA256); err == nil && len(b) == sha256.Size {
			sha = hex.EncodeToString(b)
		}
	}
	return storage.Info{
		Key:         key,
		Size:        oi.Size,
		ETag:        oi.ETag,
		Modified:    oi.LastModified.UTC(),
		ContentType: oi.ContentType,
		Metadata:    md,
		SHA256:      sha,
	}
}

// Retries.

type errKind int

const (
	kindOther errKind = iota
	kindNotFound
	kindPrecondition
	kindTransient
	kindCanceled
	kindAuth
)

// classify sorts a minio-go or network error. minio.ErrorResponse does
// not unwrap, so it is matched by type.
func classify(err error) errKind {
	if errors.Is(err, context.Canceled) {
		return kindCanceled
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return kindTransient
	}
	var er minio.ErrorResponse
	if !errors.As(err, &er) {
		var p *minio.ErrorResponse
		if !errors.As(err, &p) {
			return kindTransient // network: refused, reset, EOF, timeout
		}
		er = *p
	}
	switch er.Code {
	case "NoSuchKey", "NoSuchVersion":
		return kindNotFound
	case "PreconditionFailed":
		return kindPrecondition
	case "ConditionalRequestConflict", "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "RequestTimeTooSkewed":
		return kindTransient
	case "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken":
		return kindAuth
	}
	switch {
	case er.StatusCode == http.StatusNotFound && er.Code != "NoSuchBucket":
		return kindNotFound
	case er.StatusCode == http.StatusPreconditionFailed:
		return kindPrecondition
	case er.StatusCode == http.StatusConflict, er.StatusCode == http.StatusTooManyRequests, er.StatusCode >= 500:
		return kindTransient
	case er.StatusCode == http.StatusForbidden:
		return kindAuth
	}
	return kindOther
}

// call runs fn until it succeeds, fails definitely, or the deadline
// (Timeout plus size at minRate) passes, backing off between attempts.
func (s *Store) call(ctx context.Context, size int64, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout+time.Duration(size/minRate)*time.Second)
	defer cancel()
	backoff := 100 * time.Millisecond
	for {
		err := fn(ctx)
		if err == nil || classify(err) != kindTransient || ctx.Err() != nil {
			return err
		}
		wait := backoff/2 + rand.N(backoff/2+1)
		if s.sleep(ctx, wait) != nil {
			if errors.Is(ctx.Err(), context.Canceled) {
				return fmt.Errorf("%w（上次错误：%v）", context.Canceled, err)
			}
			return err
		}
		backoff = min(2*backoff, 3*time.Second)
	}
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// fail turns err into the error a user reads: the operation, key and
// endpoint, in Chinese, wrapping ErrUnavailable when the server did not
// answer in time.
func (s *Store) fail(op, key string, err error) error {
	where := fmt.Sprintf("S3 服务 %s（存储桶 %s）", s.cfg.Endpoint, s.cfg.Bucket)
	what := op
	if key != "" {
		what = op + " " + key
	}
	switch classify(err) {
	case kindCanceled:
		return fmt.Errorf("%s：已取消：%w", what, context.Canceled)
	case kindTransient:
		return fmt.Errorf("%s：%s 在 %s 内未能完成（已按退避重试）：%w：%v", what, where, s.cfg.Timeout, storage.ErrUnavailable, err)
	case kindAuth:
		return fmt.Errorf("%s：%s 拒绝访问，请检查 AWS_ACCESS_KEY_ID、AWS_SECRET_ACCESS_KEY 和权限：%v", what, where, err)
	case kindNotFound:
		return fmt.Errorf("%s：%s：%w", what, where, storage.ErrNotFound)
	}
	if er := minio.ToErrorResponse(err); er.Code == "NoSuchBucket" {
		return fmt.Errorf("%s：%s 上不存在该存储桶", what, where)
	}
	return fmt.Errorf("%s：%s：%v", what, where, err)
}

// Metadata encoding.

const (
	wordPrefix = "=?UTF-8?B?"
	wordSuffix = "?="
)

// encodeMeta makes user metadata safe for HTTP headers and adds the SHA-256.
func encodeMeta(md map[string]string, sha string) map[string]string {
	out := make(map[string]string, len(md)+1)
	for k, v := range md {
		if !storage.HeaderSafe(v) {
			v = wordPrefix + base64.StdEncoding.EncodeToString([]byte(v)) + wordSuffix
		}
		out[k] = v
	}
	out[storage.MetaSHA256] = sha
	return out
}

// decodeMeta reads x-amz-meta-* headers back and splits off the SHA-256.
// minio-go has already decoded values that begin with "=?" as RFC 2047
// words (ours always do; plain values never contain "=?"), so values are
// taken as they are: decoding again would corrupt a value that itself
// looks like an encoded word.
func decodeMeta(h http.Header) (map[string]string, string) {
	var md map[string]string
	sha := ""
	for k, vs := range h {
		name, ok := strings.CutPrefix(strings.ToLower(k), "x-amz-meta-")
		if !ok || len(vs) == 0 {
			continue
		}
		v := vs[0]
		if name == storage.MetaSHA256 {
			sha = v
			continue
		}
		if md == nil {
			md = map[string]string{}
		}
		md[name] = v
	}
	return md, sha
}

func cloneMeta(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Spooling.

// memLimit is how much of an object is kept in memory before spooling to
// a temporary file.
const memLimit = 8 << 20

// spooled is a Put's content, read once, hashed, and re-readable for
// retries and parts.
type spooled struct {
	io.ReaderAt
	size int64
	sha  string
	file *os.File
}

func (s *spooled) Close() error {
	if s.file != nil {
		return s.file.Close()
	}
	return nil
}

func spool(ctx context.Context, r io.Reader) (*spooled, error) {
	h := sha256.New()
	var buf bytes.Buffer
	n, err := io.Copy(io.MultiWriter(&buf, h), io.LimitReader(ctxReader{ctx, r}, memLimit+1))
	if err != nil {
		return nil, err
	}
	if n <= memLimit {
		return &spooled{ReaderAt: bytes.NewReader(buf.Bytes()), size: n, sha: hex.EncodeToString(h.Sum(nil))}, nil
	}
	f, err := os.CreateTemp("", "linghang-s3-*")
	if err != nil {
		return nil, err
	}
	os.Remove(f.Name())           // unlinked: gone with the descriptor, even after a crash
	_, err = f.Write(buf.Bytes()) // already hashed
	if err == nil {
		var m int64
		m, err = io.Copy(io.MultiWriter(f, h), ctxReader{ctx, r})
		n += m
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &spooled{ReaderAt: f, size: n, sha: hex.EncodeToString(h.Sum(nil)), file: f}, nil
}

// ctxReader stops a copy when the context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
