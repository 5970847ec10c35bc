// Package set holds the message set of a Maelstrom broadcast node: a set of
// int64 values kept exactly (negatives and the extremes included), in
// sorted arrays and roaring bitmaps per 2^16-value chunk, striped over 16
// shards.
//
// # Keys
//
// A value v is stored as the unsigned key uint64(v) ^ 1<<63 (the sign bit
// flipped), so unsigned key order is signed value order and a sorted walk of
// the keys is a sorted walk of the values.
//
// # Chunks and shards
//
// The key space is cut into chunks of 2^16 keys, and the chunks are striped
// over a fixed number of shards: shard = (key>>16) & (nShards-1), so dense
// ranges (the usual Maelstrom workload: small consecutive integers) spread
// evenly over the shards, and a large batch can be merged on several cores
// with each core owning whole shards. A shard keeps its chunks in an array
// sorted by chunk number, so a chunk, or the first chunk of a range, is a
// binary search away.
//
// A chunk holds its values' low 16 bits either as a sorted array (up to
// 4096 of them: 2 bytes a value, like roaring's array container; small
// arrays are cut from shared blocks, a shard's own or one per sparse
// ascending batch, written in one pass, so that a sparse set costs one
// allocation per block, not per chunk) or, beyond that, as a roaring bitmap
// of one container (a bitmap or a run container, whichever is smaller).
// Sparse data thus never pays roaring's per-container overhead, dense data
// gets roaring's compact containers and fast unions, intersections and
// ranges, and every chunk is reachable directly, which is what makes
// AppendRange cost O(values in the range) and Commit move a chunk instead of
// copying it.
//
// # Merge
//
// Merge takes a batch (of any order, with duplicates) and returns how many
// distinct values were new. Batches below 16 values are added one by one. A
// larger batch is checked for order and, when unsorted, sorted in place (a
// batch that never rises is reversed; any other, an LSD radix sort from 256
// values on, pdqsort below); either way the caller gets vals back sorted,
// and an already-sorted batch is never written to.
// The sorted batch is then merged chunk by chunk. A chunk's part that is a
// run of consecutive values (the Maelstrom workload) is one range: a count
// and at most one AddRange or array fill, nothing written when all are
// present. Any other part is converted to positions and merged into an
// array chunk by a gallop (or a linear walk) per position and one merge from
// the back, nothing written when nothing is new; into a bitmap chunk by
// CheckedAdd when there are fewer than 16 positions, one AddRange per run
// when they form a few long runs, AddMany below 256, and from 256 on by
// building them into one container in bulk (written in roaring's portable
// format and read back with ReadFrom: 2-7 ns a value instead of 7-20 for
// AddMany), intersecting (nothing is written when all are
// present, as in gossip re-sends) and OR-ing. A chunk that is new to the
// set is copied into a carved array, or built in bulk when it holds more
// than 4096 values. New chunks are inserted into a shard's array in one
// merge at the end of the batch, except that a chunk above every other
// (an ascending batch above the set) is appended at once.
//
// Batches of at least 64Ki values fan out to up to GOMAXPROCS goroutines,
// goroutine g taking shards g, g+w, g+2w, ...: a sorted batch is first cut
// into chunk segments grouped by shard; an unsorted one is scattered by
// shard, each goroutine radix-sorts its shards' groups, and vals is made
// sorted again afterwards.
//
// # Stage
//
// A Stage collects one incoming batch, however long, for Commit. It keeps a
// small batch (up to 4096 values) as is, in order, for Merge or MergeNew;
// beyond that it spills into a staging set of its own, whose memory follows
// the distinct values' compressed size, never the batch's length: runs
// become range additions (O(chunks)), ascending sorted batches are merged
// into it as they come, and other values wait in a bounded buffer to be
// merged sorted, many per chunk. Commit then moves the staged chunks into
// the set: a chunk the set lacks is moved without a copy (an empty shard
// takes the whole staged shard), and one it has is intersected and OR-ed,
// with no write when the set holds all its values already. A stage set
// Against the set it will be committed into checks each chunk segment of an
// ascending batch against that set first, and counts and drops the ones it
// holds whole: a batch that re-sends what the set holds (a peer's whole set,
// in order) stages nothing and allocates nothing.
//
// # Concurrency
//
// A Set MUST NOT be used from concurrently running goroutines. It takes no
// lock and no atomic operation on any path; every operation runs on the
// caller's goroutine, except two, which fan out internally and wait for
// their goroutines (with a sync.WaitGroup) before they return: Merge of at
// least 64Ki values and Commit of at least 64Ki distinct staged values. Each
// of their goroutines owns whole shards (they need no lock), and the counts
// are added up after the wait. Nothing else is safe concurrently, not even
// two readers (AppendSorted and AppendRange share the Set's scratch). A
// Stage has the same rule.
//
// Shared is the set for truly shared use (benchmarks, any caller with
// several goroutines): the same code with a mutex per shard (padded against
// false sharing), taken around each shard visit, one shard at a time.
package set
