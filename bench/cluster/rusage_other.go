//go:build !unix

package cluster

// cpuSeconds is not measured on this platform.
func cpuSeconds() (self, children float64) { return 0, 0 }
