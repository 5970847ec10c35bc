// Package gossip holds the anti-entropy round logic of the broadcast node:
// who the peers are, which of them a round contacts, and what each peer is
// known to hold. It performs no I/O and reads no clock, so the node binary,
// the benchmarks and a virtual-time simulation all drive the same code.
//
// Knowledge about a peer is kept as a count: the node's message set only
// grows, so "peer p holds everything the node had when it held n values" is
// one integer per peer, raised when p acknowledges a full-state sync or sends
// one that covers the whole local set.
package gossip
