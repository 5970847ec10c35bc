package soak

import (
	"errors"
	"math"
)

// MiB is the unit of the memory figures.
const MiB = 1 << 20

// Flatness describes RSS over a window of a run: the samples taken once From
// lines were handled. With the window after the set has reached its final
// size, what RSS still does there is the buffers' (and the Go runtime's)
// doing: Spread is how far it wanders, Slope whether it trends.
//
// For a Go node, expect a Spread of a few MiB even with bounded buffers: RSS
// follows the heap goal (twice the live heap at the last GC, which depends on
// how many buffers were in flight then) and the scavenger's returns of idle
// pages. A leak shows as a Slope that persists from run to run and in the
// live heap after each GC (GODEBUG=gctrace=1), not as noise.
type Flatness struct {
	From     int64 `json:"from_line"` // first line handled of the window
	Samples  int   `json:"samples"`
	StartRSS int64 `json:"start_rss"` // RSS of the window's first sample, bytes
	MinRSS   int64 `json:"min_rss"`
	MaxRSS   int64 `json:"max_rss"`
	Spread   int64 `json:"spread"` // MaxRSS - MinRSS
	// Slope is the least-squares slope of RSS (MiB) against lines handled
	// (millions): MiB gained per million lines.
	Slope float64 `json:"slope_mib_per_mline"`
}

// ErrFewSamples is returned by Flat for a window without two samples at
// different line counts.
var ErrFewSamples = errors.New("soak: fewer than two samples at different line counts in the window")

// Flat returns the flatness of RSS over the samples with at least from lines
// handled.
func Flat(samples []Sample, from int64) (Flatness, error) {
	f := Flatness{From: from, MinRSS: math.MaxInt64}
	var sx, sy float64
	var win []Sample
	for _, s := range samples {
		if s.Handled < from {
			continue
		}
		if len(win) == 0 {
			f.StartRSS = s.RSS
		}
		win = append(win, s)
		f.MinRSS, f.MaxRSS = min(f.MinRSS, s.RSS), max(f.MaxRSS, s.RSS)
		sx += float64(s.Handled) / 1e6
		sy += float64(s.RSS) / MiB
	}
	f.Samples = len(win)
	if len(win) == 0 {
		f.MinRSS = 0
		return f, ErrFewSamples
	}
	f.Spread = f.MaxRSS - f.MinRSS
	mx, my := sx/float64(len(win)), sy/float64(len(win))
	var sxx, sxy float64
	for _, s := range win {
		dx := float64(s.Handled)/1e6 - mx
		sxx += dx * dx
		sxy += dx * (float64(s.RSS)/MiB - my)
	}
	if sxx == 0 {
		return f, ErrFewSamples
	}
	f.Slope = sxy / sxx
	return f, nil
}

// line returns the intercept and slope of the least-squares line of the
// window (RSS in MiB against millions of lines).
func (f Flatness) line(samples []Sample) (a, b float64) {
	var n, sx, sy float64
	for _, s := range samples {
		if s.Handled >= f.From {
			n++
			sx += float64(s.Handled) / 1e6
			sy += float64(s.RSS) / MiB
		}
	}
	if n == 0 {
		return 0, 0
	}
	return sy/n - f.Slope*sx/n, f.Slope
}
