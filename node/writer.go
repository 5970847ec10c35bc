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
	w  io.Writer
	rc syscall.RawConn // w's, when it is a file; nil otherwise
	vw vectorWriter
}

func newWriter(w io.Writer) *writer {
	wr := &writer{w: w}
	if f, ok := w.(*os.File); ok {
		if rc, err := f.SyscallConn(); err == nil {
			wr.rc = rc
		}
	}
	return wr
}

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
	var werr error
	err := w.rc.Write(func(fd uintptr) bool {
		for len(bufs) > 0 {
			n, err := w.vw.writev(int(fd), bufs)
			if err == syscall.EAGAIN {
				return false // a non-blocking stdout is full: wait for it
			}
			if err == syscall.EINTR {
				continue
			}
			if err != nil {
				werr = err
				return true
			}
			bufs = consumed(bufs, n)
		}
		return true
	})
	if err != nil {
		return err
	}
	if werr != nil {
		return &os.PathError{Op: "write", Path: "stdout", Err: werr}
	}
	return nil
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
