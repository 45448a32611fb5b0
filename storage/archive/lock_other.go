//go:build !unix

package archive

import "os"

// lockFile without flock(2): the lock file is only opened, so Flush
// cannot tell a running batch from an interrupted one. Run flush only
// while no batch is open on such systems.
func lockFile(name string, create bool) (*os.File, bool, error) {
	flag := os.O_RDWR
	if create {
		flag |= os.O_CREATE
	}
	f, err := os.OpenFile(name, flag, 0o600)
	return f, err == nil, err
}

func unlockFile(f *os.File) { f.Close() }
