package codec

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// The fast path of AppendInts reads a number's digits eight at a time
// (SWAR: SIMD within a register). It handles the common case, an integer of
// 1 to 15 digits with no leading zero, and integers of 16 to 19 digits in
// the int64 range; anything else falls back to scanInt, which is exact for
// every input.

const (
	ones   = 0x0101010101010101
	zeros8 = '0' * ones // eight ASCII '0'
)

// digitRun returns how many of the eight bytes in x (first byte lowest) are
// ASCII digits before the first byte that is not.
func digitRun(x uint64) int {
	// A byte is a digit when its high nibble is 3 and adding 6 keeps it so
	// (low nibble <= 9). A carry out of a non-digit byte can spoil the test
	// of the bytes after it, but never of the first non-digit byte itself.
	hi := (x & (0xF0 * ones)) ^ zeros8
	lo := ((x + 6*ones) & (0xF0 * ones)) ^ zeros8
	return bits.TrailingZeros64(hi|lo) >> 3
}

// eightDigits converts the n (0..8) leading ASCII digits of x (first byte
// lowest) to their value: first the value of each pair of digits, in every
// byte pair at once, then the four pairs' weighted sum, from two
// multiplications that do not wait on each other, in the high word.
func eightDigits(x uint64, n int) uint64 {
	const (
		pairMask = 0x000000FF000000FF // bytes 0 and 4
		// mulEven weighs pairs 0 and 2 (bytes 0 and 4) by 10^6 and 10^2
		// into the high word; mulOdd pairs 1 and 3 (bytes 2 and 6, once
		// shifted down) by 10^4 and 1.
		mulEven = 100 + 1000000<<32
		mulOdd  = 1 + 10000<<32
	)
	x -= zeros8
	x <<= (8 - n) * 8 // drop the bytes after the digits; leading zeros come in
	x = x*10 + x>>8   // byte 2k: the value of pair k (first digit first)
	return ((x&pairMask)*mulEven + (x>>16&pairMask)*mulOdd) >> 32
}

var pow10 = [...]uint64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000}

// fastInt reads the integer at raw[i:] when it is simple (see above) and at
// least 16 bytes of raw remain; ok=false means "use scanInt", not "invalid".
// It reads both words of a number of up to 15 digits without a branch on
// its length, so that numbers of varying lengths cost no misprediction.
func fastInt(raw []byte, i int) (v int64, end int, ok bool) {
	s := i
	if s < len(raw) && raw[s] == '-' {
		s++
	}
	if len(raw)-s < 16 {
		return 0, i, false
	}
	x := binary.LittleEndian.Uint64(raw[s:])
	y := binary.LittleEndian.Uint64(raw[s+8:])
	n, m := digitRun(x), digitRun(y)
	m &= -(n >> 3) // the second word counts only after eight digits
	if n == 0 || n > 1 && raw[s] == '0' {
		return 0, i, false // not a number, or a leading zero
	}
	if m == 8 {
		return longInt(raw, i, s, x, y)
	}
	u := eightDigits(x, n)*pow10[m] + eightDigits(y, m) // eightDigits(y, 0) is 0
	j := s + n + m
	if c := raw[j]; c == '.' || c == 'e' || c == 'E' {
		return 0, i, false
	}
	if s != i {
		return -int64(u), j, true
	}
	return int64(u), j, true
}

// longInt is fastInt for a number of 16 digits or more, whose first sixteen
// are x and y and whose first digit is at raw[s] (s > i after a sign): it
// reads up to three more, when 24 bytes of raw remain from s, and gives
// ok=false for anything longer or outside the int64 range, which scanInt
// then rejects with its exact error.
func longInt(raw []byte, i, s int, x, y uint64) (v int64, end int, ok bool) {
	if len(raw)-s < 24 {
		return 0, i, false
	}
	z := binary.LittleEndian.Uint64(raw[s+16:])
	k := digitRun(z)
	if k > 3 {
		return 0, i, false // 20 digits or more
	}
	u := eightDigits(x, 8)*1e8 + eightDigits(y, 8)
	u = u*pow10[k] + eightDigits(z, k) // below 10^19 < 2^64
	j := s + 16 + k
	if c := raw[j]; c == '.' || c == 'e' || c == 'E' {
		return 0, i, false
	}
	if s != i {
		if u > 1<<63 {
			return 0, i, false
		}
		return int64(-u), j, true // -2^63 too
	}
	if u > math.MaxInt64 {
		return 0, i, false
	}
	return int64(u), j, true
}
