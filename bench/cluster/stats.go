package cluster

import (
	"math"
	"math/bits"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// clock gives monotonic nanoseconds since the cluster started. It is
// immutable after creation and safe for concurrent use.
type clock struct{ start time.Time }

func (c *clock) now() int64 { return int64(time.Since(c.start)) }

// histBuckets covers 0 to 2^40 µs (about 12 days) with 10 significant bits.
const histBuckets = 1024 + 31*512

// hist is a log-linear histogram of durations with microsecond resolution
// and about 0.2% relative precision. A hist MUST NOT be used from
// concurrently running goroutines; each goroutine records into its own and
// the owner merges them when the goroutines are done.
type hist struct {
	counts []uint32
	n      uint64
	max    int64 // ns
	sum    float64
}

func newHist() *hist { return &hist{counts: make([]uint32, histBuckets)} }

func histIndex(us uint64) int {
	if us < 1024 {
		return int(us)
	}
	shift := bits.Len64(us) - 10
	idx := 1024 + (shift-1)*512 + int(us>>shift) - 512
	if idx >= histBuckets {
		return histBuckets - 1
	}
	return idx
}

// histLow is the smallest microsecond value of bucket i.
func histLow(i int) uint64 {
	if i < 1024 {
		return uint64(i)
	}
	shift := (i-1024)/512 + 1
	return uint64((i-1024)%512+512) << shift
}

// record adds one duration in nanoseconds; negative values count as zero.
func (h *hist) record(ns int64) {
	if ns < 0 {
		ns = 0
	}
	h.counts[histIndex(uint64(ns/1000))]++
	h.n++
	h.sum += float64(ns)
	if ns > h.max {
		h.max = ns
	}
}

func (h *hist) merge(o *hist) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	if o.max > h.max {
		h.max = o.max
	}
}

// quantile returns the q-quantile (0..1) in nanoseconds: the lower bound of
// the bucket holding it, or the maximum for q = 1.
func (h *hist) quantile(q float64) int64 {
	if h.n == 0 {
		return 0
	}
	if q >= 1 {
		return h.max
	}
	rank := uint64(math.Ceil(q * float64(h.n)))
	if rank == 0 {
		rank = 1
	}
	var seen uint64
	for i, c := range h.counts {
		seen += uint64(c)
		if seen >= rank {
			v := int64(histLow(i)) * 1000
			return min(v, h.max)
		}
	}
	return h.max
}

// DurationStats summarizes a histogram, in milliseconds.
type DurationStats struct {
	Count uint64  `json:"count"`
	Mean  float64 `json:"mean_ms"`
	P50   float64 `json:"p50_ms"`
	P99   float64 `json:"p99_ms"`
	P999  float64 `json:"p999_ms"`
	Max   float64 `json:"max_ms"`
}

func (h *hist) stats() DurationStats {
	ms := func(ns int64) float64 { return float64(ns) / 1e6 }
	s := DurationStats{Count: h.n, Max: ms(h.max)}
	if h.n > 0 {
		s.Mean = h.sum / float64(h.n) / 1e6
		s.P50, s.P99, s.P999 = ms(h.quantile(0.5)), ms(h.quantile(0.99)), ms(h.quantile(0.999))
	}
	return s
}

// series counts events in fixed time buckets. add is safe for concurrent
// use.
type series struct {
	bucket int64 // ns
	counts []atomic.Int64
}

func newSeries(bucket time.Duration, span time.Duration) *series {
	n := int(span/bucket) + 1
	return &series{bucket: int64(bucket), counts: make([]atomic.Int64, n)}
}

func (s *series) add(t int64) {
	i := t / s.bucket
	if i < 0 {
		i = 0
	}
	if i >= int64(len(s.counts)) {
		i = int64(len(s.counts)) - 1
	}
	s.counts[i].Add(1)
}

// rates returns events per second per bucket from bucket from up to (not
// including) to.
func (s *series) rates(from, to int) []float64 {
	from = max(from, 0)
	to = min(to, len(s.counts))
	out := make([]float64, 0, max(to-from, 0))
	perSec := float64(time.Second) / float64(s.bucket)
	for i := from; i < to; i++ {
		out = append(out, float64(s.counts[i].Load())*perSec)
	}
	return out
}

// Quantiles maps a quantile ("0", "0.5", "0.95", "0.99", "1") to a value
// in milliseconds, as jepsen's frequency-distribution reports them.
type Quantiles map[string]int64

// quantilePoints are the points set-full reports.
var quantilePoints = []struct {
	name string
	q    float64
}{{"0", 0}, {"0.5", 0.5}, {"0.95", 0.95}, {"0.99", 0.99}, {"1", 1}}

// frequencyDistribution picks, for each point p, the element at index
// min(n-1, floor(n·p)) of the sorted values, as jepsen does. It sorts vals
// in place and returns nil for no values.
func frequencyDistribution(vals []int64) Quantiles {
	if len(vals) == 0 {
		return nil
	}
	sort.Slice(vals, func(i, j int) bool { return vals[i] < vals[j] })
	n := len(vals)
	q := make(Quantiles, len(quantilePoints))
	for _, p := range quantilePoints {
		idx := min(n-1, int(math.Floor(float64(n)*p.q)))
		q[p.name] = vals[idx]
	}
	return q
}

// Buffer pools. Buffers hold one protocol line each; a buffer handed to a
// queue belongs to the queue until released, and MUST NOT be touched after
// releaseBuf.
const maxPooledBuf = 1 << 20

var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 512); return &b }}

func getBuf() *[]byte { return bufPool.Get().(*[]byte) }

func releaseBuf(b *[]byte) {
	if cap(*b) > maxPooledBuf {
		return
	}
	*b = (*b)[:0]
	bufPool.Put(b)
}

var valuesPool = sync.Pool{New: func() any { v := make([]int64, 0, 256); return &v }}

func getValues() []int64 { return (*valuesPool.Get().(*[]int64))[:0] }

func releaseValues(v []int64) {
	if v == nil || cap(v) > 1<<22 {
		return
	}
	v = v[:0]
	valuesPool.Put(&v)
}
