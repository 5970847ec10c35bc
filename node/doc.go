// Package node is the Maelstrom broadcast node: it applies decoded messages to
// the node's state, writes the replies, and runs the periodic anti-entropy
// rounds.
//
// A Node is used in one of two ways. Run wires the process: a reader goroutine
// that cuts stdin into chunks of whole lines, the handler loop (the single
// owner of all node state, which also receives the round timer), and a writer
// goroutine that owns stdout and flushes whenever it has nothing queued.
// Handle is the same handler for one line, for tests and benchmarks, with no
// goroutines at all.
package node
