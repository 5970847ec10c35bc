// Package gossip holds the dissemination logic of the broadcast node: who
// the peers are and which of them a random round contacts (Peers), the
// node's values in arrival order that deltas are cut from (Log), and the
// plan that decides which peer gets what when (Plan): pushes to the star's
// hub, the hub's batched flushes, acknowledgements, repair rounds and
// restarts. It performs no I/O and reads no clock (the caller passes the
// time in), so the node binary, the benchmarks and a virtual-time
// simulation all drive the same code.
//
// Knowledge about a peer is kept as a count: the node's message set only
// grows, so "peer p holds everything the node had when it held n values" is
// one integer per peer. It is raised when p acknowledges a message that
// carried everything p was not known to hold (a full-state sync, a push cut
// from the log at that count, or the last of a chain of pushes that p
// acknowledges only whole), or sends a sync that covers the whole local set;
// it drops to zero when p is found to have restarted.
package gossip
