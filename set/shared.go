package set

import (
	"slices"
	"sync"
)

// Shared is a set of int64 values that any number of goroutines may use at
// once: a Set whose every shard visit holds that shard's mutex (the shards
// are padded so that their locks do not share a cache line). It shares the
// Set's code; only the lock differs.
//
// Each method holds one shard lock at a time and never calls out while
// holding it: Merge and MergeNew lock a chunk's shard while they merge that
// chunk, AppendSorted each shard while it copies it out. So a call that
// spans chunks is not atomic: a reader may see part of a concurrent batch
// (each chunk's part whole). Create a Shared with NewShared; it MUST NOT be
// copied.
type Shared struct {
	s Set
}

// NewShared returns an empty Shared set.
func NewShared() *Shared {
	sh := new(Shared)
	sh.s.shared = true
	return sh
}

// Add adds v and reports whether v was new. It locks v's shard.
func (sh *Shared) Add(v int64) bool { return sh.s.Add(v) }

// Contains reports whether v is in the set. It locks v's shard.
func (sh *Shared) Contains(v int64) bool { return sh.s.Contains(v) }

// Len returns the number of values: the sum of the shards' counts, each read
// under its lock, so while writers run it lies between the sizes before and
// after them.
func (sh *Shared) Len() int { return sh.s.Len() }

// Merge is Set.Merge for concurrent use: it locks each chunk's shard while it
// merges that chunk, and a batch of at least 64Ki values runs on several
// goroutines as Set.Merge does. The same aliasing rules apply (vals is
// sorted in place).
func (sh *Shared) Merge(vals []int64) int { return sh.s.Merge(vals) }

// MergeNew is Set.MergeNew for concurrent use: it locks each chunk's shard
// while it merges that chunk. The same aliasing rules apply.
func (sh *Shared) MergeNew(vals, fresh []int64) []int64 { return sh.s.MergeNew(vals, fresh) }

// readPool holds *sharedRead scratch for Shared.AppendSorted. A scratch is
// owned by one read at a time and MUST NOT be touched after it is put back.
var readPool = sync.Pool{New: func() any { return new(sharedRead) }}

// sharedRead is the scratch of one Shared.AppendSorted: every shard's
// values, shard after shard, and the iterators that read them.
type sharedRead struct {
	vals []int64
	it   iterScratch
}

// AppendSorted appends every value of the set to dst in ascending order, each
// once, and returns the extended slice. It copies each shard out under that
// shard's lock into pooled scratch and then merges the shards, so the result
// holds, for each shard, exactly the values that shard had at one instant.
// Once dst has the capacity it allocates nothing for the output. It never
// retains dst.
func (sh *Shared) AppendSorted(dst []int64) []int64 {
	rs := readPool.Get().(*sharedRead)
	vals := rs.vals[:0]
	var lo, hi [nShards]int
	for si := range sh.s.shards {
		d := &sh.s.shards[si]
		d.mu.Lock()
		lo[si] = len(vals)
		vals = d.appendShard(slices.Grow(vals, d.n), &rs.it)
		d.mu.Unlock()
		hi[si] = len(vals)
	}
	base := len(dst)
	dst = slices.Grow(dst, len(vals))[:base+len(vals)]
	o := base
	mergeRuns(vals, &lo, &hi, func(from, to int) {
		o += copy(dst[o:], vals[from:to])
	})
	if cap(vals) <= maxPooledScratch {
		rs.vals = vals[:0]
		readPool.Put(rs)
	}
	return dst
}
