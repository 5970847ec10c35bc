//go:build linux

package cluster

import (
	"os"
	"strconv"
)

// procCPU returns the CPU time (user plus system, every thread) that
// process pid has used so far, in seconds, from /proc/PID/stat, at the
// resolution of one tick (10 ms); ok is false when it cannot be read.
func procCPU(pid int) (float64, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, false
	}
	ticks, ok := parseStatCPU(b)
	return float64(ticks) / userHZ, ok
}
