package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// collect is an IntSink that expands runs into a slice; runs counts them,
// inRuns their values.
type collect struct {
	vals         []int64
	runs, inRuns int
}

func (c *collect) AddRun(lo, hi int64) {
	if lo >= hi {
		panic(fmt.Sprintf("run %d..%d", lo, hi))
	}
	c.runs++
	c.inRuns += int(hi-lo) + 1
	for v := lo; ; v++ {
		c.vals = append(c.vals, v)
		if v == hi {
			return
		}
	}
}

func (c *collect) AddValues(vals []int64) { c.vals = append(c.vals, vals...) }

func (c *collect) Reset() { c.vals, c.runs, c.inRuns = c.vals[:0], 0, 0 }

// streamPieces feeds raw (an array's text, then anything after it) to an
// IntStream cut at the given offsets, and returns what it found: the values
// and the offset just past the array (Done), or, for Bad, the array text
// rebuilt from the bad element on ("[" + Partial + the rest) and the index
// base.
func streamPieces(raw []byte, cuts []int) (vals []int64, status Status, end int, rebuilt []byte, base int) {
	var c collect
	var s IntStream
	s.Reset(&c)
	prev := 0
	for _, cut := range append(slices.Clone(cuts), len(raw)) {
		if cut < prev {
			continue
		}
		piece := raw[prev:cut]
		n, st := s.Feed(piece)
		switch st {
		case Done:
			return c.vals, Done, prev + n, nil, 0
		case Bad:
			rebuilt = append(append([]byte("["), s.Partial()...), raw[prev+n:]...)
			return c.vals, Bad, 0, rebuilt, s.ElemBase()
		}
		if n != len(piece) {
			panic("More with bytes left")
		}
		prev = cut
	}
	return c.vals, More, 0, nil, 0
}

// checkStream checks the stream of raw (a complete array text) against
// AppendInts for the given cuts.
func checkStream(t *testing.T, raw []byte, cuts []int) {
	t.Helper()
	want, wantErr := AppendInts(nil, raw)
	vals, st, end, rebuilt, base := streamPieces(raw, cuts)
	switch {
	case wantErr == nil:
		if st != Done || end != len(raw) && skipSpace(raw, end) != len(raw) {
			t.Fatalf("%q cut at %v: status %v end %d, want Done", raw, cuts, st, end)
		}
		if !slices.Equal(vals, want) && !(len(vals) == 0 && len(want) == 0) {
			t.Fatalf("%q cut at %v: values %v, want %v", raw, cuts, vals, want)
		}
	case st == Done:
		// AppendInts refuses what follows the array, which the stream
		// does not look at: the array itself must have been fine.
		if got, err := AppendInts(nil, raw[:end]); err != nil || !slices.Equal(got, vals) && len(got)+len(vals) > 0 {
			t.Fatalf("%q cut at %v: Done at %d but AppendInts says %v", raw, cuts, end, wantErr)
		}
	case st == Bad && (skipSpace(raw, 0) == len(raw) || raw[skipSpace(raw, 0)] != '['):
		// Not an array at all: nothing to rebuild.
	case st == Bad:
		// The rebuilt array must fail the same way, and be valid JSON
		// exactly when the original is.
		if json.Valid(raw) != json.Valid(rebuilt) {
			t.Fatalf("%q cut at %v: rebuilt %q changes validity", raw, cuts, rebuilt)
		}
		_, err := AppendInts(nil, rebuilt)
		if err == nil {
			t.Fatalf("%q cut at %v: rebuilt %q parses", raw, cuts, rebuilt)
		}
		var we, ge *ElemError
		if errors.As(wantErr, &we) && json.Valid(raw) {
			if !errors.As(err, &ge) || ge.Index+base != we.Index || ge.Text != we.Text || ge.Range != we.Range {
				t.Fatalf("%q cut at %v: rebuilt %q gives %v (base %d), want %v", raw, cuts, rebuilt, err, base, wantErr)
			}
		}
		if n := we; n != nil && json.Valid(raw) && len(vals) > n.Index {
			t.Fatalf("%q: %d values reached the sink before bad element %d", raw, len(vals), n.Index)
		}
	default:
		// The text ended inside the array: AppendInts refused it too.
	}
}

var streamCases = []string{
	`[]`, `[ ]`, `[0]`, `[-0]`, `[1,2,3]`, `[1, 2, 3]`, "[1,\t2 ,3 ]", `[9223372036854775807, -9223372036854775808]`,
	`[9223372036854775808]`, `[-9223372036854775809]`, `[123456789012345678901234567890]`,
	`[1.5]`, `[1e3]`, `[01]`, `[-]`, `[--1]`, `[1,]`, `[,1]`, `[1 2]`, `[1,,2]`, `["a"]`, `[1, "a", 3]`, `[null]`, `[1, [2]]`,
	`[1, {"a": 1}]`, `[true]`, `[1}`, `{}`, `1`, `[1, 2`, `[+1]`, `[1.]`, `[1, 2.0e5, 3]`, `[0x10]`, `[1 , -2 , 3]`,
	`[99999999, 100000000, 100000001]`, `[9, 10, 11, 99, 100, 101]`, `[5, 5, 6, 7]`, `[3, 2, 1]`,
	`[1, 2, 3]x`, `[1, 2, 3] `, `[18446744073709551616]`, `[-1, -2]`,
}

// seqText returns the text of the values lo..hi as the node prints them.
func seqText(lo, hi int64, sep string) []byte {
	var vals []int64
	for v := lo; ; v++ {
		vals = append(vals, v)
		if v == hi {
			break
		}
	}
	if sep == ", " {
		return AppendInts64(nil, vals)
	}
	return []byte(strings.ReplaceAll(string(AppendInts64(nil, vals)), ", ", sep))
}

func TestIntStream_SplitEverywhere(t *testing.T) {
	inputs := append([]string(nil), streamCases...)
	inputs = append(inputs,
		string(seqText(0, 300, ", ")), string(seqText(95, 130, ",")), string(seqText(-40, 40, ", ")),
		string(seqText(99_999_990, 100_000_010, ", ")), string(seqText(999_999_999_999_990, 1_000_000_000_000_010, ", ")),
		string(seqText(9223372036854775790, 9223372036854775807, ", ")),
		strings.Replace(string(seqText(0, 200, ", ")), "150", "150.5", 1),
		strings.Replace(string(seqText(0, 200, ", ")), "199", `"x"`, 1),
		strings.Replace(string(seqText(0, 200, ", ")), ", 77,", ", 77 78,", 1),
		strings.Replace(string(seqText(0, 200, ", ")), "]", ", ]", 1),
	)
	for _, in := range inputs {
		raw := []byte(in)
		checkStream(t, raw, nil)
		for cut := 0; cut <= len(raw); cut++ {
			checkStream(t, raw, []int{cut})
		}
		// Every byte on its own.
		var all []int
		for k := 1; k < len(raw); k++ {
			all = append(all, k)
		}
		checkStream(t, raw, all)
	}
}

// TestIntStream_Runs: consecutive values reach the sink as runs, whatever
// the cuts.
func TestIntStream_Runs(t *testing.T) {
	raw := seqText(0, 99_999, ", ")
	for _, cuts := range [][]int{nil, {1}, {7}, {65536, 131072}} {
		var c collect
		var s IntStream
		s.Reset(&c)
		prev := 0
		for _, cut := range append(cuts, len(raw)) {
			s.Feed(raw[prev:cut])
			prev = cut
		}
		if len(c.vals) != 100_000 || c.vals[99_999] != 99_999 {
			t.Fatalf("cuts %v: %d values", cuts, len(c.vals))
		}
		if c.runs > 1+len(cuts)*2 {
			t.Fatalf("cuts %v: %d runs for one sequence", cuts, c.runs)
		}
	}
}

// TestIntStream_RunAmongSparse: a run that begins among values far apart,
// at any offset in the digit kernel's batch, still reaches the sink as one
// run, all of it but fewer than runMin values that may go before it as
// values.
func TestIntStream_RunAmongSparse(t *testing.T) {
	for off := range 2*kernelLen + 3 {
		var vals []int64
		for k := range 100 + off {
			vals = append(vals, int64(k)*1000)
		}
		for v := range int64(5000) {
			vals = append(vals, 1e9+v)
		}
		for k := range 300 {
			vals = append(vals, 2e9+int64(k)*1000)
		}
		var c collect
		var s IntStream
		s.Reset(&c)
		if _, st := s.Feed(AppendInts64(nil, vals)); st != Done {
			t.Fatalf("offset %d: status %v", off, st)
		}
		if !slices.Equal(c.vals, vals) || c.runs != 1 || c.inRuns <= 5000-runMin {
			t.Fatalf("offset %d: %d values (equal: %v), %d of them in %d runs, want 5000 in one run", off, len(c.vals), slices.Equal(c.vals, vals), c.inRuns, c.runs)
		}
	}
}

// TestRunStart checks runStart against its contract on values with runs
// of every length up to past runMin.
func TestRunStart(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	// longRunBefore reports whether v[:end] holds runMin consecutive values.
	longRunBefore := func(v []int64, end int) bool {
		n := 1 // the length of the run that ends at v[k]
		for k := 1; k < end; k++ {
			if n++; v[k] != v[k-1]+1 {
				n = 1
			}
			if n >= runMin {
				return true
			}
		}
		return false
	}
	for range 3000 {
		var v []int64
		x, size := int64(0), 1+r.IntN(kernelLen)
		for len(v) < size {
			// A gap, then a value alone or a run of up to 2·runMin.
			x += 2 + r.Int64N(100)
			n := 1
			if r.IntN(2) == 0 {
				n += r.IntN(2 * runMin)
			}
			for range n {
				v = append(v, x)
				x++
			}
		}
		k := runStart(v)
		switch {
		case k == len(v):
			if longRunBefore(v, len(v)) {
				t.Fatalf("runStart(%v) = len, but it holds a run of %d", v, runMin)
			}
		case k < 1 || k > len(v):
			t.Fatalf("runStart(%v) = %d", v, k)
		case v[k] != v[k-1]+1 || k > 1 && v[k-1] == v[k-2]+1:
			t.Fatalf("runStart(%v) = %d: not where a run begins", v, k)
		case longRunBefore(v, k-1):
			t.Fatalf("runStart(%v) = %d: a run of %d before it", v, k, runMin)
		}
	}
}

func TestIntStream_RandomArrays(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 300 {
		n := r.IntN(300)
		vals := make([]int64, n)
		v := r.Int64N(1 << 40)
		for k := range vals {
			switch r.IntN(4) {
			case 0:
				v = r.Int64() - r.Int64()
			case 1:
				v += r.Int64N(1000)
			default:
				v++
			}
			vals[k] = v
		}
		raw := AppendInts64(nil, vals)
		if r.IntN(2) == 0 {
			raw = []byte(strings.ReplaceAll(string(raw), ", ", ","))
		}
		cuts := make([]int, r.IntN(5))
		for k := range cuts {
			cuts[k] = r.IntN(len(raw) + 1)
		}
		slices.Sort(cuts)
		checkStream(t, raw, cuts)
	}
}

// FuzzIntStream checks IntStream against AppendInts on any text, cut at two
// places the fuzzer chooses.
func FuzzIntStream(f *testing.F) {
	for _, c := range streamCases {
		f.Add([]byte(c), uint16(1), uint16(5))
	}
	f.Add(seqText(0, 100, ", "), uint16(17), uint16(300))
	r := rand.New(rand.NewPCG(5, 6))
	for range 4 {
		text := kernelText(r, 100)
		f.Add(text[bytes.IndexByte(text, '['):], uint16(r.IntN(1000)), uint16(r.IntN(1000)))
	}
	f.Fuzz(func(t *testing.T, raw []byte, a, b uint16) {
		if len(raw) > 1<<16 {
			return
		}
		cuts := []int{int(a) % (len(raw) + 1), int(b) % (len(raw) + 1)}
		slices.Sort(cuts)
		checkBothPaths(t, raw, cuts)
	})
}

// TestIntStream_PredictionSurvivesPieces: a sequence cut into pieces still
// goes through the predicted path after each cut (a prediction left behind
// by values read on the other paths would still be correct, only slow:
// this checks the values and that every piece ends in one run).
func TestIntStream_PredictionSurvivesPieces(t *testing.T) {
	raw := seqText(0, 200_000, ", ")
	var c collect
	var s IntStream
	s.Reset(&c)
	for i := 0; i < len(raw); i += 4096 {
		s.Feed(raw[i:min(i+4096, len(raw))])
		if s.inRun && !s.predOK {
			t.Fatalf("no prediction after the piece at %d", i)
		}
	}
	if len(c.vals) != 200_001 || c.runs != 1 {
		t.Fatalf("%d values in %d runs", len(c.vals), c.runs)
	}
}
