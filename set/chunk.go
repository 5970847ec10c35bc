package set

import (
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
)

// Chunk-level merging. Every function here works on one chunk of one shard
// and is called during a visit of that shard (see Set.acquire); positions
// are given as lows, sorted and distinct.

// lowsOf returns the distinct positions of seg, sorted values of one chunk,
// in the shard's scratch (valid until the next call).
func (sh *shard) lowsOf(seg []int64) []uint16 {
	lows := slices.Grow(sh.lows[:0], len(seg))[:len(seg)]
	sh.lows = lows[:0]
	n, prev := 0, seg[0]-1 // prev differs from seg[0], wrapping around or not
	for _, v := range seg {
		lows[n] = uint16(v) // overwritten by the next value when a duplicate
		if v != prev {
			n++
		}
		prev = v
	}
	return lows[:n]
}

// newChunkOf returns a chunk holding positions lows: a carved array, or a
// bitmap built in bulk when there are more than arrMax.
func (sh *shard) newChunkOf(c uint64, lows []uint16) chunk {
	if len(lows) > arrMax {
		return chunk{bm: sh.newRoaring(lows)}
	}
	a := sh.carve(len(lows))
	copy(a, lows)
	return chunk{arr: a}
}

// mergeChunk adds positions lows to chunk c of sh and returns how many were
// new.
func (sh *shard) mergeChunk(c uint64, lows []uint16) int {
	added := len(lows)
	if ch := sh.find(c); ch != nil {
		added = sh.mergeInto(c, ch, lows)
	} else {
		sh.create(c, sh.newChunkOf(c, lows))
	}
	sh.n += added
	return added
}

// mergeInto adds positions lows to ch, chunk c, and returns how many were
// new. It does not update sh.n.
func (sh *shard) mergeInto(c uint64, ch *chunk, lows []uint16) int {
	if ch.bm == nil {
		if added, _, ok := mergeArray(ch, lows, nil, false, 0); ok {
			return added
		}
		sh.toRoaring(ch)
	}
	return sh.mergeRoaring(c, ch.bm, lows)
}

// mergeArray merges lows into the array chunk ch. With collect it appends
// the new values (b + position, b the chunk's base) to fresh, ascending.
// It returns how many were new; ok == false (and ch and fresh unchanged)
// when the union would exceed arrMax.
//
// It finds each position with a gallop, so merging a few positions into a
// long array costs O(few · log) plus the move of the array's tail, or, when
// lows is not much shorter than the array, with a linear walk; nothing is
// written when nothing is new.
func mergeArray(ch *chunk, lows []uint16, fresh []int64, collect bool, b int64) (added int, _ []int64, ok bool) {
	a := ch.arr
	n0 := len(fresh)
	first, i := 0, 0 // first: where the smallest new position goes
	linear := 4*len(lows) >= len(a)
	for _, x := range lows {
		if linear { // a step or two per position: cheaper than a gallop
			for i < len(a) && a[i] < x {
				i++
			}
		} else {
			i = searchGE(a, i, x)
		}
		if i < len(a) && a[i] == x {
			continue
		}
		if added == 0 {
			first = i
		}
		added++
		if collect {
			fresh = append(fresh, b+int64(x))
		}
	}
	if added == 0 {
		return 0, fresh, true
	}
	total := len(a) + added
	if total > arrMax {
		return 0, fresh[:n0], false
	}
	out := a[:cap(a)]
	if cap(a) < total {
		out = make([]uint16, grow(len(a), total))
		copy(out, a[:first])
	}
	out = out[:total]
	// Merge from the back: out[w] is written after a[ia] was read, and
	// w >= ia, so this works in place too.
	ia, w := len(a)-1, total-1
	for k := len(lows) - 1; k >= 0 && w > ia; k-- {
		x := lows[k]
		for ia >= first && a[ia] > x {
			out[w] = a[ia]
			w--
			ia--
		}
		if ia >= first && a[ia] == x {
			continue
		}
		out[w] = x
		w--
	}
	if &out[0] != &a[:1][0] { // a[first:ia+1] was not moved: copy it over
		copy(out[first:ia+1], a[first:ia+1])
	}
	ch.arr = out
	return added, fresh, true
}

// grow returns the capacity for an array of n positions that must hold
// total: doubling, as append does, so that an array merged into a few
// positions at a time is reallocated O(log) times, but never past arrMax.
func grow(n, total int) int {
	return min(max(total, 2*n), arrMax)
}

// Strategies for a bitmap chunk. The run thresholds are the ones the
// roaring64 set before this one measured with BenchmarkMerge on a 2-vCPU VM
// (AddRange: 0.1-3 ns a value from runs of 128 on). bulkMin follows
// BenchmarkBuildChunk: a bulk build costs about 0.4 µs a container, which
// AddMany's extra 5-10 ns a value outweighs from a few hundred positions on.
const (
	// segSmall: fewer positions are added with CheckedAdd one by one.
	segSmall = 16
	// minAvgRun and maxRuns: positions made of at most maxRuns runs
	// averaging at least minAvgRun are added with one AddRange per run.
	minAvgRun = 16
	maxRuns   = 64
	// bulkMin: from this many positions on they are built into the scratch
	// bitmap, intersected (to skip the write when all are present, as in
	// gossip re-sends) and OR-ed in.
	bulkMin = 256
)

// mergeRoaring adds positions lows to bm, the bitmap of chunk c, and returns
// how many were new.
func (sh *shard) mergeRoaring(c uint64, bm *roaring.Bitmap, lows []uint16) int {
	n := len(lows)
	if n < segSmall {
		added := 0
		for _, x := range lows {
			if bm.CheckedAdd(r32(x)) {
				added++
			}
		}
		return added
	}
	before := bm.GetCardinality()
	runs := 1
	if int(lows[n-1]-lows[0]) != n-1 {
		runs = countRuns(lows)
	}
	switch {
	case runs == 1:
		lo, hi := uint64(r32(lows[0])), uint64(r32(lows[n-1]))+1
		if int(bm.CardinalityInRange(lo, hi)) == n {
			return 0 // all present: adding would only write
		}
		bm.AddRange(lo, hi)
	case runs <= maxRuns && runs*minAvgRun <= n:
		if int(before) >= n && holdsRuns(bm, lows) {
			return 0
		}
		start := 0
		for k := 1; k <= n; k++ {
			if k == n || lows[k] != lows[k-1]+1 {
				bm.AddRange(uint64(r32(lows[start])), uint64(r32(lows[k-1]))+1)
				start = k
			}
		}
	case n >= bulkMin:
		sh.buildInto(&sh.tmp, lows)
		if int(bm.AndCardinality(&sh.tmp)) == n {
			return 0
		}
		bm.Or(&sh.tmp)
	default:
		if int(before) >= n && holdsAll(bm, lows) {
			return 0
		}
		keys := slices.Grow(sh.r32s[:0], n)
		for _, x := range lows {
			keys = append(keys, r32(x))
		}
		bm.AddMany(keys)
		sh.r32s = keys[:0]
	}
	return int(bm.GetCardinality() - before)
}

// holdsRuns reports whether bm holds every position of lows, sorted
// distinct positions made of few runs: a count per run.
func holdsRuns(bm *roaring.Bitmap, lows []uint16) bool {
	start := 0
	for k := 1; k <= len(lows); k++ {
		if k == len(lows) || lows[k] != lows[k-1]+1 {
			first, last := uint64(r32(lows[start])), uint64(r32(lows[k-1]))
			if bm.CardinalityInRange(first, last+1) != last-first+1 {
				return false
			}
			start = k
		}
	}
	return true
}

// holdsAll reports whether bm holds every position of lows, stopping at the
// first one it lacks.
func holdsAll(bm *roaring.Bitmap, lows []uint16) bool {
	for _, x := range lows {
		if !bm.Contains(r32(x)) {
			return false
		}
	}
	return true
}

// mergeNewChunk adds positions lows to chunk c of sh and appends the values
// that were new to fresh, ascending.
func (sh *shard) mergeNewChunk(c uint64, lows []uint16, fresh []int64) []int64 {
	b := base(c)
	n0 := len(fresh)
	ch := sh.find(c)
	switch {
	case ch == nil:
		sh.create(c, sh.newChunkOf(c, lows))
		for _, x := range lows {
			fresh = append(fresh, b+int64(x))
		}
	case ch.bm == nil:
		var ok bool
		if _, fresh, ok = mergeArray(ch, lows, fresh, true, b); ok {
			break
		}
		sh.toRoaring(ch)
		fallthrough
	default:
		fresh = sh.mergeNewRoaring(c, ch.bm, lows, fresh, b)
	}
	sh.n += len(fresh) - n0
	return fresh
}

// mergeNewRoaring adds positions lows to bm, the bitmap of chunk c, and
// appends the new values (b + position) to fresh. Few positions are added
// one by one; more are built into the scratch bitmap and intersected: none
// new costs no write, all new one OR, and a mix is found by subtracting the
// chunk from the scratch.
func (sh *shard) mergeNewRoaring(c uint64, bm *roaring.Bitmap, lows []uint16, fresh []int64, b int64) []int64 {
	if len(lows) < segSmall {
		for _, x := range lows {
			if bm.CheckedAdd(r32(x)) {
				fresh = append(fresh, b+int64(x))
			}
		}
		return fresh
	}
	sh.buildInto(&sh.tmp, lows)
	switch present := int(bm.AndCardinality(&sh.tmp)); present {
	case len(lows):
		return fresh
	case 0:
		for _, x := range lows {
			fresh = append(fresh, b+int64(x))
		}
	default:
		sh.tmp.AndNot(bm) // the scratch now holds the new positions
		for _, x := range lows {
			if sh.tmp.Contains(r32(x)) {
				fresh = append(fresh, b+int64(x))
			}
		}
	}
	bm.Or(&sh.tmp)
	return fresh
}

// addRun adds positions lo..hi (inclusive) of chunk c and returns how many
// were new: O(1) for a bitmap chunk, O(log) for an array chunk that holds
// them all, O(array + run) for one that does not.
func (sh *shard) addRun(c uint64, lo, hi uint16) int {
	n := int(hi-lo) + 1
	ch := sh.find(c)
	if ch == nil {
		if n > arrMax {
			bm := new(roaring.Bitmap)
			bm.AddRange(uint64(r32(lo)), uint64(r32(hi))+1)
			sh.create(c, chunk{bm: bm})
		} else {
			a := sh.carve(n)
			for k := range a {
				a[k] = lo + uint16(k)
			}
			sh.create(c, chunk{arr: a})
		}
		sh.n += n
		return n
	}
	if ch.bm == nil {
		a := ch.arr
		i0, i1 := arrIn(a, lo, hi)
		added := n - (i1 - i0)
		if added == 0 {
			return 0
		}
		if total := len(a) + added; total <= arrMax {
			out := a[:cap(a)]
			if cap(a) < total {
				out = make([]uint16, grow(len(a), total))
				copy(out, a[:i0])
			}
			out = out[:total]
			copy(out[i0+n:], a[i1:])
			for k := range n {
				out[i0+k] = lo + uint16(k)
			}
			ch.arr = out
			sh.n += added
			return added
		}
		sh.toRoaring(ch)
	}
	first, end := uint64(r32(lo)), uint64(r32(hi))+1
	added := n - int(ch.bm.CardinalityInRange(first, end))
	if added > 0 { // else all present: adding would only write
		ch.bm.AddRange(first, end)
		sh.n += added
	}
	return added
}

// absorb adds src, chunk c of another set that gives it up, to ch, chunk c
// of sh, and returns how many of its values were new. It may take over
// src's bitmap. It does not update sh.n.
func (sh *shard) absorb(c uint64, ch *chunk, src chunk) int {
	switch {
	case src.bm == nil:
		return sh.mergeInto(c, ch, src.arr)
	case ch.bm == nil:
		// A bitmap is larger than any array: add the array to it and
		// keep it.
		bm := src.bm
		keys := slices.Grow(sh.r32s[:0], len(ch.arr))
		for _, x := range ch.arr {
			keys = append(keys, r32(x))
		}
		bm.AddMany(keys)
		sh.r32s = keys[:0]
		added := int(bm.GetCardinality()) - len(ch.arr)
		ch.bm, ch.arr = bm, nil
		return added
	default:
		n := int(src.bm.GetCardinality())
		present := int(ch.bm.AndCardinality(src.bm))
		if present < n {
			ch.bm.Or(src.bm)
		}
		return n - present
	}
}
