package cluster

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

var (
	colorStable    = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	colorLost      = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	colorRate      = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
	colorPartition = color.NRGBA{R: 0xe9, G: 0xc8, B: 0x60, A: 0x60}
	colorPause     = color.NRGBA{R: 0x60, G: 0x9c, B: 0xe9, A: 0x50}
	colorKill      = color.NRGBA{R: 0xe9, G: 0x60, B: 0x60, A: 0x50}
	colorCatchUp   = color.NRGBA{R: 0xe9, G: 0x60, B: 0x60, A: 0x20}
	colorRecovery  = color.NRGBA{R: 0xa0, G: 0xa0, B: 0xa0, A: 0x40}
	colorRatePhase = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
)

// shade adds a translucent band from x0 to x1 over the y range [0, ymax].
func shade(p *plot.Plot, x0, x1, ymax float64, c color.Color) error {
	poly, err := plotter.NewPolygon(plotter.XYs{{X: x0, Y: 0}, {X: x1, Y: 0}, {X: x1, Y: ymax}, {X: x0, Y: ymax}})
	if err != nil {
		return err
	}
	poly.Color = c
	poly.LineStyle.Width = 0
	p.Add(poly)
	return nil
}

// shadePhases marks the faults (partitions, paused nodes, killed nodes
// until their restart, then until they caught up) and the recovery period.
func shadePhases(p *plot.Plot, res *Result, ymax float64) error {
	colors := map[string]color.Color{"partition": colorPartition, "pause": colorPause, "kill": colorKill}
	labels := map[string]string{"partition": "partition", "pause": "node paused", "kill": "node killed"}
	seen := map[string]bool{}
	for _, ev := range res.Nemesis {
		col, ok := colors[ev.Fault]
		if !ok {
			col = colorPartition
		}
		if err := shade(p, ev.Start, ev.End, ymax, col); err != nil {
			return err
		}
		if !seen[ev.Fault] {
			seen[ev.Fault] = true
			p.Legend.Add(labels[ev.Fault], legendBox{col})
		}
	}
	for _, rr := range res.Restarts {
		end := rr.CatchUp
		if rr.Error != "" || !rr.CaughtUp || end <= 0 {
			continue
		}
		if err := shade(p, rr.RestartS, rr.RestartS+end, ymax, colorCatchUp); err != nil {
			return err
		}
		if !seen["catch-up"] {
			seen["catch-up"] = true
			p.Legend.Add("restarted node catching up", legendBox{colorCatchUp})
		}
	}
	if res.Phases.Recovery > 0 {
		w := res.Phases.Workload
		if err := shade(p, w, w+res.Phases.Recovery, ymax, colorRecovery); err != nil {
			return err
		}
		p.Legend.Add("recovery", legendBox{colorRecovery})
	}
	return nil
}

// markRatePhases draws the boundaries of a rate schedule's phases as dashed
// vertical lines and writes each phase's rate at the top of its span; it
// does nothing without a schedule.
func markRatePhases(p *plot.Plot, res *Result, ymax float64) error {
	if len(res.RatePhases) < 2 {
		return nil
	}
	var labels plotter.XYLabels
	for i, ph := range res.RatePhases {
		labels.XYs = append(labels.XYs, plotter.XY{X: ph.Start, Y: ymax})
		labels.Labels = append(labels.Labels, fmt.Sprintf(" %g req/s", ph.Rate))
		if i == 0 {
			continue
		}
		l, err := plotter.NewLine(plotter.XYs{{X: ph.Start, Y: 0}, {X: ph.Start, Y: ymax}})
		if err != nil {
			return err
		}
		l.LineStyle.Color = colorRatePhase
		l.LineStyle.Width = vg.Points(1)
		l.LineStyle.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		p.Add(l)
		if i == 1 {
			p.Legend.Add("rate phase boundary", l)
		}
	}
	lb, err := plotter.NewLabels(labels)
	if err != nil {
		return err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Color = colorRatePhase
		lb.TextStyle[i].YAlign = draw.YTop
	}
	p.Add(lb)
	return nil
}

// legendBox is a filled square for legends.
type legendBox struct{ c color.Color }

// Thumbnail draws the legend entry, implementing plot.Thumbnailer.
func (b legendBox) Thumbnail(c *draw.Canvas) {
	pts := []vg.Point{{X: c.Min.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Min.Y}, {X: c.Max.X, Y: c.Max.Y}, {X: c.Min.X, Y: c.Max.Y}}
	c.FillPolygon(b.c, c.ClipPolygonXY(pts))
}

func newPlot(title, x, y string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = x
	p.Y.Label.Text = y
	p.X.Min = 0
	p.Y.Min = 0
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	return p
}

// rateTitle describes the request rate for a plot's title.
func rateTitle(c *Config) string {
	if len(c.RateSchedule) > 0 {
		return "rate schedule " + rateScheduleText(c.RateSchedule)
	}
	return fmt.Sprintf("%g req/s", c.Rate)
}

// plotStableLatency draws each value's stable latency against the time it
// became known; lost values are drawn in red at their lost latency.
func plotStableLatency(res *Result, path string) error {
	p := newPlot(fmt.Sprintf("Stable latency per value (%d nodes, %s, %s)",
		res.Config.NodeCount, res.Config.Topology, rateTitle(&res.Config)),
		"time the value was acknowledged (s since workload start)", "stable latency (ms)")
	var stable, lost plotter.XYs
	ymax := 1.0
	for _, v := range res.Workload.Values() {
		if !v.Known {
			continue
		}
		x := float64(v.KnownTime) / 1e9
		switch v.Outcome {
		case Stable:
			stable = append(stable, plotter.XY{X: x, Y: float64(v.StableLatency)})
			ymax = max(ymax, float64(v.StableLatency))
		case Lost:
			lost = append(lost, plotter.XY{X: x, Y: float64(v.LostLatency)})
			ymax = max(ymax, float64(v.LostLatency))
		}
	}
	ymax *= 1.05
	if err := shadePhases(p, res, ymax); err != nil {
		return err
	}
	if err := markRatePhases(p, res, ymax); err != nil {
		return err
	}
	if len(stable) > 0 {
		s, err := plotter.NewScatter(stable)
		if err != nil {
			return err
		}
		s.GlyphStyle.Color = colorStable
		s.GlyphStyle.Radius = vg.Points(1.5)
		s.GlyphStyle.Shape = draw.CircleGlyph{}
		p.Add(s)
		p.Legend.Add(fmt.Sprintf("stable (%d)", len(stable)), s)
	}
	if len(lost) > 0 {
		s, err := plotter.NewScatter(lost)
		if err != nil {
			return err
		}
		s.GlyphStyle.Color = colorLost
		s.GlyphStyle.Radius = vg.Points(3)
		s.GlyphStyle.Shape = draw.CrossGlyph{}
		p.Add(s)
		p.Legend.Add(fmt.Sprintf("lost (%d, at lost latency)", len(lost)), s)
	}
	p.Y.Max = ymax
	return p.Save(10*vg.Inch, 5*vg.Inch, path)
}

// plotServerRate draws server-to-server messages per second over time.
func plotServerRate(res *Result, path string) error {
	p := newPlot(fmt.Sprintf("Server messages per second (%d nodes, %s, %.1f msgs/op)",
		res.Config.NodeCount, res.Config.Topology, res.Net.Servers.MsgsPerOp),
		"time (s since workload start)", "server messages sent per second")
	// Runs longer than ten seconds are drawn in one-second averages.
	step, k := res.SeriesStep, 1
	if n := len(res.ServerMsgRate); float64(n)*step > 10 && step < 1 {
		k = int(1/step + 0.5)
		step *= float64(k)
	}
	pts := make(plotter.XYs, 0, len(res.ServerMsgRate)/k+1)
	ymax := 1.0
	for i := 0; i < len(res.ServerMsgRate); i += k {
		sum, m := 0.0, 0
		for _, r := range res.ServerMsgRate[i:min(i+k, len(res.ServerMsgRate))] {
			sum += r
			m++
		}
		mid := (float64(i) + float64(m)/2) * res.SeriesStep
		pts = append(pts, plotter.XY{X: mid, Y: sum / float64(m)})
		ymax = max(ymax, sum/float64(m))
	}
	ymax *= 1.05
	if err := shadePhases(p, res, ymax); err != nil {
		return err
	}
	if err := markRatePhases(p, res, ymax); err != nil {
		return err
	}
	if len(pts) > 0 {
		l, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		l.LineStyle.Color = colorRate
		l.LineStyle.Width = vg.Points(1.2)
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("mean over %gs", step), l)
	}
	p.Y.Max = ymax
	return p.Save(10*vg.Inch, 4*vg.Inch, path)
}
