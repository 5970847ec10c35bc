// Package set holds the message set of a Maelstrom broadcast node: a set of
// int64 values kept exactly (negatives and the extremes included) in sharded
// 64-bit roaring bitmaps.
//
// # Keys
//
// A value v is stored as the unsigned key uint64(v) ^ 1<<63 (the sign bit
// flipped), so unsigned key order is signed value order and a sorted walk of
// the keys is a sorted walk of the values.
//
// # Shards
//
// The key space is cut into chunks of 2^16 keys (one roaring container each)
// and the chunks are striped over a fixed number of shards:
// shard = (key>>16) & (nShards-1). Each shard is one roaring64.Bitmap with its
// own sync.Mutex, so there is no global lock on the hot path, and dense
// ranges (the usual Maelstrom workload: small consecutive integers) spread
// evenly over all shards, which lets a large Merge run on several cores.
//
// Because a chunk lives wholly in one shard, a sorted read drains every shard
// (each one sorted, under its own lock) into a pooled scratch buffer with
// roaring's ManyIterator and then merges the shards run by run: it picks the
// shard with the smallest next key and copies, in one go, everything that
// shard holds below the second-smallest head, which is at least one whole
// chunk's values. That is O(n) copying plus O(nShards) per run; dense data
// has runs of thousands of values, and only data with about one value per
// chunk (random values over the whole int64 range) pays the per-run cost on
// every value.
//
// # Merge
//
// Merge takes a batch (of any order, with duplicates) and returns how many
// distinct values were new. Batches below 16 values are added one by one
// with CheckedAdd. A larger batch is checked for order in one pass and, when
// unsorted, sorted in place (an LSD radix sort with a pooled scratch buffer
// from 256 values on, pdqsort below). Either way the caller gets vals back
// sorted, and an already-sorted batch is never written to. The sorted batch
// is then walked chunk by chunk under that
// chunk's shard lock: runs of consecutive values become AddRange calls,
// other chunks of at least 64 values one AddMany call, and the rest
// CheckedAdd calls. The new values of a range or AddMany are counted as the
// chunk range's cardinality after minus before, read by intersecting the
// shard with a per-shard probe bitmap that holds just that range (roaring
// gallops to the chunk at both levels, so this costs O(log containers) plus
// one container, never O(shard)). A long chunk whose range already holds as
// many keys as the chunk has values is first intersected with the shard,
// and AddMany is skipped when all of them are present (gossip re-sends).
//
// Batches of at least 64Ki values are split by shard and merged by up to
// GOMAXPROCS goroutines, each of which claims whole shards: a sorted batch
// is shared read-only and each goroutine gallops over the other shards'
// chunks; an unsorted one is first scattered by shard into the scratch
// buffer, each goroutine radix-sorts and merges its shards' groups there, and
// the sorted groups are then interleaved back into vals, a chunk run or more
// at a time.
//
// # Concurrency
//
// A *Set is safe for concurrent use. Every method locks at most one shard at
// a time and never calls out while holding a lock; a read is therefore not an
// atomic snapshot across shards while writers run (each shard's part is).
// Len is an atomic counter updated under the shard lock, so it equals the
// number of stored values whenever no Add or Merge is in flight.
package set
