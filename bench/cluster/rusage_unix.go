//go:build unix

package cluster

import "syscall"

// cpuSeconds returns the CPU time (user plus system) used so far by the
// bench itself and by its children that have exited (the nodes, once Run
// has stopped them).
func cpuSeconds() (self, children float64) {
	sec := func(ru *syscall.Rusage) float64 {
		return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		self = sec(&ru)
	}
	if syscall.Getrusage(syscall.RUSAGE_CHILDREN, &ru) == nil {
		children = sec(&ru)
	}
	return self, children
}
