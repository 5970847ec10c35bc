package cluster

import (
	"fmt"
	"image/color"
	"slices"
	"time"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/maelstrom-gossip/node/bench/procmem"
)

// MemoryResult is the resident memory of every node over the run, read from
// /proc/PID/status every Step seconds from the start of the workload until
// the final reads were answered. It is empty where /proc is missing or
// Options.MemoryInterval is negative.
type MemoryResult struct {
	Step float64 `json:"step_s"`
	// T holds the sample times, seconds since the workload started, and
	// Values how many values had been broadcast (invoked) by then: the
	// size the nodes' sets were heading for.
	T      []float64    `json:"t_s"`
	Values []int        `json:"values"`
	Nodes  []NodeMemory `json:"nodes"`
	// PeakMedian and PeakMax summarize the nodes' Peak, bytes; the node
	// with the largest is PeakNode.
	PeakMedian int64  `json:"peak_median"`
	PeakMax    int64  `json:"peak_max"`
	PeakNode   string `json:"peak_node"`
	// SlopeMedian and SlopeMax summarize the nodes' SecondHalf slopes, MiB
	// per minute; SpreadMax is the largest SecondHalf spread, bytes.
	SlopeMedian float64 `json:"slope_median_mib_per_min"`
	SlopeMax    float64 `json:"slope_max_mib_per_min"`
	SpreadMax   int64   `json:"spread_max"`
	// PerValueMedian is the median of the nodes' PerValue, bytes.
	PerValueMedian float64 `json:"per_value_median"`
}

// NodeMemory is one node's memory over the run.
type NodeMemory struct {
	ID string `json:"id"`
	// RSS is VmRSS at each time of MemoryResult.T, KiB; 0 where no process
	// of the node could be read (killed and not yet restarted).
	RSS []int64 `json:"rss_kib"`
	// Peak is the largest VmHWM read from any process of the node, bytes.
	Peak int64 `json:"peak"`
	// SecondHalf is the trend of RSS over the samples from the middle of the
	// workload on (killed stretches left out).
	SecondHalf MemoryTrend `json:"second_half"`
	// PerValue is the least-squares slope of RSS against
	// MemoryResult.Values over the same samples: bytes of RSS per value
	// broadcast. While the set grows at a steady rate it cannot tell
	// memory that follows the set from memory that follows time; a soak
	// whose set stops growing can.
	PerValue float64 `json:"per_value"`
}

// MemoryTrend is procmem.Trend against time: a window's spread and the
// least-squares slope of RSS.
type MemoryTrend struct {
	From     float64 `json:"from_s"`
	Samples  int     `json:"samples"`
	StartRSS int64   `json:"start_rss"`
	MinRSS   int64   `json:"min_rss"`
	MaxRSS   int64   `json:"max_rss"`
	Spread   int64   `json:"spread"`
	// Slope is in MiB per minute.
	Slope float64 `json:"slope_mib_per_min"`
}

// memSampler reads every node's memory on a ticker. Its fields belong to
// its goroutine until done is closed.
type memSampler struct {
	step time.Duration
	t    []float64
	vals []int
	rss  [][]int64 // by node, KiB
	peak []int64   // by node, bytes
	stop chan struct{}
	done chan struct{}
}

// startMemory starts sampling the members' memory every step from now on;
// stop it with memSampler.finish.
func (c *Cluster) startMemory(step time.Duration) *memSampler {
	s := &memSampler{step: step, rss: make([][]int64, len(c.members)), peak: make([]int64, len(c.members)),
		stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		tk := time.NewTicker(step)
		defer tk.Stop()
		for {
			s.t = append(s.t, float64(c.clk.now()-c.t0.Load())/1e9)
			s.vals = append(s.vals, c.hist.broadcasts())
			for i, m := range c.members {
				var kib int64
				if p := m.current(); !p.exited() {
					if u, ok := procmem.Read(p.cmd.Process.Pid); ok {
						kib = u.RSS >> 10
						s.peak[i] = max(s.peak[i], u.HWM)
					}
				}
				s.rss[i] = append(s.rss[i], kib)
			}
			select {
			case <-s.stop:
				return
			case <-tk.C:
			}
		}
	}()
	return s
}

// finish stops the sampler and returns what it read; half is the time
// (s since the workload started) from which SecondHalf is fitted.
func (s *memSampler) finish(ids []string, half float64) MemoryResult {
	close(s.stop)
	<-s.done
	res := MemoryResult{Step: s.step.Seconds(), T: s.t, Values: s.vals, Nodes: make([]NodeMemory, len(ids))}
	var peaks []int64
	var slopes, perValue []float64
	for i, id := range ids {
		nm := NodeMemory{ID: id, RSS: s.rss[i], Peak: s.peak[i]}
		var pts []procmem.Point
		for k, kib := range s.rss[i] {
			if kib > 0 {
				pts = append(pts, procmem.Point{X: s.t[k] / 60, RSS: kib << 10})
			}
		}
		var byValue []procmem.Point
		for k, kib := range s.rss[i] {
			if kib > 0 && k < len(s.vals) {
				byValue = append(byValue, procmem.Point{X: float64(s.vals[k]), RSS: kib << 10})
			}
		}
		if k := firstAtOrAfter(s.t, half); k < len(s.vals) {
			if tr, err := procmem.Fit(byValue, float64(s.vals[k])); err == nil {
				nm.PerValue = tr.Slope * procmem.MiB
				perValue = append(perValue, nm.PerValue)
			}
		}
		if tr, err := procmem.Fit(pts, half/60); err == nil {
			nm.SecondHalf = MemoryTrend{From: half, Samples: tr.Samples, StartRSS: tr.StartRSS, MinRSS: tr.MinRSS,
				MaxRSS: tr.MaxRSS, Spread: tr.Spread, Slope: tr.Slope}
			slopes = append(slopes, tr.Slope)
			res.SpreadMax = max(res.SpreadMax, tr.Spread)
		}
		if nm.Peak > res.PeakMax {
			res.PeakMax, res.PeakNode = nm.Peak, id
		}
		peaks = append(peaks, nm.Peak)
		res.Nodes[i] = nm
	}
	slices.Sort(peaks)
	slices.Sort(slopes)
	if len(peaks) > 0 {
		res.PeakMedian = peaks[len(peaks)/2]
	}
	if len(slopes) > 0 {
		res.SlopeMedian, res.SlopeMax = slopes[len(slopes)/2], slopes[len(slopes)-1]
	}
	if len(perValue) > 0 {
		slices.Sort(perValue)
		res.PerValueMedian = perValue[len(perValue)/2]
	}
	return res
}

// firstAtOrAfter returns the index of the first time in ts (ascending) at or
// after t, or len(ts).
func firstAtOrAfter(ts []float64, t float64) int {
	k, _ := slices.BinarySearch(ts, t)
	return k
}

var (
	colorNodeRSS   = color.NRGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0x50}
	colorMedianRSS = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	colorMaxRSS    = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
)

// plotMemory draws every node's resident memory over time, thin and
// translucent, with the median and the maximum across nodes at each sample.
func plotMemory(res *Result, path string) error {
	mem := &res.Memory
	if len(mem.T) == 0 {
		return fmt.Errorf("cluster: no memory samples to plot")
	}
	p := newPlot(fmt.Sprintf("Node resident memory (%d nodes, %g req/s, %d values broadcast)",
		res.Config.NodeCount, res.Config.Rate, res.Workload.AttemptCount),
		"time (s since workload start)", "VmRSS (MiB)")
	ymax := 1.0
	median := make(plotter.XYs, 0, len(mem.T))
	top := make(plotter.XYs, 0, len(mem.T))
	col := make([]int64, 0, len(mem.Nodes))
	for k, t := range mem.T {
		col = col[:0]
		for _, nm := range mem.Nodes {
			if nm.RSS[k] > 0 {
				col = append(col, nm.RSS[k])
			}
		}
		if len(col) == 0 {
			continue
		}
		slices.Sort(col)
		median = append(median, plotter.XY{X: t, Y: float64(col[len(col)/2]) / 1024})
		top = append(top, plotter.XY{X: t, Y: float64(col[len(col)-1]) / 1024})
		ymax = max(ymax, float64(col[len(col)-1])/1024)
	}
	ymax *= 1.1
	if err := shadePhases(p, res, ymax); err != nil {
		return err
	}
	for i, nm := range mem.Nodes {
		var pts plotter.XYs
		for k, kib := range nm.RSS {
			if kib > 0 {
				pts = append(pts, plotter.XY{X: mem.T[k], Y: float64(kib) / 1024})
			}
		}
		if len(pts) == 0 {
			continue
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		l.LineStyle.Color, l.LineStyle.Width = colorNodeRSS, vg.Points(0.6)
		p.Add(l)
		if i == 0 {
			p.Legend.Add("each node", l)
		}
	}
	for _, s := range []struct {
		name string
		pts  plotter.XYs
		c    color.Color
	}{{"median across nodes", median, colorMedianRSS}, {"largest node", top, colorMaxRSS}} {
		if len(s.pts) == 0 {
			continue
		}
		l, err := plotter.NewLine(s.pts)
		if err != nil {
			return err
		}
		l.LineStyle.Color, l.LineStyle.Width = s.c, vg.Points(1.6)
		p.Add(l)
		p.Legend.Add(s.name, l)
	}
	p.Legend.Top = false
	p.Y.Max = ymax
	return p.Save(10*vg.Inch, 5*vg.Inch, path)
}
