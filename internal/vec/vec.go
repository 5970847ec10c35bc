package vec

// Ascending reports whether v never falls from one value to the next
// (sorted), and whether it always rises (distinct). It stops at the first
// fall.
func Ascending(v []int64) (sorted, distinct bool) {
	k, dup := 1, false
	if kernel && len(v) > 8 {
		var fall bool
		k, fall, dup = ascendingAVX2(v)
		if fall {
			return false, false
		}
	}
	for ; k < len(v); k++ {
		if v[k] <= v[k-1] {
			if v[k] < v[k-1] {
				return false, false
			}
			dup = true
		}
	}
	return true, !dup
}

// SameLows reports whether the low 16 bits of seg are a, value for value.
// It reports false when the lengths differ.
func SameLows(seg []int64, a []uint16) bool {
	if len(seg) != len(a) {
		return false
	}
	k := 0
	if kernel && len(seg) >= 8 {
		var differ bool
		if k, differ = sameLowsAVX2(seg, a); differ {
			return false
		}
	}
	a = a[:len(seg)]
	for ; k < len(seg); k++ {
		if uint16(seg[k]) != a[k] {
			return false
		}
	}
	return true
}

// PutLows writes the low 16 bits of each value of src to dst, which must be
// at least as long (it panics otherwise).
func PutLows(dst []uint16, src []int64) {
	dst = dst[:len(src)]
	k := 0
	if kernel && len(src) >= 16 {
		k = putLowsAVX2(dst, src)
	}
	for ; k < len(src); k++ {
		dst[k] = uint16(src[k])
	}
}

// Segments writes to ends, in order, the index just past each run of v's
// values that share their high 48 bits (one chunk of 2^16 values, for a
// sorted v), the last being len(v), and returns how many it wrote, with
// Ascending's sorted and distinct. When v is not sorted it stops at the
// first fall, and what it wrote to ends means nothing. ends must have room
// for len(v) indexes (it panics otherwise), and len(v) must be below 2^31.
func Segments(v []int64, ends []int32) (n int, sorted, distinct bool) {
	if len(v) == 0 {
		return 0, true, true
	}
	ends = ends[:len(v)]
	dup := false
	for k := 1; k < len(v); {
		if kernel && len(v)-k >= 8 {
			if k, n = segmentsAVX2(v, ends, k, n); k == len(v) {
				break
			}
		}
		// Value by value: the eight values where the kernel stopped,
		// or the last few.
		for stop := min(k+8, len(v)); k < stop; k++ {
			switch {
			case v[k] < v[k-1]:
				return 0, false, false
			case v[k] == v[k-1]:
				dup = true
			}
			if (v[k]^v[k-1])>>16 != 0 {
				ends[n] = int32(k)
				n++
			}
		}
	}
	ends[n] = int32(len(v))
	return n + 1, true, !dup
}
