//go:build !linux

package fs

// openSyncfs: syncfs(2) is Linux only; elsewhere every Put syncs its own
// files and directories.
func openSyncfs(dir string) (sync func() error, closeFn func() error) { return nil, nil }
