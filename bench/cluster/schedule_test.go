package cluster

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestParseRateSchedule(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []RatePhase
		err  error
	}{
		{"two phases", "5000:60,100:30", []RatePhase{{5000, time.Minute}, {100, 30 * time.Second}}, nil},
		{"spaces and fractions", " 10 : 0.5 , 2.5:1.25 ", []RatePhase{{10, 500 * time.Millisecond}, {2.5, 1250 * time.Millisecond}}, nil},
		{"go durations", "100:1m30s,0:500ms,1:2", []RatePhase{{100, 90 * time.Second}, {0, 500 * time.Millisecond}, {1, 2 * time.Second}}, nil},
		{"one phase", "7:3", []RatePhase{{7, 3 * time.Second}}, nil},
		{"empty", "", nil, ErrBadRateSchedule},
		{"no colon", "5000", nil, ErrBadRateSchedule},
		{"empty phase", "5000:60,", nil, ErrBadRateSchedule},
		{"bad rate", "fast:60", nil, ErrBadRateSchedule},
		{"negative rate", "-1:60", nil, ErrBadRateSchedule},
		{"infinite rate", "inf:60", nil, ErrBadRateSchedule},
		{"bad duration", "10:soon", nil, ErrBadRateSchedule},
		{"zero duration", "10:0", nil, ErrBadRateSchedule},
		{"negative duration", "10:-5", nil, ErrBadRateSchedule},
		{"all quiet", "0:5,0:5", nil, ErrBadRateSchedule},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseRateSchedule(tt.in)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if err == nil {
				back, err := ParseRateSchedule(FormatRateSchedule(got))
				if err != nil || !slices.Equal(back, got) {
					t.Errorf("round trip through %q: %v, %v", FormatRateSchedule(got), back, err)
				}
			}
		})
	}
}

func TestOptions_RateSchedule(t *testing.T) {
	flood := testNode("flood")
	sched := []RatePhase{{300, 2 * time.Second}, {100, 6 * time.Second}}
	tests := []struct {
		name string
		opts Options
		err  error
	}{
		{"schedule alone", Options{Bin: flood, RateSchedule: sched}, nil},
		{"matching rate and limit", Options{Bin: flood, RateSchedule: sched, Rate: 150, TimeLimit: 8 * time.Second}, nil},
		{"with a rate", Options{Bin: flood, RateSchedule: sched, Rate: 100}, ErrBadRateSchedule},
		{"with a time limit", Options{Bin: flood, RateSchedule: sched, TimeLimit: time.Minute}, ErrBadRateSchedule},
		{"bad phase", Options{Bin: flood, RateSchedule: []RatePhase{{10, 0}}}, ErrBadRateSchedule},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := New(tt.opts)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			o := c.Options()
			if o.TimeLimit != 8*time.Second || o.Rate != 150 {
				t.Errorf("time limit %v, rate %v; want the schedule's 8s and mean 150", o.TimeLimit, o.Rate)
			}
			// Filled options pass again.
			if _, err := New(o); err != nil {
				t.Errorf("filled options rejected: %v", err)
			}
			if cfg := c.config(); len(cfg.RateSchedule) != 2 || cfg.RateSchedule[1] != (RatePhaseConfig{Rate: 100, Seconds: 6}) {
				t.Errorf("config schedule %+v", cfg.RateSchedule)
			}
		})
	}
}

// TestRatePlan_OnePhaseIsFixedRate checks that a plan of one phase gives
// exactly the times the fixed-rate generator gave: next += u·2·gap.
func TestRatePlan_OnePhaseIsFixedRate(t *testing.T) {
	const rate = 137.0
	plan := newRatePlan(1000, nil, rate, 20*time.Second)
	r1, r2 := rand.New(rand.NewPCG(4, 4)), rand.New(rand.NewPCG(4, 4))
	gap := float64(time.Second) / rate
	old, next := int64(1000), plan.advance(1000, 0)
	for range 100000 {
		old += int64(r1.Float64() * 2 * gap)
		next = plan.advance(next, r2.Float64()*2)
		if next != old {
			t.Fatalf("advance gave %d, the fixed rate %d", next, old)
		}
	}
	if next <= plan.ends[0] {
		t.Fatal("the test did not reach past the plan's end")
	}
}

func TestRatePlan_Advance(t *testing.T) {
	s := int64(time.Second)
	// 10/s for 1 s, quiet for 1 s, 100/s for 1 s, 1/s to the end.
	plan := newRatePlan(0, []RatePhase{{10, time.Second}, {0, time.Second}, {100, time.Second}, {1, time.Second}}, 0, 0)
	tests := []struct {
		name string
		t    int64
		w    float64
		want int64
	}{
		{"within the first phase", 0, 2, s / 5},
		{"to the first boundary", 0, 10, s},
		{"across the quiet phase", s / 2, 10, 2*s + s/20},
		{"skip the quiet phase", s + s/3, 0, 2 * s},
		{"no skip in a busy phase", s / 3, 0, s / 3},
		{"past the end at the last rate", 3 * s, 3, 6 * s},
		{"from past the end", 7 * s, 1, 8 * s},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := plan.advance(tt.t, tt.w); math.Abs(float64(got-tt.want)) > 2 {
				t.Errorf("advance(%v, %v) = %v, want %v", time.Duration(tt.t), tt.w, time.Duration(got), time.Duration(tt.want))
			}
		})
	}
}

// TestRatePlan_StaggerFollowsSchedule draws the generator's gaps over a
// schedule and counts the operations in each phase: about rate·duration,
// none in the quiet phase.
func TestRatePlan_StaggerFollowsSchedule(t *testing.T) {
	sched := []RatePhase{{100, 20 * time.Second}, {2000, 5 * time.Second}, {0, 5 * time.Second}, {100, 20 * time.Second}}
	plan := newRatePlan(0, sched, 0, 0)
	rng := rand.New(rand.NewPCG(9, 9))
	counts := make([]int, len(sched))
	for next := plan.advance(0, 0); next < plan.ends[len(plan.ends)-1]; next = plan.advance(next, rng.Float64()*2) {
		counts[plan.phaseAt(next)]++
	}
	for i, ph := range sched {
		want := ph.Rate * ph.Duration.Seconds()
		// The stagger's count has a standard deviation of about
		// sqrt(want/3); allow five.
		if tol := 5*math.Sqrt(want/3) + 1; math.Abs(float64(counts[i])-want) > tol {
			t.Errorf("phase %d at %v/s: %d operations, want %v ± %.0f", i+1, ph.Rate, counts[i], want, tol)
		}
	}
}

func TestRatePhaseResults(t *testing.T) {
	ms := int64(time.Millisecond)
	sched := []RatePhase{{100, 2 * time.Second}, {1000, time.Second}, {100, 2 * time.Second}}
	values := []ValueResult{
		{Value: 0, Outcome: Stable, Known: true, KnownTime: 100 * ms, StableLatency: 10},
		{Value: 1, Outcome: Stable, Known: true, KnownTime: 1999 * ms, StableLatency: 30},
		{Value: 2, Outcome: Stable, Known: true, KnownTime: 2000 * ms, StableLatency: 500},
		{Value: 3, Outcome: Lost, Known: true, KnownTime: 2500 * ms, LostLatency: 7},
		{Value: 4, Outcome: Stable, Known: true, KnownTime: 2999 * ms, StableLatency: 900},
		{Value: 5, Outcome: NeverRead},
		{Value: 6, Outcome: Stable, Known: true, KnownTime: 4000 * ms, StableLatency: 40},
		// Known after the workload: the last phase's.
		{Value: 7, Outcome: Stable, Known: true, KnownTime: 6000 * ms, StableLatency: 20},
	}
	marks := []cpuMark{{1, true}, {1.5, true}, {3.5, true}, {3.75, false}}
	got := ratePhaseResults(sched, []int{200, 1000, 150}, []int{199, 900, 150}, values, marks)
	want := []RatePhaseResult{
		{Start: 0, End: 2, Rate: 100, Ops: 200, OKOps: 199, OpsPerSec: 100, Values: 2, StableCount: 2,
			StableMedianMs: 30, StableP99Ms: 30, StableMaxMs: 30, NodeCPU: 0.5, NodeCPUPerOp: 2500, CPUSampled: true},
		{Start: 2, End: 3, Rate: 1000, Ops: 1000, OKOps: 900, OpsPerSec: 1000, Values: 3, StableCount: 2, LostCount: 1,
			StableMedianMs: 900, StableP99Ms: 900, StableMaxMs: 900, NodeCPU: 2, NodeCPUPerOp: 2000, CPUSampled: true},
		{Start: 3, End: 5, Rate: 100, Ops: 150, OKOps: 150, OpsPerSec: 75, Values: 2, StableCount: 2,
			StableMedianMs: 40, StableP99Ms: 40, StableMaxMs: 40},
	}
	if !slices.Equal(got, want) {
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("phase %d:\n got %+v\nwant %+v", i+1, got[i], want[i])
			}
		}
	}
	// A run cut short has no marks past its end.
	if got := ratePhaseResults(sched, nil, nil, nil, marks[:1]); got[0].CPUSampled || got[0].Ops != 0 {
		t.Errorf("no marks: %+v", got[0])
	}
}
