package codec

import (
	"strconv"
	"unicode/utf8"
)

// The Append functions write a message in the exercise's byte format, field
// by field, so that a reply is built without maps or reflection:
//
//	b = AppendStart(b, "n1", "c1", "read_ok")
//	b = AppendIntsField(b, "messages", values)
//	b = AppendIntField(b, "in_reply_to", 4)
//	b = AppendEnd(b, 3)
//
// gives {"src": "n1", "dest": "c1", "body": {"type": "read_ok", "messages":
// [...], "in_reply_to": 4, "msg_id": 3}} and a newline. Keys are written as
// given and must be plain ASCII names; string values are escaped as Python's
// json.dumps does by default (ensure_ascii). Each function appends to dst and
// returns the extended slice; dst may be nil.

// AppendStart opens a message from src to dest whose body has the given type.
func AppendStart(dst []byte, src, dest, typ string) []byte {
	dst = append(dst, `{"src": `...)
	dst = AppendString(dst, src)
	dst = append(dst, `, "dest": `...)
	dst = AppendString(dst, dest)
	dst = append(dst, `, "body": {"type": `...)
	return AppendString(dst, typ)
}

// AppendIntField appends `, "key": v` to an open body.
func AppendIntField(dst []byte, key string, v int64) []byte {
	dst = appendKey(dst, key)
	return strconv.AppendInt(dst, v, 10)
}

// AppendStringField appends `, "key": "s"` to an open body.
func AppendStringField(dst []byte, key, s string) []byte {
	dst = appendKey(dst, key)
	return AppendString(dst, s)
}

// AppendIntsField appends `, "key": [v0, v1, ...]` to an open body.
func AppendIntsField(dst []byte, key string, vals []int64) []byte {
	dst = appendKey(dst, key)
	return AppendInts64(dst, vals)
}

// AppendEnd closes a message with its msg_id and ends the line.
func AppendEnd(dst []byte, msgID int64) []byte {
	dst = append(dst, `, "msg_id": `...)
	dst = strconv.AppendInt(dst, msgID, 10)
	return append(dst, "}}\n"...)
}

func appendKey(dst []byte, key string) []byte {
	dst = append(dst, `, "`...)
	dst = append(dst, key...)
	return append(dst, `": `...)
}

// AppendInts64 appends vals as a JSON array with ", " separators. For a big
// array, reserve IntsSize(vals) bytes first to avoid repeated growth.
func AppendInts64(dst []byte, vals []int64) []byte {
	dst = append(dst, '[')
	if len(vals) > 0 {
		dst = appendElem(dst, vals[0], false)
		for _, v := range vals[1:] {
			dst = appendElem(dst, v, true)
		}
	}
	return append(dst, ']')
}

// IntsSize returns the exact length of AppendInts64(nil, vals), so that a
// caller can reserve a buffer for a big array in one step.
func IntsSize(vals []int64) int {
	n := 2 + 2*max(len(vals)-1, 0)
	for _, v := range vals {
		n += intLen(v)
	}
	return n
}

// SortedIntsSize returns, in O(1), a bound on the length of
// AppendInts64(nil, vals) for ascending vals: every value is taken as long
// as the longer of the first and the last (which are the extremes). It is
// exact when all values have that length, and meant for reserving a buffer
// for a read_ok of the whole set, where IntsSize's pass over the values
// would cost about a tenth of the encoding.
func SortedIntsSize(vals []int64) int {
	if len(vals) == 0 {
		return 2
	}
	w := max(intLen(vals[0]), intLen(vals[len(vals)-1]))
	return 2 + 2*(len(vals)-1) + w*len(vals)
}

// intLen is the length of the decimal form of v.
func intLen(v int64) int {
	n := 1
	u := uint64(v)
	if v < 0 {
		n++
		u = -u
	}
	for u >= 10000 {
		u /= 10000
		n += 4
	}
	for u >= 10 {
		u /= 10
		n++
	}
	return n
}

// pairs holds the two-digit decimal forms of 0..99, back to back.
const pairs = "00010203040506070809" + "10111213141516171819" + "20212223242526272829" +
	"30313233343536373839" + "40414243444546474849" + "50515253545556575859" +
	"60616263646566676869" + "70717273747576777879" + "80818283848586878889" +
	"90919293949596979899"

// appendElem appends v in decimal, preceded by ", " when sep is set. It
// writes the digits two at a time from the right into a stack buffer and
// appends once: about twice as fast as strconv.AppendInt plus a separate
// append of the separator, on a read_ok of a million values.
func appendElem(dst []byte, v int64, sep bool) []byte {
	var b [24]byte
	i := len(b)
	u := uint64(v)
	if v < 0 {
		u = -u
	}
	for u >= 100 {
		q := u / 100
		r := (u - q*100) * 2
		i -= 2
		b[i], b[i+1] = pairs[r], pairs[r+1]
		u = q
	}
	if u >= 10 {
		i -= 2
		b[i], b[i+1] = pairs[u*2], pairs[u*2+1]
	} else {
		i--
		b[i] = byte('0' + u)
	}
	if v < 0 {
		i--
		b[i] = '-'
	}
	if sep {
		i -= 2
		b[i], b[i+1] = ',', ' '
	}
	return append(dst, b[i:]...)
}

const hex = "0123456789abcdef"

// AppendString appends s as a JSON string the way Python's json.dumps writes
// it with ensure_ascii: ASCII is kept except `"`, `\` and control bytes, which
// get \", \\, \n, \r, \t, \b, \f or \u00XX; everything else becomes \uXXXX
// (UTF-16 surrogate pairs above U+FFFF). Bytes that are not valid UTF-8 are
// written as \ufffd, as encoding/json does.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' {
			i++
			continue
		}
		dst = append(dst, s[start:i]...)
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = appendU(dst, rune(c))
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0x10000 {
			r1 := 0xd800 + (r-0x10000)>>10
			r2 := 0xdc00 + (r-0x10000)&0x3ff
			dst = appendU(appendU(dst, r1), r2)
		} else {
			dst = appendU(dst, r) // utf8.RuneError for invalid bytes
		}
		i += size
		start = i
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func appendU(dst []byte, r rune) []byte {
	return append(dst, '\\', 'u', hex[r>>12&0xf], hex[r>>8&0xf], hex[r>>4&0xf], hex[r&0xf])
}
