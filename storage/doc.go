// Package storage defines the contract every archive backend fulfils
// (storage/fs for a local directory, storage/s3 for S3-compatible object
// stores) and the sentinel errors callers test with errors.Is.
//
// Every backend passes the same conformance suite (storage/storagetest).
// Keys are checked with CheckKey before any backend touches them; names
// that come from data (an applicant's name, a host unit) go through
// SafeSegment first.
package storage
