package set

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/maelstrom-gossip/node/internal/vec"
)

// checkInvariants fails t unless every shard of s is well formed: chunk
// numbers ascending and in the right shard, no chunk empty, arrays sorted,
// distinct and at most arrMax long, bitmaps holding only their chunk's
// keys, the count equal to the chunks' sizes, no pending chunk left.
func checkInvariants(t *testing.T, s *Set) {
	t.Helper()
	for si := range s.shards {
		sh := &s.shards[si]
		if len(sh.adds) != 0 || len(sh.keys) != len(sh.cs) {
			t.Fatalf("shard %d: %d pending chunks, %d keys, %d chunks", si, len(sh.adds), len(sh.keys), len(sh.cs))
		}
		n := 0
		for i, c := range sh.keys {
			if int(c&shardMask) != si || (i > 0 && c <= sh.keys[i-1]) {
				t.Fatalf("shard %d: chunk %d at %d out of place", si, c, i)
			}
			ch := &sh.cs[i]
			if (ch.bm == nil) == (ch.arr == nil) {
				t.Fatalf("shard %d chunk %d: arr %v and bm %v", si, c, ch.arr != nil, ch.bm != nil)
			}
			if ch.bm == nil {
				a := ch.arr
				if len(a) == 0 || len(a) > arrMax {
					t.Fatalf("shard %d chunk %d: array of %d", si, c, len(a))
				}
				for k := 1; k < len(a); k++ {
					if a[k] <= a[k-1] {
						t.Fatalf("shard %d chunk %d: array not strictly ascending at %d", si, c, k)
					}
				}
			} else {
				if err := ch.bm.Validate(); err != nil {
					t.Fatalf("shard %d chunk %d: %v", si, c, err)
				}
				if ch.bm.IsEmpty() || ch.bm.Maximum() > lowMask {
					t.Fatalf("shard %d chunk %d: bitmap of %d positions up to %d", si, c, ch.bm.GetCardinality(), ch.bm.Maximum())
				}
			}
			n += ch.card()
		}
		if n != sh.n {
			t.Fatalf("shard %d: count %d, chunks hold %d", si, sh.n, n)
		}
	}
}

// stageOp is one step of a random stage: a run or a batch of values.
type stageOp struct {
	run    bool
	lo, hi int64
	vals   []int64
}

// randomStage returns the operations of one random batch, drawn from gen.
func randomStage(r *rand.Rand, gen func() int64) []stageOp {
	var ops []stageOp
	for range r.IntN(6) {
		switch r.IntN(7) {
		case 0: // a short run
			lo := gen()
			n := r.Int64N(300)
			if lo > math.MaxInt64-n {
				lo = math.MaxInt64 - n
			}
			ops = append(ops, stageOp{run: true, lo: lo, hi: lo + n})
		case 1: // a long run, across chunks and shards
			lo := gen()
			n := r.Int64N(200_000)
			if lo > math.MaxInt64-n {
				lo = math.MaxInt64 - n
			}
			ops = append(ops, stageOp{run: true, lo: lo, hi: lo + n})
		case 2: // scattered values near each other, with duplicates
			b := randIn(r, r.IntN(6000), gen(), 1<<20)
			if r.IntN(2) == 0 {
				slices.Sort(b)
			}
			ops = append(ops, stageOp{vals: withDups(r, b, len(b)/4)})
		case 3: // a dense shuffled block
			ops = append(ops, stageOp{vals: shuffled(r, seq(gen()/2, r.IntN(9000)))})
		case 4: // the extremes
			ops = append(ops, stageOp{vals: shuffled(r, extremes)})
		case 5: // runs at the extremes
			ops = append(ops, stageOp{run: true, lo: math.MaxInt64 - r.Int64N(70_000), hi: math.MaxInt64},
				stageOp{run: true, lo: math.MinInt64, hi: math.MinInt64 + r.Int64N(70_000)})
		default: // a few values, maybe none
			ops = append(ops, stageOp{vals: randIn(r, r.IntN(5), gen(), 1000)})
		}
	}
	return ops
}

// TestSet_Commit stages random batches (runs, values, duplicates,
// negatives, extremes, empty stages), commits each into a set that already
// holds part of them (added with Merge, Add, earlier commits) and checks
// the count, the set and the stage's Len and Bounds against a map. One Stage
// is reused for every batch.
func TestSet_Commit(t *testing.T) {
	gens := []struct {
		name string
		gen  func(r *rand.Rand) int64
	}{
		{"narrow", func(r *rand.Rand) int64 { return r.Int64N(1<<18) - 1<<17 }},
		{"chunky", func(r *rand.Rand) int64 { return r.Int64N(1<<26) - 1<<25 }},
		{"wide", func(r *rand.Rand) int64 { return int64(r.Uint64()) }},
	}
	for _, g := range gens {
		t.Run(g.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(21, 22))
			gen := func() int64 { return g.gen(r) }
			s, m := New(), model{}
			var st Stage
			for round := range 40 {
				staged := model{}
				for _, op := range randomStage(r, gen) {
					if op.run {
						st.AddRun(op.lo, op.hi)
						for v := op.lo; ; v++ {
							staged[v] = struct{}{}
							if v == op.hi {
								break
							}
						}
					} else {
						st.AddValues(op.vals)
						staged.merge(op.vals)
					}
				}
				if round%2 == 0 { // else Commit finds the buffer and new chunks as AddValues left them
					if lenOf(&st) != len(staged) {
						t.Fatalf("round %d: Len %d, want %d (spilled %v)", round, lenOf(&st), len(staged), st.Spilled())
					}
					checkBounds(t, &st, staged)
				}
				want := 0
				for v := range staged {
					if _, ok := m[v]; !ok {
						m[v] = struct{}{}
						want++
					}
				}
				if got := s.Commit(&st); got != want {
					t.Fatalf("round %d: Commit = %d new, want %d", round, got, want)
				}
				if lenOf(&st) != 0 || st.Spilled() {
					t.Fatalf("round %d: stage not reset by Commit", round)
				}
				checkInvariants(t, s)
				if round%10 == 0 {
					checkEqual(t, s, m)
				}
				// Some values arrive the ordinary way in between.
				mergeChecked(t, s, m, randIn(r, r.IntN(3000), gen(), 1<<19))
				v := gen()
				s.Add(v)
				m[v] = struct{}{}
			}
			checkEqual(t, s, m)
			checkInvariants(t, s)
		})
	}
}

// checkBounds fails t unless st.Bounds matches the values of m.
func checkBounds(t *testing.T, st *Stage, m model) {
	t.Helper()
	lo, hi, ok := st.Bounds()
	if ok != (len(m) > 0) {
		t.Fatalf("Bounds ok = %v with %d values", ok, len(m))
	}
	if !ok {
		return
	}
	wantLo, wantHi := int64(math.MaxInt64), int64(math.MinInt64)
	for v := range m {
		wantLo, wantHi = min(wantLo, v), max(wantHi, v)
	}
	if lo != wantLo || hi != wantHi {
		t.Fatalf("Bounds = %d, %d; want %d, %d", lo, hi, wantLo, wantHi)
	}
}

// TestSet_Commit_repeated commits the same batch over and over (every
// value already present after the first), big enough for the parallel path
// and on one goroutine, and a batch into an empty set.
func TestSet_Commit_repeated(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	sparse := randIn(r, 300_000, 0, 1<<30)
	for _, procs := range []int{1, 2, 4} {
		t.Run("GOMAXPROCS="+strconv.Itoa(procs), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			s, m := New(), model{}
			want := m.merge(sparse)
			for v := int64(5_000_000); v <= 5_200_000; v++ {
				if _, ok := m[v]; !ok {
					m[v] = struct{}{}
					want++
				}
			}
			var st Stage
			for i := range 3 {
				for k := 0; k < len(sparse); k += 4096 {
					st.AddValues(sparse[k:min(k+4096, len(sparse))])
				}
				st.AddRun(5_000_000, 5_200_000)
				if got := s.Commit(&st); got != want {
					t.Fatalf("commit %d: %d new, want %d", i, got, want)
				}
				want = 0
				checkInvariants(t, s)
			}
			checkEqual(t, s, m)
		})
	}
}

// TestSet_Commit_combine commits each kind of staged chunk (array, bitmap,
// run) into each kind of chunk of the set (absent, array, bitmap, run),
// with some values in common.
func TestSet_Commit_combine(t *testing.T) {
	kinds := []struct {
		name string
		vals func(base int64) []int64
	}{
		{"none", func(int64) []int64 { return nil }},
		{"one", func(b int64) []int64 { return []int64{b + 7} }},
		{"array", func(b int64) []int64 { return runs(b, 300, 3, 200) }},
		{"bitmap", func(b int64) []int64 { return runs(b+1, 9000, 2, 7) }},
		{"run", func(b int64) []int64 { return seq(b+100, 50_000) }},
	}
	for _, have := range kinds {
		for _, add := range kinds {
			t.Run(have.name+"+"+add.name, func(t *testing.T) {
				for _, b := range []int64{0, -1 << 16, math.MinInt64, math.MaxInt64 - 1<<16 + 1} {
					s, m := New(), model{}
					mergeChecked(t, s, m, have.vals(b))
					var st Stage
					in := add.vals(b)
					st.AddValues(in)
					st.AddRun(b+10, b+20)
					st.AddValues(make([]int64, 0)) // nothing
					in = append(in, seq(b+10, 11)...)
					want := m.merge(in)
					if got := s.Commit(&st); got != want {
						t.Fatalf("base %d: Commit = %d new, want %d", b, got, want)
					}
					checkInvariants(t, s)
					checkEqual(t, s, m)
				}
			})
		}
	}
}

// TestStage_window checks Len, Spilled, Values and Bounds as a stage fills
// its window and spills.
func TestStage_window(t *testing.T) {
	tests := []struct {
		name    string
		fill    func(st *Stage)
		spilled bool
		values  []int64 // when not spilled
		len     int
	}{
		{"empty", func(*Stage) {}, false, []int64{}, 0},
		{"values in order with duplicates", func(st *Stage) {
			st.AddValues([]int64{5, -3, 5, math.MaxInt64})
			st.AddRun(-1, 1)
			st.AddValues([]int64{0})
		}, false, []int64{5, -3, 5, math.MaxInt64, -1, 0, 1, 0}, 6},
		{"run at MaxInt64", func(st *Stage) { st.AddRun(math.MaxInt64-2, math.MaxInt64) }, false,
			[]int64{math.MaxInt64 - 2, math.MaxInt64 - 1, math.MaxInt64}, 3},
		{"run at MinInt64", func(st *Stage) { st.AddRun(math.MinInt64, math.MinInt64+1) }, false,
			[]int64{math.MinInt64, math.MinInt64 + 1}, 2},
		{"empty run", func(st *Stage) { st.AddRun(3, 2) }, false, []int64{}, 0},
		{"window full", func(st *Stage) { st.AddValues(slices.Repeat([]int64{9}, stageWindow)) }, false,
			slices.Repeat([]int64{9}, stageWindow), 1},
		{"one more than the window", func(st *Stage) {
			st.AddValues(slices.Repeat([]int64{9}, stageWindow))
			st.AddValues([]int64{10})
		}, true, nil, 2},
		{"run filling the window", func(st *Stage) { st.AddRun(1, stageWindow) }, false, seq(1, stageWindow), stageWindow},
		{"run one too long", func(st *Stage) { st.AddRun(1, stageWindow+1) }, true, nil, stageWindow + 1},
		{"long run after values", func(st *Stage) {
			st.AddValues([]int64{1, 2, 3})
			st.AddRun(0, 1_000_000)
		}, true, nil, 1_000_001},
		{"the whole chunk range at both ends", func(st *Stage) {
			st.AddRun(math.MinInt64, math.MinInt64+1<<20)
			st.AddRun(math.MaxInt64-1<<20, math.MaxInt64)
		}, true, nil, 2<<20 + 2},
		{"huge batch of few values", func(st *Stage) {
			for range 100 {
				st.AddValues(slices.Repeat([]int64{1, 2, 3}, 10_000))
			}
		}, true, nil, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var st Stage
			for range 2 { // the second time after Reset
				tt.fill(&st)
				if st.Spilled() != tt.spilled {
					t.Fatalf("Spilled = %v, want %v", st.Spilled(), tt.spilled)
				}
				if got := st.Values(); !tt.spilled && !slices.Equal(got, tt.values) || tt.spilled && got != nil {
					t.Fatalf("Values = %v (len %d), want %v", got[:min(len(got), 10)], len(got), tt.values[:min(len(tt.values), 10)])
				}
				if lenOf(&st) != tt.len {
					t.Fatalf("Len = %d, want %d", lenOf(&st), tt.len)
				}
				st.Reset()
				if lenOf(&st) != 0 || st.Spilled() || len(st.Values()) != 0 {
					t.Fatal("Reset left values")
				}
				if _, _, ok := st.Bounds(); ok {
					t.Fatal("Reset left bounds")
				}
			}
		})
	}
}

// TestStage_AddRun_huge stages a run of 2^30 values (16384 chunks): it must
// cost O(chunks), so it would time out if it touched every value.
func TestStage_AddRun_huge(t *testing.T) {
	var st Stage
	st.AddRun(-1<<29, 1<<29-1)
	st.AddRun(-5, 5)
	if lenOf(&st) != 1<<30 {
		t.Fatalf("Len = %d", lenOf(&st))
	}
	s := New()
	s.Add(0)
	s.Add(1 << 40)
	if got := s.Commit(&st); got != 1<<30-1 {
		t.Fatalf("Commit = %d", got)
	}
	st.AddRun(-1<<29, 1<<29-1)
	if got := s.Commit(&st); got != 0 || s.Len() != 1<<30+1 {
		t.Fatalf("Commit again = %d, Len %d", got, s.Len())
	}
	got := s.AppendRange(nil, 1<<29-3, 1<<29+2)
	if !slices.Equal(got, []int64{1<<29 - 3, 1<<29 - 2, 1<<29 - 1}) {
		t.Fatalf("AppendRange at the run's end = %v", got)
	}
}

// TestStage_ascending stages an ascending line the way a parser hands it
// over: batches of varying length (chunks split between batches, a value
// repeated across a boundary), with a run and an unsorted batch in the
// middle, so that the direct merge of ascending batches, the buffer and
// the runs take turns.
func TestStage_ascending(t *testing.T) {
	r := rand.New(rand.NewPCG(51, 52))
	line := slices.Sorted(slices.Values(randIn(r, 300_000, -1<<30, 1<<31)))
	line = append(line, line[len(line)-1]) // a duplicate at the very end
	for _, into := range []string{"empty", "half"} {
		t.Run(into, func(t *testing.T) {
			s, m := New(), model{}
			if into == "half" {
				half := slices.Clone(line[:len(line)/2])
				mergeChecked(t, s, m, half)
			}
			want := 0
			staged := model{}
			var st Stage
			for i := 0; i < len(line); {
				n := min(len(line)-i, 1+r.IntN(9000))
				if r.IntN(5) == 0 {
					n = 1 + r.IntN(4)
				}
				batch := line[i:min(i+n+1, len(line))] // repeats the next batch's first value
				st.AddValues(batch)
				staged.merge(batch)
				want += m.merge(batch)
				i += n
				switch i / 100_000 {
				case 1:
					lo := line[i-1] + 1
					st.AddRun(lo, lo+70_000)
					staged.merge(seq(lo, 70_001))
					want += m.merge(seq(lo, 70_001))
				case 2:
					odd := []int64{line[0] - 7, line[i-1] + 3, line[0] - 7}
					st.AddValues(odd)
					staged.merge(odd)
					want += m.merge(odd)
				}
			}
			if into == "half" { // else Commit finds the batches' chunks not yet inserted
				if lenOf(&st) != len(staged) {
					t.Fatalf("Len = %d, want %d", lenOf(&st), len(staged))
				}
				checkBounds(t, &st, staged)
			}
			if got := s.Commit(&st); got != want {
				t.Fatalf("Commit = %d new, want %d", got, want)
			}
			checkInvariants(t, s)
			checkEqual(t, s, m)
		})
	}
}

// lenOf returns st.Len, or -1 when the stage does not know it.
func lenOf(st *Stage) int {
	n, ok := st.Len()
	if !ok {
		return -1
	}
	return n
}

// TestStage_Against stages ascending lines against the set they are then
// committed into (empty, holding every other stretch, holding them all),
// as batches of values (duplicates inside a batch) and runs, and checks the
// count, Len and Bounds against a map; with an out-of-order batch after
// values were left out, Len must say it does not know, and Commit must stay
// exact either way.
func TestStage_Against(t *testing.T) {
	for _, into := range []string{"empty", "stretches", "all"} {
		for _, disorder := range []bool{false, true} {
			t.Run(into+"/disorder="+strconv.FormatBool(disorder), func(t *testing.T) {
				r := rand.New(rand.NewPCG(61, 62))
				// The line: ascending sparse values, with runs between
				// them, over about 150 chunks.
				var ops []stageOp
				var all []int64
				next := int64(-5 << 20)
				for len(all) < 400_000 {
					if r.IntN(4) == 0 {
						n := 1 + r.Int64N(100_000)
						ops = append(ops, stageOp{run: true, lo: next, hi: next + n - 1})
						all = append(all, seq(next, int(n))...)
						next += n + 1 + r.Int64N(3)
						continue
					}
					var b []int64
					for range 1 + r.IntN(5000) {
						b = append(b, next)
						if r.IntN(10) == 0 {
							b = append(b, next) // a duplicate inside the batch
						}
						next += 1 + r.Int64N(40)
					}
					ops = append(ops, stageOp{vals: b})
					all = append(all, b...)
				}
				s, m := New(), model{}
				switch into {
				case "stretches":
					for i := 0; i < len(all); i += 100_000 {
						mergeChecked(t, s, m, slices.Clone(all[i:min(i+50_000, len(all))]))
					}
				case "all":
					mergeChecked(t, s, m, slices.Clone(all))
				}
				var st Stage
				st.Against(s)
				staged := model{}
				for k, op := range ops {
					if op.run {
						st.AddRun(op.lo, op.hi)
						staged.merge(seq(op.lo, int(op.hi-op.lo+1)))
					} else {
						st.AddValues(op.vals)
						staged.merge(op.vals)
					}
					if disorder && k == len(ops)-2 {
						odd := []int64{all[0], all[len(all)/3]} // both left out, or staged
						st.AddValues(odd)
						staged.merge(odd)
					}
				}
				n, known := st.Len()
				switch {
				case disorder && into != "empty" && known:
					t.Fatalf("Len = %d, known after values left out came again out of order", n)
				case known && n != len(staged):
					t.Fatalf("Len = %d, want %d", n, len(staged))
				case !known && (!disorder || into == "empty"):
					t.Fatal("Len unknown")
				}
				switch {
				case into != "empty" && st.left == 0:
					t.Fatal("nothing left out")
				case into == "all" && !disorder && st.staged.Len() != 0:
					t.Fatalf("%d values staged that the set holds", st.staged.Len())
				}
				want := 0
				for v := range staged {
					if _, ok := m[v]; !ok {
						want++
					}
				}
				lo, hi, ok := st.Bounds()
				for v := range staged { // every new value lies within Bounds
					if _, held := m[v]; !held && (!ok || v < lo || v > hi) {
						t.Fatalf("new value %d outside Bounds %d..%d (ok %v)", v, lo, hi, ok)
					}
				}
				if got := s.Commit(&st); got != want {
					t.Fatalf("Commit = %d new, want %d", got, want)
				}
				m.merge(all)
				checkInvariants(t, s)
				checkEqual(t, s, m)
			})
		}
	}
}

// TestMergeAbove: batches above everything a set holds, whose first chunk
// may be the set's last, distinct or with duplicates, runs and chunks past
// arrMax, merge as Merge would.
func TestMergeAbove(t *testing.T) {
	r := rand.New(rand.NewPCG(71, 72))
	for trial := range 50 {
		s, m := New(), model{}
		next := int64(-3<<20) + r.Int64N(1<<20)
		for range 20 {
			var b []int64
			switch r.IntN(4) {
			case 0: // a dense stretch: one chunk past arrMax
				n := arrMax + 1 + r.IntN(3000)
				for range n {
					b = append(b, next)
					next += 1 + r.Int64N(2)
				}
			case 1: // a run
				b = seq(next, 1+r.IntN(300))
				next += int64(len(b))
			default: // sparse, distinct or with duplicates
				dups := r.IntN(2) == 0
				for range 1 + r.IntN(3000) {
					b = append(b, next)
					if dups && r.IntN(20) == 0 {
						b = append(b, next)
					}
					next += 1 + r.Int64N(400)
				}
			}
			ends := make([]int32, len(b))
			n, _, distinct := vec.Segments(b, ends)
			want := m.merge(b)
			if got := s.mergeAbove(b, 0, ends[:n], distinct); got != want {
				t.Fatalf("trial %d: mergeAbove(%d values) = %d new, want %d", trial, len(b), got, want)
			}
			if r.IntN(3) == 0 {
				s.settle()
			}
			next += r.Int64N(1 << 17) // sometimes the same chunk, sometimes far above
		}
		s.settle()
		checkEqual(t, s, m)
	}
}

// TestMergeAbove_SpareRoom: the array of a batch's last chunk, which the
// next batch may go on with, has room for as many more values as the whole
// segment before it, whether the batch's arrays share one block (distinct
// values) or are carved one by one.
func TestMergeAbove_SpareRoom(t *testing.T) {
	for _, distinct := range []bool{true, false} {
		var b []int64
		for v := int64(0); len(b) < 4000; v += 1000 {
			b = append(b, v)
		}
		if !distinct {
			b = append(b[:10:10], b[9:]...)
		}
		ends := make([]int32, len(b))
		n, _, d := vec.Segments(b, ends)
		if d != distinct || n < 3 {
			t.Fatalf("distinct %v: %d segments, distinct %v", distinct, n, d)
		}
		s := New()
		s.mergeAbove(b, 0, ends[:n], d)
		last := s.lookup(chunkOf(b[len(b)-1]))
		whole := int(ends[n-2] - ends[n-3])
		if room := cap(last.arr) - len(last.arr); room < whole {
			t.Errorf("distinct %v: the last array has room for %d more, want the %d of the segment before it", distinct, room, whole)
		}
	}
}
