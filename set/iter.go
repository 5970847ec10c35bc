package set

import (
	"cmp"
	"math"
	"math/bits"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// iterScratch is the scratch of a read: roaring iterators (kept here so
// that initializing them allocates nothing) and a buffer for NextMany.
type iterScratch struct {
	many  roaring.ManyIntIterator
	peek  roaring.IntIterator
	buf   [1024]uint32
	words [1 << chunkBits / 64]uint64 // a chunk's dense form
}

// iter returns the plain Set's iteration scratch.
func (s *Set) iter() *iterScratch {
	if s.it == nil {
		s.it = new(iterScratch)
	}
	return s.it
}

// AppendSorted appends every value of the set to dst in ascending order, each
// once, and returns the extended slice. Reuse the result's memory by passing
// dst[:0] next time; once dst has the capacity, AppendSorted allocates
// nothing. It never retains dst.
func (s *Set) AppendSorted(dst []int64) []int64 {
	return s.appendKeys(dst, 0, math.MaxUint64)
}

// AppendSortedAbove is AppendSorted restricted to the values > min (use it to
// send a peer only what lies above what it already acknowledged). It costs
// O(values above min + their chunks). Same aliasing rules as AppendSorted.
func (s *Set) AppendSortedAbove(dst []int64, min int64) []int64 {
	if min == math.MaxInt64 {
		return dst
	}
	return s.appendKeys(dst, key(min)+1, math.MaxUint64)
}

// AppendRange appends, ascending, every value v of the set with
// lo <= v <= hi, and returns the extended slice (dst itself when lo > hi).
// It costs O(values appended + chunks of the set in the range + log of the
// shards' chunk counts), whatever the set's size: a range inside one chunk
// is a binary search and a copy (sorted-array chunk), or a count and then
// a fill (a run), a pass over the chunk's 1024 words, or a seek and a walk
// (bitmap chunk; see appendIn). Once dst has the capacity it allocates
// nothing (its scratch is kept in the Set). It never retains dst.
func (s *Set) AppendRange(dst []int64, lo, hi int64) []int64 {
	if lo > hi {
		return dst
	}
	return s.appendKeys(dst, key(lo), key(hi))
}

// appendKeys appends, ascending, the values whose keys lie in [lo, hi]
// (lo <= hi). It counts them first, grows dst once, then appends each chunk
// as a chunkWalk visits it.
func (s *Set) appendKeys(dst []int64, lo, hi uint64) []int64 {
	cLo, cHi := lo>>chunkBits, hi>>chunkBits
	loX, hiX := uint16(lo), uint16(hi)
	w := s.walkChunks(cLo, cHi)
	total := 0
	for si := range s.shards {
		sh := &s.shards[si]
		for i := w.pos[si]; i < w.end[si]; i++ {
			c, ch := sh.keys[i], &sh.cs[i]
			if c == cLo || c == cHi {
				total += ch.countIn(c, bound(c, cLo, loX, 0), bound(c, cHi, hiX, lowMask))
			} else {
				total += ch.card()
			}
		}
	}
	if total == 0 {
		return dst
	}
	dst = slices.Grow(dst, total)
	it := s.iter()
	for c, ch := w.next(); ch != nil; c, ch = w.next() {
		dst = ch.appendIn(dst, c, bound(c, cLo, loX, 0), bound(c, cHi, hiX, lowMask), it)
	}
	return dst
}

// chunkWalk visits the chunks of a Set whose numbers lie in a range, in
// ascending order, by merging the shards' sorted chunk lists: each step
// picks the shard whose next chunk is smallest, an O(nShards) scan per
// chunk, which is nothing next to a chunk's values unless chunks hold a
// value or two each (values spread over the whole int64 range). pos and end
// bound each shard's part of the range (its chunks pos[si] to end[si]-1
// not yet visited). A chunkWalk is a value of its caller; the set must not
// change while it is used.
type chunkWalk struct {
	s        *Set
	pos, end [nShards]int
}

// walkChunks returns a chunkWalk over the chunks cLo to cHi of s.
func (s *Set) walkChunks(cLo, cHi uint64) chunkWalk {
	w := chunkWalk{s: s}
	for si := range s.shards {
		sh := &s.shards[si]
		p, e := searchGE(sh.keys, 0, cLo), len(sh.keys)
		if cHi < math.MaxUint64>>chunkBits {
			e = searchGE(sh.keys, p, cHi+1)
		}
		w.pos[si], w.end[si] = p, e
	}
	return w
}

// next returns the next chunk and its number; ch is nil once every chunk
// was visited.
func (w *chunkWalk) next() (c uint64, ch *chunk) {
	best := -1
	for si := range nShards {
		if p := w.pos[si]; p < w.end[si] {
			if k := w.s.shards[si].keys[p]; best < 0 || k < c {
				best, c = si, k
			}
		}
	}
	if best < 0 {
		return 0, nil
	}
	ch = &w.s.shards[best].cs[w.pos[best]]
	w.pos[best]++
	return c, ch
}

// bound returns x for the chunk c == edge (where a range starts or ends)
// and whole for any other chunk.
func bound(c, edge uint64, x, whole uint16) uint16 {
	if c == edge {
		return x
	}
	return whole
}

// arrIn returns the index range of positions lo..hi in the array a.
func arrIn(a []uint16, lo, hi uint16) (int, int) {
	i0, i1 := 0, len(a)
	if lo > 0 {
		i0 = searchGE(a, 0, lo)
	}
	if hi < lowMask {
		i1 = searchGE(a, i0, hi+1)
	}
	return i0, i1
}

// countIn returns how many positions lo..hi (inclusive) ch, chunk c, holds.
func (ch *chunk) countIn(c uint64, lo, hi uint16) int {
	if ch.bm == nil {
		i0, i1 := arrIn(ch.arr, lo, hi)
		return i1 - i0
	}
	if lo == 0 && hi == lowMask {
		return int(ch.bm.GetCardinality())
	}
	return int(ch.bm.CardinalityInRange(uint64(r32(lo)), uint64(r32(hi))+1))
}

// denseMin: a part of a bitmap chunk with at least this many values is
// read through the chunk's dense form (about 0.5 µs for the chunk, then
// about 1 ns a value); a smaller one with roaring's iterator (a seek, then
// about 5-10 ns a value).
const denseMin = 128

// appendIn appends the values at positions lo..hi of ch, chunk c, to dst
// (appendKeys gives it the capacity). A bitmap chunk's range that holds
// every position (a run) is written directly; otherwise a whole chunk is
// drained with NextMany, a large part of one read from its 1024 words, a
// small one with a seek and a walk.
func (ch *chunk) appendIn(dst []int64, c uint64, lo, hi uint16, it *iterScratch) []int64 {
	b := base(c)
	if ch.bm == nil {
		i0, i1 := arrIn(ch.arr, lo, hi)
		src := ch.arr[i0:i1]
		k := len(dst)
		dst = slices.Grow(dst, len(src))[:k+len(src)]
		out := dst[k:]
		for i, x := range src {
			out[i] = b + int64(x)
		}
		return dst
	}
	bm := ch.bm
	whole := lo == 0 && hi == lowMask
	first, end := uint64(r32(lo)), uint64(r32(hi))+1
	var n int
	if whole {
		n = int(bm.GetCardinality())
	} else {
		n = int(bm.CardinalityInRange(first, end))
	}
	switch {
	case n == int(hi-lo)+1: // a run
		k := len(dst)
		dst = slices.Grow(dst, n)[:k+n]
		start := b + int64(lo)
		for i := range dst[k:] {
			dst[k+i] = start + int64(i)
		}
		return dst
	case whole:
		it.many.Initialize(bm)
		for {
			m := it.many.NextMany(it.buf[:])
			if m == 0 {
				return dst
			}
			for _, x := range it.buf[:m] {
				dst = append(dst, b+int64(x))
			}
		}
	case n >= denseMin:
		clear(it.words[:])
		bm.WriteDenseTo(it.words[:])
		return appendBits(dst, &it.words, lo, hi, b)
	default:
		it.peek.Initialize(bm)
		it.peek.AdvanceIfNeeded(uint32(first))
		for range n {
			dst = append(dst, b+int64(it.peek.Next()))
		}
		return dst
	}
}

// appendBits appends b + x for every bit x set in words with lo <= x <= hi.
func appendBits(dst []int64, words *[1 << chunkBits / 64]uint64, lo, hi uint16, b int64) []int64 {
	wLo, wHi := int(lo)/64, int(hi)/64
	for w := wLo; w <= wHi; w++ {
		x := words[w]
		if w == wLo {
			x &= ^uint64(0) << (lo % 64)
		}
		if w == wHi {
			x &= ^uint64(0) >> (63 - hi%64)
		}
		at := b + int64(w*64)
		for x != 0 {
			dst = append(dst, at+int64(bits.TrailingZeros64(x)))
			x &= x - 1
		}
	}
	return dst
}

// appendShard appends the values of sh, ascending.
func (sh *shard) appendShard(dst []int64, it *iterScratch) []int64 {
	for i, c := range sh.keys {
		dst = sh.cs[i].appendIn(dst, c, 0, lowMask, it)
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

// AppendRangeLimit is AppendRange that stops early: once it has appended
// limit values or more, it finishes the chunk it is in (2^16 keys) and
// returns, so that it appends at most limit+65535 values; the caller goes on
// from the last value appended plus one. It costs O(values appended + the
// chunks it visits), not a pass over the whole range first, so a range can
// be read in bounded pieces however many values it holds. Once dst has the
// capacity it allocates nothing.
func (s *Set) AppendRangeLimit(dst []int64, lo, hi int64, limit int) []int64 {
	if lo > hi {
		return dst
	}
	kLo, kHi := key(lo), key(hi)
	cLo, cHi := kLo>>chunkBits, kHi>>chunkBits
	loX, hiX := uint16(kLo), uint16(kHi)
	w := s.walkChunks(cLo, cHi)
	start := len(dst)
	it := s.iter()
	for len(dst)-start < limit {
		c, ch := w.next()
		if ch == nil {
			break
		}
		dst = ch.appendIn(dst, c, bound(c, cLo, loX, 0), bound(c, cHi, hiX, lowMask), it)
	}
	return dst
}
