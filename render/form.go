package render

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"linghang/program"
	"linghang/render/typeset"
)

// The 报名表 (附件2) on A4, ruled like a Chinese government form: a heavy
// outer border, fine inner rules, label cells with evenly spaced
// characters, writing space sized for handwriting. All sizes in mm.
const (
	formLeft   = 20.0  // table's left edge
	formWidth  = 170.0 // table width
	formTop    = 20.0  // top of the title, standalone form
	formBottom = 282.0 // lowest baseline area of the notes
	// formFooterY is the baseline of 第n页 共N页 on a form of several pages.
	formFooterY = 289.5

	formRowH     = 13.0 // the four rows beside the photo
	formEmployer = 15.0 // 工作单位及职务、职称
	formPad      = 1.5  // inner cell padding

	// PhotoWidth and PhotoHeight are the photo's printed size: a 2-inch
	// ID photo (二寸照, 35×49 mm), inside the box spanning the four rows.
	PhotoWidth  = 35.0
	PhotoHeight = 49.0

	formOuterPen = 0.5  // ≈ 1.5 pt
	formInnerPen = 0.18 // ≈ 0.5 pt

	formLabelSize = typeset.SizeSmall4 // 小四 12 pt
	formValueSize = typeset.SizeSmall4
	formValueMin  = 7.5 // smallest size a value shrinks to
	// formValueOneLine is the smallest size a value without spaces is
	// shrunk to on one line; below it, an e-mail address breaks before @.
	formValueOneLine = 9.0
	formBioSize      = typeset.SizeSmall4 // 个人简介 starts at 小四…
	// …and shrinks no further than 11.5 pt, so that a handwritten-size
	// 个人简介 of 600 characters continues on a 个人简介（续） page rather
	// than being squeezed into small type.
	formBioMin    = 11.5
	formBioLead   = 1.25 // tightest leading, × type size
	formNoteSize  = typeset.Size5
	formTitleSize = typeset.Size2 // 二号 22 pt

	formBox       = 3.6 // check box side
	formBoxGap    = 1.2 // box to label
	formItemGap   = 5.0 // label to next box
	formChoicePit = 8.0 // line pitch of the check-box list
)

// formCols are the column widths: 姓名 label, value, 性别 label, value,
// 民族 label, value, photo.
var formCols = [7]float64{24, 40, 22, 12, 16, 18, 38}

// formLabelChars is the width, in characters, label texts are spread to
// (姓　　名 as wide as 政治面貌).
const formLabelChars = 4

// FormPage draws the 报名表 for applicant a on a new page of d; a nil
// applicant gives the blank form. Its lists (the cohorts to choose from,
// the title, the hint and the notes) come from the programme. When the
// 个人简介 does not fit its cell even at 五号, it continues on further
// pages headed 个人简介（续）. A character no font can draw stops the page
// with a *typeset.GlyphError naming the character and the field.
func FormPage(d *typeset.Document, p *program.Programme, a *program.Applicant) error {
	return formPage(d, p, a, "")
}

// FormAttachmentPage draws the blank 报名表 on a new page of d as an
// attachment of the notice: label (e.g. "附件2") is set at the top left in
// 黑体 三号 as GB/T 9704 prescribes, and the form starts below it.
func FormAttachmentPage(d *typeset.Document, p *program.Programme, label string) error {
	return formPage(d, p, nil, label)
}

// Form writes the one-page 报名表 of applicant a (nil: the blank form) as a
// PDF, with continuation pages for a long 个人简介.
func Form(w io.Writer, fonts *typeset.Fonts, p *program.Programme, a *program.Applicant, opts ...FormOption) error {
	d, err := FormLayout(fonts, p, a, opts...)
	if err != nil {
		return err
	}
	return d.Write(w)
}

// FormLayout lays out applicant a's form (nil: the blank form) as a
// document of its own: written, it is Form's PDF; handed to CohortForms
// through FormsLaidOut, it is bound without being laid out again.
func FormLayout(fonts *typeset.Fonts, p *program.Programme, a *program.Applicant, opts ...FormOption) (*typeset.Document, error) {
	if fonts == nil {
		return nil, errors.New("报名表：未加载字体")
	}
	info := formInfo(p, a)
	info.Plain = formConfigOf(opts).plain
	d := typeset.New(fonts, formDocName(a), typeset.A4, info)
	if err := FormPage(d, p, a); err != nil {
		return nil, err
	}
	return d, nil
}

// FormOption changes how forms are written.
type FormOption func(*formConfig)

type formConfig struct {
	plain bool
	laid  func(a *program.Applicant) *typeset.Document
}

// FormsLaidOut gives CohortForms the forms already laid out by
// FormLayout (with the same fonts and programme); laid returns nil for a
// form that is not, which is then laid out.
func FormsLaidOut(laid func(a *program.Applicant) *typeset.Document) FormOption {
	return func(c *formConfig) { c.laid = laid }
}

// FormPlainPDF writes a plain PDF instead of PDF/A-2b.
func FormPlainPDF() FormOption { return func(c *formConfig) { c.plain = true } }

func formConfigOf(opts []FormOption) formConfig {
	var c formConfig
	for _, o := range opts {
		o(&c)
	}
	return c
}

func idTail(id string) string {
	if len(id) >= 4 {
		return fileSafe(id[len(id)-4:])
	}
	return "无身份证号"
}

// fileSafe removes what cannot stand in a file name on Windows, macOS or
// Linux.
func fileSafe(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f:
			return -1
		case strings.ContainsRune(`/\:*?"<>|`, r):
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.Trim(s, ". ")
	if s == "" {
		return "_"
	}
	return s
}

func formDocName(a *program.Applicant) string {
	if a == nil {
		return "报名表（空白）"
	}
	return fmt.Sprintf("报名表（%s，身份证号尾号%s）", a.Name, idTail(a.ID))
}

func formTitle(p *program.Programme) string {
	if p != nil && p.Form.Title != "" {
		return p.Form.Title
	}
	return "“领航计划”青年科技领军人才国情研修活动报名表"
}

// formInfo fixes the PDF's dates to the programme's date, so the same data
// always gives the same bytes.
func formInfo(p *program.Programme, a *program.Applicant) typeset.Info {
	info := typeset.Info{Title: formTitle(p), Subject: "报名表", Keywords: "领航计划 报名表"}
	if p != nil {
		info.Author = p.IssuingBody
		info.Created = p.Date.Time
		if p.Year > 0 {
			info.Keywords = fmt.Sprintf("领航计划 %d 报名表", p.Year)
		}
	}
	if info.Created.IsZero() {
		info.Created = time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if a != nil {
		info.Title += "（" + a.Name + "）"
		info.Subject = "报名表：" + a.Name
		info.Author = a.Name // the applicant fills the form in
	}
	return info
}

// formDraw carries one page being drawn.
type formDraw struct {
	d  *typeset.Document
	p  *program.Programme
	a  *program.Applicant
	xs [8]float64 // column edges
	// left and width place the table: the A4 form's own, or the notice's
	// text block when it is an attachment.
	left, width float64
	err         error
}

func (f *formDraw) check(err error) {
	if err != nil && f.err == nil {
		f.err = err
	}
}

func (f *formDraw) value(get func(a *program.Applicant) string) string {
	if f.a == nil {
		return ""
	}
	return get(f.a)
}

func formPage(d *typeset.Document, p *program.Programme, a *program.Applicant, label string) error {
	if p == nil {
		return errors.New("报名表：未提供年度计划")
	}
	f := &formDraw{d: d, p: p, a: a, left: formLeft, width: formWidth}
	// The labels, notes and cohort names are every form's; the values
	// (mine, below) are the applicant's own.
	d.Sharing(true)
	defer d.Sharing(false)
	y := formTop
	bottom := formBottom
	d.AddPage()
	first := d.PageCount()
	if label != "" {
		// As an attachment of the notice the form keeps to the GB/T 9704
		// text block, under the 附件 mark set in 黑体 三号 on its first
		// line.
		g := typeset.Official
		f.left, f.width = g.Left, g.Width
		st := typeset.Style{Role: typeset.Heading1, Size: g.Size, Field: "附件标识"}
		f.check(d.Text(g.Left, g.Baseline(1, d.Fonts().Font(typeset.Heading1)), label, st))
		y = g.Top + g.Pitch() + 1
		bottom = g.Top + g.Height // above the page number
	}
	// The label columns and the photo keep their widths; the value
	// columns share the rest.
	fixed := formCols[0] + formCols[2] + formCols[6]
	k := (f.width - fixed) / (formWidth - fixed)
	f.xs[0] = f.left
	for i, w := range formCols {
		if i != 0 && i != 2 && i != 6 {
			w *= k
		}
		f.xs[i+1] = f.xs[i] + w
	}
	y = f.title(y)
	y = f.recommender(y)
	if f.err != nil {
		return f.wrap(f.err)
	}
	tableTop := y
	y = f.personRows(y)
	y = f.employerRow(y)
	y = f.choiceRow(y)
	notesTop, err := f.notesHeight()
	if err != nil {
		return f.wrap(err)
	}
	notesTop = bottom - notesTop
	bioBottom := notesTop - 3
	rest, size, mid := f.bioRow(y, bioBottom)
	f.frame(tableTop, bioBottom)
	f.notes(notesTop)
	if f.err == nil {
		f.err = f.continuation(rest, size, mid)
	}
	if f.err == nil && d.PageCount() > first {
		f.pageNumbers(first, d.PageCount())
	}
	return f.wrap(f.err)
}

// pageNumbers marks each page of a form that runs over several pages
// with the applicant's name and 第n页 共N页, so that loose pages find
// their way back.
func (f *formDraw) pageNumbers(first, last int) {
	st := typeset.Style{Role: typeset.Table, Size: formNoteSize, Align: typeset.Center, Field: "报名表页码"}
	name := ""
	if f.a != nil {
		name = f.a.Name + "　报名表　"
	}
	for n := first; n <= last; n++ {
		f.d.SetPage(n)
		f.check(f.d.Text(f.left+f.width/2, formFooterY, fmt.Sprintf("%s第%d页 共%d页", name, n-first+1, last-first+1), st))
	}
	f.d.SetPage(last)
}

// wrap names the applicant in an error; a GlyphError names the document
// (and so the applicant) itself.
func (f *formDraw) wrap(err error) error {
	var ge *typeset.GlyphError
	if err == nil || errors.As(err, &ge) && (f.a == nil || strings.Contains(ge.Doc, f.a.Name)) {
		return err
	}
	return fmt.Errorf("%s：%w", formDocName(f.a), err)
}

// title sets the form's title on two centred lines as on the 2022 form
// (“领航计划”青年科技领军人才 / 国情研修活动报名表).
func (f *formDraw) title(y float64) float64 {
	lines := titleLines(formTitle(f.p))
	lead := typeset.PtToMM(formTitleSize) * 1.45
	st := typeset.Style{Role: typeset.Title, Size: formTitleSize, Align: typeset.Center, Leading: lead, Field: "标题"}
	h := float64(len(lines)) * lead
	fit, err := f.d.Paragraph(typeset.Rect{X: f.left, Y: y, W: f.width, H: h}, strings.Join(lines, "\n"), st)
	f.check(err)
	if err == nil && fit.Overflow() {
		f.check(fmt.Errorf("报名表标题过长，两行放不下：%q", formTitle(f.p)))
	}
	return y + h + 2
}

// titleLines splits a title into lines as a typesetter would: at the
// phrase boundary that balances the lines best (after 人才, before 国情研修,
// 活动, 报名表…), else in the middle, keeping quotation marks with their
// words. A short title stays on one line.
func titleLines(t string) []string {
	r := []rune(t)
	if len(r) <= 16 {
		return []string{t}
	}
	best, bestDiff := 0, len(r)
	try := func(byteAt int) {
		head := utf8.RuneCountInString(t[:byteAt])
		if head < len(r)/3 || head > len(r)*3/4 {
			return
		}
		if d := math.Abs(float64(2*head - len(r))); int(d) < bestDiff {
			best, bestDiff = head, int(d)
		}
	}
	for _, w := range []string{"人才", "计划”"} {
		for i := strings.Index(t, w); i >= 0; {
			try(i + len(w))
			j := strings.Index(t[i+len(w):], w)
			if j < 0 {
				break
			}
			i += len(w) + j
		}
	}
	for _, w := range []string{"国情研修", "交流活动", "研修活动", "活动", "报名表", "报名"} {
		if i := strings.Index(t, w); i > 0 {
			try(i)
		}
	}
	if best == 0 {
		best = len(r) / 2
		for best < len(r)-1 && strings.ContainsRune("”’）》，、。", r[best]) {
			best++
		}
		for best > 1 && strings.ContainsRune("“‘（《", r[best-1]) {
			best--
		}
	}
	return []string{string(r[:best]), string(r[best:])}
}

func (f *formDraw) recommender(y float64) float64 {
	const h = 9.0
	st := typeset.Style{Role: typeset.Table, Size: formLabelSize, VAlign: typeset.Middle, Field: program.ColRecommender}
	label := "推荐单位："
	w, err := f.d.Fonts().Measure(label, st)
	f.check(err)
	_, err = f.d.Paragraph(typeset.Rect{X: f.left, Y: y, W: w + 1, H: h}, label, st)
	f.check(err)
	if v := f.value(func(a *program.Applicant) string { return a.Recommender }); v != "" {
		vs := st
		vs.Role = typeset.Body
		f.d.Sharing(false)
		fit, err := f.d.Fit(typeset.Rect{X: f.left + w, Y: y, W: f.width - w, H: h}, v, vs, formValueMin)
		f.d.Sharing(true)
		f.check(err)
		if err == nil && fit.Overflow() {
			f.check(fmt.Errorf("报名表字段“%s”内容过长：%q", program.ColRecommender, v))
		}
	}
	return y + h
}

// label sets a label centred in r, spreading a short one over
// formLabelChars characters (姓　　名) when the cell allows it.
func (f *formDraw) label(r typeset.Rect, text string) {
	st := typeset.Style{Role: typeset.Table, Size: formLabelSize, Align: typeset.Center, VAlign: typeset.Middle, Field: "表头"}
	n := utf8.RuneCountInString(text)
	em := typeset.PtToMM(formLabelSize)
	if n >= 2 && n < formLabelChars && !strings.Contains(text, "\n") {
		target := min(float64(formLabelChars)*em, r.W-2*formPad)
		if target > float64(n)*em {
			st.Tracking = (target - float64(n)*em) / float64(n-1)
		}
	}
	fit, err := f.d.Fit(r.Inset(formPad), text, st, 9)
	f.check(err)
	if fit.Overflow() {
		f.check(fmt.Errorf("报名表表头“%s”在 %.0f mm 宽的格中放不下", text, r.W))
	}
}

// cellValue sets a value in its cell: centred on one line, wrapping and
// shrinking to formValueMin when long; what still does not fit is an
// error (it would be lost on paper).
func (f *formDraw) cellValue(r typeset.Rect, field, v string, align typeset.Align) {
	if v == "" {
		return
	}
	f.d.Sharing(false)
	defer f.d.Sharing(true)
	st := typeset.Style{Role: typeset.Body, Size: formValueSize, Align: align, VAlign: typeset.Middle,
		Leading: typeset.PtToMM(formValueSize) * 1.25, Field: field}
	box := r.Inset(formPad)
	// A value that cannot break well (an e-mail address, a phone number)
	// reads best on one line: shrink it down to formValueOneLine before
	// wrapping it. Chinese text (a long work unit) wraps at its own size
	// first and shrinks only if the lines do not fit the cell.
	if !strings.Contains(v, "\n") && !strings.ContainsFunc(v, isHan) {
		w, err := f.d.Fonts().Measure(v, st)
		if err != nil {
			f.check(err)
			return
		}
		if w > box.W {
			if s := math.Floor(2*formValueSize*box.W/w) / 2; s >= formValueOneLine {
				st.Size, st.Leading = s, typeset.PtToMM(s)*1.25
			} else if i := strings.LastIndexByte(v, '@'); i > 0 {
				v = v[:i] + "\n" + v[i:] // an address too long for one line breaks before @
			}
		}
	}
	fit, err := f.d.Fit(box, v, st, formValueMin)
	f.check(err)
	if err == nil && fit.Overflow() {
		f.check(fmt.Errorf("报名表字段“%s”内容过长（%d字），在格内缩小到%.1f磅仍放不下：%q", field, utf8.RuneCountInString(v), formValueMin, v))
	}
}

func (f *formDraw) cell(row float64, h float64, from, to int) typeset.Rect {
	return typeset.Rect{X: f.xs[from], Y: row, W: f.xs[to] - f.xs[from], H: h}
}

func (f *formDraw) inner() typeset.Pen { return typeset.Pen{Width: formInnerPen} }

// personRows draws the four rows beside the photo.
func (f *formDraw) personRows(y float64) float64 {
	type cell struct {
		from, to int
		label    string
		field    string
		get      func(a *program.Applicant) string
	}
	rows := [][]cell{
		{{0, 1, "姓名", "", nil}, {1, 2, "", program.ColName, func(a *program.Applicant) string { return a.Name }},
			{2, 3, "性别", "", nil}, {3, 4, "", program.ColGender, func(a *program.Applicant) string { return a.Gender }},
			{4, 5, "民族", "", nil}, {5, 6, "", program.ColEthnicity, func(a *program.Applicant) string { return a.Ethnicity }}},
		{{0, 1, "政治面貌", "", nil}, {1, 2, "", program.ColPolitical, func(a *program.Applicant) string { return a.Political }},
			{2, 3, "身份证号", "", nil}, {3, 6, "", program.ColID, func(a *program.Applicant) string { return a.ID }}},
		{{0, 1, "手机", "", nil}, {1, 2, "", program.ColMobile, func(a *program.Applicant) string { return a.Mobile }},
			{2, 3, "办公电话", "", nil}, {3, 6, "", program.ColOfficePhone, func(a *program.Applicant) string { return a.OfficePhone }}},
		{{0, 1, "电子邮箱", "", nil}, {1, 2, "", program.ColEmail, func(a *program.Applicant) string { return a.Email }},
			{2, 3, "研究领域", "", nil}, {3, 6, "", program.ColField, func(a *program.Applicant) string { return a.Field }}},
	}
	top := y
	for i, row := range rows {
		for _, c := range row {
			r := f.cell(y, formRowH, c.from, c.to)
			if c.label != "" {
				f.label(r, c.label)
			} else {
				f.cellValue(r, c.field, f.value(c.get), typeset.Center)
			}
			if c.from > 0 {
				f.d.Line(r.X, y, r.X, y+formRowH, f.inner())
			}
		}
		if i > 0 {
			f.d.Line(f.xs[0], y, f.xs[6], y, f.inner())
		}
		y += formRowH
	}
	// The photo box spans the four rows.
	f.d.Line(f.xs[6], top, f.xs[6], y, f.inner())
	f.photo(typeset.Rect{X: f.xs[6], Y: top, W: f.xs[7] - f.xs[6], H: y - top})
	f.d.Line(f.xs[0], y, f.xs[7], y, f.inner())
	return y
}

// photo places the applicant's photo at its printed size in the centre of
// box, or writes 照 / 片 in it when there is none.
func (f *formDraw) photo(box typeset.Rect) {
	if f.a != nil && len(f.a.PhotoJPEG) > 0 {
		img, err := FormPhoto(f.a.PhotoJPEG, PhotoWidth, PhotoHeight)
		if err != nil {
			f.check(fmt.Errorf("照片（%s）：%w", f.a.Photo, err))
			return
		}
		r := typeset.Rect{X: box.X + (box.W-PhotoWidth)/2, Y: box.Y + (box.H-PhotoHeight)/2, W: PhotoWidth, H: PhotoHeight}
		f.check(f.d.Image(r, img))
		return
	}
	st := typeset.Style{Role: typeset.Table, Size: formLabelSize, Align: typeset.Center, VAlign: typeset.Middle, Field: "照片",
		Leading: typeset.PtToMM(formLabelSize) * 3}
	_, err := f.d.Paragraph(box, "照\n片", st)
	f.check(err)
}

func (f *formDraw) employerRow(y float64) float64 {
	f.label(f.cell(y, formEmployer, 0, 1), "工作单位及\n职务、职称")
	f.d.Line(f.xs[1], y, f.xs[1], y+formEmployer, f.inner())
	f.cellValue(f.cell(y, formEmployer, 1, 7), program.ColEmployer,
		f.value(func(a *program.Applicant) string { return a.Employer }), typeset.Left)
	y += formEmployer
	f.d.Line(f.xs[0], y, f.xs[7], y, f.inner())
	return y
}

// choiceRow draws 选择班次: a check box before each cohort's label, in the
// programme's order, flowing over as many lines as needed; the
// applicant's cohort is ticked.
func (f *formDraw) choiceRow(y float64) float64 {
	st := typeset.Style{Role: typeset.Table, Size: formLabelSize, VAlign: typeset.Middle, Field: program.ColCohort}
	x0 := f.xs[1] + 3
	maxX := f.xs[7] - 2
	type item struct {
		x, w  float64
		line  int
		label string
		n     int
	}
	var items []item
	x, line := x0, 0
	for _, c := range f.p.Cohorts {
		label := c.Label
		if label == "" {
			label = c.Name
		}
		w, err := f.d.Fonts().Measure(label, st)
		if err != nil {
			f.check(err)
			return y
		}
		need := formBox + formBoxGap + w
		if x > x0 && x+need > maxX {
			x, line = x0, line+1
		}
		items = append(items, item{x, w, line, label, c.Number})
		x += need + formItemGap
	}
	lines := line + 1
	h := max(formRowH, float64(lines)*formChoicePit+4)
	f.label(f.cell(y, h, 0, 1), "选择班次")
	f.d.Line(f.xs[1], y, f.xs[1], y+h, f.inner())
	top := y + (h-float64(lines)*formChoicePit)/2
	for _, it := range items {
		mid := top + (float64(it.line)+0.5)*formChoicePit
		box := typeset.Rect{X: it.x, Y: mid - formBox/2, W: formBox, H: formBox}
		f.d.Rect(box, typeset.Pen{Width: 0.22})
		if f.a != nil && f.a.Cohort == it.n {
			drawTick(f.d, box)
		}
		lr := typeset.Rect{X: it.x + formBox + formBoxGap, Y: mid - formChoicePit/2, W: it.w + 1, H: formChoicePit}
		_, err := f.d.Paragraph(lr, it.label, st)
		f.check(err)
	}
	y += h
	f.d.Line(f.xs[0], y, f.xs[7], y, f.inner())
	return y
}

// drawTick draws the ☑ mark in box as two strokes, not a font glyph: it
// prints the same with any font and is found by its geometry.
func drawTick(d *typeset.Document, box typeset.Rect) {
	pen := typeset.Pen{Width: 0.45}
	s := box.W
	x1, y1 := box.X+0.18*s, box.Y+0.52*s
	x2, y2 := box.X+0.42*s, box.Y+0.80*s
	x3, y3 := box.X+0.92*s, box.Y+0.05*s
	d.Line(x1, y1, x2, y2, pen)
	d.Line(x2, y2, x3, y3, pen)
}

// tickBox returns the check box drawTick ticked, given two consecutive
// line operations of the display list: for checks of a rendered form.
func tickBox(a, b typeset.Op) (typeset.Rect, bool) {
	if a.Kind != typeset.OpLine || b.Kind != typeset.OpLine {
		return typeset.Rect{}, false
	}
	x2, y2 := a.Box.X+a.Box.W, a.Box.Y+a.Box.H
	if math.Abs(x2-b.Box.X) > 1e-6 || math.Abs(y2-b.Box.Y) > 1e-6 {
		return typeset.Rect{}, false
	}
	s := a.Box.W / (0.42 - 0.18)
	return typeset.Rect{X: a.Box.X - 0.18*s, Y: a.Box.Y - 0.52*s, W: s, H: s}, true
}

// bioRow draws 个人简介 from y to bottom: the hint at the top of the cell,
// then the biography, shrunk down to 五号 if need be. It returns the text
// that still did not fit.
func (f *formDraw) bioRow(y, bottom float64) (rest string, size float64, midParagraph bool) {
	h := bottom - y
	f.label(f.cell(y, h, 0, 1), "个人简介")
	f.d.Line(f.xs[1], y, f.xs[1], bottom, f.inner())
	hintSt := typeset.Style{Role: typeset.Table, Size: formLabelSize, Field: "个人简介提示"}
	hint := f.p.Form.BioHint
	r := f.cell(y, h, 1, 7).Inset(formPad + 0.5)
	if hint != "" {
		fit, err := f.d.Paragraph(typeset.Rect{X: r.X, Y: r.Y, W: r.W, H: r.H}, hint, hintSt)
		f.check(err)
		r.Y += fit.Height + 2
		r.H -= fit.Height + 2
	}
	bio := f.value(func(a *program.Applicant) string { return a.Bio })
	if bio == "" {
		return "", 0, false
	}
	st := typeset.Style{Role: typeset.Body, Size: formBioSize, Align: typeset.Justify, Indent: 2, Field: program.ColBio}
	// Two or three lines too many are absorbed by closing up the leading
	// to 1.25 and then the type down to formBioMin, before a
	// continuation page is used.
	f.d.Sharing(false)
	fit, err := f.d.Tighten(r, bio, st, formBioLead, formBioMin)
	f.d.Sharing(true)
	f.check(err)
	mid := len(fit.Lines) > 0 && !fit.Lines[len(fit.Lines)-1].End
	return fit.Rest, fit.Size, mid
}

// frame draws the outer border, heavier than the inner rules.
func (f *formDraw) frame(top, bottom float64) {
	f.d.Rect(typeset.Rect{X: f.xs[0], Y: top, W: f.xs[7] - f.xs[0], H: bottom - top}, typeset.Pen{Width: formOuterPen})
}

func (f *formDraw) noteStyle() typeset.Style {
	return typeset.Style{Role: typeset.Body, Size: formNoteSize, Align: typeset.Justify, Leading: typeset.PtToMM(formNoteSize) * 1.45, Field: "注"}
}

// notesHeight measures the 注 block.
func (f *formDraw) notesHeight() (float64, error) {
	st := f.noteStyle()
	lead := st.Leading
	lw, err := f.d.Fonts().Measure("注：", st)
	if err != nil {
		return 0, err
	}
	n := 0
	for i, note := range f.p.Form.Notes {
		lines, err := f.d.Fonts().Break(fmt.Sprintf("%d.%s", i+1, note), st, f.width-lw)
		if err != nil {
			return 0, err
		}
		n += len(lines)
	}
	return float64(n) * lead, nil
}

// notes sets 注：1.… 2.… with the numbers hanging after 注：.
func (f *formDraw) notes(y float64) {
	if len(f.p.Form.Notes) == 0 {
		return
	}
	st := f.noteStyle()
	lw, err := f.d.Fonts().Measure("注：", st)
	f.check(err)
	_, err = f.d.Paragraph(typeset.Rect{X: f.left, Y: y, W: lw + 1, H: st.Leading}, "注：", st)
	f.check(err)
	for i, note := range f.p.Form.Notes {
		fit, err := f.d.Paragraph(typeset.Rect{X: f.left + lw, Y: y, W: f.width - lw, H: formBottom + 10 - y},
			fmt.Sprintf("%d.%s", i+1, note), st)
		f.check(err)
		y += fit.Height + (st.Leading - typeset.PtToMM(formNoteSize))
	}
}

// continuation sets the rest of a long 个人简介 on pages headed
// 个人简介（续）, naming the applicant, in a ruled box, at the size the
// first page ended with. midParagraph says the rest starts inside a
// paragraph, whose first line then takes no indent.
func (f *formDraw) continuation(rest string, size float64, midParagraph bool) error {
	for page := 2; rest != ""; page++ {
		if page > 20 {
			return fmt.Errorf("个人简介过长：续页超过%d页", page-2)
		}
		f.d.AddPage()
		f.d.Sharing(true)
		head := typeset.Style{Role: typeset.Heading1, Size: typeset.Size3, Align: typeset.Center, Field: "个人简介（续）"}
		f.check(f.d.Text(f.left+f.width/2, formTop+8, "个人简介（续）", head))
		who := typeset.Style{Role: typeset.Table, Size: formLabelSize, Field: program.ColName}
		f.d.Sharing(false) // the rest of a continuation page is the applicant's
		f.check(f.d.Text(f.left, formTop+18, fmt.Sprintf("姓名：%s　　身份证号：%s", f.a.Name, f.a.ID), who))
		box := typeset.Rect{X: f.left, Y: formTop + 22, W: f.width, H: formBottom - formTop - 22}
		st := typeset.Style{Role: typeset.Body, Size: size, Align: typeset.Justify, Field: program.ColBio}
		if !midParagraph {
			st.Indent = 2
		}
		const pad = formPad + 2
		fit, err := f.d.Paragraph(box.Inset(pad), rest, st)
		f.check(err)
		// The frame closes under the last line, like the cell it continues.
		box.H = min(box.H, fit.Height+2*pad+2)
		f.d.Rect(box, typeset.Pen{Width: formOuterPen})
		midParagraph = len(fit.Lines) > 0 && !fit.Lines[len(fit.Lines)-1].End
		if f.err != nil {
			return f.err
		}
		if fit.Rest == rest { // nothing fitted: would loop for ever
			return fmt.Errorf("个人简介无法排入续页")
		}
		rest = fit.Rest
	}
	return f.err
}
