//go:build !amd64 || purego

package codec

// digitKernel is false: there is no scanDigits kernel for this platform (or
// the purego tag asks for none), and the portable parser does all the work.
var digitKernel, digitKernel512 = false, false

// scanDigits and scanDigits512 are never called without a kernel.
func scanDigits(b []byte, i int, out []int64) (next, n int) {
	panic("codec: scanDigits without a kernel")
}

func scanDigits512(b []byte, i int, out []int64) (next, n int) {
	panic("codec: scanDigits512 without a kernel")
}

// scanKernel is never called without a kernel.
func scanKernel(b []byte, i int, out []int64) (next, n int) {
	panic("codec: scanKernel without a kernel")
}
