package typeset

import "fmt"

// Include appends the pages of src, with everything drawn on them, after
// the pages of d: a document laid out once (an applicant's form) is
// placed in another (the cohort's bound copy) without being laid out
// again. Both must use the same fonts. Drawing continues on the last
// included page. Characters src declared shared (Share) are shared in d.
func (d *Document) Include(src *Document) error {
	if src.err != nil {
		return d.fail(src.err)
	}
	if src.fonts != d.fonts {
		return d.fail(fmt.Errorf("文档《%s》不能并入《%s》：字体不同", src.name, d.name))
	}
	base := len(d.pages)
	d.pages = append(d.pages, src.pages...)
	for _, op := range src.ops {
		op.Page += base
		d.ops = append(d.ops, op)
	}
	for f, rs := range src.shares {
		for r := range rs {
			d.share(f, r)
		}
	}
	d.cur = 0
	return nil
}
