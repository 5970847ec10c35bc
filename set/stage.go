package set

import (
	"runtime"
	"slices"

	"github.com/maelstrom-gossip/node/internal/vec"
)

const (
	// stageWindow is how many values a Stage holds in its plain window
	// before it spills.
	stageWindow = 4096
	// stagePendMin, stagePendPerChunk and stagePendMax size the buffer of
	// spilled values that a Stage merges (sorted, so that each chunk is
	// visited once per merge) into its staging set: 64Ki values, or 32 per
	// staged chunk, at most 1Mi. Unsorted values thus reach each chunk a
	// few dozen at a time, not a few (1M random values in [0, 10^9) were
	// staged and committed 1.6x faster than with a fixed 64Ki: 40 against
	// 65 ns a value), while the buffer stays within a small multiple of
	// the staged chunks' own size (a chunk costs at least 40 bytes besides
	// its values), never the batch's length.
	stagePendMin      = 1 << 16
	stagePendPerChunk = 32
	stagePendMax      = 1 << 20
)

// Stage collects the values of one incoming batch, which may be huge (ten
// million values or more from one line), for Set.Commit to add all at once.
// The zero Stage is empty and ready to use.
//
// A small batch stays in a plain window of up to 4096 values (Values
// returns it, in the order added, for a caller that wants Set.MergeNew).
// Once more values arrive, or a run longer than the window's room, the
// stage spills: from then on it keeps the distinct values in a staging set
// of its own (sorted arrays and roaring bitmaps per 2^16-value chunk, as a
// Set), so that its memory follows the distinct values' compressed size,
// never the batch's length, plus a buffer of values not yet merged (64Ki
// values, or 32 per staged chunk, at most 1Mi). AddRun of a spilled stage
// costs O(chunks the run spans).
//
// A stage set Against a base set leaves out what the base already holds,
// as long as the batch arrives in ascending order (the way nodes send their
// sets): each chunk segment of an ascending batch, and each run, that the
// base holds whole is counted and dropped instead of staged, so that a
// batch the set mostly holds (a gossip_sync re-sending a whole set) costs
// a lookup per chunk and no allocation.
//
// A Stage MUST NOT be used from concurrently running goroutines, nor
// copied after first use.
type Stage struct {
	win     []int64 // the values, in the order added, while !spilled
	spilled bool
	staged  Set     // the distinct values merged so far, once spilled
	pend    []int64 // spilled values not yet merged into staged
	pendMax int     // len(pend) that triggers a merge
	// top bounds the staged values from above when topOK (the values in
	// pend excepted); a sorted batch above it is merged at once (see
	// AddValues), and the chunks it creates are inserted at the next
	// flush.
	top   int64
	topOK bool
	// distinct caches Len of the window (-1: unknown); sorted is its
	// scratch.
	distinct int
	sorted   []int64
	// ends is scratch: where the chunk segments of a sorted batch end
	// (see segments).
	ends []int32
	// base is the set whose values the stage may leave out (see Against),
	// left how many distinct values it left out since the last Reset, and
	// filter where the stage stands with it.
	base   *Set
	left   int
	filter filterState
	// baseTop is the base's largest value (baseAny: it has one), read
	// once per batch (baseRead) by the first ascending values: values
	// above it cannot be held, so they skip the check chunk by chunk.
	baseTop           int64
	baseAny, baseRead bool
}

// filterState is where a spilled stage stands with its base (see Against).
type filterState uint8

const (
	// filtering: every value so far arrived in ascending order (or was
	// staged), so what the base holds is left out and counted exactly.
	filtering filterState = iota
	// staging: values came out of order before any was left out; every
	// value is staged from now on, and the count stays exact.
	staging
	// countLost: values came out of order after some were left out; they
	// may repeat a value left out, so Len no longer knows the count.
	countLost
)

// Reset empties the stage, keeping its buffers' memory (not the values a
// Commit handed over to a set) and its base.
func (st *Stage) Reset() {
	st.win = st.win[:0]
	st.pend = st.pend[:0]
	st.spilled, st.topOK = false, false
	st.distinct, st.pendMax = 0, 0
	st.left, st.filter = 0, filtering
	st.baseRead = false
	for i := range st.staged.shards {
		st.staged.shards[i].reset()
	}
}

// AddValues stages vals: any order, duplicates allowed. vals is neither
// modified nor retained.
//
// A spilled stage merges a sorted vals that lies above everything staged
// (the batches of an ascending line) into its staging set at once, while
// vals is in the cache; other values wait in the buffer, to be merged
// sorted, many per chunk.
func (st *Stage) AddValues(vals []int64) {
	if len(vals) == 0 {
		return
	}
	if !st.spilled {
		if len(st.win)+len(vals) <= stageWindow {
			st.win = append(st.win, vals...)
			st.distinct = -1
			return
		}
		st.spill()
	}
	for len(vals) > stageWindow {
		// A long batch goes in window-sized pieces: the segment index
		// (st.ends) then stays within its bound.
		st.AddValues(vals[:stageWindow])
		vals = vals[stageWindow:]
	}
	if len(st.pend) == 0 && (!st.topOK || vals[0] > st.top) {
		if ends, sorted, distinct := st.segments(vals); sorted {
			st.addAscending(vals, ends, distinct)
			return
		}
	}
	st.unordered()
	for len(vals) > 0 {
		if len(st.pend) >= st.pendMax {
			st.flush()
		}
		room := min(st.pendMax-len(st.pend), len(vals))
		st.pend = append(st.pend, vals[:room]...)
		vals = vals[room:]
	}
}

// AddRun stages the consecutive values lo..hi inclusive; it does nothing
// when lo > hi. A run that does not fit in the window's room spills the
// stage and costs O(chunks it spans); a run over most of the int64 range
// spans too many chunks to stage.
func (st *Stage) AddRun(lo, hi int64) {
	if lo > hi {
		return
	}
	if !st.spilled {
		if n := uint64(hi) - uint64(lo); n < uint64(stageWindow-len(st.win)) {
			for v := lo; ; v++ {
				st.win = append(st.win, v)
				if v == hi {
					break
				}
			}
			st.distinct = -1
			return
		}
		st.spill()
	}
	ascending := !st.topOK || lo > st.top
	if !st.topOK || hi > st.top {
		st.top, st.topOK = hi, true
	}
	if ascending && st.base != nil && st.filter == filtering && st.base.holdsRange(lo, hi) {
		st.left += int(uint64(hi)-uint64(lo)) + 1
		return
	}
	if !ascending {
		st.unordered()
	}
	st.staged.settle()
	st.staged.addRange(lo, hi)
}

// segments cuts vals into chunk segments (see vec.Segments), in st.ends,
// and reports whether vals is sorted and distinct; the segments mean
// nothing unless vals is sorted. len(vals) is at most stageWindow.
func (st *Stage) segments(vals []int64) (ends []int32, sorted, distinct bool) {
	if st.ends == nil {
		st.ends = make([]int32, stageWindow)
	}
	n, sorted, distinct := vec.Segments(vals, st.ends)
	return st.ends[:n], sorted, distinct
}

// addAscending stages sorted vals (distinct: without duplicates), cut into
// chunk segments at ends (see vec.Segments), which lie above every value
// staged or left out, straight into the staging set, while vals is in the
// cache: the chunks this creates come after every chunk staged (created
// ones included: they are inserted at the next settle, once for all the
// batches). Chunk segments that the base holds whole are counted and left
// out instead.
func (st *Stage) addAscending(vals []int64, ends []int32, distinct bool) {
	st.top, st.topOK = vals[len(vals)-1], true
	if st.base == nil || st.filter != filtering || st.aboveBase(vals[0]) {
		st.staged.mergeAbove(vals, 0, ends, distinct)
		return
	}
	from, fromSeg := 0, 0 // the first value (and segment) not yet staged or left out
	// The chunks of the next segments are looked up lookAhead segments
	// ahead, their arrays fetched from memory while this one's are
	// compared: a set of a million sparse values outgrows the cache that
	// the line streams through, and one segment's compare is shorter than
	// a fetch from memory.
	var ahead [lookAhead]*chunk
	for k := range min(lookAhead, len(ends)) {
		ahead[k] = st.base.fetch(vals, ends, k)
	}
	i := 0
	for k, e := range ends {
		j := int(e)
		ch := ahead[k%lookAhead]
		if a := k + lookAhead; a < len(ends) {
			ahead[k%lookAhead] = st.base.fetch(vals, ends, a)
		}
		if seg := vals[i:j]; holdsSegment(ch, seg) {
			st.staged.mergeAbove(vals, from, ends[fromSeg:k], distinct)
			if distinct {
				st.left += len(seg)
			} else {
				st.left += countDistinct(seg)
			}
			from, fromSeg = j, k+1
		}
		i = j
	}
	st.staged.mergeAbove(vals, from, ends[fromSeg:], distinct)
}

// aboveBase reports whether v lies above every value of the base (st.base
// is set). The base's top is read once per batch: the base does not change
// before the stage is committed or Reset (see Against).
func (st *Stage) aboveBase(v int64) bool {
	if !st.baseRead {
		st.baseTop, st.baseAny = st.base.top()
		st.baseRead = true
	}
	return !st.baseAny || v > st.baseTop
}

// unordered records that values arrived out of order: the stage stops
// leaving values out, and if it left any out, its count is lost (see
// filterState).
func (st *Stage) unordered() {
	if st.filter == filtering {
		st.filter = staging
		if st.left > 0 {
			st.filter = countLost
		}
	}
}

// spill merges the window into the staging set.
func (st *Stage) spill() {
	st.spilled = true
	st.pendMax = stagePendMin
	if ends, sorted, distinct := st.segments(st.win); sorted && len(st.win) > 0 {
		st.addAscending(st.win, ends, distinct)
	} else if !sorted {
		st.unordered()
		st.staged.merge(st.win, false) // sorts the window, which is dropped
		_, st.top, st.topOK = st.staged.bounds()
	}
	st.win = st.win[:0]
}

// flush merges the pending buffer into the staging set and resizes the
// buffer to the staged chunks.
func (st *Stage) flush() {
	st.staged.settle()
	if len(st.pend) == 0 {
		return
	}
	st.staged.merge(st.pend, false) // leaves st.pend in any order
	st.pend = st.pend[:0]
	chunks := 0
	for i := range st.staged.shards {
		chunks += len(st.staged.shards[i].keys)
	}
	st.pendMax = min(max(stagePendMin, stagePendPerChunk*chunks), stagePendMax)
	_, st.top, st.topOK = st.staged.bounds()
}

// Spilled reports whether the stage has left its window: false while it
// holds at most 4096 values (counting duplicates) and no longer run.
func (st *Stage) Spilled() bool { return st.spilled }

// Values returns the staged values in the order added (runs expanded,
// duplicates kept) when the stage has not spilled, and nil when it has. The
// slice aliases the stage until the next Reset, AddValues, AddRun or Commit;
// the caller may reorder it (Set.MergeNew sorts it) but MUST NOT append to
// it.
func (st *Stage) Values() []int64 {
	if st.spilled {
		return nil
	}
	return st.win[:len(st.win):len(st.win)]
}

// Len returns the number of distinct values added since the last Reset,
// those left out because the base holds them included, and true; or false
// when that number is no longer known (values came out of order after some
// were left out, and may repeat them). A spilled stage first merges its
// pending buffer.
func (st *Stage) Len() (int, bool) {
	if st.spilled {
		st.flush()
		return st.staged.Len() + st.left, st.filter != countLost
	}
	if st.distinct < 0 {
		st.sorted = append(st.sorted[:0], st.win...)
		slices.Sort(st.sorted)
		st.distinct = len(slices.Compact(st.sorted))
	}
	return st.distinct, true
}

// Against sets the stage's base: from the next value added on, the stage
// leaves out what base holds, as long as the values arrive in ascending
// order (see Stage), until Against(nil). Commit the stage into base, or
// into a set that holds all of base: any other set would miss what was
// left out. base MUST be a plain Set (not a Shared one's), and MUST NOT be
// modified or used by another goroutine until the stage is committed or
// Reset; the stage reads it on the caller's goroutine.
func (st *Stage) Against(base *Set) { st.base, st.baseRead = base, false }

// Bounds returns the smallest and the largest value staged, values left out
// excepted, and false when none is. It scans the window, or merges the
// pending buffer of a spilled stage.
func (st *Stage) Bounds() (lo, hi int64, ok bool) {
	if st.spilled {
		st.flush()
		return st.staged.bounds()
	}
	for _, v := range st.win {
		if !ok {
			lo, hi, ok = v, v, true
		}
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi, ok
}

// bounds returns the smallest and the largest value of s, and false when s
// is empty: O(nShards).
func (s *Set) bounds() (lo, hi int64, ok bool) {
	var cLo, cHi uint64
	var first, last *chunk
	for i := range s.shards {
		sh := &s.shards[i]
		if n := len(sh.keys); n > 0 {
			if first == nil || sh.keys[0] < cLo {
				cLo, first = sh.keys[0], &sh.cs[0]
			}
			if last == nil || sh.keys[n-1] > cHi {
				cHi, last = sh.keys[n-1], &sh.cs[n-1]
			}
		}
	}
	if first == nil {
		return 0, 0, false
	}
	return base(cLo) + int64(first.minPos()), base(cHi) + int64(last.maxPos()), true
}

// top returns the largest value of s, and false when s is empty:
// O(nShards), each shard visited in turn.
func (s *Set) top() (int64, bool) {
	var cHi uint64
	hi, ok := int64(0), false
	for i := range s.shards {
		sh := &s.shards[i]
		s.acquire(sh)
		if n := len(sh.keys); n > 0 && (!ok || sh.keys[n-1] > cHi) {
			cHi, ok = sh.keys[n-1], true
			hi = base(cHi) + int64(sh.cs[n-1].maxPos())
		}
		s.release(sh)
	}
	return hi, ok
}

// holdsRange reports whether s holds every value lo..hi (lo <= hi): a
// count per chunk, stopping at the first chunk that lacks one.
func (s *Set) holdsRange(lo, hi int64) bool {
	kLo, kHi := key(lo), key(hi)
	for c := kLo >> chunkBits; ; c++ {
		first, last := bound(c, kLo>>chunkBits, uint16(kLo), 0), bound(c, kHi>>chunkBits, uint16(kHi), lowMask)
		sh := &s.shards[c&shardMask]
		s.acquire(sh)
		ch := sh.find(c)
		held := ch != nil && ch.countIn(c, first, last) == int(last-first)+1
		s.release(sh)
		if !held {
			return false
		}
		if c == kHi>>chunkBits {
			return true
		}
	}
}

// lookup returns chunk c of s, a plain Set (not a Shared one's), or nil.
// The chunk is s's own: it stays valid until s is next modified.
func (s *Set) lookup(c uint64) *chunk { return s.shards[c&shardMask].find(c) }

// lookAhead is how many chunk segments ahead of its compare addAscending
// looks a chunk up and fetches its array. Four: a 1M-value sorted-sparse
// sync into a set holding it (BenchmarkSyncMerge, 20 alternating runs)
// took a median 3.31 ms against 3.59 ms with one ahead; eight was no
// better than four.
const lookAhead = 4

// fetch returns s's chunk of segment k of vals (cut at ends, see
// vec.Segments), nil when s lacks it, and asks the CPU to fetch the
// chunk's array, if it is one. The chunk stays valid as lookup's does.
func (s *Set) fetch(vals []int64, ends []int32, k int) *chunk {
	start := 0
	if k > 0 {
		start = int(ends[k-1])
	}
	ch := s.lookup(chunkOf(vals[start]))
	if ch != nil && ch.bm == nil {
		vec.Prefetch(ch.arr)
	}
	return ch
}

// holdsSegment reports whether ch (nil: an absent chunk) holds every value
// of seg, sorted values of its chunk (duplicates allowed), stopping at the
// first it lacks.
func holdsSegment(ch *chunk, seg []int64) bool {
	switch {
	case ch == nil:
		return false
	case ch.bm != nil:
		for _, v := range seg {
			if !ch.bm.Contains(r32(uint16(v))) {
				return false
			}
		}
		return true
	}
	a := ch.arr
	if vec.SameLows(seg, a) {
		return true // the chunk re-sent whole, the common case
	}
	linear := 4*len(seg) >= len(a) // a step or two per value: cheaper than a gallop
	i := 0
	for _, v := range seg {
		x := uint16(v)
		if linear {
			for i < len(a) && a[i] < x {
				i++
			}
		} else {
			i = searchGE(a, i, x)
		}
		if i == len(a) || a[i] != x {
			return false
		}
	}
	return true
}

// countDistinct returns the number of distinct values in sorted vals.
func countDistinct(vals []int64) int {
	n := 0
	for i, v := range vals {
		if i == 0 || v != vals[i-1] {
			n++
		}
	}
	return n
}

// addRange adds the values lo..hi (lo <= hi) chunk by chunk, one roaring
// range (or array fill, for a short part) each, and returns how many were
// new.
func (s *Set) addRange(lo, hi int64) int {
	kLo, kHi := key(lo), key(hi)
	added := 0
	for c := kLo >> chunkBits; ; c++ {
		sh := &s.shards[c&shardMask]
		s.acquire(sh)
		added += sh.addRun(c, bound(c, kLo>>chunkBits, uint16(kLo), 0), bound(c, kHi>>chunkBits, uint16(kHi), lowMask))
		s.release(sh)
		if c == kHi>>chunkBits {
			break
		}
	}
	s.settle()
	return added
}

// Commit adds every value staged in st to s, returns how many distinct
// values were new, and leaves st empty (as Reset does): a spilled stage's
// chunks move into s where s lacks them, with no copy, and are intersected
// and OR-ed into s's chunks where s has them, with no write when s holds
// them all already. A stage of at least 64Ki distinct values is committed
// on up to GOMAXPROCS goroutines, each of which owns whole shards of both.
// An unspilled stage is merged with Merge.
func (s *Set) Commit(st *Stage) int {
	defer st.Reset()
	if !st.spilled {
		return s.Merge(st.win)
	}
	st.flush()
	if st.staged.Len() >= parallelMin {
		if w := min(runtime.GOMAXPROCS(0), nShards); w > 1 {
			return s.fanOut(w, func(si int) int { return s.absorbShard(si, &st.staged.shards[si]) })
		}
	}
	added := 0
	for si := range s.shards {
		added += s.absorbShard(si, &st.staged.shards[si])
	}
	s.settle()
	return added
}

// absorbShard adds src, shard si of a set that gives its chunks up, to
// shard si of s, and returns how many values were new. An empty shard
// swaps its arrays with src's; chunks past the shard's last are appended
// in one copy; otherwise both shards' chunks are walked in ascending order:
// a chunk s lacks is moved over, one it has is combined (see shard.absorb).
// The caller settles.
func (s *Set) absorbShard(si int, src *shard) int {
	sh := &s.shards[si]
	s.acquire(sh)
	defer s.release(sh)
	switch n := len(sh.keys); {
	case len(src.keys) == 0:
		return 0
	case n == 0:
		sh.keys, src.keys = src.keys, sh.keys
		sh.cs, src.cs = src.cs, sh.cs
		sh.n += src.n
		return src.n
	case src.keys[0] > sh.keys[n-1]:
		sh.keys = append(sh.keys, src.keys...)
		sh.cs = append(sh.cs, src.cs...)
		sh.n += src.n
		return src.n
	}
	added := 0
	for i, c := range src.keys {
		sc := src.cs[i]
		if ch := sh.find(c); ch != nil {
			added += sh.absorb(c, ch, sc)
			continue
		}
		sh.create(c, sc)
		added += sc.card()
	}
	sh.n += added
	return added
}
