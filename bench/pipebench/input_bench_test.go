package pipebench

import "testing"

// BenchmarkAppendRange times the generation of a 1M-value array (the sync
// case's 10M line takes ten times as long).
func BenchmarkAppendRange(b *testing.B) {
	const n = 1_000_000
	buf := make([]byte, 0, RangeLen(n)+8) // appendSeq's slack
	b.SetBytes(int64(RangeLen(n)))
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendRange(buf[:0], n)
	}
	if len(buf) != RangeLen(n) {
		b.Fatal(len(buf))
	}
}
