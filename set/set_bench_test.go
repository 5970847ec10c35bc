package set

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
)

// benchSizes are the batch and set sizes; the names line up in benchstat.
var benchSizes = []struct {
	name string
	n    int
}{{"1k", 1_000}, {"100k", 100_000}, {"1M", 1_000_000}}

// benchShapes build the benchmark inputs:
//   - seq: 0, 1, ..., n-1 in order (the Maelstrom workload: dense and sorted);
//   - sparse: n random values in [0, 64n), unsorted (about 1 in 64 keys set,
//     so roaring array containers), with the duplicates chance gives.
var benchShapes = []struct {
	name string
	gen  func(n int) []int64
}{
	{"seq", func(n int) []int64 { return seq(0, n) }},
	{"sparse", func(n int) []int64 {
		return randIn(rand.New(rand.NewPCG(uint64(n), 42)), n, 0, 64*int64(n))
	}},
}

// reportValues reports the throughput of b in values per second and in
// nanoseconds per value, for perOp values handled per iteration.
func reportValues(b *testing.B, perOp int) {
	total := float64(perOp) * float64(b.N)
	b.ReportMetric(total/b.Elapsed().Seconds(), "values/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/total, "ns/value")
}

func BenchmarkMerge(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			for _, shape := range benchShapes {
				in := shape.gen(size.n)
				distinct := len(slices.Compact(slices.Sorted(slices.Values(in))))
				b.Run(shape.name, func(b *testing.B) {
					b.Run("empty", func(b *testing.B) { benchmarkMerge(b, in, false, distinct) })
					b.Run("full", func(b *testing.B) { benchmarkMerge(b, in, true, 0) })
				})
			}
		})
	}
}

// benchmarkMerge merges in into an empty set (full == false) or into a set
// that already holds all of it, and checks that want values were new.
// Merge may reorder its argument, so an unsorted input is copied into a
// reused buffer inside the timed loop (a memmove, under 1 ns per value);
// sorted input is never modified by Merge and is passed as is.
func benchmarkMerge(b *testing.B, in []int64, full bool, want int) {
	var s *Set
	if full {
		s = New()
		s.Merge(slices.Clone(in))
	}
	needCopy := !slices.IsSorted(in)
	buf := make([]int64, len(in))
	b.ReportAllocs()
	for b.Loop() {
		if !full {
			s = New()
		}
		vals := in
		if needCopy {
			copy(buf, in)
			vals = buf
		}
		if got := s.Merge(vals); got != want {
			b.Fatalf("Merge = %d new, want %d", got, want)
		}
	}
	reportValues(b, len(in))
}

func BenchmarkAppendSorted(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(size.name, func(b *testing.B) {
			for _, shape := range benchShapes {
				b.Run(shape.name, func(b *testing.B) {
					s := New()
					s.Merge(shape.gen(size.n))
					buf := s.AppendSorted(nil) // warm-up: sizes buf and the pool
					b.ReportAllocs()
					for b.Loop() {
						buf = s.AppendSorted(buf[:0])
					}
					if len(buf) != s.Len() {
						b.Fatalf("AppendSorted returned %d values, Len is %d", len(buf), s.Len())
					}
					reportValues(b, len(buf))
				})
			}
		})
	}
}

// BenchmarkMergeParallel merges 1000-value sorted batches into a Shared set
// from every RunParallel goroutine at once: into disjoint ranges (every
// value new, the set keeps growing) or into one shared 1M range (mostly
// already present).
func BenchmarkMergeParallel(b *testing.B) {
	const batch = 1000
	for _, mode := range []string{"disjoint", "overlap"} {
		b.Run(mode, func(b *testing.B) {
			s := NewShared()
			if mode == "overlap" {
				s.Merge(seq(0, 1_000_000))
			}
			var ids, added atomic.Int64
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				id := ids.Add(1)
				vals := make([]int64, batch)
				next, n := int64(0), 0
				if mode == "disjoint" {
					next = id << 40
				}
				for pb.Next() {
					for i := range vals {
						vals[i] = next + int64(i)
					}
					n += s.Merge(vals)
					next += batch
					if mode == "overlap" && next >= 1_000_000 {
						next = 0
					}
				}
				added.Add(int64(n))
			})
			if mode == "disjoint" && added.Load() != int64(b.N)*batch {
				b.Fatalf("%d values new, want %d", added.Load(), int64(b.N)*batch)
			}
			reportValues(b, batch)
		})
	}
}

// BenchmarkAdd adds values one by one to a plain Set and, as its twin, to a
// Shared set from one goroutine (the lock's uncontended cost), each into an
// empty set or one that already holds them.
func BenchmarkAdd(b *testing.B) {
	type adder interface{ Add(int64) bool }
	for _, impl := range []string{"Set", "Shared"} {
		for _, present := range []bool{false, true} {
			b.Run(impl+"/present="+strconv.FormatBool(present), func(b *testing.B) {
				var s adder = New()
				if impl == "Shared" {
					s = NewShared()
				}
				if present {
					for v := range int64(1 << 20) {
						s.Add(v)
					}
				}
				v := int64(0)
				b.ReportAllocs()
				for b.Loop() {
					s.Add(v)
					v = (v + 1) & (1<<20 - 1)
				}
			})
		}
	}
}
