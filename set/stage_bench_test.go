package set

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// stageBatch is how many values a parser hands AddValues at a time.
const stageBatch = 4096

// stageShapes are the batches of BenchmarkCommit, one million values each:
//   - run: the run 0..999_999, staged with one AddRun;
//   - sorted: ascending random values in [0, 10^9) (about 65 per chunk:
//     array chunks), as a parser of a sorted line hands them over;
//   - random: random values in [0, 10^9), unsorted;
//   - wide: random values over the whole int64 range (a chunk each).
var stageShapes = []struct {
	name string
	gen  func() []int64 // nil for the run
}{
	{"run", nil},
	{"sorted", func() []int64 {
		return slices.Sorted(slices.Values(randIn(rand.New(rand.NewPCG(1, 1)), 1_000_000, 0, 1e9)))
	}},
	{"random", func() []int64 { return randIn(rand.New(rand.NewPCG(2, 2)), 1_000_000, 0, 1e9) }},
	{"wide", func() []int64 { return randWide(rand.New(rand.NewPCG(3, 3)), 1_000_000) }},
}

// BenchmarkCommit stages one million values (AddRun, or AddValues in
// batches of 4096) and commits them into an empty set or into one that
// already holds them all. Its baseline twin, impl=merge, hands the same
// values to Merge in one slice, as the node did before the stage existed
// (it keeps the whole batch in memory; the stage does not).
func BenchmarkCommit(b *testing.B) {
	for _, shape := range stageShapes {
		var vals []int64
		var want int
		for _, into := range []string{"empty", "full"} {
			for _, impl := range []string{"stage", "merge"} {
				b.Run(shape.name+"/"+into+"/impl="+impl, func(b *testing.B) {
					if vals == nil { // built once, by the first variant that runs
						vals = seq(0, 1_000_000)
						if shape.gen != nil {
							vals = shape.gen()
						}
						want = len(slices.Compact(slices.Sorted(slices.Values(vals))))
					}
					var full *Set
					if into == "full" {
						full = New()
						full.Merge(slices.Clone(vals))
					}
					var st Stage
					buf := make([]int64, len(vals))
					b.ReportAllocs()
					for b.Loop() {
						s := full
						if s == nil {
							s = New()
						}
						var added int
						switch {
						case impl == "merge":
							copy(buf, vals)
							added = s.Merge(buf)
						case shape.gen == nil:
							st.AddRun(0, 999_999)
							added = s.Commit(&st)
						default:
							for i := 0; i < len(vals); i += stageBatch {
								st.AddValues(vals[i:min(i+stageBatch, len(vals))])
							}
							added = s.Commit(&st)
						}
						if w := want; added != w && (into == "empty" || added != 0) {
							b.Fatalf("%d new, want %d", added, w)
						}
					}
					reportValues(b, len(vals))
				})
			}
		}
	}
}

// BenchmarkStage_AddValues times staging alone (no Commit): the cost of
// building the staged chunks.
func BenchmarkStage_AddValues(b *testing.B) {
	for _, shape := range stageShapes[1:] {
		b.Run(shape.name, func(b *testing.B) {
			vals := shape.gen()
			var st Stage
			b.ReportAllocs()
			for b.Loop() {
				st.Reset()
				for i := 0; i < len(vals); i += stageBatch {
					st.AddValues(vals[i:min(i+stageBatch, len(vals))])
				}
				st.Len()
			}
			reportValues(b, len(vals))
		})
	}
}

// BenchmarkAppendRange reads 3000 consecutive members from the middle of a
// chunk of each kind (a sorted array, a bitmap, a run container), from a
// set that holds a million values, and its twin, AppendSorted of the whole
// set (which a caller without AppendRange would filter).
func BenchmarkAppendRange(b *testing.B) {
	sets := []struct {
		name   string
		vals   []int64 // merged
		run    bool    // or staged as one run, 0..999_999
		lo, hi int64   // the range: 3000 members
	}{
		{"array", runs(0, 250_000, 1, 64), false, 64 * 20000, 64*23000 - 1}, // 1024 per chunk: arrays
		{"bitmap", runs(0, 500_000, 1, 2), false, 2 * 20000, 2*23000 - 1},   // 32768 per chunk
		{"run", nil, true, 20000, 22999},
	}
	for _, tc := range sets {
		s := New()
		if tc.run {
			var st Stage
			st.AddRun(0, 999_999)
			s.Commit(&st)
		} else {
			s.Merge(tc.vals)
		}
		for _, impl := range []string{"AppendRange", "AppendSorted"} {
			b.Run(tc.name+"/impl="+impl, func(b *testing.B) {
				var buf []int64
				n := len(s.AppendRange(nil, tc.lo, tc.hi))
				if n != 3000 {
					b.Fatalf("%d values in the range", n)
				}
				b.ReportAllocs()
				for b.Loop() {
					if impl == "AppendRange" {
						buf = s.AppendRange(buf[:0], tc.lo, tc.hi)
					} else {
						buf = s.AppendSorted(buf[:0])
					}
				}
				reportValues(b, n)
			})
		}
	}
}
