package pipebench

import (
	"os"
	"syscall"
)

// childMaxRSS returns the Maxrss of an exited child, in bytes (Linux
// reports KiB). See the package doc for why it is not the child's own peak
// when the tool's is higher.
func childMaxRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10
	}
	return 0
}
