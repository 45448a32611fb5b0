// Package storage defines the contract every archive backend fulfils
// (storage/fs for a local directory, storage/s3 for S3-compatible object
// stores) and the sentinel errors callers test with errors.Is.
package storage

import (
	"context"
	"errors"
	"io"
	"time"
)

// Sentinel errors. Backends translate their own errors into these.
var (
	ErrNotFound     = errors.New("storage: object not found")
	ErrExists       = errors.New("storage: object already exists")
	ErrPrecondition = errors.New("storage: precondition failed")
	ErrInvalidKey   = errors.New("storage: invalid key")
)

// Store is the archive contract. Keys are slash-separated relative paths
// ("2022/notice/通知.pdf"); they are checked with CheckKey.
type Store interface {
	// Put writes the object. With opts.CreateOnly it fails with ErrExists
	// if the key exists; with opts.IfMatch it fails with ErrPrecondition
	// unless the current ETag matches.
	Put(ctx context.Context, key string, r io.Reader, opts PutOptions) (Info, error)
	// Get opens the object for reading; the caller closes it.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// Stat returns the object's info without its content.
	Stat(ctx context.Context, key string) (Info, error)
	// List returns every object whose key starts with prefix, sorted by key.
	List(ctx context.Context, prefix string) ([]Info, error)
	// Delete removes the object; ErrNotFound if absent.
	Delete(ctx context.Context, key string) error
}

// PutOptions qualifies a Put.
type PutOptions struct {
	ContentType string
	Metadata    map[string]string // user metadata; values may be any UTF-8
	CreateOnly  bool              // fail with ErrExists if the key exists
	IfMatch     string            // fail with ErrPrecondition unless the ETag matches
	RetainUntil time.Time         // object-lock retention, where supported
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
