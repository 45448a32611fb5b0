package storage

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits on keys. MaxKeyLen is S3's limit; MaxSegmentLen is the usual
// file-name limit (NAME_MAX) of local file systems.
const (
	MaxKeyLen     = 1024
	MaxSegmentLen = 255
)

// ReservedPrefix starts the names backends use for their own bookkeeping
// (temporary files, sidecars, locks). No key segment may start with it.
const ReservedPrefix = ".linghang"

// KeyError reports why a key or metadata entry was rejected. It unwraps to
// ErrInvalidKey.
type KeyError struct {
	Key    string
	Reason string
}

func (e *KeyError) Error() string {
	return fmt.Sprintf("存储键 %q 无效：%s", e.Key, e.Reason)
}

func (e *KeyError) Unwrap() error { return ErrInvalidKey }

// CheckKey reports whether key is a safe object key: a relative,
// slash-separated path of valid UTF-8 with no empty, "." or ".." segment,
// no backslash, no control character, no segment longer than
// MaxSegmentLen bytes, no reserved segment, at most MaxKeyLen bytes.
// The error is a *KeyError wrapping ErrInvalidKey.
func CheckKey(key string) error {
	if reason := keyProblem(key); reason != "" {
		return &KeyError{Key: key, Reason: reason}
	}
	return nil
}

// CheckPrefix checks a List prefix: empty, or a key, or a key followed by
// "/", or a key whose last segment is partial.
func CheckPrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	k := strings.TrimSuffix(prefix, "/")
	if reason := keyProblem(k); reason != "" {
		return &KeyError{Key: prefix, Reason: reason}
	}
	return nil
}

func keyProblem(key string) string {
	switch {
	case key == "":
		return "为空"
	case len(key) > MaxKeyLen:
		return fmt.Sprintf("长度 %d 字节，超过上限 %d", len(key), MaxKeyLen)
	case !utf8.ValidString(key):
		return "不是有效的 UTF-8 文本"
	case strings.HasPrefix(key, "/"):
		return "是绝对路径（以 / 开头）"
	case strings.Contains(key, `\`):
		return "含有反斜杠 \\"
	}
	for _, r := range key {
		if isControl(r) {
			return fmt.Sprintf("含有控制字符 %U", r)
		}
	}
	for i, seg := range strings.Split(key, "/") {
		switch {
		case seg == "":
			return "含有空的路径段（连续的 / 或以 / 结尾）"
		case seg == "." || seg == "..":
			return fmt.Sprintf("含有 %q 路径段", seg)
		case len(seg) > MaxSegmentLen:
			return fmt.Sprintf("路径段长度 %d 字节，超过上限 %d", len(seg), MaxSegmentLen)
		case strings.HasPrefix(seg, ReservedPrefix):
			return fmt.Sprintf("路径段 %q 以保留前缀 %s 开头", seg, ReservedPrefix)
		case i == 0 && len(seg) == 2 && seg[1] == ':' && isASCIILetter(seg[0]):
			return "是绝对路径（以盘符开头）"
		}
	}
	return ""
}

func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) ||
		r == '\u2028' || r == '\u2029' || r == utf8.RuneError
}

func isASCIILetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// SafeSegment turns a name that comes from data (a person, a unit, a file
// name from a form) into one key segment: Unicode NFC, Chinese and other
// letters kept, the characters / \ : * ? " < > | and control characters
// replaced by "_", white space made plain spaces, surrounding spaces and
// dots trimmed (so no hidden or reserved names), Windows device names
// defused, cut to MaxSegmentLen bytes on a
// character boundary. The result always passes CheckKey; an empty or
// all-unsafe name becomes "_".
func SafeSegment(s string) string {
	if safeAlready(s) {
		return s // most segments: no copy (a year's plan makes 30,000 keys)
	}
	return makeSafe(s)
}

// makeSafe is SafeSegment without the fast path.
func makeSafe(s string) string {
	s = strings.ToValidUTF8(s, "_")
	s = norm.NFC.String(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case strings.ContainsRune(`/\:*?"<>|`, r), isControl(r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	s = strings.Trim(b.String(), " .")
	if s == "" {
		return "_"
	}
	if isDeviceName(s) {
		s += "_"
	}
	if len(s) > MaxSegmentLen {
		cut := MaxSegmentLen
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = strings.TrimRight(s[:cut], " .")
		if s == "" {
			return "_"
		}
	}
	return s
}

// safeAlready reports whether SafeSegment would return s unchanged.
func safeAlready(s string) bool {
	if s == "" || len(s) > MaxSegmentLen || !utf8.ValidString(s) {
		return false
	}
	if first, last := s[0], s[len(s)-1]; first == ' ' || first == '.' || last == ' ' || last == '.' {
		return false
	}
	for _, r := range s {
		if r != ' ' && (unicode.IsSpace(r) || strings.ContainsRune(`/\:*?"<>|`, r) || isControl(r)) {
			return false
		}
	}
	return norm.NFC.IsNormalString(s) && !isDeviceName(s)
}

// isDeviceName reports Windows' reserved device names (CON, NUL, COM1…),
// with or without an extension, so an archive copied to Windows opens.
func isDeviceName(s string) bool {
	base, _, _ := strings.Cut(s, ".")
	if len(base) > 4 {
		return false
	}
	switch strings.ToUpper(base) {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	if len(base) == 4 {
		u := strings.ToUpper(base[:3])
		return (u == "COM" || u == "LPT") && base[3] >= '1' && base[3] <= '9'
	}
	return false
}

// MaxMetadataSize bounds user metadata, counted as S3 carries it in HTTP
// headers (names plus values, non-ASCII values base64-encoded as RFC 2047
// words), so every backend accepts the same metadata and S3's 2 KB limit
// still leaves room for the SHA-256 entry.
const MaxMetadataSize = 1900

// CheckMetadata checks user metadata: names are 1–64 characters of
// lowercase ASCII letters, digits and "-" (S3 folds header case, so only
// one case survives every backend) and must not be MetaSHA256; values are
// valid UTF-8 without control characters other than tab; the whole fits in
// MaxMetadataSize. The error wraps ErrInvalidKey.
func CheckMetadata(md map[string]string) error {
	total := 0
	for k, v := range md {
		if k == "" || len(k) > 64 {
			return fmt.Errorf("%w: 元数据名 %q 长度应为 1–64 个字符", ErrInvalidKey, k)
		}
		for i := 0; i < len(k); i++ {
			c := k[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return fmt.Errorf("%w: 元数据名 %q 只能含小写字母、数字和 -", ErrInvalidKey, k)
			}
		}
		if k == MetaSHA256 {
			return fmt.Errorf("%w: 元数据名 %q 为系统保留", ErrInvalidKey, k)
		}
		if !utf8.ValidString(v) {
			return fmt.Errorf("%w: 元数据 %s 的值不是有效的 UTF-8 文本", ErrInvalidKey, k)
		}
		for _, r := range v {
			if r != '\t' && isControl(r) {
				return fmt.Errorf("%w: 元数据 %s 的值含有控制字符 %U", ErrInvalidKey, k, r)
			}
		}
		total += len(k) + HeaderSize(v)
	}
	if total > MaxMetadataSize {
		return fmt.Errorf("%w: 元数据共 %d 字节（按 HTTP 头编码计），超过上限 %d", ErrInvalidKey, total, MaxMetadataSize)
	}
	return nil
}

// HeaderSafe reports whether a metadata value can travel verbatim in an
// HTTP header: printable ASCII, no surrounding spaces (servers trim them),
// and not mistakable for an RFC 2047 encoded word.
func HeaderSafe(v string) bool {
	if strings.TrimSpace(v) != v || strings.Contains(v, "=?") {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return false
		}
	}
	return true
}

// HeaderSize is the size of v once encoded for an HTTP header: itself when
// HeaderSafe, else one RFC 2047 base64 word ("=?UTF-8?B?…?=").
func HeaderSize(v string) int {
	if HeaderSafe(v) {
		return len(v)
	}
	return len("=?UTF-8?B??=") + (len(v)+2)/3*4
}

// CheckPutOptions checks what a backend must refuse before writing: the
// metadata (CheckMetadata) and CreateOnly together with IfMatch, which
// contradict each other.
func CheckPutOptions(opts PutOptions) error {
	if opts.CreateOnly && opts.IfMatch != "" {
		return errors.New("CreateOnly 与 IfMatch 不能同时使用")
	}
	if opts.SHA256 != "" && !isHexSHA256(opts.SHA256) {
		return fmt.Errorf("SHA-256 %q 不是 64 位小写十六进制", opts.SHA256)
	}
	return CheckMetadata(opts.Metadata)
}

func isHexSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}
