package set

import "slices"

// MergeNew adds every value of vals, as Merge does, and appends to fresh the
// distinct values that were new, in ascending order; it returns the extended
// fresh. The number of values appended is what Merge would have returned.
// A caller that must record each new value (a log of arrivals) gets them in
// one pass instead of one Add per value.
//
// Like Merge, MergeNew sorts vals in place (an already-sorted vals is only
// read), never retains vals or fresh, and locks one shard at a time, so other
// goroutines may observe part of the batch before it returns. It runs on the
// caller's goroutine whatever the batch size; it allocates only to grow
// fresh and the shard scratch.
func (s *Set) MergeNew(vals, fresh []int64) []int64 {
	if sorted, _ := checkSorted(vals); !sorted {
		if len(vals) < tinyBatch {
			slices.Sort(vals)
		} else {
			sortValues(vals)
		}
	}
	for i := 0; i < len(vals); {
		c := chunkOf(vals[i])
		j := searchChunk(vals, i+1, c+1)
		sh := &s.shards[c&shardMask]
		sh.mu.Lock()
		n0 := len(fresh)
		fresh = sh.mergeNewLocked(vals[i:j], fresh)
		if k := len(fresh) - n0; k > 0 {
			s.n.Add(int64(k))
		}
		sh.mu.Unlock()
		i = j
	}
	return fresh
}

// mergeNewLocked adds seg, the sorted values of one chunk of sh (duplicates
// allowed), and appends the distinct new ones to fresh. A short segment is
// added value by value. A longer one is loaded into the probe to count how
// many of its values the shard holds: none new (gossip repeating what the
// node has) costs no write; all new takes Merge's fast path; a mix is
// intersected away (probe minus shard) to find the new ones. The caller
// holds sh.mu.
func (sh *shard) mergeNewLocked(seg, fresh []int64) []int64 {
	if len(seg) < segSmall {
		for k, v := range seg {
			if (k == 0 || v != seg[k-1]) && sh.bm.CheckedAdd(key(v)) {
				fresh = append(fresh, v)
			}
		}
		return fresh
	}
	buf := slices.Grow(sh.buf[:0], len(seg))[:len(seg)]
	for k, v := range seg {
		buf[k] = key(v)
	}
	sh.probe.Clear()
	sh.probe.AddMany(buf) // sorted: appends, cheap
	distinct := int(sh.probe.GetCardinality())
	present := sh.probeCardLocked()
	switch {
	case present == distinct:
		sh.buf = buf[:0]
		return fresh
	case present == 0:
		sh.buf = buf[:0]
		sh.mergeSegmentLocked(seg, false)
		for k, v := range seg {
			if k == 0 || v != seg[k-1] {
				fresh = append(fresh, v)
			}
		}
		return fresh
	}
	sh.probe.AndNot(&sh.bm) // the probe now holds the new keys
	buf = buf[:0]
	for k, v := range seg {
		if (k == 0 || v != seg[k-1]) && sh.probe.Contains(key(v)) {
			fresh = append(fresh, v)
			buf = append(buf, key(v))
		}
	}
	sh.bm.AddMany(buf)
	sh.buf = buf[:0]
	return fresh
}
