package fs

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path"
)

// lock takes the key's lock, shared for readers and exclusive for writers,
// and returns its release. Locks are striped over 256 files (by the first
// byte of the key's SHA-256) and held with flock(2), so they work between
// goroutines and between processes sharing the directory.
func (s *Store) lock(key string, exclusive bool) (func(), error) {
	sum := sha256.Sum256([]byte(key))
	stripe := hex.EncodeToString(sum[:1])
	name := path.Join(lockDir, stripe)
	f, err := s.locks.OpenFile(stripe, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("打开锁文件 %s：%w", name, err)
	}
	if err := flock(f, exclusive); err != nil {
		f.Close()
		return nil, fmt.Errorf("加锁 %s：%w", name, err)
	}
	return func() { f.Close() }, nil // closing the descriptor releases the lock
}
