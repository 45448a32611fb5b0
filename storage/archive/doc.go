// Package archive keeps every document linghang generates: findable,
// versioned, verifiable, and never lost when the store is down.
//
// # Layout
//
// Keys are built from the document's description, every part through
// storage.SafeSegment, with Chinese folder names so a person browsing the
// bucket reads it directly (the English kind codes stay in flags,
// metadata and the index):
//
//	2022/通知/通知-科协办函组字〔2022〕47号.v0001.pdf
//	2022/第03期-江苏省科协党校班/报名表/报名表-张三-002X.v0001.pdf
//	2022/第03期-江苏省科协党校班/报名表/报名表-张三-002X.v0002.pdf
//	_index/2022.jsonl          the index of 2022: one JSON line per version
//	_runs/<run-id>.json        the manifest of one committed batch
//	_jobs/…                    run records, leases and input hashes of package jobs
//
// # Versions
//
// A document's logical key (…/报名表-张三-002X.pdf) names no object; each
// version is its own immutable object, written create-only, so a
// regenerated document never overwrites the issued one and two writers
// never clobber each other's version (the loser takes the next number).
// Content identical (same SHA-256) to the newest version makes no new
// version. The current version is the newest one a committed batch names.
// A document no longer made is withdrawn (作废, Batch.Withdraw): a version
// with the content of the one before, whose record says why; nothing is
// deleted, and making the document again makes a version in force.
//
// # Batches
//
// A job run archives its documents in a Batch: Add writes each version
// object at once; Commit writes the run's manifest, which makes the batch
// visible, then merges its entries into the year's index (if-match, with
// retries, so concurrent writers lose nothing). Every step is journalled
// in a local spool directory; a batch interrupted half-way (no manifest)
// is completed by the next Begin or by Flush, and when the store fails
// the documents wait in the spool and Commit returns a *SpoolError naming
// the endpoint.
//
// # Metadata
//
// Each version object carries the GB/T 18894 / DA/T 46 elements that
// apply to 文书类 records (see Entry): 题名, 文件编号, 责任者, 日期, 年度,
// 期次, 文件类别, 保管期限, 格式, 大小, SHA-256, 文档创建程序, the SHA-256 of
// the input data, the run ID and the applicants named.
//
// # Integrity
//
// The run manifests are the record: written once, when a batch commits,
// they name every version with its SHA-256. Reindex rebuilds the index
// from them (object metadata fills in what an older manifest lacks), so a
// version whose object is damaged, deleted or stripped of its metadata
// stays indexed and in History. Verify rehashes every version the index
// or a manifest names and reports each missing or altered one, naming
// the document and version, until a person deals with it.
//
// # Retention
//
// Each kind has a 保管期限 (永久, 定期30年, 定期10年; see Kind.Retention),
// passed to the store as PutOptions.RetainUntil so S3 object lock applies
// where the bucket has it enabled.
package archive
