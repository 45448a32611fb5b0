package fs

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// openSyncfs returns a function that syncs the whole file system holding
// dir with syncfs(2), through a descriptor held open from now on, and a
// function that closes it. The descriptor is opened once on purpose:
// syncfs reports a write-back error that happened since its descriptor
// was opened (Linux 5.8 and later), so one opened per call would miss an
// error from background write-back of an earlier file. (nil, nil) means
// syncfs cannot be used here.
func openSyncfs(dir string) (sync func() error, closeFn func() error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		f.Close()
		return nil, nil
	}
	sync = func() error {
		var err error
		if cerr := rc.Control(func(fd uintptr) {
			for {
				err = unix.Syncfs(int(fd))
				if !errors.Is(err, unix.EINTR) {
					return
				}
			}
		}); cerr != nil {
			return cerr
		}
		if err != nil {
			return &os.PathError{Op: "syncfs", Path: dir, Err: err}
		}
		return nil
	}
	return sync, f.Close
}
