package gossip

import "slices"

// maxPhaseSamples bounds Timing.PhaseSamples (it sizes an array).
const maxPhaseSamples = 16

// minPhaseSamples is how many flush arrivals a leaf observes before it
// times its pushes by them. Fewer tell nothing of their spread: a first
// arrival that came early by the network's jitter would make every push
// timed by it miss the flush, several leaves at once, more than the hub's
// catch-up flushes take. Until then a push leaves at once and waits at the
// hub for the next flush: no later for its values, only without the
// leaf's batching, for the first four flushes (about 0.9 s at the default
// Batch).
const minPhaseSamples = 4

// phase estimates, at a leaf, how long before one of the hub's flushes a
// push must leave to reach the hub in time for it: the lead. Its samples are
// the arrival times of the hub's flushes on the grid, modulo Batch: each is
// the hub's lateness plus the delay of one message from the hub, which on
// Maelstrom's network (the same latency both ways) is also the delay of a
// push to the hub.
//
// The lead is the latest of the recent arrivals, plus a quarter of their
// spread (from the lower quartile to that latest) and twice
// Timing.PhaseBase; it is known once minPhaseSamples arrivals were
// observed. So a push aims to arrive as late as the noise observed lets it:
// on a quiet machine about twice PhaseBase before the flush, with a
// delivery jitter of up to D about D before. A fixed margin would either
// waste latency on a quiet network or miss flushes on a noisy one; a push
// that misses one anyway is forwarded at once by the hub
// (Timing.CatchUpWindow).
//
// A phase belongs to its Plan and MUST NOT be used from concurrently
// running goroutines.
type phase struct {
	batch   int64
	base    int64
	keep    int
	samples [maxPhaseSamples]int64 // arrival offsets in [0, batch)
	n       int                    // samples recorded, ever
	lead    int64                  // valid once known
}

// observe records a flush that arrived at now and updates the lead.
func (ph *phase) observe(now int64) {
	b := ph.batch
	newest := now % b
	ph.samples[ph.n%ph.keep] = newest
	ph.n++
	k := min(ph.n, ph.keep)
	if k < minPhaseSamples {
		return
	}
	var d [maxPhaseSamples]int64
	for j, x := range ph.samples[:k] {
		d[j] = wrap(x-newest, b) // offsets from the newest, so no cluster straddles the wrap
	}
	slices.Sort(d[:k])
	lo, hi := d[(k-1)/4], d[k-1]
	ph.lead = newest + hi + (hi-lo)/4 + 2*ph.base
}

// known reports whether enough flushes were observed (minPhaseSamples) to
// time pushes by them.
func (ph *phase) known() bool { return min(ph.n, ph.keep) >= minPhaseSamples }

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
