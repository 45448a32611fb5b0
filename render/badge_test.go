package render

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"linghang/program"
	"linghang/render/typeset"
)

var badgeKey = []byte("test key for badges, 32 bytes..")

func cohortBadges(t testing.TB, n int) (*program.Programme, *program.Cohort, []program.Applicant, []Badge) {
	t.Helper()
	p := testProgramme(t)
	c, _ := p.Cohort(3)
	sur := []rune("赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏")
	giv := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华")
	var as []program.Applicant
	for i := 0; i < n; i++ {
		name := string(sur[i%len(sur)]) + string(giv[(i*7+i/len(sur))%len(giv)])
		if i%3 == 0 {
			name += string(giv[(i*11)%len(giv)])
		}
		a := person(name, 3, i)
		as = append(as, a)
	}
	program.SortByStrokes(as)
	return p, c, as, ApplicantBadges(as, badgeKey, p.Year)
}

func TestLayouts(t *testing.T) {
	tests := []struct {
		name            string
		page, badge     Size
		perPage         int
		cropMarks, back bool
	}{
		{"a4-8", Size{210, 297}, Size{90, 54}, 8, true, true},
		{"a6", Size{105, 148}, Size{105, 148}, 1, false, true},
	}
	if got := Layouts(); len(got) != len(tests) {
		t.Errorf("Layouts() = %v, want %d layouts", got, len(tests))
	}
	for _, tt := range tests {
		l, err := LoadLayout(tt.name)
		if err != nil {
			t.Fatalf("LoadLayout(%s): %v", tt.name, err)
		}
		if l.Page != tt.page || l.Badge != tt.badge || l.perPage() != tt.perPage || l.CropMarks != tt.cropMarks || l.Back != tt.back {
			t.Errorf("%s: page %v badge %v ×%d crop %v back %v; want %v %v ×%d %v %v", tt.name,
				l.Page, l.Badge, l.perPage(), l.CropMarks, l.Back, tt.page, tt.badge, tt.perPage, tt.cropMarks, tt.back)
		}
	}
	if _, err := LoadLayout("a3"); err == nil || !strings.Contains(err.Error(), "a4-8") {
		t.Errorf("LoadLayout(a3): error %v, want one listing the layouts", err)
	}
}

func TestParseLayoutErrors(t *testing.T) {
	base, err := templatesLayout("a4-8")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, to, want string
	}{
		{"box outside the badge", "qr: {x: 69.5,", "qr: {x: 79.5,", "qr"},
		{"min above size", "size: 22, min_size: 12", "size: 22, min_size: 30", "person_name"},
		{"bad colour", `color: "#A61C1C"}`, `color: "red"}`, "band"},
		{"grid off the page", "columns: 2", "columns: 3", "columns/rows"},
		{"unknown field", "crop_marks: true", "crop_marks: true\ncropmarks: true", "cropmarks"},
	}
	for _, tt := range tests {
		src := strings.Replace(base, tt.from, tt.to, 1)
		if src == base {
			t.Fatalf("%s: %q not in a4-8.yaml", tt.name, tt.from)
		}
		_, err := ParseLayout(strings.NewReader(src), "mine.yaml")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "mine.yaml") {
			t.Errorf("%s: error %v, want one naming mine.yaml and %s", tt.name, err, tt.want)
		}
	}
}

func templatesLayout(name string) (string, error) {
	b, err := os.ReadFile(filepath.Join("..", "templates", "layouts", name+".yaml"))
	return string(b), err
}

// TestBadgesNames finds every name of the cohort exactly once on the
// fronts, on the right number of sheets.
func TestBadgesNames(t *testing.T) {
	p, c, as, badges := cohortBadges(t, 19) // 3 sheets of 8
	badges = append(badges, Badge{Name: "夏晓冬", Unit: "江苏省科协", Role: "班主任"})
	for _, name := range []string{"a4-8", "a6"} {
		t.Run(name, func(t *testing.T) {
			l, err := LoadLayout(name)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Badges(&buf, p, c, badges, l); err != nil {
				t.Fatalf("Badges: %v", err)
			}
			pages := pdfPages(t, buf.Bytes())
			sheets := (len(badges) + l.perPage() - 1) / l.perPage()
			if len(pages) != 2*sheets {
				t.Fatalf("%d pages, want %d sheets with their backs", len(pages), sheets)
			}
			var fronts, backs strings.Builder
			for i, pg := range pages {
				if i%2 == 0 {
					fronts.WriteString(pg + "\n")
				} else {
					backs.WriteString(squash(pg))
				}
			}
			text := fronts.String()
			for _, a := range as {
				if n := countName(text, a.Name); n != 1 {
					t.Errorf("%s appears %d times, want once", a.Name, n)
				}
			}
			if n := countName(text, "班主任"); n != 1 {
				t.Errorf("staff role appears %d times", n)
			}
			if n := countName(text, "学员"); n != len(as) {
				t.Errorf("学员 appears %d times, want %d", n, len(as))
			}
			if n := strings.Count(squash(text), "第3期·江苏省科协党校班"); n != len(badges) {
				t.Errorf("cohort line appears %d times, want %d", n, len(badges))
			}
			if n := strings.Count(backs.String(), "025-86670806"); n != len(badges) {
				t.Errorf("contact phone on %d backs, want %d", n, len(badges))
			}
		})
	}
}

// countName counts the words of text (pdftotext -layout) equal to name.
func countName(text, name string) int {
	n := 0
	for _, w := range strings.Fields(text) {
		if w == name {
			n++
		}
	}
	return n
}

// TestBadgeTextInside draws badges with long names and a 25-character unit
// and checks the display list: every piece of text lies inside its badge,
// and the unit inside the unit box.
func TestBadgeTextInside(t *testing.T) {
	fonts := testFonts(t)
	p, c, _, _ := cohortBadges(t, 0)
	unit25 := "中国科学院苏州纳米技术与纳米仿生研究所研究员兼主任" // 25 characters
	if n := len([]rune(unit25)); n != 25 {
		t.Fatalf("unit has %d characters", n)
	}
	photo := testPhoto(t)
	badges := []Badge{
		{Name: "张三", Unit: unit25, Token: "LHABCDEFGHIJKLMNOPA", Photo: photo},
		{Name: "欧阳明月", Unit: unit25, Token: "LHABCDEFGHIJKLMNOPA"},
		{Name: "阿依古丽·买买提江", Unit: unit25 + unit25, Token: "LHABCDEFGHIJKLMNOPA", Photo: photo},
		{Name: "王䶮", Unit: "东南大学", Role: "工作人员"},
		{Name: "喆", Unit: strings.Repeat("很长", 40)},
	}
	for _, name := range Layouts() {
		t.Run(name, func(t *testing.T) {
			l, err := LoadLayout(name)
			if err != nil {
				t.Fatal(err)
			}
			d := typeset.New(fonts, "胸卡", typeset.Page{W: l.Page.W, H: l.Page.H}, typeset.Info{})
			if err := drawBadges(d, p, c, badges, &l); err != nil {
				t.Fatalf("drawBadges: %v", err)
			}
			front := map[int]bool{}
			for pg := 1; pg <= d.PageCount(); pg += 2 {
				front[pg] = true
			}
			texts := 0
			for _, op := range d.Ops() {
				if op.Kind != typeset.OpText {
					continue
				}
				texts++
				cx, cy := op.Box.X+op.Box.W/2, op.Box.Y+op.Box.H/2
				var card typeset.Rect
				found := false
				for i := 0; i < l.perPage(); i++ {
					x, y := l.slot(i, !front[op.Page])
					r := typeset.Rect{X: x, Y: y, W: l.Badge.W, H: l.Badge.H}
					if cx >= r.X && cx <= r.X+r.W && cy >= r.Y && cy <= r.Y+r.H {
						card, found = r, true
					}
				}
				if !found || !card.Contains(op.Box) {
					t.Errorf("page %d: %s %q at %v is outside its badge %v", op.Page, op.Field, op.Text, op.Box, card)
					continue
				}
				if op.Field == "工作单位" {
					inBox := false
					for _, photo := range []bool{false, true} {
						for _, qr := range []bool{false, true} {
							_, u, _, _ := l.boxes(photo, qr)
							inBox = inBox || u.rect(card.X, card.Y).Contains(op.Box)
						}
					}
					if !inBox {
						t.Errorf("unit text %q at %v outside every unit box", op.Text, op.Box)
					}
				}
			}
			if texts == 0 {
				t.Fatal("nothing drawn")
			}
		})
	}
}

func TestBadgeUnitShortened(t *testing.T) {
	fonts := testFonts(t)
	l, _ := LoadLayout("a4-8")
	p, c, _, _ := cohortBadges(t, 0)
	long := strings.Repeat("中国科学院苏州纳米技术与纳米仿生研究所", 4) + "、" + strings.Repeat("研究员", 9)
	d := typeset.New(fonts, "胸卡", typeset.Page{W: l.Page.W, H: l.Page.H}, typeset.Info{})
	if err := drawBadges(d, p, c, []Badge{{Name: "张三", Unit: long, Photo: testPhoto(t), Token: "LHABCDEFGHIJKLMNOPA"}}, &l); err != nil {
		t.Fatalf("drawBadges: %v", err)
	}
	var unit strings.Builder
	for _, op := range d.Ops() {
		if op.Field == "工作单位" {
			unit.WriteString(op.Text)
		}
	}
	if strings.Contains(unit.String(), "研究员") || !strings.HasPrefix(unit.String(), "中国科学院") {
		t.Errorf("unit drawn as %q: want the title dropped, the unit kept", unit.String())
	}
	hopeless := strings.Repeat("很", 200)
	d = typeset.New(fonts, "胸卡", typeset.Page{W: l.Page.W, H: l.Page.H}, typeset.Info{})
	err := drawBadges(d, p, c, []Badge{{Name: "李四", Unit: hopeless, Token: "LHABCDEFGHIJKLMNOPA"}}, &l)
	if err == nil || !strings.Contains(err.Error(), "李四") || !strings.Contains(err.Error(), "工作单位") {
		t.Errorf("hopeless unit: error %v, want one naming 李四 and 工作单位", err)
	}
}

func TestLayoutBoxes(t *testing.T) {
	l, err := LoadLayout("a4-8")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		photo, qr bool
		nameX     float64
		nameW     float64
	}{
		{true, true, 26, 42},  // between photo and QR
		{false, true, 4, 64},  // from the left margin to the QR
		{true, false, 26, 60}, // staff with photo: to the right margin (4 mm)
		{false, false, 4, 82}, // staff without photo: the full width
	}
	for _, tt := range tests {
		name, unit, _, _ := l.boxes(tt.photo, tt.qr)
		if name.X != tt.nameX || name.W != tt.nameW {
			t.Errorf("photo %v qr %v: name box x %.1f w %.1f, want %.1f %.1f", tt.photo, tt.qr, name.X, name.W, tt.nameX, tt.nameW)
		}
		if unit.X+unit.W > l.Badge.W-4+0.01 {
			t.Errorf("photo %v qr %v: unit box reaches %.1f mm, past the 4 mm margin", tt.photo, tt.qr, unit.X+unit.W)
		}
	}
}

func TestSpaced(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"张三", true}, {"欧阳华", false}, {"学员", true}, {"Li", false}, {" 王五 ", true}, {"喆", false},
	}
	for _, tt := range tests {
		if got := spaced(tt.in); got != tt.want {
			t.Errorf("spaced(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func testPhoto(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 300, 400))
	for y := 0; y < 400; y++ {
		for x := 0; x < 300; x++ {
			img.Set(x, y, color.RGBA{60, 120, 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func decodeQR(t *testing.T, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("QR code not readable: %v", err)
	}
	return res.GetText()
}

func TestQRModules(t *testing.T) {
	tok := program.CheckinToken(badgeKey, 2022, 3, &program.Applicant{ID: "110105198503010021"})
	m, err := QRModules(tok)
	if err != nil {
		t.Fatal(err)
	}
	if len(m) != 21 {
		t.Errorf("token QR is %d modules, want 21 (version 1)", len(m))
	}
	const px, quiet = 8, 4
	n := (len(m) + 2*quiet) * px
	img := image.NewGray(image.Rect(0, 0, n, n))
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			mx, my := x/px-quiet, y/px-quiet
			c := color.Gray{255}
			if mx >= 0 && my >= 0 && mx < len(m) && my < len(m) && m[my][mx] {
				c = color.Gray{0}
			}
			img.SetGray(x, y, c)
		}
	}
	if got := decodeQR(t, img); got != tok {
		t.Errorf("decoded %q, want %q", got, tok)
	}
}

// TestBadgeQRDecodes renders the a6 badges to PNG with poppler and reads
// each QR code back: it must be the applicant's check-in token.
func TestBadgeQRDecodes(t *testing.T) {
	needTools(t, "pdftoppm")
	p, c, as, badges := cohortBadges(t, 2)
	badges[0].Photo = testPhoto(t)
	l, _ := LoadLayout("a6")
	l.Back = false
	var buf bytes.Buffer
	if err := Badges(&buf, p, c, badges, l); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "b.pdf")
	if err := os.WriteFile(in, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-r", "150", "-png", in, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	x, err := program.NewCheckinIndex(badgeKey, p.Year, as)
	if err != nil {
		t.Fatal(err)
	}
	for i := range badges {
		f, err := os.Open(filepath.Join(dir, fmt.Sprintf("p-%d.png", i+1)))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		got := decodeQR(t, img)
		if got != badges[i].Token {
			t.Errorf("badge %d: QR %q, want %q", i+1, got, badges[i].Token)
		}
		a, err := x.Resolve(got)
		if err != nil || a.Name != as[i].Name {
			t.Errorf("badge %d: QR resolves to %v (%v), want %s", i+1, a, err, as[i].Name)
		}
	}
}

func TestBadgesErrors(t *testing.T) {
	p, c, _, _ := cohortBadges(t, 0)
	l, _ := LoadLayout("a4-8")
	var buf bytes.Buffer
	if err := Badges(&buf, p, c, nil, l); err == nil || !strings.Contains(err.Error(), "没有学员") {
		t.Errorf("no people: error %v", err)
	}
	err := Badges(&buf, p, c, []Badge{{Name: "张𠮷", Unit: "东南大学"}}, l)
	if err == nil || !strings.Contains(err.Error(), "张𠮷") {
		t.Errorf("character outside the BMP: error %v, want one naming the person", err)
	}
	if err := Badges(&buf, p, c, []Badge{{Name: "", Unit: "东南大学"}}, l); err == nil || !strings.Contains(err.Error(), "姓名为空") {
		t.Errorf("empty name: error %v", err)
	}
}

func BenchmarkBadges(b *testing.B) {
	p, c, _, badges := cohortBadges(b, 400)
	l, _ := LoadLayout("a4-8")
	b.ReportAllocs()
	for b.Loop() {
		if err := Badges(io.Discard, p, c, badges, l); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(badges)*b.N)/b.Elapsed().Seconds(), "badges/s")
}

// Units break only between words (never 副系主/任) and never leave one
// character alone on a line, on both layouts.
func TestBadgeUnitBreaksBetweenWords(t *testing.T) {
	fonts := testFonts(t)
	p, c, _, _ := cohortBadges(t, 0)
	units := []string{
		"山西大学电气工程学院副系主任、研究员",
		"国网能源研究院有限公司总工程师、教授级高级工程师",
		"中国科学院深圳先进技术研究院生物医学与健康工程研究所副所长",
		"兰州大学土木工程学院教授",
		"西安交通大学机械工程学院副院长、教授、博士生导师",
		"中南大学信息与通信工程学院研究员",
	}
	for _, name := range Layouts() {
		l, err := LoadLayout(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, unit := range units {
			d := typeset.New(fonts, "胸卡", typeset.Page{W: l.Page.W, H: l.Page.H}, typeset.Info{})
			if err := drawBadges(d, p, c, []Badge{{Name: "张三", Unit: unit, Photo: testPhoto(t), Token: "LHABCDEFGHIJKLMNOPA"}}, &l); err != nil {
				t.Fatal(err)
			}
			var lines []string
			lastY := -1.0
			for _, op := range d.Ops() {
				if op.Field != "工作单位" || op.Page != 1 {
					continue
				}
				if math.Abs(op.Box.Y-lastY) > 0.5 {
					lines = append(lines, "")
					lastY = op.Box.Y
				}
				lines[len(lines)-1] += op.Text
			}
			if strings.Join(lines, "") != unit {
				t.Errorf("%s: unit drawn as %q", name, lines)
				continue
			}
			bounds := map[int]bool{}
			at := 0
			for _, w := range unitWords(unit) {
				at += len([]rune(w))
				bounds[at] = true
			}
			at = 0
			for i, ln := range lines {
				at += len([]rune(ln))
				if len([]rune(ln)) == 1 {
					t.Errorf("%s: %q leaves %q alone on a line", name, unit, ln)
				}
				if i < len(lines)-1 && !bounds[at] {
					t.Errorf("%s: %q breaks inside a word: %q", name, unit, lines)
				}
			}
		}
	}
}

func TestCohortWhen(t *testing.T) {
	start, end := program.NewDate(2022, 6, 26), program.NewDate(2022, 6, 30)
	tests := []struct {
		name string
		c    program.Cohort
		want string
	}{
		{"real dates", program.Cohort{Time: "6月底，为期5天", Start: start, End: end}, "2022年6月26日—6月30日"},
		{"placeholder dates", program.Cohort{Time: "6月底，为期5天", Start: start, End: end, Tentative: true}, "2022年6月底，为期5天（具体日期暂定）"},
		{"placeholder, year written", program.Cohort{Time: "2022年下半年", Start: start, End: end, Tentative: true}, "2022年下半年（具体日期暂定）"},
		{"placeholder, no wording", program.Cohort{Start: start, End: end, Tentative: true}, "暂定"},
		{"wording only", program.Cohort{Time: "9月中旬"}, "9月中旬"},
	}
	for _, tt := range tests {
		if got := cohortWhen(&tt.c); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
}

// The bundled 2022 programme's dates are placeholders: a badge's back
// says 暂定 and never prints the made-up 6月26日—6月30日.
func TestBadgeBackPlaceholderDate(t *testing.T) {
	needTools(t, "pdftotext")
	p, c, _, badges := cohortBadges(t, 2)
	if !c.Tentative {
		t.Fatal("the bundled 2022 cohort 3 should be marked tentative")
	}
	l, err := LoadLayout("a6")
	if err != nil {
		t.Fatal(err)
	}
	l.Fonts = testFonts(t)
	var buf bytes.Buffer
	if err := Badges(&buf, p, c, badges, l); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "b.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	text := squash(poppler(t, "pdftotext", path, "-"))
	if !strings.Contains(text, "时间：2022年6月底，为期5天（具体日期暂定）") || strings.Contains(text, "6月26日") {
		t.Errorf("back of the badge: %q", text)
	}
	real := *c
	real.Tentative = false
	if got := backText(&real); !strings.Contains(got, "2022年6月26日—6月30日") {
		t.Errorf("real dates print as %q", got)
	}
}
