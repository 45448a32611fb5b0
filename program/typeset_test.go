package program

import (
	"strings"
	"testing"
	"unicode"
)

// bmpHan stands in for the configured fonts: CJK and ASCII of the BMP.
func bmpHan(r rune) bool {
	return r == '\n' || (r >= 0x20 && r < 0x7F) || (r <= 0xFFFF && (unicode.Is(unicode.Han, r) || unicode.IsPunct(r)))
}

func TestTypesetProblems(t *testing.T) {
	tests := []struct {
		name  string
		a     Applicant
		col   string
		wants string
	}{
		{"ext-B name", Applicant{Name: "𠮷田"}, ColName, "字符“𠮷”（U+20BB7）无法用已配置的字体排版"},
		{"emoji in bio", Applicant{Bio: "热爱科研😀"}, ColBio, "字符“😀”（U+1F600）"},
		{"RTL mark", Applicant{Employer: "清华大学\u202e"}, ColEmployer, "不可见的格式字符 U+202E"},
		{"control", Applicant{Field: "集成\x07电路"}, ColField, "控制字符 U+0007"},
		{"fine", Applicant{Name: "张三", Bio: "一行\n两行"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := TypesetProblems(&tt.a, bmpHan)
			if tt.col == "" {
				if len(got) != 0 {
					t.Fatalf("got %v, want none", got)
				}
				return
			}
			if len(got) != 1 || got[0].Column != tt.col || !strings.Contains(got[0].Reason, tt.wants) {
				t.Fatalf("got %v, want one %s error containing %q", got, tt.col, tt.wants)
			}
		})
	}
}

func TestImportWarnsUntypesettable(t *testing.T) {
	rows := [][]string{headings, goodRow(0, false), goodRow(1, false)}
	rows[2][col("姓名")] = "𠮷田"
	set, rep, err := importCSV(t, rows, ImportOptions{Covers: bmpHan})
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Applicants) != 2 || rep.Unprintable != 1 || len(rep.Warnings) != 1 {
		t.Fatalf("imported %d, unprintable %d, warnings %v", len(set.Applicants), rep.Unprintable, rep.Warnings)
	}
	w := rep.Warnings[0]
	if w.Row != 3 || w.Col != col("姓名")+1 || w.Value != "𠮷田" {
		t.Errorf("warning at row %d col %d value %q, want row 3, col %d, 𠮷田", w.Row, w.Col, w.Value, col("姓名")+1)
	}
}
