// Package s3 stores the archive in an S3-compatible object store (AWS S3,
// versitygw, Ceph RGW, …) through minio-go, the only package that imports
// it.
//
// What the package guarantees on top of minio-go:
//
//   - Every call has a deadline (Config.Timeout plus transfer time at
//     1 MiB/s) and is retried with exponential backoff inside it; a server
//     that is down or hung yields an error naming the endpoint and wrapping
//     storage.ErrUnavailable, never a call blocked for minutes.
//   - Put spools the content (memory, then an unlinked temporary file)
//     while computing its SHA-256, so the hash travels as metadata and as
//     an x-amz-checksum-sha256 trailer the server verifies, and a retry
//     resends exactly the same bytes.
//   - Create-only and if-match conditions always reach the server: objects
//     up to MultipartThreshold go in one PUT (minio-go would otherwise drop
//     the condition when it completes a multipart upload); larger ones are
//     uploaded in parts and completed by this package with the condition.
//   - User metadata is UTF-8: values that are not plain printable ASCII are
//     sent as RFC 2047 base64 words and decoded on read.
//
// Limits: Delete asks before deleting (S3 deletes absent keys silently),
// so a concurrent delete can slip between; Put's Info.Modified is the
// client's clock (Stat returns the server's); objects above the multipart
// threshold are resent whole when an attempt fails.
package s3
