package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// Role is what a person or token may do.
type Role string

// The three roles.
const (
	RoleHQ        Role = "hq"        // 总部: everything
	RoleHost      Role = "host"      // 承办单位: its own cohort only
	RoleArchivist Role = "archivist" // 档案: read, search, download and verify documents
)

// ParseRole reads hq|host|archivist (or the Chinese names).
func ParseRole(s string) (Role, error) {
	switch strings.TrimSpace(s) {
	case "hq", "总部":
		return RoleHQ, nil
	case "host", "承办单位":
		return RoleHost, nil
	case "archivist", "档案":
		return RoleArchivist, nil
	}
	return "", fmt.Errorf("角色 %q 无效：可选 hq（总部）、host（承办单位）、archivist（档案）", s)
}

// Chinese is the role as users read it.
func (r Role) Chinese() string {
	switch r {
	case RoleHQ:
		return "总部"
	case RoleHost:
		return "承办单位"
	case RoleArchivist:
		return "档案"
	}
	return string(r)
}

// Principal is who makes a request: a logged-in user or an API token.
type Principal struct {
	Name   string
	Role   Role
	Cohort int // for RoleHost: the one cohort it may see
	Token  bool
}

// User is an account in the accounts file.
type User struct {
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Cohort  int       `json:"cohort,omitempty"`
	Hash    string    `json:"hash"` // $argon2id$v=19$m=…,t=…,p=…$salt$key
	Created time.Time `json:"created"`
}

// Token is an API token; only its SHA-256 is kept (a token is 32 random
// bytes, so a fast hash is enough).
type Token struct {
	ID      string    `json:"id"`
	Name    string    `json:"name,omitempty"` // 说明
	Role    Role      `json:"role"`
	Cohort  int       `json:"cohort,omitempty"`
	SHA256  string    `json:"sha256"`
	Created time.Time `json:"created"`
}

// Accounts is the accounts file: users with argon2id password hashes and
// API tokens, written atomically with mode 0600.
type Accounts struct {
	Path string `json:"-"`

	mu      sync.Mutex
	modTime time.Time // of the file when read
	Users   []User    `json:"users"`
	Tokens  []Token   `json:"tokens"`
}

type accountsFile struct {
	Users  []User  `json:"users"`
	Tokens []Token `json:"tokens"`
}

// LoadAccounts reads path; a missing file is an empty set of accounts.
func LoadAccounts(path string) (*Accounts, error) {
	a := &Accounts{Path: path}
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return a, nil
	}
	if err != nil {
		return nil, fmt.Errorf("读取账户文件 %s：%w", path, err)
	}
	var f accountsFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("账户文件 %s 格式有误：%w", path, err)
	}
	for i, u := range f.Users {
		if _, err := ParseRole(string(u.Role)); err != nil || u.Name == "" || !strings.HasPrefix(u.Hash, "$argon2id$") {
			return nil, fmt.Errorf("账户文件 %s：第 %d 个账户（%q）无效：须有名称、角色（hq|host|archivist）和 argon2id 口令摘要", path, i+1, u.Name)
		}
		if u.Role == RoleHost && u.Cohort <= 0 {
			return nil, fmt.Errorf("账户文件 %s：承办单位账户 %q 没有期次", path, u.Name)
		}
	}
	a.Users, a.Tokens = f.Users, f.Tokens
	if info, err := os.Stat(path); err == nil {
		a.modTime = info.ModTime()
	}
	return a, nil
}

// Save writes the file atomically (temp file, fsync, rename), mode 0600.
func (a *Accounts) Save() error {
	a.mu.Lock()
	b, err := json.MarshalIndent(accountsFile{Users: a.Users, Tokens: a.Tokens}, "", "  ")
	a.mu.Unlock()
	if err != nil {
		return err
	}
	dir := filepath.Dir(a.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("写入账户文件 %s：%w", a.Path, err)
	}
	tmp, err := os.CreateTemp(dir, ".linghang-accounts-*")
	if err != nil {
		return fmt.Errorf("写入账户文件 %s：%w", a.Path, err)
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(append(b, '\n'))
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), a.Path)
	}
	if err != nil {
		return fmt.Errorf("写入账户文件 %s：%w", a.Path, err)
	}
	return nil
}

// Empty reports whether there is no user at all.
func (a *Accounts) Empty() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.Users) == 0
}

// HasHQ reports whether some user has the 总部 role.
func (a *Accounts) HasHQ() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, u := range a.Users {
		if u.Role == RoleHQ {
			return true
		}
	}
	return false
}

func checkScope(role Role, cohort int) error {
	switch {
	case role == RoleHost && cohort <= 0:
		return errors.New("承办单位账户须用 --cohort N 指定期次")
	case role != RoleHost && cohort != 0:
		return fmt.Errorf("--cohort 只用于承办单位（host）账户，%s 账户不限期次", role.Chinese())
	}
	return nil
}

// AddUser creates a user with a random one-time password, which it
// returns; only its hash is kept.
func (a *Accounts) AddUser(name string, role Role, cohort int) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" || strings.ContainsAny(name, " \t\r\n:") || len(name) > 64 {
		return "", fmt.Errorf("账户名 %q 无效：不能为空、不能含空格或冒号、不超过64字节", name)
	}
	if err := checkScope(role, cohort); err != nil {
		return "", err
	}
	pw := randomText(12)
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, u := range a.Users {
		if u.Name == name {
			return "", fmt.Errorf("账户 %q 已存在（重设口令用 linghang users reset %s）", name, name)
		}
	}
	a.Users = append(a.Users, User{Name: name, Role: role, Cohort: cohort, Hash: HashPassword(pw), Created: time.Now().UTC()})
	return pw, nil
}

// ResetPassword gives the user a new one-time password.
func (a *Accounts) ResetPassword(name string) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.Users {
		if a.Users[i].Name == name {
			pw := randomText(12)
			a.Users[i].Hash = HashPassword(pw)
			return pw, nil
		}
	}
	return "", fmt.Errorf("没有账户 %q", name)
}

// RemoveUser deletes a user.
func (a *Accounts) RemoveUser(name string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.Users {
		if a.Users[i].Name == name {
			a.Users = append(a.Users[:i], a.Users[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("没有账户 %q", name)
}

// CreateToken makes an API token and returns it in full; only its hash is
// kept. The token reads lh_<id>_<secret>.
func (a *Accounts) CreateToken(role Role, cohort int, name string) (string, Token, error) {
	if err := checkScope(role, cohort); err != nil {
		return "", Token{}, err
	}
	id := randomHex(4)
	secret := randomText(32)
	full := "lh_" + id + "_" + secret
	sum := sha256.Sum256([]byte(full))
	t := Token{ID: id, Name: name, Role: role, Cohort: cohort, SHA256: hex.EncodeToString(sum[:]), Created: time.Now().UTC()}
	a.mu.Lock()
	a.Tokens = append(a.Tokens, t)
	a.mu.Unlock()
	return full, t, nil
}

// RevokeToken deletes the token with that id.
func (a *Accounts) RevokeToken(id string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.Tokens {
		if a.Tokens[i].ID == id {
			a.Tokens = append(a.Tokens[:i], a.Tokens[i+1:]...)
			return nil
		}
	}
	return fmt.Errorf("没有编号为 %q 的令牌（linghang tokens list 列出全部）", id)
}

// Sorted returns copies of the users and tokens, sorted by name and id.
func (a *Accounts) Sorted() ([]User, []Token) {
	a.mu.Lock()
	us := append([]User(nil), a.Users...)
	ts := append([]Token(nil), a.Tokens...)
	a.mu.Unlock()
	sort.Slice(us, func(i, j int) bool { return us[i].Name < us[j].Name })
	sort.Slice(ts, func(i, j int) bool { return ts[i].ID < ts[j].ID })
	return us, ts
}

// dummyHash is checked against when the user does not exist, so a wrong
// name takes as long as a wrong password. Made on first use: every
// command links this package and most never log anyone in.
var dummyHash = sync.OnceValue(func() string { return HashPassword("linghang-no-such-user") })

// hashing bounds the argon2id computations running at once (19 MiB
// each), so a burst of logins cannot exhaust memory.
var hashing = make(chan struct{}, 4)

// Login checks a name and password.
func (a *Accounts) Login(name, password string) (Principal, bool) {
	a.mu.Lock()
	var u *User
	for i := range a.Users {
		if a.Users[i].Name == name {
			c := a.Users[i]
			u = &c
		}
	}
	a.mu.Unlock()
	hashing <- struct{}{}
	defer func() { <-hashing }()
	if u == nil {
		CheckPassword(dummyHash(), password)
		return Principal{}, false
	}
	if !CheckPassword(u.Hash, password) {
		return Principal{}, false
	}
	return Principal{Name: u.Name, Role: u.Role, Cohort: u.Cohort}, true
}

// user returns the current record of a user (a session outlives neither
// its user's removal nor a change of role).
func (a *Accounts) user(name string) (User, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, u := range a.Users {
		if u.Name == name {
			return u, true
		}
	}
	return User{}, false
}

// CheckToken finds the token; the comparison is in constant time.
func (a *Accounts) CheckToken(full string) (Principal, bool) {
	rest, ok := strings.CutPrefix(full, "lh_")
	if !ok {
		return Principal{}, false
	}
	id, _, _ := strings.Cut(rest, "_")
	sum := sha256.Sum256([]byte(full))
	got := hex.EncodeToString(sum[:])
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, t := range a.Tokens {
		if t.ID == id && subtle.ConstantTimeCompare([]byte(t.SHA256), []byte(got)) == 1 {
			name := "令牌 " + t.ID
			if t.Name != "" {
				name += "（" + t.Name + "）"
			}
			return Principal{Name: name, Role: t.Role, Cohort: t.Cohort, Token: true}, true
		}
	}
	return Principal{}, false
}

// Argon2id parameters (RFC 9106 / OWASP: 19 MiB, 2 passes, 1 lane).
const (
	argonMemory = 19 * 1024
	argonTime   = 2
	argonLanes  = 1
	argonKeyLen = 32
)

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		panic(err) // crypto/rand never fails on supported systems
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonLanes, argonKeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonLanes, enc.EncodeToString(salt), enc.EncodeToString(key))
}

// CheckPassword compares pw with a hash made by HashPassword.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 10 || p == 0 {
		return false
	}
	enc := base64.RawStdEncoding
	salt, err1 := enc.DecodeString(parts[4])
	want, err2 := enc.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// randomText is n characters easy to read and type (no 0/O, 1/l/I).
func randomText(n int) string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			panic(err)
		}
		for _, c := range buf {
			// Rejection sampling keeps every character equally likely.
			if int(c) < 256-256%len(alphabet) && len(out) < n {
				out = append(out, alphabet[int(c)%len(alphabet)])
			}
		}
	}
	return string(out)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
