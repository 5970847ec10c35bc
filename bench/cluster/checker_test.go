package cluster

import (
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
