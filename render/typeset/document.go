package typeset

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image"
	_ "image/jpeg" // DecodeConfig checks photos before fpdf sees them
	_ "image/png"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"codeberg.org/go-pdf/fpdf"
)

// Page is a page size in mm, portrait as given.
type Page struct{ W, H float64 }

// Page sizes.
var (
	A4 = Page{210, 297}
	A5 = Page{148, 210}
	A6 = Page{105, 148}
)

// Landscape returns the page turned on its side.
func (p Page) Landscape() Page {
	if p.W < p.H {
		return Page{p.H, p.W}
	}
	return p
}

// Info is the document's metadata.
type Info struct {
	Title, Author, Subject, Keywords string
	// Creator names the application; default "linghang".
	Creator string
	// Created is the creation date; the zero time means now. Fix it for
	// byte-identical output: renderers take it from the data (the
	// notice's 成文日期, the import time of the applicant set).
	Created time.Time
	// Number is the document number (文号), kept in the XMP metadata as
	// dc:identifier.
	Number string
	// Plain writes a plain PDF instead of PDF/A-2b (no XMP metadata, no
	// output intent): `render … --pdfa=false`.
	Plain bool
}

// Document records drawing operations in a display list; Write subsets
// the fonts to the characters used and replays the list into a PDF.
// Coordinates are in mm from the top-left corner of the page.
type Document struct {
	fonts *Fonts
	name  string
	info  Info
	page  Page
	ops   []Op
	pages []Page
	cur   int // page drawn on; 0 means the last
	err   error
	// sharing marks the text drawn as shared (see Sharing).
	sharing bool
	// shares holds, per font, the characters declared shared by Share.
	shares map[*Font]map[rune]bool
}

// Sharing marks the text drawn from now on as the same in every document
// of its kind (on: a form's labels, a letter's wording) or as this
// document's own (off, the default: a name, a biography). Shared text is
// embedded in a subset of its own that the documents share, cut and
// compressed once for all of them. It changes nothing drawn, only which
// subset a glyph is embedded in.
func (d *Document) Sharing(on bool) { d.sharing = on }

// Share declares the characters of s, set in style st, part of the
// wording every document of the kind shares, though they are drawn in
// text of the document's own: a certificate's statement names the
// person ("张三同志于……准予结业"), and s is the statement without the
// name. The characters are embedded in the shared subset, and the own
// text draws them from there; only what s lacks (the name) is embedded
// for this document alone. Share draws nothing.
func (d *Document) Share(s string, st Style) error {
	for _, r := range s {
		if r <= ' ' || r > 0xFFFF || r == WordJoiner {
			continue // no glyph of its own, or drawn as an outline
		}
		f := d.fonts.fontFor(r, st.Role)
		if f == nil {
			return d.fail(&GlyphError{Rune: r, Field: st.Field, Text: s})
		}
		d.share(f, r)
	}
	return nil
}

// share records r, in f, as shared wording (Share, Include).
func (d *Document) share(f *Font, r rune) {
	if d.shares == nil {
		d.shares = map[*Font]map[rune]bool{}
	}
	if d.shares[f] == nil {
		d.shares[f] = map[rune]bool{}
	}
	d.shares[f][r] = true
}

// shareOrder lists the fonts of d.shares by PostScript name: subsets
// are named and written in a fixed order.
func (d *Document) shareOrder() []*Font {
	fs := make([]*Font, 0, len(d.shares))
	for f := range d.shares {
		fs = append(fs, f)
	}
	sort.Slice(fs, func(a, b int) bool { return fs[a].PostScript < fs[b].PostScript })
	return fs
}

// OpKind is the kind of a display-list operation.
type OpKind int

// Operation kinds.
const (
	OpText OpKind = iota
	OpLine
	OpRect
	OpImage
	// OpBookmark is an entry of the PDF outline (bookmarks), Text at
	// level Size, pointing at Box.Y on its page.
	OpBookmark
	OpRotate    // turn what follows by Size degrees about (Box.X, Box.Y)
	OpRotateEnd // end of the turned part
	// OpCells fills the set cells of a grid (a QR code) in Fill: Box is
	// the grid, Size its number of columns. One op for the whole grid
	// keeps a thousand badges' codes small in memory.
	OpCells
)

// Op is one drawing operation of the display list.
type Op struct {
	Kind OpKind
	Page int  // 1-based page number
	Box  Rect // Text: the run's em box; Line: from (X,Y) to (X+W,Y+H); Rect/Image: the area
	// Text, Font and Size describe a text run drawn in one font.
	Text  string
	Font  *Font
	Size  float64 // points
	Field string
	Color Color
	Pen   Pen
	Fill  *Color

	baseline float64
	spacing  float64 // extra mm after each character (tracking + justification)
	half     bool    // a squeezed mark, drawn with its half-width variant
	shared   bool    // drawn while Sharing: embedded in the subset documents share
	image    []byte
	cells    []bool  // OpCells, row by row
	overlap  float64 // OpCells: mm added to each filled run, closing seams
}

// Pen is a stroke: width in mm, colour and optional dash pattern (mm).
type Pen struct {
	Width float64
	Color Color
	Dash  []float64
}

// New starts a document named name (used in error messages, e.g.
// "报名表（张三）") with pages of size page, typeset with fonts.
func New(fonts *Fonts, name string, page Page, info Info) *Document {
	return &Document{fonts: fonts, name: name, info: info, page: page}
}

// Fonts returns the fonts the document is typeset with.
func (d *Document) Fonts() *Fonts { return d.fonts }

// AddPage starts a new page of the document's page size.
func (d *Document) AddPage() { d.AddPageSize(d.page) }

// AddPageSize starts a new page of size p.
func (d *Document) AddPageSize(p Page) { d.pages = append(d.pages, p); d.cur = 0 }

// SetPage makes later drawing go to page n (1-based) until the next
// AddPage, e.g. to write "第1页 共2页" once the page count is known.
func (d *Document) SetPage(n int) {
	if n < 1 || n > len(d.pages) {
		d.fail(fmt.Errorf("文档《%s》：没有第%d页", d.name, n))
		return
	}
	d.cur = n
	if n == len(d.pages) {
		d.cur = 0
	}
}

// Bookmark adds an entry to the PDF outline at level (0 for the top)
// pointing at y mm on the current page.
func (d *Document) Bookmark(title string, level int, y float64) {
	d.add(Op{Kind: OpBookmark, Text: title, Size: float64(level), Box: Rect{Y: y}})
}

// PageCount is the number of pages so far.
func (d *Document) PageCount() int { return len(d.pages) }

// PageSize is the size of the current page.
func (d *Document) PageSize() Page {
	if len(d.pages) == 0 {
		return d.page
	}
	return d.pages[len(d.pages)-1]
}

// Ops returns the display list: what has been drawn, for checks such as
// "every text box lies inside its frame".
func (d *Document) Ops() []Op { return d.ops }

// Err returns the first error met while drawing; Write returns it too.
func (d *Document) Err() error { return d.err }

func (d *Document) fail(err error) error {
	if ge, ok := err.(*GlyphError); ok && ge.Doc == "" {
		ge.Doc = d.name
	}
	if d.err == nil {
		d.err = err
	}
	return err
}

func (d *Document) add(op Op) {
	if len(d.pages) == 0 {
		d.AddPage()
	}
	op.Page = len(d.pages)
	if d.cur > 0 {
		op.Page = d.cur
	}
	d.ops = append(d.ops, op)
}

// Line draws a straight line from (x1,y1) to (x2,y2).
func (d *Document) Line(x1, y1, x2, y2 float64, p Pen) {
	d.add(Op{Kind: OpLine, Box: Rect{x1, y1, x2 - x1, y2 - y1}, Pen: p})
}

// Rect strokes the outline of r with p.
func (d *Document) Rect(r Rect, p Pen) { d.add(Op{Kind: OpRect, Box: r, Pen: p}) }

// Fill paints r with c.
func (d *Document) Fill(r Rect, c Color) { d.add(Op{Kind: OpRect, Box: r, Fill: &c}) }

// Cells fills, in c, the set cells of a grid of cols columns covering r
// (len(cells)/cols rows, row by row). Each run of set cells in a row is
// one rectangle, widened and heightened by overlap mm so that viewers
// show no seams between abutting runs.
func (d *Document) Cells(r Rect, cols int, cells []bool, c Color, overlap float64) {
	if cols <= 0 || len(cells)%cols != 0 {
		d.fail(fmt.Errorf("文档《%s》：%d 个格子排不成 %d 列", d.name, len(cells), cols))
		return
	}
	d.add(Op{Kind: OpCells, Box: r, Size: float64(cols), Fill: &c, cells: slices.Clone(cells), overlap: overlap})
}

// Image draws a JPEG or PNG image scaled to fill r.
func (d *Document) Image(r Rect, data []byte) error {
	if imageType(data) == "" {
		return d.fail(fmt.Errorf("文档《%s》：图片不是 JPEG 或 PNG 格式", d.name))
	}
	if c, err := ImageConfig(data); err != nil || c.Width <= 0 || c.Height <= 0 {
		return d.fail(fmt.Errorf("文档《%s》：图片已损坏，无法解码（%d 字节）：%v", d.name, len(data), err))
	}
	d.add(Op{Kind: OpImage, Box: r, image: data})
	return nil
}

// ImageConfig reads the size and colour model of a JPEG or PNG image
// without decoding its pixels. A plain JPEG (grey, or a JFIF colour
// photo, as linghang stores them) is read from its frame header alone;
// anything else goes through image.DecodeConfig, whose JPEG decoder
// allocates some 40 KB per call.
func ImageConfig(data []byte) (image.Config, error) {
	if c, ok := fpdf.JPEGConfig(data); ok {
		return c, nil
	}
	c, _, err := image.DecodeConfig(bytes.NewReader(data))
	return c, err
}

func imageType(b []byte) string {
	switch {
	case len(b) > 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF:
		return "JPG"
	case len(b) > 8 && string(b[1:4]) == "PNG":
		return "PNG"
	}
	return ""
}

// Rotated records what draw draws turned by angle degrees counter-clockwise
// about (cx, cy): the upper face of a folded table tent is drawn at 180°.
// Boxes in the display list stay unturned; draw must not start a page.
func (d *Document) Rotated(angle, cx, cy float64, draw func() error) error {
	d.add(Op{Kind: OpRotate, Box: Rect{X: cx, Y: cy}, Size: angle})
	page := len(d.pages)
	err := draw()
	if len(d.pages) != page && err == nil {
		err = d.fail(fmt.Errorf("文档《%s》：旋转的内容不能跨页", d.name))
	}
	d.add(Op{Kind: OpRotateEnd})
	return err
}

// Measure returns the width in mm of s set on one line in st.
func (fs *Fonts) Measure(s string, st Style) (float64, error) {
	gs, err := fs.shape(s, st)
	if err != nil {
		return 0, err
	}
	w := 0.0
	for _, g := range gs {
		w += g.adv + st.Tracking
	}
	if len(gs) > 0 {
		w -= st.Tracking
	}
	return w, nil
}

// Text draws s on one line with its baseline at y. The alignment is taken
// relative to x: Left starts at x, Center centres on x, Right ends at x.
// Text does not wrap; use Paragraph or Fit for boxes.
func (d *Document) Text(x, y float64, s string, st Style) error {
	gs, err := d.fonts.shape(s, st)
	if err != nil {
		return d.fail(err)
	}
	ln := breakGlyphs(gs, st, math.Inf(1))
	if len(ln) == 0 {
		return nil
	}
	l := ln[0]
	for _, more := range ln[1:] { // newlines are kept on the one line
		l.glyphs = append(l.glyphs, more.glyphs...)
		l.Width += more.Width
	}
	switch st.Align {
	case Center:
		x -= l.Width / 2
	case Right:
		x -= l.Width
	}
	d.drawLine(l, x, y, l.Width, st, false)
	return nil
}

// drawLine records the runs of one line, left edge x, baseline y, in a
// measure of width mm; justify spreads the characters to fill it.
func (d *Document) drawLine(l Line, x, y, width float64, st Style, justify bool) {
	gs := l.glyphs
	if len(gs) == 0 {
		return
	}
	em := st.em()
	asc := d.fonts.Font(st.Role).ascent
	// gap[i] is the space after glyph i. Justification widens the gaps
	// between characters, not those inside a Latin word or number (unless
	// the line is one word).
	gap := make([]float64, len(gs))
	inWord := func(i int) bool {
		a, b := gs[i].r, gs[i+1].r
		return a != ' ' && b != ' ' && !isCJK(a) && !isCJK(b)
	}
	stretch := 0
	for i := 0; i+1 < len(gs); i++ {
		if !inWord(i) {
			stretch++
		}
	}
	extra, all := 0.0, stretch == 0
	if justify && len(gs) > 1 {
		if all {
			stretch = len(gs) - 1
		}
		extra = (width - l.Width) / float64(stretch)
	}
	for i := range gs {
		gap[i] = st.Tracking
		if i+1 < len(gs) && (all || !inWord(i)) {
			gap[i] += extra
		}
	}
	if n := len(gs); n > 1 {
		gap[n-1] = gap[n-2] // nothing follows the last glyph
	}
	for i := 0; i < len(gs); {
		// A run: one font and one spacing after every glyph, so that the
		// next run starts where the text cursor stops (text extraction
		// relies on it). A squeezed mark is a run of its own.
		j := i + 1
		for j < len(gs) && gs[j].font == gs[i].font && !gs[j].squeezed && !gs[j-1].squeezed && gap[j] == gap[i] && gap[j-1] == gap[i] &&
			gs[j].r <= 0xFFFF && gs[j-1].r <= 0xFFFF { // a character beyond U+FFFF is a run (an outline) of its own
			j++
		}
		w := 0.0
		for k := i; k < j; k++ {
			w += gs[k].adv + gap[k]
		}
		w -= gap[j-1]
		d.add(Op{Kind: OpText, Box: Rect{x, y - asc*em, w, em}, Text: runesOf(gs[i:j]),
			Font: gs[i].font, Size: st.size(), Field: st.Field, Color: st.Color,
			baseline: y, spacing: gap[i], half: gs[i].squeezed, shared: d.sharing})
		x += w + gap[j-1]
		i = j
	}
}

// Fit is the result of setting text in a box.
type Fit struct {
	Size   float64 // type size used, points
	Lines  []Line  // lines drawn
	Height float64 // mm used from the top of the box
	// Rest is the text that did not fit; empty when all of it did. A
	// caller continues it in another box or on a further page.
	Rest string
	// more says Rest begins in the middle of a paragraph.
	more bool
}

// Overflow reports whether some text did not fit.
func (f Fit) Overflow() bool { return f.Rest != "" }

// Continue sets the text prev could not fit (prev.Rest) in r, e.g. on the
// next page. A paragraph broken across the boxes goes on without a new
// first-line indent.
func (d *Document) Continue(r Rect, prev Fit, st Style) (Fit, error) {
	gs, err := d.fonts.shape(prev.Rest, st)
	if err != nil {
		return Fit{}, d.fail(err)
	}
	fit := d.place(r, breakText(gs, st, r.W, prev.more), st)
	if len(fit.Lines) == 0 {
		fit.more = prev.more
	}
	return fit, nil
}

// Paragraph sets s in r in style st: lines are broken, justified when
// st.Align is Justify, and drawn as far as they fit. Text that does not fit
// is returned in Fit.Rest, never clipped silently.
func (d *Document) Paragraph(r Rect, s string, st Style) (Fit, error) {
	gs, err := d.fonts.shape(s, st)
	if err != nil {
		return Fit{}, d.fail(err)
	}
	lines := breakGlyphs(gs, st, r.W)
	return d.place(r, lines, st), nil
}

// Fit sets s in r, shrinking the type from st.Size in steps of 0.5 pt down
// to minSize until every line fits. If even minSize overflows, it draws
// what fits at minSize and returns the rest in Fit.Rest.
func (d *Document) Fit(r Rect, s string, st Style, minSize float64) (Fit, error) {
	gs, err := d.fonts.shape(s, st)
	if err != nil {
		return Fit{}, d.fail(err)
	}
	size := st.size()
	if minSize <= 0 || minSize > size {
		minSize = size
	}
	for ; ; size -= 0.5 {
		if size < minSize {
			size = minSize
		}
		t := st
		t.Size = size
		if st.Leading > 0 {
			t.Leading = st.Leading * size / st.size()
		}
		scaled := rescale(gs, size/st.size())
		lines := breakGlyphs(scaled, t, r.W)
		if n, _ := fitCount(r, len(lines), t); n == len(lines) || size <= minSize {
			return d.place(r, lines, t), nil
		}
	}
}

// Tighten sets s in r like Paragraph but absorbs a small overflow: it
// first closes up the leading step by step down to minLead times the type
// size, then shrinks the type in half points down to minSize at that
// leading. When even that does not fit, the text is set as st, untouched,
// and Rest holds what is left, to continue on another page at the
// comfortable setting.
func (d *Document) Tighten(r Rect, s string, st Style, minLead, minSize float64) (Fit, error) {
	gs, err := d.fonts.shape(s, st)
	if err != nil {
		return Fit{}, d.fail(err)
	}
	size := st.size()
	fits := func(t Style, gs []glyph) ([]Line, bool) {
		lines := breakGlyphs(gs, t, r.W)
		n, _ := fitCount(r, len(lines), t)
		return lines, n == len(lines)
	}
	if lines, ok := fits(st, gs); ok {
		return d.place(r, lines, st), nil
	}
	em := PtToMM(size)
	for f := st.leading()/em - 0.05; f >= minLead-1e-9; f -= 0.05 {
		t := st
		t.Leading = f * em
		if lines, ok := fits(t, gs); ok {
			return d.place(r, lines, t), nil
		}
	}
	for sz := size - 0.5; sz >= minSize-1e-9; sz -= 0.5 {
		t := st
		t.Size, t.Leading = sz, minLead*PtToMM(sz)
		scaled := rescale(gs, sz/size)
		if lines, ok := fits(t, scaled); ok {
			return d.place(r, lines, t), nil
		}
	}
	return d.place(r, breakGlyphs(gs, st, r.W), st), nil
}

func rescale(gs []glyph, k float64) []glyph {
	out := make([]glyph, len(gs))
	for i, g := range gs {
		g.adv *= k
		out[i] = g
	}
	return out
}

// fitCount returns how many of n lines fit in r and the offset of the
// first em box from r's top.
func fitCount(r Rect, n int, st Style) (int, float64) {
	em, lead := st.em(), st.leading()
	top := math.Max(0, (lead-em)/2) // leading tighter than the type: lines start at the top
	if r.H < lead {
		top = math.Max(0, (r.H-em)/2)
	}
	fits := 0
	for fits < n && top+float64(fits)*lead+em <= r.H+0.01 {
		fits++
	}
	return fits, top
}

func (d *Document) place(r Rect, lines []Line, st Style) Fit {
	em, lead := st.em(), st.leading()
	n, top := fitCount(r, len(lines), st)
	if n > 0 {
		used := top + float64(n-1)*lead + em
		switch st.VAlign {
		case Middle:
			top += (r.H - used) / 2
		case Bottom:
			top += r.H - used
		}
	}
	asc := d.fonts.Font(st.Role).ascent
	fit := Fit{Size: st.size(), Lines: lines[:n]}
	for i, l := range lines[:n] {
		y := r.Y + top + float64(i)*lead + asc*em
		x, w := r.X+l.Indent, r.W-l.Indent
		justify := false
		switch st.Align {
		case Center:
			x += (w - l.Width) / 2
		case Right:
			x += w - l.Width
		case Justify:
			justify = !l.End && l.Width < w+em/2
		}
		d.drawLine(l, x, y, w, st, justify)
		fit.Height = top + float64(i)*lead + em
	}
	if n < len(lines) {
		var rest []string
		for i, l := range lines[n:] {
			if i > 0 && !lines[n+i-1].End {
				if lines[n+i-1].spaceAfter {
					rest[len(rest)-1] += " "
				}
				rest[len(rest)-1] += l.Text
				continue
			}
			rest = append(rest, l.Text)
		}
		fit.Rest = strings.Join(rest, "\n")
		fit.more = n > 0 && !lines[n-1].End
	}
	return fit
}

// Write subsets every font to the characters the document uses, replays
// the display list into a PDF and writes it to w.
func (d *Document) Write(w io.Writer) (err error) {
	if d.err != nil {
		return d.err
	}
	defer func() {
		if p := recover(); p != nil { // last resort: fpdf panics on bad input
			err = fmt.Errorf("生成 PDF《%s》失败：%v", d.name, p)
		}
	}()
	if len(d.pages) == 0 {
		d.AddPage()
	}
	first := d.pages[0]
	pdf := fpdf.NewCustom(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: first.W, Ht: first.H}})
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCompression(true)
	pdf.SetCatalogSort(true)
	created := d.info.Created
	if created.IsZero() {
		created = time.Now()
	}
	pdf.SetCreationDate(created)
	pdf.SetModificationDate(created)
	creator := d.info.Creator
	if creator == "" {
		creator = "linghang"
	}
	pdf.SetTitle(d.info.Title, true)
	pdf.SetAuthor(d.info.Author, true)
	pdf.SetSubject(d.info.Subject, true)
	pdf.SetKeywords(d.info.Keywords, true)
	pdf.SetCreator(creator, true)
	pdf.SetProducer(producer, true)
	pdf.SetLang("zh-CN")
	if !d.info.Plain {
		// PDF/A-2b: XMP metadata equal to the Info dictionary and an
		// sRGB output intent for the DeviceRGB colours and photos.
		pdf.SetXmpMetadata(xmpPacket(d.info, creator, created, created))
		pdf.AddOutputIntent(fpdf.OutputIntentType{
			SubtypeIdent:              fpdf.OutputIntent_GTS_PDFA1,
			OutputConditionIdentifier: "sRGB IEC61966-2.1",
			Info:                      "sRGB IEC61966-2.1",
			ICCProfile:                SRGBProfile(),
		})
	}

	// Fonts: one subset per font and kind of text (shared or not), named
	// after the font.
	used := map[embedKey]map[rune]bool{}
	halves := map[embedKey]map[rune]bool{}
	var order []embedKey
	for _, op := range d.ops {
		if op.Kind != OpText {
			continue
		}
		fc := subsetOf(op)
		m := used[fc]
		if m == nil {
			m = map[rune]bool{}
			used[fc] = m
			halves[fc] = map[rune]bool{}
			order = append(order, fc)
		}
		if op.half {
			for _, r := range op.Text {
				halves[fc][r] = true
			}
			continue
		}
		for _, r := range op.Text {
			if r > 0xFFFF {
				r = ' ' // drawn as an outline; an invisible space carries it
			}
			m[r] = true
		}
	}
	// Characters declared shared (Share) join their font's shared
	// subset; a font with no shared text yet gets one, after the others,
	// in the order of PostScript names.
	for _, f := range d.shareOrder() {
		fc := embedKey{f, true}
		if used[fc] == nil {
			used[fc] = map[rune]bool{}
			halves[fc] = map[rune]bool{}
			order = append(order, fc)
		}
		for r := range d.shares[f] {
			used[fc][r] = true
		}
	}
	// A character a font's shared subset holds is drawn from there in
	// the document's own text too, so no glyph is embedded twice in one
	// document (the form's own text repeats many of its labels'
	// characters: 7 % of its size).
	shared := map[*Font]map[rune]bool{}
	for _, fc := range order {
		if fc.shared {
			shared[fc.font] = used[fc]
		}
	}
	holder := func(fc embedKey, r rune) embedKey {
		if r > 0xFFFF {
			r = ' '
		}
		if !fc.shared && shared[fc.font][r] {
			return embedKey{fc.font, true}
		}
		return fc
	}
	for _, fc := range order {
		if s := shared[fc.font]; s != nil && !fc.shared {
			for r := range used[fc] {
				if s[r] {
					delete(used[fc], r)
				}
			}
		}
	}
	names := map[embedKey]string{}
	codes := map[embedKey]map[rune]rune{}
	subsets := map[embedKey]*fpdf.SubsetFont{}
	for i, fc := range order {
		if len(used[fc]) == 0 && len(halves[fc]) == 0 {
			continue // all its characters are in the shared subset
		}
		f := fc.font
		runes := make([]rune, 0, len(used[fc]))
		for r := range used[fc] {
			runes = append(runes, r)
		}
		sort.Slice(runes, func(a, b int) bool { return runes[a] < runes[b] })
		var half []rune
		for r := range halves[fc] {
			half = append(half, r)
		}
		sort.Slice(half, func(a, b int) bool { return half[a] < half[b] })
		codes[fc] = halfCodes(half, runes)
		sf, err := f.embedding(runes, half, fc.shared)
		if err != nil {
			return fmt.Errorf("生成 PDF《%s》：%w", d.name, err)
		}
		// Lower case, as fpdf keys its fonts: SetFont then has nothing to
		// lower (strings.ToLower allocated on each of its calls).
		name := strings.ToLower(fmt.Sprintf("%s-%d", sanitizePS(f.PostScript), i))
		pdf.AddUTF8SubsetFont(name, sf)
		pdf.SetFont(name, "", 10) // fpdf only prints a font it cannot parse; SetFont reports it
		if err := pdf.Error(); err != nil {
			return fmt.Errorf("生成 PDF《%s》：嵌入字体 %s：%w", d.name, f.Family, err)
		}
		names[fc] = name
		subsets[fc] = sf
	}

	images := map[string]string{}
	k := 72 / 25.4
	ops := d.ops
	if !sort.SliceIsSorted(ops, func(a, b int) bool { return ops[a].Page < ops[b].Page }) {
		ops = slices.Clone(ops)
		sort.SliceStable(ops, func(a, b int) bool { return ops[a].Page < ops[b].Page })
	}
	next := 0 // ops are recorded in page order: one pass over them
	ts := &textState{pdf: pdf}
	for i, p := range d.pages {
		page := i + 1
		pdf.AddPageFormat("P", fpdf.SizeType{Wd: p.W, Ht: p.H})
		ts.newPage()
		for ; next < len(ops) && ops[next].Page == page; next++ {
			op := ops[next]
			switch op.Kind {
			case OpText:
				if r, _ := utf8.DecodeRuneInString(op.Text); r > 0xFFFF {
					if err := drawOutline(ts, op, r, names[holder(subsetOf(op), r)]); err != nil {
						return fmt.Errorf("生成 PDF《%s》第 %d 页：%w", d.name, page, err)
					}
					break
				}
				pdf.SetTextColor(int(op.Color.R), int(op.Color.G), int(op.Color.B))
				if op.half {
					// The half-width variant sits at a private-use code;
					// ActualText gives the mark back to text extraction.
					r, _ := utf8.DecodeRuneInString(op.Text)
					ts.setFont(names[subsetOf(op)], op.Size)
					ts.setSpacing(0)
					pdf.RawWriteStr("/Span <</ActualText " + pdfTextString(op.Text) + ">> BDC")
					pdf.Text(op.Box.X, op.baseline, string(codes[subsetOf(op)][r]))
					pdf.RawWriteStr("EMC")
					break
				}
				tc := op.spacing * k
				// Spacing wider than ~0.08 em makes text extraction see
				// spaces between the characters: ActualText keeps them
				// exact. (Only then: poppler misplaces adjacent spans.)
				actual := op.spacing > 0.08*PtToMM(op.Size) && utf8.RuneCountInString(op.Text) > 1
				if actual {
					pdf.RawWriteStr("/Span <</ActualText " + pdfTextString(op.Text) + ">> BDC")
				}
				ts.setSpacing(tc)
				drawRuns(ts, op, func(r rune) embedKey { return holder(subsetOf(op), r) }, names, subsets)
				if actual {
					// poppler measures the span's end with the spacing in
					// force at EMC: back to 0 first, or the next text is
					// extracted with a space before it.
					ts.setSpacing(0)
					pdf.RawWriteStr("EMC")
				}
			case OpLine:
				setPen(pdf, op.Pen)
				pdf.Line(op.Box.X, op.Box.Y, op.Box.X+op.Box.W, op.Box.Y+op.Box.H)
				pdf.SetDashPattern(nil, 0)
			case OpRect:
				if op.Fill != nil {
					pdf.SetFillColor(int(op.Fill.R), int(op.Fill.G), int(op.Fill.B))
					pdf.Rect(op.Box.X, op.Box.Y, op.Box.W, op.Box.H, "F")
				} else {
					setPen(pdf, op.Pen)
					pdf.Rect(op.Box.X, op.Box.Y, op.Box.W, op.Box.H, "D")
					pdf.SetDashPattern(nil, 0)
				}
			case OpCells:
				cols := int(op.Size)
				rows := len(op.cells) / cols
				w, h := op.Box.W/float64(cols), op.Box.H/float64(rows)
				pdf.SetFillColor(int(op.Fill.R), int(op.Fill.G), int(op.Fill.B))
				for y := 0; y < rows; y++ {
					row := op.cells[y*cols : (y+1)*cols]
					for x := 0; x < cols; {
						if !row[x] {
							x++
							continue
						}
						end := x
						for end < cols && row[end] {
							end++
						}
						pdf.Rect(op.Box.X+float64(x)*w, op.Box.Y+float64(y)*h, float64(end-x)*w+op.overlap, h+op.overlap, "F")
						x = end
					}
				}
			case OpBookmark:
				pdf.Bookmark(op.Text, int(op.Size), op.Box.Y)
			case OpRotate:
				pdf.TransformBegin()
				pdf.TransformRotate(op.Size, op.Box.X, op.Box.Y)
			case OpRotateEnd:
				pdf.TransformEnd()
				ts.restored()
			case OpImage:
				sum := sha256.Sum256(op.image)
				name, ok := images[string(sum[:])]
				if !ok {
					name = "img" + hex.EncodeToString(sum[:8])
					images[string(sum[:])] = name
					pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: imageType(op.image)}, bytes.NewReader(op.image))
				}
				pdf.ImageOptions(name, op.Box.X, op.Box.Y, op.Box.W, op.Box.H, false, fpdf.ImageOptions{ImageType: imageType(op.image)}, 0, "")
			}
			if err := pdf.Error(); err != nil {
				return fmt.Errorf("生成 PDF《%s》第 %d 页：%w", d.name, page, err)
			}
		}
	}
	// Straight to w: a 1,000-page bound copy is not held a third time.
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("生成或写出 PDF《%s》：%w", d.name, err)
	}
	return nil
}

// embedKey is a font and the kind of text it sets: one embedded subset each.
type embedKey struct {
	font   *Font
	shared bool
}

func subsetOf(op Op) embedKey { return embedKey{op.Font, op.shared} }

// drawRuns draws op's text, each run of characters in the subset that
// holds them (see holder in Write), every run starting where the glyphs
// before it end: their advances from the subset's widths, plus the
// character spacing.
func drawRuns(ts *textState, op Op, holder func(rune) embedKey, names map[embedKey]string, subsets map[embedKey]*fpdf.SubsetFont) {
	if op.Text == "" {
		return
	}
	x, start := op.Box.X, 0
	var cur embedKey
	for i, r := range op.Text {
		fc := holder(r)
		if i == 0 {
			cur = fc
			continue
		}
		if fc == cur {
			continue
		}
		ts.setFont(names[cur], op.Size)
		ts.pdf.Text(x, op.baseline, op.Text[start:i])
		sf := subsets[cur]
		for _, r := range op.Text[start:i] {
			x += float64(sf.Widths[sf.GIDs[r]])*PtToMM(op.Size)/1000 + op.spacing
		}
		start, cur = i, fc
	}
	ts.setFont(names[cur], op.Size)
	ts.pdf.Text(x, op.baseline, op.Text[start:])
}

// textState is the font and character spacing the page's content has
// set, so that each is written only when it changes: one run of text
// after another in the same font used to repeat "BT /F… 16.00 Tf ET" and
// reset the spacing to 0 after each, a quarter of a letter's content.
type textState struct {
	pdf   *fpdf.Fpdf
	font  string // "": none set yet on this page, or undone by a Q
	size  float64
	tc    float64 // character spacing, points, as written (3 decimals)
	tcSet bool    // tc is the spacing in force (false after a Q)
}

// newPage: a page's content starts with no font and the spacing 0.
func (t *textState) newPage() { t.font, t.tc, t.tcSet = "", 0, true }

// restored: a Q (the end of a turned part) restored whatever font and
// spacing were in force before its q, which may not be the ones set since.
func (t *textState) restored() { t.font, t.tcSet = "", false }

func (t *textState) setFont(name string, size float64) {
	if name == t.font && size == t.size {
		return
	}
	t.pdf.SetFont(name, "", size)
	t.font, t.size = name, size
}

// setSpacing sets the character spacing to tc points (Tc).
func (t *textState) setSpacing(tc float64) {
	tc = math.Round(tc*1000) / 1000
	if tc == 0 {
		tc = 0 // no "-0.000 Tc"
	}
	if t.tcSet && tc == t.tc {
		return
	}
	t.tc, t.tcSet = tc, true
	t.pdf.RawWriteStr(strconv.FormatFloat(tc, 'f', 3, 64) + " Tc")
}

// drawOutline fills the outline of r, then draws an invisible space as
// wide as the glyph inside an ActualText span holding r, so that the
// character is found by text extraction and search.
func drawOutline(ts *textState, op Op, r rune, font string) error {
	pdf := ts.pdf
	path, err := op.Font.outlinePath(r, op.Box.X, op.baseline, op.Size)
	if err != nil {
		return err
	}
	pdf.SetFillColor(int(op.Color.R), int(op.Color.G), int(op.Color.B))
	for _, p := range path {
		switch p.kind {
		case 'M':
			pdf.MoveTo(p.x, p.y)
		case 'L':
			pdf.LineTo(p.x, p.y)
		case 'Q':
			pdf.CurveTo(p.cx, p.cy, p.x, p.y)
		case 'Z':
			pdf.ClosePath()
		}
	}
	if len(path) > 0 {
		pdf.DrawPath("F")
	}
	if !op.Font.Has(' ') {
		return nil
	}
	scale := 100 * op.Font.advance(r) / op.Font.advance(' ')
	ts.setFont(font, op.Size)
	ts.setSpacing(0)
	pdf.RawWriteStr(fmt.Sprintf("/Span <</ActualText %s>> BDC 3 Tr %.2f Tz", pdfTextString(string(r)), scale))
	pdf.Text(op.Box.X, op.baseline, " ")
	pdf.RawWriteStr("100 Tz 0 Tr EMC")
	return nil
}

// pdfTextString encodes s as a PDF text string: UTF-16BE with a byte
// order mark, in hex.
func pdfTextString(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	b.WriteString(">")
	return b.String()
}

func setPen(pdf *fpdf.Fpdf, p Pen) {
	w := p.Width
	if w <= 0 {
		w = 0.2
	}
	pdf.SetLineWidth(w)
	pdf.SetDrawColor(int(p.Color.R), int(p.Color.G), int(p.Color.B))
	if len(p.Dash) > 0 {
		pdf.SetDashPattern(p.Dash, 0)
	}
}

func sanitizePS(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r > ' ' && r < 0x7F && !strings.ContainsRune("[](){}<>/%#", r) {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "Font"
	}
	return b.String()
}
