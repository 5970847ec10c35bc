package set

import (
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
)

// TestShared_concurrent runs Merge, MergeNew, Add, Contains, Len and
// AppendSorted from several goroutines at once on overlapping ranges (run it
// with -race), then checks the set against a model and that the MergeNew
// calls reported every value exactly once between them.
func TestShared_concurrent(t *testing.T) {
	const workers = 6
	s := NewShared()
	batches := make([][][]int64, workers)
	m := model{}
	for w := range workers {
		r := rand.New(rand.NewPCG(uint64(w), 11))
		base := int64(w) * 50_000 // overlapping ranges across workers
		batches[w] = [][]int64{
			seq(base, 100_000),
			shuffled(r, seq(-base, 70_000)), // parallel path on 2+ CPUs
			randIn(r, 2000, -1<<40, 1<<41),
			randWide(r, 500),
			{base, base + 1, -base},
			shuffled(r, seq(1<<30+base, 5000)), // through MergeNew
		}
		for _, b := range batches[w] {
			m.merge(b)
		}
	}
	fresh := make([][]int64, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			var buf []int64
			for i, b := range batches[w] {
				if i == len(batches[w])-1 {
					fresh[w] = s.MergeNew(slices.Clone(b), nil)
				} else {
					s.Merge(slices.Clone(b))
				}
				s.Add(b[0] + 3)
				buf = s.AppendSorted(buf[:0])
				if !slices.IsSorted(buf) {
					t.Errorf("worker %d batch %d: AppendSorted not sorted", w, i)
				}
				for k := 1; k < len(buf); k++ {
					if buf[k] == buf[k-1] {
						t.Errorf("worker %d: duplicate %d in AppendSorted", w, buf[k])
						break
					}
				}
				if s.Len() < len(b)/2 {
					t.Errorf("worker %d: Len %d too small", w, s.Len())
				}
				s.Contains(b[len(b)/2])
			}
		})
	}
	wg.Wait()
	for w := range workers {
		for _, b := range batches[w] {
			m[b[0]+3] = struct{}{}
		}
	}
	checkEqual(t, &s.s, m)
	if got := s.AppendSorted(nil); !slices.Equal(got, m.sorted()) {
		t.Fatalf("AppendSorted: %d values, want %d", len(got), len(m))
	}
	// The MergeNew batches overlap only each other's neighbours' ranges
	// (1<<30 + 50_000w, 5000 values each): no two share a value, and no
	// other batch reaches them, so each reported all of its own.
	for w := range workers {
		if len(fresh[w]) != 5000 || !slices.IsSorted(fresh[w]) {
			t.Fatalf("worker %d: MergeNew reported %d values", w, len(fresh[w]))
		}
	}
}

// TestShared_parallelAdds races Add and Merge on the same chunks, so that
// two goroutines create the same new chunks at once.
func TestShared_parallelAdds(t *testing.T) {
	s := NewShared()
	const workers, per = 4, 20_000
	added := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 99))
			for range per / 100 {
				batch := randIn(r, 100, 0, 1<<24)
				added[w] += s.Merge(batch)
				v := r.Int64N(1 << 24)
				if s.Add(v) {
					added[w]++
				}
			}
		})
	}
	wg.Wait()
	total := 0
	for _, a := range added {
		total += a
	}
	if got := len(s.AppendSorted(nil)); total != s.Len() || got != total {
		t.Fatalf("reported %d new, Len %d, AppendSorted %d", total, s.Len(), got)
	}
}
