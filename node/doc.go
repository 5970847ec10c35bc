// Package node is the Maelstrom broadcast node: it applies decoded messages to
// the node's state, writes the replies, and sends the gossip that its plan
// (package gossip) calls for.
//
// A Node is used in one of two ways. Run serves a process: on a pipe (the way
// Maelstrom starts a node) one goroutine reads stdin through Go's poller,
// handles each line and writes the replies, so that a lone message costs one
// wake-up; the next gossip timer is the read's deadline, and the output goes
// out in one vectored write per batch, when the input falls idle or the batch
// is big. Handle is the same handler for one line, for tests and benchmarks.
//
// Lines of any length are read: a long one is read as it arrives
// (codec.Stream), its messages array going to a set.Stage value by value,
// so that a gossip_sync of millions of values needs memory for the rest of
// its line and for the values' roaring form, never for its text; the stage
// leaves out what the set holds already (set.Stage.Against). Replies
// that carry the whole set (read_ok, the gossip_syncs of a gossip_round, a
// push of the whole set) are written from the set's JSON text, which a
// codec.ArrayText keeps up to date segment by segment as values arrive.
//
// A broadcast_ok leaves at once, or, with Config.Ack set to AckReplicated,
// once a peer is known to hold the value (the plan's Replicated), with the
// handling of the message that tells it. Before it leaves, the value is
// written to the run log (Config.RunLog), which a process of the same node
// restarted by the same harness takes back, or fsynced to Config.DataDir.
//
// The node's state, its set included, belongs to the goroutine that runs it;
// nothing in this package takes a lock on the way from a line to its reply.
package node
