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

// TestMeasure_lossTheory compares lossy runs (n = 100 and 1,000, K = 1,
// loss 0.1 and 0.3, both modes, 200 seeds) with Theory's lossy estimates
// and with meanFieldRounds.
//
// The estimates leave out the O(1) rounds of the transition between the
// growth and the end phase, as the lossless ones do. Measured with these
// seeds, mean minus estimate is +1.06 to +1.43 rounds for push (+5.8% to
// +9.4%, as without loss) and +0.79 to +1.73 rounds for push-pull (+11.5%
// to +19.0%: more than Tolerance, which is why lossy rows are not
// Row.Checked). The test holds them to the band TestMeasure_theory uses,
// [-0.5, +2] rounds; the largest, push-pull at loss 0.3 and n = 1,000,
// is 3 standard errors inside it.
//
// That push-pull gap is the closed form's, not the simulation's: iterating
// the expected informed count of Sim's loss rule round by round
// (meanFieldRounds) lands within 0.45 rounds of every measured mean here;
// the test allows 1 round (whole rounds against a mean, plus the spread of
// a random start). The same recursion with a reply that is lost
// independently of its request (pull success q instead of q²) would give
// 13 rounds instead of 15 at loss 0.3 and n = 1,000.
func TestMeasure_lossTheory(t *testing.T) {
	for _, p := range []float64{0.1, 0.3} {
		rows, err := Measure(Options{Ns: []int{100, 1000}, Ks: []int{1}, Loss: p, Seeds: 200})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		WriteTable(&buf, rows)
		t.Logf("\n%s", buf.String())
		for _, r := range rows {
			if r.Incomplete > 0 {
				t.Errorf("%v n=%d loss %.1f: %d trials did not converge", r.Mode, r.N, p, r.Incomplete)
			}
			if r.Basis != LossHeuristic || r.Checked {
				t.Errorf("%v n=%d loss %.1f: basis %v, checked %v; want %v, not checked", r.Mode, r.N, p, r.Basis, r.Checked, LossHeuristic)
			}
			if d := r.MeanRounds - r.Theory; d < -0.5 || d > 2 {
				t.Errorf("%v n=%d loss %.1f: mean %.2f - theory %.2f = %+.2f rounds, want within [-0.5, +2]",
					r.Mode, r.N, p, r.MeanRounds, r.Theory, d)
			}
			mf := meanFieldRounds(r.Mode, r.N, r.K, p)
			if d := r.MeanRounds - float64(mf); math.Abs(d) > 1 {
				t.Errorf("%v n=%d loss %.1f: mean %.2f, mean-field recursion %d rounds: %+.2f, want within 1",
					r.Mode, r.N, p, r.MeanRounds, mf, d)
			}
		}
	}
}

// meanFieldRounds iterates the expected number of informed nodes under
// Sim's round rule as if it were exact, starting from one: a node
// uninformed at the start of a round stays so if each of the informed
// nodes' K pushes (push and push-pull) misses it or is lost, and, in
// push-pull, each of its own K requests goes to an uninformed node or loses
// the request or the reply. It returns the first round after which less than
// half a node is expected to be uninformed.
func meanFieldRounds(mode Mode, n, k int, loss float64) int {
	q, fn, fk := 1-loss, float64(n), float64(k)
	informed := 1.0
	for r := 1; r <= DefaultMaxRounds(n, k, loss); r++ {
		stay := math.Pow(1-fk*q/(fn-1), informed)
		if mode == PushPull {
			stay *= math.Pow(1-q*q*informed/(fn-1), fk)
		}
		informed = fn - (fn-informed)*stay
		if fn-informed < 0.5 {
			return r
		}
	}
	return -1
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
