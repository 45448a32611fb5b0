//go:build !linux

package jobs

import (
	"errors"
	"os"
	"syscall"
)

// syncFiles makes the contents of files durable, one fsync each.
func syncFiles(files []*os.File) error {
	var errs []error
	for _, f := range files {
		if err := f.Sync(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// syncDirs makes the renames in dirs durable, one fsync per folder
// (file systems that cannot sync a folder are skipped).
func syncDirs(dirs []string) error {
	var errs []error
	for _, dir := range dirs {
		d, err := os.Open(dir)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		err = d.Sync()
		d.Close()
		if err != nil && !errors.Is(err, syscall.EINVAL) && !errors.Is(err, syscall.ENOTSUP) {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
