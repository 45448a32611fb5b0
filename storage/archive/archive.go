package archive

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"linghang/storage"
)

// Options configures an Archive.
type Options struct {
	// Program and Version name the creating program (文档创建程序), e.g.
	// "linghang" and "0.3.0".
	Program string
	Version string
	// Clock returns the current time; time.Now when nil.
	Clock func() time.Time
	// SpoolDir holds documents the store could not take, and the journal
	// of every open batch. Default: $XDG_CACHE_HOME/linghang/spool.
	SpoolDir string
	// Endpoint names the store in messages ("s3://linghang@10.0.0.5:9000").
	// Default: the store's String method, if it has one.
	Endpoint string
	// Retention overrides the default 保管期限 of some kinds.
	Retention map[Kind]Retention
	// Workers bounds the parallel reads of Verify and Reindex (default 4).
	Workers int
	// Log receives progress of recovery and flushing; discarded when nil.
	Log *slog.Logger
}

// Archive keeps every generated document of linghang in a storage.Store:
// immutable versions, GB/T 18894 metadata, a per-year index, run manifests.
// It is safe for concurrent use, also by several processes sharing a store.
type Archive struct {
	store storage.Store
	opts  Options

	mu      sync.Mutex
	indexes map[int]cachedIndex // by year
	noIndex map[int]time.Time   // by year: when a read found no index (recentIndex)
}

// New returns an archive over store.
func New(store storage.Store, opts Options) *Archive {
	if opts.Clock == nil {
		opts.Clock = time.Now
	}
	if opts.Program == "" {
		opts.Program = "linghang"
	}
	if opts.SpoolDir == "" {
		opts.SpoolDir = DefaultSpoolDir()
	}
	if opts.Endpoint == "" {
		opts.Endpoint = storeName(store)
	}
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &Archive{store: store, opts: opts, indexes: map[int]cachedIndex{}}
}

// storeName names a store for messages and for matching spooled batches
// to their store; every process must derive the same name from the same
// store. It uses the store's String method; else its Dir (storage/fs);
// else the String of its Config (storage/s3, whose Store has no String
// method yet; reflection keeps this package free of backend imports).
func storeName(store storage.Store) string {
	if s, ok := store.(fmt.Stringer); ok {
		return s.String()
	}
	if d, ok := store.(interface{ Dir() string }); ok {
		return "本地目录 " + d.Dir()
	}
	if m := reflect.ValueOf(store).MethodByName("Config"); m.IsValid() && m.Type().NumIn() == 0 && m.Type().NumOut() == 1 {
		if s, ok := m.Call(nil)[0].Interface().(fmt.Stringer); ok {
			return s.String()
		}
	}
	return fmt.Sprintf("%T", store)
}

// DefaultSpoolDir is $XDG_CACHE_HOME/linghang/spool (or the platform's
// user cache directory), falling back to the temporary directory.
func DefaultSpoolDir() string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "linghang", "spool")
}

// SpoolDir is where documents wait when the store is unavailable.
func (a *Archive) SpoolDir() string { return a.opts.SpoolDir }

// Endpoint names the store in messages.
func (a *Archive) Endpoint() string { return a.opts.Endpoint }

func (a *Archive) creator() string {
	if a.opts.Version == "" {
		return a.opts.Program
	}
	return a.opts.Program + " " + a.opts.Version
}

func (a *Archive) retention(k Kind) Retention {
	if r, ok := a.opts.Retention[k]; ok {
		return r
	}
	return k.Retention()
}

// Doc is one document handed to a batch. Renderers produce Body; the
// caller describes it.
type Doc struct {
	Year       int       // 年度 (required)
	Kind       Kind      // 文件类别 (required)
	Cohort     int       // 期次; 0 for documents of the whole programme
	CohortName string    // 江苏省科协党校班: names the cohort folder
	Title      string    // 题名 (required)
	DocNumber  string    // 文件编号 (文号), where there is one
	Author     string    // 责任者, the issuing or host body
	Date       time.Time // 日期 of the document; the archive date when zero
	Names      []string  // 学员 the document is about, when it is about persons
	// Filename is the readable file name, e.g. 报名表-张三-002X.pdf; it goes
	// through storage.SafeSegment. Default: the title plus the MIME type's
	// extension.
	Filename string
	MIME     string // 格式; guessed from the file name when empty
	Body     []byte // the document
	// InputSHA is the hash of what this document was made from; when
	// empty, the batch's input hash is recorded.
	InputSHA string
	// VerifySHA256 is the hex SHA-256 of the verification code printed
	// on the document (a 结业证书's QR token), if it carries one: the
	// archive then finds the document, in any of its versions, by the
	// code a reader presents (Query.VerifySHA256).
	VerifySHA256 string
	// Withdrawn, when set, is why the document is 作废: the version so
	// made keeps the content of the one before and records that it is no
	// longer in force (Batch.Withdraw).
	Withdrawn string
}

// Entry describes one archived version of a document: the record of the
// index, of run manifests and (as object metadata) of the version object.
// Field comments give the GB/T 18894 / DA/T 46 element.
type Entry struct {
	Key        string    `json:"key"`     // logical document key, without version
	Version    int       `json:"version"` // 1, 2, …
	Object     string    `json:"object"`  // key of the immutable version object
	Year       int       `json:"year"`    // 年度
	Kind       Kind      `json:"kind"`    // 文件类别
	Cohort     int       `json:"cohort,omitempty"`
	CohortName string    `json:"cohort_name,omitempty"` // 期次
	Title      string    `json:"title"`                 // 题名
	DocNumber  string    `json:"doc_number,omitempty"`  // 文件编号
	Author     string    `json:"author,omitempty"`      // 责任者
	Date       string    `json:"date"`                  // 日期, YYYY-MM-DD
	Retention  string    `json:"retention"`             // 保管期限
	MIME       string    `json:"mime"`                  // 格式
	Size       int64     `json:"size"`                  // 大小 (bytes)
	SHA256     string    `json:"sha256"`                // 固化信息: hex SHA-256
	Creator    string    `json:"creator"`               // 文档创建程序
	InputSHA   string    `json:"input_sha256,omitempty"`
	RunID      string    `json:"run_id"`
	Names      []string  `json:"names,omitempty"`
	Archived   time.Time `json:"archived"` // 归档时间
	// VerifySHA256: Doc.VerifySHA256.
	VerifySHA256 string `json:"verify_sha256,omitempty"`
	// Withdrawn (作废说明): why this version marks the document as no
	// longer in force; empty for a version in force.
	Withdrawn string `json:"withdrawn,omitempty"`
	// Current is set by History and Find: this is the current version.
	Current bool `json:"-"`
	// Unchanged marks, in a manifest, a document identical to its current
	// version: no new version was made.
	Unchanged bool `json:"unchanged,omitempty"`
}

// Metadata names on version objects (ASCII, as S3 requires; values are
// UTF-8 and the backend encodes them). The SHA-256 is the backend's own
// storage.MetaSHA256.
const (
	metaKey        = "doc-key"
	metaVersion    = "version"
	metaYear       = "year"
	metaKind       = "kind"
	metaCohort     = "cohort"
	metaCohortName = "cohort-name"
	metaTitle      = "title"
	metaDocNumber  = "doc-number"
	metaAuthor     = "author"
	metaDate       = "date"
	metaRetention  = "retention"
	metaFormat     = "format"
	metaSize       = "size"
	metaCreator    = "creator"
	metaInputSHA   = "input-sha256"
	metaRunID      = "run-id"
	metaNames      = "names"
	metaArchived   = "archived"
	metaVerify     = "verify-sha256"
	metaWithdrawn  = "withdrawn"
)

// nameSep joins names in metadata; it does not occur in Chinese names.
const nameSep = "、"

// metadata renders e as object metadata. Names, then the title, are cut
// so the whole fits storage.MaxMetadataSize; the index keeps them whole.
func (e *Entry) metadata() map[string]string {
	md := map[string]string{
		metaKey:       e.Key,
		metaVersion:   strconv.Itoa(e.Version),
		metaYear:      strconv.Itoa(e.Year),
		metaKind:      string(e.Kind),
		metaTitle:     e.Title,
		metaDate:      e.Date,
		metaRetention: e.Retention,
		metaFormat:    e.MIME,
		metaSize:      strconv.FormatInt(e.Size, 10),
		metaCreator:   e.Creator,
		metaRunID:     e.RunID,
		metaArchived:  e.Archived.UTC().Format(time.RFC3339),
	}
	set := func(k, v string) {
		if v != "" {
			md[k] = v
		}
	}
	if e.Cohort > 0 {
		md[metaCohort] = strconv.Itoa(e.Cohort)
	}
	set(metaCohortName, e.CohortName)
	set(metaDocNumber, e.DocNumber)
	set(metaAuthor, e.Author)
	set(metaInputSHA, e.InputSHA)
	set(metaVerify, e.VerifySHA256)
	set(metaWithdrawn, e.Withdrawn)
	set(metaNames, strings.Join(e.Names, nameSep))
	for n := len(e.Names); storage.CheckMetadata(md) != nil && n > 0; n-- {
		md[metaNames] = strings.Join(e.Names[:n-1], nameSep) + fmt.Sprintf("等%d人", len(e.Names))
	}
	for r := []rune(e.Title); storage.CheckMetadata(md) != nil && len(r) > 8; {
		r = r[:len(r)*3/4]
		md[metaTitle] = string(r) + "…"
	}
	return md
}

// entryFromInfo rebuilds an entry from a version object's metadata: the
// version as archived, even if the object was altered since.
func entryFromInfo(info storage.Info) (Entry, error) {
	md := make(map[string]string, len(info.Metadata))
	for k, v := range info.Metadata {
		md[strings.ToLower(k)] = v
	}
	e := Entry{
		Key:          md[metaKey],
		Object:       info.Key,
		Kind:         Kind(md[metaKind]),
		CohortName:   md[metaCohortName],
		Title:        md[metaTitle],
		DocNumber:    md[metaDocNumber],
		Author:       md[metaAuthor],
		Date:         md[metaDate],
		Retention:    md[metaRetention],
		MIME:         md[metaFormat],
		Size:         info.Size,
		SHA256:       md[storage.MetaSHA256],
		Creator:      md[metaCreator],
		InputSHA:     md[metaInputSHA],
		RunID:        md[metaRunID],
		VerifySHA256: md[metaVerify],
		Withdrawn:    md[metaWithdrawn],
	}
	// The entry records what was archived: where the backend reports the
	// SHA-256 it recorded apart from the content's (storage/fs, for a
	// file changed behind its back), and the size, those are the record.
	if e.SHA256 == "" {
		e.SHA256 = info.SHA256
	}
	if n, err := strconv.ParseInt(md[metaSize], 10, 64); err == nil && n >= 0 {
		e.Size = n
	}
	if e.MIME == "" {
		e.MIME = info.ContentType
	}
	if v := md[metaNames]; v != "" {
		e.Names = strings.Split(v, nameSep)
	}
	var err error
	atoi := func(name, s string, dst *int) {
		if s == "" || err != nil {
			return
		}
		if *dst, err = strconv.Atoi(s); err != nil {
			err = fmt.Errorf("元数据 %s=%q 不是整数", name, s)
		}
	}
	atoi(metaVersion, md[metaVersion], &e.Version)
	atoi(metaYear, md[metaYear], &e.Year)
	atoi(metaCohort, md[metaCohort], &e.Cohort)
	if err != nil {
		return Entry{}, fmt.Errorf("对象 %s：%w", info.Key, err)
	}
	if t, perr := time.Parse(time.RFC3339, md[metaArchived]); perr == nil {
		e.Archived = t
	}
	if e.Key == "" || e.Version == 0 || e.RunID == "" || !e.Kind.Valid() {
		return Entry{}, fmt.Errorf("对象 %s 缺少归档元数据（doc-key、version、run-id 或 kind）", info.Key)
	}
	if k, v, ok := splitVersion(info.Key); !ok || k != e.Key || v != e.Version {
		return Entry{}, fmt.Errorf("对象 %s 的元数据（%s 第 %d 版）与对象键不符", info.Key, e.Key, e.Version)
	}
	return e, nil
}

// Layout. Every key is <year>/[<cohort folder>/]<kind folder>/<file>, with
// Chinese folder names so a person browsing the bucket reads it directly:
//
//	2022/通知/通知-科协办函组字〔2022〕47号.v0001.pdf
//	2022/第03期-江苏省科协党校班/报名表/报名表-张三-002X.v0002.pdf
//
// Version objects insert .vNNNN before the extension. Bookkeeping lives
// under _index/ and _runs/, which no year folder can collide with.
const (
	indexDir = "_index/"
	runsDir  = "_runs/"
)

// CohortFolder names the folder of cohort n: 第03期-江苏省科协党校班, or
// 第03期 without a name.
func CohortFolder(n int, name string) string {
	f := fmt.Sprintf("第%02d期", n)
	if name = strings.TrimSpace(name); name != "" {
		f += "-" + name
	}
	return storage.SafeSegment(f)
}

// PersonFilename is the readable file name of a document about one
// person: 报名表-张三-002X.pdf (kind name, person, last four characters of
// the ID number, which tell namesakes apart).
func PersonFilename(k Kind, name, id, ext string) string {
	s := k.Folder() + "-" + strings.TrimSpace(name)
	if id = strings.TrimSpace(id); id != "" {
		r := []rune(id)
		if len(r) > 4 {
			r = r[len(r)-4:]
		}
		s += "-" + string(r)
	}
	return storage.SafeSegment(s + ext)
}

// DocKey is the logical key of a document (without version).
func DocKey(d Doc) (string, error) {
	in := keyInput{d.Year, d.Cohort, d.CohortName, d.Kind, d.Filename, d.Title, d.MIME}
	if k, ok := keyMemo.Load(in); ok {
		return k.(string), nil
	}
	k, err := docKey(d)
	if err == nil {
		if keyMemoSize.Add(1) > keyMemoMax {
			keyMemo.Clear()
			keyMemoSize.Store(0)
		}
		keyMemo.Store(in, k)
	}
	return k, err
}

// keyInput is what a document's key is made from.
type keyInput struct {
	year, cohort             int
	cohortName               string
	kind                     Kind
	filename, title, mimeStr string
}

// Keys are worked out again and again for the same documents (each job
// of a run plans, checks and archives its 30,000): the valid ones are
// remembered, up to keyMemoMax before starting afresh.
var (
	keyMemo     sync.Map // keyInput → string
	keyMemoSize atomic.Int64
)

const keyMemoMax = 200_000

func docKey(d Doc) (string, error) {
	if d.Year < 1949 || d.Year > 9999 {
		return "", fmt.Errorf("年度 %d 无效", d.Year)
	}
	if !d.Kind.Valid() {
		_, err := ParseKind(string(d.Kind))
		return "", err
	}
	name := d.Filename
	if strings.TrimSpace(name) == "" {
		if strings.TrimSpace(d.Title) == "" {
			return "", fmt.Errorf("文档缺少题名和文件名")
		}
		name = d.Title + extFor(d.MIME)
	}
	parts := []string{strconv.Itoa(d.Year)}
	if d.Cohort < 0 || d.Cohort > 99 {
		return "", fmt.Errorf("期次 %d 无效", d.Cohort)
	}
	if d.Cohort > 0 {
		parts = append(parts, CohortFolder(d.Cohort, d.CohortName))
	}
	parts = append(parts, d.Kind.Folder(), storage.SafeSegment(name))
	key := strings.Join(parts, "/")
	if _, _, ok := splitVersion(key); ok {
		return "", fmt.Errorf("文件名 %q 形如版本对象（.vNNNN），请换一个文件名", name)
	}
	if err := storage.CheckKey(versionKey(key, 9999)); err != nil {
		return "", err
	}
	return key, nil
}

func extFor(mimeType string) string {
	switch mimeType {
	case "application/pdf":
		return ".pdf"
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		return ".xlsx"
	case "application/vnd.openxmlformats-officedocument.wordprocessingml.document":
		return ".docx"
	case "application/json":
		return ".json"
	case "image/jpeg":
		return ".jpg"
	}
	if exts, _ := mime.ExtensionsByType(mimeType); len(exts) > 0 {
		return exts[0]
	}
	return ""
}

func mimeFor(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".pdf":
		return "application/pdf"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case ".json":
		return "application/json"
	case ".csv":
		return "text/csv; charset=utf-8"
	case ".jpg", ".jpeg":
		return "image/jpeg"
	case ".png":
		return "image/png"
	}
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return "application/octet-stream"
}

// versionKey inserts .vNNNN before the extension of key.
func versionKey(key string, v int) string {
	dir, file := path.Split(key)
	ext := path.Ext(file)
	if ext == file { // ".pdf" alone has no stem
		ext = ""
	}
	return fmt.Sprintf("%s%s.v%04d%s", dir, strings.TrimSuffix(file, ext), v, ext)
}

var versionRE = regexp.MustCompile(`^(.*)\.v([0-9]{4,9})(\.[^./]*)?$`)

// splitVersion parses a version object key into its document key and
// version number.
func splitVersion(obj string) (key string, v int, ok bool) {
	dir, file := path.Split(obj)
	m := versionRE.FindStringSubmatch(file)
	if m == nil || m[1] == "" {
		return "", 0, false
	}
	v, err := strconv.Atoi(m[2])
	if err != nil || v <= 0 {
		return "", 0, false
	}
	return dir + m[1] + m[3], v, true
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
