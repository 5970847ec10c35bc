package soak

import "github.com/maelstrom-gossip/node/bench/procmem"

// MiB is the unit of the memory figures.
const MiB = procmem.MiB

// Flatness describes RSS over a window of a run: the samples taken once From
// lines were handled. With the window after the set has reached its final
// size, what RSS still does there is the buffers' (and the Go runtime's)
// doing: Spread is how far it wanders, Slope whether it trends (see
// procmem.Trend for what to expect of a Go node).
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
	// intercept is the fitted line's MiB at line 0.
	intercept float64
}

// ErrFewSamples is returned by Flat for a window without two samples at
// different line counts.
var ErrFewSamples = procmem.ErrFewSamples

// Flat returns the flatness of RSS over the samples with at least from lines
// handled.
func Flat(samples []Sample, from int64) (Flatness, error) {
	points := make([]procmem.Point, len(samples))
	for i, s := range samples {
		points[i] = procmem.Point{X: float64(s.Handled) / 1e6, RSS: s.RSS}
	}
	t, err := procmem.Fit(points, float64(from)/1e6)
	return Flatness{From: from, Samples: t.Samples, StartRSS: t.StartRSS, MinRSS: t.MinRSS, MaxRSS: t.MaxRSS,
		Spread: t.Spread, Slope: t.Slope, intercept: t.Intercept}, err
}

// line returns the intercept and slope of the least-squares line of the
// window (RSS in MiB against millions of lines).
func (f Flatness) line() (a, b float64) { return f.intercept, f.Slope }
