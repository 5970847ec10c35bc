package codec

import "testing"

// BenchmarkAppendInts parses the messages array of a gossip_sync of 1M
// sequential values (the SWAR fast path) and of 1M values with 19 digits
// (the exact fallback).
func BenchmarkAppendInts(b *testing.B) {
	for _, tc := range []struct {
		name string
		base int64
	}{{"1M/seq", 0}, {"1M/19digits", 1e18}} {
		vals := make([]int64, 1_000_000)
		for i := range vals {
			vals[i] = tc.base + int64(i)
		}
		raw := AppendInts64(nil, vals)
		buf := make([]int64, 0, len(vals))
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(raw)))
			for b.Loop() {
				var err error
				if buf, err = AppendInts(buf[:0], raw); err != nil || len(buf) != len(vals) {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(vals))*float64(b.N)/b.Elapsed().Seconds(), "values/s")
		})
	}
}
