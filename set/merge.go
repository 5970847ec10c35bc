package set

import (
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/maelstrom-gossip/node/internal/vec"
)

const (
	// tinyBatch: below this many values Merge adds them one by one (after
	// a sort when they are out of order: vals comes back sorted).
	tinyBatch = 16
	// parallelMin: from this many values on, Merge and Commit run the
	// shards on up to GOMAXPROCS goroutines. On a shared 2-vCPU VM
	// (BenchmarkMerge/1M, -cpu 1,2) it made unsorted sparse batches
	// 1.05-1.5x faster (noisy) and sorted dense ones no faster: they are a
	// range per chunk.
	parallelMin = 1 << 16
)

// Merge adds every value of vals and returns how many distinct values were
// new. vals may be in any order and hold duplicates (each counts once).
//
// Merge sorts vals in place: on return vals holds the same values, ascending
// (duplicates kept), so the caller may count or forward them in order. An
// already-sorted vals is only read. Merge never retains vals, and the caller
// MUST NOT read or write vals while Merge runs.
//
// Batches shorter than 16 values take no allocation in steady state. Batches
// of at least 64Ki values run on up to runtime.GOMAXPROCS(0) goroutines,
// each of which owns whole shards; Merge waits for them.
func (s *Set) Merge(vals []int64) int {
	return s.merge(vals, true)
}

// merge is Merge; without restore, a large unsorted vals is left in any
// order (its values are scratch to a caller that drops them next).
func (s *Set) merge(vals []int64, restore bool) int {
	sorted, distinct := vec.Ascending(vals)
	if !sorted {
		if desc, strict := descending(vals); desc {
			slices.Reverse(vals) // O(n) where a sort would be O(n log n) or a radix's passes
			sorted, distinct = true, strict
		}
	}
	if len(vals) < tinyBatch {
		if !sorted {
			slices.Sort(vals)
		}
		return s.mergeTiny(vals)
	}
	if len(vals) >= parallelMin {
		if w := min(runtime.GOMAXPROCS(0), nShards); w > 1 {
			return s.mergeParallel(vals, sorted, distinct, restore, w)
		}
	}
	if !sorted {
		s.sortValues(vals)
	}
	added := s.mergeSorted(vals, distinct)
	s.settle()
	return added
}

// mergeTiny adds a short batch value by value.
func (s *Set) mergeTiny(vals []int64) int {
	added := 0
	for _, v := range vals {
		if s.Add(v) {
			added++
		}
	}
	return added
}

// descending reports whether vals never rises from one value to the next,
// and whether it always falls (no duplicates), in one pass. An array that
// does not descend usually says so within a few values.
func descending(vals []int64) (desc, strict bool) {
	strict = true
	for i := 1; i < len(vals); i++ {
		if vals[i] >= vals[i-1] {
			if vals[i] > vals[i-1] {
				return false, false
			}
			strict = false
		}
	}
	return true, strict
}

// searchChunk returns the first index k >= i with chunkOf(vals[k]) >= target,
// or len(vals). vals must be sorted. Keys keep the values' order, so this is
// a gallop (searchGE) for the smallest value of chunk target.
func searchChunk(vals []int64, i int, target uint64) int {
	if target > math.MaxUint64>>chunkBits {
		return len(vals) // past the last chunk
	}
	return searchGE(vals, i, val(target<<chunkBits))
}

// mergeSorted merges sorted vals chunk by chunk, visiting each chunk's
// shard in turn; distinct promises that vals has no duplicates. The caller
// settles.
func (s *Set) mergeSorted(vals []int64, distinct bool) int {
	added := 0
	for i := 0; i < len(vals); {
		c := chunkOf(vals[i])
		j := searchChunk(vals, i+1, c+1)
		sh := &s.shards[c&shardMask]
		s.acquire(sh)
		added += sh.mergeSegment(c, vals[i:j], distinct)
		s.release(sh)
		i = j
	}
	return added
}

// mergeAbove is mergeSorted for sorted vals[from:ends[len(ends)-1]], which
// lie above every value of s, cut into chunk segments that end at ends
// (indexes into vals, ascending; see vec.Segments): each chunk is new but
// perhaps the first (that of s's largest value), so only the first is
// looked for, and a chunk of at most arrMax values is written straight
// from its segment as a new array, with no search. The caller settles.
//
// When the values are distinct and no segment is longer than arrMax (a
// sparse batch), the new arrays are cut from one block written in one
// pass (see appendArrays); otherwise each is carved and written on its own.
func (s *Set) mergeAbove(vals []int64, from int, ends []int32, distinct bool) int {
	if len(ends) == 0 {
		return 0
	}
	added := 0
	c := chunkOf(vals[from])
	sh := &s.shards[c&shardMask]
	s.acquire(sh)
	if sh.holdsLast(c) {
		added += sh.mergeSegment(c, vals[from:ends[0]], distinct)
		from, ends = int(ends[0]), ends[1:]
	}
	s.release(sh)
	room := tailRoom(len(vals), from, ends)
	if distinct && shortSegments(from, ends) {
		return added + s.appendArrays(vals, from, ends, room)
	}
	for k, e := range ends {
		i, j := from, int(e)
		from = j
		c := chunkOf(vals[i])
		spare := 0
		if k == len(ends)-1 {
			spare = room
		}
		seg := vals[i:j]
		sh := &s.shards[c&shardMask]
		s.acquire(sh)
		if len(seg) > arrMax {
			added += sh.mergeSegment(c, seg, distinct)
		} else {
			added += sh.appendArray(c, seg, distinct, spare)
		}
		s.release(sh)
	}
	return added
}

// tailRoom returns the spare room for the last of the segments from from
// to ends (see mergeAbove), which the next batch may go on with when it
// ends the batch (n values): as many values as the segment before it,
// which is whole where the batch's end cut the last (1 when there is
// none), so that the next batch's part of the chunk needs no new array.
// It is 0 when the last segment does not end the batch.
func tailRoom(n, from int, ends []int32) int {
	switch k := len(ends); {
	case k == 0 || int(ends[k-1]) != n:
		return 0
	case k > 2:
		return int(ends[k-2] - ends[k-3])
	case k == 2:
		return int(ends[0]) - from
	}
	return 1
}

// shortSegments reports whether none of the segments from from to ends
// (see mergeAbove) is longer than arrMax.
func shortSegments(from int, ends []int32) bool {
	for _, e := range ends {
		if int(e)-from > arrMax {
			return false
		}
		from = int(e)
	}
	return true
}

// appendArrays is mergeAbove for distinct values in segments of at most
// arrMax, none of whose chunks s holds: their arrays are cut, in order,
// from one block that a single pass writes, so a sparse batch costs one
// allocation and one call of vec.PutLows, not one per chunk. The last
// array keeps the rest of the block: spare more values (see tailRoom).
// Arrays of different shards share the block but not memory (each is cut
// to its room), as carved ones do.
func (s *Set) appendArrays(vals []int64, from int, ends []int32, spare int) int {
	if len(ends) == 0 {
		return 0
	}
	end := int(ends[len(ends)-1])
	block := make([]uint16, end-from+spare)
	vec.PutLows(block, vals[from:end])
	base := from
	for k, e := range ends {
		i, j := from, int(e)
		from = j
		room := j - base
		if k == len(ends)-1 {
			room = len(block)
		}
		c := chunkOf(vals[i])
		sh := &s.shards[c&shardMask]
		s.acquire(sh)
		sh.appendChunk(c, block[i-base:j-base:room])
		s.release(sh)
	}
	return end - base
}

// holdsLast reports whether chunk c, which no chunk of sh lies above, is
// in sh: its last chunk or the last one the pass created.
func (sh *shard) holdsLast(c uint64) bool {
	if n := len(sh.adds); n > 0 && sh.adds[n-1].key == c {
		return true
	}
	n := len(sh.keys)
	return n > 0 && sh.keys[n-1] == c
}

// appendArray creates chunk c, above every chunk of sh, as an array of the
// positions of seg (sorted values of c, at most arrMax; duplicates allowed
// unless distinct promises none), with room for spare more, and returns how
// many there are. Distinct values are written straight into the carved
// array.
func (sh *shard) appendArray(c uint64, seg []int64, distinct bool, spare int) int {
	var a []uint16
	if distinct {
		a = sh.carve(len(seg) + spare)[:len(seg)]
		vec.PutLows(a, seg)
	} else {
		lows := sh.lowsOf(seg)
		a = sh.carve(len(lows) + spare)[:len(lows)]
		copy(a, lows)
	}
	sh.appendChunk(c, a)
	return len(a)
}

// appendChunk adds chunk c, above every chunk of sh (those the pass
// created included), as the array a, which it keeps. It goes straight to
// the end of the shard's arrays; the chunks the pass created go in before
// it at settle, each at its place.
func (sh *shard) appendChunk(c uint64, a []uint16) {
	if len(sh.cs) == cap(sh.cs) {
		// Doubling, where append grows a long slice by a quarter to a
		// half: a shard fed chunk after chunk (a million sparse values
		// into an empty set) then copies its chunks about once in all.
		sh.keys = slices.Grow(sh.keys, len(sh.keys)+16)
		sh.cs = slices.Grow(sh.cs, len(sh.cs)+16)
	}
	sh.keys = append(sh.keys, c)
	sh.cs = append(sh.cs, chunk{arr: a})
	sh.n += len(a)
}

// mergeSegment adds seg, the sorted values of chunk c, to sh and returns
// how many were new; distinct promises that seg has no duplicates. A
// segment of consecutive values (the Maelstrom workload) is one range:
// O(1) for a bitmap chunk, whatever its length; any other is converted to
// positions first.
func (sh *shard) mergeSegment(c uint64, seg []int64, distinct bool) int {
	if n := len(seg); distinct && n > 1 && seg[n-1]-seg[0] == int64(n-1) {
		return sh.addRun(c, uint16(seg[0]), uint16(seg[n-1]))
	}
	return sh.mergeChunk(c, sh.lowsOf(seg))
}

// fanOut runs do(si) for every shard on w goroutines (the caller's
// included): goroutine g takes the shards g, g+w, g+2w, ..., so no two
// touch one shard and none needs a lock or an atomic counter. In a plain Set
// each shard's created chunks are inserted by the goroutine that owns it.
// It returns the sum of the results, added up after the wait.
func (s *Set) fanOut(w int, do func(si int) int) int {
	var added [nShards]int
	work := func(g int) {
		for si := g; si < nShards; si += w {
			added[si] = do(si)
			if !s.shared {
				s.shards[si].flushAdds()
			}
		}
	}
	var wg sync.WaitGroup
	for g := 1; g < w; g++ {
		wg.Go(func() { work(g) })
	}
	work(0)
	wg.Wait()
	total := 0
	for _, n := range added {
		total += n
	}
	return total
}

// mergeParallel merges a large batch on w goroutines (see fanOut).
//
// An unsorted batch is first scattered by shard into scratch, and the
// goroutine that owns a shard radix-sorts that shard's group (with the same
// range of vals as its scratch) and merges it; finally, with restore, vals
// is made sorted again: by merging the groups back, a chunk or more at a
// time, or, when the batch has nearly as many chunks as values (values over
// the whole int64 range), by radix-sorting vals, a few passes instead of a
// 16-way choice per value.
//
// A sorted batch is cut into chunk segments first (one gallop per chunk),
// and the segments are grouped by shard, so each goroutine visits only its
// own chunks.
func (s *Set) mergeParallel(vals []int64, sorted, distinct, restore bool, w int) int {
	if sorted {
		segs := s.segmentsByShard(vals)
		return s.fanOut(w, func(si int) int {
			added := 0
			sh := &s.shards[si]
			for _, k := range segs.order[segs.off[si]:segs.off[si+1]] {
				from, to := segs.starts[k], segs.starts[k+1]
				s.acquire(sh)
				added += sh.mergeSegment(chunkOf(vals[from]), vals[from:to], distinct)
				s.release(sh)
			}
			return added
		})
	}
	p := s.getScratch(len(vals))
	defer s.putScratch(p)
	groups := *p
	bounds := partitionByShard(groups, vals)
	var chunks [nShards]int
	added := s.fanOut(w, func(si int) int {
		g := groups[bounds[si]:bounds[si+1]]
		sortWith(g, vals[bounds[si]:bounds[si+1]])
		for k := 1; k < len(g); k++ {
			if g[k]>>chunkBits != g[k-1]>>chunkBits {
				chunks[si]++
			}
		}
		if len(g) > 0 && !s.shared {
			// Room for every chunk the group may create, at once:
			// values spread over many chunks would otherwise grow
			// the list of created chunks by doubling, each copy
			// under the write barrier.
			sh := &s.shards[si]
			sh.adds = slices.Grow(sh.adds, chunks[si]+1)
		}
		return s.mergeSorted(g, false)
	})
	if !restore {
		return added
	}
	total := 0
	for _, n := range chunks {
		total += n
	}
	if total > len(vals)/8 { // stretches of a few values: sort instead
		copy(vals, groups) // vals was scratch: it may hold anything
		sortWith(vals, groups)
		return added
	}
	var lo, hi [nShards]int
	copy(lo[:], bounds[:nShards])
	copy(hi[:], bounds[1:])
	o := 0
	mergeRuns(groups, &lo, &hi, func(from, to int) {
		o += copy(vals[o:], groups[from:to])
	})
	return added
}

// segments is a sorted batch cut into chunk segments: segment k is
// vals[starts[k]:starts[k+1]], and order[off[si]:off[si+1]] lists the
// segments of shard si, ascending.
type segments struct {
	starts []int
	order  []int
	off    [nShards + 1]int
}

// segmentsByShard cuts sorted vals into chunk segments, grouped by shard,
// in the Set's scratch (a Shared set allocates).
func (s *Set) segmentsByShard(vals []int64) *segments {
	segs := &s.segs
	if s.shared {
		segs = new(segments)
	}
	starts := segs.starts[:0]
	var count [nShards]int
	for i := 0; i < len(vals); {
		c := chunkOf(vals[i])
		starts = append(starts, i)
		count[c&shardMask]++
		i = searchChunk(vals, i+1, c+1)
	}
	starts = append(starts, len(vals))
	segs.off[0] = 0
	for si := range nShards {
		segs.off[si+1] = segs.off[si] + count[si]
	}
	next := segs.off
	order := slices.Grow(segs.order[:0], len(starts)-1)[:len(starts)-1]
	for k, from := range starts[:len(starts)-1] {
		si := shardOf(vals[from])
		order[next[si]] = k
		next[si]++
	}
	segs.starts, segs.order = starts, order
	return segs
}
