package fpdf

import (
	"math"
	"math/rand/v2"
	"strconv"
	"testing"
)

// appendF64 must give strconv's bytes for every value: content streams
// stay byte for byte what they were.
func TestAppendF64MatchesStrconv(t *testing.T) {
	check := func(v float64, prec int) {
		t.Helper()
		want := strconv.FormatFloat(v, 'f', prec, 64)
		if got := string(appendF64(nil, v, prec)); got != want {
			t.Fatalf("appendF64(%v (%b), %d) = %q, strconv gives %q", v, math.Float64bits(v), prec, got, want)
		}
	}
	special := []float64{
		0, math.Copysign(0, -1), 1, -1, 0.5, -0.5, 1.5, 2.5, 0.125, 0.375, 1.005, 2.675, -2.675,
		0.0049999999, 0.005, -0.005, -0.001, 1e-9, 999999999.999, 1e9, -1e9, 1e9 - 1e-6,
		123.455, 841.8897637795275, 595.2755905511812, 28.346456692913385,
		math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, math.SmallestNonzeroFloat64,
	}
	for prec := -1; prec <= 8; prec++ {
		for _, v := range special {
			check(v, prec)
		}
		// Exact half-way points of this precision, and their neighbours.
		if prec >= 0 && prec < len(pow10) {
			for k := range 2000 {
				h := (float64(k) + 0.5) / pow10[prec]
				for _, v := range []float64{h, -h, math.Nextafter(h, 0), math.Nextafter(h, 1e10)} {
					check(v, prec)
				}
			}
		}
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 300000 {
		prec := r.IntN(8)
		var v float64
		switch r.IntN(3) {
		case 0: // page coordinates in points, millimetres
			v = r.Float64()*1700 - 200
		case 1: // colours and small fractions
			v = r.Float64()
		default: // any magnitude
			v = math.Float64frombits(r.Uint64())
		}
		check(v, prec)
	}
}

func BenchmarkAppendF64(b *testing.B) {
	buf := make([]byte, 0, 32)
	for i := 0; b.Loop(); i++ {
		buf = appendF64(buf[:0], float64(i%60000)*0.01417+3.5, 2)
	}
}

func BenchmarkStrconvF64(b *testing.B) {
	buf := make([]byte, 0, 32)
	for i := 0; b.Loop(); i++ {
		buf = strconv.AppendFloat(buf[:0], float64(i%60000)*0.01417+3.5, 'f', 2, 64)
	}
}
