// Package codec reads and writes the Maelstrom wire format of the broadcast
// node: one JSON object per line.
//
// Decoding reads the envelope and keeps the body's fields that carry numbers
// raw, so that values are parsed exactly as int64 by this package's own
// integer scanners (ParseInt, AppendInts): no float64 is ever on the path, and
// a malformed value is reported with a text that names it. A plain line (the
// only kind Maelstrom and the nodes send) is read in one pass without
// reflection; any other goes to github.com/bytedance/sonic (or encoding/json,
// until sonic is compiled), and every line is held to what encoding/json
// would read from it. A long line streams through Stream and IntStream.
//
// Encoding appends to caller-owned byte slices (AppendX(dst, ...) []byte) in
// the byte format of the exercise's reference node, which is Python's
// json.dumps with its default separators and ensure_ascii: `{"src": "n1",
// "dest": "c1", "body": {"type": "read_ok", "messages": [1, 2], ...}}`.
//
// Nothing in this package knows about the message set or the network.
package codec
