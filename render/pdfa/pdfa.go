package pdfa

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
)

// Violation is one PDF/A-2b requirement the file does not meet.
type Violation struct {
	Clause string // ISO 19005-2 clause, e.g. "6.1.3"
	Reason string
}

func (v Violation) String() string { return "ISO 19005-2 " + v.Clause + "：" + v.Reason }

// Error lists every violation found in a file.
type Error []Violation

func (e Error) Error() string {
	s := make([]string, len(e))
	for i, v := range e {
		s[i] = v.String()
	}
	return "不符合 PDF/A-2b：" + strings.Join(s, "；")
}

// Metadata is what the XMP packet says.
type Metadata struct {
	Part, Conformance       string
	Title, Creator, Subject string
	Identifier, Keywords    string
	Producer, CreatorTool   string
	CreateDate, ModifyDate  time.Time
}

// Check returns nil if data meets the checked PDF/A-2b clauses, else an
// Error listing each violation, and the XMP metadata it read.
func Check(data []byte) (*Metadata, error) {
	c := &checker{data: data, objs: map[int]object{}}
	c.run()
	if len(c.errs) > 0 {
		return c.meta, c.errs
	}
	return c.meta, nil
}

type object struct {
	dict   string // the object's text before any stream
	stream []byte // raw stream bytes, nil if none
}

type checker struct {
	data []byte
	objs map[int]object
	errs Error
	meta *Metadata
}

func (c *checker) fail(clause, format string, args ...any) {
	c.errs = append(c.errs, Violation{clause, fmt.Sprintf(format, args...)})
}

var (
	objRE     = regexp.MustCompile(`(?m)^(\d+) 0 obj\s`)
	refRE     = func(key string) *regexp.Regexp { return regexp.MustCompile(`/` + key + `\s+(\d+)\s+0\s+R`) }
	lengthRE  = regexp.MustCompile(`/Length\s+(\d+)`)
	forbidden = []struct{ key, clause, why string }{
		{"/Encrypt", "6.1.3", "文件加密"},
		{"/JavaScript", "6.6.1", "含 JavaScript"},
		{"/Launch", "6.6.1", "含 Launch 动作"},
		{"/LZWDecode", "6.1.7.2", "使用 LZW 压缩"},
		{"/EmbeddedFiles", "6.8", "含附件（需另证其为 PDF/A）"},
		{"/OPI", "6.2.9", "含 OPI"},
		{"/Alternates", "6.2.8", "图像含 Alternates"},
		{"/Interpolate true", "6.2.8", "图像插值"},
		{"/AA ", "6.6.2", "含附加动作"},
	}
)

func (c *checker) run() {
	d := c.data
	// 6.1.2 header: %PDF-1.n, then a comment of at least four bytes > 127.
	if !regexp.MustCompile(`^%PDF-1\.[0-7]\r?\n%`).Match(d) {
		c.fail("6.1.2", "文件头不是 %%PDF-1.n 后接二进制注释行")
	} else {
		line := d[bytes.IndexByte(d, '\n')+2:]
		n := 0
		for _, b := range line {
			if b == '\n' || b == '\r' {
				break
			}
			if b > 127 {
				n++
			}
		}
		if n < 4 {
			c.fail("6.1.2", "第二行注释的高位字节少于 4 个")
		}
	}
	// 6.1.3: nothing but an end-of-line after the last %%EOF.
	if i := bytes.LastIndex(d, []byte("%%EOF")); i < 0 || len(bytes.TrimRight(d[i+5:], "\r\n")) != 0 {
		c.fail("6.1.3", "%%%%EOF 之后还有内容")
	}
	if bytes.Contains(d, []byte("/Type /ObjStm")) || bytes.Contains(d, []byte("/Type /XRef")) {
		c.fail("—", "含对象流或交叉引用流，本检查无法读取")
		return
	}
	c.readObjects()
	for _, f := range forbidden {
		for n, o := range c.objs {
			if strings.Contains(o.dict, f.key) {
				c.fail(f.clause, "对象 %d %s", n, f.why)
				break
			}
		}
	}
	ti := bytes.LastIndex(d, []byte("trailer"))
	if ti < 0 {
		c.fail("6.1.3", "没有 trailer")
		return
	}
	trailer := string(d[ti:])
	if !regexp.MustCompile(`/ID\s*\[\s*<[0-9a-fA-F]{32}>\s*<[0-9a-fA-F]{32}>\s*\]`).MatchString(trailer) {
		c.fail("6.1.3", "trailer 没有文件标识 /ID")
	}
	if strings.Contains(trailer, "/Encrypt") {
		c.fail("6.1.3", "trailer 含 /Encrypt")
	}
	root, ok := c.ref(trailer, "Root")
	if !ok {
		c.fail("6.1.3", "trailer 没有 /Root")
		return
	}
	c.checkFonts()
	c.checkWidths()
	c.checkOutputIntent(root)
	c.checkMetadata(root)
	if info, ok := c.ref(trailer, "Info"); ok {
		if c.objs[info].stream != nil || !strings.Contains(c.objs[info].dict, "<<") {
			c.fail("6.1.3", "trailer 的 /Info 指向的对象 %d 不是信息字典", info)
		}
		c.checkInfo(info)
	}
}

// readObjects indexes every "n 0 obj … endobj", checking stream framing
// and lengths (6.1.7.1).
func (c *checker) readObjects() {
	d := c.data
	locs := objRE.FindAllSubmatchIndex(d, -1)
	for i, l := range locs {
		n, _ := strconv.Atoi(string(d[l[2]:l[3]]))
		end := len(d)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		body := d[l[1]:end]
		o := object{dict: string(body)}
		if si := bytes.Index(body, []byte("stream")); si >= 0 && !bytes.HasPrefix(body[si-3:], []byte("end")) {
			o.dict = string(body[:si])
			m := lengthRE.FindStringSubmatch(o.dict)
			if m == nil {
				c.fail("6.1.7.1", "对象 %d 的流没有直接给出 /Length", n)
				continue
			}
			length, _ := strconv.Atoi(m[1])
			rest := body[si+len("stream"):]
			switch {
			case bytes.HasPrefix(rest, []byte("\r\n")):
				rest = rest[2:]
			case bytes.HasPrefix(rest, []byte("\n")):
				rest = rest[1:]
			default:
				c.fail("6.1.7.1", "对象 %d：stream 后不是换行", n)
				continue
			}
			if length > len(rest) || !regexp.MustCompile(`^\r?\n?endstream`).Match(rest[length:]) {
				c.fail("6.1.7.1", "对象 %d：/Length %d 与流的实际长度不符", n, length)
				continue
			}
			if !bytes.HasPrefix(rest[length:], []byte("\n")) && !bytes.HasPrefix(rest[length:], []byte("\r")) {
				c.fail("6.1.7.1", "对象 %d：endstream 前没有换行", n)
			}
			o.stream = rest[:length]
		}
		c.objs[n] = o
	}
}

func (c *checker) ref(dict, key string) (int, bool) {
	m := refRE(key).FindStringSubmatch(dict)
	if m == nil {
		return 0, false
	}
	n, _ := strconv.Atoi(m[1])
	_, ok := c.objs[n]
	return n, ok
}

// checkFonts: every font program is embedded (6.2.11.4.1).
func (c *checker) checkFonts() {
	for n, o := range c.objs {
		if !strings.Contains(o.dict, "/Type /FontDescriptor") {
			if strings.Contains(o.dict, "/Type /Font") && regexp.MustCompile(`/Subtype\s*/(Type1|TrueType|MMType1)\b`).MatchString(o.dict) && !strings.Contains(o.dict, "/FontDescriptor") {
				c.fail("6.2.11.4.1", "字体对象 %d 没有嵌入（无 FontDescriptor）", n)
			}
			continue
		}
		if !regexp.MustCompile(`/FontFile[23]?\s+\d+\s+0\s+R`).MatchString(o.dict) {
			c.fail("6.2.11.4.1", "字体描述 %d 没有嵌入字体程序", n)
		}
	}
}

// checkOutputIntent: a GTS_PDFA1 output intent whose profile is a valid
// ICC RGB profile with N 3 (6.2.2, 6.2.4.3).
func (c *checker) checkOutputIntent(root int) {
	cat := c.objs[root].dict
	i := strings.Index(cat, "/OutputIntents")
	if i < 0 {
		c.fail("6.2.2", "目录没有 /OutputIntents（DeviceRGB 颜色需要 sRGB 输出意图）")
		return
	}
	oi := cat[i:]
	if j := strings.Index(oi, "]"); j >= 0 {
		oi = oi[:j]
	}
	if !strings.Contains(oi, "/S /GTS_PDFA1") {
		c.fail("6.2.2", "输出意图的 /S 不是 /GTS_PDFA1")
	}
	p, ok := c.ref(oi, "DestOutputProfile")
	if !ok {
		c.fail("6.2.2", "输出意图没有 DestOutputProfile")
		return
	}
	prof := c.objs[p]
	icc := prof.stream
	if strings.Contains(prof.dict, "/FlateDecode") {
		zr, err := zlib.NewReader(bytes.NewReader(icc))
		if err == nil {
			icc, err = io.ReadAll(zr)
		}
		if err != nil {
			c.fail("6.2.2", "ICC 配置文件无法解压：%v", err)
			return
		}
	}
	switch {
	case len(icc) < 132 || string(icc[36:40]) != "acsp":
		c.fail("6.2.2", "DestOutputProfile 不是 ICC 配置文件")
	case int(binary.BigEndian.Uint32(icc)) != len(icc):
		c.fail("6.2.2", "ICC 配置文件长度字段与内容不符")
	case string(icc[16:20]) != "RGB " || !strings.Contains(prof.dict, "/N 3"):
		c.fail("6.2.2", "输出意图不是 RGB 配置文件（/N 3）")
	case icc[8] > 4:
		c.fail("6.2.2", "ICC 版本 %d 高于 4", icc[8])
	case string(icc[12:16]) != "mntr" && string(icc[12:16]) != "prtr":
		c.fail("6.2.2", "ICC 设备类别 %q 不是 mntr/prtr", icc[12:16])
	}
}

type rdfNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []rdfNode  `xml:",any"`
}

// checkMetadata: an uncompressed XMP packet naming PDF/A-2b (6.6.2.1, 6.6.4).
func (c *checker) checkMetadata(root int) {
	m, ok := c.ref(c.objs[root].dict, "Metadata")
	if !ok {
		c.fail("6.6.2.1", "目录没有 /Metadata（XMP）")
		return
	}
	o := c.objs[m]
	if strings.Contains(o.dict, "/Filter") {
		c.fail("6.6.2.1", "XMP 元数据流经过压缩")
		return
	}
	if !strings.Contains(o.dict, "/Type /Metadata") || !strings.Contains(o.dict, "/Subtype /XML") {
		c.fail("6.6.2.1", "元数据流缺 /Type /Metadata /Subtype /XML")
	}
	x := o.stream
	if !bytes.HasPrefix(x, []byte("<?xpacket begin=")) || !bytes.Contains(x, []byte("<?xpacket end=")) {
		c.fail("6.6.2.1", "XMP 不是完整的 xpacket")
	}
	var top rdfNode
	if err := xml.Unmarshal(x, &top); err != nil {
		c.fail("6.6.2.1", "XMP 不是合法的 XML：%v", err)
		return
	}
	md := &Metadata{}
	var walk func(n rdfNode)
	walk = func(n rdfNode) {
		val := func() string {
			if len(n.Nodes) == 1 && len(n.Nodes[0].Nodes) > 0 { // rdf:Alt / rdf:Seq / rdf:Bag
				return strings.TrimSpace(n.Nodes[0].Nodes[0].Text)
			}
			return strings.TrimSpace(n.Text)
		}
		ns, local := n.XMLName.Space, n.XMLName.Local
		switch {
		case ns == "http://www.aiim.org/pdfa/ns/id/" && local == "part":
			md.Part = val()
		case ns == "http://www.aiim.org/pdfa/ns/id/" && local == "conformance":
			md.Conformance = val()
		case ns == "http://purl.org/dc/elements/1.1/" && local == "title":
			md.Title = val()
		case ns == "http://purl.org/dc/elements/1.1/" && local == "creator":
			md.Creator = val()
		case ns == "http://purl.org/dc/elements/1.1/" && local == "description":
			md.Subject = val()
		case ns == "http://purl.org/dc/elements/1.1/" && local == "identifier":
			md.Identifier = val()
		case ns == "http://ns.adobe.com/pdf/1.3/" && local == "Keywords":
			md.Keywords = val()
		case ns == "http://ns.adobe.com/pdf/1.3/" && local == "Producer":
			md.Producer = val()
		case ns == "http://ns.adobe.com/xap/1.0/" && local == "CreatorTool":
			md.CreatorTool = val()
		case ns == "http://ns.adobe.com/xap/1.0/" && local == "CreateDate":
			md.CreateDate, _ = time.Parse(time.RFC3339, val())
		case ns == "http://ns.adobe.com/xap/1.0/" && local == "ModifyDate":
			md.ModifyDate, _ = time.Parse(time.RFC3339, val())
		}
		for _, k := range n.Nodes {
			walk(k)
		}
	}
	walk(top)
	c.meta = md
	if md.Part != "2" || md.Conformance != "B" {
		c.fail("6.6.4", "XMP 的 pdfaid:part/conformance 为 %q/%q，应为 2/B", md.Part, md.Conformance)
	}
}

// checkInfo: every Info entry has its equal in the XMP (6.6.2.3.1).
func (c *checker) checkInfo(n int) {
	info := c.objs[n].dict
	if c.meta == nil {
		return
	}
	pairs := []struct{ key, xmp string }{
		{"Title", c.meta.Title}, {"Author", c.meta.Creator}, {"Subject", c.meta.Subject},
		{"Keywords", c.meta.Keywords}, {"Creator", c.meta.CreatorTool}, {"Producer", c.meta.Producer},
	}
	for _, p := range pairs {
		v, ok := infoString(info, p.key)
		if ok && v != p.xmp {
			c.fail("6.6.2.3.1", "Info /%s %q 与 XMP %q 不一致", p.key, v, p.xmp)
		}
	}
	dates := []struct {
		key string
		xmp time.Time
	}{{"CreationDate", c.meta.CreateDate}, {"ModDate", c.meta.ModifyDate}}
	for _, p := range dates {
		v, ok := infoString(info, p.key)
		if !ok {
			continue
		}
		t, err := ParseDate(v)
		if err != nil {
			c.fail("6.6.2.3.1", "Info /%s %q：%v", p.key, v, err)
			continue
		}
		if !t.Equal(p.xmp) {
			c.fail("6.6.2.3.1", "Info /%s %s 与 XMP %s 不是同一时刻", p.key, t, p.xmp)
		}
	}
}

// ParseDate reads a PDF date D:YYYYMMDDHHmmSS with an optional zone
// (Z, +HH'mm'); a date without a zone cannot equal an XMP date.
func ParseDate(s string) (time.Time, error) {
	m := regexp.MustCompile(`^D:(\d{14})(Z|[+-]\d{2}'\d{2}'?)?(00'00'?)?$`).FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, fmt.Errorf("日期格式不是 D:YYYYMMDDHHmmSS±HH'mm'")
	}
	if m[2] == "" {
		return time.Time{}, errors.New("日期没有时区，无法与 XMP 日期对应")
	}
	z := strings.ReplaceAll(m[2], "'", "")
	if z == "Z" {
		z = "+0000"
	}
	return time.Parse("20060102150405-0700", m[1]+z)
}

// infoString reads a string value from a dictionary: a literal (…) with
// escapes or a hex <…>, decoded from UTF-16BE when it has a byte order
// mark, else taken as PDFDocEncoding's ASCII subset.
func infoString(dict, key string) (string, bool) {
	i := strings.Index(dict, "/"+key)
	if i < 0 {
		return "", false
	}
	s := strings.TrimLeft(dict[i+1+len(key):], " \r\n")
	var raw []byte
	switch {
	case strings.HasPrefix(s, "("):
		depth := 0
		for j := 1; j < len(s); j++ {
			ch := s[j]
			switch ch {
			case '\\':
				j++
				if j >= len(s) {
					break
				}
				switch e := s[j]; e {
				case 'n':
					raw = append(raw, '\n')
				case 'r':
					raw = append(raw, '\r')
				case 't':
					raw = append(raw, '\t')
				case 'b':
					raw = append(raw, '\b')
				case 'f':
					raw = append(raw, '\f')
				case '\r', '\n':
				default:
					if e >= '0' && e <= '7' {
						v, k := 0, 0
						for ; k < 3 && j+k < len(s) && s[j+k] >= '0' && s[j+k] <= '7'; k++ {
							v = v*8 + int(s[j+k]-'0')
						}
						raw = append(raw, byte(v))
						j += k - 1
					} else {
						raw = append(raw, e)
					}
				}
				continue
			case '(':
				depth++
			case ')':
				if depth == 0 {
					return decodeText(raw), true
				}
				depth--
			}
			raw = append(raw, ch)
		}
		return "", false
	case strings.HasPrefix(s, "<"):
		j := strings.IndexByte(s, '>')
		if j < 0 {
			return "", false
		}
		b, err := hex.DecodeString(strings.Join(strings.Fields(s[1:j]), ""))
		if err != nil {
			return "", false
		}
		return decodeText(b), true
	}
	return "", false
}

func decodeText(b []byte) string {
	if len(b) >= 2 && b[0] == 0xFE && b[1] == 0xFF {
		u := make([]uint16, (len(b)-2)/2)
		for i := range u {
			u[i] = binary.BigEndian.Uint16(b[2+2*i:])
		}
		return string(utf16.Decode(u))
	}
	return string(b)
}
