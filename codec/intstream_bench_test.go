package codec

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// countSink counts what an IntStream hands it.
type countSink struct{ n int64 }

func (c *countSink) AddRun(lo, hi int64)    { c.n += hi - lo + 1 }
func (c *countSink) AddValues(vals []int64) { c.n += int64(len(vals)) }
func (c *countSink) Reset()                 { c.n = 0 }

// benchArrays are the 1M-value arrays of the stream benchmarks: sequential
// values from 0, and distinct random values from [0, 10^9) sorted.
func benchArrays() map[string][]byte {
	seq := make([]int64, 1_000_000)
	for i := range seq {
		seq[i] = int64(i)
	}
	r := rand.New(rand.NewPCG(1, 2))
	sparse := make([]int64, 0, 1_000_000)
	seen := map[int64]bool{}
	for len(sparse) < 1_000_000 {
		if v := r.Int64N(1_000_000_000); !seen[v] {
			seen[v] = true
			sparse = append(sparse, v)
		}
	}
	slices.Sort(sparse)
	return map[string][]byte{"seq": AppendInts64(nil, seq), "sorted-sparse": AppendInts64(nil, sparse)}
}

// BenchmarkIntStream parses a 1M-value array in 64 KiB pieces, as the node
// reads a long line, into a sink that only counts.
func BenchmarkIntStream(b *testing.B) {
	for _, name := range []string{"seq", "sorted-sparse"} {
		raw := benchArrays()[name]
		b.Run(name, func(b *testing.B) {
			var s IntStream
			var c countSink
			b.SetBytes(int64(len(raw)))
			b.ReportAllocs()
			for b.Loop() {
				c.n = 0
				s.Reset(&c)
				for i := 0; i < len(raw); i += 64 << 10 {
					s.Feed(raw[i:min(i+64<<10, len(raw))])
				}
				if c.n != 1_000_000 {
					b.Fatalf("%d values", c.n)
				}
			}
			b.ReportMetric(1e6*float64(b.N)/b.Elapsed().Seconds(), "values/s")
		})
	}
}
