package set

import (
	"cmp"
	"math"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2/roaring64"
)

// maxPooledKeys caps the scratch buffer a sorted read keeps for the next one
// (1<<24 keys = 128 MiB); a larger one is dropped after use.
const maxPooledKeys = 1 << 24

// readScratch is the pooled scratch of one sorted read: every shard's keys,
// drained in shard order, and the iterator that drains them.
type readScratch struct {
	keys []uint64
	it   roaring64.ManyIntIterator64
}

// readPool holds *readScratch. A readScratch is owned by one read at a time
// and MUST NOT be touched after it is put back.
var readPool = sync.Pool{New: func() any { return new(readScratch) }}

// AppendSorted appends every value of the set to dst in ascending order, each
// once, and returns the extended slice. Reuse the result's memory by passing
// dst[:0] next time; once dst has the capacity, AppendSorted allocates nothing
// for the output (the shard scratch comes from a pool).
//
// AppendSorted locks one shard at a time while it copies that shard out, so
// under concurrent writers the result holds, for each shard, exactly the
// values that shard had at one instant. It never retains dst.
func (s *Set) AppendSorted(dst []int64) []int64 {
	return s.appendFrom(dst, 0)
}

// AppendSortedAbove is AppendSorted restricted to the values > min (use it to
// send a peer only what lies above what it already acknowledged). It still
// reads every shard in full, so it costs O(Len) whatever min is. Same
// concurrency and aliasing rules as AppendSorted.
func (s *Set) AppendSortedAbove(dst []int64, min int64) []int64 {
	if min == math.MaxInt64 {
		return dst
	}
	return s.appendFrom(dst, key(min)+1)
}

// appendFrom appends, ascending, every value whose key is >= from.
//
// Each shard is drained (sorted) into one region of the scratch; mergeRuns
// then interleaves the regions, a whole chunk run or more at a time.
func (s *Set) appendFrom(dst []int64, from uint64) []int64 {
	// The set keeps the scratch of its last read (a sync.Pool alone loses it
	// at every GC, and for a big set that is megabytes per read); readers
	// that find it taken fall back to the pool.
	rs := s.read.Swap(nil)
	if rs == nil {
		rs = readPool.Get().(*readScratch)
	}
	keys := slices.Grow(rs.keys[:0], s.Len())
	var lo, hi [nShards]int
	for si := range s.shards {
		sh := &s.shards[si]
		sh.mu.Lock()
		card := int(sh.bm.GetCardinality())
		start := len(keys)
		keys = slices.Grow(keys, card)[:start+card]
		rs.it.Initialize(&sh.bm)
		got := 0
		for got < card {
			m := rs.it.NextMany(keys[start+got:])
			if m == 0 {
				break
			}
			got += m
		}
		sh.mu.Unlock()
		keys = keys[:start+got]
		lo[si] = searchGE(keys, start, from)
		hi[si] = len(keys)
	}
	rs.it = roaring64.ManyIntIterator64{} // drop the reference to the bitmap

	total := 0
	for si := range nShards {
		total += hi[si] - lo[si]
	}
	base := len(dst)
	dst = slices.Grow(dst, total)[:base+total]
	out := dst[base:]
	o := 0
	mergeRuns(keys, &lo, &hi, func(i, j int) {
		d := out[o : o+j-i]
		for k, x := range keys[i:j] {
			d[k] = val(x)
		}
		o += j - i
	})

	if cap(keys) <= maxPooledKeys {
		rs.keys = keys[:0]
	} else {
		rs.keys = nil
	}
	if !s.read.CompareAndSwap(nil, rs) {
		readPool.Put(rs)
	}
	return dst
}

// mergeRuns merges the sorted runs src[lo[i]:hi[i]] (i < nShards) in
// ascending order, calling emit(from, to) for each stretch src[from:to] to
// be copied out next. No value may occur in two runs. It always takes, from
// the run with the smallest head, everything below the second-smallest head
// (found with a gallop), so it costs O(nShards) per stretch, and a stretch
// is at least one chunk's values when the runs are shards. lo is consumed.
func mergeRuns[T cmp.Ordered](src []T, lo, hi *[nShards]int, emit func(from, to int)) {
	var active [nShards]int // runs with values left
	na := 0
	for i := range nShards {
		if lo[i] < hi[i] {
			active[na] = i
			na++
		}
	}
	for na > 0 {
		best, bestHead := 0, src[lo[active[0]]]
		var second T
		hasSecond := false
		for a := 1; a < na; a++ {
			h := src[lo[active[a]]]
			switch {
			case h < bestHead:
				best, bestHead, second, hasSecond = a, h, bestHead, true
			case !hasSecond || h < second:
				second, hasSecond = h, true
			}
		}
		i := active[best]
		end := hi[i]
		if hasSecond {
			end = searchGE(src[:end], lo[i]+1, second)
		}
		emit(lo[i], end)
		lo[i] = end
		if end == hi[i] {
			na--
			active[best] = active[na]
		}
	}
}

// searchGE returns the first index k >= i with s[k] >= target, or len(s).
// s[i:] must be sorted. It gallops from i, so a short answer costs O(1).
func searchGE[T cmp.Ordered](s []T, i int, target T) int {
	n := len(s)
	if i >= n || s[i] >= target {
		return i
	}
	// Invariant: s[lo] < target; hi == n or s[hi] >= target.
	lo, step := i, 1
	hi := lo + step
	for hi < n && s[hi] < target {
		lo = hi
		step <<= 1
		hi = lo + step
	}
	hi = min(hi, n)
	for hi-lo > 1 {
		mid := int(uint(lo+hi) >> 1)
		if s[mid] < target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}
