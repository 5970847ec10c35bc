package codec

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// sortedSet is a RangeSource over a sorted slice, for the tests.
type sortedSet struct{ vals []int64 }

func (s *sortedSet) Len() int { return len(s.vals) }

// AppendRangeLimit appends the values of [lo, hi], stopping at limit
// values plus a few (as the set stops at the end of a chunk).
func (s *sortedSet) AppendRangeLimit(dst []int64, lo, hi int64, limit int) []int64 {
	i, _ := slices.BinarySearch(s.vals, lo)
	for n := 0; i < len(s.vals) && s.vals[i] <= hi && n < limit+limit%7; i, n = i+1, n+1 {
		dst = append(dst, s.vals[i])
	}
	return dst
}

// add inserts v and reports whether it was new.
func (s *sortedSet) add(v int64) bool {
	i, found := slices.BinarySearch(s.vals, v)
	if found {
		return false
	}
	s.vals = slices.Insert(s.vals, i, v)
	return true
}

// checkText compares a's text with the plain encoding of src.
func checkText(t *testing.T, a *ArrayText, src *sortedSet, step string) {
	t.Helper()
	want := AppendInts64(nil, src.vals)
	if got := a.AppendTo(src, nil); !bytes.Equal(got, want) {
		t.Fatalf("%s: AppendTo = %.80q..., want %.80q...", step, got, want)
	}
	pieces, total := a.Pieces(src, nil)
	joined := bytes.Join(pieces, nil)
	if !bytes.Equal(joined, want[1:len(want)-1]) || total != len(joined) {
		t.Fatalf("%s: pieces %.80q... (%d bytes, total %d), want %.80q...", step, joined, len(joined), total, want[1:len(want)-1])
	}
	a.Release()
}

// TestArrayText_MatchesEncoding runs random sequences of changes, each
// reported as the node reports them, and checks the text after each against
// AppendInts64 of the sorted values.
func TestArrayText_MatchesEncoding(t *testing.T) {
	for seed := uint64(1); seed <= 30; seed++ {
		r := rand.New(rand.NewPCG(seed, 7))
		src := &sortedSet{}
		a := NewArrayText()
		next := int64(r.IntN(100))
		for step := range 200 {
			switch r.IntN(6) {
			case 0, 1: // sequential growth, one at a time
				for range r.IntN(50) {
					if src.add(next) {
						a.Added(next)
					}
					next++
				}
			case 2: // a few values anywhere
				for range r.IntN(5) {
					v := r.Int64N(next+10) - 5
					if r.IntN(20) == 0 {
						v = []int64{math.MinInt64, math.MaxInt64, -1, 0}[r.IntN(4)]
					}
					if src.add(v) {
						a.Added(v)
					}
				}
			case 3: // a bulk merge of a range
				lo := r.Int64N(next + 1)
				hi := lo + r.Int64N(10_000)
				for v := lo; v <= hi; v += 1 + r.Int64N(3) {
					src.add(v)
				}
				a.Changed(lo, hi)
				next = max(next, hi+1)
			case 4: // new values, reported sorted (MergeNew's fresh)
				var fresh []int64
				for range r.IntN(20) {
					v := next + r.Int64N(30)
					if src.add(v) {
						fresh = append(fresh, v)
					}
				}
				slices.Sort(fresh)
				a.AddedAll(fresh)
			case 5:
				if r.IntN(10) == 0 {
					a.Reset()
				}
			}
			if r.IntN(3) == 0 {
				checkText(t, a, src, fmt.Sprintf("seed %d step %d", seed, step))
			}
		}
		checkText(t, a, src, "end")
	}
}

// TestArrayText_PiecesStayUntilRelease: a piece handed out keeps its bytes
// while the segment is encoded again, until Release.
func TestArrayText_PiecesStayUntilRelease(t *testing.T) {
	src := &sortedSet{}
	a := NewArrayText()
	for v := int64(0); v < 10_000; v += 2 {
		src.add(v)
		a.Added(v)
	}
	pieces, _ := a.Pieces(src, nil)
	before := bytes.Join(pieces, nil)
	// Odd values: every segment becomes dirty and is encoded again.
	for v := int64(1); v < 10_000; v += 2 {
		src.add(v)
		a.Added(v)
	}
	checkText(t, a, src, "after the odd values")
	if got := bytes.Join(pieces, nil); !bytes.Equal(got, before) {
		t.Fatal("a piece handed out changed before Release")
	}
}

// TestArrayText_UnreportedChange: a value added without telling the text is
// found by the count check, and the text starts over.
func TestArrayText_UnreportedChange(t *testing.T) {
	src := &sortedSet{}
	a := NewArrayText()
	for v := int64(0); v < 100; v++ {
		src.add(v)
		a.Added(v)
	}
	checkText(t, a, src, "reported")
	src.add(50_000) // not reported
	checkText(t, a, src, "unreported")
}

// TestArrayText_Segments: sequential growth appends, and segments stay
// within maxSegment values.
func TestArrayText_Segments(t *testing.T) {
	src := &sortedSet{}
	a := NewArrayText()
	for v := int64(0); v < 20_000; v++ {
		src.add(v)
		a.Added(v)
	}
	a.Changed(5, 5)
	checkText(t, a, src, "sequential")
	for k, s := range a.segs {
		if s.n > maxSegment {
			t.Fatalf("segment %d holds %d values", k, s.n)
		}
	}
	if len(a.segs) < 20_000/maxSegment {
		t.Fatalf("%d segments for 20,000 values", len(a.segs))
	}
}

// TestAppendRun: a run's text is the text of its values formatted one by
// one, across sign changes, digit counts and the eight-digit word.
func TestAppendRun(t *testing.T) {
	for _, r := range [][2]int64{{-20, 20}, {0, 1000}, {7, 7}, {99_999_990, 100_000_010}, {9_999_989, 10_000_011},
		{math.MaxInt64 - 5, math.MaxInt64}, {math.MinInt64, math.MinInt64 + 3}, {95, 105}} {
		var want []byte
		for v := r[0]; ; v++ {
			want = appendElem(want, v, true)
			if v == r[1] {
				break
			}
		}
		prefix := []byte("x")
		if got := appendRun(prefix, r[0], r[1]); !bytes.Equal(got[1:], want) || got[0] != 'x' {
			t.Fatalf("appendRun(%d, %d) = %.100q..., want %.100q...", r[0], r[1], got, want)
		}
	}
}

// BenchmarkArrayText_Build times the text of a million consecutive values
// made afresh (the first read of a big set).
func BenchmarkArrayText_Build(b *testing.B) {
	src := &sortedSet{}
	for v := range int64(1_000_000) {
		src.vals = append(src.vals, v)
	}
	var pieces [][]byte
	b.ReportAllocs()
	for b.Loop() {
		a := NewArrayText()
		a.Changed(0, 1_000_000)
		pieces, _ = a.Pieces(src, pieces[:0])
	}
}

// TestArrayText_EncodesOnce: a set read for the first time is encoded once,
// not encoded, miscounted and encoded again.
func TestArrayText_EncodesOnce(t *testing.T) {
	src := &countingSet{}
	for v := range int64(100_000) {
		src.vals = append(src.vals, v)
	}
	a := NewArrayText()
	a.Changed(0, 100_000)
	a.Pieces(src, nil)
	if src.read != 100_000 {
		t.Fatalf("%d values read to encode 100,000", src.read)
	}
}

// countingSet is a sortedSet that counts the values it hands out.
type countingSet struct {
	sortedSet
	read int
}

func (s *countingSet) AppendRangeLimit(dst []int64, lo, hi int64, limit int) []int64 {
	n := len(dst)
	dst = s.sortedSet.AppendRangeLimit(dst, lo, hi, limit)
	s.read += len(dst) - n
	return dst
}
