package program

import (
	"fmt"
	"strings"
	"unicode"
)

// TypesetProblems checks every character of every field of a against
// covers (render/typeset's Fonts.Covers for the configured fonts) and
// returns one error per field naming the characters that cannot be
// typeset, with their code points: 𠮷 in a name is found at upload, not
// when the badges are printed. Rendering that person's documents would
// fail; the others are not affected.
func TypesetProblems(a *Applicant, covers func(rune) bool) ErrorList {
	if covers == nil {
		return nil
	}
	var out ErrorList
	for _, f := range []struct{ col, v string }{
		{ColRecommender, a.Recommender}, {ColName, a.Name}, {ColGender, a.Gender}, {ColEthnicity, a.Ethnicity},
		{ColPolitical, a.Political}, {ColID, a.ID}, {ColMobile, a.Mobile}, {ColOfficePhone, a.OfficePhone},
		{ColEmail, a.Email}, {ColField, a.Field}, {ColEmployer, a.Employer}, {ColBio, a.Bio},
	} {
		var bad []string
		seen := map[rune]bool{}
		for _, r := range f.v {
			if seen[r] || covers(r) {
				continue
			}
			seen[r] = true
			if len(bad) == 5 {
				bad = append(bad, "……")
				break
			}
			bad = append(bad, describeRune(r))
		}
		if len(bad) == 0 {
			continue
		}
		value := f.v
		if f.col == ColBio {
			value = clip(value, 20)
		}
		out = append(out, &FieldError{Row: a.Row, Column: f.col, Value: value,
			Reason: fmt.Sprintf("%s无法用已配置的字体排版：该学员的文档不会生成（其他学员不受影响）；请改用常用字，或用 --fonts 提供含此字的字体", strings.Join(bad, "、"))})
	}
	return out
}

// describeRune names a character for a person: 字符“𠮷”（U+20BB7）, or the
// code point and what it is when it has no visible form.
func describeRune(r rune) string {
	switch {
	case unicode.IsControl(r):
		return fmt.Sprintf("控制字符 U+%04X", r)
	case unicode.Is(unicode.Cf, r):
		return fmt.Sprintf("不可见的格式字符 U+%04X（如从网页或PDF复制带入的方向标记）", r)
	}
	return fmt.Sprintf("字符“%c”（U+%04X）", r, r)
}
