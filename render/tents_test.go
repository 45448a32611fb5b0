package render

import (
	"bytes"
	"strings"
	"testing"
)

func TestTents(t *testing.T) {
	p := formProgramme(t)
	as := sampleCohort(t, p, 5, 2)
	as[1].Employer = "中国科学院深圳先进技术研究院合成生物学研究所合成生物学重点实验室副主任、研究员、博士生导师"
	tents := CohortTents(&p.Cohorts[4], as)
	if len(tents) != 3 || tents[0].Role != "主持" {
		t.Fatalf("tents = %+v, want the host first, then 2 applicants", tents)
	}
	var buf bytes.Buffer
	if err := Tents(&buf, p, 5, tents, CohortOptions{Fonts: formFonts(t)}); err != nil {
		t.Fatal(err)
	}
	writeOut(t, "tents-5.pdf", buf.Bytes())
	pages := formPDFText(t, buf.Bytes())
	if len(pages) != 3 {
		t.Fatalf("%d pages, want 3", len(pages))
	}
	for i, tt := range tents {
		got := formSqueeze(pages[i])
		if n := strings.Count(got, formSqueeze(tt.Name)); n != 2 {
			t.Errorf("page %d: name %s printed %d times, want 2 (both faces)", i+1, tt.Name, n)
		}
		if n := strings.Count(got, formSqueeze(tt.Unit)); n != 2 {
			t.Errorf("page %d: unit %s printed %d times, want 2", i+1, tt.Unit, n)
		}
	}
	if info := formPDFInfo(t, buf.Bytes()); !strings.Contains(info, "841.89 x 595.28") {
		t.Errorf("page size: %s", info)
	}
}

// TestTentUpperFaceIsTurned rasterises a tent and compares the upper half
// turned by 180° with the lower half: they match when the upper face is
// turned, and do not when it is merely mirrored or left upright.
func TestTentUpperFaceIsTurned(t *testing.T) {
	needTools(t, "pdftoppm")
	p := formProgramme(t)
	var buf bytes.Buffer
	if err := Tents(&buf, p, 1, []Tent{{Name: "欧阳林军", Unit: "西南大学环境科学与工程学院教授"}}, CohortOptions{Fonts: formFonts(t)}); err != nil {
		t.Fatal(err)
	}
	img := formRaster(t, buf.Bytes(), 1, 40)
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	gray := func(x, y int) int {
		r, g, bl, _ := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
		return int((r + g + bl) / 3 >> 8)
	}
	// Compared in blocks of 6 × 6 pixels, grey levels 0–255.
	const blk = 6
	diff := func(upper func(x, y int) (int, int)) float64 {
		sum, n := 0, 0
		for y := h/2 + 2; y+blk <= h; y += blk {
			for x := 0; x+blk <= w; x += blk {
				a, u := 0, 0
				for dy := 0; dy < blk; dy++ {
					for dx := 0; dx < blk; dx++ {
						a += gray(x+dx, y+dy)
						ux, uy := upper(x+dx, y+dy)
						u += gray(ux, uy)
					}
				}
				d := (a - u) / (blk * blk)
				if d < 0 {
					d = -d
				}
				sum += d
				n++
			}
		}
		return float64(sum) / float64(n)
	}
	// The page's centre falls between pixels: allow the faces to sit up
	// to a pixel apart.
	best := func(upper func(x, y int) (int, int)) float64 {
		m := -1.0
		for dx := -1; dx <= 1; dx++ {
			for dy := -1; dy <= 1; dy++ {
				d := diff(func(x, y int) (int, int) {
					ux, uy := upper(x, y)
					return min(max(ux+dx, 0), w-1), min(max(uy+dy, 0), h-1)
				})
				if m < 0 || d < m {
					m = d
				}
			}
		}
		return m
	}
	turned := best(func(x, y int) (int, int) { return w - 1 - x, h - 1 - y })
	mirrored := best(func(x, y int) (int, int) { return x, h - 1 - y })
	upright := best(func(x, y int) (int, int) { return x, y - h/2 })
	ink := 0
	for y := h / 2; y < h; y++ {
		for x := 0; x < w; x++ {
			if gray(x, y) < 128 {
				ink++
			}
		}
	}
	if ink < 500 {
		t.Fatalf("lower face has %d dark pixels: nothing drawn?", ink)
	}
	t.Logf("turned %.2f, mirrored %.2f, upright %.2f", turned, mirrored, upright)
	if turned > 2.5 || mirrored < 3*turned+4 || upright < 3*turned+4 {
		t.Errorf("mean difference from lower face: turned %.2f, mirrored %.2f, upright %.2f; want turned ≈ 0 and the others far larger", turned, mirrored, upright)
	}
}

func TestTentTooLong(t *testing.T) {
	p := formProgramme(t)
	err := Tents(&bytes.Buffer{}, p, 1, []Tent{{Name: "张三", Unit: strings.Repeat("很长的单位名称", 40)}}, CohortOptions{Fonts: formFonts(t)})
	if err == nil || !strings.Contains(err.Error(), "放不下") {
		t.Errorf("err = %v, want 放不下", err)
	}
}
