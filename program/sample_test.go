package program

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

func defaultProgramme(t testing.TB) *Programme {
	t.Helper()
	p, err := Default()
	if err != nil {
		t.Fatalf("Default: %v", err)
	}
	return p
}

func TestSampleDeterministic(t *testing.T) {
	p := defaultProgramme(t)
	a, b := Sample(p, 200, 7), Sample(p, 200, 7)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Sample(p, 200, 7) differs between two calls")
	}
	c := Sample(p, 200, 8)
	same := 0
	for i := range a {
		if a[i].ID == c[i].ID {
			same++
		}
	}
	if same > 2 {
		t.Errorf("seeds 7 and 8 share %d of 200 ID numbers; want different data", same)
	}
}

func TestSampleFields(t *testing.T) {
	p := defaultProgramme(t)
	const n = 500
	apps := Sample(p, n, 1)
	if len(apps) != n {
		t.Fatalf("len = %d, want %d", len(apps), n)
	}
	ids, emails := map[string]bool{}, map[string]bool{}
	perCohort := map[int]int{}
	var compound, rare, long, minority, female int
	provinces := map[string]bool{}
	for i := range apps {
		a := &apps[i]
		id := a.ID
		if len(id) != 18 || IDCheckDigit(id[:17]) != id[17] {
			t.Errorf("%s: ID %s has a bad check digit", a.Name, id)
		}
		if _, ok := ProvinceName(id[:2]); !ok {
			t.Errorf("%s: ID %s has no valid province code", a.Name, id)
		}
		provinces[id[:2]] = true
		if got, want := a.Gender, map[bool]string{true: "男", false: "女"}[(id[16]-'0')%2 == 1]; got != want {
			t.Errorf("%s: gender %s, ID %s says %s", a.Name, got, id, want)
		}
		c, ok := p.Cohort(a.Cohort)
		if !ok {
			t.Fatalf("%s: cohort %d not in the programme", a.Name, a.Cohort)
		}
		for _, day := range []Date{c.Start, c.End, p.Date} {
			if age := a.Age(day.Time); age < 30 || age > 45 {
				t.Errorf("%s (%s): age %d on %s, want 30–45", a.Name, id, age, day)
			}
		}
		if c.WomenOnly && a.Gender != "女" {
			t.Errorf("%s: a man in women-only cohort %d", a.Name, c.Number)
		}
		if !IsEthnicity(a.Ethnicity) || !IsPoliticalStatus(a.Political) {
			t.Errorf("%s: ethnicity %q / political %q not in the code tables", a.Name, a.Ethnicity, a.Political)
		}
		if ids[id] || emails[a.Email] {
			t.Errorf("%s: duplicate ID %s or e-mail %s", a.Name, id, a.Email)
		}
		ids[id], emails[a.Email] = true, true
		if len(a.Mobile) != 11 || a.Mobile[0] != '1' || !strings.HasPrefix(a.OfficePhone, "0") || !strings.Contains(a.Email, "@") {
			t.Errorf("%s: mobile %q, office %q, e-mail %q look wrong", a.Name, a.Mobile, a.OfficePhone, a.Email)
		}
		for _, v := range []string{a.Recommender, a.Name, a.Field, a.Employer, a.Bio} {
			if v == "" {
				t.Errorf("%s: empty field in %+v", a.Name, a)
			}
			for _, r := range v {
				if r > 0xFFFF {
					t.Errorf("%s: %q outside the BMP in %q", a.Name, r, v)
				}
			}
		}
		for _, s := range sampleCompoundSurnames {
			if strings.HasPrefix(a.Name, s) {
				compound++
			}
		}
		if strings.ContainsAny(a.Name, "堃喆䶮") {
			rare++
		}
		nb := utf8.RuneCountInString(a.Bio)
		if nb > p.Form.BioMaxRunes {
			t.Errorf("%s: bio of %d runes exceeds the form's %d", a.Name, nb, p.Form.BioMaxRunes)
		}
		if nb >= 550 {
			long++
		}
		if a.Ethnicity != "汉族" {
			minority++
		}
		if a.Gender == "女" {
			female++
		}
		perCohort[a.Cohort]++
	}
	checks := []struct {
		what     string
		got, min int
		max      int
	}{
		{"compound surnames", compound, 3, 50},
		{"rare-character names", rare, 3, 20},
		{"biographies ≥ 550 characters", long, 8, 30},
		{"minority ethnicities", minority, 15, 90},
		{"women", female, 130, 260},
		{"provinces", len(provinces), 25, 31},
		{"cohorts used", len(perCohort), len(p.Cohorts), len(p.Cohorts)},
	}
	for _, c := range checks {
		if c.got < c.min || c.got > c.max {
			t.Errorf("%s: got %d, want %d–%d", c.what, c.got, c.min, c.max)
		}
	}
}

func TestSampleCapacity(t *testing.T) {
	p := defaultProgramme(t)
	caps := map[int]int{}
	total := 0
	for i := range p.Cohorts {
		p.Cohorts[i].Capacity = 3 + i
		caps[p.Cohorts[i].Number] = 3 + i
		total += 3 + i
	}
	tests := []struct{ n, want int }{{10, 10}, {total, total}, {total + 40, total}}
	for _, tt := range tests {
		apps := Sample(p, tt.n, 3)
		if len(apps) != tt.want {
			t.Errorf("n=%d: got %d applicants, want %d", tt.n, len(apps), tt.want)
		}
		got := map[int]int{}
		for _, a := range apps {
			got[a.Cohort]++
		}
		for n, c := range got {
			if c > caps[n] {
				t.Errorf("n=%d: cohort %d has %d applicants, capacity %d", tt.n, n, c, caps[n])
			}
		}
	}
}

// TestSampleFollowsProgramme checks the cohorts come from the programme
// given, not a built-in list.
func TestSampleFollowsProgramme(t *testing.T) {
	p := &Programme{Year: 2023, Cohorts: []Cohort{
		{Number: 1, Name: "广东省科协党校班", Label: "广东班", Features: "围绕人工智能、集成电路领域",
			Start: NewDate(2023, 6, 5), End: NewDate(2023, 6, 9)},
		{Number: 2, Name: "女科学家班", Label: "女科学家班", WomenOnly: true,
			Start: NewDate(2023, 9, 4), End: NewDate(2023, 9, 8)},
	}}
	apps := Sample(p, 100, 5)
	fields := map[string]bool{}
	for _, a := range apps {
		if a.Cohort != 1 && a.Cohort != 2 {
			t.Fatalf("%s in cohort %d, not in the 2023 programme", a.Name, a.Cohort)
		}
		if a.Cohort == 2 && a.Gender != "女" {
			t.Errorf("%s: man in women-only cohort", a.Name)
		}
		if a.Cohort == 1 {
			fields[a.Field] = true
		}
		if age := a.Age(p.Cohorts[a.Cohort-1].Start.Time); age < 30 || age > 45 {
			t.Errorf("%s: age %d in 2023", a.Name, age)
		}
	}
	for _, want := range []string{"人工智能", "集成电路设计"} {
		if !fields[want] {
			t.Errorf("cohort 1 (AI, chips) fields %v lack %s", fields, want)
		}
	}
}

func TestSampleXLSX(t *testing.T) {
	p := defaultProgramme(t)
	apps := Sample(p, 40, 2)
	var b1, b2 bytes.Buffer
	if err := SampleXLSX(&b1, p, apps); err != nil {
		t.Fatal(err)
	}
	if err := SampleXLSX(&b2, p, apps); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Error("two writes of the same sample differ byte-wise")
	}
	f, err := excelize.OpenReader(bytes.NewReader(b1.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := f.GetSheetName(0)
	merges, err := f.GetMergeCells(sheet)
	if err != nil || len(merges) != 1 || merges[0].GetStartAxis() != "A1" || merges[0].GetEndAxis() != "N1" {
		t.Errorf("merges = %v (%v), want A1:N1", merges, err)
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rows), len(apps)+2; got != want {
		t.Fatalf("rows = %d, want %d", got, want)
	}
	if got := rows[0][0]; got != "“领航计划”青年科技领军人才国情研修活动报名汇总" {
		t.Errorf("title = %q", got)
	}
	if !reflect.DeepEqual(rows[1], SampleColumns) {
		t.Errorf("header = %q, want %q", rows[1], SampleColumns)
	}
	for i, a := range apps {
		r := rows[i+2]
		c, _ := p.Cohort(a.Cohort)
		want := []string{a.Name, a.ID, a.Mobile, c.Label, a.Bio}
		got := []string{r[2], r[6], r[7], r[12], r[13]}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("row %d = %q, want %q", i+3, got, want)
		}
		cell := "G" + strconv.Itoa(i+3)
		if typ, _ := f.GetCellType(sheet, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
			t.Errorf("%s (身份证号) has type %v, want a string cell", cell, typ)
		}
	}
	props, err := f.GetDocProps()
	if err != nil || props.Created != p.Date.Format("2006-01-02T15:04:05Z") {
		t.Errorf("created = %q (%v), want the programme date", props.Created, err)
	}
}

func TestPortrait(t *testing.T) {
	for seed := int64(0); seed < 12; seed++ {
		img := Portrait(seed)
		if got := img.Bounds().Size(); got != image.Pt(PortraitWidth, PortraitHeight) {
			t.Fatalf("seed %d: size %v, want 413×579", seed, got)
		}
		bg := img.At(5, 5)
		if d := colorDist(img.At(PortraitWidth-5, 5), bg); d > 0 {
			t.Errorf("seed %d: top corners differ: background not uniform", seed)
		}
		// The silhouette: the head centre and the jacket differ from the background.
		for _, pt := range []image.Point{{PortraitWidth / 2, PortraitHeight * 37 / 100}, {PortraitWidth / 5, PortraitHeight - 10}} {
			if colorDist(img.At(pt.X, pt.Y), bg) < 60 {
				t.Errorf("seed %d: pixel %v is background; want the silhouette", seed, pt)
			}
		}
		if !reflect.DeepEqual(img, Portrait(seed)) {
			t.Errorf("seed %d: two calls differ", seed)
		}
	}
}

// TestPortraitJPEGOrientation decodes the JPEG, reads the EXIF tag, turns
// the stored pixels the way a viewer does (EXIF 2.3, Orientation) and
// compares them with the upright portrait.
func TestPortraitJPEGOrientation(t *testing.T) {
	for _, o := range []int{0, 1, 2, 3, 4, 5, 6, 7, 8} {
		b, err := PortraitJPEG(42, o)
		if err != nil {
			t.Fatalf("orientation %d: %v", o, err)
		}
		stored, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("orientation %d: decode: %v", o, err)
		}
		tag := 1
		if i := bytes.Index(b[:64], []byte{0x01, 0x12, 0x00, 0x03}); i >= 0 {
			tag = int(b[i+8])<<8 | int(b[i+9])
		}
		if want := max(o, 1); tag != want {
			t.Errorf("orientation %d: EXIF tag reads %d", o, tag)
		}
		shown := viewerApply(stored, tag)
		want := Portrait(42)
		if shown.Bounds().Size() != want.Bounds().Size() {
			t.Fatalf("orientation %d: shown size %v, want %v", o, shown.Bounds().Size(), want.Bounds().Size())
		}
		var sum, n float64
		for y := 0; y < PortraitHeight; y += 7 {
			for x := 0; x < PortraitWidth; x += 7 {
				sum += colorDist(shown.At(x, y), want.At(x, y))
				n++
			}
		}
		if mean := sum / n; mean > 12 {
			t.Errorf("orientation %d: mean pixel distance %.1f after applying the tag; want upright (< 12)", o, mean)
		}
	}
	if _, err := PortraitJPEG(1, 9); err == nil {
		t.Error("orientation 9: no error")
	}
}

// viewerApply displays stored pixels per the EXIF Orientation tag: where
// the stored row 0 and column 0 go.
func viewerApply(src image.Image, o int) image.Image {
	b := src.Bounds()
	w, h := b.Dx(), b.Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var dx, dy int
			switch o {
			case 1:
				dx, dy = x, y
			case 2: // row 0 top, column 0 right
				dx, dy = w-1-x, y
			case 3: // row 0 bottom, column 0 right
				dx, dy = w-1-x, h-1-y
			case 4: // row 0 bottom, column 0 left
				dx, dy = x, h-1-y
			case 5: // row 0 left, column 0 top
				dx, dy = y, x
			case 6: // row 0 right, column 0 top
				dx, dy = h-1-y, x
			case 7: // row 0 right, column 0 bottom
				dx, dy = h-1-y, w-1-x
			case 8: // row 0 left, column 0 bottom
				dx, dy = y, w-1-x
			}
			dst.Set(dx, dy, src.At(b.Min.X+x, b.Min.Y+y))
		}
	}
	return dst
}

func colorDist(a, b color.Color) float64 {
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

// TestSampleImports feeds the sample workbook and its photos (some with an
// EXIF orientation) through the real intake: every row must be accepted,
// every photo found, and the rotated ones come out upright.
func TestSampleImports(t *testing.T) {
	p := defaultProgramme(t)
	const n = 500
	apps := Sample(p, n, 11)
	dir := t.TempDir()
	var xlsx bytes.Buffer
	if err := SampleXLSX(&xlsx, p, apps); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "报名汇总.xlsx")
	if err := os.WriteFile(path, xlsx.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	// Photos for a fifth of them (intake decodes each: keep the test fast),
	// a few stored rotated with an EXIF orientation.
	orient := map[string]int{}
	photos := 0
	for i, a := range apps {
		o := 0
		if i%25 == 3 {
			o = []int{3, 6, 8}[i/25%3]
		} else if i%5 != 0 {
			continue
		}
		photos++
		b, err := PortraitJPEG(int64(i), o)
		if err != nil {
			t.Fatal(err)
		}
		orient[a.ID] = o
		if err := os.WriteFile(filepath.Join(dir, a.ID+".jpg"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	set, rep, err := ImportFile(context.Background(), path, ImportOptions{Programme: p, PhotosDir: dir, Now: p.Date.Time})
	if err != nil {
		if ve, ok := AsValidationError(err); ok {
			for _, e := range ve.Errors[:min(10, len(ve.Errors))] {
				t.Errorf("intake: %v", e)
			}
		}
		t.Fatalf("import: %v", err)
	}
	if rep.Imported != n || rep.Rejected != 0 || len(rep.Errors) != 0 || rep.Photos != photos {
		t.Errorf("report: imported %d, rejected %d, errors %d, photos %d; want %d, 0, 0, %d", rep.Imported, rep.Rejected, len(rep.Errors), rep.Photos, n, photos)
	}
	for _, w := range rep.Warnings {
		if w.Column != ColPhoto { // the applicants left without a photo
			t.Errorf("intake warning: %v", w)
		}
	}
	byID := map[string]Applicant{}
	for _, a := range apps {
		byID[a.ID] = a
	}
	rotated := 0
	for _, got := range set.Applicants {
		want := byID[got.ID]
		if got.Name != want.Name || got.Cohort != want.Cohort || got.Bio != want.Bio || got.Employer != want.Employer {
			t.Errorf("%s: imported %q cohort %d, want %q cohort %d (or bio/employer differ)", got.ID, got.Name, got.Cohort, want.Name, want.Cohort)
		}
		if o, ok := orient[got.ID]; !ok || o == 0 {
			continue
		}
		rotated++
		img, err := jpeg.Decode(bytes.NewReader(got.PhotoJPEG))
		if err != nil {
			t.Fatalf("%s: normalised photo: %v", got.ID, err)
		}
		if s := img.Bounds().Size(); s.X > s.Y {
			t.Errorf("%s: EXIF %d photo imported as %v, want portrait", got.ID, orient[got.ID], s)
		}
		// Upright: the background at the top, the jacket at the bottom.
		top, bottom := img.At(s2(img).X/2, 3), img.At(s2(img).X/5, s2(img).Y-4)
		if colorDist(top, img.At(3, 3)) > 20 || colorDist(bottom, img.At(3, 3)) < 40 {
			t.Errorf("%s: EXIF %d photo not upright after intake", got.ID, orient[got.ID])
		}
	}
	if rotated == 0 {
		t.Error("no rotated photo exercised")
	}
}

func s2(img image.Image) image.Point { return img.Bounds().Size() }
