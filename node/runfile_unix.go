//go:build unix

package node

import (
	"os"
	"syscall"
)

// mapFile maps size bytes of f from offset off (a multiple of the page
// size), shared and writable.
func mapFile(f *os.File, off int64, size int) ([]byte, error) {
	return syscall.Mmap(int(f.Fd()), off, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_SHARED)
}

func unmapFile(m []byte) { syscall.Munmap(m) }
