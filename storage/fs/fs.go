package fs

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	iofs "io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"linghang/storage"
)

const (
	bookDir    = storage.ReservedPrefix // ".linghang"
	metaDir    = bookDir + "/meta"      // sidecars mirror the object tree
	lockDir    = bookDir + "/locks"     // 256 striped lock files
	tempPrefix = storage.ReservedPrefix + "-tmp-"
)

// DefaultStaleAfter is how old a temporary file must be before List and
// Clean treat it as left over by a crash and remove it.
const DefaultStaleAfter = time.Hour

// Store is a storage.Store over a local directory.
type Store struct {
	root *os.Root
	dir  string
	// StaleAfter overrides DefaultStaleAfter.
	StaleAfter time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SyncEach makes every write fsync its own files and directories
	// instead of sharing syncs of the whole file system (see syncAll).
	// Set it before the first write if the store shares its file system
	// with heavy unrelated writes, which a whole-file-system sync would
	// wait for.
	SyncEach bool

	dirs        dirSyncs
	folders     folders      // folders kept open (folders.go)
	locks       *os.Root     // .linghang/locks
	syncfs      func() error // syncs the file system holding dir; nil if unavailable
	closeSyncfs func() error
	fsFailed    atomic.Pointer[error] // the first error syncfs reported
}

var _ storage.Store = (*Store)(nil)

// New opens (creating if needed) the directory dir as a store and checks
// that it is writable.
func New(dir string) (*Store, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("存储目录 %s 无效：%w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o755); err != nil {
		return nil, fmt.Errorf("无法创建存储目录 %s：%w", abs, err)
	}
	root, err := os.OpenRoot(abs)
	if err != nil {
		return nil, fmt.Errorf("无法打开存储目录 %s：%w", abs, err)
	}
	s := &Store{root: root, dir: abs}
	s.syncfs, s.closeSyncfs = openSyncfs(abs)
	for _, d := range []string{metaDir, lockDir} {
		if err := root.MkdirAll(d, 0o755); err != nil {
			root.Close()
			return nil, fmt.Errorf("存储目录 %s 不可写：%w", abs, err)
		}
	}
	if s.locks, err = root.OpenRoot(lockDir); err != nil {
		root.Close()
		return nil, fmt.Errorf("存储目录 %s 不可用：%w", abs, err)
	}
	d, probe, err := s.createTemp(bookDir)
	if err != nil {
		s.Close()
		return nil, fmt.Errorf("存储目录 %s 不可写：%w", abs, err)
	}
	probe.Close()
	d.Remove(path.Base(probe.Name()))
	s.closeFolder(d)
	return s, nil
}

// Dir returns the absolute root directory.
func (s *Store) Dir() string { return s.dir }

// Close releases the store's directory handles.
func (s *Store) Close() error {
	s.closeFolders()
	err := s.locks.Close()
	if rerr := s.root.Close(); err == nil {
		err = rerr
	}
	if s.closeSyncfs != nil {
		if cerr := s.closeSyncfs(); err == nil {
			err = cerr
		}
	}
	return err
}

func (s *Store) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Store) staleAfter() time.Duration {
	if s.StaleAfter > 0 {
		return s.StaleAfter
	}
	return DefaultStaleAfter
}

// sidecar is the JSON stored at .linghang/meta/<key>.
type sidecar struct {
	Size        int64             `json:"size"`
	SHA256      string            `json:"sha256"`
	ETag        string            `json:"etag"`
	Modified    time.Time         `json:"modified"`
	ContentType string            `json:"contentType,omitempty"`
	Metadata    map[string]string `json:"metadata,omitempty"`
	RetainUntil time.Time         `json:"retainUntil,omitzero"`
}

// Put implements storage.Store.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, opts storage.PutOptions) (storage.Info, error) {
	if err := storage.CheckKey(key); err != nil {
		return storage.Info{}, err
	}
	if err := storage.CheckPutOptions(opts); err != nil {
		return storage.Info{}, fmt.Errorf("写入 %s：%w", key, err)
	}
	dir, base := path.Dir(key), path.Base(key)

	// Every step works inside the key's folder, opened once: a path
	// resolved under the root costs a few system calls per folder level,
	// and a Put made a dozen of them. The folder cannot be pruned while
	// our temporary file is in it.
	d, tmp, err := s.createTemp(dir)
	if err != nil {
		return storage.Info{}, fmt.Errorf("写入 %s：%w", key, err)
	}
	defer s.closeFolder(d)
	tmpName := path.Base(tmp.Name())
	committed := false
	defer func() {
		if !committed {
			tmp.Close()
			d.Remove(tmpName)
		}
	}()

	// The content is hashed as it is written, unless the caller already
	// has its checksum (opts.SHA256).
	var w io.Writer = tmp
	var h hash.Hash
	if opts.SHA256 == "" {
		h = sha256.New()
		w = io.MultiWriter(tmp, h)
	}
	var n int64
	if br, ok := r.(*bytes.Reader); ok {
		// Bytes in memory (every rendered document) go down in one
		// write, not in 32 KB pieces through a buffer allocated for them.
		if err = ctx.Err(); err == nil {
			n, err = br.WriteTo(w)
		}
	} else {
		n, err = io.Copy(w, ctxReader{ctx, r})
	}
	if err != nil {
		return storage.Info{}, fmt.Errorf("写入 %s：%w", key, err)
	}
	sum := opts.SHA256
	if h != nil {
		sum = hex.EncodeToString(h.Sum(nil))
	}
	side := sidecar{
		Size:        n,
		SHA256:      sum,
		ETag:        sum[:32],
		Modified:    s.now().UTC().Truncate(time.Microsecond),
		ContentType: opts.ContentType,
		Metadata:    cloneMeta(opts.Metadata),
		RetainUntil: opts.RetainUntil.UTC(),
	}
	buf, err := json.Marshal(side)
	if err != nil {
		return storage.Info{}, fmt.Errorf("写入 %s：%w", key, err)
	}
	// The object's and the sidecar's temporary files are synced in
	// parallel, outside the lock: the two slowest steps of a Put. When
	// the store syncs the whole file system, both are written first and
	// made durable by one shared sync (syncWritten).
	synced := make(chan error, 1)
	go func() {
		err := s.syncFile(tmp)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = d.Chtimes(tmpName, side.Modified, side.Modified)
		}
		synced <- err
	}()
	metaName := path.Join(metaDir, key)
	md, metaTmp, err := s.writeTemp(path.Dir(metaName), buf)
	if serr := <-synced; serr != nil {
		err = serr
	}
	if err == nil {
		err = s.syncWritten()
	}
	metaRenamed := false
	if md != nil {
		defer s.closeFolder(md)
		if metaTmp != "" {
			defer func() {
				if !metaRenamed {
					md.Remove(metaTmp)
				}
			}()
		}
	}
	if err != nil {
		return storage.Info{}, fmt.Errorf("写入 %s：同步到磁盘失败：%w", key, err)
	}

	unlock, err := s.lock(key, true)
	if err != nil {
		return storage.Info{}, fmt.Errorf("写入 %s：%w", key, err)
	}
	defer unlock()
	if err := ctx.Err(); err != nil {
		return storage.Info{}, fmt.Errorf("写入 %s：%w", key, err)
	}

	fi, err := d.Lstat(base)
	exists := err == nil
	switch {
	case err != nil && !errors.Is(err, iofs.ErrNotExist):
		return storage.Info{}, s.pathError("写入", key, err)
	case exists && !fi.Mode().IsRegular():
		return storage.Info{}, fmt.Errorf("写入 %s：%w", key, &storage.KeyError{Key: key, Reason: "与已有目录同名"})
	case exists && opts.CreateOnly:
		return storage.Info{}, fmt.Errorf("写入 %s：%w", key, storage.ErrExists)
	}
	if opts.IfMatch != "" {
		if !exists {
			return storage.Info{}, fmt.Errorf("写入 %s：对象不存在，ETag %s 不匹配：%w", key, opts.IfMatch, storage.ErrPrecondition)
		}
		cur, err := s.info(key, fi)
		if err != nil {
			return storage.Info{}, fmt.Errorf("写入 %s：%w", key, err)
		}
		if cur.ETag != opts.IfMatch {
			return storage.Info{}, fmt.Errorf("写入 %s：当前 ETag %s 与 %s 不符：%w", key, cur.ETag, opts.IfMatch, storage.ErrPrecondition)
		}
	}

	// Sidecar first: a crash before the object's rename leaves a sidecar
	// that no List shows, never an object without its metadata.
	if err := md.Rename(metaTmp, base); err != nil {
		return storage.Info{}, fmt.Errorf("写入 %s 的元数据：%w", key, err)
	}
	metaRenamed = true
	if err := s.syncDir(path.Dir(metaName)); err != nil {
		return storage.Info{}, fmt.Errorf("写入 %s 的元数据：同步目录失败：%w", key, err)
	}
	if opts.CreateOnly {
		// link(2) never replaces: a second line of defence behind the lock.
		if err := d.Link(tmpName, base); err != nil {
			if errors.Is(err, iofs.ErrExist) {
				return storage.Info{}, fmt.Errorf("写入 %s：%w", key, storage.ErrExists)
			}
			return storage.Info{}, s.pathError("写入", key, err)
		}
		d.Remove(tmpName)
	} else if err := d.Rename(tmpName, base); err != nil {
		return storage.Info{}, s.pathError("写入", key, err)
	}
	committed = true
	if err := s.syncDir(dir); err != nil {
		return storage.Info{}, fmt.Errorf("写入 %s：同步目录失败：%w", key, err)
	}
	return side.info(key), nil
}

// Get implements storage.Store.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, storage.Info, error) {
	if err := storage.CheckKey(key); err != nil {
		return nil, storage.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, storage.Info{}, fmt.Errorf("读取 %s：%w", key, err)
	}
	unlock, err := s.lock(key, false)
	if err != nil {
		return nil, storage.Info{}, fmt.Errorf("读取 %s：%w", key, err)
	}
	defer unlock()
	f, err := inFolder(s, key, func(d *folder, base string) (*os.File, error) { return d.Open(base) })
	if err != nil {
		return nil, storage.Info{}, s.pathError("读取", key, err)
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = iofs.ErrNotExist
	}
	if err != nil {
		f.Close()
		return nil, storage.Info{}, s.pathError("读取", key, err)
	}
	info, err := s.info(key, fi)
	if err != nil {
		f.Close()
		return nil, storage.Info{}, fmt.Errorf("读取 %s：%w", key, err)
	}
	return f, info, nil
}

// Stat implements storage.Store.
func (s *Store) Stat(ctx context.Context, key string) (storage.Info, error) {
	if err := storage.CheckKey(key); err != nil {
		return storage.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return storage.Info{}, fmt.Errorf("查询 %s：%w", key, err)
	}
	unlock, err := s.lock(key, false)
	if err != nil {
		return storage.Info{}, fmt.Errorf("查询 %s：%w", key, err)
	}
	defer unlock()
	fi, err := inFolder(s, key, func(d *folder, base string) (iofs.FileInfo, error) { return d.Lstat(base) })
	if err == nil && !fi.Mode().IsRegular() {
		err = iofs.ErrNotExist
	}
	if err != nil {
		return storage.Info{}, s.pathError("查询", key, err)
	}
	info, err := s.info(key, fi)
	if err != nil {
		return storage.Info{}, fmt.Errorf("查询 %s：%w", key, err)
	}
	return info, nil
}

// List implements storage.Store. It also removes stale temporary files it
// passes (see Clean).
func (s *Store) List(ctx context.Context, prefix string) ([]storage.Info, error) {
	if err := storage.CheckPrefix(prefix); err != nil {
		return nil, err
	}
	start := "."
	if i := strings.LastIndex(prefix, "/"); i >= 0 {
		start = prefix[:i]
	}
	var out []storage.Info
	err := iofs.WalkDir(s.root.FS(), start, func(name string, d iofs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, iofs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
				return nil // prefix names nothing (yet), or a file
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), storage.ReservedPrefix) {
			if d.IsDir() {
				return iofs.SkipDir
			}
			s.removeIfStale(name, d)
			return nil
		}
		if d.IsDir() {
			// Prune directories that cannot hold a match.
			if name != "." && !strings.HasPrefix(name+"/", prefix) && !strings.HasPrefix(prefix, name+"/") {
				return iofs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasPrefix(name, prefix) {
			return nil
		}
		fi, err := d.Info()
		if errors.Is(err, iofs.ErrNotExist) {
			return nil // deleted while listing
		}
		if err != nil {
			return err
		}
		info, err := s.info(name, fi)
		if err != nil {
			return err
		}
		info.Metadata, info.ContentType = nil, "" // List's contract: Stat for those
		out = append(out, info)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("列出前缀 %q：%w", prefix, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}

// Delete implements storage.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := storage.CheckKey(key); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("删除 %s：%w", key, err)
	}
	unlock, err := s.lock(key, true)
	if err != nil {
		return fmt.Errorf("删除 %s：%w", key, err)
	}
	defer unlock()
	fi, err := s.root.Lstat(key)
	if err == nil && !fi.Mode().IsRegular() {
		err = iofs.ErrNotExist
	}
	if err != nil {
		return s.pathError("删除", key, err)
	}
	if err := s.root.Remove(key); err != nil {
		return s.pathError("删除", key, err)
	}
	if err := s.root.Remove(path.Join(metaDir, key)); err != nil && !errors.Is(err, iofs.ErrNotExist) {
		return fmt.Errorf("删除 %s 的元数据：%w", key, err)
	}
	if err := s.syncDir(path.Dir(key)); err != nil {
		return fmt.Errorf("删除 %s：同步目录失败：%w", key, err)
	}
	s.pruneDirs(path.Dir(key))
	s.pruneDirs(path.Dir(path.Join(metaDir, key)))
	return nil
}

// Clean walks the whole store and removes temporary files older than
// StaleAfter: what a crash in the middle of a write leaves behind.
func (s *Store) Clean(ctx context.Context) (removed int, err error) {
	err = iofs.WalkDir(s.root.FS(), ".", func(name string, d iofs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, iofs.ErrNotExist) {
				return nil
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if name == lockDir {
			return iofs.SkipDir
		}
		if !d.IsDir() && s.removeIfStale(name, d) {
			removed++
		}
		return nil
	})
	if err != nil {
		return removed, fmt.Errorf("清理存储目录 %s：%w", s.dir, err)
	}
	return removed, nil
}

// info builds the Info of the object at key whose file info is fi from
// its sidecar. The sidecar is trusted as is when it records the file's
// size and modification time (to the second, which survives copies with
// tar or rsync). Otherwise the content is hashed: if it is the content the
// sidecar describes (a copy that reset the times) the sidecar still holds.
// If not (a file altered or replaced by hand, or a sidecar left ahead by a
// crash), Size, SHA256 and ETag describe the content as it is, and the
// sidecar's metadata and content type are still returned, with the
// SHA-256 the sidecar recorded under storage.MetaSHA256: a damaged object
// keeps its description, and a caller sees both hashes. Only a file
// without a usable sidecar has no metadata.
func (s *Store) info(key string, fi iofs.FileInfo) (storage.Info, error) {
	var side *sidecar
	buf, err := inFolder(s, path.Join(metaDir, key), func(d *folder, base string) ([]byte, error) { return d.ReadFile(base) })
	switch {
	case err == nil:
		var sc sidecar
		if json.Unmarshal(buf, &sc) == nil {
			if sc.Size == fi.Size() && sc.Modified.Unix() == fi.ModTime().Unix() {
				return sc.info(key), nil
			}
			side = &sc
		}
	case !errors.Is(err, iofs.ErrNotExist) && !errors.Is(err, syscall.ENOTDIR):
		return storage.Info{}, err
	}
	f, err := s.root.Open(key)
	if err != nil {
		return storage.Info{}, err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return storage.Info{}, err
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if side != nil && side.SHA256 == sum && side.Size == n {
		return side.info(key), nil
	}
	info := storage.Info{Key: key, Size: n, SHA256: sum, ETag: sum[:32], Modified: fi.ModTime().UTC()}
	if side != nil {
		info.ContentType = side.ContentType
		info.Metadata = cloneMeta(side.Metadata)
		if side.SHA256 != "" {
			if info.Metadata == nil {
				info.Metadata = map[string]string{}
			}
			info.Metadata[storage.MetaSHA256] = side.SHA256
		}
	}
	return info, nil
}

func (sc sidecar) info(key string) storage.Info {
	return storage.Info{
		Key:         key,
		Size:        sc.Size,
		ETag:        sc.ETag,
		Modified:    sc.Modified,
		ContentType: sc.ContentType,
		Metadata:    cloneMeta(sc.Metadata),
		SHA256:      sc.SHA256,
	}
}

// createTemp creates a temporary file in dir (relative to the root),
// creating dir first if needed, and returns dir opened (the caller
// closes the file and releases the folder with closeFolder). A
// concurrent Delete may prune dir between the two steps, or may have
// pruned the cached folder (a file cannot be created in a removed
// folder), so it retries a few times.
func (s *Store) createTemp(dir string) (*folder, *os.File, error) {
	var err error
	for range 5 {
		var d *folder
		var cached bool
		d, cached, err = s.openFolder(dir)
		if err != nil {
			// Missing (make it, then open it), or not a folder (an object
			// by that name: MkdirAll says so).
			if merr := s.root.MkdirAll(dir, 0o755); merr != nil {
				if errors.Is(merr, syscall.ENOTDIR) || errors.Is(merr, iofs.ErrExist) {
					return nil, nil, &storage.KeyError{Key: dir, Reason: "上级路径已是一个对象"}
				}
				return nil, nil, merr
			}
			if errors.Is(err, iofs.ErrNotExist) {
				continue
			}
			return nil, nil, err
		}
		var f *os.File
		f, err = d.OpenFile(tempPrefix+randomSuffix(), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			return d, f, nil
		}
		gone := errors.Is(err, iofs.ErrNotExist)
		if gone && cached {
			s.forgetFolder(d)
		}
		s.closeFolder(d)
		if !gone {
			return nil, nil, err
		}
	}
	return nil, nil, err
}

// writeTemp writes data to a temporary file in dir (relative to the
// root), synced unless the store syncs the whole file system (then the
// caller's syncWritten does), and returns dir opened as a root (nil if it
// could not be) and the file's name in it ("" if none was created).
func (s *Store) writeTemp(dir string, data []byte) (*folder, string, error) {
	d, f, err := s.createTemp(dir)
	if err != nil {
		return nil, "", err
	}
	name := path.Base(f.Name())
	if _, err = f.Write(data); err == nil {
		err = s.syncFile(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return d, name, err
}

// syncDir makes dir's entries durable. Concurrent callers for the same
// directory share fsyncs (group commit): a caller waits for the sync in
// progress, if any, then one sync is made for everyone who arrived
// meanwhile. Each caller still returns only after a sync that started
// after its own rename, so the guarantee is unchanged; a year of photos
// written eight at a time no longer pays one directory sync each.
func (s *Store) syncDir(dir string) error {
	if s.wholeFS() {
		return s.syncAll()
	}
	return s.dirs.sync(dir, s.syncDirNow)
}

// wholeFS reports whether writes are made durable by shared syncs of the
// whole file system (syncAll) rather than one fsync per file and folder.
func (s *Store) wholeFS() bool { return s.syncfs != nil && !s.SyncEach }

// syncFile makes a temporary file's bytes durable, unless the store syncs
// the whole file system: then the writer's syncWritten does it, shared.
func (s *Store) syncFile(f *os.File) error {
	if s.wholeFS() {
		return nil
	}
	return f.Sync()
}

// syncWritten makes durable the temporary files a Put has written and
// closed, before either is renamed into place. With per-file syncs they
// already are.
func (s *Store) syncWritten() error {
	if !s.wholeFS() {
		return nil
	}
	return s.syncAll()
}

// wholeFSKey is the group-commit key of whole-file-system syncs; no
// folder's name starts with NUL.
const wholeFSKey = "\x00syncfs"

// syncAll makes everything written to the store's file system so far
// durable, with one syncfs(2) shared by every caller that arrives while
// the previous one runs (the same group commit as syncDir, over one key).
//
// This is the archive's main cost when writing a year: a document's Put
// made four fsyncs (object, sidecar, two folders) that each waited for the
// disk alone; with a dozen writers in flight one syncfs covers them all.
// Measured on the 2-core machine of issue 13 (ext4), the 2,000-applicant
// run went from 18.4–22.8 s to 16.1 s and the 10,000 run from 105 s to
// 92–95 s, with 7–10 s less system time.
//
// The guarantee is the one per-file syncs give: a caller returns only
// after a sync that began after its writes, and a version becomes
// visible only once its bytes and sidecar are durable. One difference: a
// write-back error anywhere on the file system since the store was
// opened (syncfs cannot tell whose) fails the writes in flight and every
// write after it, so that nothing not on disk is ever reported archived.
func (s *Store) syncAll() error {
	if err := s.failed(); err != nil {
		return err
	}
	return s.dirs.sync(wholeFSKey, func(string) error {
		err := s.syncfs()
		if err != nil {
			s.fsFailed.CompareAndSwap(nil, &err)
			return s.failed()
		}
		return nil
	})
}

// failed is the error every write gets once syncfs has reported one.
func (s *Store) failed() error {
	if e := s.fsFailed.Load(); e != nil {
		return fmt.Errorf("存储目录 %s 所在的文件系统报告了写回错误，为免把未落盘的内容当作已存档，此后的写入一律拒绝；请检查磁盘后重新打开存储：%w", s.dir, *e)
	}
	return nil
}

// dirSyncs coordinates the group commits of directory syncs.
type dirSyncs struct {
	mu   sync.Mutex
	dirs map[string]*dirSyncState
}

type dirSyncState struct {
	running chan struct{} // closed when the sync in progress ends; nil if none
	next    *dirSyncBatch // the batch waiting for the running sync to end
}

type dirSyncBatch struct {
	done chan struct{}
	err  error
}

func (ds *dirSyncs) sync(dir string, do func(string) error) error {
	ds.mu.Lock()
	if ds.dirs == nil {
		ds.dirs = map[string]*dirSyncState{}
	}
	st := ds.dirs[dir]
	if st == nil {
		st = &dirSyncState{}
		ds.dirs[dir] = st
	}
	if st.next != nil { // join the batch that syncs after the running one
		b := st.next
		ds.mu.Unlock()
		<-b.done
		return b.err
	}
	b := &dirSyncBatch{done: make(chan struct{})}
	st.next = b
	for st.running != nil { // lead: wait for the running sync, gathering followers
		running := st.running
		ds.mu.Unlock()
		<-running
		ds.mu.Lock()
	}
	st.next = nil
	st.running = make(chan struct{})
	running := st.running
	ds.mu.Unlock()

	b.err = do(dir)

	ds.mu.Lock()
	st.running = nil
	if st.next == nil {
		delete(ds.dirs, dir)
	}
	ds.mu.Unlock()
	close(running)
	close(b.done)
	return b.err
}

func (s *Store) syncDirNow(dir string) error {
	d, err := s.root.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		return nil // file systems that cannot sync directories
	}
	return err
}

// pruneDirs removes dir and its parents while they are empty, stopping at
// the root and at the bookkeeping directories.
func (s *Store) pruneDirs(dir string) {
	for dir != "." && dir != "/" && dir != metaDir && dir != bookDir {
		if s.root.Remove(dir) != nil {
			return
		}
		s.forgetDir(dir)
		dir = path.Dir(dir)
	}
}

func (s *Store) removeIfStale(name string, d iofs.DirEntry) bool {
	if !strings.HasPrefix(d.Name(), tempPrefix) {
		return false
	}
	fi, err := d.Info()
	if err != nil || s.now().Sub(fi.ModTime()) < s.staleAfter() {
		return false
	}
	return s.root.Remove(name) == nil
}

// pathError translates a file-system error for key into the storage
// sentinels, naming the operation, key and directory.
func (s *Store) pathError(op, key string, err error) error {
	switch {
	case errors.Is(err, iofs.ErrNotExist), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EISDIR):
		return fmt.Errorf("%s %s：%w", op, key, storage.ErrNotFound)
	case errors.Is(err, iofs.ErrExist):
		return fmt.Errorf("%s %s：%w", op, key, storage.ErrExists)
	}
	return fmt.Errorf("%s %s（存储目录 %s）：%w", op, key, s.dir, err)
}

func randomSuffix() string {
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func cloneMeta(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// ctxReader stops a copy when the context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
