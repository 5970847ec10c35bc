//go:build unix && !linux

package node

import "syscall"

// vectorWriter writes pieces one write(2) at a time where writev is not
// wired up.
type vectorWriter struct {
	raw bool // unused here
}

// writev writes the first non-empty piece of bufs and returns how many bytes
// it wrote (leading empty pieces count as written).
func (v *vectorWriter) writev(fd int, bufs [][]byte) (int, error) {
	for _, b := range bufs {
		if len(b) == 0 {
			continue
		}
		n, err := syscall.Write(fd, b)
		if err != nil {
			return 0, err
		}
		if n == 0 {
			return 0, errShortWrite
		}
		return n, nil
	}
	return 0, nil
}
