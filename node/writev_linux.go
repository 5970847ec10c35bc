package node

import (
	"syscall"
	"unsafe"
)

// maxIovec is the most pieces one writev takes (Linux's IOV_MAX).
const maxIovec = 1024

// vectorWriter writes pieces with writev(2), reusing its iovec array. With
// raw set (a non-blocking descriptor, whose writes never block) it skips the
// scheduler's bookkeeping of a blocking system call.
type vectorWriter struct {
	iov []syscall.Iovec
	raw bool
}

// writev writes as many of bufs (up to maxIovec of them) as one writev(2)
// takes, and returns how many bytes it wrote.
func (v *vectorWriter) writev(fd int, bufs [][]byte) (int, error) {
	v.iov = v.iov[:0]
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		if len(v.iov) == maxIovec {
			break
		}
		iov := syscall.Iovec{Base: &b[0]}
		iov.SetLen(len(b))
		v.iov = append(v.iov, iov)
	}
	if len(v.iov) == 0 {
		return 0, nil
	}
	call := syscall.Syscall
	if v.raw {
		call = syscall.RawSyscall
	}
	n, _, errno := call(syscall.SYS_WRITEV, uintptr(fd), uintptr(unsafe.Pointer(&v.iov[0])), uintptr(len(v.iov)))
	if errno != 0 {
		return 0, errno
	}
	if n == 0 {
		return 0, errShortWrite
	}
	return int(n), nil
}
