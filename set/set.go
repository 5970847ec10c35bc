package set

import (
	"sync"
	"sync/atomic"

	"github.com/RoaringBitmap/roaring/v2/roaring64"
)

const (
	// shardBits is log2 of the number of shards.
	shardBits = 4
	// nShards is the fixed, power-of-two number of shards.
	nShards = 1 << shardBits
	// shardMask selects a shard from a chunk number.
	shardMask = nShards - 1
	// chunkBits is log2 of the number of keys in one chunk (one roaring
	// container); a chunk never straddles two shards.
	chunkBits = 16
	// signBit is flipped to turn an int64 into an order-preserving uint64.
	signBit = 1 << 63
)

// key maps v to its unsigned key: unsigned order equals signed order.
func key(v int64) uint64 { return uint64(v) ^ signBit }

// val maps a key back to its value.
func val(k uint64) int64 { return int64(k ^ signBit) }

// chunkOf returns the chunk number of v's key.
func chunkOf(v int64) uint64 { return key(v) >> chunkBits }

// shardOf returns the index of the shard that holds v.
func shardOf(v int64) int { return int(chunkOf(v) & shardMask) }

// noCopy makes go vet's copylocks check flag copies of the struct that
// embeds it.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// shard is one stripe of the set. Every field is guarded by mu.
type shard struct {
	mu sync.Mutex
	// bm holds the keys of the chunks c with c&shardMask == this shard.
	bm roaring64.Bitmap
	// probe is scratch: it holds one key range of the chunk being merged
	// (or that chunk's keys), so that bm.AndCardinality(&probe) counts bm's
	// keys in that range (or which of those keys bm already has).
	probe roaring64.Bitmap
	// chunkProbe holds the keys of the whole chunk chunkProbeKey (when
	// chunkProbeSet), kept between merges; see rangeProbeLocked.
	chunkProbe    roaring64.Bitmap
	chunkProbeKey uint64
	chunkProbeSet bool
	// buf is scratch for AddMany: the keys of one chunk (at most 2^16).
	buf []uint64
	_   [64]byte // keep neighbouring shards' locks off one cache line
}

// Set is a set of int64 values, sharded roaring64 bitmaps. Safe for
// concurrent use by any number of goroutines; a Set MUST NOT be copied after
// first use (use the *Set that New returns).
//
// Each method locks one shard at a time, so a call that spans shards
// (Merge, AppendSorted) is atomic per shard, not across the whole set. Create
// a Set with New.
type Set struct {
	_      noCopy
	n      atomic.Int64                // number of values, updated under the shard locks
	read   atomic.Pointer[readScratch] // scratch of the last AppendSorted, kept for the next
	shards [nShards]shard
}

// New returns an empty Set.
func New() *Set {
	return new(Set)
}

// Add adds v and reports whether v was new. It takes one shard lock and does
// not allocate unless the shard's bitmap must grow.
func (s *Set) Add(v int64) bool {
	sh := &s.shards[shardOf(v)]
	sh.mu.Lock()
	added := sh.bm.CheckedAdd(key(v))
	if added {
		s.n.Add(1)
	}
	sh.mu.Unlock()
	return added
}

// Contains reports whether v is in the set. It takes one shard lock and does
// not allocate.
func (s *Set) Contains(v int64) bool {
	sh := &s.shards[shardOf(v)]
	sh.mu.Lock()
	ok := sh.bm.Contains(key(v))
	sh.mu.Unlock()
	return ok
}

// Len returns the number of values in O(1). The counter is updated under the
// shard lock in the same critical section as the bitmap, so Len is exact
// whenever no Add or Merge is running; while one is, Len lies between the
// sizes before and after it.
func (s *Set) Len() int {
	return int(s.n.Load())
}
