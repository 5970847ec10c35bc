package codec

import "unsafe"

// b2s returns a string that shares b's memory. The string is valid only while
// b is neither modified nor reused; every caller in this package hands it to
// the sonic decoder for the duration of one Decode call, and everything that
// the decoder returns that aliases it is documented as aliasing the line.
func b2s(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
