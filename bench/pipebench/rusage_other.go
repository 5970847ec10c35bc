//go:build !linux

package pipebench

import "os"

// childMaxRSS is not read on this platform, where Maxrss has other units
// and no /proc figure to compare it with.
func childMaxRSS(ps *os.ProcessState) int64 { return 0 }
