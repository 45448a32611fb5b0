package jobs

import (
	"fmt"
	"os"
	"path/filepath"
)

// WriteFileSynced writes b to path through a temporary file in the same
// directory, synced and renamed, so a reader never sees half a file.
func WriteFileSynced(path string, b []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("写入 %s: %w", path, err)
	}
	_, err = tmp.Write(b)
	if err == nil {
		err = tmp.Chmod(0o644) // CreateTemp makes 0600; these are documents to share
	}
	if err == nil {
		err = tmp.Sync()
	}
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
