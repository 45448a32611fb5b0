package render

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode"

	"linghang/program"
	"linghang/render/typeset"
)

func formFonts(t testing.TB) *typeset.Fonts {
	t.Helper()
	fonts, err := typeset.Load("")
	if err != nil {
		t.Fatalf("fonts: %v", err)
	}
	return fonts
}

func formProgramme(t testing.TB) *program.Programme {
	t.Helper()
	p, err := program.Default()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func formNeedPoppler(t testing.TB) {
	t.Helper()
	needTools(t, "pdftotext", "pdftoppm", "pdfinfo")
}

// formPDFText returns the text of each page: pdftotext -layout for
// goldens, else -raw (content-stream order: a cell's text stays together
// however the cells beside it are laid out).
func formPDFText(t testing.TB, pdf []byte, layout ...bool) []string {
	t.Helper()
	formNeedPoppler(t)
	path := filepath.Join(t.TempDir(), "form.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	mode := "-raw"
	if len(layout) > 0 && layout[0] {
		mode = "-layout"
	}
	out, err := exec.Command("pdftotext", mode, path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	pages := strings.Split(string(out), "\f")
	if n := len(pages); n > 0 && strings.TrimSpace(pages[n-1]) == "" {
		pages = pages[:n-1]
	}
	return pages
}

// formSqueeze drops white space: justified and spread text comes out of
// pdftotext with spaces between characters and lines broken anywhere.
func formSqueeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// formRender renders a's form (nil: blank) into a PDF and returns it with
// the document's display list.
func formRender(t testing.TB, p *program.Programme, a *program.Applicant) ([]byte, *typeset.Document) {
	t.Helper()
	d := typeset.New(formFonts(t), formDocName(a), typeset.A4, formInfo(p, a))
	if err := FormPage(d, p, a); err != nil {
		t.Fatalf("FormPage: %v", err)
	}
	var buf bytes.Buffer
	if err := d.Write(&buf); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes(), d
}

func TestBlankFormGolden(t *testing.T) {
	p := formProgramme(t)
	pdf, _ := formRender(t, p, nil)
	pages := formPDFText(t, pdf, true)
	if len(pages) != 1 {
		t.Fatalf("blank form has %d pages, want 1", len(pages))
	}
	info := formPDFInfo(t, pdf)
	if !strings.Contains(info, "595.28 x 841.89 pts (A4)") {
		t.Errorf("page size: %s", info)
	}
	got := "page size: A4\n" + formPDFFonts(t, pdf) + "\n" + pages[0]
	golden := filepath.Join("testdata", "form-blank.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./render -run Form -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("blank form differs from %s:\n--- got\n%s\n--- want\n%s", golden, got, want)
	}
	// The content of 附件2, whatever the layout.
	text := formSqueeze(formPDFText(t, pdf)[0])
	want2 := []string{"“领航计划”青年科技领军人才", "国情研修活动报名表", "推荐单位：", "姓名", "性别", "民族", "照片",
		"政治面貌", "身份证号", "手机", "办公电话", "电子邮箱", "研究领域", "工作单位及职务、职称", "选择班次",
		"个人简介", formSqueeze(p.Form.BioHint)}
	for _, c := range p.Cohorts {
		want2 = append(want2, c.Label)
	}
	for i, n := range p.Form.Notes {
		want2 = append(want2, formSqueeze(fmt.Sprintf("%d.%s", i+1, n)))
	}
	for _, w := range want2 {
		if !strings.Contains(text, w) {
			t.Errorf("blank form lacks %q", w)
		}
	}
}

func formPDFInfo(t testing.TB, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "f.pdf")
	os.WriteFile(path, pdf, 0o644)
	out, err := exec.Command("pdfinfo", path).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	return string(out)
}

// formPDFFonts lists the fonts (name without subset tag, embedded flag).
func formPDFFonts(t testing.TB, pdf []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "f.pdf")
	os.WriteFile(path, pdf, 0o644)
	out, err := exec.Command("pdffonts", path).Output()
	if err != nil {
		t.Fatalf("pdffonts: %v", err)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n")[2:] {
		f := strings.Fields(l)
		if len(f) < 7 {
			continue
		}
		lines = append(lines, fmt.Sprintf("font %s embedded=%s", f[0], f[len(f)-5]))
	}
	// In the order of the font names, not of the PDF objects (which
	// follows fpdf's internal font IDs); the ABCDEF+ tag goes first.
	base := func(l string) string { _, after, _ := strings.Cut(l, "+"); return after }
	sort.SliceStable(lines, func(i, k int) bool { return base(lines[i]) < base(lines[k]) })
	return strings.Join(lines, "\n")
}

// TestBlankFormFollowsProgramme: 2023's form lists 2023's cohorts.
func TestBlankFormFollowsProgramme(t *testing.T) {
	p := formProgramme(t)
	p.Year = 2023
	p.Cohorts = []program.Cohort{
		{Number: 1, Name: "广东省科协党校班", Label: "广东班"},
		{Number: 2, Name: "全国学会分校班（中国化学会）", Label: "中国化学会班"},
		{Number: 3, Name: "中国女科技工作者协会党校班", Label: "女科技工作者班", WomenOnly: true},
	}
	pdf, d := formRender(t, p, nil)
	text := formSqueeze(strings.Join(formPDFText(t, pdf), ""))
	for _, w := range []string{"广东班", "中国化学会班", "女科技工作者班"} {
		if !strings.Contains(text, w) {
			t.Errorf("2023 form lacks %q", w)
		}
	}
	for _, w := range []string{"河南班", "中国林学会班"} {
		if strings.Contains(text, w) {
			t.Errorf("2023 form lists 2022's %q", w)
		}
	}
	if got := len(formBoxes(d)); got != 3 {
		t.Errorf("check boxes = %d, want 3", got)
	}
}

// formBoxes returns the check boxes drawn: small squares.
func formBoxes(d *typeset.Document) []typeset.Rect {
	var out []typeset.Rect
	for _, op := range d.Ops() {
		if op.Kind == typeset.OpRect && op.Fill == nil && op.Box.W == formBox && op.Box.H == formBox {
			out = append(out, op.Box)
		}
	}
	return out
}

func formSample(t testing.TB, p *program.Programme, n int) []program.Applicant {
	t.Helper()
	apps := program.Sample(p, n, 2022)
	if len(apps) != n {
		t.Fatalf("sample: %d applicants, want %d", len(apps), n)
	}
	for i := range apps {
		b, err := program.PortraitJPEG(int64(i), 0)
		if err != nil {
			t.Fatal(err)
		}
		apps[i].PhotoJPEG = b
		apps[i].Photo = apps[i].ID + ".jpg"
	}
	return apps
}

func TestFilledFormHasEveryField(t *testing.T) {
	p := formProgramme(t)
	apps := formSample(t, p, 12)
	long := apps[3] // the sample's long biography
	long.Employer = "中国科学院深圳先进技术研究院生物医学与健康工程研究所医学影像研究中心主任、研究员"
	tests := []program.Applicant{apps[0], apps[1], long}
	for _, a := range tests {
		t.Run(a.Name, func(t *testing.T) {
			pdf, _ := formRender(t, p, &a)
			pages := formPDFText(t, pdf)
			text := formSqueeze(strings.Join(pages, ""))
			fields := map[string]string{"推荐单位": a.Recommender, "姓名": a.Name, "性别": a.Gender, "民族": a.Ethnicity,
				"政治面貌": a.Political, "身份证号": a.ID, "手机": a.Mobile, "办公电话": a.OfficePhone, "电子邮箱": a.Email,
				"研究领域": a.Field, "工作单位及职务、职称": a.Employer}
			for name, v := range fields {
				if !strings.Contains(text, formSqueeze(v)) {
					t.Errorf("%s %q not found in the extracted text", name, v)
				}
			}
			// 个人简介 may continue on a further page: each page holds the
			// next piece, whole and in order.
			rest := []rune(formSqueeze(a.Bio))
			for _, pg := range pages {
				pg = formSqueeze(pg)
				n := len(rest)
				for n > 0 && !strings.Contains(pg, string(rest[:n])) {
					n--
				}
				rest = rest[n:]
			}
			if len(rest) > 0 {
				t.Errorf("个人简介: %q not found in the extracted text of %d page(s)", string(rest), len(pages))
			}
		})
	}
}

// TestFormTicksChosenCohort finds the tick by its geometry (two strokes
// meeting in a box) and by its pixels.
func TestFormTicksChosenCohort(t *testing.T) {
	p := formProgramme(t)
	a := formSample(t, p, 1)[0]
	for _, n := range []int{1, 5, 6, 10} {
		a.Cohort = n
		a.Gender = "女" // cohort 10 is for women; the form draws what it is given
		pdf, d := formRender(t, p, &a)
		boxes := formBoxes(d)
		if len(boxes) != len(p.Cohorts) {
			t.Fatalf("cohort %d: %d boxes, want %d", n, len(boxes), len(p.Cohorts))
		}
		var ticked []int
		ops := d.Ops()
		for i := 0; i+1 < len(ops); i++ {
			r, ok := tickBox(ops[i], ops[i+1])
			if !ok {
				continue
			}
			for k, b := range boxes {
				if math.Abs(r.X-b.X) < 0.01 && math.Abs(r.Y-b.Y) < 0.01 {
					ticked = append(ticked, k)
				}
			}
		}
		if len(ticked) != 1 || p.Cohorts[ticked[0]].Number != n {
			t.Errorf("cohort %d: ticked boxes %v, want only box of cohort %d", n, ticked, n)
			continue
		}
		// The label drawn right of the ticked box is the cohort's.
		b := boxes[ticked[0]]
		label := ""
		for _, op := range ops {
			if op.Kind == typeset.OpText && op.Box.X > b.X+b.W && op.Box.X < b.X+b.W+3 && math.Abs(op.Box.Y+op.Box.H/2-(b.Y+b.H/2)) < 2 {
				label = op.Text
			}
		}
		if c, _ := p.Cohort(n); label != c.Label {
			t.Errorf("cohort %d: label beside the tick %q, want %q", n, label, c.Label)
		}
		// Pixels: ink in the middle of the ticked box only.
		img := formRaster(t, pdf, 1, 100)
		for k, box := range boxes {
			ink := formInk(img, box.Inset(0.6), 100)
			if want := k == ticked[0]; (ink > 0.04) != want {
				t.Errorf("cohort %d: box %d ink %.3f, ticked=%v", n, k, ink, want)
			}
		}
	}
}

// formRaster renders page n of pdf at dpi with pdftoppm.
func formRaster(t testing.TB, pdf []byte, page, dpi int) image.Image {
	t.Helper()
	formNeedPoppler(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "f.pdf")
	os.WriteFile(path, pdf, 0o644)
	out := filepath.Join(dir, "p")
	if err := exec.Command("pdftoppm", "-r", fmt.Sprint(dpi), "-f", fmt.Sprint(page), "-l", fmt.Sprint(page), "-png", "-singlefile", path, out).Run(); err != nil {
		t.Fatalf("pdftoppm: %v", err)
	}
	f, err := os.Open(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// formInk is the share of dark pixels in r (mm) of a page rendered at dpi.
func formInk(img image.Image, r typeset.Rect, dpi int) float64 {
	k := float64(dpi) / 25.4
	x0, y0, x1, y1 := int(r.X*k), int(r.Y*k), int((r.X+r.W)*k), int((r.Y+r.H)*k)
	dark, all := 0, 0
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			g := color.GrayModel.Convert(img.At(x, y)).(color.Gray)
			if g.Y < 128 {
				dark++
			}
			all++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(dark) / float64(all)
}

func TestFormLongBiography(t *testing.T) {
	p := formProgramme(t)
	a := formSample(t, p, 1)[0]
	sentence := "主持国家重点研发计划课题，在高性能计算与人工智能交叉领域取得系列成果，获省部级科技奖励多项。" // 46 characters
	para := func(total, per int) string {
		var b strings.Builder
		n := 0
		for n < total {
			for _, r := range sentence {
				if n == total {
					break
				}
				if n > 0 && n%per == 0 {
					b.WriteByte('\n')
				}
				b.WriteRune(r)
				n++
			}
		}
		return b.String()
	}
	tests := []struct {
		name  string
		bio   string
		pages int
		tight bool // set closer than 小四 at 1.5 leading
	}{
		{"200 characters", para(200, 1000), 1, false},
		{"400 characters, one paragraph: fits", para(400, 1000), 1, false},
		// Two lines over the cell at 小四, 1.5 leading: closing up the
		// leading absorbs them, no continuation page.
		{"560 characters, two lines too long: tightened", para(560, 1000), 1, true},
		{"600 characters in ten paragraphs", para(600, 60), 2, false},
		{"1000 characters", para(1000, 1000), 2, false},
		{"1000 characters in 25 paragraphs", para(1000, 40), 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a.Bio = tt.bio
			pdf, d := formRender(t, p, &a)
			if got := d.PageCount(); got != tt.pages {
				t.Errorf("pages = %d, want %d", got, tt.pages)
			}
			pages := formPDFText(t, pdf)
			if len(pages) != tt.pages {
				t.Fatalf("pdftotext pages = %d, want %d", len(pages), tt.pages)
			}
			// Every character, in order, across the pages: in the display
			// list and in the text extracted from each page.
			var drawn [3]strings.Builder
			for _, op := range d.Ops() {
				if op.Kind == typeset.OpText && op.Field == program.ColBio && op.Page <= 2 {
					drawn[op.Page].WriteString(op.Text)
				}
			}
			if got, want := formSqueeze(drawn[1].String()+drawn[2].String()), formSqueeze(tt.bio); got != want {
				t.Errorf("drawn biography differs: got %d characters, want %d", len([]rune(got)), len([]rune(want)))
			}
			for i, pg := range pages {
				if part := formSqueeze(drawn[i+1].String()); !strings.Contains(formSqueeze(pg), part) {
					t.Errorf("page %d: extracted text lacks the %d characters of biography drawn there", i+1, len([]rune(part)))
				}
			}
			if tt.pages > 1 {
				if !strings.Contains(formSqueeze(pages[1]), "个人简介（续）") || !strings.Contains(formSqueeze(pages[1]), a.ID) {
					t.Errorf("page 2 lacks the 个人简介（续） heading or the applicant: %q", pages[1][:min(200, len(pages[1]))])
				}
				// Each page numbered, with the applicant's name.
				for i, pg := range pages {
					want := formSqueeze(fmt.Sprintf("%s　报名表　第%d页 共%d页", a.Name, i+1, len(pages)))
					if !strings.Contains(formSqueeze(pg), want) {
						t.Errorf("page %d lacks %q", i+1, want)
					}
				}
			} else if strings.Contains(pages[0], "共1页") {
				t.Errorf("a one-page form carries a page number")
			}
			// The leading: 1.5 × 小四 unless tightened; a continued
			// biography keeps the comfortable setting.
			var ys []float64
			for _, op := range d.Ops() {
				if op.Kind == typeset.OpText && op.Field == program.ColBio && op.Page == 1 && (len(ys) == 0 || op.Box.Y > ys[len(ys)-1]+0.5) {
					ys = append(ys, op.Box.Y)
				}
			}
			if len(ys) > 2 {
				pitch := (ys[len(ys)-1] - ys[0]) / float64(len(ys)-1)
				comfortable := 1.5 * typeset.PtToMM(formBioSize)
				if tight := pitch < comfortable-0.05; tight != tt.tight {
					t.Errorf("line pitch %.2f mm (comfortable %.2f): tightened %v, want %v", pitch, comfortable, tight, tt.tight)
				}
			}
			// Sizes never below the floor.
			for _, op := range d.Ops() {
				if op.Kind == typeset.OpText && op.Field == program.ColBio && op.Size < formBioMin {
					t.Fatalf("biography set at %.1f pt, below the %.1f pt floor", op.Size, formBioMin)
				}
			}
		})
	}
}

// TestFormPhotoUpright: a photo stored rotated with an EXIF orientation
// prints upright, cropped to the box and not stretched.
func TestFormPhotoUpright(t *testing.T) {
	p := formProgramme(t)
	a := formSample(t, p, 1)[0]
	want := program.Portrait(77)
	for _, o := range []int{1, 3, 6, 8} {
		b, err := program.PortraitJPEG(77, o)
		if err != nil {
			t.Fatal(err)
		}
		a.PhotoJPEG = b
		pdf, d := formRender(t, p, &a)
		var box typeset.Rect
		for _, op := range d.Ops() {
			if op.Kind == typeset.OpImage {
				box = op.Box
			}
		}
		if box.W != PhotoWidth || box.H != PhotoHeight {
			t.Fatalf("orientation %d: photo drawn %v, want %v×%v mm", o, box, PhotoWidth, PhotoHeight)
		}
		const dpi = 150
		img := formRaster(t, pdf, 1, dpi)
		k := float64(dpi) / 25.4
		var sum, n float64
		wb := want.Bounds()
		for fy := 0.05; fy < 0.95; fy += 0.05 {
			for fx := 0.05; fx < 0.95; fx += 0.05 {
				got := img.At(int((box.X+fx*box.W)*k), int((box.Y+fy*box.H)*k))
				ref := want.At(int(fx*float64(wb.Dx())), int(fy*float64(wb.Dy())))
				sum += formColorDist(got, ref)
				n++
			}
		}
		if mean := sum / n; mean > 25 {
			t.Errorf("orientation %d: printed photo differs from the upright portrait (mean distance %.1f)", o, mean)
		}
	}
}

func formColorDist(a, b color.Color) float64 {
	r1, g1, b1, _ := a.RGBA()
	r2, g2, b2, _ := b.RGBA()
	d := func(x, y uint32) float64 {
		if x > y {
			return float64(x-y) / 257
		}
		return float64(y-x) / 257
	}
	return (d(r1, r2) + d(g1, g2) + d(b1, b2)) / 3
}

func TestFormPhotoCropAndScale(t *testing.T) {
	square := image.NewRGBA(image.Rect(0, 0, 1200, 1200))
	for y := 0; y < 1200; y++ {
		for x := 0; x < 1200; x++ {
			square.Set(x, y, color.RGBA{uint8(x / 5), uint8(y / 5), 90, 255})
		}
	}
	var sq bytes.Buffer
	png.Encode(&sq, square)
	upright, _ := program.PortraitJPEG(3, 0)
	tests := []struct {
		name       string
		in         []byte
		same       bool // passed through untouched
		maxW, maxH int
	}{
		{"2-inch photo at 300 dpi", upright, true, 413, 579},
		{"large square PNG", sq.Bytes(), false, 413, 579},
	}
	for _, tt := range tests {
		out, err := FormPhoto(tt.in, PhotoWidth, PhotoHeight)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := bytes.Equal(out, tt.in); got != tt.same {
			t.Errorf("%s: passed through = %v, want %v", tt.name, got, tt.same)
		}
		cfg, format, err := image.DecodeConfig(bytes.NewReader(out))
		if err != nil || format != "jpeg" {
			t.Fatalf("%s: output %s, %v; want JPEG", tt.name, format, err)
		}
		if cfg.Width > tt.maxW || cfg.Height > tt.maxH {
			t.Errorf("%s: %d×%d px, more than 300 dpi at 35×49 mm (%d×%d)", tt.name, cfg.Width, cfg.Height, tt.maxW, tt.maxH)
		}
		if a := float64(cfg.Width) / float64(cfg.Height); math.Abs(a/(PhotoWidth/PhotoHeight)-1) > 0.01 {
			t.Errorf("%s: aspect %.3f, want %.3f", tt.name, a, PhotoWidth/PhotoHeight)
		}
	}
}

func TestFormPhotoErrors(t *testing.T) {
	good, _ := program.PortraitJPEG(5, 0)
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, "为空"},
		{"not an image", []byte("GIF89a……"), "不是 JPEG 或 PNG"},
		{"truncated JPEG", good[:len(good)/3], "已损坏"},
		{"garbage after the header", append(append([]byte{}, good[:200]...), bytes.Repeat([]byte{0x55}, 3000)...), "已损坏"},
	}
	for _, tt := range tests {
		_, err := FormPhoto(tt.in, PhotoWidth, PhotoHeight)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want one saying %q", tt.name, err, tt.want)
		}
	}
}

// TestFormsBatchIsolatesFailures: a corrupt photo and a character outside
// every font fail their own applicant with a clear message; the others'
// forms are made.
func TestFormsBatchIsolatesFailures(t *testing.T) {
	p := formProgramme(t)
	apps := formSample(t, p, 4)
	apps[1].PhotoJPEG = apps[1].PhotoJPEG[:600]
	apps[1].Photo = "broken.jpg"
	apps[2].Name = "𠮷祥"
	apps[3].Name = "刘䶮"
	fonts := formFonts(t)
	errs := make([]error, len(apps))
	for i := range apps {
		var buf bytes.Buffer
		errs[i] = Form(&buf, fonts, p, &apps[i])
		if errs[i] == nil && !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
			t.Errorf("%s: no PDF", apps[i].Name)
		}
	}
	if errs[0] != nil || errs[3] != nil {
		t.Errorf("good applicants failed: %v; %v", errs[0], errs[3])
	}
	if e := errs[1]; e == nil || !strings.Contains(e.Error(), "照片") || !strings.Contains(e.Error(), apps[1].Name) || !strings.Contains(e.Error(), "broken.jpg") {
		t.Errorf("corrupt photo: err = %v; want it to name the photo, the applicant and the reason", e)
	}
	var ge *typeset.GlyphError
	if !errors.As(errs[2], &ge) || ge.Rune != 0x20BB7 || ge.Field != program.ColName || !strings.Contains(errs[2].Error(), "祥") {
		t.Errorf("𠮷: err = %v; want a GlyphError for U+20BB7 in 姓名 naming the applicant", errs[2])
	}
	// 䶮 (Extension A) is drawn.
	pdf, _ := formRender(t, p, &apps[3])
	if !strings.Contains(formSqueeze(strings.Join(formPDFText(t, pdf), "")), "刘䶮") {
		t.Error("刘䶮 not in the extracted text")
	}
}

func TestCohortFormsBound(t *testing.T) {
	p := formProgramme(t)
	apps := formSample(t, p, 40)
	var in []program.Applicant
	for _, a := range apps {
		if a.Cohort == apps[0].Cohort {
			in = append(in, a)
		}
	}
	var buf bytes.Buffer
	if err := CohortForms(&buf, formFonts(t), p, apps[0].Cohort, in); err != nil {
		t.Fatal(err)
	}
	pages := formPDFText(t, buf.Bytes())
	if len(pages) < len(in) {
		t.Fatalf("bound PDF has %d pages for %d applicants", len(pages), len(in))
	}
	// Roster order: each applicant's ID appears on a later page than the previous one's.
	last := -1
	for _, a := range in {
		at := -1
		for i, pg := range pages {
			if strings.Contains(formSqueeze(pg), a.ID) {
				at = i
				break
			}
		}
		if at <= last {
			t.Errorf("%s on page %d, after page %d expected", a.Name, at+1, last+1)
		}
		last = at
	}
}

func TestTitleLines(t *testing.T) {
	tests := []struct{ in, want string }{
		{"“领航计划”青年科技领军人才国情研修活动报名表", "“领航计划”青年科技领军人才|国情研修活动报名表"},
		{"研修活动报名表", "研修活动报名表"},
		{"“领航计划”青年科技人才交流活动报名登记表格", "“领航计划”青年科技人才|交流活动报名登记表格"},
	}
	for _, tt := range tests {
		if got := strings.Join(titleLines(tt.in), "|"); got != tt.want {
			t.Errorf("titleLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// BenchmarkFilledForms renders 1,000 filled forms from sample data (with
// photos) on all cores and reports forms/s and the peak resident memory.
func BenchmarkFilledForms(b *testing.B) {
	p := formProgramme(b)
	apps := formSample(b, p, 1000)
	fonts := formFonts(b)
	var bytesOut int64
	cpu0 := formCPUTime()
	b.ResetTimer()
	for it := 0; it < b.N; it++ {
		jobs := make(chan int)
		var wg sync.WaitGroup
		var mu sync.Mutex
		for w := 0; w < runtime.GOMAXPROCS(0); w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var buf bytes.Buffer
				for i := range jobs {
					buf.Reset()
					if err := Form(&buf, fonts, p, &apps[i]); err != nil {
						b.Error(err)
					}
					mu.Lock()
					bytesOut += int64(buf.Len())
					mu.Unlock()
				}
			}()
		}
		for i := range apps {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
	}
	b.StopTimer()
	forms := float64(len(apps) * b.N)
	b.ReportMetric(forms/b.Elapsed().Seconds(), "forms/s")
	// CPU time per form does not depend on what else the machine runs:
	// 2 cores / (CPU time per form) is the rate on an idle 2-core machine.
	cpu := (formCPUTime() - cpu0).Seconds()
	b.ReportMetric(cpu/forms*1000, "ms-CPU/form")
	b.ReportMetric(float64(runtime.GOMAXPROCS(0))*forms/cpu, "forms/s-idle")
	b.ReportMetric(float64(bytesOut)/float64(len(apps)*b.N)/1024, "KB/form")
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss)/1024, "MB-peak-RSS")
	}
}

// formCPUTime is the user and system CPU time of the process so far.
func formCPUTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestFormDeterministic: the same applicant gives the same bytes (the
// archive stores a re-render as no new version).
func TestFormDeterministic(t *testing.T) {
	p := formProgramme(t)
	a := formSample(t, p, 1)[0]
	fonts := formFonts(t)
	var b1, b2 bytes.Buffer
	if err := Form(&b1, fonts, p, &a); err != nil {
		t.Fatal(err)
	}
	if err := Form(&b2, fonts, p, &a); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Error("two renders of the same form differ")
	}
	if !strings.Contains(formPDFInfo(t, b1.Bytes()), "2022") {
		t.Error("creation date is not the programme's")
	}
}

// TestFormPhotoForgedSize: a header claiming 60000×60000 pixels is refused
// before any pixel is decoded.
func TestFormPhotoForgedSize(t *testing.T) {
	good, _ := program.PortraitJPEG(5, 0)
	forged := append([]byte{}, good...)
	// Patch the SOF0 frame size (FFC0 len(2) precision(1) height(2) width(2)).
	i := bytes.Index(forged, []byte{0xFF, 0xC0})
	if i < 0 {
		t.Fatal("no SOF0 in the sample JPEG")
	}
	forged[i+5], forged[i+6], forged[i+7], forged[i+8] = 0xEA, 0x60, 0xEA, 0x60
	_, err := FormPhoto(forged, PhotoWidth, PhotoHeight)
	if err == nil || !strings.Contains(err.Error(), "尺寸异常") {
		t.Errorf("err = %v, want 照片尺寸异常", err)
	}
}

// BenchmarkBoundCopy measures one cohort's bound copy of 50 forms, next
// to BenchmarkFormLayout (the layout of one form, no PDF) and the single
// forms: how much of a bound copy is layout done again.
func BenchmarkBoundCopy(b *testing.B) {
	p := formProgramme(b)
	apps := formSample(b, p, 50)
	fonts := formFonts(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := CohortForms(io.Discard, fonts, p, 3, apps); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N)/50, "ms/form")
}

func BenchmarkFormLayout(b *testing.B) {
	p := formProgramme(b)
	apps := formSample(b, p, 50)
	fonts := formFonts(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := typeset.New(fonts, "x", typeset.A4, typeset.Info{})
		if err := FormPage(d, p, &apps[i%50]); err != nil {
			b.Fatal(err)
		}
	}
}
