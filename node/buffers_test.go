package node

import "testing"

// TestBuffers_MidSizeRepliesReuse reserves a 480 KB reply again and again
// after the pool has calibrated itself on small batches, as a node's pushes
// and acknowledgements make it: the reply's buffer must come back from the
// big list instead of being allocated each time. (With only slices of
// bigBuffer and more on the list, such a reply fell between the two: the
// pool dropped it and each read allocated the whole reply.)
func TestBuffers_MidSizeRepliesReuse(t *testing.T) {
	b := newBuffers()
	small := make([]byte, 200)
	for range 50_000 {
		buf := b.Get()
		buf.B = append(buf.B, small...)
		b.Put(buf)
	}
	for _, size := range []int{480 << 10, bigBuffer/2 + 1, 3 << 20} {
		allocs := testing.AllocsPerRun(50, func() {
			buf := b.Get()
			buf.B = b.Reserve(buf.B, size)
			buf.B = buf.B[:size]
			b.Put(buf)
		})
		if allocs > 0 {
			t.Errorf("reply of %d bytes: %v allocations per reply, want 0", size, allocs)
		}
	}
}
