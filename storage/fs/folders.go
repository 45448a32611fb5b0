package fs

import (
	"errors"
	iofs "io/fs"
	"os"
	"path"
	"sync"
	"syscall"
)

// maxFolders bounds the folders a store keeps open: a year's documents
// and their sidecars fill a few hundred.
const maxFolders = 512

// A folder is a directory of the store kept open as an os.Root, so that
// a file in it is reached with one openat instead of one per level of
// its path: a document's Put, its sidecar, and the Stat of the index that
// comes with it walked some thirty levels between them, and their system
// calls were a tenth of a year's CPU time.
//
// A cached handle outlives the directory if it is removed (Delete prunes
// empty folders, in this process or another). Files can then no longer
// be created in it (ENOENT), and a file looked up in it is missing even
// if a new folder of the same name has it; so every caller that gets
// ENOENT through a cached folder forgets it and tries again with a fresh
// one (see retryFresh). linghang never renames folders, which a handle
// would follow.
type folder struct {
	*os.Root
	dir    string
	refs   int  // callers using it; it is closed only at 0
	cached bool // in the store's map; false once forgotten or never cached
}

// folders is the store's cache of open folders.
type folders struct {
	mu sync.Mutex
	m  map[string]*folder
}

// openFolder returns dir (relative to the root) opened, from the cache
// if it is there (cached true). The caller releases it with closeFolder.
func (s *Store) openFolder(dir string) (f *folder, cached bool, err error) {
	fs := &s.folders
	fs.mu.Lock()
	if f := fs.m[dir]; f != nil {
		f.refs++
		fs.mu.Unlock()
		return f, true, nil
	}
	fs.mu.Unlock()
	r, err := s.root.OpenRoot(dir)
	if err != nil {
		return nil, false, s.folderError(dir, err)
	}
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if f := fs.m[dir]; f != nil { // opened meanwhile by another caller
		f.refs++
		r.Close()
		return f, true, nil
	}
	f = &folder{Root: r, dir: dir, refs: 1}
	if fs.m == nil {
		fs.m = map[string]*folder{}
	}
	if len(fs.m) >= maxFolders {
		for _, old := range fs.m { // make room: drop folders not in use
			if old.refs == 0 {
				fs.dropLocked(old)
				if len(fs.m) < maxFolders/2 {
					break
				}
			}
		}
	}
	if len(fs.m) < maxFolders {
		fs.m[dir] = f
		f.cached = true
	}
	return f, false, nil
}

// folderError is err, from opening dir, with ENOTDIR when dir is a file:
// os.Root says only "not a directory", which errors.Is cannot match, and
// callers report a key below an object as not found.
func (s *Store) folderError(dir string, err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return err
	}
	if fi, lerr := s.root.Lstat(dir); lerr == nil && !fi.IsDir() {
		return &os.PathError{Op: "open", Path: dir, Err: syscall.ENOTDIR}
	}
	return err
}

// closeFolder releases f; it is closed if it is no longer cached.
func (s *Store) closeFolder(f *folder) {
	s.folders.mu.Lock()
	defer s.folders.mu.Unlock()
	f.refs--
	if f.refs == 0 && !f.cached {
		f.Root.Close()
	}
}

// dropLocked takes f out of the cache; it is closed now if no one uses
// it, else by the last closeFolder. fs.mu is held.
func (fs *folders) dropLocked(f *folder) {
	delete(fs.m, f.dir)
	f.cached = false
	if f.refs == 0 {
		f.Root.Close()
	}
}

// forgetFolder drops f from the cache (its directory is gone).
func (s *Store) forgetFolder(f *folder) {
	s.folders.mu.Lock()
	defer s.folders.mu.Unlock()
	if s.folders.m[f.dir] == f {
		s.folders.dropLocked(f)
	}
}

// forgetDir drops dir from the cache, if it is there (after pruning it).
func (s *Store) forgetDir(dir string) {
	s.folders.mu.Lock()
	defer s.folders.mu.Unlock()
	if f := s.folders.m[dir]; f != nil {
		s.folders.dropLocked(f)
	}
}

// closeFolders closes every cached folder not in use (Store.Close); the
// others are closed as their users release them.
func (s *Store) closeFolders() {
	s.folders.mu.Lock()
	defer s.folders.mu.Unlock()
	for _, f := range s.folders.m {
		s.folders.dropLocked(f)
	}
}

// inFolder runs do on the file name (a path relative to the root) in
// its folder. A missing file seen through a cached folder is looked up
// once more through the folder opened afresh: the cached one may be a
// folder removed since, and replaced.
func inFolder[T any](s *Store, name string, do func(f *folder, base string) (T, error)) (T, error) {
	dir, base := path.Dir(name), path.Base(name)
	for try := 0; ; try++ {
		f, cached, err := s.openFolder(dir)
		if err != nil {
			var zero T
			return zero, err
		}
		v, err := do(f, base)
		stale := err != nil && cached && errors.Is(err, iofs.ErrNotExist)
		if stale {
			s.forgetFolder(f)
		}
		s.closeFolder(f)
		if !stale || try == 2 {
			return v, err
		}
	}
}
