package tradeoff

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// The plot is PlotWidth x PlotHeight pixels at plotDPI.
const (
	PlotWidth  = 900
	PlotHeight = 600
	plotDPI    = 96
)

// palette holds dark, distinct colours that stay readable as label text on
// white; variants beyond its length reuse it.
var palette = []color.RGBA{
	{R: 0x1f, G: 0x5f, B: 0xbf, A: 0xff}, // blue
	{R: 0xc8, G: 0x3a, B: 0x3a, A: 0xff}, // red
	{R: 0x2e, G: 0x8b, B: 0x57, A: 0xff}, // green
	{R: 0x8e, G: 0x44, B: 0xad, A: 0xff}, // purple
	{R: 0xd9, G: 0x73, B: 0x00, A: 0xff}, // orange
	{R: 0x00, G: 0x83, B: 0x8f, A: 0xff}, // teal
	{R: 0x7a, G: 0x55, B: 0x30, A: 0xff}, // brown
	{R: 0xc2, G: 0x18, B: 0x7a, A: 0xff}, // magenta
	{R: 0x45, G: 0x55, B: 0x65, A: 0xff}, // slate
	{R: 0x6b, G: 0x8e, B: 0x23, A: 0xff}, // olive
}

var (
	colorGoalMsgs   = color.RGBA{R: 0x55, G: 0x55, B: 0x55, A: 0xff}
	colorGoalMedian = color.RGBA{R: 0x1b, G: 0x7a, B: 0x3a, A: 0xff}
	colorGoalMax    = color.RGBA{R: 0xb0, G: 0x5a, B: 0x00, A: 0xff}
	colorGoalInner  = color.NRGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0x30}
	colorGoalOuter  = color.NRGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0x14}
	colorLabelBack  = color.NRGBA{R: 0xff, G: 0xff, B: 0xff, A: 0xc8}
)

// point is one variant as drawn.
type point struct {
	x, med, max float64
	label       string
	color       color.Color
}

// WritePlot draws the sweep to a PNG file of PlotWidth x PlotHeight pixels:
// for each variant, messages per operation (log scale) against its median
// stable latency (a filled circle) and its maximum (a triangle), joined by
// a thin line and labelled with the variant's name; dashed lines and a
// shaded box mark the goal. Variants without stable latencies are left out.
// A jitter sweep (Result.Sweep) is drawn by writeJitterPlot instead.
func (r *Result) WritePlot(path string) error {
	if r.Sweep == SweepJitter {
		return r.writeJitterPlot(path)
	}
	var pts []point
	for i, s := range r.Variants {
		if s.Ran == 0 || s.LatencyRuns == 0 || s.MsgsPerOp <= 0 {
			continue
		}
		label := s.Name
		if s.ValidRuns < len(s.Runs) {
			label += fmt.Sprintf(" (%d/%d valid)", s.ValidRuns, len(s.Runs))
		}
		pts = append(pts, point{x: s.MsgsPerOp, med: s.MedianMs, max: s.MaxMs, label: label, color: palette[i%len(palette)]})
	}
	g := r.Goal

	// Ranges: room around the points and the goal, more on the right
	// for labels.
	xlo, xhi := g.MsgsPerOp, g.MsgsPerOp
	yhi := max(g.MaxMs, g.MedianMs, 1)
	for _, p := range pts {
		xlo, xhi = min(xlo, p.x), max(xhi, p.x)
		yhi = max(yhi, p.max, p.med)
	}
	if xlo <= 0 {
		xlo = 0.1
	}
	xlo /= 1.3
	xhi *= 1.6
	yhi *= 1.08

	p := plot.New()
	runs := "1 run"
	if r.Config.Runs != 1 {
		runs = fmt.Sprintf("medians of %d runs", r.Config.Runs)
	}
	p.Title.Text = fmt.Sprintf("Messages per operation vs stable latency\n%d nodes, %s, %s ms latency, %s req/s, %s s; %s",
		r.Config.NodeCount, r.Config.Topology, fmtNum(r.Config.Latency), fmtNum(r.Config.Rate), fmtNum(r.Config.TimeLimit), runs)
	p.Title.TextStyle.Font.Size = vg.Points(13)
	p.Title.Padding = vg.Points(8)
	p.X.Label.Text = "server messages per operation (log scale)"
	p.Y.Label.Text = "stable latency (ms)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = logTicks{}
	p.Y.Tick.Marker = linearTicks{}
	p.Add(plotter.NewGrid())

	// Goal: shaded box, then dashed lines.
	shadeBox := func(ytop float64, c color.Color) (*plotter.Polygon, error) {
		poly, err := plotter.NewPolygon(plotter.XYs{{X: xlo, Y: 0}, {X: g.MsgsPerOp, Y: 0}, {X: g.MsgsPerOp, Y: ytop}, {X: xlo, Y: ytop}})
		if err != nil {
			return nil, err
		}
		poly.Color = c
		poly.LineStyle.Width = 0
		p.Add(poly)
		return poly, nil
	}
	outer, err := shadeBox(g.MaxMs, colorGoalOuter)
	if err != nil {
		return err
	}
	inner, err := shadeBox(g.MedianMs, colorGoalInner)
	if err != nil {
		return err
	}
	dashed := func(xys plotter.XYs, c color.Color) (*plotter.Line, error) {
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, err
		}
		l.Color = c
		l.Width = vg.Points(1.2)
		l.Dashes = []vg.Length{vg.Points(6), vg.Points(4)}
		p.Add(l)
		return l, nil
	}
	goalX, err := dashed(plotter.XYs{{X: g.MsgsPerOp, Y: 0}, {X: g.MsgsPerOp, Y: yhi}}, colorGoalMsgs)
	if err != nil {
		return err
	}
	goalMed, err := dashed(plotter.XYs{{X: xlo, Y: g.MedianMs}, {X: xhi, Y: g.MedianMs}}, colorGoalMedian)
	if err != nil {
		return err
	}
	goalMax, err := dashed(plotter.XYs{{X: xlo, Y: g.MaxMs}, {X: xhi, Y: g.MaxMs}}, colorGoalMax)
	if err != nil {
		return err
	}

	// Variants: the line first, so that the glyphs cover its ends.
	glyph := func(xy plotter.XY, shape draw.GlyphDrawer, radius vg.Length, c color.Color) (*plotter.Scatter, error) {
		s, err := plotter.NewScatter(plotter.XYs{xy})
		if err != nil {
			return nil, err
		}
		s.GlyphStyle = draw.GlyphStyle{Color: c, Radius: radius, Shape: shape}
		p.Add(s)
		return s, nil
	}
	for _, pt := range pts {
		l, err := plotter.NewLine(plotter.XYs{{X: pt.x, Y: pt.med}, {X: pt.x, Y: pt.max}})
		if err != nil {
			return err
		}
		l.Color = pt.color
		l.Width = vg.Points(1)
		p.Add(l)
		if _, err := glyph(plotter.XY{X: pt.x, Y: pt.med}, draw.CircleGlyph{}, vg.Points(4), pt.color); err != nil {
			return err
		}
		if _, err := glyph(plotter.XY{X: pt.x, Y: pt.max}, draw.PyramidGlyph{}, vg.Points(4.5), pt.color); err != nil {
			return err
		}
	}
	labels := &labelLayer{points: pts, style: text.Style{
		Font: font.From(plot.DefaultFont, 10), XAlign: draw.XLeft, YAlign: draw.YCenter, Handler: plot.DefaultTextHandler,
	}}
	p.Add(labels)

	p.X.Min, p.X.Max = xlo, xhi
	p.Y.Min, p.Y.Max = 0, yhi

	// The legend goes in a strip of its own on the right, where it can
	// cover no point.
	leg := plot.NewLegend()
	leg.Top, leg.Left = true, true
	leg.TextStyle.Font.Size = vg.Points(10)
	leg.ThumbnailWidth = vg.Points(22)
	leg.Padding = vg.Points(5)
	medThumb, err := plotter.NewScatter(plotter.XYs{{}})
	if err != nil {
		return err
	}
	medThumb.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(4), Shape: draw.CircleGlyph{}}
	maxThumb, err := plotter.NewScatter(plotter.XYs{{}})
	if err != nil {
		return err
	}
	maxThumb.GlyphStyle = draw.GlyphStyle{Color: color.Black, Radius: vg.Points(4.5), Shape: draw.PyramidGlyph{}}
	leg.Add("median stable latency", medThumb)
	leg.Add("max stable latency", maxThumb)
	leg.Add(fmt.Sprintf("goal: %s msgs/op", fmtNum(g.MsgsPerOp)), goalX)
	leg.Add(fmt.Sprintf("goal: median %s ms", fmtNum(g.MedianMs)), goalMed)
	leg.Add(fmt.Sprintf("goal: max %s ms", fmtNum(g.MaxMs)), goalMax)
	leg.Add("goal box (median, max)", outer, inner)

	w := vg.Length(PlotWidth) * vg.Inch / plotDPI
	h := vg.Length(PlotHeight) * vg.Inch / plotDPI
	img := vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(plotDPI))
	dc := draw.New(img)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	margin := vg.Points(8)
	legW := leg.Rectangle(dc).Size().X + margin
	p.Draw(draw.Crop(dc, 0, -legW-margin, 0, 0))
	// Align the legend's top with the data area's.
	top := p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding + margin
	leg.Draw(draw.Crop(dc, dc.Size().X-legW, -margin, 0, -top))

	return savePNG(img, path)
}

// savePNG writes the canvas to path as PNG.
func savePNG(img *vgimg.Canvas, path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// logTicks labels 1, 1.5, 2, 3, 5 and 7 of each decade (fewer on wide
// ranges) and marks the other integers of the decade with minor ticks.
type logTicks struct{}

// Ticks implements plot.Ticker.
func (logTicks) Ticks(lo, hi float64) []plot.Tick {
	if lo <= 0 || hi <= lo {
		return nil
	}
	labelled := map[float64]bool{1: true, 1.5: true, 2: true, 3: true, 5: true, 7: true}
	switch decades := math.Log10(hi / lo); {
	case decades > 4:
		labelled = map[float64]bool{1: true}
	case decades > 2.5:
		labelled = map[float64]bool{1: true, 2: true, 5: true}
	}
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi; e++ {
		dec := math.Pow(10, e)
		for _, m := range []float64{1, 1.5, 2, 3, 4, 5, 6, 7, 8, 9} {
			v := m * dec
			if v < lo || v > hi {
				continue
			}
			switch {
			case labelled[m]:
				ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'g', 4, 64)})
			case m == math.Trunc(m):
				ticks = append(ticks, plot.Tick{Value: v})
			}
		}
	}
	return ticks
}

// linearTicks labels round values, 6 to 15 of them over the range, so
// that the goal's latencies can be read off the axis.
type linearTicks struct{}

// Ticks implements plot.Ticker.
func (linearTicks) Ticks(lo, hi float64) []plot.Tick {
	if hi <= lo {
		return nil
	}
	mag := math.Pow(10, math.Floor(math.Log10(hi-lo)))
	step := mag
	for _, m := range []float64{0.05, 0.1, 0.2, 0.25, 0.5, 1, 2} {
		if (hi-lo)/(m*mag) <= 15 {
			step = m * mag
			break
		}
	}
	var ticks []plot.Tick
	// Each value is a whole multiple of step, rounded to drop the float
	// error of the multiplication (2.8000000000000003) and the sign of
	// zero.
	for k := math.Ceil(lo / step); k*step <= hi+step*1e-9; k++ {
		v := math.Round(k*step*1e9)/1e9 + 0
		ticks = append(ticks, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
		if half := v + step/2; half <= hi {
			ticks = append(ticks, plot.Tick{Value: half})
		}
	}
	return ticks
}

// labelLayer writes each point's label beside its glyphs, choosing for each
// the first of a list of places that overlaps no glyph and no label placed
// before it, or the place that overlaps least.
type labelLayer struct {
	points []point
	style  text.Style
}

// Plot implements plot.Plotter.
func (l *labelLayer) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	const glyphR = 6 // points around a glyph's centre kept clear
	var taken []vg.Rectangle
	for _, pt := range l.points {
		x := trX(pt.x)
		ymed, ymax := trY(pt.med), trY(pt.max)
		for _, y := range []vg.Length{ymed, ymax} {
			taken = append(taken, vg.Rectangle{Min: vg.Point{X: x - glyphR, Y: y - glyphR}, Max: vg.Point{X: x + glyphR, Y: y + glyphR}})
		}
		// The line between them.
		taken = append(taken, vg.Rectangle{Min: vg.Point{X: x - 1.5, Y: min(ymed, ymax)}, Max: vg.Point{X: x + 1.5, Y: max(ymed, ymax)}})
	}
	gap := vg.Length(glyphR + 2) // clear of the point's own glyphs
	for _, pt := range l.points {
		x, ymed, ymax := trX(pt.x), trY(pt.med), trY(pt.max)
		sz := l.style.Rectangle(pt.label).Size()
		w, h := sz.X, sz.Y
		box := func(y vg.Length, right bool) vg.Rectangle {
			x0 := x + gap
			if !right {
				x0 = x - gap - w
			}
			return vg.Rectangle{Min: vg.Point{X: x0, Y: y - h/2}, Max: vg.Point{X: x0 + w, Y: y + h/2}}
		}
		var cands []vg.Rectangle
		for _, y := range []vg.Length{ymed, ymax, (ymed + ymax) / 2} {
			cands = append(cands, box(y, true), box(y, false))
		}
		for k := 1; k <= 10; k++ {
			d := vg.Length(k) * h
			for _, y := range []vg.Length{ymed - d, ymed + d} {
				cands = append(cands, box(y, true), box(y, false))
			}
		}
		best, bestScore := cands[0], math.Inf(1)
		for _, b := range cands {
			score := 100 * outside(b, c.Rectangle)
			for _, t := range taken {
				score += overlap(b, t)
			}
			if score < bestScore {
				best, bestScore = b, score
			}
			if score == 0 {
				break
			}
		}
		taken = append(taken, best)

		// A label moved away from both glyphs gets a leader line.
		midY := (best.Min.Y + best.Max.Y) / 2
		if midY < min(ymed, ymax)-h || midY > max(ymed, ymax)+h {
			ex := best.Min.X
			if best.Max.X < x {
				ex = best.Max.X
			}
			ay := ymed
			if math.Abs(float64(midY-ymax)) < math.Abs(float64(midY-ymed)) {
				ay = ymax
			}
			c.StrokeLine2(draw.LineStyle{Color: pt.color, Width: vg.Points(0.5)}, x, ay, ex, midY)
		}
		pad := vg.Points(1.5)
		back := vg.Rectangle{Min: best.Min.Sub(vg.Point{X: pad, Y: pad}), Max: best.Max.Add(vg.Point{X: pad, Y: pad})}
		c.SetColor(colorLabelBack)
		c.Fill(back.Path())
		sty := l.style
		sty.Color = pt.color
		c.FillText(sty, vg.Point{X: best.Min.X, Y: midY}, pt.label)
	}
}

// overlap is the area two rectangles share.
func overlap(a, b vg.Rectangle) float64 {
	w := min(a.Max.X, b.Max.X) - max(a.Min.X, b.Min.X)
	h := min(a.Max.Y, b.Max.Y) - max(a.Min.Y, b.Min.Y)
	if w <= 0 || h <= 0 {
		return 0
	}
	return float64(w * h)
}

// outside is the area of a that lies outside bounds.
func outside(a, bounds vg.Rectangle) float64 {
	s := a.Size()
	return float64(s.X*s.Y) - overlap(a, bounds)
}
