package node

import (
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/bytedance/sonic"
	"github.com/maelstrom-gossip/node/codec"
	"github.com/maelstrom-gossip/node/gossip"
	"github.com/maelstrom-gossip/node/set"
)

// Maelstrom error codes the node sends.
const (
	codeNotSupported       = 10
	codeTemporarilyUnavail = 11
	codeMalformedRequest   = 12
	codePreconditionFailed = 22
)

// Node is one broadcast node: its identity, peers, message set and msg_id
// counter.
//
// A Node MUST NOT be used from concurrently running goroutines, except its
// Set, which is safe for concurrent use.
type Node struct {
	cfg Config

	dec  *codec.Decoder
	msg  codec.Message
	set  *set.Set
	in   *buffers // input chunks: reader to handler
	outs *buffers // output batches: handler to writer

	id         string // "" until init
	peers      *gossip.Peers
	neighbours []string // from the topology message; kept for later use
	nextMsgID  int64
	seed       uint64
	lines      int64 // lines seen, for log messages

	vals  []int64 // scratch: parsed batches and sorted reads
	array []byte  // scratch: the encoded array of a round's sync
}

// New returns a node with the given settings, or an error wrapping ErrConfig.
func New(cfg Config) (*Node, error) {
	if err := cfg.normalize(); err != nil {
		return nil, err
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	cfg.Stderr = &lockedWriter{w: cfg.Stderr}
	return &Node{cfg: cfg, dec: codec.NewDecoder(), set: set.New(), in: newBuffers(), outs: newBuffers(), seed: seed}, nil
}

// Set returns the node's message set. It is safe for concurrent use; values
// added to it directly are gossiped like any other.
func (n *Node) Set() *set.Set { return n.set }

// ID returns the node's id, or "" before init.
func (n *Node) ID() string { return n.id }

// Handle applies one input line (without its newline) and appends every
// message it causes to out, one per line, returning the extended slice.
// Blank lines are ignored. A line that cannot be answered (not JSON, no src,
// body or type, an unusable msg_id, a message for another node) appends
// nothing and writes one line to the configured Stderr.
//
// line is not retained. Handle MUST NOT be called concurrently with itself or
// with Round.
func (n *Node) Handle(line []byte, out []byte) []byte {
	n.lines++
	if isBlank(line) {
		return out
	}
	m := &n.msg
	if err := n.dec.Decode(line, m); err != nil {
		n.warnf("dropped line %d (%d bytes): %v", n.lines, len(line), err)
		return out
	}
	if n.id == "" {
		if m.Type == "init" {
			return n.init(m, out)
		}
		if m.HasInReplyTo {
			return out // a reply that arrived before init: nothing to do
		}
		return n.fail(out, m.Dest, codeTemporarilyUnavail, "node not initialized yet")
	}
	if m.Dest != n.id {
		n.warnf("dropped line %d: addressed to %q, this node is %q", n.lines, m.Dest, n.id)
		return out
	}
	switch m.Type {
	case "broadcast":
		return n.broadcast(m, out)
	case "read":
		return n.read(out)
	case "gossip_sync":
		return n.sync(m, out)
	case "gossip_sync_ok":
		if i, ok := n.peers.Index(m.Src); ok && m.HasInReplyTo {
			n.peers.Acked(i, m.InReplyTo)
		}
		return out
	case "gossip_round":
		return n.round(out, -1, true)
	case "topology":
		return n.topology(m, out)
	case "init":
		return n.fail(out, n.id, codePreconditionFailed, "already initialized as "+n.id)
	}
	if m.HasInReplyTo {
		// A reply we do not use (an error from a peer, say): never answer a
		// reply, or two nodes could bounce errors forever.
		return out
	}
	return n.fail(out, n.id, codeNotSupported, "unsupported message type "+quote(m.Type))
}

// Round runs one periodic anti-entropy round: up to Fanout random peers that
// are not known to hold every value get a gossip_sync of the whole set. It
// appends the syncs to out. Before init, or with an empty set, it does
// nothing.
func (n *Node) Round(out []byte) []byte {
	if n.id == "" {
		return out
	}
	return n.round(out, n.set.Len(), false)
}

// round sends the whole set to up to Fanout peers chosen by Pick(have) (have
// < 0: among all peers) and, when reply is set, answers the gossip_round
// request in n.msg.
func (n *Node) round(out []byte, have int, reply bool) []byte {
	if n.set.Len() == 0 {
		return out // nothing to send, and (as the exercise has it) no reply
	}
	picked := n.peers.Pick(n.cfg.Fanout, have)
	sent := 0
	if len(picked) > 0 {
		n.vals = n.set.AppendSorted(n.vals[:0])
		n.array = codec.AppendInts64(n.array[:0], n.vals)
		sent = len(n.vals)
	}
	out = n.outs.Reserve(out, len(picked)*(len(n.array)+256))
	for _, i := range picked {
		n.peers.Sent(i, n.nextMsgID, sent)
		out = codec.AppendStart(out, n.id, n.peers.ID(i), "gossip_sync")
		out = append(out, `, "messages": `...)
		out = append(out, n.array...)
		out = n.end(out)
	}
	if !reply || !n.msg.HasMsgID {
		return out
	}
	out = codec.AppendStart(out, n.id, n.msg.Src, "gossip_round_ok")
	out = codec.AppendIntField(out, "peers_contacted", int64(len(picked)))
	out = codec.AppendIntField(out, "messages_sent", int64(len(picked)*sent))
	return n.endReply(out)
}

func (n *Node) init(m *codec.Message, out []byte) []byte {
	var id string
	var ids []string
	if err := sonic.Unmarshal(m.NodeID, &id); err != nil || id == "" {
		return n.fail(out, m.Dest, codeMalformedRequest, "init: node_id must be a non-empty string")
	}
	if err := sonic.Unmarshal(m.NodeIDs, &ids); err != nil || ids == nil {
		return n.fail(out, m.Dest, codeMalformedRequest, "init: node_ids must be an array of strings")
	}
	peers, err := gossip.NewPeers(id, ids, n.seed)
	switch {
	case errors.Is(err, gossip.ErrSelfMissing):
		return n.fail(out, m.Dest, codeMalformedRequest, "init: node_ids must contain node_id "+quote(id))
	case errors.Is(err, gossip.ErrDuplicateID):
		return n.fail(out, m.Dest, codeMalformedRequest, "init: node_ids must not list a node twice")
	case err != nil:
		return n.fail(out, m.Dest, codeMalformedRequest, "init: "+err.Error())
	}
	n.id, n.peers = id, peers
	return n.ok(out, "init_ok")
}

func (n *Node) topology(m *codec.Message, out []byte) []byte {
	var topo map[string][]string
	if err := sonic.Unmarshal(m.Topology, &topo); err != nil || topo == nil {
		return n.fail(out, n.id, codeMalformedRequest, "topology: topology must be an object of node id arrays")
	}
	n.neighbours = append(n.neighbours[:0], topo[n.id]...)
	return n.ok(out, "topology_ok")
}

func (n *Node) broadcast(m *codec.Message, out []byte) []byte {
	if m.Message == nil {
		return n.fail(out, n.id, codeMalformedRequest, "broadcast: message is missing")
	}
	v, err := codec.ParseInt(m.Message)
	if err != nil {
		return n.fail(out, n.id, codeMalformedRequest, "broadcast: message "+codec.Snippet(m.Message)+" is not an integer in the int64 range")
	}
	n.set.Add(v)
	return n.ok(out, "broadcast_ok")
}

func (n *Node) read(out []byte) []byte {
	if !n.msg.HasMsgID {
		return out
	}
	n.vals = n.set.AppendSorted(n.vals[:0])
	out = n.outs.Reserve(out, codec.IntsSize(n.vals)+256)
	out = codec.AppendStart(out, n.id, n.msg.Src, "read_ok")
	out = codec.AppendIntsField(out, "messages", n.vals)
	return n.endReply(out)
}

func (n *Node) sync(m *codec.Message, out []byte) []byte {
	if m.Messages == nil {
		return n.fail(out, n.id, codeMalformedRequest, "gossip_sync: messages is missing")
	}
	vals := m.Values // parsed already when the decoder validated a long line
	if !m.HasValues {
		var err error
		if vals, err = codec.AppendInts(n.vals[:0], m.Messages); err != nil {
			var e *codec.ElemError
			if errors.As(err, &e) {
				return n.fail(out, n.id, codeMalformedRequest, "gossip_sync: messages "+e.Error())
			}
			return n.fail(out, n.id, codeMalformedRequest, "gossip_sync: messages "+codec.Snippet(m.Messages)+" is not an array of integers")
		}
		n.vals = vals
	}
	added := n.set.Merge(vals) // sorts vals in place
	if i, ok := n.peers.Index(m.Src); ok {
		// A sync carries the sender's whole set. When it covers the
		// whole local set, the sender needs nothing from this node.
		if have := n.set.Len(); len(vals) >= have && countDistinctSorted(vals) == have {
			n.peers.Holds(i, have)
		}
	}
	if !m.HasMsgID {
		return out
	}
	out = codec.AppendStart(out, n.id, m.Src, "gossip_sync_ok")
	out = codec.AppendIntField(out, "new_count", int64(added))
	return n.endReply(out)
}

// ok appends the reply of the given type, with no fields of its own, to the
// request in n.msg (nothing when the request had no msg_id).
func (n *Node) ok(out []byte, typ string) []byte {
	if !n.msg.HasMsgID {
		return out
	}
	out = codec.AppendStart(out, n.id, n.msg.Src, typ)
	return n.endReply(out)
}

// fail answers the request in n.msg with a Maelstrom error sent from src, or,
// when the request has no msg_id to answer, writes one line to stderr.
func (n *Node) fail(out []byte, src string, code int, text string) []byte {
	m := &n.msg
	if !m.HasMsgID {
		n.warnf("dropped line %d (%s from %q without msg_id): %s", n.lines, quote(m.Type), m.Src, text)
		return out
	}
	out = codec.AppendStart(out, src, m.Src, "error")
	out = codec.AppendIntField(out, "code", int64(code))
	out = codec.AppendStringField(out, "text", text)
	return n.endReply(out)
}

func (n *Node) endReply(out []byte) []byte {
	out = codec.AppendIntField(out, "in_reply_to", n.msg.MsgID)
	return n.end(out)
}

func (n *Node) end(out []byte) []byte {
	out = codec.AppendEnd(out, n.nextMsgID)
	n.nextMsgID++
	return out
}

func (n *Node) warnf(format string, args ...any) {
	fmt.Fprintf(n.cfg.Stderr, "[WARN] node: "+format+"\n", args...)
}

func quote(s string) string {
	return string(codec.AppendString(nil, s))
}

func countDistinctSorted(v []int64) int {
	if len(v) == 0 {
		return 0
	}
	d := 1
	for i := 1; i < len(v); i++ {
		if v[i] != v[i-1] {
			d++
		}
	}
	return d
}

func isBlank(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}
