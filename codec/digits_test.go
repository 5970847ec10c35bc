package codec

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// refScanDigits is scanDigits' contract written plainly: the kernel's
// result on every input must equal it.
func refScanDigits(b []byte, i int, max, blockRoom int) (next int, vals []int64) {
	limit := i + (len(b)-i)/64*64
	for q := i; q < limit; q++ {
		c, prev := b[q], b[q-1]
		isDigit := func(c byte) bool { return '0' <= c && c <= '9' }
		if !isDigit(c) && c != ',' && c != ' ' || c == ' ' && prev != ',' || c == ',' && !isDigit(prev) {
			limit = q
			break
		}
	}
	next = i
	block := -1 // the 64-byte block of the last element's comma
	for {
		p := next
		if p < limit && b[p] == ' ' {
			p++
		}
		e := p
		for e < limit && b[e] != ',' {
			e++
		}
		if e >= limit || e-p > 16 || e-p > 1 && b[p] == '0' {
			break
		}
		if k := (e - i) / 64; k > block {
			// A block is started only with room for blockRoom values.
			if len(vals)+blockRoom > max {
				break
			}
			block = k
		}
		v, err := strconv.ParseInt(string(b[p:e]), 10, 64)
		if err != nil {
			panic(err)
		}
		vals = append(vals, v)
		next = e + 1
	}
	return next, vals
}

// kernelStops are elements, or what follows one, at which the kernel must
// stop: a sign, a leading zero, two spaces, more than 16 digits, other
// whitespace, an empty element, a space before a comma.
var kernelStops = []string{"-12", "007", " 5", "1234567890123456789", "\n8", ",9", "3 "}

// kernelText returns random array text around the kernel's simple form,
// with some of everything it must stop at.
func kernelText(r *rand.Rand, n int) []byte {
	b := []byte(`{"type":"gossip_sync","messages":[`)
	for k := range n {
		if k > 0 {
			b = append(b, ',')
			if r.IntN(2) == 0 {
				b = append(b, ' ')
			}
		}
		switch x := r.IntN(200); {
		case x < len(kernelStops):
			b = append(b, kernelStops[x]...)
		case x < 40:
			b = strconv.AppendInt(b, r.Int64N(100), 10)
		case x < 50:
			b = strconv.AppendInt(b, r.Int64N(1e16), 10)
		default:
			b = strconv.AppendInt(b, r.Int64N(1e10), 10)
		}
	}
	return append(b, "]}"...)
}

// TestScanDigits checks each kernel this machine runs against its contract
// on random text, at every starting element and with every output room up
// to a few dozen.
func TestScanDigits(t *testing.T) {
	if !digitKernel {
		t.Skip("no digit kernel on this machine")
	}
	type kernel struct {
		name      string
		scan      func(b []byte, i int, out []int64) (int, int)
		blockRoom int
	}
	kernels := []kernel{{"avx2", scanDigits, 32}}
	if digitKernel512 {
		kernels = append(kernels, kernel{"avx512", scanDigits512, 35})
	}
	for _, k := range kernels {
		t.Run(k.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(7, 7))
			out := make([]int64, 96)
			total := 0
			for range 3000 {
				b := kernelText(r, 1+r.IntN(60))
				for i := 16; i < len(b); i++ {
					if c := b[i-1]; c != ',' && c != ' ' && c != '[' {
						continue
					}
					room := 1 + r.IntN(len(out))
					next, n := k.scan(b, i, out[:room])
					wantNext, want := refScanDigits(b, i, room, k.blockRoom)
					if next != wantNext || !slices.Equal(out[:n], want) {
						t.Fatalf("%q from %d, room %d: next %d, %v; want %d, %v", b, i, room, next, out[:n], wantNext, want)
					}
					total += n
				}
			}
			if total < 100_000 {
				t.Fatalf("the kernel read only %d values: the text does not exercise it", total)
			}
			t.Logf("%d values", total)
		})
	}
}

// checkBothPaths checks an IntStream on raw cut at cuts against AppendInts
// and encoding/json (checkStream), then, where the kernel runs, checks that
// the portable path alone gives the very same result.
func checkBothPaths(t *testing.T, raw []byte, cuts []int) {
	t.Helper()
	checkStream(t, raw, cuts)
	if !digitKernel {
		return
	}
	vals, st, end, rebuilt, base := streamPieces(raw, cuts)
	defer func(k512 bool) { digitKernel, digitKernel512 = true, k512 }(digitKernel512)
	// The AVX2 kernel where the AVX-512 one ran, then the portable path.
	for _, kernel := range []bool{digitKernel512, false} {
		digitKernel, digitKernel512 = kernel, false
		pVals, pSt, pEnd, pRebuilt, pBase := streamPieces(raw, cuts)
		if !slices.Equal(vals, pVals) || st != pSt || end != pEnd || !bytes.Equal(rebuilt, pRebuilt) || base != pBase {
			t.Fatalf("%q cut at %v: first kernel %v %v %d %q %d; then (kernel %v) %v %v %d %q %d",
				raw, cuts, vals, st, end, rebuilt, base, kernel, pVals, pSt, pEnd, pRebuilt, pBase)
		}
	}
}

// TestIntStream_KernelAndPortable: arrays around the kernel's simple form,
// cut anywhere, parse right and the same with the kernel and without it.
func TestIntStream_KernelAndPortable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		text := kernelText(r, 1+r.IntN(300))
		raw := text[bytes.IndexByte(text, '['):]
		cuts := make([]int, r.IntN(4))
		for k := range cuts {
			cuts[k] = r.IntN(len(raw) + 1)
		}
		slices.Sort(cuts)
		checkBothPaths(t, raw, cuts)
	}
}
