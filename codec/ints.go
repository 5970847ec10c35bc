package codec

import (
	"errors"
	"fmt"
	"math"
)

// ErrNotInt reports a value that is not a JSON integer in the int64 range.
// The errors of ParseInt and AppendInts wrap it.
var ErrNotInt = errors.New("codec: not an integer in the int64 range")

// ErrNotIntArray reports a value that is not a JSON array.
var ErrNotIntArray = errors.New("codec: not an array of integers")

// ElemError describes the first bad element of an array given to AppendInts.
type ElemError struct {
	Index int    // position of the element in the array
	Text  string // the element's JSON text, clipped to a few dozen bytes
	Range bool   // true when the element is an integer outside the int64 range
}

// Error implements error.
func (e *ElemError) Error() string {
	if e.Range {
		return fmt.Sprintf("element %d (%s) is outside the int64 range", e.Index, e.Text)
	}
	return fmt.Sprintf("element %d (%s) is not an integer", e.Index, e.Text)
}

// Unwrap lets errors.Is match ErrNotInt.
func (e *ElemError) Unwrap() error { return ErrNotInt }

// ParseInt parses raw, the JSON text of one value, as an int64. It accepts
// exactly the JSON integers (optional minus, no leading zeros, no fraction or
// exponent) from math.MinInt64 to math.MaxInt64, with optional surrounding
// whitespace, and returns an error wrapping ErrNotInt for anything else.
func ParseInt(raw []byte) (int64, error) {
	i := skipSpace(raw, 0)
	v, j, ok := scanInt(raw, i)
	if j == i || skipSpace(raw, j) != len(raw) {
		return 0, fmt.Errorf("%w: %s", ErrNotInt, clip(raw))
	}
	if !ok {
		return 0, fmt.Errorf("%w: %s is out of range", ErrNotInt, clip(raw))
	}
	return v, nil
}

// AppendInts parses raw, the JSON text of an array of integers, and appends
// the values to dst in array order. On error it returns dst[:len(dst)] as it
// was given, and the error is either ErrNotIntArray (wrapped) or an
// *ElemError naming the first bad element. A steady-state call with enough
// capacity in dst allocates nothing.
func AppendInts(dst []int64, raw []byte) ([]int64, error) {
	start := len(dst)
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != '[' {
		return dst, fmt.Errorf("%w: %s", ErrNotIntArray, clip(raw))
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == ']' {
		if skipSpace(raw, i+1) != len(raw) {
			return dst, fmt.Errorf("%w: %s", ErrNotIntArray, clip(raw))
		}
		return dst, nil
	}
	for n := 0; ; n++ {
		v, j, ok := fastInt(raw, i)
		if !ok {
			v, j, ok = scanInt(raw, i)
			if j == i || !ok {
				return dst[:start], elemError(raw, i, n, j > i && !ok)
			}
		}
		dst = append(dst, v)
		// The common separators first: "," and ", ".
		if j < len(raw) && raw[j] == ',' {
			i = j + 1
			if i < len(raw) && raw[i] == ' ' {
				i++
			}
			if i < len(raw) && raw[i] > ' ' {
				continue
			}
			i = skipSpace(raw, i)
			continue
		}
		j = skipSpace(raw, j)
		if j < len(raw) && raw[j] == ',' {
			i = skipSpace(raw, j+1)
			continue
		}
		if j < len(raw) && raw[j] == ']' && skipSpace(raw, j+1) == len(raw) {
			return dst, nil
		}
		return dst[:start], fmt.Errorf("%w: no , or ] after element %d", ErrNotIntArray, n)
	}
}

// scanInt reads a JSON integer at raw[i:]. It returns the value, the index
// just past the number, and ok=false when the integer is outside int64. When
// raw[i:] does not start with a JSON integer, or the number goes on with a
// fraction or an exponent, the returned index is i.
func scanInt(raw []byte, i int) (v int64, end int, ok bool) {
	j := i
	neg := false
	if j < len(raw) && raw[j] == '-' {
		neg = true
		j++
	}
	d0 := j
	var u uint64
	for j < len(raw) {
		c := raw[j] - '0'
		if c > 9 {
			break
		}
		if j-d0 >= 19 {
			// A 20th digit: anything with 20 or more digits (no leading
			// zero) is above 2^64 > int64's range.
			u = math.MaxUint64
		} else {
			u = u*10 + uint64(c)
		}
		j++
	}
	switch {
	case j == d0: // no digits
		return 0, i, false
	case raw[d0] == '0' && j-d0 > 1: // leading zero
		return 0, i, false
	case j < len(raw) && (raw[j] == '.' || raw[j] == 'e' || raw[j] == 'E'):
		return 0, i, false
	}
	if neg {
		if u > 1<<63 {
			return 0, j, false
		}
		return -int64(u), j, true
	}
	if u > math.MaxInt64 {
		return 0, j, false
	}
	return int64(u), j, true
}

// elemError builds the error for the element that starts at raw[i].
func elemError(raw []byte, i, n int, outOfRange bool) error {
	j := i
	depth := 0
	for ; j < len(raw); j++ {
		c := raw[j]
		if c == '[' || c == '{' {
			depth++
		} else if (c == ']' || c == '}') && depth > 0 {
			depth--
		} else if depth == 0 && (c == ',' || c == ']') {
			break
		}
	}
	text := raw[i:j]
	for len(text) > 0 && isSpace(text[len(text)-1]) {
		text = text[:len(text)-1]
	}
	return &ElemError{Index: n, Text: clip(text), Range: outOfRange}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}
