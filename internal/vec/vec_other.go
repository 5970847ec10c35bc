//go:build !amd64 || purego

package vec

// kernel is false: there is no assembly for this platform (or the purego
// tag asks for none), and the Go loops do all the work.
var kernel = false

// Prefetch does nothing here.
func Prefetch(a []uint16) {}

// The kernels are never called without assembly.

func ascendingAVX2(v []int64) (next int, fall, dup bool)                 { panic("vec: no kernel") }
func sameLowsAVX2(seg []int64, a []uint16) (next int, differ bool)       { panic("vec: no kernel") }
func segmentsAVX2(v []int64, ends []int32, k, n int) (next, written int) { panic("vec: no kernel") }
func putLowsAVX2(dst []uint16, src []int64) int                          { panic("vec: no kernel") }
