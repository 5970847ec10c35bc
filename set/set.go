package set

import (
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
)

const (
	// shardBits is log2 of the number of shards.
	shardBits = 4
	// nShards is the fixed, power-of-two number of shards.
	nShards = 1 << shardBits
	// shardMask selects a shard from a chunk number.
	shardMask = nShards - 1
	// chunkBits is log2 of the number of keys in one chunk (one container);
	// a chunk never straddles two shards.
	chunkBits = 16
	// lowMask selects a key's position inside its chunk.
	lowMask = 1<<chunkBits - 1
	// signBit is flipped to turn an int64 into an order-preserving uint64.
	signBit = 1 << 63
	// arrMax is the most values a chunk keeps as a sorted array; a chunk
	// that grows past it becomes a roaring bitmap (roaring's own limit for
	// array containers, past which a bitmap container is smaller).
	arrMax = 4096
)

// key maps v to its unsigned key: unsigned order equals signed order.
func key(v int64) uint64 { return uint64(v) ^ signBit }

// val maps a key back to its value.
func val(k uint64) int64 { return int64(k ^ signBit) }

// chunkOf returns the chunk number of v's key.
func chunkOf(v int64) uint64 { return key(v) >> chunkBits }

// shardOf returns the index of the shard that holds v.
func shardOf(v int64) int { return int(chunkOf(v) & shardMask) }

// base returns the smallest value of chunk c; the value at position x of
// the chunk is base(c) + int64(x) (base has its low 16 bits clear).
func base(c uint64) int64 { return val(c << chunkBits) }

// r32 returns the 32-bit roaring key of position x in a chunk's bitmap,
// which holds positions only: its one container has the key 0, whatever
// the chunk, so roaring's dense form of it (WriteDenseTo) is the chunk's
// 1024 words.
func r32(x uint16) uint32 { return uint32(x) }

// noCopy makes go vet's copylocks check flag copies of the struct that
// embeds it.
type noCopy struct{}

func (*noCopy) Lock()   {}
func (*noCopy) Unlock() {}

// chunk holds the values of one chunk of keys: either arr, their positions
// in the chunk (low 16 bits) ascending, 1 to arrMax of them, or bm, a
// roaring bitmap of their positions (one container, key 0). A chunk is
// never empty.
//
// An arr may be a slice of a shared block (see shard.carve and
// Set.appendArrays) with its capacity cut to the room cut for it (its
// length, or more where spare room was asked for), so no two arrays share
// memory and an arr with spare capacity is written in place.
type chunk struct {
	arr []uint16
	bm  *roaring.Bitmap
}

// card returns the number of values in ch.
func (ch *chunk) card() int {
	if ch.bm != nil {
		return int(ch.bm.GetCardinality())
	}
	return len(ch.arr)
}

// minPos and maxPos return the smallest and the largest position in ch.
func (ch *chunk) minPos() uint16 {
	if ch.bm != nil {
		return uint16(ch.bm.Minimum())
	}
	return ch.arr[0]
}

func (ch *chunk) maxPos() uint16 {
	if ch.bm != nil {
		return uint16(ch.bm.Maximum())
	}
	return ch.arr[len(ch.arr)-1]
}

// newChunk is a chunk created during a pass and not yet in the shard's
// sorted arrays: it goes before index at.
type newChunk struct {
	at  int
	key uint64
	ch  chunk
}

// shard is one stripe of the set: the chunks c with c&shardMask equal to its
// index, in a sorted array. In a Shared set every field is guarded by mu;
// in a plain Set, mu is unused.
type shard struct {
	mu sync.Mutex
	// n is the number of values in the shard.
	n int
	// keys holds the chunk numbers, ascending; cs[i] is chunk keys[i].
	keys []uint64
	cs   []chunk
	// hint is where the last search ended; a search for a larger chunk
	// gallops from there, so a pass in ascending order costs O(log gap)
	// per chunk.
	hint int
	// adds holds the chunks created by the current pass, in ascending
	// order; flushAdds inserts them all in one merge (inserting them one by
	// one would cost O(len(keys)) each).
	adds []newChunk
	// free is the unused tail of the block that new arrays are carved from.
	free []uint16
	// tmp is scratch: a chunk built from a merged segment, to intersect
	// with or OR into a roaring chunk.
	tmp roaring.Bitmap
	// lows, r32s and ser are scratch for one chunk: its positions, their
	// r32 keys, and a serialized container.
	lows []uint16
	r32s []uint32
	ser  []byte
	rd   byteReader
	_    [64]byte // keep neighbouring shards' locks off one cache line
}

// search returns the index of chunk c in sh.keys, or where it would go, and
// whether it is there. It gallops from the last search's position when c
// lies after it.
func (sh *shard) search(c uint64) (int, bool) {
	keys := sh.keys
	if n := len(keys); n == 0 || keys[n-1] < c { // past the end: an append
		sh.hint = n
		return n, false
	}
	start := 0
	if h := sh.hint; h < len(keys) && keys[h] <= c {
		start = h
	}
	i := searchGE(keys, start, c)
	sh.hint = i
	return i, i < len(keys) && keys[i] == c
}

// find returns chunk c of sh, or nil. A chunk created by the current pass is
// found too when it is the most recent one (a pass visits chunks in
// ascending order, so only the last one can be visited again).
func (sh *shard) find(c uint64) *chunk {
	if i, ok := sh.search(c); ok {
		return &sh.cs[i]
	}
	if n := len(sh.adds); n > 0 && sh.adds[n-1].key == c {
		return &sh.adds[n-1].ch
	}
	return nil
}

// create records ch as new chunk c, which must be absent and larger than
// every chunk the pass created before; sh.search(c) must have been the last
// search. It becomes part of sh.keys at the next flushAdds.
func (sh *shard) create(c uint64, ch chunk) {
	sh.adds = append(sh.adds, newChunk{at: sh.hint, key: c, ch: ch})
}

// flushAdds inserts the chunks the pass created, merging from the back in
// one pass over the chunks that move.
func (sh *shard) flushAdds() {
	k := len(sh.adds)
	if k == 0 {
		return
	}
	n := len(sh.keys)
	sh.keys = append(sh.keys, make([]uint64, k)...)
	sh.cs = append(sh.cs, make([]chunk, k)...)
	end := n // sh.keys[:end] is not yet moved
	for a := k - 1; a >= 0; a-- {
		nc := &sh.adds[a]
		copy(sh.keys[nc.at+a+1:end+a+1], sh.keys[nc.at:end])
		copy(sh.cs[nc.at+a+1:end+a+1], sh.cs[nc.at:end])
		end = nc.at
		sh.keys[nc.at+a] = nc.key
		sh.cs[nc.at+a] = nc.ch
	}
	clear(sh.adds)
	sh.adds = sh.adds[:0]
	sh.hint = 0
}

const (
	// blockLen is the length of the blocks arrays are carved from.
	blockLen = 4096
	// carveMax: longer arrays get an allocation of their own.
	carveMax = 512
)

// carve returns a slice of n positions, capacity n, cut from the current
// block (or, when n > carveMax, allocated alone). Small arrays thus cost
// one allocation per block, not one each.
func (sh *shard) carve(n int) []uint16 {
	if n > carveMax {
		return make([]uint16, n)
	}
	if len(sh.free) < n {
		sh.free = make([]uint16, blockLen)
	}
	a := sh.free[:n:n]
	sh.free = sh.free[n:]
	return a
}

// reset empties sh, keeping the capacity of its arrays (not its chunks,
// which may now belong to another set).
func (sh *shard) reset() {
	clear(sh.cs)
	sh.keys, sh.cs = sh.keys[:0], sh.cs[:0]
	clear(sh.adds)
	sh.adds = sh.adds[:0]
	sh.n, sh.hint = 0, 0
}

// Set is a set of int64 values: sharded chunks of sorted arrays and roaring
// bitmaps. The zero Set is empty and ready to use; New returns one too.
//
// A Set MUST NOT be used from concurrently running goroutines (use Shared
// for that): it takes no lock and no atomic operation on any path. Two
// operations fan out internally and wait for their goroutines before they
// return, each goroutine owning whole shards: Merge of at least 64Ki values
// and Commit of a stage of at least 64Ki distinct values. Everything else
// runs on the caller's goroutine. A Set MUST NOT be copied after first use.
type Set struct {
	_ noCopy
	// shared: the Set is the inside of a Shared, so every shard visit
	// holds the shard's lock, and scratch comes from pools.
	shared bool
	// sortBuf is the radix sort scratch and segs the chunk segments of a
	// parallel merge (plain Set only).
	sortBuf []int64
	segs    segments
	// it is the iteration scratch (plain Set only), allocated on first use.
	it     *iterScratch
	shards [nShards]shard
}

// New returns an empty Set.
func New() *Set {
	return new(Set)
}

// acquire starts a visit of sh: in a Shared set it locks sh.
func (s *Set) acquire(sh *shard) {
	if s.shared {
		sh.mu.Lock()
	}
}

// release ends a visit of sh: in a Shared set it inserts the chunks the
// visit created and unlocks sh (a plain Set inserts them at settle).
func (s *Set) release(sh *shard) {
	if s.shared {
		sh.flushAdds()
		sh.mu.Unlock()
	}
}

// settle ends a pass over a plain Set: it inserts the chunks the pass
// created. (A Shared set did so at each release.)
func (s *Set) settle() {
	if s.shared {
		return
	}
	for i := range s.shards {
		s.shards[i].flushAdds()
	}
}

// Add adds v and reports whether v was new. It does not allocate unless v
// starts a chunk or a chunk must grow.
func (s *Set) Add(v int64) bool {
	sh := &s.shards[shardOf(v)]
	s.acquire(sh)
	added := sh.add(chunkOf(v), uint16(v))
	s.release(sh)
	return added
}

// add adds position x of chunk c and reports whether it was new; the chunk
// it creates is inserted at once.
func (sh *shard) add(c uint64, x uint16) bool {
	ch := sh.find(c)
	if ch == nil {
		a := sh.carve(1)
		a[0] = x
		sh.create(c, chunk{arr: a})
		sh.flushAdds()
		sh.n++
		return true
	}
	if ch.bm != nil {
		if ch.bm.CheckedAdd(r32(x)) {
			sh.n++
			return true
		}
		return false
	}
	i := searchGE(ch.arr, 0, x)
	if i < len(ch.arr) && ch.arr[i] == x {
		return false
	}
	if len(ch.arr) == arrMax {
		sh.toRoaring(ch)
		ch.bm.Add(r32(x))
	} else {
		ch.arr = insertAt(ch.arr, i, x)
	}
	sh.n++
	return true
}

// insertAt inserts x at index i of a, growing it as append does.
func insertAt(a []uint16, i int, x uint16) []uint16 {
	a = append(a, 0)
	copy(a[i+1:], a[i:])
	a[i] = x
	return a
}

// Contains reports whether v is in the set. It does not allocate.
func (s *Set) Contains(v int64) bool {
	sh := &s.shards[shardOf(v)]
	s.acquire(sh)
	ok := false
	if ch := sh.find(chunkOf(v)); ch != nil {
		ok = ch.contains(chunkOf(v), uint16(v))
	}
	s.release(sh)
	return ok
}

// contains reports whether ch, chunk c, holds position x.
func (ch *chunk) contains(c uint64, x uint16) bool {
	if ch.bm != nil {
		return ch.bm.Contains(r32(x))
	}
	i := searchGE(ch.arr, 0, x)
	return i < len(ch.arr) && ch.arr[i] == x
}

// Len returns the number of values: a sum of the shards' counts.
func (s *Set) Len() int {
	n := 0
	for i := range s.shards {
		sh := &s.shards[i]
		s.acquire(sh)
		n += sh.n
		s.release(sh)
	}
	return n
}
