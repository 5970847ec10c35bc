package pipebench

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want float64
	}{
		{"none", nil, 0},
		{"one", []float64{4}, 4},
		{"odd", []float64{9, 1, 5}, 5},
		{"even", []float64{4, 1, 3, 2}, 2.5},
		{"repeated", []float64{2, 2, 7, 2}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			if got := Median(in); got != tt.want {
				t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
			}
			if !slices.Equal(in, tt.in) {
				t.Errorf("Median reordered its input: %v", in)
			}
		})
	}
	if got := Median([]time.Duration{3, 1, 4, 2}); got != 2 {
		t.Errorf("Median of durations 1..4 = %v, want 2 (integer mean of 2 and 3)", got)
	}
}

func TestPercentile(t *testing.T) {
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = 100 - i // 100..1, reversed
	}
	tests := []struct {
		name string
		in   []int
		p    float64
		want int
	}{
		{"none", nil, 50, 0},
		{"one", []int{7}, 99, 7},
		{"p50 of 100", hundred, 50, 50},
		{"p90 of 100", hundred, 90, 90},
		{"p99 of 100", hundred, 99, 99},
		{"p100 is the max", hundred, 100, 100},
		{"p0 is the min", hundred, 0, 1},
		{"above 100 clamps", hundred, 150, 100},
		{"p50 of 4 by nearest rank", []int{4, 1, 3, 2}, 50, 2},
		{"p99 of 10 is the max", []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 99, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.in, tt.p); got != tt.want {
				t.Errorf("Percentile(p%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestRatios(t *testing.T) {
	got := Ratios([]time.Duration{10, 30, 8, 5}, []time.Duration{5, 10, 0})
	if want := []float64{2, 3}; !slices.Equal(got, want) {
		t.Errorf("Ratios = %v, want %v (zero divisor skipped, extra pair dropped)", got, want)
	}
	if r := Ratio(3, 0); r != 0 {
		t.Errorf("Ratio(3, 0) = %v", r)
	}
	if r := Ratio(int64(3), 2); r != 1.5 {
		t.Errorf("Ratio(3, 2) = %v", r)
	}
}

func TestLatencySummary(t *testing.T) {
	lat := make([]time.Duration, 1000)
	for i := range lat {
		lat[i] = time.Duration(1000-i) * time.Microsecond
	}
	p50, p90, p99 := latencySummary(lat)
	if p50 != 500*time.Microsecond || p90 != 900*time.Microsecond || p99 != 990*time.Microsecond {
		t.Errorf("latencySummary = %v %v %v", p50, p90, p99)
	}
	if lat[0] != 1000*time.Microsecond {
		t.Error("latencySummary sorted its input")
	}
}

func TestResult_Summarize(t *testing.T) {
	ms := time.Millisecond
	r := &Result{Case: CaseReads, Params: map[string]int{"n": 10, "reads": 2, "runs": 3}, Notes: []string{"a note"},
		Series: []Series{
			{Binary: Binary{Name: "node"}, Runs: []Run{{Wall: 30 * ms, PeakRSS: 3 << 20}, {Wall: 10 * ms, PeakRSS: 5 << 20}, {Wall: 40 * ms, PeakRSS: 4 << 20}}},
			{Binary: Binary{Name: "cat"}, Floor: true, Runs: []Run{{Wall: 10 * ms, PeakRSS: 1 << 20}, {Wall: 10 * ms, PeakRSS: 1 << 20}, {Wall: 5 * ms, PeakRSS: 2 << 20}}},
		}}
	r.summarize()
	node, cat := r.Summary[0], r.Summary[1]
	// Pairs 3, 1, 8: median 3. Medians 30 ms and 10 ms: 3.
	if node.Median != 30*ms || node.Min != 10*ms || node.Max != 40*ms {
		t.Errorf("node median/min/max = %v %v %v", node.Median, node.Min, node.Max)
	}
	if node.RatioPairs != 3 || node.RatioMedians != 3 {
		t.Errorf("node ratios = %v %v, want 3 3", node.RatioPairs, node.RatioMedians)
	}
	if node.PeakMedian != 4<<20 || node.PeakMax != 5<<20 {
		t.Errorf("node peak = %d %d", node.PeakMedian, node.PeakMax)
	}
	if cat.RatioPairs != 0 || cat.RatioMedians != 0 || cat.Median != 10*ms {
		t.Errorf("cat summary = %+v", cat)
	}

	var b bytes.Buffer
	if err := r.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## reads (n=10, reads=2, runs=3)", "a note", "| node | 30.0 ms | 30.0 ms 10.0 ms 40.0 ms | 3.00 | 3.00 | 4.0 MiB | 5.0 MiB |", "| cat | 10.0 ms |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, b.String())
		}
	}

	rt := &Result{Case: CaseRoundTrip, Series: []Series{
		{Binary: Binary{Name: "node"}, Runs: []Run{{P50: 40, P90: 80, P99: 100}, {P50: 60, P90: 90, P99: 300}}},
		{Binary: Binary{Name: "cat"}, Floor: true, Runs: []Run{{P50: 10, P90: 20, P99: 30}, {P50: 20, P90: 30, P99: 40}}},
	}}
	rt.summarize()
	s := rt.Summary[0]
	if s.P50 != 50 || s.P90 != 85 || s.P99 != 200 || s.Median != 50 {
		t.Errorf("roundtrip percentiles = %+v", s)
	}
	if math.Abs(s.RatioPairs-3.5) > 1e-9 || math.Abs(s.RatioMedians-50.0/15) > 1e-9 {
		t.Errorf("roundtrip ratios = %v %v, want 3.5 and 3.33", s.RatioPairs, s.RatioMedians)
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{12 * time.Second, "12.0 s"},
		{1234 * time.Millisecond, "1.23 s"},
		{123456 * time.Microsecond, "123 ms"},
		{12345 * time.Microsecond, "12.3 ms"},
		{1234 * time.Microsecond, "1.23 ms"},
		{123456 * time.Nanosecond, "123 µs"},
		{12345 * time.Nanosecond, "12.3 µs"},
	}
	for _, tt := range tests {
		if got := FormatDuration(tt.d); got != tt.want {
			t.Errorf("FormatDuration(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
	if got := FormatSize(253_100_000); got != "253.1 MB" {
		t.Errorf("FormatSize = %q", got)
	}
	if got := FormatSize(315); got != "0.3 kB" {
		t.Errorf("FormatSize = %q", got)
	}
	if got := FormatBytes(0); got != "?" {
		t.Errorf("FormatBytes(0) = %q", got)
	}
}
