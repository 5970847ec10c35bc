// Package codec reads and writes the Maelstrom wire format of the broadcast
// node: one JSON object per line.
//
// Decoding uses github.com/bytedance/sonic into a typed envelope whose body
// fields that carry numbers are kept raw, so that values are parsed exactly as
// int64 by this package's own integer scanners (ParseInt, AppendInts): no
// float64 is ever on the path, and a malformed value is reported with a text
// that names it.
//
// Encoding appends to caller-owned byte slices (AppendX(dst, ...) []byte) in
// the byte format of the exercise's reference node, which is Python's
// json.dumps with its default separators and ensure_ascii: `{"src": "n1",
// "dest": "c1", "body": {"type": "read_ok", "messages": [1, 2], ...}}`.
//
// Nothing in this package knows about the message set or the network.
package codec
