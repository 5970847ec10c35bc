//go:build unix

package node

import (
	"os"
	"syscall"
)

// mapFile maps the first size bytes of f, shared and writable.
func mapFile(f *os.File, size int) ([]byte, error) {
	return syscall.Mmap(int(f.Fd()), 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
}

func unmapFile(m []byte) { syscall.Munmap(m) }
