// Package baseline is the yardstick of the project's benchmarks: a plain
// Maelstrom broadcast node with the same contract as the project's node
// (package node), written the way most Maelstrom Go nodes are written. Every
// speed figure of the project is a ratio against this package, measured in the
// same run.
//
// It is deliberately typical, not optimized, and must stay that way:
//
//   - encoding/json into structs: the envelope is decoded with a
//     json.RawMessage body, and the body is decoded again for its common
//     fields and once more by the handler for its own fields;
//   - the state (node id, peers, the message set as a map[int64]struct{} and
//     the msg_id counter) sits under one sync.Mutex;
//   - Run reads stdin with a bufio.Scanner with a large buffer and handles
//     each message in its own goroutine, like the handlers of Maelstrom's demo
//     Go library (jepsen-io/maelstrom demo/go/node.go);
//   - every reply is built with json.Marshal (body, then envelope) and
//     written to Stdout with one mutex-guarded, unbuffered Write;
//   - read_ok values are sorted with sort.Slice.
//
// It departs from the demo library only where the demo would break the
// contract: values are int64 fields (never float64 or map[string]any, which
// would round values above 2^53), replies are typed structs so that msg_id and
// in_reply_to are set without a marshal/unmarshal round trip through a map, a
// bad request gets a Maelstrom error instead of stopping the node, and a null
// inside a gossip_sync array is rejected (encoding/json would quietly store 0).
// It logs only anomalies, not every message as the demo does, so its figures
// are, if anything, flattering to it.
//
// Besides Node.Run, the steps of the node are exported as functions (Decode,
// DecodeSync, MergeInto, SortedValues, EncodeReadOK, EncodeSync) and as
// Node.HandleLine, a synchronous decode-and-apply of one line, so that micro
// benchmarks in other packages can time each step against its counterpart in
// the project's node.
package baseline
