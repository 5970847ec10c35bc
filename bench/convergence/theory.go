package convergence

import "math"

// Basis says where a theoretical estimate comes from.
type Basis int

const (
	// NoTheory: no estimate is offered (several values, or message loss).
	NoTheory Basis = iota
	// Theorem: a published asymptotic result (push K=1: Pittel 1987,
	// Frieze and Grimmett 1985; push-pull K=1: Karp, Schindelhauer,
	// Shenker and Vöcking 2000, with the O(log log n) term's constant
	// taken from the mean-field argument in Theory).
	Theorem
	// Heuristic: the same mean-field argument extended to K > 1; not a
	// published theorem.
	Heuristic
)

// String returns "-", "theorem" or "heuristic".
func (b Basis) String() string {
	switch b {
	case Theorem:
		return "theorem"
	case Heuristic:
		return "heuristic"
	}
	return "-"
}

// Theory returns the expected number of rounds for a single rumour that
// starts at one node of n, without message loss, and the basis of that
// estimate; it returns (0, NoTheory) for values it has no estimate for.
//
// Push, fanout K. While few nodes are informed, almost every push reaches an
// uninformed node, so the informed count grows by a factor 1+K per round:
// log_{1+K} n rounds until a constant fraction is informed. From then on
// every node pushes to K of the n-1 others, so an uninformed node is missed
// by all of about n pushers with probability (1-K/(n-1))^n ≈ e^{-K}; the
// uninformed count shrinks by e^{-K} per round and reaching zero from about
// n takes ln(n)/K rounds. Hence
//
//	push:      log_{1+K} n + ln(n)/K.
//
// For K=1 this is Pittel's log2 n + ln n + O(1) (Frieze and Grimmett gave
// the leading terms); for K>1 it is our derivation (Heuristic). Both phases
// are asymptotic: the transition between them costs an O(1) number of
// rounds that the formula leaves out, so at small n the relative deviation
// is larger. The simulation (and the node) picks K distinct peers, never
// itself; Pittel's model picks one uniform node, which changes nothing
// asymptotically.
//
// Push-pull, fanout K. While the informed count I is small, the informed
// push to K new nodes and every uninformed node pulls from K peers, hitting
// an informed one with probability about K*I/n, so I grows by a factor
// 1+2K per round (3 for K=1, Karp et al.'s log3 n). Once a fraction s is
// still uninformed, an uninformed node stays so only if all its K pulls hit
// uninformed nodes (s^K) and no informed node pushes to it (e^{-K(1-s)}):
// s' ≈ s^{K+1} e^{-K}, so ln(1/s) grows by a factor K+1 per round and going
// from a constant s to 1/n takes log_{K+1} ln n rounds. Hence
//
//	push-pull: log_{1+2K} n + log_{K+1} ln n.
//
// For K=1 this is Karp et al.'s log3 n + O(log log n) with the constant of
// the O-term set to 1/ln 2 by the argument above (they bound it, they do not
// give it), so it is labelled Theorem but its second term is our estimate;
// for K>1 it is Heuristic.
func Theory(mode Mode, n, k int) (float64, Basis) {
	if n < 2 || k < 1 {
		return 0, NoTheory
	}
	fn, fk := float64(n), float64(k)
	basis := Heuristic
	if k == 1 {
		basis = Theorem
	}
	switch mode {
	case Push:
		return math.Log(fn)/math.Log(1+fk) + math.Log(fn)/fk, basis
	case PushPull:
		return math.Log(fn)/math.Log(1+2*fk) + math.Log(math.Log(fn))/math.Log(fk+1), basis
	}
	return 0, NoTheory
}
