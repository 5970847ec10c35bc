package convergence

import "math"

// Basis says where a theoretical estimate comes from.
type Basis int

const (
	// NoTheory: no estimate is offered (several values, or parameters out
	// of range).
	NoTheory Basis = iota
	// Theorem: a published asymptotic result (push K=1: Pittel 1987,
	// Frieze and Grimmett 1985; push-pull K=1: Karp, Schindelhauer,
	// Shenker and Vöcking 2000, with the O(log log n) term's constant
	// taken from the mean-field argument in Theory).
	Theorem
	// Heuristic: the same mean-field argument extended to K > 1; not a
	// published theorem.
	Heuristic
	// LossHeuristic: the mean-field argument extended to message loss, for
	// every K including 1; not a published theorem.
	LossHeuristic
)

// String returns "-", "theorem", "heuristic" or "heuristic (loss)".
func (b Basis) String() string {
	switch b {
	case Theorem:
		return "theorem"
	case Heuristic:
		return "heuristic"
	case LossHeuristic:
		return "heuristic (loss)"
	}
	return "-"
}

// Theory returns the expected number of rounds for a single rumour that
// starts at one node of n when every message is lost independently with
// probability loss, and the basis of that estimate; it returns
// (0, NoTheory) for values it has no estimate for (n < 2, k < 1, loss
// outside [0, 1)). The derivation follows, first without loss.
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
//
// With loss p, let q = 1-p be the probability that one message arrives.
//
// Push. Each of a holder's K pushes arrives with probability q, so the
// growth phase multiplies the informed count by 1+Kq per round, and in the
// end phase an uninformed node is missed by all of about n pushers with
// probability (1-Kq/(n-1))^n ≈ e^{-Kq}. The argument above, with K
// replaced by Kq, gives
//
//	push, loss p:      log_{1+Kq} n + ln(n)/(Kq).
//
// Push-pull. A contact is a request that carries the sender's set and,
// only if the request arrived, a reply that carries the contacted node's
// set, each lost independently (Sim.Run). The push half of a contact thus
// succeeds with probability q and the pull half with q². While the informed
// count I is small, the informed push to KqI new nodes and the uninformed
// pull from an informed node Kq²I times, a growth factor of 1+K(q+q²) per
// round. In the end phase, with a fraction s uninformed, one pull of an
// uninformed node fails if its peer is uninformed or a message is lost, with
// probability s + (1-s)(1-q²) = ε + q²s, where ε = 1-q² = p(2-p) is the
// chance that a pull from an informed peer fails. With the pushes,
//
//	s' ≈ s (ε + q²s)^K e^{-Kq(1-s)}.
//
// Two regimes follow. While s is well above ε, s' ≈ s^{K+1} times a
// constant, and ln(1/s) grows by a factor K+1 per round as without loss.
// Once s is well below ε, s' ≈ s ε^K e^{-Kq}: ln(1/s) grows by a constant
// K(L+q) per round, where L = ln(1/ε), which is push's end phase with a
// faster rate. Switching between the two at s = ε, that is at ln(1/s) = L,
// the first regime takes log_{K+1} L rounds from ln(1/s) = 1 to L (none if
// L <= 1, that is p >= 0.205: the loss dominates as soon as the growth phase
// ends) and the second (ln n - L)/(K(L+q)) rounds from L to ln n (none if
// L >= ln n, that is p below about 1/(2n): such rare loss does not show).
// Loss cannot make convergence faster: give a lossy and a lossless run the
// same peer choices; every message the lossy run delivers, the lossless one
// delivers too, so the lossless run informs a superset of nodes after every
// round. At small p the two-regime count can nevertheless fall below the
// lossless log_{K+1} ln n, by up to about a quarter of a round, because the
// first regime drops the additive push term (as the lossless formula does)
// while the second keeps it as Kq; the end phase is therefore taken as the
// larger of the two. With m = min(max(L, 1), ln n),
//
//	push-pull, loss p: log_{1+K(q+q²)} n
//	                   + max(log_{K+1} ln n, log_{K+1} m + (ln n - min(L, ln n))/(K(L+q))).
//
// At p = 0 both formulas are the lossless ones. As p approaches 1 the pull,
// which needs two messages, fades faster than the push, and push-pull tends
// to push. Both are our extension of the mean-field argument, for K=1 as
// well, and are labelled LossHeuristic. Like the lossless formulas they
// leave out the O(1) rounds of the transition between the phases; with loss
// these are more rounds, because both phases are slower (doc.go gives the
// measured deviations).
func Theory(mode Mode, n, k int, loss float64) (float64, Basis) {
	if n < 2 || k < 1 || !(loss >= 0 && loss < 1) {
		return 0, NoTheory
	}
	if loss > 0 {
		return lossTheory(mode, n, k, loss)
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

// lossTheory is Theory for 0 < loss < 1.
func lossTheory(mode Mode, n, k int, loss float64) (float64, Basis) {
	q := 1 - loss
	lnN, fk := math.Log(float64(n)), float64(k)
	switch mode {
	case Push:
		return lnN/math.Log(1+fk*q) + lnN/(fk*q), LossHeuristic
	case PushPull:
		growth := lnN / math.Log(1+fk*(q+q*q))
		lossless := math.Log(lnN) / math.Log(fk+1)
		l := -math.Log(loss * (2 - loss)) // L = ln(1/ε), ε = 1-q²
		m := min(max(l, 1), lnN)
		lossy := math.Log(m)/math.Log(fk+1) + (lnN-min(l, lnN))/(fk*(l+q))
		return growth + max(lossless, lossy), LossHeuristic
	}
	return 0, NoTheory
}
