package storage

import (
	"context"
	"errors"
	"io"
	"time"
)

// Sentinel errors. Backends translate their own errors into these, so
// callers never see a library's error type.
var (
	ErrNotFound     = errors.New("对象不存在")
	ErrExists       = errors.New("对象已存在")
	ErrPrecondition = errors.New("前置条件不满足（对象已被改动）")
	ErrInvalidKey   = errors.New("存储键无效")
	// ErrUnavailable marks a failure of the backend itself (network,
	// timeout, server error) after the backend's own bounded retries.
	// The same call may succeed later; see IsTransient.
	ErrUnavailable = errors.New("存储服务暂不可用")
)

// MetaSHA256 is the metadata key under which backends store the hex
// SHA-256 of the content. Put sets it; callers cannot override it.
const MetaSHA256 = "sha256"

// Store is the archive contract. Keys are slash-separated relative paths
// ("2022/notice/通知.pdf"); they are checked with CheckKey.
type Store interface {
	// Put writes the object, computing its SHA-256 while writing. With
	// opts.CreateOnly it fails with ErrExists if the key exists; with
	// opts.IfMatch it fails with ErrPrecondition unless the current ETag
	// matches (an absent object matches nothing). A failed or cancelled
	// Put leaves the previous object, if any, untouched and visible.
	Put(ctx context.Context, key string, r io.Reader, opts PutOptions) (Info, error)
	// Get opens the object for reading; the caller closes it.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Stat returns the object's info, metadata included, without its content.
	Stat(ctx context.Context, key string) (Info, error)
	// List returns every object whose key starts with prefix, sorted by
	// key. Key, Size, ETag and Modified are always set; Metadata,
	// ContentType and SHA256 may be empty (call Stat for them).
	List(ctx context.Context, prefix string) ([]Info, error)
	// Delete removes the object; ErrNotFound if absent.
	Delete(ctx context.Context, key string) error
}

// PutOptions qualifies a Put.
type PutOptions struct {
	ContentType string
	Metadata    map[string]string // user metadata; keys ASCII [a-z0-9-], values any UTF-8
	CreateOnly  bool              // fail with ErrExists if the key exists
	IfMatch     string            // fail with ErrPrecondition unless the ETag matches; not with CreateOnly
	RetainUntil time.Time         // object-lock retention, where supported
	// SHA256 is the hex SHA-256 of the content when the caller has it
	// already (the archive hashes every document before it stores it):
	// a store that records checksums may take it instead of hashing the
	// content a second time. Empty: the store computes it.
	SHA256 string
}

// Info describes a stored object.
type Info struct {
	Key         string
	Size        int64
	ETag        string
	Modified    time.Time
	ContentType string
	Metadata    map[string]string
	SHA256      string // hex SHA-256 of the content, when known
}

// IsTransient reports whether err is a failure of the backend that may
// go away by itself (server down, network, timeout), as opposed to a
// definite answer (not found, exists, precondition, invalid key) or a
// cancellation by the caller. A caller may spool the write and retry later.
func IsTransient(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrNotFound) || errors.Is(err, ErrExists) ||
		errors.Is(err, ErrPrecondition) || errors.Is(err, ErrInvalidKey) ||
		errors.Is(err, context.Canceled) {
		return false
	}
	return errors.Is(err, ErrUnavailable) || errors.Is(err, context.DeadlineExceeded)
}
