//go:build !linux

package cluster

// procCPU is not available on this platform: a running process's CPU time
// is unknown until it exits.
func procCPU(pid int) (float64, bool) { return 0, false }
