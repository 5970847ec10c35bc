// Package gossip holds the dissemination logic of the broadcast node: who
// the peers are and which of them a random round contacts (Peers), and the
// Plan, which owns everything the node knows about its exchange with each
// peer and decides who gets what when. It performs no I/O and reads no clock
// (the caller passes the time in), so the node binary, the benchmarks and a
// virtual-time simulation all drive the same code.
//
// # Star and grid
//
// The first node of node_ids is the hub. The other nodes (leaves) push new
// values to it; the hub flushes what each leaf lacks at multiples of
// Settings.Batch on the wall clock (the grid). A leaf learns from the arrival
// times of the hub's flushes on the grid how long before a grid point its
// push must leave to arrive just in time, and holds new values until then,
// so that values broadcast close together share a push and none waits longer
// than it would at the hub. The lead covers the spread of the arrivals it
// observed, so it adapts to a noisy network (see phase); a push that misses
// its flush anyway is forwarded by the hub at once in a catch-up flush, at
// most Timing.CatchUpsPerBatch times a batch, instead of a whole batch later.
//
// # Acknowledgements and repair
//
// A message with values normally carries everything the peer is not known to
// hold, so an acknowledgement (the newest msg_id received, riding on the next
// message the other way) vouches for every earlier message, lost ones
// included. Knowledge about a peer is kept as a count: the node's set only
// grows, so "peer p holds everything the node had when it held n values" is
// one integer per peer, which is also a position in the Log that deltas are
// cut from. Repair rounds every Settings.Interval resend what stayed
// unacknowledged; without a star, or with a silent hub, they go to
// Settings.Fanout random peers, the exercise's anti-entropy. An idle cluster
// sends nothing.
//
// # Peer states
//
// Each link is in one PeerState: new, in-sync, fresh (values await an
// acknowledgement, recently sent), slow (they await it for long, but the
// peer's acknowledgements keep advancing), stalled (they do not: cut off or
// down), rejoined (heard again after a silence), restarted (it lost its
// state), or whole-in-flight (a message with the whole set awaits its
// acknowledgement). Slow and stalled peers get chained messages (only what is
// new, naming the message they follow), with a self-contained one now and
// then, so that a peer far behind does not get the whole unacknowledged
// stretch in every flush. Plan.advance holds every transition; Timing every
// threshold, each with its formula.
//
// # Restarts
//
// Every push carries the sender's incarnation (its start time). A higher one
// means the peer restarted with nothing: the node forgets what it knew about
// it and sends it everything again. An acknowledgement names the incarnation
// it is meant for, so that a restarted process, which numbers its messages
// from 0 again, never takes one meant for its previous process.
package gossip
