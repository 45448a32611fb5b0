package render

import (
	"errors"
	"fmt"
	"io"

	"linghang/program"
	"linghang/render/typeset"
)

// Table tent (桌签) measures, mm: an A4 sheet in landscape folded along its
// long middle into two faces of 297 × 105.
const (
	tentMargin   = 14.0
	tentNameMax  = 130.0 // points
	tentNameMin  = 48.0
	tentUnitSize = 22.0
	tentUnitMin  = 12.0
)

// Tent is one table tent: a name and the unit below it.
type Tent struct {
	Name string
	Unit string
	Role string // 主持 / 嘉宾 for guests, empty for applicants
}

// CohortTents lists the tents of a cohort: the programme's guests (主持
// first, then 嘉宾) and then the applicants in the order given, under
// their 工作单位及职务、职称 as on the badges.
func CohortTents(c *program.Cohort, as []program.Applicant) []Tent {
	var out []Tent
	for _, role := range program.GuestRoles {
		for _, g := range c.Guests {
			if g.Role == role {
				out = append(out, Tent{Name: g.Name, Unit: g.Unit, Role: g.Role})
			}
		}
	}
	for _, a := range as {
		out = append(out, Tent{Name: a.Name, Unit: a.Employer})
	}
	return out
}

// Tents typesets table tents, one A4 landscape sheet each, to be folded
// along the dashed middle line: the name large on both faces with the unit
// below it, the upper face turned 180° so that, folded, it reads from the
// other side of the table. Long names and units are set smaller, never
// clipped; a unit too long for two lines at the smallest size is an error.
func Tents(w io.Writer, p *program.Programme, cohort int, tents []Tent, opts CohortOptions) error {
	if p == nil {
		return errors.New("render tents: no programme")
	}
	c, ok := p.Cohort(cohort)
	if !ok {
		return fmt.Errorf("render table tents: %d年度没有第%d期", p.Year, cohort)
	}
	if len(tents) == 0 {
		return fmt.Errorf("render table tents: %s 没有学员和嘉宾", c.Title())
	}
	fonts, err := opts.fonts()
	if err != nil {
		return fmt.Errorf("render table tents: fonts: %w", err)
	}
	page := typeset.A4.Landscape()
	d := typeset.New(fonts, c.Title()+" 桌签", page, typeset.Info{
		Title: c.Title() + " 桌签", Author: joinHosts(c), Subject: "桌签", Created: opts.created(p),
	})
	half := page.H / 2
	for _, t := range tents {
		d.AddPage()
		d.Line(0, half, page.W, half, typeset.Pen{Width: 0.2, Color: typeset.Gray, Dash: []float64{2, 2}})
		// Lower face: reads from the front of the folded tent.
		if err := tentFace(d, t, half, page); err != nil {
			return fmt.Errorf("render table tents: %s: %w", t.Name, err)
		}
		// Upper face: the same, turned about the sheet's centre.
		if err := d.Rotated(180, page.W/2, page.H/2, func() error { return tentFace(d, t, half, page) }); err != nil {
			return fmt.Errorf("render table tents: %s: %w", t.Name, err)
		}
	}
	if err := d.Write(w); err != nil {
		return fmt.Errorf("render table tents: %w", err)
	}
	return nil
}

// tentFace draws a face in the lower half of the sheet, from top.
func tentFace(d *typeset.Document, t Tent, top float64, page typeset.Page) error {
	h := page.H - top
	w := page.W - 2*tentMargin
	nameBox := typeset.Rect{X: tentMargin, Y: top + 12, W: w, H: h * 0.55}
	name := typeset.Style{Role: typeset.Heading1, Size: tentNameMax, Align: typeset.Center, VAlign: typeset.Middle, Leading: typeset.PtToMM(tentNameMax) * 1.05, Field: "姓名"}
	// Two- and three-character names are spread a little, as on printed tents.
	if n := len([]rune(t.Name)); n <= 3 {
		name.Tracking = typeset.PtToMM(tentNameMax) * 0.15
	}
	fit, err := d.Fit(nameBox, t.Name, name, tentNameMin)
	if err != nil {
		return err
	}
	if fit.Overflow() {
		return fmt.Errorf("姓名“%s”在桌签上放不下", t.Name)
	}
	if t.Unit == "" {
		return nil
	}
	unitBox := typeset.Rect{X: tentMargin, Y: nameBox.Y + nameBox.H + 2, W: w, H: h - (nameBox.Y - top) - nameBox.H - 2 - tentMargin}
	unit := typeset.Style{Role: typeset.Body, Size: tentUnitSize, Align: typeset.Center, VAlign: typeset.Top, Leading: typeset.PtToMM(tentUnitSize) * 1.3, Field: "单位"}
	fit, err = d.Fit(unitBox, t.Unit, unit, tentUnitMin)
	if err != nil {
		return err
	}
	if fit.Overflow() {
		return fmt.Errorf("单位“%s”在桌签上放不下", t.Unit)
	}
	return nil
}

func joinHosts(c *program.Cohort) string {
	s := ""
	for i, h := range c.Hosts {
		if i > 0 {
			s += "、"
		}
		s += h
	}
	return s
}
