// Package procmem reads the resident memory of a process from Linux's /proc
// and fits a trend to a series of readings. The soak and the cluster bench
// watch their node processes with it.
//
// Read works only where /proc/PID/status lists VmRSS and VmHWM (Linux);
// elsewhere it reports false and a bench records no memory.
package procmem

import (
	"bytes"
	"errors"
	"math"
	"os"
	"strconv"
)

// MiB is the unit of the trend's figures.
const MiB = 1 << 20

// Usage is one reading of a process's memory, in bytes.
type Usage struct {
	RSS int64 // VmRSS: resident now
	HWM int64 // VmHWM: the most that was resident so far
}

// Read returns the memory of process pid. It returns false when the process
// is gone or has released its memory (a zombie lists neither figure), or when
// the system has no /proc.
func Read(pid int) (Usage, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return Usage{}, false
	}
	rss, okR := statusKB(b, "VmRSS:")
	hwm, okH := statusKB(b, "VmHWM:")
	return Usage{RSS: rss, HWM: hwm}, okR && okH
}

// statusKB finds the line "key   N kB" in a /proc status file and returns N
// KiB in bytes.
func statusKB(status []byte, key string) (int64, bool) {
	for line := range bytes.SplitSeq(status, []byte{'\n'}) {
		rest, ok := bytes.CutPrefix(line, []byte(key))
		if !ok {
			continue
		}
		rest = bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte("kB")))
		kb, err := strconv.ParseInt(string(rest), 10, 64)
		return kb << 10, err == nil
	}
	return 0, false
}

// Point is one reading placed on an axis: X is what the bench counts memory
// against (lines handled, seconds), RSS is in bytes.
type Point struct {
	X   float64
	RSS int64
}

// Trend describes RSS over a window of readings: the points with X at least
// From. Once the window starts after the data a process keeps has stopped
// growing, what RSS still does there is the buffers' (and the runtime's)
// doing: Spread is how far it wanders, Slope whether it trends.
//
// For a Go process, expect a Spread of a few MiB even with bounded buffers:
// RSS follows the heap goal (twice the live heap at the last collection,
// which depends on how many buffers were in flight then) and the scavenger's
// returns of idle pages. A leak shows as a Slope that persists from run to
// run, not as noise.
type Trend struct {
	From     float64
	Samples  int
	StartRSS int64 // RSS of the window's first point
	MinRSS   int64
	MaxRSS   int64
	Spread   int64 // MaxRSS - MinRSS
	// Slope and Intercept are the least-squares line of RSS in MiB
	// against X: MiB gained per unit of X, and MiB at X = 0.
	Slope, Intercept float64
}

// ErrFewSamples is returned by Fit for a window without two points at
// different X.
var ErrFewSamples = errors.New("procmem: fewer than two readings at different points in the window")

// Fit returns the trend of the points with X at least from. The points need
// not be sorted.
func Fit(points []Point, from float64) (Trend, error) {
	t := Trend{From: from, MinRSS: math.MaxInt64}
	var sx, sy float64
	for _, p := range points {
		if p.X < from {
			continue
		}
		if t.Samples == 0 {
			t.StartRSS = p.RSS
		}
		t.Samples++
		t.MinRSS, t.MaxRSS = min(t.MinRSS, p.RSS), max(t.MaxRSS, p.RSS)
		sx += p.X
		sy += float64(p.RSS) / MiB
	}
	if t.Samples == 0 {
		t.MinRSS = 0
		return t, ErrFewSamples
	}
	t.Spread = t.MaxRSS - t.MinRSS
	n := float64(t.Samples)
	mx, my := sx/n, sy/n
	var sxx, sxy float64
	for _, p := range points {
		if p.X >= from {
			dx := p.X - mx
			sxx += dx * dx
			sxy += dx * (float64(p.RSS)/MiB - my)
		}
	}
	if sxx == 0 {
		return t, ErrFewSamples
	}
	t.Slope = sxy / sxx
	t.Intercept = my - t.Slope*mx
	return t, nil
}
