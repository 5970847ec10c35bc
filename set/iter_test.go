package set

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// rangeSets builds sets of every chunk kind: sorted arrays (singletons
// included), bitmaps, run containers (from a staged run), dense runs across
// shards, the extremes and values over the whole int64 range.
func rangeSets(r *rand.Rand) []struct {
	name string
	s    *Set
} {
	build := func(vals []int64, runs ...[2]int64) *Set {
		s := New()
		s.Merge(slices.Clone(vals))
		var st Stage
		for _, run := range runs {
			st.AddRun(run[0], run[1])
		}
		s.Commit(&st)
		return s
	}
	return []struct {
		name string
		s    *Set
	}{
		{"empty", New()},
		{"extremes", build(extremes)},
		{"arrays", build(randIn(r, 20_000, -1<<26, 1<<27))},
		{"bitmaps", build(runs(-300_000, 30_000, 5, 10))},
		{"runs", build(nil, [2]int64{-200_000, 150_000}, [2]int64{1 << 40, 1<<40 + 70_000})},
		{"mixed", build(append(append(randWide(r, 3000), extremes...), randIn(r, 50_000, -1<<20, 1<<21)...),
			[2]int64{-70_000, 70_000}, [2]int64{math.MaxInt64 - 100_000, math.MaxInt64}, [2]int64{math.MinInt64, math.MinInt64 + 100_000})},
		{"wide", build(randWide(r, 20_000))},
	}
}

// TestSet_AppendRange checks AppendRange against the sorted values for
// ranges at the extremes, at chunk and shard boundaries, around members,
// random ones and empty ones.
func TestSet_AppendRange(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for _, tc := range rangeSets(r) {
		t.Run(tc.name, func(t *testing.T) {
			all := tc.s.AppendSorted(nil)
			points := []int64{math.MinInt64, math.MinInt64 + 1, -1 << 16, -1<<16 - 1, -1<<16 + 1, -1, 0, 1,
				1<<16 - 1, 1 << 16, 1<<16 + 1, 1<<20 - 1, 1 << 20, math.MaxInt64 - 1<<16, math.MaxInt64 - 1, math.MaxInt64}
			fixed := len(points)
			for range 12 {
				points = append(points, int64(r.Uint64()), r.Int64N(1<<22)-1<<21, r.Int64N(1<<17)<<16)
				if len(all) > 0 {
					v := all[r.IntN(len(all))]
					points = append(points, v, v-1, v+1)
				}
			}
			for k, lo := range points {
				// lo + n may wrap around: one more case of lo > hi.
				his := []int64{lo, lo + 1, lo + 3000, lo + 1<<16, lo - 1, points[r.IntN(len(points))]}
				if k < fixed { // the long ranges copy most of the set
					his = append(his, lo+1<<20, math.MaxInt64)
				}
				for _, hi := range his {
					checkRange(t, tc.s, all, lo, hi)
				}
			}
		})
	}
}

// checkRange fails t unless AppendRange(lo, hi) after a prefix gives the
// values of all (sorted) in [lo, hi], and fits in a dst with just the
// capacity for them.
func checkRange(t *testing.T, s *Set, all []int64, lo, hi int64) {
	t.Helper()
	i := searchGE(all, 0, lo)
	j := i
	if lo <= hi {
		j = len(all)
		if hi < math.MaxInt64 {
			j = searchGE(all, i, hi+1)
		}
	}
	want := all[i:j]
	prefix := []int64{-7, 7}
	got := s.AppendRange(slices.Clone(prefix), lo, hi)
	if !slices.Equal(got[:2], prefix) || !slices.Equal(got[2:], want) {
		t.Fatalf("AppendRange(%d, %d): %d values, want %d (first diff %d)", lo, hi, len(got)-2, len(want), firstDiff(got[2:], want))
	}
	buf := make([]int64, 1, 1+len(want))
	got = s.AppendRange(buf, lo, hi)
	if len(want) > 0 && &got[0] != &buf[0] {
		t.Fatalf("AppendRange(%d, %d) did not reuse dst's capacity", lo, hi)
	}
}

// TestSet_AppendRangeLimit reads ranges in limited pieces and checks that
// the pieces, joined, are AppendRange of the whole range.
func TestSet_AppendRangeLimit(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	s := New()
	var vals []int64
	for range 20_000 {
		vals = append(vals, r.Int64N(1<<22)-1<<21)
	}
	for v := int64(5_000_000); v < 5_300_000; v++ {
		vals = append(vals, v)
	}
	vals = append(vals, math.MinInt64, math.MaxInt64, -1, 0)
	s.Merge(slices.Clone(vals))
	for _, tc := range []struct {
		lo, hi int64
		limit  int
	}{{math.MinInt64, math.MaxInt64, 1000}, {-100, 5_100_000, 1}, {0, 0, 5}, {5_000_000, 5_299_999, 70_000}, {7, 6, 10}} {
		want := s.AppendRange(nil, tc.lo, tc.hi)
		var got []int64
		for lo := tc.lo; lo <= tc.hi; {
			n := len(got)
			got = s.AppendRangeLimit(got, lo, tc.hi, tc.limit)
			if len(got) == n {
				break
			}
			if len(got)-n > tc.limit+1<<16 {
				t.Fatalf("limit %d: %d values in one call", tc.limit, len(got)-n)
			}
			last := got[len(got)-1]
			if last == math.MaxInt64 {
				break
			}
			lo = last + 1
		}
		if !slices.Equal(got, want) {
			t.Fatalf("range [%d, %d] by %d: %d values, want %d", tc.lo, tc.hi, tc.limit, len(got), len(want))
		}
	}
}
