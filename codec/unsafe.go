package codec

import "unsafe"

// b2s returns a string that shares b's memory. The string is valid only while
// b is neither modified nor reused; every caller in this package hands it to
// the sonic decoder for the duration of one Decode call, and everything that
// the decoder returns that aliases it is documented as aliasing the line.
func b2s(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// offsetIn returns where sub starts within b, when sub is a (non-empty) part
// of b's memory, as the raw fields of a decoded Message are of their line.
func offsetIn(b, sub []byte) (int, bool) {
	if len(sub) == 0 || len(b) == 0 {
		return 0, false
	}
	off := uintptr(unsafe.Pointer(unsafe.SliceData(sub))) - uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	if off > uintptr(len(b)-len(sub)) {
		return 0, false
	}
	return int(off), true
}
