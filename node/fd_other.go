//go:build !unix

package node

import (
	"errors"
	"os"
)

// Without Unix descriptors the node reads and writes its files through
// their io.Reader and io.Writer: stdin on a goroutine of its own
// (chanInput), stdout one piece at a time.

// pollFile returns nil: reading through the poller needs a Unix descriptor
// in non-blocking mode.
func pollFile(*os.File) input { return nil }

// useFile leaves w on f's Write.
func (w *writer) useFile(f *os.File) {}

// vectorWriter is never used here (w.rc stays nil).
type vectorWriter struct{}

func (v *vectorWriter) writev(fd int, bufs [][]byte) (int, error) {
	return 0, errors.ErrUnsupported
}
