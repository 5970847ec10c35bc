//go:build !race

package set

import "testing"

// TestSet_allocs guards the steady-state allocation budget of the hot path.
func TestSet_allocs(t *testing.T) {
	s := New()
	// Even numbers below 1<<20: 16 chunks, one bitmap container each, so
	// adding odd numbers later never grows a container.
	even := make([]int64, 0, 1<<19)
	for v := int64(0); v < 1<<20; v += 2 {
		even = append(even, v)
	}
	s.Merge(even)
	sparse := []int64{-1 << 40, 1 << 41, 3 << 42, 5 << 43, 7 << 44, 9 << 45, 11 << 46, 13 << 47,
		-3 << 40, -5 << 41, -7 << 42, -9 << 43, -11 << 44, -13 << 45, -15 << 46, -17 << 47, -19 << 48}
	s.Merge(append([]int64(nil), sparse...))

	present := []int64{0, 2, 4, 6, 8, 65536, 131072, 1<<20 - 2}
	unsorted := []int64{65536, 2, 1<<20 - 2, 0, 131072, 8, 4, 6}
	next := int64(1) // next odd number to add
	fresh := make([]int64, 8)
	sparseBuf := make([]int64, len(sparse))
	rangeBuf := s.AppendRange(nil, 0, 1<<20) // capacity for any range below
	var st Stage
	stageVals := []int64{4, 6, 8, 70000, 4, 131072 + 2}
	tests := []struct {
		name string
		fn   func()
	}{
		{"Add present", func() { s.Add(1000) }},
		{"Add new", func() { s.Add(next); next += 2 }},
		{"Contains", func() { s.Contains(12345) }},
		{"Len", func() { _ = s.Len() }},
		{"Merge 8 present", func() { s.Merge(present) }},
		{"Merge 8 present unsorted", func() { copy(fresh, unsorted); s.Merge(fresh) }},
		{"Merge 8 new", func() {
			for i := range fresh {
				fresh[i] = next + int64(i)*65536 // spread over shards
			}
			next += 2
			s.Merge(fresh)
		}},
		{"Merge 17 present sparse", func() { copy(sparseBuf, sparse); s.Merge(sparseBuf) }},
		{"AppendRange in a chunk", func() { rangeBuf = s.AppendRange(rangeBuf[:0], 1000, 7000) }},
		{"AppendRange over chunks", func() { rangeBuf = s.AppendRange(rangeBuf[:0], 60000, 200000) }},
		{"AppendRange of sparse values", func() { rangeBuf = s.AppendRange(rangeBuf[:0], -1<<45, 1<<45) }},
		{"Commit small stage present", func() {
			st.AddValues(stageVals)
			st.AddRun(10, 20)
			s.Commit(&st)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if a := testing.AllocsPerRun(200, tt.fn); a != 0 {
				t.Fatalf("%s: %v allocs per run, want 0", tt.name, a)
			}
		})
	}
}
