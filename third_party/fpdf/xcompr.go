// Copyright ©2021 The go-pdf Authors. All rights reserved.
// Use of this source code is governed by a MIT-style
// license that can be found in the LICENSE file.

package fpdf

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zlib"
)

var xmem = xmempool{
	Pool: sync.Pool{
		New: func() any {
			var m membuffer
			return &m
		},
	},
}

type xmempool struct{ sync.Pool }

// zwPool keeps zlib writers for reuse. linghang patch: a new writer
// allocates about 1 MB of compressor state, and fpdf compresses every
// page, font and CID map of every document with a fresh one; reusing them
// removes most of a document's garbage (BenchmarkDocument: 13.7 → ~5 MB
// allocated per one-page document).
var zwPool = sync.Pool{
	New: func() any {
		zw, err := zlib.NewWriterLevel(nil, zlib.BestSpeed)
		if err != nil {
			panic(fmt.Errorf("could not create zlib writer: %w", err))
		}
		return zw
	},
}

func (pool *xmempool) compress(data []byte) *membuffer {
	mem := pool.Get().(*membuffer)
	buf := &mem.buf
	buf.Grow(len(data))

	zw := zwPool.Get().(*zlib.Writer)
	zw.Reset(buf)
	_, err := zw.Write(data)
	if err != nil {
		panic(fmt.Errorf("could not zlib-compress slice: %w", err))
	}

	err = zw.Close()
	if err != nil {
		panic(fmt.Errorf("could not close zlib writer: %w", err))
	}
	zwPool.Put(zw)
	return mem
}

func (pool *xmempool) uncompress(data []byte) (*membuffer, error) {
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}

	mem := pool.Get().(*membuffer)
	mem.buf.Reset()

	_, err = mem.buf.ReadFrom(zr)
	if err != nil {
		mem.release()
		return nil, err
	}

	return mem, nil
}

type membuffer struct {
	buf bytes.Buffer
}

func (mem *membuffer) bytes() []byte { return mem.buf.Bytes() }
func (mem *membuffer) release() {
	mem.buf.Reset()
	xmem.Put(mem)
}

func (mem *membuffer) copy() []byte {
	src := mem.bytes()
	dst := make([]byte, len(src))
	copy(dst, src)
	return dst
}

// profiles keeps the compressed form of each ICC profile seen (linghang
// patch): every PDF/A document carries the same sRGB profile, and
// compressing it again for each one was 1 % of a year's rendering.
var profiles struct {
	sync.Mutex
	m map[string][]byte
}

func compressedProfile(icc []byte) []byte {
	profiles.Lock()
	defer profiles.Unlock()
	if z, ok := profiles.m[string(icc)]; ok {
		return z
	}
	if profiles.m == nil || len(profiles.m) >= 8 {
		profiles.m = map[string][]byte{}
	}
	mem := xmem.compress(icc)
	z := mem.copy()
	mem.release()
	profiles.m[string(icc)] = z
	return z
}
