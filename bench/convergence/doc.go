// Package convergence is the convergence lab: an in-process, virtual-time
// simulation of the node's anti-entropy rounds, compared with epidemic
// theory.
//
// # Model
//
// n nodes "n0" .. "n<n-1>" run synchronous rounds. A value (the classic
// rumour) starts at n0; Config.Values > 1 spreads several values from
// evenly spaced nodes. In Push mode every node holding something sends its
// whole set to K peers chosen by gossip.Peers.Pick(K), the node's own
// peer-selection code; in PushPull mode every node contacts K peers chosen
// the same way and each contacted peer replies with its set. Everything is
// sent from the state at the start of the round. Config.Loss drops each
// message independently (a dropped request gets no reply). A trial reports
// the rounds until every node holds every value and the messages sent;
// Measure summarizes many seeds (mean, standard error, p99, max) next to
// Theory, and Plot draws rounds against n.
//
// Peer choice is never reimplemented: every pick is a call of
// gossip.Peers.Pick. By default one Peers per trial serves all nodes (a
// pick j by node u is read as u's j-th peer), because a Peers per node costs
// O(n^2) memory, about 15 GB at n = 10,000; Config.PerNode gives each node
// its own Peers for small n, and a test checks both agree.
//
// # Cost
//
// Node state is one uint64 bitset of values per node in two reused slices,
// so a round costs O(n) plus the picks, and Pick chooses K of all peers by
// sampling in O(K^2) when K is well below n. 200 seeds of n = 10,000 take
// about half a second per mode and K on two cores.
//
// # Theory and deviations
//
// Theory gives, for a single rumour without loss,
//
//	push:      log_{1+K} n + ln(n)/K         (K=1: Pittel; Frieze and Grimmett)
//	push-pull: log_{1+2K} n + log_{K+1} ln n (K=1: Karp, Schindelhauer, Shenker, Vöcking)
//
// and with loss p, q = 1-p, ε = 1-q², L = ln(1/ε), m = min(max(L, 1), ln n),
//
//	push:      log_{1+Kq} n + ln(n)/(Kq)
//	push-pull: log_{1+K(q+q²)} n + max(log_{K+1} ln n, log_{K+1} m + (ln n - min(L, ln n))/(K(L+q)))
//
// with the derivations in Theory's comment. The lossless K=1 forms are
// theorems (basis "theorem"); K>1 extends the same mean-field argument and
// is our estimate (basis "heuristic"), as is the constant of push-pull's
// O(log log n) term; every lossy form, K=1 included, is our extension too
// (basis "heuristic (loss)"). Where theory applies (Row.Checked: K=1, no
// loss, one value, n >= CheckMinN) the mean must be within Tolerance (10%).
// Measured
// (200 seeds, 20 at n=10,000): push K=1 is +9.1% at n=100, +7.3% at
// n=1,000, +6.7% at n=10,000; push-pull K=1 is +3.0%, 0.0% and +1.8%.
//
// The deviations are additive constants, not factors, which is why they
// shrink relative to the total as n grows:
//
//   - Push runs about one round over the formula at every n and K (+0.7 to
//     +1.3 rounds). Pittel's result is log2 n + ln n + O(1) in
//     probability: the O(1) (the transition between the exponential growth
//     and the exponential shrinking phase, and the integer number of rounds,
//     which overshoots the real-valued estimate) is real and the formula
//     omits it. For K>1 the same constant is a larger fraction of a smaller
//     total, so push K=2..4 reads +10% to +22% at n <= 1,000 (+6% to +13%
//     at n = 10,000) and is not
//     checked against 10%; the test checks instead that every estimate is
//     within [-0.5, +2] rounds.
//   - At n = 25 the rounds are so few (3 to 9) that one round is 10-30%,
//     so no row below CheckMinN is checked.
//   - Push-pull's log_{K+1} ln n term is an estimate of the O(log log n)
//     term; it fits K=1 and K=2 within a few percent, but with K=3 and 4 the
//     rounds (3 to 5) are dominated by rounding to whole rounds (+5% to
//     +19%).
//   - With loss (measured with -loss 0.1,0.3, 200 seeds, n = 25 to 10,000,
//     K = 1 to 4), every mean is 0.3 to 1.8 rounds over its estimate. Push
//     keeps its lossless pattern: K=1 is +0.9 to +1.7 rounds, +10% at n = 25
//     down to +5% at n = 10,000, the same O(1) as without loss, somewhat
//     longer because both phases are slower. Push-pull K=1 loses the
//     near-exact fit it has without loss: +0.8 to +1.1 rounds at p = 0.1
//     and +1.6 to +1.7 at p = 0.3 for n >= 100, which is +11.6% and +18.8%
//     at n = 100 and still +8.5% and +9.5% at n = 10,000; K = 2 to 4 read
//     +5% to +23%. The gap comes from the closed form, not the simulation:
//     iterating the expected informed count of the same loss rule round by
//     round reproduces the measured means within half a round (K=1, n = 100
//     and 1,000, p = 0.1 and 0.3; TestMeasure_lossTheory). The closed form
//     lets the end phase run at its limiting rate from the switch at s = ε
//     on, but near the switch a pull fails both from loss and from
//     uninformed peers, so the first end rounds are slower (in that
//     recursion at p = 0.3, K=1, n = 1,000, ln(1/s) grows by 0.8, 1.1, 1.3
//     instead of 1.37); without loss the calibrated log_{K+1} ln n term
//     absorbs the corresponding rounds. The gap is an additive constant
//     (the same number of rounds at n = 1,000 and 10,000), not a factor,
//     but it exceeds 10% up to n = 1,000, so lossy rows are not checked;
//     TestMeasure_lossTheory holds K=1 rows at n = 100 and 1,000 to
//     [-0.5, +2] rounds, and TestMeasure_loss checks that loss slows
//     convergence monotonically.
package convergence
