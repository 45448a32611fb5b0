// Package fs stores the archive in a local directory, one file per object,
// so the archive stays readable with ordinary tools.
//
// Layout under the root directory:
//
//	<key>                        the object's bytes, exactly as written
//	.linghang/meta/<key>         sidecar: JSON with size, SHA-256, ETag, time, content type, metadata
//	.linghang/locks/00…ff        lock files (flock), striped by key
//	…/.linghang-tmp-*            temporary files of writes in progress
//
// Every write goes to a temporary file in the target directory, is synced,
// and renamed into place; the directory is synced after the rename. The
// sidecar is written the same way, before the object, under the key's
// lock, so a reader never sees a half-written object and a crash leaves at
// worst a stale temporary file, which List ignores and removes once stale.
// On Linux the syncs are syncfs(2) calls shared by all writes in flight
// (group commit) rather than an fsync per file and folder; Store.SyncEach
// turns that off. Either way a write returns only once it is durable.
// All file access goes through os.Root: no key, symlink or ".." can reach
// outside the root. The folders in use are kept open (up to 512), so a
// file is reached with one openat; a kept folder that was removed since
// (Delete prunes empty folders) is reopened on the ENOENT it gives.
//
// Differences from an object store, all reported and none silent:
//
//   - A key cannot be both an object and the directory of another ("a/b"
//     and "a/b/c"): the second Put fails with storage.ErrInvalidKey.
//   - The ETag is the first 128 bits of the SHA-256, so rewriting the same
//     bytes keeps it, as an S3 ETag (MD5) does.
//   - PutOptions.RetainUntil is recorded in the sidecar, not enforced.
//   - Files can be changed behind the store's back. Stat and Get then
//     report the content as it is (Size, SHA256, ETag) and still return
//     the sidecar's metadata, plus the SHA-256 the sidecar recorded under
//     storage.MetaSHA256 (which an intact object never carries): a damaged
//     object keeps its description, and the two hashes show the damage.
//   - Locking needs flock(2): Unix only.
package fs
