package set

import (
	"maps"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

// model is the reference the Set is checked against.
type model map[int64]struct{}

// merge adds vals to m and returns how many distinct values were new.
func (m model) merge(vals []int64) int {
	added := 0
	for _, v := range vals {
		if _, ok := m[v]; !ok {
			m[v] = struct{}{}
			added++
		}
	}
	return added
}

// sorted returns m's values ascending.
func (m model) sorted() []int64 {
	return slices.Sorted(maps.Keys(m))
}

// checkEqual fails t unless s holds exactly the values of m. It needs no
// sort: AppendSorted must be strictly increasing, as long as m, and made of
// members of m.
func checkEqual(t *testing.T, s *Set, m model) {
	t.Helper()
	got := s.AppendSorted(nil)
	if s.Len() != len(m) || len(got) != len(m) {
		t.Fatalf("Len() = %d, len(AppendSorted) = %d, model has %d", s.Len(), len(got), len(m))
	}
	for i, v := range got {
		if i > 0 && v <= got[i-1] {
			t.Fatalf("AppendSorted not strictly increasing at %d: %d after %d", i, v, got[i-1])
		}
		if _, ok := m[v]; !ok {
			t.Fatalf("AppendSorted returned %d, which is not in the model", v)
		}
	}
	// Spot-check Contains on members and on their neighbours.
	step := max(1, len(got)/2000)
	for i := 0; i < len(got); i += step {
		v := got[i]
		if !s.Contains(v) {
			t.Fatalf("Contains(%d) = false, want true", v)
		}
		for _, u := range []int64{v - 1, v + 1} {
			_, in := m[u]
			if s.Contains(u) != in {
				t.Fatalf("Contains(%d) = %v, want %v", u, !in, in)
			}
		}
	}
}

func firstDiff(a, b []int64) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// mergeChecked merges a copy of batch into s and m, checks the count, and
// checks that Merge left its argument sorted, with the same values.
func mergeChecked(t *testing.T, s *Set, m model, batch []int64) {
	t.Helper()
	in := slices.Clone(batch)
	want := m.merge(batch)
	if got := s.Merge(in); got != want {
		t.Fatalf("Merge(%d values) = %d new, want %d", len(batch), got, want)
	}
	if !slices.IsSorted(in) {
		t.Fatalf("Merge left its argument unsorted")
	}
	if slices.IsSorted(batch) {
		if !slices.Equal(in, batch) {
			t.Fatalf("Merge modified an already-sorted batch")
		}
		return
	}
	if fingerprint(in) != fingerprint(batch) {
		t.Fatalf("Merge changed the multiset of its argument")
	}
}

// fingerprint is an order-independent hash of the multiset vals.
func fingerprint(vals []int64) [2]uint64 {
	var sum, mix uint64
	for _, v := range vals {
		x := uint64(v)
		sum += x
		x ^= x >> 33
		x *= 0xff51afd7ed558ccd
		x ^= x >> 33
		mix += x
	}
	return [2]uint64{sum, mix}
}

func seq(from int64, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = from + int64(i)
	}
	return out
}

func randIn(r *rand.Rand, n int, lo, span int64) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = lo + r.Int64N(span)
	}
	return out
}

func randWide(r *rand.Rand, n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(r.Uint64())
	}
	return out
}

// runs returns nRuns runs of runLen consecutive values, spaced by stride.
func runs(from int64, nRuns, runLen int, stride int64) []int64 {
	out := make([]int64, 0, nRuns*runLen)
	for k := range nRuns {
		out = append(out, seq(from+int64(k)*stride, runLen)...)
	}
	return out
}

// oneShardShort returns n random values over the whole int64 range, none
// of them in shard 5 but 10, so that the parallel merge sorts one group of
// 10 values beside groups of thousands.
func oneShardShort(r *rand.Rand, n int) []int64 {
	out := slices.DeleteFunc(randWide(r, n), func(v int64) bool { return shardOf(v) == 5 })
	for k := range 10 {
		out = append(out, val((5|uint64(k)<<8)<<chunkBits))
	}
	return shuffled(r, out)
}

func shuffled(r *rand.Rand, vals []int64) []int64 {
	out := slices.Clone(vals)
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func withDups(r *rand.Rand, vals []int64, n int) []int64 {
	out := slices.Clone(vals)
	for range n {
		out = append(out, vals[r.IntN(len(vals))])
	}
	return out
}

var extremes = []int64{math.MinInt64, math.MinInt64 + 1, -1 << 53, -65537, -65536, -1, 0, 1, 65535, 65536, 1<<53 + 1, math.MaxInt64 - 1, math.MaxInt64}

func TestSet_Merge(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tests := []struct {
		name    string
		batches [][]int64
	}{
		{"empty batch", [][]int64{{}, nil}},
		{"extremes one by one", [][]int64{{math.MinInt64}, {-1}, {0}, {1}, {math.MaxInt64}, {1<<53 + 1}, {math.MaxInt64}}},
		{"extremes tiny batch", [][]int64{extremes, extremes}},
		{"extremes large batch", [][]int64{append(append(slices.Clone(extremes), seq(-40, 80)...), extremes...)}},
		{"duplicates tiny", [][]int64{{5, 5, 5, -5, 5}}},
		{"duplicates sorted", [][]int64{{1, 1, 2, 2, 2, 3, 4, 4, 5, 6, 7, 8, 9, 9, 10, 11, 12, 12}}},
		{"duplicates in runs", [][]int64{slices.Sorted(slices.Values(withDups(r, seq(100, 5000), 3000)))}},
		{"duplicates unsorted", [][]int64{withDups(r, randIn(r, 3000, -1000, 2000), 3000)}},
		{"false run with duplicates", [][]int64{{0, 1, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}}},
		{"unsorted sparse", [][]int64{randIn(r, 5000, -1<<40, 1<<41), randIn(r, 5000, -1<<40, 1<<41)}},
		{"unsorted wide", [][]int64{randWide(r, 20000), randWide(r, 20000)}},
		{"unsorted wide, parallel, one shard short", [][]int64{oneShardShort(r, 100_000)}},
		{"unsorted dense", [][]int64{shuffled(r, seq(-30000, 60000))}},
		{"sparse within chunks", [][]int64{randIn(r, 30000, 0, 64*30000), randIn(r, 30000, 0, 64*30000)}},
		{"dense runs across chunks", [][]int64{runs(-1<<20, 400, 100, 4096), runs(-1<<20+50, 400, 100, 4096)}},
		{"many short runs per chunk", [][]int64{runs(0, 2000, 20, 30), runs(15, 2000, 20, 30)}},
		{"few runs per chunk", [][]int64{runs(0, 200, 300, 400), runs(0, 200, 400, 400)}},
		{"runs at the extremes", [][]int64{seq(math.MaxInt64-99, 100), seq(math.MinInt64, 100), seq(math.MaxInt64-199, 200), seq(math.MinInt64, 300)}},
		{"two runs up to MaxInt64", [][]int64{append(seq(math.MaxInt64-399, 100), seq(math.MaxInt64-99, 100)...), seq(math.MaxInt64-1000, 1001)}},
		{"few duplicates in a run", [][]int64{slices.Sorted(slices.Values(withDups(r, seq(-500, 1000), 5))), seq(-600, 2000)}},
		{"chunk edges", [][]int64{seq(65536-40, 80), seq(-65536-40, 80), seq(-40, 80)}},
		{"superset then subset", [][]int64{seq(0, 50000), seq(1000, 20000), shuffled(r, seq(-100, 60000))}},
		{"1M sequential", [][]int64{seq(-500_000, 1_000_000), seq(0, 1_000_000)}},
		{"1M unsorted sparse", [][]int64{randIn(r, 1_000_000, -1<<32, 1<<34), randIn(r, 1_000_000, -1<<32, 1<<34)}},
		{"1M sorted with duplicates", [][]int64{slices.Sorted(slices.Values(withDups(r, randIn(r, 600_000, 0, 1<<22), 400_000)))}},
		{"1M shuffled dense", [][]int64{shuffled(r, seq(1<<40, 1_000_000)), seq(1<<40-1000, 2000)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, m := New(), model{}
			for _, b := range tt.batches {
				mergeChecked(t, s, m, b)
				checkEqual(t, s, m)
				checkInvariants(t, s)
			}
			// Merging everything again adds nothing.
			for _, b := range tt.batches {
				if got := s.Merge(slices.Clone(b)); got != 0 {
					t.Fatalf("re-Merge = %d new, want 0", got)
				}
			}
			checkEqual(t, s, m)
		})
	}
}

// TestSet_Merge_sequentialLarge runs the large cases with GOMAXPROCS=1, so
// that they take the single-goroutine path instead of the parallel one.
func TestSet_Merge_sequentialLarge(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	r := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name  string
		batch []int64
	}{
		{"sequential", seq(-200_000, 400_000)},
		{"unsorted", randIn(r, 300_000, -1<<30, 1<<31)},
		{"wide", randWide(r, 100_000)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, m := New(), model{}
			mergeChecked(t, s, m, tc.batch)
			mergeChecked(t, s, m, tc.batch)
			checkEqual(t, s, m)
		})
	}
}

func TestSet_Add(t *testing.T) {
	s, m := New(), model{}
	for _, v := range extremes {
		if !s.Add(v) {
			t.Fatalf("Add(%d) = false on first add", v)
		}
		if s.Add(v) {
			t.Fatalf("Add(%d) = true on second add", v)
		}
		m[v] = struct{}{}
	}
	checkEqual(t, s, m)
}

func TestSet_randomOps(t *testing.T) {
	for _, tc := range []struct {
		name string
		gen  func(r *rand.Rand) int64
	}{
		{"narrow", func(r *rand.Rand) int64 { return r.Int64N(3000) - 1500 }},
		{"chunky", func(r *rand.Rand) int64 { return r.Int64N(1<<22) - 1<<21 }},
		{"wide", func(r *rand.Rand) int64 { return int64(r.Uint64()) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(5, 6))
			s, m := New(), model{}
			for op := range 400 {
				switch r.IntN(4) {
				case 0:
					v := tc.gen(r)
					_, in := m[v]
					m[v] = struct{}{}
					if s.Add(v) == in {
						t.Fatalf("Add(%d) = %v, want %v", v, in, !in)
					}
				case 1:
					v := tc.gen(r)
					_, in := m[v]
					if s.Contains(v) != in {
						t.Fatalf("Contains(%d) = %v, want %v", v, !in, in)
					}
				case 2:
					b := make([]int64, r.IntN(40))
					for i := range b {
						b[i] = tc.gen(r)
					}
					mergeChecked(t, s, m, b)
				case 3:
					b := make([]int64, r.IntN(3000))
					start := tc.gen(r)
					for i := range b {
						if r.IntN(4) == 0 {
							b[i] = tc.gen(r)
						} else {
							b[i] = start + int64(i) // mostly a run
						}
					}
					if r.IntN(2) == 0 {
						slices.Sort(b)
					}
					mergeChecked(t, s, m, b)
				}
				if op%50 == 0 {
					checkEqual(t, s, m)
					checkInvariants(t, s)
				}
			}
			checkEqual(t, s, m)
		})
	}
}

func TestSet_AppendSorted(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	tests := []struct {
		name string
		vals []int64
	}{
		{"empty", nil},
		{"extremes", extremes},
		{"sequential across shards", seq(-300_000, 600_000)},
		{"wide", randWide(r, 50_000)},
		{"mixed", append(append(randWide(r, 5000), seq(-70_000, 140_000)...), randIn(r, 5000, 0, 1<<24)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, m := New(), model{}
			s.Merge(slices.Clone(tt.vals))
			m.merge(tt.vals)
			want := m.sorted()

			// Appends after an existing prefix.
			prefix := []int64{42, -42}
			got := s.AppendSorted(slices.Clone(prefix))
			if !slices.Equal(got[:2], prefix) || !slices.Equal(got[2:], want) {
				t.Fatalf("AppendSorted with prefix: wrong result (len %d, want %d)", len(got), len(want)+2)
			}

			// Reuses dst's memory when it is large enough.
			buf := make([]int64, 0, len(want)+8)
			got = s.AppendSorted(buf)
			if !slices.Equal(got, want) {
				t.Fatalf("AppendSorted mismatch at %d", firstDiff(got, want))
			}
			if len(want) > 0 && &got[0] != &buf[:1][0] {
				t.Fatalf("AppendSorted did not reuse dst's capacity")
			}
			again := s.AppendSorted(got[:0])
			if !slices.Equal(again, want) || (len(want) > 0 && &again[0] != &got[0]) {
				t.Fatalf("AppendSorted(got[:0]) did not reproduce the result in place")
			}
		})
	}
}

func TestSet_AppendSortedAbove(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	vals := append(append(slices.Clone(extremes), seq(-100_000, 200_000)...), randWide(r, 2000)...)
	s, m := New(), model{}
	s.Merge(slices.Clone(vals))
	m.merge(vals)
	all := m.sorted()

	mins := []int64{math.MinInt64, math.MinInt64 + 1, math.MinInt64 + 2, -100_001, -100_000, -99_999, -65537, -65536, -1, 0, 1, 65535, 65536, 99_999, 100_000, 1 << 53, 1<<53 + 1, 1<<53 + 2, math.MaxInt64 - 2, math.MaxInt64 - 1, math.MaxInt64}
	for range 50 {
		mins = append(mins, all[r.IntN(len(all))], int64(r.Uint64()))
	}
	for _, lo := range mins {
		i, _ := slices.BinarySearch(all, lo)
		for i < len(all) && all[i] <= lo {
			i++
		}
		want := all[i:]
		got := s.AppendSortedAbove([]int64{7}, lo)
		if got[0] != 7 || !slices.Equal(got[1:], want) {
			t.Fatalf("AppendSortedAbove(min=%d): got %d values, want %d (first diff %d)", lo, len(got)-1, len(want), firstDiff(got[1:], want))
		}
	}
	if got := New().AppendSortedAbove(nil, math.MinInt64); len(got) != 0 {
		t.Fatalf("empty set: AppendSortedAbove = %v", got)
	}
}

func TestPartitionByShard(t *testing.T) {
	r := rand.New(rand.NewPCG(12, 13))
	for _, n := range []int{0, 1, 17, 1000, 100_000} {
		vals := randIn(r, n, -1<<30, 1<<31)
		orig := slices.Clone(vals)
		dst := make([]int64, n)
		bounds := partitionByShard(dst, vals)
		if !slices.Equal(vals, orig) {
			t.Fatalf("n=%d: partition modified its input", n)
		}
		if bounds[0] != 0 || bounds[nShards] != n {
			t.Fatalf("n=%d: bounds %v", n, bounds)
		}
		for si := range nShards {
			want := slices.DeleteFunc(slices.Clone(orig), func(v int64) bool { return shardOf(v) != si })
			if got := dst[bounds[si]:bounds[si+1]]; !slices.Equal(got, want) {
				t.Fatalf("n=%d: bucket %d holds the wrong values or order", n, si)
			}
		}
	}
}

func TestSortValues(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 15))
	reversed := seq(-1000, 5000)
	slices.Reverse(reversed)
	tests := []struct {
		name string
		vals []int64
	}{
		{"empty", nil},
		{"short", []int64{3, -1, 2}},
		{"all equal", slices.Repeat([]int64{-7}, 1000)},
		{"extremes", slices.Repeat(extremes, 50)},
		{"narrow with duplicates", randIn(r, 5000, -100, 200)},
		{"one byte differs", randIn(r, 5000, 1<<40, 256)},
		{"sparse", randIn(r, 100_000, -1<<30, 1<<31)},
		{"wide", randWide(r, 100_000)},
		{"sorted", seq(-1000, 5000)},
		{"reversed", reversed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := slices.Clone(tt.vals)
			slices.Sort(want)
			got := slices.Clone(tt.vals)
			new(Set).sortValues(got)
			if !slices.Equal(got, want) {
				t.Fatalf("sortValues: mismatch at %d", firstDiff(got, want))
			}
			got = slices.Clone(tt.vals)
			sortWith(got, make([]int64, len(got)+3))
			if !slices.Equal(got, want) {
				t.Fatalf("sortWith: mismatch at %d", firstDiff(got, want))
			}
		})
	}
}

func TestMergeRuns(t *testing.T) {
	src := []int64{1, 5, 9, 2, 3, 4, 10, 20, 7, 8, 30}
	//             run0-----  run1---------------  run2--  empty runs elsewhere
	var lo, hi [nShards]int
	lo[0], hi[0] = 0, 3
	lo[3], hi[3] = 3, 8
	lo[7], hi[7] = 8, 11
	lo[9], hi[9] = 11, 11
	var got []int64
	var stretches int
	mergeRuns(src, &lo, &hi, func(i, j int) {
		if i >= j {
			t.Fatalf("empty stretch [%d, %d)", i, j)
		}
		got = append(got, src[i:j]...)
		stretches++
	})
	want := []int64{1, 2, 3, 4, 5, 7, 8, 9, 10, 20, 30}
	if !slices.Equal(got, want) {
		t.Fatalf("mergeRuns = %v, want %v", got, want)
	}
	// 1 | 2 3 4 | 5 | 7 8 | 9 | 10 20 | 30
	if stretches != 7 {
		t.Fatalf("mergeRuns emitted %d stretches, want 7", stretches)
	}
}

func TestSearchChunk(t *testing.T) {
	vals := []int64{-65537, -65536, -1, 0, 1, 65535, 65536, 65537, 1 << 20, math.MaxInt64}
	for i := range len(vals) + 1 {
		for _, target := range []uint64{0, chunkOf(-1), chunkOf(0), chunkOf(65536), chunkOf(1 << 20), chunkOf(math.MaxInt64), chunkOf(math.MaxInt64) + 1} {
			want := i
			for want < len(vals) && chunkOf(vals[want]) < target {
				want++
			}
			if got := searchChunk(vals, i, target); got != want {
				t.Fatalf("searchChunk(i=%d, target=%#x) = %d, want %d", i, target, got, want)
			}
		}
	}
}

// TestMerge_Descending merges batches that never rise (duplicates kept),
// short, long and long enough to run in parallel, into a set that holds
// some of their values: the count, the set and the batch, now ascending,
// must be what a sort would give.
func TestMerge_Descending(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	for _, n := range []int{2, 15, 16, 1000, 70_000, 200_000} {
		vals := make([]int64, n)
		v := int64(1) << 40
		for k := range vals {
			vals[k] = v
			v -= int64(r.IntN(3)) * int64(1+r.IntN(1<<12)) // steps of 0 too: duplicates
		}
		var s Set
		model := map[int64]bool{}
		for k := 0; k < n; k += 7 {
			s.Add(vals[k])
			model[vals[k]] = true
		}
		want := 0
		for _, v := range vals {
			if !model[v] {
				model[v] = true
				want++
			}
		}
		batch := slices.Clone(vals)
		if got := s.Merge(batch); got != want {
			t.Fatalf("n=%d: Merge = %d new, want %d", n, got, want)
		}
		sorted := slices.Clone(vals)
		slices.Sort(sorted)
		if !slices.Equal(batch, sorted) {
			t.Fatalf("n=%d: the batch is not ascending after Merge", n)
		}
		all := s.AppendSorted(nil)
		if len(all) != len(model) || !slices.IsSorted(all) || !slices.Equal(slices.Compact(slices.Clone(sorted)), all) {
			t.Fatalf("n=%d: the set holds %d values, want %d", n, len(all), len(model))
		}
	}
}

// TestDescending checks descending's two answers on short arrays.
func TestDescending(t *testing.T) {
	for _, tt := range []struct {
		vals         []int64
		desc, strict bool
	}{
		{nil, true, true},
		{[]int64{5}, true, true},
		{[]int64{9, 5, -3}, true, true},
		{[]int64{9, 5, 5, -3}, true, false},
		{[]int64{9, 5, 6}, false, false},
		{[]int64{5, 5, 6}, false, false},
	} {
		if desc, strict := descending(tt.vals); desc != tt.desc || strict != tt.strict {
			t.Errorf("descending(%v) = %v, %v; want %v, %v", tt.vals, desc, strict, tt.desc, tt.strict)
		}
	}
}
