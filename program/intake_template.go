package program

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// The 报名汇总表 template (render.IntakeTemplate) carries a very hidden
// sheet IntakeMarkerSheet: A1 IntakeMarker, B1 the template's version,
// A2 the programme year, A3 the cohort (0: all).
const (
	IntakeMarkerSheet = "linghang"
	IntakeMarker      = "linghang-intake-template"
	IntakeVersion     = 1
)

// IntakeTemplateInfo is what the marker of a filled-in template says.
type IntakeTemplateInfo struct {
	Version, Year, Cohort int
}

func (t IntakeTemplateInfo) String() string {
	s := fmt.Sprintf("%d年报名汇总表模板（第%d版", t.Year, t.Version)
	if t.Cohort > 0 {
		s += fmt.Sprintf("，第%d期", t.Cohort)
	}
	return s + "）"
}

// intakeTemplateInfo reads the marker, if the workbook has one.
func intakeTemplateInfo(f *excelize.File) *IntakeTemplateInfo {
	if idx, err := f.GetSheetIndex(IntakeMarkerSheet); err != nil || idx < 0 {
		return nil
	}
	cell := func(c string) string {
		v, _ := f.GetCellValue(IntakeMarkerSheet, c)
		return strings.TrimSpace(v)
	}
	if cell("A1") != IntakeMarker {
		return nil
	}
	var info IntakeTemplateInfo
	info.Version, _ = strconv.Atoi(cell("B1"))
	info.Year, _ = strconv.Atoi(cell("A2"))
	info.Cohort, _ = strconv.Atoi(cell("A3"))
	return &info
}
