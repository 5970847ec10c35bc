package pipebench

import (
	"math"
	"slices"
	"time"
)

// number is what the statistics take: durations, byte counts and ratios.
type number interface {
	~int | ~int64 | ~float64
}

// Median returns the median of xs: the middle value, or the mean of the two
// middle values for an even count; 0 for none. It does not modify xs.
func Median[T number](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	m := len(s) / 2
	if len(s)%2 == 1 {
		return s[m]
	}
	return s[m-1] + (s[m]-s[m-1])/2
}

// Percentile returns the p-th percentile of xs (0 < p <= 100) by nearest
// rank: the smallest value such that at least p percent of the values are
// at or below it; 0 for none. p outside (0, 100] is clamped. It does not
// modify xs.
func Percentile[T number](xs []T, p float64) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	return percentileSorted(s, p)
}

// percentileSorted is Percentile of an ascending slice.
func percentileSorted[T number](s []T, p float64) T {
	rank := int(math.Ceil(p / 100 * float64(len(s))))
	return s[min(max(rank, 1), len(s))-1]
}

// Ratios returns a[i]/b[i] for each index both have, skipping pairs whose
// divisor is zero.
func Ratios[T number](a, b []T) []float64 {
	var r []float64
	for i := range min(len(a), len(b)) {
		if b[i] != 0 {
			r = append(r, float64(a[i])/float64(b[i]))
		}
	}
	return r
}

// Ratio returns a/b, or 0 when b is zero.
func Ratio[T number](a, b T) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// latencySummary is the percentiles of one block of round trips.
func latencySummary(lat []time.Duration) (p50, p90, p99 time.Duration) {
	if len(lat) == 0 {
		return 0, 0, 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return percentileSorted(s, 50), percentileSorted(s, 90), percentileSorted(s, 99)
}
