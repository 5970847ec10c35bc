package node

import (
	"errors"
	"io"
	"os"
	"syscall"
)

// writer writes the node's batches to its stdout. A batch is a list of
// pieces (the handler's own bytes and pieces of the set's ArrayText) written
// in order; on a file (a pipe, as under Maelstrom) they go in vectored
// writes, so that the text of a big set is written from where it is kept,
// never copied into one buffer first.
//
// A writer MUST NOT be used from concurrently running goroutines.
type writer struct {
	w       io.Writer
	rc      syscall.RawConn // w's, when it is a file; nil otherwise
	vw      vectorWriter
	restore func() // puts the file back into blocking mode, if it was

	// The state of one write, kept here (not in a closure) so that a write
	// allocates nothing; writeFn is w.writeFd, made once.
	writeFn func(fd uintptr) bool
	bufs    [][]byte
	werr    error
}

// newWriter returns the writer of w. A pipe or socket is used in
// non-blocking mode (through the poller, like stdin: a write that finds it
// full waits there), so that a write is a plain system call that never
// blocks; it goes back to blocking mode at close.
func newWriter(w io.Writer) *writer {
	wr := &writer{w: w, restore: func() {}}
	if f, ok := w.(*os.File); ok {
		wr.useFile(f)
	}
	wr.writeFn = wr.writeFd
	return wr
}

// close puts the file back as it was.
func (w *writer) close() { w.restore() }

// write writes every piece of bufs, in order, and returns the first error.
func (w *writer) write(bufs [][]byte) error {
	if w.rc == nil {
		for _, b := range bufs {
			if len(b) == 0 {
				continue
			}
			if _, err := w.w.Write(b); err != nil {
				return err
			}
		}
		return nil
	}
	w.bufs, w.werr = bufs, nil
	err := w.rc.Write(w.writeFn)
	w.bufs = nil
	if err != nil {
		return err
	}
	if w.werr != nil {
		return &os.PathError{Op: "write", Path: "stdout", Err: w.werr}
	}
	return nil
}

// writeFd is the callback of one write's rc.Write: it writes what is left of
// w.bufs, and reports false to wait until the file takes more.
func (w *writer) writeFd(fd uintptr) bool {
	for len(w.bufs) > 0 {
		n, err := w.vw.writev(int(fd), w.bufs)
		if err == syscall.EAGAIN {
			return false // a non-blocking stdout is full: wait for it
		}
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			w.werr = err
			return true
		}
		w.bufs = consumed(w.bufs, n)
	}
	return true
}

// consumed returns bufs without its first n bytes. It may shorten the piece
// it stops in (bufs is the caller's scratch).
func consumed(bufs [][]byte, n int) [][]byte {
	for len(bufs) > 0 && n >= len(bufs[0]) {
		n -= len(bufs[0])
		bufs = bufs[1:]
	}
	if n > 0 {
		bufs[0] = bufs[0][n:]
	}
	return bufs
}

// errShortWrite is returned by a vector write that wrote nothing.
var errShortWrite = errors.New("node: write wrote nothing")
