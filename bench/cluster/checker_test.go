package cluster

import (
	"math/rand/v2"
	"reflect"
	"testing"
)

const ms = int64(1e6)

// hb builds a history by hand: each step appends one event with the next
// index.
type hb struct{ ev []Event }

func (h *hb) add(t int64, p int, f OpF, typ OpType, v int64, vals []int64, final bool) *hb {
	h.ev = append(h.ev, Event{Index: int64(len(h.ev)), Time: t * ms, Process: p, F: f, Type: typ, Value: v, Values: vals, Final: final})
	return h
}

func (h *hb) bcast(t int64, p int, v int64) *hb { return h.add(t, p, Broadcast, Invoke, v, nil, false) }
func (h *hb) ack(t int64, p int, v int64) *hb   { return h.add(t, p, Broadcast, OK, v, nil, false) }
func (h *hb) info(t int64, p int, v int64) *hb  { return h.add(t, p, Broadcast, Info, v, nil, false) }
func (h *hb) read(t int64, p int) *hb           { return h.add(t, p, Read, Invoke, 0, nil, false) }
func (h *hb) readOK(t int64, p int, vals ...int64) *hb {
	if vals == nil {
		vals = []int64{}
	}
	return h.add(t, p, Read, OK, 0, vals, false)
}
func (h *hb) final(t int64, p int) *hb { return h.add(t, p, Read, Invoke, 0, nil, true) }
func (h *hb) finalOK(t int64, p int, vals ...int64) *hb {
	if vals == nil {
		vals = []int64{}
	}
	return h.add(t, p, Read, OK, 0, vals, true)
}
func (h *hb) finalFail(t int64, p int) *hb { return h.add(t, p, Read, Fail, 0, nil, true) }

func TestCheckHistory(t *testing.T) {
	tests := []struct {
		name  string
		h     *hb
		check func(t *testing.T, r WorkloadResult)
	}{
		{
			name: "seen at once is stable with latency 0",
			h:    new(hb).bcast(0, 0, 0).ack(1, 0, 0).final(5, 1).finalOK(6, 1, 0),
			check: func(t *testing.T, r WorkloadResult) {
				want := Quantiles{"0": 0, "0.5": 0, "0.95": 0, "0.99": 0, "1": 0}
				if !r.Valid || r.StableCount != 1 || r.StaleCount != 0 || !reflect.DeepEqual(r.StableLatencies, want) {
					t.Errorf("got %+v", r)
				}
			},
		},
		{
			// Stable latency runs from the ack (10 ms) to one nanosecond
			// after the invocation of the last read that missed the value
			// (40 ms), truncated to milliseconds: 30.
			name: "stale value: latency from ack to last missing read",
			h: new(hb).bcast(0, 0, 0).ack(10, 0, 0).
				read(20, 1).readOK(21, 1).
				read(40, 2).readOK(41, 2).
				read(60, 1).readOK(61, 1, 0).
				final(80, 2).finalOK(81, 2, 0),
			check: func(t *testing.T, r WorkloadResult) {
				if !r.Valid || r.StaleCount != 1 || r.StableLatencies["1"] != 30 {
					t.Errorf("got %+v", r)
				}
			},
		},
		{
			name: "acknowledged but missing from the last reads is lost",
			h: new(hb).bcast(0, 0, 0).ack(1, 0, 0).
				read(5, 0).readOK(6, 0, 0).
				final(20, 1).finalOK(21, 1),
			check: func(t *testing.T, r WorkloadResult) {
				if r.Valid || r.LostCount != 1 || !reflect.DeepEqual(r.Lost, []int64{0}) || r.FinalMissingCount != 1 {
					t.Errorf("got %+v", r)
				}
				// Lost latency: from the ack (1 ms) to just after the last
				// read that saw it was invoked (5 ms).
				if r.LostLatencies["0"] != 4 {
					t.Errorf("lost latencies %v, want 4", r.LostLatencies)
				}
			},
		},
		{
			name: "indeterminate and never seen is never-read, not lost",
			h:    new(hb).bcast(0, 0, 0).info(5000, 0, 0).bcast(5001, 0, 1).ack(5002, 0, 1).final(6000, 1).finalOK(6001, 1, 1),
			check: func(t *testing.T, r WorkloadResult) {
				if !r.Valid || r.NeverReadCount != 1 || !reflect.DeepEqual(r.NeverRead, []int64{0}) || r.LostCount != 0 {
					t.Errorf("got %+v", r)
				}
			},
		},
		{
			name: "indeterminate but read is known, then lost when missing",
			h: new(hb).bcast(0, 0, 0).info(5000, 0, 0).
				read(10, 1).readOK(11, 1, 0).
				bcast(6000, 0, 1).ack(6001, 0, 1).
				final(7000, 2).finalOK(7001, 2, 1),
			check: func(t *testing.T, r WorkloadResult) {
				if r.Valid || !reflect.DeepEqual(r.Lost, []int64{0}) {
					t.Errorf("got %+v", r)
				}
			},
		},
		{
			// A read invoked before the ack that misses the value may have
			// happened before the broadcast: that is not a loss.
			name: "a concurrent read that misses it is not a loss",
			h:    new(hb).bcast(0, 0, 0).read(1, 1).ack(2, 0, 0).readOK(3, 1),
			check: func(t *testing.T, r WorkloadResult) {
				if r.LostCount != 0 || !reflect.DeepEqual(r.NeverRead, []int64{0}) {
					t.Errorf("got %+v", r)
				}
			},
		},
		{
			// set-full calls the value stable because the later-invoked
			// final read saw it; the bench's stricter check still flags
			// the final read that lacked it.
			name: "missing from one final read but seen by a later one",
			h: new(hb).bcast(0, 0, 0).ack(1, 0, 0).
				final(10, 1).final(11, 2).finalOK(12, 1).finalOK(13, 2, 0),
			check: func(t *testing.T, r WorkloadResult) {
				if r.LostCount != 0 || r.StableCount != 1 || r.FinalMissingCount != 1 || r.Valid {
					t.Errorf("got %+v", r)
				}
				if r.StableLatencies["1"] != 9 {
					t.Errorf("stable latency %v, want 9", r.StableLatencies)
				}
			},
		},
		{
			name: "a value never broadcast is unexpected",
			h:    new(hb).bcast(0, 0, 0).ack(1, 0, 0).final(2, 1).finalOK(3, 1, 0, 7, -1),
			check: func(t *testing.T, r WorkloadResult) {
				if r.Valid || !reflect.DeepEqual(r.Unexpected, []int64{-1, 7}) || r.LostCount != 0 {
					t.Errorf("got %+v", r)
				}
			},
		},
		{
			name: "a failed final read makes the run invalid",
			h:    new(hb).bcast(0, 0, 0).ack(1, 0, 0).final(2, 1).final(2, 2).finalOK(3, 1, 0).finalFail(5003, 2),
			check: func(t *testing.T, r WorkloadResult) {
				if r.Valid || r.FinalReadsFailed != 1 || r.FinalReadsOK != 1 || r.LostCount != 0 {
					t.Errorf("got %+v", r)
				}
			},
		},
		{
			name: "no broadcasts is unknown, so not valid",
			h:    new(hb).final(0, 0).finalOK(1, 0),
			check: func(t *testing.T, r WorkloadResult) {
				if r.Valid || r.AttemptCount != 0 {
					t.Errorf("got %+v", r)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, CheckHistory(tt.h.ev))
		})
	}
}

// TestFrequencyDistribution checks jepsen's index rule,
// min(n-1, floor(n·p)) over the sorted values.
func TestFrequencyDistribution(t *testing.T) {
	tests := []struct {
		name string
		in   []int64
		want Quantiles
	}{
		{"empty", nil, nil},
		{"one", []int64{7}, Quantiles{"0": 7, "0.5": 7, "0.95": 7, "0.99": 7, "1": 7}},
		{"ten unsorted", []int64{9, 0, 8, 1, 7, 2, 6, 3, 5, 4}, Quantiles{"0": 0, "0.5": 5, "0.95": 9, "0.99": 9, "1": 9}},
		{"hundred", seq(100), Quantiles{"0": 0, "0.5": 50, "0.95": 95, "0.99": 99, "1": 99}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := frequencyDistribution(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func seq(n int) []int64 {
	s := make([]int64, n)
	for i := range s {
		s[i] = int64(n - 1 - i)
	}
	return s
}

// BenchmarkSetFull_ReadOK measures the checker's cost of one read that
// returns every one of 100,000 values broadcast (the late reads of a long
// run): the bench pays it for every read, under the history lock.
func BenchmarkSetFull_ReadOK(b *testing.B) {
	const n = 100_000
	s := newSetFull()
	vals := make([]int64, n)
	for v := range int64(n) {
		s.addInvoke(v)
		s.addOK(v, v, v, int(v%25))
		vals[v] = v
	}
	inv := Event{Index: n, F: Read}
	done := Event{Index: n + 1, F: Read, Type: OK, Values: vals}
	b.ReportAllocs()
	b.SetBytes(8 * n)
	for b.Loop() {
		inv.Index += 2
		done.Index += 2
		s.readOK(&inv, &done, 3)
	}
}

// TestCheckHistory_MatchesReference checks the checker, whose reads update
// whole words of 64 values at once, against a plain per-value set-full on
// random histories: values broadcast in order by several processes, reads
// that see a prefix of the values with random holes (so some words are
// complete and some are not), some of them after values stop being seen.
func TestCheckHistory_MatchesReference(t *testing.T) {
	for seed := range uint64(40) {
		rng := rand.New(rand.NewPCG(seed, 7))
		var h hb
		next := int64(0)
		tm := int64(0)
		for range 300 {
			tm++
			p := rng.IntN(4)
			if rng.IntN(2) == 0 {
				v := next
				next++
				h.bcast(tm, p, v)
				if rng.IntN(10) != 0 {
					h.ack(tm, p, v)
				} else {
					h.info(tm, p, v)
				}
				continue
			}
			h.read(tm, p)
			var vals []int64
			upTo := next
			if rng.IntN(3) == 0 {
				upTo = rng.Int64N(next + 1)
			}
			holes := rng.IntN(4)
			for v := range upTo {
				if holes > 0 && rng.IntN(int(upTo)+1) < 3 {
					holes--
					continue
				}
				vals = append(vals, v)
			}
			h.readOK(tm, p, vals...)
		}
		got := CheckHistory(h.ev)
		want := referenceSetFull(h.ev)
		if len(got.Values()) != len(want) {
			t.Fatalf("seed %d: %d values, want %d", seed, len(got.Values()), len(want))
		}
		for i, r := range got.Values() {
			if w := want[i]; r.Outcome != w.Outcome || r.StableLatency != w.StableLatency || r.LostLatency != w.LostLatency {
				t.Fatalf("seed %d: value %d: %v stable %d lost %d, want %v stable %d lost %d",
					seed, r.Value, r.Outcome, r.StableLatency, r.LostLatency, w.Outcome, w.StableLatency, w.LostLatency)
			}
		}
	}
}

// referenceSetFull is set-full written as plainly as possible, for the
// histories of TestCheckHistory_MatchesReference (every event completes
// before the next one starts, one value per broadcast).
func referenceSetFull(events []Event) []ValueResult {
	type rec struct {
		attempted                 bool
		known, present, absent    int64
		knownT, presentT, absentT int64
	}
	var recs []rec
	var inv *Event
	for i := range events {
		ev := &events[i]
		if ev.Type == Invoke {
			inv = ev
			if ev.F == Broadcast {
				for int64(len(recs)) <= ev.Value {
					recs = append(recs, rec{known: -1, present: -1, absent: -1})
				}
				recs[ev.Value].attempted = true
			}
			continue
		}
		if ev.Type != OK {
			continue
		}
		if ev.F == Broadcast {
			if r := &recs[ev.Value]; r.known < 0 {
				r.known, r.knownT = ev.Index, ev.Time
			}
			continue
		}
		seen := map[int64]bool{}
		for _, v := range ev.Values {
			seen[v] = true
		}
		for v := range recs {
			r := &recs[v]
			if !r.attempted {
				continue
			}
			if seen[int64(v)] {
				if r.known < 0 {
					r.known, r.knownT = ev.Index, ev.Time
				}
				if r.present < inv.Index {
					r.present, r.presentT = inv.Index, inv.Time
				}
			} else if r.absent < inv.Index {
				r.absent, r.absentT = inv.Index, inv.Time
			}
		}
	}
	var out []ValueResult
	for v, r := range recs {
		if !r.attempted {
			continue
		}
		res := ValueResult{Value: int64(v), Outcome: NeverRead}
		switch {
		case r.present >= 0 && r.absent < r.present:
			res.Outcome = Stable
			st := int64(0)
			if r.absent >= 0 {
				st = r.absentT + 1
			}
			res.StableLatency = max(st-r.knownT, 0) / 1e6
		case r.known >= 0 && r.absent >= 0 && r.present < r.absent && r.known < r.absent:
			res.Outcome = Lost
			lt := int64(0)
			if r.present >= 0 {
				lt = r.presentT + 1
			}
			res.LostLatency = max(lt-r.knownT, 0) / 1e6
		}
		out = append(out, res)
	}
	return out
}
