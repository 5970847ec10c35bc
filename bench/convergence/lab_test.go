package convergence

import (
	"bytes"
	"math"
	"path/filepath"
	"testing"
)

// TestMeasure_theory is the small version of the lab: n = 100 and 400,
// K = 1..4, both modes, 100 seeds. Rows the theory applies to (K=1, see
// Row.Checked) must be within Tolerance. Every row with an estimate,
// Heuristic ones included, must lie within [-0.5, +2] rounds of it: the
// deviations the formulas allow are additive constants, not factors.
func TestMeasure_theory(t *testing.T) {
	rows, err := Measure(Options{Ns: []int{100, 400}, Ks: []int{1, 2, 3, 4}, Seeds: 100})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	WriteTable(&buf, rows)
	t.Logf("\n%s", buf.String())
	checked := 0
	for _, r := range rows {
		if r.Incomplete > 0 {
			t.Errorf("%v n=%d K=%d: %d trials did not converge", r.Mode, r.N, r.K, r.Incomplete)
		}
		if r.Checked {
			checked++
			if !r.OK() {
				t.Errorf("%v n=%d K=%d: mean %.2f vs theory %.2f: %+.1f%%, tolerance %.0f%%",
					r.Mode, r.N, r.K, r.MeanRounds, r.Theory, 100*r.Dev, 100*Tolerance)
			}
		}
		if d := r.MeanRounds - r.Theory; d < -0.5 || d > 2 {
			t.Errorf("%v n=%d K=%d (%v): mean %.2f - theory %.2f = %+.2f rounds, want within [-0.5, +2]",
				r.Mode, r.N, r.K, r.Basis, r.MeanRounds, r.Theory, d)
		}
	}
	if checked != 4 { // push and pushpull, K=1, n=100 and 400
		t.Errorf("checked %d rows, want 4", checked)
	}
}

// TestMeasure_loss: loss only slows convergence. Mean rounds grow with the
// loss rate for every mode and K, and everything still converges.
func TestMeasure_loss(t *testing.T) {
	losses := []float64{0, 0.1, 0.3, 0.5}
	tests := []struct {
		name string
		mode Mode
		k    int
	}{
		{"push K=1", Push, 1},
		{"push K=3", Push, 3},
		{"pushpull K=1", PushPull, 1},
		{"pushpull K=2", PushPull, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			prev := 0.0
			for _, p := range losses {
				rows, err := Measure(Options{Ns: []int{200}, Ks: []int{tt.k}, Modes: []Mode{tt.mode}, Loss: p, Seeds: 100})
				if err != nil {
					t.Fatal(err)
				}
				r := rows[0]
				if r.Incomplete > 0 {
					t.Fatalf("loss %.1f: %d trials did not converge", p, r.Incomplete)
				}
				// Four standard errors of slack: the ordering must not
				// be a fluke, and must not flake either.
				if r.MeanRounds+4*r.StdErr <= prev {
					t.Errorf("loss %.1f: mean %.2f rounds, not slower than %.2f at lower loss", p, r.MeanRounds, prev)
				}
				if p > 0 && r.MeanRounds <= prev {
					t.Errorf("loss %.1f: mean %.2f rounds <= %.2f at lower loss", p, r.MeanRounds, prev)
				}
				prev = r.MeanRounds
			}
		})
	}
}

// TestMeasure_perNode: one gossip.Peers per node and one shared Peers give
// the same process, so their means agree within a few standard errors.
func TestMeasure_perNode(t *testing.T) {
	for _, mode := range []Mode{Push, PushPull} {
		var means [2]Row
		for i, perNode := range []bool{false, true} {
			rows, err := Measure(Options{Ns: []int{100}, Ks: []int{2}, Modes: []Mode{mode}, Seeds: 100, PerNode: perNode})
			if err != nil {
				t.Fatal(err)
			}
			means[i] = rows[0]
		}
		a, b := means[0], means[1]
		se := math.Hypot(a.StdErr, b.StdErr)
		if d := math.Abs(a.MeanRounds - b.MeanRounds); d > 4*se+0.05 {
			t.Errorf("%v: shared %.2f vs per-node %.2f rounds, differ by %.2f > 4 se (%.2f)", mode, a.MeanRounds, b.MeanRounds, d, 4*se)
		}
	}
}

func TestPlot(t *testing.T) {
	rows, err := Measure(Options{Ns: []int{25, 50, 100}, Ks: []int{1, 2}, Seeds: 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := Plot(rows, filepath.Join(t.TempDir(), "c.png")); err != nil {
		t.Fatal(err)
	}
}
