package set

import (
	"math/bits"
	"slices"
	"sync"
)

const (
	// radixMin: shorter slices are sorted with slices.Sort (pdqsort), which
	// needs no scratch; from here on the radix sort is faster.
	radixMin = 256
	// maxPooledScratch caps the sort scratch kept for the next unsorted
	// batch (1<<24 values = 128 MiB); a larger one is dropped after use.
	maxPooledScratch = 1 << 24
)

// scratchPool holds *[]int64 sort buffers for Shared sets (a plain Set
// keeps its own). A buffer is owned by one Merge at a time and MUST NOT be
// touched after it is put back.
var scratchPool sync.Pool

// getScratch returns a scratch buffer of length n: the Set's own for a plain
// Set, a pooled one for a Shared set. Give it back with putScratch.
func (s *Set) getScratch(n int) *[]int64 {
	var p *[]int64
	if s.shared {
		p, _ = scratchPool.Get().(*[]int64)
		if p == nil {
			p = new([]int64)
		}
	} else {
		p = &s.sortBuf
	}
	if cap(*p) < n {
		*p = make([]int64, n)
	}
	*p = (*p)[:n]
	return p
}

// putScratch gives back a buffer from getScratch; one larger than
// maxPooledScratch is dropped.
func (s *Set) putScratch(p *[]int64) {
	big := cap(*p) > maxPooledScratch
	switch {
	case !s.shared && big:
		*p = nil
	case s.shared && !big:
		scratchPool.Put(p)
	}
}

// sortValues sorts vals ascending in place. Short slices use slices.Sort;
// long ones the LSD radix sort with the Set's scratch, several times faster
// than pdqsort on large random batches.
func (s *Set) sortValues(vals []int64) {
	if len(vals) < radixMin {
		slices.Sort(vals)
		return
	}
	p := s.getScratch(len(vals))
	sortWith(vals, *p)
	s.putScratch(p)
}

// sortWith sorts vals ascending in place, using tmp (len(tmp) >= len(vals))
// as scratch.
func sortWith(vals, tmp []int64) {
	if len(vals) == 0 {
		return
	}
	if out := radixSort(vals, tmp); &out[0] != &vals[0] {
		copy(vals, out)
	}
}

// radixSort sorts the values of a using b (len(b) >= len(a)) as scratch,
// and returns whichever of a and b[:len(a)] holds the sorted values; the
// other holds a permutation of them. It is an LSD radix sort on the keys,
// 8 bits per pass, with a pass only for the bytes in which the keys differ
// (a batch of values below 2^24 takes 3 passes). Short slices go to
// slices.Sort.
func radixSort(a, b []int64) []int64 {
	n := len(a)
	if n < radixMin {
		slices.Sort(a)
		return a
	}
	b = b[:n]
	lo, hi := key(a[0]), key(a[0])
	for _, v := range a[1:] {
		k := key(v)
		lo = min(lo, k)
		hi = max(hi, k)
	}
	passes := (bits.Len64(lo^hi) + 7) / 8
	var counts [8][256]int
	for _, v := range a {
		k := key(v)
		for p := range passes {
			counts[p][uint8(k>>(8*p))]++
		}
	}
	for p := range passes {
		if counts[p][uint8(lo>>(8*p))] == n {
			continue // every key has the same byte p
		}
		off := &counts[p]
		o := 0
		for d, c := range off {
			off[d] = o
			o += c
		}
		shift := uint(8 * p)
		for _, v := range a {
			d := uint8(key(v) >> shift)
			b[off[d]] = v
			off[d]++
		}
		a, b = b, a
	}
	return a
}

// partitionByShard copies vals into dst (same length) grouped by shard, in
// shard order, keeping the order within a shard, and returns the bounds:
// shard si's values are dst[bounds[si]:bounds[si+1]].
func partitionByShard(dst, vals []int64) (bounds [nShards + 1]int) {
	var next [nShards]int
	for _, v := range vals {
		next[shardOf(v)]++
	}
	off := 0
	for si := range nShards {
		bounds[si] = off
		off, next[si] = off+next[si], off
	}
	bounds[nShards] = off
	for _, v := range vals {
		si := shardOf(v)
		dst[next[si]] = v
		next[si]++
	}
	return bounds
}
