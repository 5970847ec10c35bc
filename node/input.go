package node

import (
	"errors"
	"io"
	"os"
	"syscall"
	"time"
	"unsafe"

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

// polledInput reads a non-blocking pipe through Go's poller: a read that
// finds nothing waits in the poller (with the timer's deadline), so no other
// goroutine is involved.
type polledInput struct {
	f        *os.File
	rc       syscall.RawConn
	buf      []byte
	deadline time.Time
	restore  func() // puts the file back into blocking mode, if it was

	// The state of one next, kept here (not in a closure) so that a read
	// allocates nothing; readFn is p.read, made once.
	readFn     func(fd uintptr) bool
	idle       func() error
	n          int
	rerr, ierr error
	idled      bool
}

// pollFile returns a polledInput for f when f is a pipe or a socket, or nil.
func pollFile(f *os.File) *polledInput {
	nf, restore := pollable(f)
	if nf == nil {
		return nil
	}
	rc, err := nf.SyscallConn()
	if err != nil {
		restore()
		return nil
	}
	p := &polledInput{f: nf, rc: rc, buf: make([]byte, readSize), restore: restore}
	p.readFn = p.read
	return p
}

// pollable returns f, when f is a pipe or socket in Go's poller; or, when it
// is one in blocking mode (a process's stdin and stdout usually are), a new
// file of the same descriptor in non-blocking mode, in the poller, with the
// function that puts the descriptor back into blocking mode; or nil for any
// other file. A new file is kept for the process's lifetime (its finalizer
// would close the descriptor). A pipe is grown to pipeBytes where it can be.
func pollable(f *os.File) (*os.File, func()) {
	fi, err := f.Stat()
	if err != nil || fi.Mode()&(os.ModeNamedPipe|os.ModeSocket) == 0 {
		return nil, nil
	}
	rc, err := f.SyscallConn()
	if err != nil {
		return nil, nil
	}
	if fi.Mode()&os.ModeNamedPipe != 0 {
		rc.Control(growPipe)
	}
	if f.SetDeadline(time.Time{}) == nil {
		return f, func() {}
	}
	var fd uintptr
	var serr error
	if err := rc.Control(func(d uintptr) { fd, serr = d, syscall.SetNonblock(int(d), true) }); err != nil || serr != nil {
		return nil, nil
	}
	nf := os.NewFile(fd, f.Name())
	if nf.SetDeadline(time.Time{}) != nil {
		syscall.SetNonblock(int(fd), false)
		return nil, nil
	}
	kept = append(kept, nf)
	return nf, func() { syscall.SetNonblock(int(fd), false) }
}

// kept holds the files that pollFile made, for the process's lifetime.
var kept []*os.File

// readRaw reads a non-blocking descriptor without telling the scheduler: the
// read cannot block, so the bookkeeping of a blocking system call (and the
// wake-up of the runtime's monitor thread that it may cost) is not needed.
func readRaw(fd int, p []byte) (int, error) {
	n, _, errno := syscall.RawSyscall(syscall.SYS_READ, uintptr(fd), uintptr(unsafe.Pointer(unsafe.SliceData(p))), uintptr(len(p)))
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

func (p *polledInput) next(deadline time.Time, idle func() error) ([]byte, error) {
	if !deadline.Equal(p.deadline) {
		p.f.SetReadDeadline(deadline)
		p.deadline = deadline
	}
	p.idle, p.n, p.rerr, p.ierr, p.idled = idle, 0, nil, nil, false
	err := p.rc.Read(p.readFn)
	p.idle = nil
	switch {
	case p.ierr != nil:
		return nil, p.ierr
	case errors.Is(err, os.ErrDeadlineExceeded):
		return nil, errDeadline
	case err != nil:
		return nil, err
	case p.rerr != nil:
		return nil, p.rerr
	case p.n == 0:
		return nil, io.EOF
	}
	return p.buf[:p.n], nil
}

// read is the callback of one next's rc.Read: it reports true when next
// is done (data, end of input or an error), false to wait for input.
func (p *polledInput) read(fd uintptr) bool {
	// Always read before waiting, even after a read that emptied the
	// pipe: rc.Read forgets the poller's readiness when it starts, so data
	// that came since the last read would not end a wait.
	p.n, p.rerr = readRaw(int(fd), p.buf)
	if p.rerr == syscall.EAGAIN {
		if !p.idled {
			p.idled = true
			p.ierr = p.idle()
		}
		return p.ierr != nil // wait for input, unless idle failed
	}
	return p.rerr != syscall.EINTR
}

func (p *polledInput) close() {
	p.f.SetReadDeadline(time.Time{})
	p.restore()
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
