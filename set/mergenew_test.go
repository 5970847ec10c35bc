package set

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSet_MergeNew merges random batches (dense runs, scattered values,
// duplicates, both signs, several chunks and shards) into sets that already
// hold part of them, and checks the set and the reported new values against
// a map.
func TestSet_MergeNew(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	for round := range 300 {
		s := New()
		ref := map[int64]bool{}
		for range 1 + rng.IntN(4) {
			var batch []int64
			base := rng.Int64N(1<<20) - 1<<19
			switch rng.IntN(4) {
			case 0: // a dense run, maybe long
				for v := range rng.Int64N(5000) {
					batch = append(batch, base+v)
				}
			case 1: // scattered over a few chunks
				for range rng.IntN(3000) {
					batch = append(batch, base+rng.Int64N(1<<18))
				}
			case 2: // short
				for range rng.IntN(20) {
					batch = append(batch, base+rng.Int64N(100))
				}
			default: // the extremes
				batch = append(batch, math.MinInt64, math.MaxInt64, 0, -1, math.MaxInt64)
			}
			rng.Shuffle(len(batch), func(i, j int) { batch[i], batch[j] = batch[j], batch[i] })
			var want []int64
			for _, v := range batch {
				if !ref[v] {
					ref[v] = true
					want = append(want, v)
				}
			}
			slices.Sort(want)
			in := slices.Clone(batch)
			got := s.MergeNew(in, []int64{42})
			if got[0] != 42 || !slices.Equal(got[1:], want) {
				t.Fatalf("round %d: new values %d (want %d), first %v want %v", round, len(got)-1, len(want), got[1:min(len(got), 6)], want[:min(len(want), 5)])
			}
			if !slices.IsSorted(in) {
				t.Fatalf("round %d: vals not sorted in place", round)
			}
			if s.Len() != len(ref) {
				t.Fatalf("round %d: Len %d, want %d", round, s.Len(), len(ref))
			}
		}
		checkInvariants(t, s)
		all := s.AppendSorted(nil)
		if len(all) != len(ref) {
			t.Fatalf("round %d: %d values, want %d", round, len(all), len(ref))
		}
		for _, v := range all {
			if !ref[v] {
				t.Fatalf("round %d: %d in the set, never added", round, v)
			}
		}
	}
}

// TestSet_MergeNew_mixed takes each path of a long segment: nothing new,
// everything new, and a mix.
func TestSet_MergeNew_mixed(t *testing.T) {
	s := New()
	var evens, run []int64
	for v := range int64(1000) {
		if v%2 == 0 {
			evens = append(evens, v)
		}
		run = append(run, v)
	}
	if got := s.MergeNew(slices.Clone(evens), nil); len(got) != 500 {
		t.Fatalf("all new: %d values reported", len(got))
	}
	if got := s.MergeNew(slices.Clone(evens), nil); len(got) != 0 {
		t.Fatalf("none new: %d values reported", len(got))
	}
	got := s.MergeNew(slices.Clone(run), nil)
	if len(got) != 500 || s.Len() != 1000 {
		t.Fatalf("mix: %d values reported, set of %d", len(got), s.Len())
	}
	for k, v := range got {
		if v != int64(2*k+1) {
			t.Fatalf("mix: new value %d is %d, want %d", k, v, 2*k+1)
		}
	}
}
