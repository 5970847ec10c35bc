//go:build unix

package node

import (
	"errors"
	"io"
	"os"
	"syscall"
	"time"
	"unsafe"
)

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
