package cluster

import (
	"math"
	"testing"
	"time"
)

// TestMemSampler_Finish checks the summary of synthetic readings: a node
// growing 1 MiB a minute, a flat one, and one killed for a stretch (its
// zero readings must not drag its fit down).
func TestMemSampler_Finish(t *testing.T) {
	s := &memSampler{step: 10 * time.Second, stop: make(chan struct{}), done: make(chan struct{})}
	close(s.done)
	const mib = 1024 // KiB
	s.rss = make([][]int64, 3)
	for k := range 13 { // 0 to 120 s
		ts := float64(k) * 10
		s.t = append(s.t, ts)
		s.vals = append(s.vals, k*100) // 10 values a second
		s.rss[0] = append(s.rss[0], int64(20*mib+ts/60*mib))
		s.rss[1] = append(s.rss[1], 30*mib)
		killed := int64(40 * mib)
		if k == 8 || k == 9 {
			killed = 0
		}
		s.rss[2] = append(s.rss[2], killed)
	}
	s.peak = []int64{25 << 20, 31 << 20, 41 << 20}
	res := s.finish([]string{"n0", "n1", "n2"}, 60)
	if res.Step != 10 || len(res.T) != 13 || len(res.Nodes) != 3 {
		t.Fatalf("%+v", res)
	}
	if res.PeakMax != 41<<20 || res.PeakNode != "n2" || res.PeakMedian != 31<<20 {
		t.Errorf("peaks: median %d max %d on %s", res.PeakMedian, res.PeakMax, res.PeakNode)
	}
	grow := res.Nodes[0].SecondHalf
	if grow.Samples != 7 || grow.From != 60 || math.Abs(grow.Slope-1) > 1e-3 || grow.Spread != 1<<20 {
		t.Errorf("growing node: %+v", grow)
	}
	// 1 MiB a minute at 10 values a second: 1 MiB per 600 values.
	if got := res.Nodes[0].PerValue; math.Abs(got-float64(1<<20)/600) > 1 { // KiB readings round
		t.Errorf("growing node: %v bytes per value, want %v", got, float64(1<<20)/600)
	}
	if res.Nodes[1].PerValue != 0 || res.PerValueMedian != 0 {
		t.Errorf("flat node: %v bytes per value, median %v", res.Nodes[1].PerValue, res.PerValueMedian)
	}
	if k := res.Nodes[2].SecondHalf; k.Samples != 5 || k.Slope != 0 || k.MinRSS != 40<<20 {
		t.Errorf("killed node: %+v", k)
	}
	if math.Abs(res.SlopeMax-1) > 1e-3 || res.SlopeMedian != 0 || res.SpreadMax != 1<<20 {
		t.Errorf("summary: slope median %v max %v, spread max %d", res.SlopeMedian, res.SlopeMax, res.SpreadMax)
	}
}
