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

// A document embeds each font as a subset of the characters it uses, and
// many documents of a run share a subset: every 报名表 draws its labels in
// the same heading face, every 结业证书 its title. The embedding of a
// subset (cut, compressed and tagged) is kept per font and reused.

// embedCacheSize bounds the subsets kept per font (a cycle uses a few
// dozen shared ones; the per-person ones are not worth keeping).
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

// embedding returns the subset of f holding runes and the half-width
// variants of halves, ready for fpdf.AddUTF8SubsetFont.
func (f *Font) embedding(runes, halves []rune) (*fpdf.SubsetFont, error) {
	v, _ := embeds.LoadOrStore(f, &embedCache{m: map[string]*fpdf.SubsetFont{}})
	c := v.(*embedCache)
	var k strings.Builder
	k.WriteString(string(runes))
	k.WriteByte(0)
	k.WriteString(string(halves))
	key := k.String()
	c.mu.Lock()
	sf, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return sf, nil
	}

	sub, err := f.subset(runes, halves...)
	if err != nil {
		return nil, err
	}
	c.once.Do(func() { c.desc, c.err = fpdf.UTF8FontDescriptor(sub.data) })
	if c.err != nil {
		return nil, fmt.Errorf("字体 %s：%w", f.Family, c.err)
	}
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestSpeed)
	zw.Write(sub.data)
	zw.Close()
	sum := sha256.Sum256(sub.data)
	tag := make([]byte, 6)
	for i := range tag {
		tag[i] = 'A' + sum[i]%26
	}
	sf = &fpdf.SubsetFont{Data: sub.data, Zdata: z.Bytes(), Tag: string(tag), GIDs: sub.gids, Widths: sub.widths, Desc: c.desc}

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
