//go:build !unix

package cluster

// benchCPUSeconds is not measured on this platform.
func benchCPUSeconds() float64 { return 0 }
