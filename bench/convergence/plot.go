package convergence

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// palette colours the lines by K (K=1 first), or by K and loss rate when
// the rows hold several loss rates.
var palette = []color.Color{
	color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	color.RGBA{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
	color.RGBA{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	color.RGBA{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff},
	color.RGBA{R: 0x17, G: 0xbe, B: 0xcf, A: 0xff},
	color.RGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff},
}

// Plot writes a PNG (or any format gonum/plot infers from the extension of
// path) of mean rounds against n on a log x axis: one solid line per mode,
// K and loss rate (circles for push, triangles for push-pull), and the
// Theory estimate of each at its loss rate as a dashed line of the same
// colour. Rows with several loss rates share the figure, one colour per K
// and loss rate.
func Plot(rows []Row, path string) error {
	type key struct {
		mode Mode
		k    int
		loss float64
	}
	type kl struct {
		k    int
		loss float64
	}
	groups := map[key][]Row{}
	var keys []key
	var kls []kl
	nmin, nmax := math.Inf(1), math.Inf(-1)
	for _, r := range rows {
		kk := key{r.Mode, r.K, r.Loss}
		if _, ok := groups[kk]; !ok {
			keys = append(keys, kk)
		}
		if !slices.Contains(kls, kl{r.K, r.Loss}) {
			kls = append(kls, kl{r.K, r.Loss})
		}
		groups[kk] = append(groups[kk], r)
		nmin, nmax = min(nmin, float64(r.N)), max(nmax, float64(r.N))
	}
	if len(keys) == 0 {
		return fmt.Errorf("%w: nothing to plot", ErrConfig)
	}
	cmpKL := func(a, b kl) int {
		if a.k != b.k {
			return a.k - b.k
		}
		return cmp.Compare(a.loss, b.loss)
	}
	slices.SortFunc(kls, cmpKL)
	slices.SortFunc(keys, func(a, b key) int {
		if a.mode != b.mode {
			return int(a.mode) - int(b.mode)
		}
		return cmpKL(kl{a.k, a.loss}, kl{b.k, b.loss})
	})
	severalLosses := slices.ContainsFunc(kls, func(x kl) bool { return x.loss != kls[0].loss })
	p := plot.New()
	if severalLosses {
		p.Title.Text = "Rounds until every node holds the value (dashed: theory at the same loss)"
	} else {
		p.Title.Text = fmt.Sprintf("Rounds until every node holds the value (loss %.2f; dashed: theory)", kls[0].loss)
	}
	p.X.Label.Text = "nodes n (log scale)"
	p.Y.Label.Text = "mean rounds"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = plot.LogTicks{Prec: -1}
	p.Y.Min = 0
	p.Legend.Top = true
	p.Legend.Left = true
	p.Add(plotter.NewGrid())
	for _, kk := range keys {
		g := groups[kk]
		slices.SortFunc(g, func(a, b Row) int { return a.N - b.N })
		c := palette[(kk.k-1)%len(palette)]
		label := fmt.Sprintf("%v K=%d", kk.mode, kk.k)
		if severalLosses {
			c = palette[slices.Index(kls, kl{kk.k, kk.loss})%len(palette)]
			label += fmt.Sprintf(" loss %.2f", kk.loss)
		}
		var xys plotter.XYs
		for _, r := range g {
			if r.Incomplete == r.Seeds {
				continue
			}
			xys = append(xys, plotter.XY{X: float64(r.N), Y: r.MeanRounds})
		}
		if len(xys) > 0 {
			line, pts, err := plotter.NewLinePoints(xys)
			if err != nil {
				return err
			}
			line.Color = c
			line.Width = vg.Points(1.5)
			pts.Color = c
			pts.Shape = draw.CircleGlyph{}
			if kk.mode == PushPull {
				pts.Shape = draw.TriangleGlyph{}
			}
			pts.Radius = vg.Points(3)
			p.Add(line, pts)
			p.Legend.Add(label, line, pts)
		}
		if nmax > nmin && g[0].Basis != NoTheory { // no theory for several values
			var th plotter.XYs
			const steps = 40
			for i := 0; i <= steps; i++ {
				n := nmin * math.Pow(nmax/nmin, float64(i)/steps)
				if v, b := Theory(kk.mode, int(math.Round(n)), kk.k, kk.loss); b != NoTheory {
					th = append(th, plotter.XY{X: n, Y: v})
				}
			}
			if len(th) > 1 {
				tl, err := plotter.NewLine(th)
				if err != nil {
					return err
				}
				tl.Color = c
				tl.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
				if kk.mode == PushPull {
					tl.Dashes = []vg.Length{vg.Points(1.5), vg.Points(2)}
				}
				p.Add(tl)
			}
		}
	}
	return p.Save(22*vg.Centimeter, 15*vg.Centimeter, path)
}
