package cluster

import (
	"math/rand/v2"
	"time"
)

// LatencyDists lists the latency distributions the bench offers, as
// Maelstrom names them.
var LatencyDists = []string{"constant", "uniform", "exponential"}

// latency draws the delay of one server-to-server message. It is a value
// type; draws use the caller's generator, so one latency may be shared by
// goroutines that each own a generator.
type latency struct {
	dist string
	mean float64 // nanoseconds
}

func newLatency(dist string, mean time.Duration) (latency, error) {
	switch dist {
	case "", "constant":
		dist = "constant"
	case "uniform", "exponential":
	default:
		return latency{}, ErrUnknownLatencyDist
	}
	return latency{dist: dist, mean: float64(mean)}, nil
}

// draw returns a delay in nanoseconds: the mean itself (constant), uniform on
// [0, 2·mean) (uniform) or exponential with that mean (exponential).
// Maelstrom draws whole milliseconds; the bench keeps nanoseconds.
func (l latency) draw(r *rand.Rand) int64 {
	if l.mean <= 0 {
		return 0
	}
	switch l.dist {
	case "uniform":
		return int64(r.Float64() * 2 * l.mean)
	case "exponential":
		return int64(r.ExpFloat64() * l.mean)
	}
	return int64(l.mean)
}
