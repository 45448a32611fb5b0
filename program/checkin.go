package program

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Check-in tokens.
//
// A badge's QR code carries a check-in token, never the ID number or a
// phone. The token is
//
//	"LH" + base32(HMAC-SHA256(key, "linghang/checkin/v1" ‖ year ‖ cohort ‖ ID)[:10]) + check
//
// where year and cohort are big-endian uint16, ID is the upper-cased
// 身份证号, base32 is RFC 4648 without padding (A–Z, 2–7: the QR
// alphanumeric mode encodes it compactly) and check is one base32
// character, the weighted sum of the 16 data characters mod 32, which
// catches any single mistyped character and most swaps of neighbours.
// 80 bits of HMAC make tokens unguessable and unforgeable without the
// key; the same person gets a different token each year and in each
// cohort. The key is per deployment: LINGHANG_TOKEN_KEY, else a random
// 32-byte key created once in the data folder (ReadOrCreateTokenKey).
// A token is resolved by recomputing the tokens of the applicant set
// (CheckinIndex); nothing personal can be read back from a token alone.

// TokenPrefix starts every check-in token.
const TokenPrefix = "LH"

// TokenLen is the length of a check-in token: prefix, 16 data characters
// and one check character.
const TokenLen = len(TokenPrefix) + 16 + 1

const tokenDomain = "linghang/checkin/v1"

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// Sentinel errors of ResolveToken.
var (
	ErrTokenMalformed = errors.New("签到码格式不正确")
	ErrTokenUnknown   = errors.New("签到码不属于本期学员")
)

// MinTokenKeyLen is the shortest accepted token key, in bytes.
const MinTokenKeyLen = 16

// CheckinToken returns the check-in token of applicant a in the cohort of
// the given year. It identifies a by the ID number, or by name and mobile
// when the ID is missing.
func CheckinToken(key []byte, year, cohort int, a *Applicant) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(tokenDomain))
	var n [4]byte
	binary.BigEndian.PutUint16(n[:2], uint16(year))
	binary.BigEndian.PutUint16(n[2:], uint16(cohort))
	m.Write(n[:])
	m.Write([]byte(tokenIdentity(a)))
	data := tokenEncoding.EncodeToString(m.Sum(nil)[:10])
	return TokenPrefix + data + string(checkChar(data))
}

func tokenIdentity(a *Applicant) string {
	if id := strings.ToUpper(strings.TrimSpace(a.ID)); id != "" {
		return "id:" + id
	}
	return "name:" + strings.TrimSpace(a.Name) + "|" + strings.TrimSpace(a.Mobile)
}

// checkChar is Σ (2i+1)·v(c_i) mod 32 over the data characters. The odd
// weights are invertible mod 32, so every single-character error changes
// the sum; a swap of neighbours changes it unless their values differ by
// exactly 16.
func checkChar(data string) byte {
	sum := 0
	for i := 0; i < len(data); i++ {
		sum += (2*i + 1) * strings.IndexByte(base32Alphabet, data[i])
	}
	return base32Alphabet[sum%32]
}

// NormalizeToken upper-cases a typed or scanned token and drops spaces and
// hyphens; it also reads the digits people type for look-alike letters
// (0 → O, 1 → I, 8 → B), which base32 does not use.
func NormalizeToken(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case ' ', '-', '\t', '\n', '\r':
			continue
		case '0':
			r = 'O'
		case '1':
			r = 'I'
		case '8':
			r = 'B'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ValidToken reports whether s (normalised) has the form of a token and
// a correct check character. It says nothing about whom it belongs to.
func ValidToken(s string) bool {
	if len(s) != TokenLen || !strings.HasPrefix(s, TokenPrefix) {
		return false
	}
	data := s[len(TokenPrefix) : TokenLen-1]
	for i := 0; i < len(data); i++ {
		if strings.IndexByte(base32Alphabet, data[i]) < 0 {
			return false
		}
	}
	return checkChar(data) == s[TokenLen-1]
}

// CheckinIndex resolves check-in tokens to the applicants of one cohort
// (or of several: each applicant's own Cohort is used).
type CheckinIndex struct {
	byToken map[string]int
	as      []Applicant
}

// NewCheckinIndex computes the tokens of every applicant in as for the
// given year. It reports an error if two applicants share a token (the
// same person entered twice).
func NewCheckinIndex(key []byte, year int, as []Applicant) (*CheckinIndex, error) {
	x := &CheckinIndex{byToken: make(map[string]int, len(as)), as: as}
	for i := range as {
		t := CheckinToken(key, year, as[i].Cohort, &as[i])
		if j, dup := x.byToken[t]; dup {
			return nil, fmt.Errorf("第%d期学员 %s 与 %s 的签到码相同（身份证号重复？）", as[i].Cohort, as[j].Name, as[i].Name)
		}
		x.byToken[t] = i
	}
	return x, nil
}

// Resolve returns the applicant a token belongs to. The token is
// normalised first (NormalizeToken).
func (x *CheckinIndex) Resolve(token string) (*Applicant, error) {
	t := NormalizeToken(token)
	if !ValidToken(t) {
		return nil, fmt.Errorf("签到码 %q: %w", token, ErrTokenMalformed)
	}
	i, ok := x.byToken[t]
	if !ok {
		return nil, fmt.Errorf("签到码 %q: %w", token, ErrTokenUnknown)
	}
	return &x.as[i], nil
}

// ParseTokenKey reads a key given as hex, base64 or plain text (at least
// MinTokenKeyLen bytes after decoding).
func ParseTokenKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) >= MinTokenKeyLen {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) >= MinTokenKeyLen {
		return b, nil
	}
	if len(s) >= MinTokenKeyLen {
		return []byte(s), nil
	}
	return nil, fmt.Errorf("签到码密钥太短：至少需要 %d 字节（建议 64 位十六进制，可用 openssl rand -hex 32 生成）", MinTokenKeyLen)
}

// ReadOrCreateTokenKey returns the key stored in path (hex), creating a
// random 32-byte key there first if the file does not exist. The file is
// written atomically with mode 0600.
func ReadOrCreateTokenKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		k, err := ParseTokenKey(string(b))
		if err != nil {
			return nil, fmt.Errorf("签到码密钥文件 %s: %w", path, err)
		}
		return k, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("读取签到码密钥文件 %s: %w", path, err)
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("生成签到码密钥: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("创建目录 %s: %w", filepath.Dir(path), err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".token-key-*")
	if err != nil {
		return nil, fmt.Errorf("写签到码密钥文件 %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.WriteString(hex.EncodeToString(key) + "\n")
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("写签到码密钥文件 %s: %w", path, err)
	}
	// Link rather than rename: if another process created the key in the
	// meantime, keep theirs so that tokens already printed stay valid.
	if err := os.Link(tmp.Name(), path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return ReadOrCreateTokenKey(path)
		}
		return nil, fmt.Errorf("写签到码密钥文件 %s: %w", path, err)
	}
	return key, nil
}
