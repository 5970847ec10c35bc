//go:build !linux

package node

// growPipe does nothing where pipes cannot be grown.
func growPipe(fd uintptr) {}
