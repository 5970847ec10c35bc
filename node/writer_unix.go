//go:build unix

package node

import (
	"os"
	"time"
)

// useFile sets w up to write f's descriptor itself: in non-blocking mode
// through the poller when f is a pipe or socket (see pollable), with
// vectored writes.
func (w *writer) useFile(f *os.File) {
	if p, restore := pollable(f); p != nil {
		f, w.restore = p, restore
	}
	if rc, err := f.SyscallConn(); err == nil {
		w.rc = rc
	}
	w.vw.raw = f.SetWriteDeadline(time.Time{}) == nil
}
