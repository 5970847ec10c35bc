package set

import (
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2/roaring64"
)

// Tuning knobs. They were measured on a 2-vCPU AMD EPYC VM (noisy, so take
// the figures as rough) with BenchmarkMerge and one-off experiments that
// merged 256 chunks of L values each with every strategy:
//   - one run of L consecutive values: AddRange costs about 24 ns/value at
//     L=16 against 39 for CheckedAdd, and 0.1-3 ns/value from L=128 on;
//   - L scattered values: AddMany beats CheckedAdd from L=64 on (13-17
//     against 16-40 ns/value, more when the values are already present) and
//     loses below 32, where its fixed cost (the probe, an allocation) shows;
//   - the parallel path made 1M-value unsorted sparse batches 1.1-1.5x
//     faster on 2 vCPUs (the spread is the VM's noise) and did not change
//     sorted dense ones, whose merge is mostly AddRange calls.
const (
	// tinyBatch: below this many values Merge adds them one by one (after
	// an insertion sort when they are out of order: vals comes back sorted).
	tinyBatch = 16
	// parallelMin: from this many values on Merge splits the batch by shard
	// and merges the shards on up to GOMAXPROCS goroutines.
	parallelMin = 1 << 16
	// segSmall: a chunk's part of the batch shorter than this is added with
	// CheckedAdd, one value at a time.
	segSmall = 16
	// minAvgRun and maxRuns: a chunk's part made of at most maxRuns runs of
	// consecutive values, averaging at least minAvgRun values, is added with
	// one AddRange per run.
	minAvgRun = 16
	maxRuns   = 64
	// bulkMin: any other chunk part of at least bulkMin values is added with
	// one AddMany call (which is much faster per value than CheckedAdd).
	bulkMin = 64
	// presentCheckMin: from this many values on, addManyLocked checks
	// whether a chunk's values are all present before calling AddMany.
	presentCheckMin = 256
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
// of at least 64Ki values run on up to runtime.GOMAXPROCS(0) goroutines, one
// shard at a time per goroutine. Merge locks one shard at a time, so other
// goroutines may observe part of the batch before Merge returns.
func (s *Set) Merge(vals []int64) int {
	sorted, distinct := checkSorted(vals)
	if len(vals) < tinyBatch {
		if !sorted {
			slices.Sort(vals)
		}
		return s.mergeTiny(vals)
	}
	if len(vals) >= parallelMin {
		if w := min(runtime.GOMAXPROCS(0), nShards); w > 1 {
			return s.mergeParallel(vals, sorted, distinct, w)
		}
	}
	if !sorted {
		sortValues(vals)
		distinct = false
	}
	return s.mergeSorted(vals, distinct)
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

// checkSorted reports whether vals is ascending and whether it is strictly
// ascending (no duplicates), in one pass.
func checkSorted(vals []int64) (sorted, distinct bool) {
	distinct = true
	for i := 1; i < len(vals); i++ {
		if vals[i] <= vals[i-1] {
			if vals[i] < vals[i-1] {
				return false, false
			}
			distinct = false
		}
	}
	return true, distinct
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

// mergeSorted merges sorted vals on the caller's goroutine, chunk by chunk,
// taking each chunk's shard lock in turn.
func (s *Set) mergeSorted(vals []int64, distinct bool) int {
	added := 0
	for i := 0; i < len(vals); {
		c := chunkOf(vals[i])
		j := searchChunk(vals, i+1, c+1)
		added += s.mergeSegment(int(c&shardMask), vals[i:j], distinct)
		i = j
	}
	return added
}

// mergeSegment locks shard si, merges seg (sorted values of one chunk of that
// shard) and keeps the counter in step.
func (s *Set) mergeSegment(si int, seg []int64, distinct bool) int {
	sh := &s.shards[si]
	sh.mu.Lock()
	added := sh.mergeSegmentLocked(seg, distinct)
	if added > 0 {
		s.n.Add(int64(added))
	}
	sh.mu.Unlock()
	return added
}

// mergeShardSorted merges the parts of sorted vals that belong to shard si,
// skipping the other shards' chunks with a gallop.
func (s *Set) mergeShardSorted(si int, vals []int64, distinct bool) int {
	added := 0
	for i := 0; i < len(vals); {
		c := chunkOf(vals[i])
		if int(c&shardMask) != si {
			// The next chunk of shard si is c + ((si - c) mod nShards).
			i = searchChunk(vals, i+1, c+((uint64(si)-c)&shardMask))
			continue
		}
		j := searchChunk(vals, i+1, c+1)
		added += s.mergeSegment(si, vals[i:j], distinct)
		i = j
	}
	return added
}

// mergeParallel merges a large batch with w goroutines (the caller's
// included). Each goroutine claims whole shards, so no two of them contend
// for a shard lock.
//
// A sorted batch is shared read-only and each goroutine gallops over the
// other shards' chunks. An unsorted one is first scattered by shard into a
// pooled scratch buffer; the goroutine that claims a shard radix-sorts that
// shard's group in place (with the same range of vals as its scratch) and
// merges it; finally the sorted groups are merged back into vals, run by run.
func (s *Set) mergeParallel(vals []int64, sorted, distinct bool, w int) int {
	var bounds [nShards + 1]int
	var groups []int64
	if !sorted {
		p := getScratch(len(vals))
		defer putScratch(p)
		groups = *p
		bounds = partitionByShard(groups, vals)
	}
	var next, total atomic.Int64
	work := func() {
		for {
			si := int(next.Add(1) - 1)
			if si >= nShards {
				return
			}
			var added int
			if sorted {
				added = s.mergeShardSorted(si, vals, distinct)
			} else {
				lo, hi := bounds[si], bounds[si+1]
				sortWith(groups[lo:hi], vals[lo:hi])
				added = s.mergeSorted(groups[lo:hi], false)
			}
			total.Add(int64(added))
		}
	}
	var wg sync.WaitGroup
	for range w - 1 {
		wg.Go(work)
	}
	work()
	wg.Wait()
	if !sorted {
		var lo, hi [nShards]int
		copy(lo[:], bounds[:nShards])
		copy(hi[:], bounds[1:])
		o := 0
		mergeRuns(groups, &lo, &hi, func(from, to int) {
			o += copy(vals[o:], groups[from:to])
		})
	}
	return int(total.Load())
}

// mergeSegmentLocked adds seg, the sorted values of one chunk of sh, and
// returns how many distinct values were new. distinct promises that seg has
// no duplicates. The caller holds sh.mu.
func (sh *shard) mergeSegmentLocked(seg []int64, distinct bool) int {
	n := len(seg)
	if n < segSmall {
		return sh.checkedAddLocked(seg)
	}
	runs := 1
	if !distinct || seg[n-1]-seg[0] != int64(n-1) {
		runs = countRuns(seg)
	}
	switch {
	case runs <= maxRuns && runs*minAvgRun <= n:
		return sh.addRunsLocked(seg, runs)
	case n >= bulkMin:
		return sh.addManyLocked(seg)
	default:
		return sh.checkedAddLocked(seg)
	}
}

// addRunsLocked adds seg, sorted values of one chunk made of the given number
// of runs of consecutive values, with one AddRange per run. The caller holds
// sh.mu.
func (sh *shard) addRunsLocked(seg []int64, runs int) int {
	first, last := key(seg[0]), key(seg[len(seg)-1])
	probe := sh.rangeProbeLocked(first, last)
	before := int(sh.bm.AndCardinality(probe))
	if runs == 1 { // distinct consecutive values: all of the range
		if before < len(seg) { // else all present: adding would only allocate
			addRange(&sh.bm, first, last)
		}
		return len(seg) - before
	}
	start := 0
	for k := 1; k < len(seg); k++ {
		if seg[k] != seg[k-1]+1 {
			addRange(&sh.bm, key(seg[start]), key(seg[k-1]))
			start = k
		}
	}
	addRange(&sh.bm, key(seg[start]), last)
	return int(sh.bm.AndCardinality(probe)) - before
}

// addManyLocked adds seg, sorted values of one chunk, with one AddMany call
// and counts the new ones as the range's cardinality after minus before.
//
// When seg is long and the shard already holds at least len(seg) keys in
// seg's range (the batch may well be old news, as in gossip), it first loads
// the probe with seg itself and intersects: if every value is present it
// skips AddMany, which costs 20-40 ns per present value (measured: 30-40%
// faster on chunks of 1024+ present values, no change when some are new).
// The caller holds sh.mu.
func (sh *shard) addManyLocked(seg []int64) int {
	probe := sh.rangeProbeLocked(key(seg[0]), key(seg[len(seg)-1]))
	before := int(sh.bm.AndCardinality(probe))
	buf := slices.Grow(sh.buf[:0], len(seg))[:len(seg)]
	for k, v := range seg {
		buf[k] = key(v)
	}
	sh.buf = buf[:0]
	if len(seg) >= presentCheckMin && before >= len(seg) {
		sh.probe.Clear()
		sh.probe.AddMany(buf) // sorted: appends, cheap
		distinct := int(sh.probe.GetCardinality())
		present := sh.probeCardLocked()
		if present < distinct {
			sh.bm.AddMany(buf)
		}
		return distinct - present
	}
	sh.bm.AddMany(buf)
	return int(sh.bm.AndCardinality(probe)) - before
}

// checkedAddLocked adds vals one by one. The caller holds sh.mu.
func (sh *shard) checkedAddLocked(vals []int64) int {
	added := 0
	for _, v := range vals {
		if sh.bm.CheckedAdd(key(v)) {
			added++
		}
	}
	return added
}

// rangeProbeLocked returns a bitmap that holds exactly the keys [first,
// last], for counting bm's keys in that range with AndCardinality (both levels
// of roaring's intersection gallop, so that is O(log containers) plus the work
// inside the one container). A range that covers a whole chunk, as the inner
// chunks of a big batch do, gets the shard's cached whole-chunk probe, rebuilt
// only when the chunk changes; so merging the same big batch again allocates
// nothing per chunk. Other ranges are loaded into the scratch probe, which
// the next call overwrites. The caller holds sh.mu.
func (sh *shard) rangeProbeLocked(first, last uint64) *roaring64.Bitmap {
	c := first >> chunkBits
	if first&(1<<chunkBits-1) == 0 && last == first|(1<<chunkBits-1) {
		if !sh.chunkProbeSet || sh.chunkProbeKey != c {
			sh.chunkProbe.Clear()
			addRange(&sh.chunkProbe, first, last)
			sh.chunkProbeKey, sh.chunkProbeSet = c, true
		}
		return &sh.chunkProbe
	}
	sh.probe.Clear()
	addRange(&sh.probe, first, last)
	return &sh.probe
}

// probeCardLocked returns how many of the scratch probe's keys bm holds. Both
// levels of roaring's intersection gallop, so this is O(log containers) plus
// the work inside the one container. The caller holds sh.mu.
func (sh *shard) probeCardLocked() int {
	return int(sh.bm.AndCardinality(&sh.probe))
}

// addRange adds the keys [first, last] to bm, last included (roaring's
// half-open AddRange cannot reach math.MaxUint64).
func addRange(bm *roaring64.Bitmap, first, last uint64) {
	if last == math.MaxUint64 {
		bm.AddRange(first, last)
		bm.Add(last)
		return
	}
	bm.AddRange(first, last+1)
}

// countRuns returns the number of maximal runs of consecutive values in
// sorted seg; a duplicate starts a new run.
func countRuns(seg []int64) int {
	runs := 1
	for k := 1; k < len(seg); k++ {
		if seg[k] != seg[k-1]+1 {
			runs++
		}
	}
	return runs
}
