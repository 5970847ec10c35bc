package node

import (
	"os"
	"strconv"
	"strings"
)

// runKeyExact reports whether runKey tells processes apart by their start
// time, so that a key whose process is gone can be recognized.
const runKeyExact = true

// runKey names the run of the processes that process pid started: its pid
// and its start time (field 22 of /proc/pid/stat, in clock ticks since
// boot), so that a reused pid names another run. A process that cannot be
// read gets start time 0.
func runKey(pid int) string {
	start := "0"
	if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err == nil {
		// The command name, in parentheses, may hold spaces: count the
		// fields from the last ')'. The state is field 3, the start time 22.
		if i := strings.LastIndexByte(string(b), ')'); i >= 0 {
			if f := strings.Fields(string(b[i+1:])); len(f) > 19 {
				start = f[19]
			}
		}
	}
	return strconv.Itoa(pid) + "-" + start
}
