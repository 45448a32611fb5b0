//go:build unix

package archive

import (
	"errors"
	"os"
	"syscall"
)

// lockFile opens name (creating it if create) and takes an exclusive flock(2) on it without
// waiting. ok is false when another open file holds the lock. The kernel
// drops the lock when the process dies, which is how Flush tells an
// interrupted batch from a running one.
func lockFile(name string, create bool) (f *os.File, ok bool, err error) {
	flag := os.O_RDWR
	if create {
		flag |= os.O_CREATE
	}
	f, err = os.OpenFile(name, flag, 0o600)
	if err != nil {
		return nil, false, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, err
	}
	return f, true, nil
}

func unlockFile(f *os.File) {
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	f.Close()
}
