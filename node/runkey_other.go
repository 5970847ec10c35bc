//go:build !linux

package node

import "strconv"

// runKeyExact reports whether runKey tells processes apart by their start
// time; here it does not, so folders of runs that ended are not removed.
const runKeyExact = false

// runKey names the run of the processes that process pid started: here by
// its pid alone.
func runKey(pid int) string { return strconv.Itoa(pid) + "-0" }
