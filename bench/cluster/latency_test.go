package cluster

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func TestLatency_Draw(t *testing.T) {
	const n = 200000
	mean := 100 * time.Millisecond
	tests := []struct {
		dist     string
		min, max float64 // bounds on every draw, in ms
		sd       float64 // expected standard deviation, in ms
	}{
		{"constant", 100, 100, 0},
		{"uniform", 0, 200, 200 / math.Sqrt(12)},
		{"exponential", 0, math.Inf(1), 100},
	}
	for _, tt := range tests {
		t.Run(tt.dist, func(t *testing.T) {
			l, err := newLatency(tt.dist, mean)
			if err != nil {
				t.Fatal(err)
			}
			r := rand.New(rand.NewPCG(1, 2))
			var sum, sq float64
			for range n {
				d := float64(l.draw(r)) / 1e6
				if d < tt.min || d > tt.max {
					t.Fatalf("draw %v ms outside [%v, %v]", d, tt.min, tt.max)
				}
				sum += d
				sq += d * d
			}
			got := sum / n
			sd := math.Sqrt(sq/n - got*got)
			// The sample mean is within 5 standard errors of 100 ms, and
			// within 1% in any case.
			if tol := math.Max(5*tt.sd/math.Sqrt(n), 1e-9); math.Abs(got-100) > tol || math.Abs(got-100) > 1 {
				t.Errorf("mean %.3f ms, want 100 ± %.3f", got, tol)
			}
			if math.Abs(sd-tt.sd) > 0.02*tt.sd+1e-6 {
				t.Errorf("standard deviation %.3f ms, want %.3f", sd, tt.sd)
			}
		})
	}
}

func TestLatency_Zero(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, dist := range LatencyDists {
		l, err := newLatency(dist, 0)
		if err != nil {
			t.Fatal(err)
		}
		if d := l.draw(r); d != 0 {
			t.Errorf("%s with mean 0 drew %v", dist, d)
		}
	}
	if _, err := newLatency("normal", time.Millisecond); err != ErrUnknownLatencyDist {
		t.Errorf("err = %v, want ErrUnknownLatencyDist", err)
	}
}
