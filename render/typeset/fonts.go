package typeset

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"linghang/templates"
)

// Role is the typographic role of a piece of text; each role has its own
// font, chosen as GB/T 9704 prescribes for official documents.
type Role int

// The roles. Title is the document title (方正小标宋简体), Body the running
// text (仿宋_GB2312), Heading1 the first-level headings (黑体), Heading2 the
// second-level headings (楷体_GB2312) and Table tables and forms (宋体).
const (
	Body Role = iota
	Title
	Heading1
	Heading2
	Table
	numRoles
)

// Roles lists every role in display order.
var Roles = []Role{Title, Body, Heading1, Heading2, Table}

// String returns the Chinese name of the role.
func (r Role) String() string {
	switch r {
	case Title:
		return "标题"
	case Body:
		return "正文"
	case Heading1:
		return "一级标题"
	case Heading2:
		return "二级标题"
	case Table:
		return "表格"
	}
	return fmt.Sprintf("角色%d", int(r))
}

// families lists, per role, the family names looked for in the user's font
// directory and among installed fonts, best first.
var families = [numRoles][]string{
	Title:    {"方正小标宋简体", "FZXiaoBiaoSong-B05S", "方正小标宋_GBK", "FZXiaoBiaoSong-B05", "方正小标宋"},
	Body:     {"仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", "华文仿宋", "STFangsong", "方正仿宋_GBK", "FZFangSong-Z02", "朱雀仿宋", "Zhuque Fangsong"},
	Heading1: {"黑体", "SimHei", "方正黑体简体", "FZHei-B01S", "方正黑体_GBK", "华文黑体", "STHeiti"},
	Heading2: {"楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", "方正楷体_GBK", "华文楷体", "STKaiti", "LXGW WenKai", "霞鹜文楷"},
	Table:    {"宋体", "SimSun", "新宋体", "NSimSun", "华文宋体", "STSong", "方正书宋_GBK"},
}

// Family returns the font families that serve role, best first.
func (r Role) Family() []string {
	if r < 0 || r >= numRoles {
		return nil
	}
	return families[r]
}

// Where fonts come from.
const (
	originUser     = "用户字体目录"
	originSystem   = "系统字体"
	originEmbedded = "内置默认字体"
)

// The embedded defaults, by role; the Regular serif is also the fallback.
const (
	defaultSerif = "NotoSerifSC-Regular.ttf"
	fallbackFile = defaultSerif
)

// defaults names the embedded face per role: each of the style its role
// prescribes (Zhuque Fangsong for 正文 仿宋).
var defaults = [numRoles]string{
	Title:    "NotoSerifSC-Bold.ttf",
	Body:     "ZhuqueFangsong-Regular.ttf",
	Heading1: "NotoSansSC-Regular.ttf",
	Heading2: "LinghangKai-Regular.ttf",
	Table:    defaultSerif,
}

// Fonts is a resolved set of fonts: one per role plus the coverage
// fallback. A Fonts is safe for concurrent use and is shared by documents.
type Fonts struct {
	roles    [numRoles]*Font
	fallback []*Font
	// Dir is the user font directory the set was resolved with, if any.
	Dir  string
	user []*Font
}

// Unused returns the faces in the user's font directory that serve no
// role (their family names are not the prescribed ones); they still
// supply characters the other fonts lack.
func (fs *Fonts) Unused() []*Font {
	var out []*Font
	for _, f := range fs.user {
		used := false
		for _, r := range fs.roles {
			used = used || r == f
		}
		if !used {
			out = append(out, f)
		}
	}
	return out
}

// Font returns the font serving role.
func (fs *Fonts) Font(r Role) *Font {
	if r < 0 || r >= numRoles {
		r = Body
	}
	return fs.roles[r]
}

// Fallback returns the fonts tried, in order, for characters the role font
// lacks.
func (fs *Fonts) Fallback() []*Font { return fs.fallback }

// fontFor returns the font that draws r in role: the role font, else the
// first fallback that has it, else nil.
func (fs *Fonts) fontFor(r rune, role Role) *Font {
	if f := fs.Font(role); f.Has(r) {
		return f
	}
	for _, f := range fs.fallback {
		if f.Has(r) {
			return f
		}
	}
	return nil
}

// Covers reports whether r can be typeset in every role, as shape draws
// it: characters that are dropped (zero-width, soft hyphen) or drawn as a
// space (tab, no-break space) and newlines are covered; other control
// characters never are; anything else needs a font, of the role or a
// fallback. Intake uses it to report a character at upload instead of at
// print time (program.ImportOptions.Covers).
func (fs *Fonts) Covers(r rune) bool {
	switch r {
	case '\r', '\n', '\t', '\u00a0', '\u200b', '\u200c', '\u200d', '\ufeff', '\u00ad':
		return true
	}
	if r < 0x20 || r == 0x7F {
		return false
	}
	for role := Role(0); role < numRoles; role++ {
		if fs.fontFor(r, role) == nil {
			return false
		}
	}
	return true
}

var (
	cacheMu  sync.Mutex
	setCache = map[string]*Fonts{}
	// fileCache holds every font file parsed by the process, by path.
	fileCache = map[string][]*Font{}
)

// Load resolves the fonts for every role: first a TrueType file in dir
// (if dir is not empty) whose family name matches the role, then an
// installed system font with such a name, then the default embedded in the
// binary. Every font file in dir is parsed, so a damaged one fails here,
// not during rendering. Results are cached for the life of the process:
// each font file is parsed once.
func Load(dir string) (*Fonts, error) {
	if dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return nil, fmt.Errorf("字体目录 %s：%w", dir, err)
		}
		dir = abs
	}
	cacheMu.Lock()
	defer cacheMu.Unlock()
	if fs, ok := setCache[dir]; ok {
		return fs, nil
	}
	fs, err := resolve(dir, true)
	if err != nil {
		return nil, err
	}
	setCache[dir] = fs
	return fs, nil
}

// Embedded returns the fonts embedded in the binary only, ignoring
// installed fonts: output that is the same on every machine (tests,
// golden files).
func Embedded() (*Fonts, error) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	const key = "\x00embedded"
	if fs, ok := setCache[key]; ok {
		return fs, nil
	}
	fs, err := resolve("", false)
	if err != nil {
		return nil, err
	}
	setCache[key] = fs
	return fs, nil
}

// Default returns the fonts for the directory named by LINGHANG_FONTS
// (system and embedded fonts if unset).
func Default() (*Fonts, error) {
	return Load(os.Getenv("LINGHANG_FONTS"))
}

// resolve builds the set for dir; system says whether installed fonts are
// searched.
func resolve(dir string, system bool) (*Fonts, error) {
	set := &Fonts{Dir: dir}
	var user []*Font
	if dir != "" {
		switch fi, err := os.Stat(dir); {
		case errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("字体目录 %s 不存在", dir)
		case err != nil:
			return nil, fmt.Errorf("字体目录 %s 无法读取：%w", dir, err)
		case !fi.IsDir():
			return nil, fmt.Errorf("字体路径 %s 不是目录（--fonts / LINGHANG_FONTS 应指向存放 .ttf/.ttc 的目录）", dir)
		}
		files, err := fontFiles(dir)
		if err != nil {
			return nil, err
		}
		if len(files) == 0 {
			return nil, fmt.Errorf("字体目录 %s 中没有 .ttf/.ttc 字体文件", dir)
		}
		for _, p := range files {
			faces, err := loadFile(p, originUser)
			if err != nil {
				return nil, err
			}
			for _, f := range faces {
				if reason := f.embedRestriction(); reason != "" {
					return nil, fmt.Errorf("字体文件 %s（%s）的授权%s（fsType=%#x），请换用允许嵌入的字体", f.Source, f.Family, reason, f.fsType)
				}
			}
			user = append(user, faces...)
		}
	}
	var installed []string
	scanned := !system
	need := map[string]bool{fallbackFile: true}
	for r := Role(0); r < numRoles; r++ {
		if f := match(user, families[r]); f != nil {
			set.roles[r] = f
			continue
		}
		if !scanned {
			installed, scanned = systemFiles(), true
		}
		if f := matchSystem(installed, families[r]); f != nil {
			set.roles[r] = f
			continue
		}
		need[defaults[r]] = true
	}
	if err := preloadEmbedded(need); err != nil {
		return nil, err
	}
	for r := Role(0); r < numRoles; r++ {
		if set.roles[r] == nil {
			set.roles[r] = fileCache["内置:"+defaults[r]][0]
		}
	}
	set.user = user
	fb, err := embedded(fallbackFile)
	if err != nil {
		return nil, err
	}
	// Every face in the user's directory also fills gaps, after the
	// default fallback: a font given for its rare characters (an Ext B
	// name) serves every role.
	set.fallback = append([]*Font{fb}, user...)
	return set, nil
}

func match(fonts []*Font, names []string) *Font {
	for _, n := range names {
		for _, f := range fonts {
			if f.hasName(n) {
				return f
			}
		}
	}
	return nil
}

// fontFiles lists the TrueType files and collections in dir, sorted.
func fontFiles(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".ttf", ".ttc", ".otf", ".otc":
			out = append(out, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("读取字体目录 %s：%w", dir, err)
	}
	sort.Strings(out)
	return out, nil
}

// systemDirs lists the directories searched for installed fonts (a
// variable so tests can point it elsewhere).
var systemDirs = defaultSystemDirs

// defaultSystemDirs are the fontconfig default directories.
func defaultSystemDirs() []string {
	dirs := []string{"/usr/share/fonts", "/usr/local/share/fonts", "/usr/share/fonts/truetype", "/Library/Fonts", "/System/Library/Fonts", `C:\Windows\Fonts`}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, filepath.Join(home, ".fonts"), filepath.Join(home, ".local/share/fonts"), filepath.Join(home, "Library/Fonts"))
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		dirs = append(dirs, filepath.Join(x, "fonts"))
	}
	return dirs
}

var (
	systemOnce  sync.Once
	systemList  []string
	systemNames = map[string][]string{} // path → names of its faces
)

func systemFiles() []string {
	systemOnce.Do(func() {
		seen := map[string]bool{}
		for _, d := range systemDirs() {
			files, err := fontFiles(d)
			if err != nil {
				continue
			}
			for _, f := range files {
				if !seen[f] {
					seen[f] = true
					systemList = append(systemList, f)
				}
			}
		}
	})
	return systemList
}

// matchSystem finds an installed font with one of names. System fonts that
// cannot be used (CFF, damaged, embedding forbidden) are skipped silently:
// they are not the user's choice.
func matchSystem(files []string, names []string) *Font {
	for _, n := range names {
		for _, p := range files {
			fam, ok := systemNames[p]
			if !ok {
				fam = scanNames(p)
				systemNames[p] = fam
			}
			hit := false
			for _, s := range fam {
				if normName(s) == normName(n) {
					hit = true
				}
			}
			if !hit {
				continue
			}
			faces, err := loadFile(p, originSystem)
			if err != nil {
				continue
			}
			for _, f := range faces {
				if f.hasName(n) && f.embedRestriction() == "" {
					return f
				}
			}
		}
	}
	return nil
}

// scanNames reads just enough of a font file to list its names.
func scanNames(path string) []string {
	fh, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer fh.Close()
	var hdr [12]byte
	if _, err := fh.ReadAt(hdr[:], 0); err != nil {
		return nil
	}
	offs := []int64{0}
	if string(hdr[:4]) == "ttcf" {
		n := int(be32(hdr[8:]))
		if n <= 0 || n > 1000 {
			return nil
		}
		buf := make([]byte, 4*n)
		if _, err := fh.ReadAt(buf, 12); err != nil {
			return nil
		}
		offs = offs[:0]
		for i := 0; i < n; i++ {
			offs = append(offs, int64(be32(buf[4*i:])))
		}
	}
	var names []string
	for _, off := range offs {
		var h [12]byte
		if _, err := fh.ReadAt(h[:], off); err != nil {
			return names
		}
		nt := int(uint16(h[4])<<8 | uint16(h[5]))
		dir := make([]byte, 16*nt)
		if _, err := fh.ReadAt(dir, off+12); err != nil {
			return names
		}
		for i := 0; i < nt; i++ {
			rec := dir[16*i:]
			if string(rec[:4]) != "name" {
				continue
			}
			o, l := int64(be32(rec[8:])), int64(be32(rec[12:]))
			if l > 1<<20 {
				break
			}
			buf := make([]byte, l)
			if _, err := fh.ReadAt(buf, o); err != nil {
				break
			}
			f := &Font{tables: map[string][]byte{"name": buf}}
			f.parseNames()
			names = append(names, f.Names...)
		}
	}
	return names
}

func be32(b []byte) uint32 {
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

// loadFile parses a font file once per process. Call with cacheMu held.
func loadFile(path, origin string) ([]*Font, error) {
	if f, ok := fileCache[path]; ok {
		return f, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("读取字体文件：%w", err)
	}
	faces, err := parseFonts(data, path)
	if err != nil {
		return nil, err
	}
	for _, f := range faces {
		f.Origin = origin
	}
	fileCache[path] = faces
	return faces, nil
}

// preloadEmbedded decompresses and parses the embedded fonts named in
// need concurrently (start-up is dominated by it). Call with cacheMu held.
func preloadEmbedded(need map[string]bool) error {
	type result struct {
		name  string
		faces []*Font
		err   error
	}
	ch := make(chan result, len(need))
	n := 0
	for name := range need {
		if _, ok := fileCache["内置:"+name]; ok {
			continue
		}
		n++
		go func() {
			faces, err := decodeEmbedded(name)
			ch <- result{name, faces, err}
		}()
	}
	var first error
	for ; n > 0; n-- {
		r := <-ch
		if r.err != nil && first == nil {
			first = r.err
		}
		if r.err == nil {
			fileCache["内置:"+r.name] = r.faces
		}
	}
	return first
}

// embedded returns a default font shipped in the binary. Call with cacheMu held.
func embedded(name string) (*Font, error) {
	key := "内置:" + name
	if f, ok := fileCache[key]; ok {
		return f[0], nil
	}
	faces, err := decodeEmbedded(name)
	if err != nil {
		return nil, err
	}
	fileCache[key] = faces
	return faces[0], nil
}

// decodeEmbedded parses an embedded font file, in place in the binary.
// The files are stored uncompressed: inflating 28 MB cost every command
// about 0.3 s of CPU, and the inflated copy 28 MB of heap.
func decodeEmbedded(name string) ([]*Font, error) {
	key := "内置:" + name
	// Read-only: parsing and subsetting only ever read a font's bytes.
	data, ok := templates.FontData(name)
	if !ok {
		return nil, fmt.Errorf("内置字体 %s 缺失", name)
	}
	faces, err := parseFonts(data, key)
	if err != nil {
		return nil, err
	}
	if len(faces) != 1 {
		return nil, errors.New("内置字体 " + name + " 应为单个字体")
	}
	faces[0].Origin = originEmbedded
	return faces, nil
}
