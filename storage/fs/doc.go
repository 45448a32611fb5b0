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
// All file access goes through os.Root: no key, symlink or ".." can reach
// outside the root.
package fs
