package set

import "github.com/maelstrom-gossip/node/internal/vec"

// MergeNew adds every value of vals, as Merge does, and appends to fresh the
// distinct values that were new, in ascending order; it returns the extended
// fresh. The number of values appended is what Merge would have returned.
// A caller that must record each new value (a log of arrivals) gets them in
// one pass instead of one Add per value.
//
// Like Merge, MergeNew sorts vals in place (an already-sorted vals is only
// read) and never retains vals or fresh. It runs on the caller's goroutine
// whatever the batch size; it allocates only to grow fresh, the chunks and
// the shard scratch.
func (s *Set) MergeNew(vals, fresh []int64) []int64 {
	sorted, distinct := vec.Ascending(vals)
	if !sorted {
		s.sortValues(vals)
	}
	for i := 0; i < len(vals); {
		c := chunkOf(vals[i])
		j := searchChunk(vals, i+1, c+1)
		sh := &s.shards[c&shardMask]
		s.acquire(sh)
		if !distinct || !sh.holdsRun(c, vals[i:j]) {
			fresh = sh.mergeNewChunk(c, sh.lowsOf(vals[i:j]), fresh)
		}
		s.release(sh)
		i = j
	}
	s.settle()
	return fresh
}

// holdsRun reports whether seg, sorted distinct values of chunk c, is a run
// of consecutive values that sh holds already: then MergeNew has nothing to
// add or report, and finds it out in O(log) (a gossip re-send of a dense
// range).
func (sh *shard) holdsRun(c uint64, seg []int64) bool {
	n := len(seg)
	if n < 2 || seg[n-1]-seg[0] != int64(n-1) {
		return false
	}
	ch := sh.find(c)
	return ch != nil && ch.countIn(c, uint16(seg[0]), uint16(seg[n-1])) == n
}
