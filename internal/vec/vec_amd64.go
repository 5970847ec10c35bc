//go:build amd64 && !purego

package vec

import "golang.org/x/sys/cpu"

// kernel reports whether the AVX2 kernels run here. Tests switch it off to
// compare them with the Go loops.
var kernel = cpu.X86.HasAVX2

// ascendingAVX2 checks Ascending's order eight values at a time (len(v) >
// 8): it returns the k it reached (len(v) unless v falls), whether v falls
// somewhere below it (it then stops at once) and whether two equal values
// meet below it.
//
//go:noescape
func ascendingAVX2(v []int64) (next int, fall, dup bool)

// sameLowsAVX2 compares seg and a eight values at a time (len(seg) ==
// len(a) >= 8): it returns the length it compared (all of it) and whether
// they differ.
//
//go:noescape
func sameLowsAVX2(seg []int64, a []uint16) (next int, differ bool)

// putLowsAVX2 writes the low bits of src to dst sixteen values at a time
// (len(dst) == len(src) >= 16) and returns how many it wrote (all).
//
//go:noescape
func putLowsAVX2(dst []uint16, src []int64) int

// Prefetch asks the CPU to bring the first 192 bytes of a into cache. It
// never faults, whatever a's length.
//
//go:noescape
func Prefetch(a []uint16)

// segmentsAVX2 goes on with Segments from v[k], n indexes written to ends
// (len(ends) == len(v), k >= 1), eight values at a time while they rise
// strictly: it returns the k it reached (it stops before eight values that
// do not all rise, and before the last seven or fewer) and the number of
// indexes written.
//
//go:noescape
func segmentsAVX2(v []int64, ends []int32, k, n int) (next, written int)
