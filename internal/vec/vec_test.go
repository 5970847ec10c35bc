package vec

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// The reference loops: each function's definition, one value at a time.

func refAscending(v []int64) (sorted, distinct bool) {
	sorted, distinct = true, true
	for k := 1; k < len(v); k++ {
		sorted = sorted && v[k] >= v[k-1]
		distinct = distinct && v[k] > v[k-1]
	}
	return sorted, sorted && distinct
}

func refSameLows(seg []int64, a []uint16) bool {
	if len(seg) != len(a) {
		return false
	}
	for k := range seg {
		if uint16(seg[k]) != a[k] {
			return false
		}
	}
	return true
}

func refSegments(v []int64) []int32 {
	var ends []int32
	for k := 1; k < len(v); k++ {
		if uint64(v[k])>>16 != uint64(v[k-1])>>16 {
			ends = append(ends, int32(k))
		}
	}
	if len(v) > 0 {
		ends = append(ends, int32(len(v)))
	}
	return ends
}

// check compares every function with its reference on v, with the kernels
// on (where this build has them) and off.
func check(t *testing.T, v []int64) {
	t.Helper()
	lows := make([]uint16, len(v))
	for k, x := range v {
		lows[k] = uint16(x)
	}
	defer func(on bool) { kernel = on }(kernel)
	for _, on := range []bool{kernel, false} {
		kernel = on
		s, d := Ascending(v)
		if ws, wd := refAscending(v); s != ws || d != wd {
			t.Fatalf("kernel %v: Ascending(%v) = %v, %v, want %v, %v", on, v, s, d, ws, wd)
		}
		ends := make([]int32, len(v)+1)
		ends[len(v)] = -7
		n, s, d := Segments(v, ends)
		if ws, wd := refAscending(v); s != ws || d != wd {
			t.Fatalf("kernel %v: Segments(%v) order %v, %v, want %v, %v", on, v, s, d, ws, wd)
		}
		if want := refSegments(v); s && !slices.Equal(ends[:n], want) {
			t.Fatalf("kernel %v: Segments(%v) = %v, want %v", on, v, ends[:n], want)
		}
		if ends[len(v)] != -7 {
			t.Fatalf("kernel %v: Segments wrote past len(v)", on)
		}
		dst := make([]uint16, len(v)+1)
		dst[len(v)] = 0xabcd
		PutLows(dst, v)
		if !refSameLows(v, dst[:len(v)]) || dst[len(v)] != 0xabcd {
			t.Fatalf("kernel %v: PutLows(%v) wrote %v", on, v, dst)
		}
		if !SameLows(v, lows) {
			t.Fatalf("kernel %v: SameLows(%v, its lows) = false", on, v)
		}
		if len(v) > 0 && SameLows(v, lows[:len(lows)-1]) {
			t.Fatalf("kernel %v: SameLows with a shorter array = true", on)
		}
		// One low value changed at each position, or a high bit that
		// does not count.
		for k := range v {
			lows[k] ^= 1 << (k % 16)
			if SameLows(v, lows) {
				t.Fatalf("kernel %v: SameLows(%v, %v) = true", on, v, lows)
			}
			lows[k] ^= 1 << (k % 16)
			v[k] ^= 1 << 40
			if !SameLows(v, lows) {
				t.Fatalf("kernel %v: SameLows looks above the low 16 bits", on)
			}
			v[k] ^= 1 << 40
		}
	}
}

func TestVec_Table(t *testing.T) {
	asc := make([]int64, 40)
	for k := range asc {
		asc[k] = int64(3 * k)
	}
	withStep := func(at int) []int64 {
		v := append([]int64(nil), asc...)
		v[at] = v[at-1] + 1
		return v
	}
	withDup := func(at int) []int64 {
		v := append([]int64(nil), asc...)
		v[at] = v[at-1]
		return v
	}
	withFall := func(at int) []int64 {
		v := append([]int64(nil), asc...)
		v[at] = v[at-1] - 1
		return v
	}
	tests := []struct {
		name string
		v    []int64
	}{
		{"empty", nil},
		{"one", []int64{7}},
		{"ascending", asc},
		{"step at 1", withStep(1)},
		{"step at 8", withStep(8)},
		{"step at 9", withStep(9)},
		{"step at 12", withStep(12)},
		{"step at 39", withStep(39)},
		{"dup at 5", withDup(5)},
		{"dup at 39", withDup(39)},
		{"fall at 2", withFall(2)},
		{"fall at 16", withFall(16)},
		{"fall at 39", withFall(39)},
		{"chunks", []int64{-1 << 16, -1, 0, 1 << 16, 1<<16 + 1, 2 << 16, 3 << 16, 3<<16 + 5, 4 << 16}},
		{"chunks at the end", []int64{1, 2, 3, 4, 5, 6, 7, 1 << 16, 2 << 16}},
		{"a chunk at each lane's end", []int64{0, 1, 2, 3, 4, 5, 6, 7, 1 << 16, 1<<16 + 1, 1<<16 + 2, 1<<16 + 3, 1<<16 + 4, 1<<16 + 5, 1<<16 + 6, 1<<16 + 7, 2 << 16, 2<<16 + 1}},
		{"wrap", []int64{math.MaxInt64, math.MinInt64, 0, 2, 4, 6, 8, 10, 12, 14, 16}},
		{"extremes", []int64{math.MinInt64, -1, 0, 1, math.MaxInt64 - 1, math.MaxInt64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { check(t, tc.v) })
	}
}

func TestVec_Random(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := r.IntN(80)
		v := make([]int64, n)
		x := r.Int64N(1 << 20)
		falls := r.IntN(2) == 0 // else sorted, so that every index is checked
		for k := range v {
			step := r.IntN(8)
			if step == 2 && !falls {
				step = 1
			}
			switch step {
			case 0:
				x++
			case 1:
			case 2:
				x -= r.Int64N(5)
			case 3:
				x += r.Int64N(1 << 17)
			default:
				x += 2 + r.Int64N(1000)
			}
			v[k] = x
		}
		check(t, v)
	}
}

func FuzzVec(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		v := make([]int64, 0, len(b)/2)
		var x int64
		for len(b) >= 2 {
			// Small steps, so that steps of one, duplicates and falls
			// all occur.
			x += int64(int16(binary.LittleEndian.Uint16(b))) >> 10 << (b[0] & 16)
			v = append(v, x)
			b = b[2:]
		}
		check(t, v)
	})
}
