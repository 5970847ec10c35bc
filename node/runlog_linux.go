package node

import (
	"os"
	"syscall"
	"unsafe"
)

// appendFile appends b to f, a regular file opened with O_APPEND, with a raw
// write(2): the node's one goroutine would wait for it anyway, and Go's
// blocking system call path (handing the P off and taking it back) costs
// more than the write itself when it comes once per acknowledged broadcast.
func appendFile(f *os.File, b []byte) error {
	fd := f.Fd()
	for len(b) > 0 {
		n, _, errno := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
		switch {
		case errno == syscall.EINTR:
			continue
		case errno != 0:
			return errno
		case n == 0:
			return errShortWrite
		}
		b = b[n:]
	}
	return nil
}
