// Package storagetest is the conformance suite every storage.Store
// backend runs: the same table of behaviours for the local directory and
// for S3, so the archive can rely on the contract and not on a backend.
package storagetest
