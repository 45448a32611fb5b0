package typeset

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// fakeFace returns a TrueType file cut from f, holding runes, with the
// family name family.
func fakeFace(t *testing.T, f *Font, family string, runes string) []byte {
	t.Helper()
	c := *f
	c.PostScript = family
	sub, err := c.subset([]rune(runes))
	if err != nil {
		t.Fatal(err)
	}
	return sub.data
}

// makeTTC packs TrueType files into a collection, rebasing table offsets.
func makeTTC(faces ...[]byte) []byte {
	head := 12 + 4*len(faces)
	out := make([]byte, head)
	copy(out, "ttcf")
	binary.BigEndian.PutUint32(out[4:], 0x00010000)
	binary.BigEndian.PutUint32(out[8:], uint32(len(faces)))
	for i, f := range faces {
		base := len(out)
		binary.BigEndian.PutUint32(out[12+4*i:], uint32(base))
		g := append([]byte(nil), f...)
		n := int(binary.BigEndian.Uint16(g[4:]))
		for j := 0; j < n; j++ {
			rec := g[12+16*j:]
			binary.BigEndian.PutUint32(rec[8:], binary.BigEndian.Uint32(rec[8:])+uint32(base))
		}
		out = append(out, g...)
	}
	return out
}

func TestLoadFontDir(t *testing.T) {
	fs := mustFonts(t)
	serif := fs.Fallback()[0]
	dir := t.TempDir()
	// A collection holding 楷体 and 黑体, and a plain file holding 仿宋.
	ttc := makeTTC(fakeFace(t, serif, "KaiTi", "领航计划楷"), fakeFace(t, serif, "SimHei", "领航计划黑"))
	if err := os.WriteFile(filepath.Join(dir, "collection.ttc"), ttc, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fangsong.ttf"), fakeFace(t, serif, "FangSong_GB2312", "领航计划仿"), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		role   Role
		source string // suffix of the serving file
		has    rune
	}{
		{Heading2, "collection.ttc#0", '楷'},
		{Heading1, "collection.ttc#1", '黑'},
		{Body, "fangsong.ttf", '仿'},
		{Title, "内置:NotoSerifSC-Bold.ttf", '标'},
	}
	for _, tt := range tests {
		f := set.Font(tt.role)
		if !strings.HasSuffix(f.Source, tt.source) || !f.Has(tt.has) {
			t.Errorf("%s: served by %s (has %c: %v), want …%s", tt.role, f.Source, tt.has, f.Has(tt.has), tt.source)
		}
	}
	// A character the user's 楷体 lacks falls back and still renders.
	d := New(set, "测试", A4, Info{Created: fixedClock})
	if err := d.Text(20, 20, "领航计划楷书体", Style{Role: Heading2}); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimSpace(poppler(t, "pdftotext", writePDF(t, d), "-")); got != "领航计划楷书体" {
		t.Errorf("pdftotext = %q", got)
	}
}

// A font the engine cannot use fails when loaded, naming the file.
func TestLoadBadFont(t *testing.T) {
	serif := mustFonts(t).Fallback()[0]
	good := fakeFace(t, serif, "SimHei", "黑")
	cff := append([]byte("OTTO"), good[4:]...)
	restricted := append([]byte(nil), good...)
	setFsType(t, restricted, 2)
	noSubset := append([]byte(nil), good...)
	setFsType(t, noSubset, 0x0100)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"text.ttf", []byte("this is not a font at all"), "不是 TrueType 字体"},
		{"short.ttf", []byte("abc"), "不完整"},
		{"truncated.ttf", good[:200], "越界"},
		{"cff.otf", cff, "CFF"},
		{"restricted.ttf", restricted, "禁止嵌入"},
		{"nosubset.ttf", noSubset, "禁止子集化"},
		{"broken.ttc", []byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x09"), "字体集"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, tt.name), tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := Load(dir)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			for _, w := range []string{tt.name, tt.want} {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	file := filepath.Join(t.TempDir(), "simhei.ttf")
	if err := os.WriteFile(file, good, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ dir, want string }{
		{filepath.Join(t.TempDir(), "missing"), "不存在"},
		{file, "不是目录"},
		{t.TempDir(), "没有 .ttf/.ttc 字体文件"},
	} {
		if _, err := Load(tt.dir); err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.dir) {
			t.Errorf("Load(%s): err = %v, want one naming the path and %q", tt.dir, err, tt.want)
		}
	}
}

func setFsType(t *testing.T, font []byte, v uint16) {
	n := int(binary.BigEndian.Uint16(font[4:]))
	for j := 0; j < n; j++ {
		rec := font[12+16*j:]
		if string(rec[:4]) == "OS/2" {
			binary.BigEndian.PutUint16(font[binary.BigEndian.Uint32(rec[8:])+8:], v)
			return
		}
	}
	t.Fatal("no OS/2 table")
}

// A subset parses back with exactly the requested characters, the same
// advances, and composite glyphs resolved.
func TestSubset(t *testing.T) {
	fs := mustFonts(t)
	for _, role := range Roles {
		f := fs.Font(role)
		var keep []rune
		for _, r := range "领航计划Ａa1，。“”—…" {
			if f.Has(r) {
				keep = append(keep, r)
			}
		}
		sub, err := f.subset(keep)
		if err != nil {
			t.Fatal(err)
		}
		data := sub.data
		faces, err := parseFonts(data, "subset")
		if err != nil {
			t.Fatalf("%s: subset does not parse: %v", role, err)
		}
		s := faces[0]
		if s.Runes() != len(keep) {
			t.Errorf("%s: subset maps %d runes, want %d", role, s.Runes(), len(keep))
		}
		for _, r := range keep {
			if s.advance(r) != f.advance(r) {
				t.Errorf("%s: advance of %c: %v, want %v", role, r, s.advance(r), f.advance(r))
			}
			a, b := f.tables["glyf"][f.loca[f.glyph(r)]:f.loca[f.glyph(r)+1]], s.tables["glyf"][s.loca[s.glyph(r)]:s.loca[s.glyph(r)+1]]
			if len(a) > 0 && int16(binary.BigEndian.Uint16(a)) >= 0 && string(a) != string(b[:len(a)]) {
				t.Errorf("%s: outline of %c differs", role, r)
			}
		}
		if len(data) > 200_000 {
			t.Errorf("%s: subset of %d characters is %d bytes", role, len(keep), len(data))
		}
	}
}

// Installed fonts are found by family name, after the user's directory
// and before the embedded defaults; unusable ones are skipped.
func TestSystemFonts(t *testing.T) {
	serif := mustFonts(t).Fallback()[0]
	sys := t.TempDir()
	if err := os.WriteFile(filepath.Join(sys, "simsun.ttf"), fakeFace(t, serif, "SimSun", "宋体表格"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sys, "broken.ttf"), []byte("not a font"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sys, "kaiti.otf"), append([]byte("OTTO"), fakeFace(t, serif, "KaiTi", "楷")[4:]...), 0o644); err != nil {
		t.Fatal(err)
	}
	user := t.TempDir()
	if err := os.WriteFile(filepath.Join(user, "hei.ttf"), fakeFace(t, serif, "黑体", "黑"), 0o644); err != nil {
		t.Fatal(err)
	}
	withSystemDirs(t, sys)
	set, err := resolve(user, true)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		role   Role
		origin string
		file   string
	}{
		{Table, originSystem, "simsun.ttf"},
		{Heading1, originUser, "hei.ttf"},
		{Heading2, originEmbedded, "LinghangKai-Regular.ttf"}, // the CFF KaiTi is skipped
		{Body, originEmbedded, "ZhuqueFangsong-Regular.ttf"},
	}
	for _, tt := range tests {
		f := set.Font(tt.role)
		if f.Origin != tt.origin || !strings.HasSuffix(f.Source, tt.file) {
			t.Errorf("%s: %s from %s, want %s from %s", tt.role, f.Source, f.Origin, tt.file, tt.origin)
		}
	}
}

func withSystemDirs(t *testing.T, dirs ...string) {
	saved := systemDirs
	systemDirs = func() []string { return dirs }
	reset := func() {
		systemOnce = sync.Once{}
		systemList = nil
	}
	cacheMu.Lock()
	reset()
	cacheMu.Unlock()
	t.Cleanup(func() {
		cacheMu.Lock()
		defer cacheMu.Unlock()
		systemDirs = saved
		reset()
	})
}

// A character whose glyph has no outline is left to the fallback: a user
// font never prints a blank where text should be.
func TestEmptyGlyphFallsBack(t *testing.T) {
	fs := mustFonts(t)
	serif := fs.Fallback()[0]
	data := fakeFace(t, serif, "KaiTi", "楷书 ")
	faces, err := parseFonts(data, "kai.ttf")
	if err != nil {
		t.Fatal(err)
	}
	g := int(faces[0].glyph('楷'))
	// Empty the glyph: its loca entry starts where it ends.
	n := int(binary.BigEndian.Uint16(data[4:]))
	for j := 0; j < n; j++ {
		rec := data[12+16*j:]
		if string(rec[:4]) == "loca" {
			loca := data[binary.BigEndian.Uint32(rec[8:]):]
			copy(loca[4*g:], loca[4*(g+1):4*(g+2)])
		}
	}
	faces, err = parseFonts(data, "kai.ttf")
	if err != nil {
		t.Fatal(err)
	}
	f := faces[0]
	if f.Has('楷') || !f.Has('书') || !f.Has(' ') {
		t.Errorf("Has(楷)=%v Has(书)=%v Has(space)=%v, want false true true", f.Has('楷'), f.Has('书'), f.Has(' '))
	}
}

// Older Chinese fonts (仿宋_GB2312 of the 1990s) carry only GBK-coded
// (PRC, 3/3) cmap and name records: they are read as Unicode.
func TestPRCEncodedFont(t *testing.T) {
	serif := mustFonts(t).Fallback()[0]
	faces, err := parseFonts(fakeFace(t, serif, "x", "仿宋公文A"), "x")
	if err != nil {
		t.Fatal(err)
	}
	f := faces[0]
	enc := simplifiedchinese.GBK.NewEncoder()
	var pairs []cmapPair
	for _, r := range "仿宋公文A" {
		b, err := enc.Bytes([]byte(string(r)))
		if err != nil {
			t.Fatal(err)
		}
		code := uint16(b[0])
		if len(b) == 2 {
			code = uint16(b[0])<<8 | uint16(b[1])
		}
		pairs = append(pairs, cmapPair{code, f.glyph(r)})
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i].r < pairs[j].r })
	cmap := cmap4(pairs)
	binary.BigEndian.PutUint16(cmap[6:], 3) // platform 3, encoding 3 (PRC)
	// name: family 仿宋_GB2312 in GBK, 16-bit units.
	gb, _ := enc.Bytes([]byte("仿宋_GB2312"))
	var units []byte
	for i := 0; i < len(gb); i++ {
		if gb[i] >= 0x80 {
			units = append(units, gb[i], gb[i+1])
			i++
		} else {
			units = append(units, 0, gb[i])
		}
	}
	name := make([]byte, 18)
	binary.BigEndian.PutUint16(name[2:], 1)
	binary.BigEndian.PutUint16(name[4:], 18)
	for i, v := range []uint16{3, 3, 0x804, 1, uint16(len(units)), 0} {
		binary.BigEndian.PutUint16(name[6+2*i:], v)
	}
	name = append(name, units...)
	tables := map[string][]byte{}
	for tag, data := range f.tables {
		tables[tag] = data
	}
	tables["cmap"], tables["name"] = cmap, name
	prc, err := parseFonts(assemble(tables), "fangsong_gb2312.ttf")
	if err != nil {
		t.Fatal(err)
	}
	p := prc[0]
	if p.Family != "仿宋_GB2312" || !p.hasName("仿宋_GB2312") {
		t.Errorf("family %q, names %q", p.Family, p.Names)
	}
	for _, r := range "仿宋公文A" {
		if p.glyph(r) != f.glyph(r) {
			t.Errorf("%c: glyph %d, want %d", r, p.glyph(r), f.glyph(r))
		}
	}
}

// Every face in the user's directory fills gaps for every role, after the
// default fallback.
func TestUserFontsFillGaps(t *testing.T) {
	serif := mustFonts(t).Fallback()[0]
	// A face mapping 가 (U+AC00, not in any default font) to a glyph.
	faces, err := parseFonts(fakeFace(t, serif, "Extra", "楷"), "x")
	if err != nil {
		t.Fatal(err)
	}
	tables := map[string][]byte{}
	for tag, data := range faces[0].tables {
		tables[tag] = data
	}
	tables["cmap"] = cmap4([]cmapPair{{0xAC00, faces[0].glyph('楷')}})
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "extra.ttf"), assemble(tables), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, role := range Roles {
		if f := set.fontFor('가', role); f == nil || !strings.HasSuffix(f.Source, "extra.ttf") {
			t.Errorf("%s: 가 drawn by %v, want extra.ttf", role, f)
		}
		if f := set.fontFor('䶮', role); f != set.Font(role) && f != set.Fallback()[0] {
			t.Errorf("%s: 䶮 drawn by %v, want the role or default fallback font first", role, f)
		}
	}
	if u := set.Unused(); len(u) != 1 || !strings.HasSuffix(u[0].Source, "extra.ttf") {
		t.Errorf("Unused() = %v", u)
	}
}

// Embedded ignores installed fonts.
func TestEmbeddedIgnoresSystem(t *testing.T) {
	serif := mustFonts(t).Fallback()[0]
	sys := t.TempDir()
	if err := os.WriteFile(filepath.Join(sys, "simsun.ttf"), fakeFace(t, serif, "SimSun", "宋"), 0o644); err != nil {
		t.Fatal(err)
	}
	withSystemDirs(t, sys)
	set, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Roles {
		if f := set.Font(r); f.Origin != originEmbedded {
			t.Errorf("%s: %s from %s, want an embedded font", r, f.Source, f.Origin)
		}
	}
}

// Half-width variants take private-use codes the text does not use.
func TestHalfCodesAvoidUsedCodes(t *testing.T) {
	got := halfCodes([]rune("》，。"), []rune{0xE000, 0xE002, '领'})
	want := map[rune]rune{'。': 0xE001, '》': 0xE003, '，': 0xE004}
	for r, c := range want {
		if got[r] != c {
			t.Errorf("%c: code %U, want %U", r, got[r], c)
		}
	}
}
