package node

import (
	"errors"
	"io"
	"os"
	"time"

	"github.com/valyala/bytebufferpool"
)

// readSize is how much the node asks of its input at a time.
const readSize = 64 << 10

// errDeadline is returned by an input's next when the deadline passed first.
var errDeadline = errors.New("node: deadline")

// input is where the node's lines come from, in chunks of any size cut
// anywhere. next returns the next chunk, which stays valid until the next
// call; before it would wait for input, it calls idle once (the node flushes
// its output then), and it returns errDeadline when deadline (if not zero)
// passes first, io.EOF at the end.
type input interface {
	next(deadline time.Time, idle func() error) ([]byte, error)
	close()
}

// openInput returns the fastest input for r: a polled one when r is a pipe
// or socket (the way Maelstrom starts a node), so that a line is read,
// handled and answered on one goroutine with one wake-up; otherwise a reader
// goroutine handing chunks over.
func openInput(r io.Reader) input {
	if f, ok := r.(*os.File); ok {
		if p := pollFile(f); p != nil {
			return p
		}
	}
	return newChanInput(r)
}

// chanInput reads any io.Reader on a goroutine of its own and hands the
// chunks over a channel, in buffers from a pool (the reader gets one, the
// handler puts it back once it is done with the chunk); the handler waits on
// the channel and a timer.
type chanInput struct {
	chunks chan *bytebufferpool.ByteBuffer
	errc   chan error
	pool   bytebufferpool.Pool
	cur    *bytebufferpool.ByteBuffer // the chunk returned last, put back at the next call
	timer  *time.Timer
	err    error
}

// chunkQueue bounds the chunks read ahead; a full queue blocks the reader,
// which keeps memory bounded when the handler falls behind.
const chunkQueue = 16

func newChanInput(r io.Reader) *chanInput {
	c := &chanInput{chunks: make(chan *bytebufferpool.ByteBuffer, chunkQueue), errc: make(chan error, 1),
		timer: time.NewTimer(time.Hour)}
	c.timer.Stop()
	go c.readLoop(r)
	return c
}

// readLoop reads r into pooled buffers until it ends.
func (c *chanInput) readLoop(r io.Reader) {
	defer close(c.chunks)
	for {
		b := c.pool.Get()
		if cap(b.B) < readSize {
			b.B = make([]byte, readSize)
		}
		n, err := r.Read(b.B[:readSize])
		if n > 0 {
			b.B = b.B[:n]
			c.chunks <- b
		} else {
			c.pool.Put(b)
		}
		if err != nil {
			if err != io.EOF {
				c.errc <- err
			}
			close(c.errc)
			return
		}
	}
}

func (c *chanInput) next(deadline time.Time, idle func() error) ([]byte, error) {
	if c.cur != nil {
		c.pool.Put(c.cur)
		c.cur = nil
	}
	var b *bytebufferpool.ByteBuffer
	var ok bool
	select {
	case b, ok = <-c.chunks:
	default:
		if err := idle(); err != nil {
			return nil, err
		}
		var tc <-chan time.Time
		if !deadline.IsZero() {
			c.timer.Reset(time.Until(deadline))
			tc = c.timer.C
		}
		select {
		case b, ok = <-c.chunks:
			c.timer.Stop()
		case <-tc:
			return nil, errDeadline
		}
	}
	if !ok {
		if err := <-c.errc; err != nil {
			return nil, err
		}
		return nil, io.EOF
	}
	c.cur = b
	return b.B, nil
}

func (c *chanInput) close() { c.timer.Stop() }
