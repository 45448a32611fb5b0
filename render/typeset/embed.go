package typeset

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"strings"
	"sync"

	"github.com/klauspost/compress/zlib"

	"codeberg.org/go-pdf/fpdf"
)

// A document embeds each font as a subset of the characters it uses.
// Text marked Style.Shared (a form's labels, a letter's wording) has a
// subset of its own that every document of the kind shares: it is cut,
// compressed (harder, since it is done once) and tagged once per font
// and kept. The subsets of text about one person are made per document
// and not kept.

// embedCacheSize bounds the shared subsets kept per font (a year has a
// few dozen: each kind's wording, per cohort for the letters).
const embedCacheSize = 64

type embedCache struct {
	mu    sync.Mutex
	m     map[string]*fpdf.SubsetFont
	order []string // oldest first
	once  sync.Once
	desc  fpdf.FontDescType
	err   error
}

var embeds sync.Map // *Font → *embedCache

// zlib writers are reused: each new one allocates some 600 KB of state,
// for every per-person subset of a year.
var (
	fastWriters = sync.Pool{New: func() any { zw, _ := zlib.NewWriterLevel(nil, zlib.BestSpeed); return zw }}
	bestWriters = sync.Pool{New: func() any { zw, _ := zlib.NewWriterLevel(nil, zlib.BestCompression); return zw }}
)

// embedding returns the subset of f holding runes and the half-width
// variants of halves, ready for fpdf.AddUTF8SubsetFont; a shared one is
// kept for the next document that asks for the same characters.
func (f *Font) embedding(runes, halves []rune, shared bool) (*fpdf.SubsetFont, error) {
	v, _ := embeds.LoadOrStore(f, &embedCache{m: map[string]*fpdf.SubsetFont{}})
	c := v.(*embedCache)
	var k strings.Builder
	k.WriteString(string(runes))
	k.WriteByte(0)
	k.WriteString(string(halves))
	key := k.String()
	if shared {
		c.mu.Lock()
		sf, ok := c.m[key]
		c.mu.Unlock()
		if ok {
			return sf, nil
		}
	}

	sub, err := f.subset(runes, halves...)
	if err != nil {
		return nil, err
	}
	c.once.Do(func() { c.desc, c.err = fpdf.UTF8FontDescriptor(sub.data) })
	if c.err != nil {
		return nil, fmt.Errorf("字体 %s：%w", f.Family, c.err)
	}
	pool := &fastWriters
	if shared {
		pool = &bestWriters
	}
	var z bytes.Buffer
	zw := pool.Get().(*zlib.Writer)
	zw.Reset(&z)
	zw.Write(sub.data)
	zw.Close()
	pool.Put(zw)
	// The tag names the subset: the font and its characters determine
	// its bytes, and hashing them (a few hundred bytes) is cheaper than
	// hashing the font file made from them.
	sum := sha256.Sum256([]byte(f.PostScript + "\x00" + key))
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	sf := &fpdf.SubsetFont{Data: sub.data, Zdata: z.Bytes(), Tag: string(tag), GIDs: sub.gids, Widths: sub.widths, Desc: c.desc}
	if !shared {
		return sf, nil
	}
	sf.ToUnicode = fpdf.SubsetToUnicode(sub.gids)
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.m[key]; ok {
		return old, nil
	}
	if len(c.order) >= embedCacheSize {
		delete(c.m, c.order[0])
		c.order = c.order[1:]
	}
	c.m[key] = sf
	c.order = append(c.order, key)
	return sf, nil
}
