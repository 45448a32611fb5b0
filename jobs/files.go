package jobs

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFileSynced writes b to path through a temporary file in the same
// directory, synced and renamed, so a reader never sees half a file.
func WriteFileSynced(path string, b []byte) error {
	tmp, err := writeTemp(path, b)
	if err != nil {
		return err
	}
	return commitTemp(tmp, path)
}

// writeTemp writes b to a new temporary file beside path, not yet synced.
func writeTemp(path string, b []byte) (*os.File, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, fmt.Errorf("写入 %s: %w", path, err)
	}
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Chmod(0o644) // CreateTemp makes 0600; these are documents to share
	}
	if err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("写入 %s: %w", path, err)
	}
	return tmp, nil
}

// commitTemp syncs and closes tmp and renames it to path.
func commitTemp(tmp *os.File, path string) error {
	err := tmp.Sync()
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("写入 %s: %w", path, err)
	}
	return nil
}
