//go:build unix

package cluster

import "syscall"

// benchCPUSeconds returns the CPU time (user plus system) used so far by
// the bench process itself, its children left out.
func benchCPUSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}
