package fpdf

// linghang patch: numbers in content streams formatted without strconv's
// general float algorithm (see PATCHES.md).

import (
	"math"
	"strconv"
)

// pow10 holds the scales appendF64 handles exactly.
var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6}

// appendF64 appends v with prec decimals, byte for byte what
// strconv.AppendFloat(dst, v, 'f', prec, 64) appends, but by integer
// arithmetic in the common case: a page's coordinates, sizes and colours
// (prec ≤ 6, |v| < 1e9). The shortcut is exact: |v|·10^prec is one
// correctly rounded multiplication, so it lies on the same side of every
// half-way point k+½ as the exact product does, and rounding it gives the
// correctly rounded result strconv gives — except on a half-way point
// itself, which might be the product's rounding and not v's, and goes to
// strconv.
func appendF64(dst []byte, v float64, prec int) []byte {
	if prec < 0 || prec >= len(pow10) || !(math.Abs(v) < 1e9) {
		return strconv.AppendFloat(dst, v, 'f', prec, 64)
	}
	x := math.Abs(v) * pow10[prec]
	n := math.Round(x)
	if math.Abs(n-x) == 0.5 {
		return strconv.AppendFloat(dst, v, 'f', prec, 64)
	}
	if math.Signbit(v) {
		dst = append(dst, '-')
	}
	u := uint64(n)
	scale := uint64(pow10[prec])
	dst = strconv.AppendUint(dst, u/scale, 10)
	if prec == 0 {
		return dst
	}
	dst = append(dst, '.')
	frac := u % scale
	for d := scale / 10; d > 0; d /= 10 {
		dst = append(dst, byte('0'+frac/d%10))
	}
	return dst
}
