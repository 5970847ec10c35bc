package tradeoff

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// jitterSeries is one base variant of a jitter sweep, as drawn: its
// summaries' medians and every run's figures, x in milliseconds of jitter.
type jitterSeries struct {
	name                 string
	color                color.RGBA
	med, max, msgs       plotter.XYs
	runMed, runMax, runs plotter.XYs
}

// jitterSeriesOf groups a sweep's summaries by base variant, in the order
// the bases first appear.
func (r *Result) jitterSeriesOf() []*jitterSeries {
	var out []*jitterSeries
	byName := map[string]*jitterSeries{}
	for _, s := range r.Variants {
		base := s.Base
		if base == "" {
			base = s.Name
		}
		g := byName[base]
		if g == nil {
			g = &jitterSeries{name: base, color: palette[len(out)%len(palette)]}
			byName[base] = g
			out = append(out, g)
		}
		x := float64(s.Bench.Jitter) / 1e6
		if s.Ran > 0 {
			g.msgs = append(g.msgs, plotter.XY{X: x, Y: s.MsgsPerOp})
		}
		if s.LatencyRuns > 0 {
			g.med = append(g.med, plotter.XY{X: x, Y: s.MedianMs})
			g.max = append(g.max, plotter.XY{X: x, Y: s.MaxMs})
		}
		for _, run := range s.Runs {
			if run.Ran {
				g.runs = append(g.runs, plotter.XY{X: x, Y: run.MsgsPerOp})
			}
			if run.hasLatency() {
				g.runMed = append(g.runMed, plotter.XY{X: x, Y: run.MedianMs})
				g.runMax = append(g.runMax, plotter.XY{X: x, Y: run.MaxMs})
			}
		}
	}
	return out
}

// faint returns c translucent, for the figures of single runs.
func faint(c color.RGBA) color.NRGBA { return color.NRGBA{R: c.R, G: c.G, B: c.B, A: 0x70} }

// writeJitterPlot draws a jitter sweep to a PNG file of PlotWidth x
// PlotHeight pixels, in two panels over the same jitter axis: stable
// latency on top (for each base variant the median over its runs as
// circles joined by a solid line, the maximum as triangles joined by a
// dashed one) and messages per operation below (squares); every run's own
// figures are drawn faint behind them, and dashed lines mark the goal.
func (r *Result) writeJitterPlot(path string) error {
	series := r.jitterSeriesOf()
	g := r.Goal
	xlo, xhi, ylat, ymsgs := 0.0, 1.0, max(g.MaxMs, g.MedianMs, 1), max(g.MsgsPerOp, 0.1)
	for _, s := range series {
		for _, xys := range []plotter.XYs{s.msgs, s.runs, s.runMed, s.runMax} {
			for _, p := range xys {
				xhi = max(xhi, p.X)
			}
		}
		for _, p := range s.runMax {
			ylat = max(ylat, p.Y)
		}
		for _, p := range s.max {
			ylat = max(ylat, p.Y)
		}
		for _, p := range s.runs {
			ymsgs = max(ymsgs, p.Y)
		}
	}
	pad := (xhi - xlo) * 0.04
	xlo, xhi = xlo-pad, xhi+pad
	ylat *= 1.08
	ymsgs *= 1.15

	runs := "1 run"
	if r.Config.Runs != 1 {
		runs = fmt.Sprintf("medians of %d runs", r.Config.Runs)
	}
	top := plot.New()
	top.Title.Text = fmt.Sprintf("Stable latency and messages per operation vs jitter\n%d nodes, %s, %s ms latency + uniform [0, jitter], %s req/s, %s s; %s",
		r.Config.NodeCount, r.Config.Topology, fmtNum(r.Config.Latency), fmtNum(r.Config.Rate), fmtNum(r.Config.TimeLimit), runs)
	top.Title.TextStyle.Font.Size = vg.Points(13)
	top.Title.Padding = vg.Points(8)
	top.Y.Label.Text = "stable latency (ms)"
	bottom := plot.New()
	bottom.Y.Label.Text = "msgs per op"
	bottom.X.Label.Text = "jitter (ms): each server message's extra delay is uniform in [0, jitter]"
	for _, p := range []*plot.Plot{top, bottom} {
		p.X.Tick.Marker = linearTicks{}
		p.Y.Tick.Marker = linearTicks{}
		p.X.Min, p.X.Max = xlo, xhi
		p.Y.Min = 0
		p.Add(plotter.NewGrid())
	}
	top.Y.Max, bottom.Y.Max = ylat, ymsgs

	dashed := func(p *plot.Plot, y float64, c color.Color) (*plotter.Line, error) {
		l, err := plotter.NewLine(plotter.XYs{{X: xlo, Y: y}, {X: xhi, Y: y}})
		if err != nil {
			return nil, err
		}
		l.Color, l.Width, l.Dashes = c, vg.Points(1.2), []vg.Length{vg.Points(6), vg.Points(4)}
		p.Add(l)
		return l, nil
	}
	goalMed, err := dashed(top, g.MedianMs, colorGoalMedian)
	if err != nil {
		return err
	}
	goalMax, err := dashed(top, g.MaxMs, colorGoalMax)
	if err != nil {
		return err
	}
	goalMsgs, err := dashed(bottom, g.MsgsPerOp, colorGoalMsgs)
	if err != nil {
		return err
	}

	scatter := func(p *plot.Plot, xys plotter.XYs, shape draw.GlyphDrawer, radius vg.Length, c color.Color) error {
		if len(xys) == 0 {
			return nil
		}
		s, err := plotter.NewScatter(xys)
		if err != nil {
			return err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: radius, Shape: shape}
		p.Add(s)
		return nil
	}
	line := func(p *plot.Plot, xys plotter.XYs, c color.Color, dashes []vg.Length) error {
		if len(xys) < 2 {
			return nil
		}
		l, err := plotter.NewLine(xys)
		if err != nil {
			return err
		}
		l.Color, l.Width, l.Dashes = c, vg.Points(1.4), dashes
		p.Add(l)
		return nil
	}
	for _, s := range series {
		for _, step := range []error{
			scatter(top, s.runMed, draw.CircleGlyph{}, vg.Points(2.2), faint(s.color)),
			scatter(top, s.runMax, draw.PyramidGlyph{}, vg.Points(2.5), faint(s.color)),
			scatter(bottom, s.runs, draw.BoxGlyph{}, vg.Points(2), faint(s.color)),
			line(top, s.med, s.color, nil),
			line(top, s.max, s.color, []vg.Length{vg.Points(4), vg.Points(3)}),
			line(bottom, s.msgs, s.color, nil),
			scatter(top, s.med, draw.CircleGlyph{}, vg.Points(4), s.color),
			scatter(top, s.max, draw.PyramidGlyph{}, vg.Points(4.5), s.color),
			scatter(bottom, s.msgs, draw.BoxGlyph{}, vg.Points(3.5), s.color),
		} {
			if step != nil {
				return step
			}
		}
	}

	leg := plot.NewLegend()
	leg.Top, leg.Left = true, true
	leg.TextStyle.Font.Size = vg.Points(10)
	leg.ThumbnailWidth = vg.Points(22)
	leg.Padding = vg.Points(5)
	thumb := func(shape draw.GlyphDrawer, radius vg.Length, c color.Color) (*plotter.Scatter, error) {
		s, err := plotter.NewScatter(plotter.XYs{{}})
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: radius, Shape: shape}
		return s, nil
	}
	for _, e := range []struct {
		label  string
		shape  draw.GlyphDrawer
		radius vg.Length
		c      color.Color
	}{
		{"median stable latency", draw.CircleGlyph{}, 4, color.Black},
		{"max stable latency", draw.PyramidGlyph{}, 4.5, color.Black},
		{"msgs per op", draw.BoxGlyph{}, 3.5, color.Black},
		{"each run (faint)", draw.CircleGlyph{}, 2.2, color.NRGBA{A: 0x70}},
	} {
		t, err := thumb(e.shape, vg.Points(float64(e.radius)), e.c)
		if err != nil {
			return err
		}
		leg.Add(e.label, t)
	}
	leg.Add(fmt.Sprintf("goal: median %s ms", fmtNum(g.MedianMs)), goalMed)
	leg.Add(fmt.Sprintf("goal: max %s ms", fmtNum(g.MaxMs)), goalMax)
	leg.Add(fmt.Sprintf("goal: %s msgs/op", fmtNum(g.MsgsPerOp)), goalMsgs)
	for _, s := range series {
		l, err := plotter.NewLine(plotter.XYs{{}, {X: 1}})
		if err != nil {
			return err
		}
		l.Color, l.Width = s.color, vg.Points(3)
		leg.Add(s.name, l)
	}

	w := vg.Length(PlotWidth) * vg.Inch / plotDPI
	h := vg.Length(PlotHeight) * vg.Inch / plotDPI
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(plotDPI))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	margin := vg.Points(8)
	legW := leg.Rectangle(dc).Size().X + margin
	left := draw.Crop(dc, 0, -legW-margin, 0, 0)
	tiles := draw.Tiles{Rows: 2, Cols: 1, PadY: vg.Points(10), PadBottom: margin, PadTop: margin, PadLeft: margin}
	cs := plot.Align([][]*plot.Plot{{top}, {bottom}}, tiles, left)
	top.Draw(cs[0][0])
	bottom.Draw(cs[1][0])
	titleH := top.Title.TextStyle.Rectangle(top.Title.Text).Size().Y + top.Title.Padding + 2*margin
	leg.Draw(draw.Crop(dc, dc.Size().X-legW, -margin, 0, -titleH))
	return savePNG(img, path)
}
