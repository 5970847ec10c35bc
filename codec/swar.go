package codec

import (
	"encoding/binary"
	"math/bits"
)

// The fast path of AppendInts reads a number's digits eight at a time
// (SWAR: SIMD within a register). It handles the common case, an integer of
// 1 to 15 digits with no leading zero; anything else falls back to scanInt,
// which is exact for every input.

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

// eightDigits converts the n (1..8) leading ASCII digits of x (first byte
// lowest) to their value.
func eightDigits(x uint64, n int) uint64 {
	x -= zeros8
	x <<= (8 - n) * 8 // drop the bytes after the digits; leading zeros come in
	x = (x*10 + x>>8) & 0x00FF00FF00FF00FF
	x = (x*100 + x>>16) & 0x0000FFFF0000FFFF
	return (x*10000 + x>>32) & 0xFFFFFFFF
}

var pow10 = [...]uint64{1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000}

// fastInt reads the integer at raw[i:] when it is simple (see above) and at
// least 16 bytes of raw remain; ok=false means "use scanInt", not "invalid".
func fastInt(raw []byte, i int) (v int64, end int, ok bool) {
	s := i
	if s < len(raw) && raw[s] == '-' {
		s++
	}
	if len(raw)-s < 16 {
		return 0, i, false
	}
	x := binary.LittleEndian.Uint64(raw[s:])
	n := digitRun(x)
	if n == 0 || n > 1 && raw[s] == '0' {
		return 0, i, false
	}
	u := eightDigits(x, n)
	j := s + n
	if n == 8 {
		x = binary.LittleEndian.Uint64(raw[j:])
		m := digitRun(x)
		if m == 8 {
			return 0, i, false // 16 digits or more
		}
		if m > 0 {
			u = u*pow10[m] + eightDigits(x, m)
			j += m
		}
	}
	if c := raw[j]; c == '.' || c == 'e' || c == 'E' {
		return 0, i, false
	}
	if s != i {
		return -int64(u), j, true
	}
	return int64(u), j, true
}
