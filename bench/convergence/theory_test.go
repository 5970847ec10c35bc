package convergence

import (
	"math"
	"slices"
	"testing"
)

func TestTheory(t *testing.T) {
	log2 := func(x float64) float64 { return math.Log(x) / math.Log(2) }
	tests := []struct {
		name      string
		mode      Mode
		n, k      int
		loss      float64
		want      float64 // checked when wantBasis != NoTheory
		wantBasis Basis
	}{
		{"push K=1", Push, 1000, 1, 0, log2(1000) + math.Log(1000), Theorem},
		{"pushpull K=1", PushPull, 1000, 1, 0, math.Log(1000)/math.Log(3) + log2(math.Log(1000)), Theorem},
		{"push K=2", Push, 1000, 2, 0, math.Log(1000)/math.Log(3) + math.Log(1000)/2, Heuristic},
		{"push K=1 loss", Push, 1000, 1, 0.5, math.Log(1000)/math.Log(1.5) + 2*math.Log(1000), LossHeuristic},
		// q = 0.5: growth 1+(q+q²) = 1.75; ε = 0.75, L = ln(4/3) < 1, so
		// the end phase is (ln n - L)/(L+q) (larger than log2 ln n).
		{"pushpull K=1 loss", PushPull, 1000, 1, 0.5,
			math.Log(1000)/math.Log(1.75) + (math.Log(1000)-math.Log(4.0/3))/(math.Log(4.0/3)+0.5), LossHeuristic},
		{"pushpull K=2 loss", PushPull, 1000, 2, 0.1, 0, LossHeuristic},
		{"one node", Push, 1, 1, 0, 0, NoTheory},
		{"K zero", Push, 10, 0, 0, 0, NoTheory},
		{"negative loss", Push, 10, 1, -0.1, 0, NoTheory},
		{"loss one", PushPull, 10, 1, 1, 0, NoTheory},
		{"loss NaN", Push, 10, 1, math.NaN(), 0, NoTheory},
		{"bad mode", Mode(7), 10, 1, 0.1, 0, NoTheory},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, basis := Theory(tt.mode, tt.n, tt.k, tt.loss)
			if basis != tt.wantBasis {
				t.Fatalf("basis %v, want %v", basis, tt.wantBasis)
			}
			if tt.want != 0 && math.Abs(got-tt.want) > 1e-9 {
				t.Errorf("Theory = %.6f, want %.6f", got, tt.want)
			}
			if basis == NoTheory && got != 0 {
				t.Errorf("Theory = %v without a basis", got)
			}
		})
	}
}

// TestTheory_loss checks the shape of the lossy estimates over a grid of
// loss rates: they start at the lossless value, never decrease as loss
// grows (loss cannot speed convergence up), push-pull is never slower than
// push, and push-pull tends to push as loss approaches 1.
func TestTheory_loss(t *testing.T) {
	losses := []float64{0}
	for e := -9.0; e < 0; e += 0.01 {
		losses = append(losses, math.Pow(10, e))
	}
	for p := 0.1; p < 0.995; p += 0.005 {
		losses = append(losses, p)
	}
	slices.Sort(losses) // the two ranges overlap
	for _, n := range []int{3, 25, 100, 1000, 10000, 1000000} {
		for k := 1; k <= 4; k++ {
			for _, mode := range []Mode{Push, PushPull} {
				zero, _ := Theory(mode, n, k, 0)
				if v, _ := Theory(mode, n, k, 1e-9); math.Abs(v-zero) > 1e-6 {
					t.Errorf("%v n=%d K=%d: %.6f at loss 1e-9, %.6f without", mode, n, k, v, zero)
				}
				prev := zero
				for _, p := range losses[1:] {
					v, b := Theory(mode, n, k, p)
					if b != LossHeuristic {
						t.Fatalf("%v n=%d K=%d loss %g: basis %v", mode, n, k, p, b)
					}
					if v < prev-1e-9 {
						t.Errorf("%v n=%d K=%d: %.4f at loss %g, below %.4f at lower loss", mode, n, k, v, p, prev)
					}
					prev = v
					if mode == PushPull {
						if push, _ := Theory(Push, n, k, p); v > push+1e-9 {
							t.Errorf("n=%d K=%d loss %g: push-pull %.4f above push %.4f", n, k, p, v, push)
						}
					}
				}
			}
			pp, _ := Theory(PushPull, n, k, 0.99)
			push, _ := Theory(Push, n, k, 0.99)
			if pp/push < 0.95 {
				t.Errorf("n=%d K=%d loss 0.99: push-pull %.2f, push %.2f: not close", n, k, pp, push)
			}
		}
	}
}
