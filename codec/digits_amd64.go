//go:build amd64 && !purego

package codec

import "golang.org/x/sys/cpu"

// digitKernel reports whether the digit kernel runs here: it needs AVX2 and
// BMI1. digitKernel512 reports whether it runs as scanDigits512, which also
// needs AVX-512 (F and BW). Tests switch them off to compare the kernels
// with each other and with the portable path.
var (
	digitKernel    = cpu.X86.HasAVX2 && cpu.X86.HasBMI1
	digitKernel512 = digitKernel && cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW
)

// scanKernel runs the digit kernel: scanDigits512 where it can, else
// scanDigits.
func scanKernel(b []byte, i int, out []int64) (next, n int) {
	if digitKernel512 {
		return scanDigits512(b, i, out)
	}
	return scanDigits(b, i, out)
}

// scanDigits parses, from b[i:], the elements of a JSON array of integers
// that are in the kernel's simple form: 1 to 16 digits with no leading zero,
// each followed by a comma, the next after that comma or after one space.
// It writes their values to out and returns how many it wrote and next, the
// byte after the last comma it consumed (i when n is 0). It stops at
// anything else: a sign, other whitespace, a longer number, the closing
// bracket, or the last 64 bytes of b, which it leaves for the caller's own
// parser. It starts each 64-byte block only while out has room for 32 more
// values, the most that one block can end, so it writes at most len(out)
// values, and none when len(out) < 32. It reads b from i-16 on, so i must
// be at least 16 and b[i] where an element may start. It retains nothing.
//
//go:noescape
func scanDigits(b []byte, i int, out []int64) (next, n int)

// scanDigits512 is scanDigits with AVX-512, except that it starts each
// 64-byte block only while out has room for 35 more values (it may write up
// to three past those it returns), so it writes none when len(out) < 35.
//
//go:noescape
func scanDigits512(b []byte, i int, out []int64) (next, n int)
