package set

import (
	"encoding/binary"
	"io"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// Roaring's portable serialization
// (https://github.com/RoaringBitmap/RoaringFormatSpec) is the public way to
// hand roaring a whole container at once: building a chunk's container
// with AddMany costs 7-20 ns a value, while writing its bytes and reading
// them back with ReadFrom costs 2-7 ns a value, about 0.4 µs a container
// included (BenchmarkBuildChunk, 256 to 65536 positions).
const (
	// cookieNoRun starts a roaring32 stream without run containers; the
	// container count follows as a uint32.
	cookieNoRun = 12346
	// cookieRun starts a stream with run containers: a uint16, then the
	// container count minus one as a uint16, then a bitmap of which
	// containers are runs.
	cookieRun = 12347
	// noOffsetMax: a stream with run containers and fewer containers
	// than this has no offset header.
	noOffsetMax = 4
	// bitmapBytes is the size of a bitmap container.
	bitmapBytes = 1 << chunkBits / 8
)

// countRuns returns the number of maximal runs of consecutive positions in
// lows (sorted, distinct).
func countRuns(lows []uint16) int {
	runs := 1
	for k := 1; k < len(lows); k++ {
		if lows[k] != lows[k-1]+1 {
			runs++
		}
	}
	return runs
}

// container describes the container that holds a chunk's positions, as the
// serialization needs it: kind by smallest size, as roaring's RunOptimize
// would choose.
type container struct {
	key  uint16
	card int
	runs int // number of runs when run, else 0
}

// plan returns the container for positions lows (sorted, distinct,
// non-empty) of chunk key.
func plan(key uint16, lows []uint16) container {
	ct := container{key: key, card: len(lows)}
	runs := 1
	if int(lows[len(lows)-1]-lows[0]) != len(lows)-1 {
		runs = countRuns(lows)
	}
	other := bitmapBytes
	if ct.card <= arrMax {
		other = 2 * ct.card
	}
	if 2+4*runs < other {
		ct.runs = runs
	}
	return ct
}

// size returns the number of bytes of ct's data.
func (ct container) size() int {
	switch {
	case ct.runs > 0:
		return 2 + 4*ct.runs
	case ct.card <= arrMax:
		return 2 * ct.card
	default:
		return bitmapBytes
	}
}

// appendData appends the data of ct, which holds lows.
func appendData(dst []byte, ct container, lows []uint16) []byte {
	n := len(dst)
	dst = slices.Grow(dst, ct.size())[:n+ct.size()]
	out := dst[n:]
	switch {
	case ct.runs > 0:
		binary.LittleEndian.PutUint16(out, uint16(ct.runs))
		o := 2
		start := 0
		for k := 1; k <= len(lows); k++ {
			if k == len(lows) || lows[k] != lows[k-1]+1 {
				binary.LittleEndian.PutUint16(out[o:], lows[start])
				binary.LittleEndian.PutUint16(out[o+2:], lows[k-1]-lows[start])
				o += 4
				start = k
			}
		}
	case ct.card <= arrMax:
		for k, x := range lows {
			binary.LittleEndian.PutUint16(out[2*k:], x)
		}
	default:
		clear(out)
		for _, x := range lows {
			out[x>>3] |= 1 << (x & 7) // little-endian words: bit x is bit x&7 of byte x>>3
		}
	}
	return dst
}

// appendSingle appends a roaring32 stream that holds one container, ct,
// with positions lows.
func appendSingle(dst []byte, ct container, lows []uint16) []byte {
	if ct.runs > 0 {
		dst = binary.LittleEndian.AppendUint16(dst, cookieRun)
		dst = binary.LittleEndian.AppendUint16(dst, 0) // one container
		dst = append(dst, 1)                           // it is a run
		dst = binary.LittleEndian.AppendUint16(dst, ct.key)
		dst = binary.LittleEndian.AppendUint16(dst, uint16(ct.card-1))
		// No offset header below noOffsetMax containers.
	} else {
		dst = binary.LittleEndian.AppendUint32(dst, cookieNoRun)
		dst = binary.LittleEndian.AppendUint32(dst, 1)
		dst = binary.LittleEndian.AppendUint16(dst, ct.key)
		dst = binary.LittleEndian.AppendUint16(dst, uint16(ct.card-1))
		dst = binary.LittleEndian.AppendUint32(dst, 16) // the data's offset
	}
	return appendData(dst, ct, lows)
}

// appendStream appends a roaring32 stream of the containers cts, whose data
// (in order) is data.
func appendStream(dst []byte, cts []container, data []byte) []byte {
	start := len(dst)
	hasRun := false
	for _, ct := range cts {
		hasRun = hasRun || ct.runs > 0
	}
	if hasRun {
		dst = binary.LittleEndian.AppendUint16(dst, cookieRun)
		dst = binary.LittleEndian.AppendUint16(dst, uint16(len(cts)-1))
		n := len(dst)
		dst = append(dst, make([]byte, (len(cts)+7)/8)...)
		for i, ct := range cts {
			if ct.runs > 0 {
				dst[n+i/8] |= 1 << (i % 8)
			}
		}
	} else {
		dst = binary.LittleEndian.AppendUint32(dst, cookieNoRun)
		dst = binary.LittleEndian.AppendUint32(dst, uint32(len(cts)))
	}
	for _, ct := range cts {
		dst = binary.LittleEndian.AppendUint16(dst, ct.key)
		dst = binary.LittleEndian.AppendUint16(dst, uint16(ct.card-1))
	}
	if !hasRun || len(cts) >= noOffsetMax {
		off := len(dst) - start + 4*len(cts)
		for _, ct := range cts {
			dst = binary.LittleEndian.AppendUint32(dst, uint32(off))
			off += ct.size()
		}
	}
	return append(dst, data...)
}

// byteReader reads a byte slice for roaring's ReadFrom. Besides Read it
// has the methods of roaring's internal byte input (Next, ReadUInt32, ...),
// so ReadFrom uses it directly instead of wrapping it in an adapter from a
// sync.Pool; were those methods to change, ReadFrom would fall back to the
// adapter, which is slower but as correct. Next returns a fresh copy each
// time (and NextReturnsSafeSlice says so), so the containers ReadFrom
// builds own their memory instead of pointing into (and copying on write
// from) the scratch buffer.
type byteReader struct {
	b   []byte
	off int
}

func (r *byteReader) Read(p []byte) (int, error) {
	if r.off >= len(r.b) {
		return 0, io.EOF
	}
	n := copy(p, r.b[r.off:])
	r.off += n
	return n, nil
}

// take returns the next n bytes, in place.
func (r *byteReader) take(n int) ([]byte, error) {
	if n < 0 || n > len(r.b)-r.off {
		r.off = len(r.b)
		return nil, io.ErrUnexpectedEOF
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p, nil
}

// Next returns a copy of the next n bytes.
func (r *byteReader) Next(n int) ([]byte, error) {
	p, err := r.take(n)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), p...), nil
}

// NextReturnsSafeSlice reports that Next's slices are the caller's.
func (r *byteReader) NextReturnsSafeSlice() bool { return true }

// ReadUInt32 reads a little-endian uint32.
func (r *byteReader) ReadUInt32() (uint32, error) {
	p, err := r.take(4)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint32(p), nil
}

// ReadUInt16 reads a little-endian uint16.
func (r *byteReader) ReadUInt16() (uint16, error) {
	p, err := r.take(2)
	if err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint16(p), nil
}

// GetReadBytes returns how many bytes were read.
func (r *byteReader) GetReadBytes() int64 { return int64(r.off) }

// SkipBytes skips n bytes.
func (r *byteReader) SkipBytes(n int) error {
	_, err := r.take(n)
	return err
}

// buildInto replaces the content of bm with positions lows (sorted,
// distinct, non-empty): one container, written in bulk.
func (sh *shard) buildInto(bm *roaring.Bitmap, lows []uint16) {
	sh.ser = appendSingle(sh.ser[:0], plan(0, lows), lows)
	sh.rd = byteReader{b: sh.ser}
	if _, err := bm.ReadFrom(&sh.rd); err != nil {
		panic("BUG: set: reading a built container: " + err.Error())
	}
	sh.rd = byteReader{}
}

// newRoaring returns a new bitmap of positions lows.
func (sh *shard) newRoaring(lows []uint16) *roaring.Bitmap {
	bm := new(roaring.Bitmap)
	sh.buildInto(bm, lows)
	return bm
}

// toRoaring turns the array chunk ch into a bitmap chunk.
func (sh *shard) toRoaring(ch *chunk) {
	ch.bm = sh.newRoaring(ch.arr)
	ch.arr = nil
}

// positions appends the positions of the bitmap chunk ch to dst.
func (sh *shard) positions(dst []uint16, ch *chunk) []uint16 {
	var it roaring.ManyIntIterator
	it.Initialize(ch.bm)
	buf := slices.Grow(sh.r32s[:0], 4096)[:4096]
	for {
		m := it.NextMany(buf)
		if m == 0 {
			break
		}
		for _, x := range buf[:m] {
			dst = append(dst, uint16(x))
		}
	}
	sh.r32s = buf[:0]
	return dst
}
