package soak

import (
	"encoding/json"
	"fmt"
	"image/color"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Summary writes the run's figures in a few lines.
func (r *Result) Summary(w io.Writer) {
	fmt.Fprintf(w, "soak: %s lines through %s in %.1f s: %s lines/s (%.2f GB in, %.2f GB out, %s read_ok)\n",
		group(int64(r.Lines)), r.Bin, r.Elapsed.Seconds(), group(int64(r.LinesPerSec())),
		float64(r.InBytes)/1e9, float64(r.OutBytes)/1e9, group(int64(r.Reads)))
	fmt.Fprintf(w, "set: %s values (of %s drawn from), the last new one at line %s (%.1f%% into the run); values in the last read_ok: %s, in the node's exit log: %s\n",
		group(int64(r.SetSize)), group(int64(r.Mix.Values)), group(int64(r.SetFullAt)),
		100*float64(r.SetFullAt)/float64(max(r.Lines, 1)), orNone(r.NodeSet), orNone(r.NodeHolds))
	fmt.Fprintf(w, "RSS: peak (VmHWM) %.1f MiB, final %.1f MiB; %d samples every %v\n",
		float64(r.PeakRSS())/MiB, float64(r.FinalRSS())/MiB, len(r.Samples), r.Every)
	f, err := r.SecondHalf()
	if err != nil {
		fmt.Fprintf(w, "second half: %v\n", err)
		return
	}
	fmt.Fprintf(w, "second half (from line %s, %d samples): RSS %.1f MiB at its start, min %.1f, max %.1f MiB: max-min %.2f MiB, slope %+.3f MiB per million lines\n",
		group(f.From), f.Samples, float64(f.StartRSS)/MiB, float64(f.MinRSS)/MiB, float64(f.MaxRSS)/MiB,
		float64(f.Spread)/MiB, f.Slope)
	if int64(r.SetFullAt) > f.From {
		fmt.Fprintf(w, "warning: the set was still growing in the second half (last new value at line %s)\n", group(int64(r.SetFullAt)))
	}
}

func orNone(n int) string {
	if n < 0 {
		return "none"
	}
	return group(int64(n))
}

// group writes n with thousands separators.
func group(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var b []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			b = append(b, ',')
		}
		b = append(b, s[i])
	}
	if neg {
		return "-" + string(b)
	}
	return string(b)
}

// report is the JSON form of a Result.
type report struct {
	Bin        string   `json:"bin"`
	Mix        any      `json:"mix"`
	EveryMS    float64  `json:"every_ms"`
	Lines      int      `json:"lines"`
	Replies    int      `json:"replies"`
	Reads      int      `json:"reads"`
	ElapsedS   float64  `json:"elapsed_s"`
	LinesPerS  float64  `json:"lines_per_s"`
	InBytes    int64    `json:"in_bytes"`
	OutBytes   int64    `json:"out_bytes"`
	SetSize    int      `json:"set_size"`
	SetFullAt  int      `json:"set_full_at_line"`
	NodeSet    int      `json:"node_set_last_read_ok"`
	NodeHolds  int      `json:"node_holds_at_exit"`
	PeakRSS    int64    `json:"peak_rss"`
	FinalRSS   int64    `json:"final_rss"`
	SecondHalf Flatness `json:"second_half"`
	Samples    []Sample `json:"samples"`
}

// WriteJSON writes the run, every sample included, to path.
func (r *Result) WriteJSON(path string) error {
	f, _ := r.SecondHalf()
	b, err := json.MarshalIndent(report{
		Bin: r.Bin, Mix: r.Mix, EveryMS: float64(r.Every) / 1e6, Lines: r.Lines, Replies: r.Replies, Reads: r.Reads,
		ElapsedS: r.Elapsed.Seconds(), LinesPerS: r.LinesPerSec(), InBytes: r.InBytes, OutBytes: r.OutBytes,
		SetSize: r.SetSize, SetFullAt: r.SetFullAt, NodeSet: r.NodeSet, NodeHolds: r.NodeHolds,
		PeakRSS: r.PeakRSS(), FinalRSS: r.FinalRSS(), SecondHalf: f, Samples: r.Samples,
	}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

var (
	blue  = color.RGBA{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff}
	red   = color.RGBA{R: 0xd6, G: 0x27, B: 0x28, A: 0xff}
	green = color.RGBA{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff}
	grey  = color.RGBA{R: 0x7f, G: 0x7f, B: 0x7f, A: 0xff}
)

// Plot writes a 900x600-pixel PNG of RSS (MiB) against lines handled
// (millions): VmRSS, VmHWM dashed, the least-squares line of the second half,
// and vertical markers where the set stopped growing and where the second
// half starts.
func (r *Result) Plot(path string) error {
	if len(r.Samples) == 0 {
		return fmt.Errorf("soak: no samples to plot")
	}
	p := plot.New()
	p.Title.Text = fmt.Sprintf("Soak: %s lines through %s (set of %s values)",
		group(int64(r.Lines)), filepath.Base(r.Bin), group(int64(r.SetSize)))
	p.X.Label.Text = "lines handled (millions)"
	p.Y.Label.Text = "resident memory (MiB)"
	p.Add(plotter.NewGrid())
	rss := make(plotter.XYs, len(r.Samples))
	hwm := make(plotter.XYs, len(r.Samples))
	ymax := 0.0
	for i, s := range r.Samples {
		x := float64(s.Handled) / 1e6
		rss[i] = plotter.XY{X: x, Y: float64(s.RSS) / MiB}
		hwm[i] = plotter.XY{X: x, Y: float64(s.HWM) / MiB}
		ymax = max(ymax, hwm[i].Y)
	}
	ymax *= 1.1
	xmax := float64(r.Lines) / 1e6
	line := func(xys plotter.XYs, c color.Color, width float64, dashes ...float64) *plotter.Line {
		l, err := plotter.NewLine(xys)
		if err != nil {
			panic(err) // the points are finite
		}
		l.Color, l.Width = c, vg.Points(width)
		for _, d := range dashes {
			l.Dashes = append(l.Dashes, vg.Points(d))
		}
		return l
	}
	add := func(name string, l *plotter.Line) {
		p.Add(l)
		p.Legend.Add(name, l)
	}
	add("VmRSS", line(rss, blue, 1.5))
	add("VmHWM (peak so far)", line(hwm, grey, 1, 4, 3))
	if f, err := r.SecondHalf(); err == nil {
		a, b := f.line()
		x0 := float64(f.From) / 1e6
		add(fmt.Sprintf("second half: fit %+.3f MiB per million lines, max-min %.2f MiB", b, float64(f.Spread)/MiB),
			line(plotter.XYs{{X: x0, Y: a + b*x0}, {X: xmax, Y: a + b*xmax}}, red, 1.5, 6, 4))
		add("second half starts", line(plotter.XYs{{X: x0, Y: 0}, {X: x0, Y: ymax}}, grey, 1, 1.5, 2))
	}
	xs := float64(r.SetFullAt) / 1e6
	add(fmt.Sprintf("set stops growing: last new value at line %s", group(int64(r.SetFullAt))),
		line(plotter.XYs{{X: xs, Y: 0}, {X: xs, Y: ymax}}, green, 1.5))
	p.X.Min, p.X.Max = 0, xmax
	p.Y.Min, p.Y.Max = 0, ymax
	p.Legend.Top = false
	p.Legend.Left = false

	c := vgimg.NewWith(vgimg.UseWH(900*vg.Inch/96, 600*vg.Inch/96), vgimg.UseDPI(96))
	p.Draw(draw.New(c))
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: c}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
