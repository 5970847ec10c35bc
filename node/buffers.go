package node

import (
	"sync/atomic"

	"github.com/valyala/bytebufferpool"
)

// bigBuffer is the capacity from which a byte slice is kept on the buffers'
// own short list instead of going back to the bytebufferpool. The pool
// calibrates itself on the common sizes and then silently drops buffers much
// larger than those, so without the list every big line or reply (a read_ok
// or gossip_sync of tens of thousands of values or more) would allocate
// afresh. Reserve makes any slice of more than half of it a big one, so that
// no size escapes both the pool and the list.
const bigBuffer = 256 << 10

// bigKept bounds how many big slices one buffers keeps between uses, and so
// the memory that big lines and replies hold after they are done.
const bigKept = 4

// buffers hands out byte buffers: one buffers for input chunks, one for
// output batches.
//
// All methods are safe for concurrent use (a producer and a consumer
// goroutine share each buffers). A buffer MUST NOT be touched after Put.
type buffers struct {
	pool bytebufferpool.Pool
	big  chan []byte

	// wait makes Reserve wait for a big slice to come back, rather than
	// allocate another, once bigKept of them exist. Set it only where every
	// big slice handed out is sure to be Put back (the output path of Run,
	// whose writer always drains); set it before the buffers is shared.
	wait bool
	live atomic.Int32 // big slices in existence, when wait is set
}

func newBuffers() *buffers {
	return &buffers{big: make(chan []byte, bigKept)}
}

// Get returns an empty buffer.
func (b *buffers) Get() *bytebufferpool.ByteBuffer {
	return b.pool.Get()
}

// Put returns buf for reuse. A big backing slice goes to the big list, and
// the emptied ByteBuffer to the pool.
func (b *buffers) Put(buf *bytebufferpool.ByteBuffer) {
	if cap(buf.B) >= bigBuffer {
		b.keep(buf.B)
		buf.B = nil
	}
	b.pool.Put(buf)
}

func (b *buffers) keep(s []byte) {
	select {
	case b.big <- s[:0]:
	default: // enough kept; let the GC have this one
		b.live.Add(-1)
	}
}

// Reserve returns s, or a copy of s in a larger slice, with room for n more
// bytes. It grows geometrically, and for big sizes it first reuses a kept
// slice, so that repeated big lines and replies reuse memory. A big s that is
// replaced is kept for later; s MUST NOT be used after Reserve.
func (b *buffers) Reserve(s []byte, n int) []byte {
	need := len(s) + n
	if need <= cap(s) {
		return s
	}
	var next []byte
	if need > bigBuffer/2 {
		next = b.takeBig(need)
	}
	if next == nil {
		size := max(need, 2*cap(s))
		if need > bigBuffer/2 {
			size = max(size, bigBuffer)
		}
		if size >= bigBuffer {
			// Headroom: big replies of one node vary by a few percent
			// (a read_ok grows with the set, and small replies batched
			// before it add up to 64 KiB), and a kept slice that is
			// short by a few bytes is dropped and replaced.
			size += size / 8
			b.live.Add(1)
		}
		next = make([]byte, 0, size)
	}
	next = append(next, s...)
	if cap(s) >= bigBuffer {
		b.keep(s)
	}
	return next
}

// takeBig returns a kept slice with capacity for need bytes, or nil when the
// caller should allocate one. Kept slices that are too small are dropped, as
// the new one replaces them.
func (b *buffers) takeBig(need int) []byte {
	for {
		var k []byte
		select {
		case k = <-b.big:
		default:
			if !b.wait || b.live.Load() < bigKept {
				return nil
			}
			k = <-b.big // all in use: the writer gives one back soon
		}
		if cap(k) >= need {
			return k
		}
		b.live.Add(-1)
	}
}
