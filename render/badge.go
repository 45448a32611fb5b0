package render

import (
	"bytes"
	"errors"
	"fmt"
	_ "image/jpeg" // photo sizes
	_ "image/png"
	"io"
	"io/fs"
	"math"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"linghang/program"
	"linghang/render/typeset"
	"linghang/templates"
)

// Badge is one person's badge (胸卡).
type Badge struct {
	Name  string
	Unit  string // 工作单位及职务、职称, as on the registration form
	Role  string // 学员 when empty; staff badges say 班主任, 工作人员 …
	Photo []byte // JPEG or PNG; nil for none
	// Token is the check-in token the QR code carries
	// (program.CheckinToken); empty prints no QR code.
	Token string
}

// DefaultRole is the role printed when a badge has none.
const DefaultRole = "学员"

// ApplicantBadges makes the badges of applicants in the given order, each
// with its check-in token for the year (no token when key is nil).
func ApplicantBadges(as []program.Applicant, key []byte, year int) []Badge {
	out := make([]Badge, len(as))
	for i := range as {
		a := &as[i]
		b := Badge{Name: a.Name, Unit: a.Employer, Role: DefaultRole, Photo: a.PhotoJPEG}
		if key != nil {
			b.Token = program.CheckinToken(key, year, a.Cohort, a)
		}
		out[i] = b
	}
	return out
}

// Box is a rectangle on the badge, in mm from its top-left corner.
type Box struct {
	X float64 `yaml:"x"`
	Y float64 `yaml:"y"`
	W float64 `yaml:"w"`
	H float64 `yaml:"h"`
}

func (b Box) rect(x, y float64) typeset.Rect {
	return typeset.Rect{X: x + b.X, Y: y + b.Y, W: b.W, H: b.H}
}

func (b Box) empty() bool { return b.W <= 0 || b.H <= 0 }

// TextBox is a box for text: type size (points) and the smallest size it
// may shrink to, font role (title, body, heading1 = 黑体, heading2 = 楷体,
// table = 宋体), colour (#RRGGBB) and alignment (left, center, right).
type TextBox struct {
	Box     `yaml:",inline"`
	Size    float64 `yaml:"size"`
	MinSize float64 `yaml:"min_size"`
	Font    string  `yaml:"font"`
	Color   string  `yaml:"color"`
	Align   string  `yaml:"align"`
}

// ColorBox is a filled rectangle.
type ColorBox struct {
	Box   `yaml:",inline"`
	Color string `yaml:"color"`
}

// Size is a width and height in mm.
type Size struct {
	W float64 `yaml:"w"`
	H float64 `yaml:"h"`
}

// Layout places badges on sheets and everything on a badge. Layouts are
// data: templates/layouts/NAME.yaml (LoadLayout), or a file of the same
// form (ParseLayout).
type Layout struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Page        Size   `yaml:"page"`
	Badge       Size   `yaml:"badge"`
	Columns     int    `yaml:"columns"`
	Rows        int    `yaml:"rows"`
	// Left and Top place the first badge; 0 centres the grid on the page.
	Left float64 `yaml:"left"`
	Top  float64 `yaml:"top"`
	GapX float64 `yaml:"gap_x"`
	GapY float64 `yaml:"gap_y"`
	// CropMarks draws cut lines outside the grid at every badge edge.
	CropMarks bool `yaml:"crop_marks"`
	// Back adds, after each sheet, a sheet of backs (the cohort's
	// contacts) mirrored for long-edge duplex printing.
	Back bool `yaml:"back"`

	Band       ColorBox `yaml:"band"`
	Programme  TextBox  `yaml:"programme"`
	Cohort     TextBox  `yaml:"cohort"`
	Photo      Box      `yaml:"photo"`
	PersonName TextBox  `yaml:"person_name"`
	Unit       TextBox  `yaml:"unit"`
	// PersonNameWide, UnitWide, QRWide and TokenWide replace their boxes
	// on badges without a photo (empty: the same box).
	PersonNameWide TextBox  `yaml:"person_name_wide"`
	UnitWide       TextBox  `yaml:"unit_wide"`
	QR             Box      `yaml:"qr"`
	Token          TextBox  `yaml:"token"`
	QRWide         Box      `yaml:"qr_wide"`
	TokenWide      TextBox  `yaml:"token_wide"`
	RoleBand       ColorBox `yaml:"role_band"`
	Role           TextBox  `yaml:"role"`
	BackTitle      TextBox  `yaml:"back_title"`
	BackText       TextBox  `yaml:"back_text"`

	// Fonts sets the type; nil means typeset.Default().
	Fonts *typeset.Fonts `yaml:"-"`
	// Created dates the document; zero means the programme's date.
	Created time.Time `yaml:"-"`
	// PlainPDF writes a plain PDF instead of PDF/A-2b.
	PlainPDF bool `yaml:"-"`
}

// Layouts lists the names of the built-in layouts.
func Layouts() []string {
	ents, _ := fs.ReadDir(templates.Layouts, "layouts")
	var out []string
	for _, e := range ents {
		if n, ok := strings.CutSuffix(e.Name(), ".yaml"); ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

// LoadLayout returns the built-in layout name (a4-8, a6).
func LoadLayout(name string) (Layout, error) {
	b, err := templates.Layouts.ReadFile(path.Join("layouts", name+".yaml"))
	if err != nil {
		return Layout{}, fmt.Errorf("没有名为 %q 的胸卡版式（可选：%s）", name, strings.Join(Layouts(), "、"))
	}
	return ParseLayout(bytes.NewReader(b), name+".yaml")
}

// ParseLayout reads a layout in YAML and checks it: every box must lie
// inside the badge and the badges on the page. file names the source in
// errors.
func ParseLayout(r io.Reader, file string) (Layout, error) {
	var l Layout
	dec := yaml.NewDecoder(r)
	dec.KnownFields(true)
	if err := dec.Decode(&l); err != nil {
		return Layout{}, fmt.Errorf("胸卡版式 %s：%w", file, err)
	}
	if err := l.check(); err != nil {
		return Layout{}, fmt.Errorf("胸卡版式 %s：%w", file, err)
	}
	return l, nil
}

func (l *Layout) check() error {
	var errs []error
	bad := func(field, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s：%s", field, fmt.Sprintf(format, args...)))
	}
	if l.Page.W <= 0 || l.Page.H <= 0 || l.Badge.W <= 0 || l.Badge.H <= 0 {
		bad("page/badge", "纸张和胸卡的宽、高必须为正数")
		return errors.Join(errs...)
	}
	if l.Columns < 1 || l.Rows < 1 {
		bad("columns/rows", "每页至少 1 列 1 行（现为 %d 列 %d 行）", l.Columns, l.Rows)
		return errors.Join(errs...)
	}
	gw := float64(l.Columns)*l.Badge.W + float64(l.Columns-1)*l.GapX
	gh := float64(l.Rows)*l.Badge.H + float64(l.Rows-1)*l.GapY
	x0, y0 := l.origin()
	if x0 < -0.01 || y0 < -0.01 || x0+gw > l.Page.W+0.01 || y0+gh > l.Page.H+0.01 {
		bad("columns/rows", "%d × %d 张 %.0f×%.0f mm 胸卡超出 %.0f×%.0f mm 纸张", l.Columns, l.Rows, l.Badge.W, l.Badge.H, l.Page.W, l.Page.H)
	}
	card := Box{0, 0, l.Badge.W, l.Badge.H}
	inside := func(field string, b Box, required bool) {
		if b.empty() {
			if required {
				bad(field, "缺少位置和尺寸（x、y、w、h）")
			}
			return
		}
		if b.X < -0.01 || b.Y < -0.01 || b.X+b.W > card.W+0.01 || b.Y+b.H > card.H+0.01 {
			bad(field, "方框 (%.1f,%.1f %.1f×%.1f) 超出胸卡 %.0f×%.0f mm", b.X, b.Y, b.W, b.H, card.W, card.H)
		}
	}
	text := func(field string, t TextBox, required bool) {
		inside(field, t.Box, required)
		if t.empty() {
			return
		}
		if t.Size <= 0 {
			bad(field, "字号 size 必须为正数")
		}
		if t.MinSize > t.Size {
			bad(field, "最小字号 min_size %.1f 大于字号 %.1f", t.MinSize, t.Size)
		}
		if _, ok := fontRole(t.Font); !ok {
			bad(field, "字体 %q 无效（可选 title、body、heading1、heading2、table）", t.Font)
		}
		if _, ok := parseColor(t.Color); !ok {
			bad(field, "颜色 %q 无效（应为 #RRGGBB）", t.Color)
		}
		if _, ok := parseAlign(t.Align); !ok {
			bad(field, "对齐 %q 无效（可选 left、center、right）", t.Align)
		}
	}
	for _, c := range []struct {
		field string
		b     ColorBox
	}{{"band", l.Band}, {"role_band", l.RoleBand}} {
		inside(c.field, c.b.Box, false)
		if _, ok := parseColor(c.b.Color); !ok {
			bad(c.field, "颜色 %q 无效（应为 #RRGGBB）", c.b.Color)
		}
	}
	text("programme", l.Programme, true)
	text("cohort", l.Cohort, true)
	inside("photo", l.Photo, false)
	text("person_name", l.PersonName, true)
	text("unit", l.Unit, true)
	text("person_name_wide", l.PersonNameWide, false)
	text("unit_wide", l.UnitWide, false)
	inside("qr", l.QR, true)
	if !l.QR.empty() && math.Min(l.QR.W, l.QR.H) < 12 {
		bad("qr", "二维码边长 %.1f mm 太小（至少 12 mm 才能可靠扫描）", math.Min(l.QR.W, l.QR.H))
	}
	inside("qr_wide", l.QRWide, false)
	text("token", l.Token, false)
	text("token_wide", l.TokenWide, false)
	text("role", l.Role, true)
	if l.Back {
		text("back_title", l.BackTitle, true)
		text("back_text", l.BackText, true)
	}
	return errors.Join(errs...)
}

// origin is the top-left corner of the first badge on the page.
func (l *Layout) origin() (float64, float64) {
	gw := float64(l.Columns)*l.Badge.W + float64(l.Columns-1)*l.GapX
	gh := float64(l.Rows)*l.Badge.H + float64(l.Rows-1)*l.GapY
	x, y := l.Left, l.Top
	if x == 0 {
		x = (l.Page.W - gw) / 2
	}
	if y == 0 {
		y = (l.Page.H - gh) / 2
	}
	return x, y
}

// slot returns the top-left corner of badge i (0-based) on its sheet; back
// mirrors the columns, as the back of a sheet turned over its long edge.
func (l *Layout) slot(i int, back bool) (float64, float64) {
	x0, y0 := l.origin()
	col, row := i%l.Columns, i/l.Columns
	if back {
		col = l.Columns - 1 - col
		// The back of a sheet is the mirror image of its front: the
		// grid's left edge lands at the page's right margin.
		x0 = l.Page.W - x0 - (float64(l.Columns)*l.Badge.W + float64(l.Columns-1)*l.GapX)
	}
	return x0 + float64(col)*(l.Badge.W+l.GapX), y0 + float64(row)*(l.Badge.H+l.GapY)
}

func (l *Layout) perPage() int { return l.Columns * l.Rows }

func fontRole(s string) (typeset.Role, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "body":
		return typeset.Body, true
	case "title":
		return typeset.Title, true
	case "heading1", "hei", "黑体":
		return typeset.Heading1, true
	case "heading2", "kai", "楷体":
		return typeset.Heading2, true
	case "table", "song", "宋体":
		return typeset.Table, true
	}
	return 0, false
}

func parseColor(s string) (typeset.Color, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return typeset.Black, true
	}
	h, ok := strings.CutPrefix(s, "#")
	if !ok || len(h) != 6 {
		return typeset.Color{}, false
	}
	v, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return typeset.Color{}, false
	}
	return typeset.Color{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v)}, true
}

func parseAlign(s string) (typeset.Align, bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "center", "centre":
		return typeset.Center, true
	case "left":
		return typeset.Left, true
	case "right":
		return typeset.Right, true
	}
	return 0, false
}

func (t TextBox) style(field string) typeset.Style {
	role, _ := fontRole(t.Font)
	c, _ := parseColor(t.Color)
	a, _ := parseAlign(t.Align)
	return typeset.Style{Role: role, Size: t.Size, Color: c, Align: a, VAlign: typeset.Middle, Leading: 1.25 * typeset.PtToMM(t.Size), Field: field}
}

// ProgrammeLine is the programme's line on badges.
const ProgrammeLine = "领航计划 · 青年科技领军人才国情研修"

// Badges writes the badges of one cohort on sheets laid out by layout:
// the programme and cohort on a coloured band, the name large (two-
// character names spaced 张　三), the work unit, the photo if any, the
// role and a QR code with the check-in token. Long names and units shrink
// within the layout's limits and wrap; text that cannot fit even so is an
// error naming the person, never clipped. With layout.Back each sheet is
// followed by its backs with the cohort's contacts.
func Badges(w io.Writer, p *program.Programme, cohort *program.Cohort, people []Badge, layout Layout) error {
	if cohort == nil {
		return errors.New("render badges: no cohort")
	}
	return BadgeSets(w, p, []BadgeSet{{Cohort: cohort, People: people}}, layout)
}

// BadgeSet is the badges of one cohort.
type BadgeSet struct {
	Cohort *program.Cohort
	People []Badge
}

// BadgeSets writes the badges of several cohorts into one PDF, each
// cohort starting on a sheet of its own (see Badges).
func BadgeSets(w io.Writer, p *program.Programme, sets []BadgeSet, layout Layout) error {
	if len(sets) == 0 {
		return errors.New("render badges: 没有要生成胸卡的班次")
	}
	for _, s := range sets {
		if s.Cohort == nil {
			return errors.New("render badges: no cohort")
		}
		if len(s.People) == 0 {
			return fmt.Errorf("render badges for cohort %d: %s 没有学员或工作人员，未生成胸卡", s.Cohort.Number, s.Cohort.Title())
		}
	}
	n := sets[0].Cohort.Number
	if err := layout.check(); err != nil {
		return fmt.Errorf("render badges for cohort %d: 胸卡版式 %s：%w", n, layout.Name, err)
	}
	fonts := layout.Fonts
	if fonts == nil {
		var err error
		if fonts, err = typeset.Default(); err != nil {
			return fmt.Errorf("render badges for cohort %d: %w", n, err)
		}
	}
	title := fmt.Sprintf("%s 胸卡", sets[0].Cohort.Title())
	if len(sets) > 1 {
		title = fmt.Sprintf("%d年“领航计划”胸卡", p.Year)
	}
	d := typeset.New(fonts, title, typeset.Page{W: layout.Page.W, H: layout.Page.H}, typeset.Info{
		Title: title, Author: p.IssuingBody, Subject: "胸卡", Created: createdOr(layout.Created, p), Plain: layout.PlainPDF,
	})
	for _, s := range sets {
		if err := drawBadges(d, p, s.Cohort, s.People, &layout); err != nil {
			return fmt.Errorf("render badges for cohort %d: %w", s.Cohort.Number, err)
		}
	}
	if err := d.Write(w); err != nil {
		return fmt.Errorf("render badges for cohort %d: %w", n, err)
	}
	return nil
}

func drawBadges(d *typeset.Document, p *program.Programme, c *program.Cohort, people []Badge, l *Layout) error {
	n := l.perPage()
	back := backText(c)
	for start := 0; start < len(people); start += n {
		sheet := people[start:min(start+n, len(people))]
		d.AddPage()
		for i := range sheet {
			x, y := l.slot(i, false)
			if err := drawBadge(d, p, c, &sheet[i], l, x, y); err != nil {
				return fmt.Errorf("第%d张胸卡（%s）：%w", start+i+1, sheet[i].Name, err)
			}
		}
		if l.CropMarks {
			cropMarks(d, l, len(sheet), false)
		}
		if l.Back {
			d.AddPage()
			for i := range sheet {
				x, y := l.slot(i, true)
				if err := drawBack(d, c, back, l, x, y); err != nil {
					return fmt.Errorf("第%d张胸卡背面：%w", start+i+1, err)
				}
			}
			if l.CropMarks {
				cropMarks(d, l, len(sheet), true)
			}
		}
	}
	return d.Err()
}

// boxes returns the boxes of the name, unit, QR code and token on a badge
// with or without a photo and a QR code. Without a photo the *_wide boxes
// apply; without a QR code (staff) name and unit may extend to the right
// margin, which mirrors the left one (the photo's, if there is a photo).
func (l *Layout) boxes(hasPhoto, hasQR bool) (name, unit TextBox, qr Box, token TextBox) {
	name, unit, qr, token = l.PersonName, l.Unit, l.QR, l.Token
	if !hasPhoto {
		if !l.PersonNameWide.empty() {
			name = l.PersonNameWide
		}
		if !l.UnitWide.empty() {
			unit = l.UnitWide
		}
		if !l.QRWide.empty() {
			qr = l.QRWide
		}
		if !l.TokenWide.empty() {
			token = l.TokenWide
		}
	}
	if !hasQR {
		widen := func(t *TextBox) {
			margin := t.X
			if hasPhoto {
				margin = l.Photo.X
			}
			t.W = math.Max(t.W, l.Badge.W-t.X-margin)
		}
		widen(&name)
		widen(&unit)
	}
	return name, unit, qr, token
}

// cohortLine is the cohort's line on badges: 第3期 · 江苏省科协党校班.
func cohortLine(c *program.Cohort) string {
	return fmt.Sprintf("第%d期 · %s", c.Number, c.Name)
}

func drawBadge(d *typeset.Document, p *program.Programme, c *program.Cohort, b *Badge, l *Layout, x, y float64) error {
	// A light frame shows the card's edge on plain paper.
	d.Rect(typeset.Rect{X: x, Y: y, W: l.Badge.W, H: l.Badge.H}, typeset.Pen{Width: 0.1, Color: typeset.Color{R: 0xBB, G: 0xBB, B: 0xBB}})
	if !l.Band.empty() {
		col, _ := parseColor(l.Band.Color)
		d.Fill(l.Band.rect(x, y), col)
	}
	if err := fitText(d, l.Programme, x, y, ProgrammeLine, "项目名称"); err != nil {
		return err
	}
	if err := fitText(d, l.Cohort, x, y, cohortLine(c), "班次"); err != nil {
		return err
	}

	hasPhoto := len(b.Photo) > 0 && !l.Photo.empty()
	nameBox, unitBox, qrBox, tokBox := l.boxes(hasPhoto, b.Token != "")
	if hasPhoto {
		if err := drawPhoto(d, l.Photo.rect(x, y), b.Photo); err != nil {
			return err
		}
	}
	if err := drawName(d, nameBox, x, y, b.Name); err != nil {
		return err
	}
	if err := drawUnit(d, unitBox, x, y, b.Unit); err != nil {
		return err
	}
	if b.Token != "" {
		if err := drawQR(d, qrBox.rect(x, y), b.Token); err != nil {
			return err
		}
		if !tokBox.empty() {
			if err := fitText(d, tokBox, x, y, b.Token, "签到码"); err != nil {
				return err
			}
		}
	}
	if !l.RoleBand.empty() {
		col, _ := parseColor(l.RoleBand.Color)
		d.Fill(l.RoleBand.rect(x, y), col)
	}
	role := strings.TrimSpace(b.Role)
	if role == "" {
		role = DefaultRole
	}
	st := l.Role.style("角色")
	if spaced(role) {
		st.Tracking = typeset.PtToMM(l.Role.Size)
	}
	fit, err := d.Fit(l.Role.rect(x, y), role, st, l.Role.MinSize)
	if err != nil {
		return err
	}
	if fit.Overflow() {
		return fmt.Errorf("角色 %q 太长，放不下", role)
	}
	return nil
}

// fitText sets s in box t, shrinking down to t.MinSize; text that does not
// fit even then is an error.
func fitText(d *typeset.Document, t TextBox, x, y float64, s, field string) error {
	if t.empty() || strings.TrimSpace(s) == "" {
		return nil
	}
	fit, err := d.Fit(t.rect(x, y), s, t.style(field), t.MinSize)
	if err != nil {
		return err
	}
	if fit.Overflow() {
		return fmt.Errorf("“%s”%q 太长，%.0f×%.0f mm 的位置放不下（最小 %.1f 磅）", field, s, t.W, t.H, t.MinSize)
	}
	return nil
}

// spaced reports whether s is a two-character Han name or role, which
// Chinese name cards set with a full character's space between: 张　三.
// The space is letter-spacing (tracking), so the text still reads 张三
// when copied or searched.
func spaced(s string) bool {
	r := []rune(strings.TrimSpace(s))
	return len(r) == 2 && isHan(r[0]) && isHan(r[1])
}

func isHan(r rune) bool {
	return r >= 0x3400 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF || r >= 0x20000
}

// drawName sets the name on one line as large as the box allows (from
// Size down to MinSize); a name too long for one line at MinSize (long
// transliterated names) wraps to two lines.
func drawName(d *typeset.Document, t TextBox, x, y float64, name string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return errors.New("姓名为空")
	}
	s := name
	st := t.style("姓名")
	fonts := d.Fonts()
	for size := t.Size; size >= t.MinSize; size -= 0.5 {
		st.Size = size
		if spaced(name) {
			st.Tracking = typeset.PtToMM(size)
		}
		w, err := fonts.Measure(s, st)
		if err != nil {
			return err
		}
		if w <= t.W && typeset.PtToMM(size) <= t.H {
			st.Leading = 1.2 * typeset.PtToMM(size)
			fit, err := d.Fit(t.rect(x, y), s, st, size)
			if err != nil {
				return err
			}
			if !fit.Overflow() {
				return nil
			}
		}
	}
	// Two lines, e.g. 阿依古丽·买买提 on a narrow card: break at the dot.
	if i := strings.IndexAny(name, "·•・"); i > 0 && utf8.RuneCountInString(name) > 4 {
		_, n := utf8.DecodeRuneInString(name[i:])
		s = name[:i+n] + "\n" + name[i+n:]
	}
	st = t.style("姓名")
	st.Leading = 1.15 * typeset.PtToMM(t.Size)
	fit, err := d.Fit(t.rect(x, y), s, st, t.MinSize)
	if err != nil {
		return err
	}
	if fit.Overflow() {
		return fmt.Errorf("姓名 %q 太长，胸卡上 %.0f×%.0f mm 的位置放不下（最小 %.0f 磅）", name, t.W, t.H, t.MinSize)
	}
	return nil
}

// drawUnit sets the work unit and title, shrinking and wrapping within the
// box. When even MinSize overflows, the title after the last separator
// (、，, or a space) is dropped: the unit matters more on a badge.
func drawUnit(d *typeset.Document, t TextBox, x, y float64, unit string) error {
	unit = strings.Join(strings.Fields(unit), " ")
	if unit == "" {
		return nil
	}
	st := t.style("工作单位")
	try := []string{unit}
	for s := unit; ; {
		i := strings.LastIndexAny(s, "、，, ")
		if i <= 0 {
			break
		}
		s = strings.TrimSpace(s[:i])
		try = append(try, s)
	}
	for _, s := range try {
		// Measure first so that a failed try leaves nothing drawn.
		s = breakableUnit(s) // 副系主任 stays whole; no character alone on a line
		size, ok, err := fitsAt(d.Fonts(), t, st, s)
		if err != nil {
			return err
		}
		if ok {
			st.Size = size
			st.Leading = 1.25 * typeset.PtToMM(size)
			_, err := d.Fit(t.rect(x, y), s, st, size)
			return err
		}
	}
	return fmt.Errorf("工作单位 %q 太长，胸卡上 %.0f×%.0f mm 的位置放不下（最小 %.1f 磅）", unit, t.W, t.H, t.MinSize)
}

// fitsAt returns the largest size from t.Size down to t.MinSize at which
// s fits the box in as many lines as it needs.
func fitsAt(fonts *typeset.Fonts, t TextBox, st typeset.Style, s string) (float64, bool, error) {
	for size := t.Size; size >= t.MinSize-1e-9; size -= 0.5 {
		st.Size = size
		lead := 1.25 * typeset.PtToMM(size)
		lines, err := fonts.Break(s, st, t.W)
		if err != nil {
			return 0, false, err
		}
		h := float64(len(lines)-1)*lead + typeset.PtToMM(size)
		if h <= t.H+0.01 {
			return size, true, nil
		}
	}
	return 0, false, nil
}

// drawPhoto fits the photo into r keeping its proportions, centred.
func drawPhoto(d *typeset.Document, r typeset.Rect, photo []byte) error {
	cfg, err := typeset.ImageConfig(photo)
	if err != nil || cfg.Width == 0 || cfg.Height == 0 {
		return fmt.Errorf("照片无法读取（不是有效的 JPEG/PNG）")
	}
	k := math.Min(r.W/float64(cfg.Width), r.H/float64(cfg.Height))
	w, h := float64(cfg.Width)*k, float64(cfg.Height)*k
	return d.Image(typeset.Rect{X: r.X + (r.W-w)/2, Y: r.Y + (r.H-h)/2, W: w, H: h}, photo)
}

// cohortWhen is a cohort's time as printed: its dates
// (2022年6月26日—6月30日), or, when the programme marks them as
// placeholders, the time as the notice words it with 暂定
// (2022年6月底，为期5天（具体日期暂定）), never a made-up date.
func cohortWhen(c *program.Cohort) string {
	switch {
	case c.Tentative && c.Time != "":
		year := ""
		if !c.Start.IsZero() && !strings.Contains(c.Time, "年") {
			year = fmt.Sprintf("%d年", c.Start.Year())
		}
		return year + c.Time + "（具体日期暂定）"
	case c.Tentative:
		return "暂定"
	case !c.Start.IsZero() && !c.End.IsZero():
		return fmt.Sprintf("%d年%d月%d日—%d月%d日", c.Start.Year(), int(c.Start.Month()), c.Start.Day(), int(c.End.Month()), c.End.Day())
	}
	return c.Time
}

// backText is the text on a badge's back: the cohort's time, place and
// contacts.
func backText(c *program.Cohort) string {
	var b strings.Builder
	if when := cohortWhen(c); when != "" {
		fmt.Fprintf(&b, "时间：%s\n", when)
	}
	if c.Location != "" {
		fmt.Fprintf(&b, "地点：%s\n", c.Location)
	}
	if len(c.Hosts) > 0 {
		fmt.Fprintf(&b, "承办单位：%s\n", strings.Join(c.Hosts, "，"))
	}
	for _, ct := range c.Contacts {
		fmt.Fprintf(&b, "联系人：%s　%s\n", ct.Person, strings.Join(ct.Phones, "，"))
	}
	return strings.TrimSpace(b.String())
}

func drawBack(d *typeset.Document, c *program.Cohort, text string, l *Layout, x, y float64) error {
	d.Rect(typeset.Rect{X: x, Y: y, W: l.Badge.W, H: l.Badge.H}, typeset.Pen{Width: 0.1, Color: typeset.Color{R: 0xBB, G: 0xBB, B: 0xBB}})
	if err := fitText(d, l.BackTitle, x, y, c.Title(), "背面标题"); err != nil {
		return err
	}
	st := l.BackText.style("背面联系信息")
	fit, err := d.Fit(l.BackText.rect(x, y), text, st, l.BackText.MinSize)
	if err != nil {
		return err
	}
	if fit.Overflow() {
		return fmt.Errorf("背面的联系信息太长，放不下（未印出：%q）", fit.Rest)
	}
	return nil
}

// cropMarks draws 5 mm cut lines in the margin, outside the grid, in line
// with every badge edge.
func cropMarks(d *typeset.Document, l *Layout, n int, back bool) {
	const length, off = 5.0, 1.5
	pen := typeset.Pen{Width: 0.15}
	rows := (n + l.Columns - 1) / l.Columns
	x0, y0 := l.slot(0, back)
	if back {
		x0, _ = l.slot(l.Columns-1, back)
	}
	gw := float64(l.Columns)*l.Badge.W + float64(l.Columns-1)*l.GapX
	gh := float64(rows)*l.Badge.H + float64(rows-1)*l.GapY
	var xs, ys []float64
	for c := 0; c < l.Columns; c++ {
		xs = append(xs, x0+float64(c)*(l.Badge.W+l.GapX), x0+float64(c)*(l.Badge.W+l.GapX)+l.Badge.W)
	}
	for r := 0; r < rows; r++ {
		ys = append(ys, y0+float64(r)*(l.Badge.H+l.GapY), y0+float64(r)*(l.Badge.H+l.GapY)+l.Badge.H)
	}
	xs, ys = slices.Compact(xs), slices.Compact(ys)
	for _, x := range xs {
		if y0-off-length >= 0 {
			d.Line(x, y0-off-length, x, y0-off, pen)
		}
		if y0+gh+off+length <= l.Page.H {
			d.Line(x, y0+gh+off, x, y0+gh+off+length, pen)
		}
	}
	for _, y := range ys {
		if x0-off-length >= 0 {
			d.Line(x0-off-length, y, x0-off, y, pen)
		}
		if x0+gw+off+length <= l.Page.W {
			d.Line(x0+gw+off, y, x0+gw+off+length, y, pen)
		}
	}
}
