package gossip

import "slices"

// maxPhaseSamples bounds Timing.PhaseSamples (it sizes an array).
const maxPhaseSamples = 16

// phase estimates, at a leaf, how long before one of the hub's flushes a
// push must leave to reach the hub in time for it: the lead. Its samples are
// the arrival times of the hub's flushes on the grid, modulo Batch: each is
// the hub's lateness plus the delay of one message from the hub, which on
// Maelstrom's network (the same latency both ways) is also the delay of a
// push to the hub.
//
// The lead is the high end of the recent arrivals (the second largest, so
// that one outlier is ignored), plus a quarter of their spread (from the
// lower quartile to that high end) and Timing.PhaseBase. So a push aims to
// arrive as late as the noise observed lets it: on a quiet machine about
// PhaseBase before the flush, with a delivery jitter of up to D about D
// before. A fixed margin would either waste latency on a quiet network or
// miss flushes on a noisy one; a push that misses one anyway is forwarded at
// once by the hub (Timing.CatchUpWindow).
//
// A phase belongs to its Plan and MUST NOT be used from concurrently
// running goroutines.
type phase struct {
	batch   int64
	base    int64
	keep    int
	samples [maxPhaseSamples]int64 // arrival offsets in [0, batch)
	n       int                    // samples recorded, ever
	lead    int64                  // valid once n > 0
}

// observe records a flush that arrived at now and updates the lead.
func (ph *phase) observe(now int64) {
	b := ph.batch
	newest := now % b
	ph.samples[ph.n%ph.keep] = newest
	ph.n++
	k := min(ph.n, ph.keep)
	var d [maxPhaseSamples]int64
	for j, x := range ph.samples[:k] {
		d[j] = wrap(x-newest, b) // offsets from the newest, so no cluster straddles the wrap
	}
	slices.Sort(d[:k])
	var lead int64
	if k < 4 {
		// Too few to tell the spread: the latest seen, plus four bases.
		lead = d[k-1] + 4*ph.base
	} else {
		lo, hi := d[(k-1)/4], d[k-1]
		lead = hi + (hi-lo)/4 + 2*ph.base
	}
	ph.lead = newest + lead
}

// known reports whether a flush was observed, so that pushes can be timed.
func (ph *phase) known() bool { return ph.n > 0 }

// sendTime returns the first moment at or after now from which a push
// reaches the hub just before one of its flushes: a point lead before a
// multiple of batch.
func (ph *phase) sendTime(now int64) int64 {
	b := ph.batch
	off := ((-ph.lead)%b + b) % b // send points are off mod b
	t := now - now%b + off
	if t < now {
		t += b
	}
	return t
}

// wrap reduces x modulo b into [-b/2, b/2).
func wrap(x, b int64) int64 {
	x %= b
	if x >= b/2 {
		x -= b
	} else if x < -b/2 {
		x += b
	}
	return x
}
