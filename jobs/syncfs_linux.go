package jobs

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncFiles makes the contents of files durable. One syncfs(2) writes
// back the whole file system they live on (DirSink's files share one
// folder tree): one call for a group instead of one fsync each.
func syncFiles(files []*os.File) error {
	if len(files) == 0 {
		return nil
	}
	fd := int(files[0].Fd())
	for {
		err := unix.Syncfs(fd)
		if err != unix.EINTR {
			return err
		}
	}
}

// syncDirs makes the renames in dirs durable: one syncfs(2) commits the
// journal of the file system they are on.
func syncDirs(dirs []string) error {
	d, err := os.Open(dirs[0])
	if err != nil {
		return err
	}
	defer d.Close()
	return syncFiles([]*os.File{d})
}
