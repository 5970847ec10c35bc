package node

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

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
	codeCrash              = 13
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

	id        string        // "" until init
	peers     *gossip.Peers // the plan's peers: ids and indexes
	plan      *gossip.Plan  // who gets what when; the owner of all dissemination state
	nextMsgID int64
	seed      uint64
	inc       int64                                      // this process's incarnation: its start time, sent on every push
	store     *store                                     // acknowledged values on disk (Config.DataDir); nil when off
	lines     int64                                      // lines seen, for log messages
	sent      struct{ data, repairs, acks, syncs int64 } // messages sent to peers, for the exit summary

	vals  []int64       // scratch: parsed batches and sorted reads
	fresh []int64       // scratch: the values of a batch that were new
	array []byte        // scratch: the encoded array of a round's sync
	sends []gossip.Send // scratch: the messages a tick sends
}

// bulkMerge is the batch size from which received values are merged in bulk
// (set.Merge) instead of one by one. A bulk merge does not list the new
// values in the log, so the next message to each peer carries the whole set.
const bulkMerge = 4096

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
	return &Node{cfg: cfg, dec: codec.NewDecoder(), set: set.New(), in: newBuffers(), outs: newBuffers(), seed: seed,
		inc: max(cfg.Clock().UnixNano(), 1)}, nil
}

// Set returns the node's message set. It is safe for concurrent use; values
// added to it directly are gossiped too, but in whole-set messages, since the
// node does not see them arrive (see catchUp).
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
	case "gossip_push":
		return n.push(m, out)
	case "gossip_sync_ok":
		if i, ok := n.peers.Index(m.Src); ok && m.HasInReplyTo {
			n.plan.SyncOK(i, m.InReplyTo, n.now())
		}
		return out
	case "gossip_round":
		return n.round(out)
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

// Tick sends every gossip message that is due at the node's clock: pushes to
// the hub, the hub's flushes, repair rounds and acknowledgements. It appends
// them to out. Before init it does nothing. Next tells when to call it.
//
// Tick MUST NOT be called concurrently with Handle.
func (n *Node) Tick(out []byte) []byte {
	if n.id == "" {
		return out
	}
	n.catchUp()
	now := n.cfg.Clock().UnixNano()
	n.sends = n.plan.Due(now, n.sends[:0])
	for _, s := range n.sends {
		out = n.emit(out, s, now)
	}
	return out
}

// Next returns when Tick has something to do, and false when nothing is
// pending (before init, or with no timer and nothing to send).
//
// Next MUST NOT be called concurrently with Handle.
func (n *Node) Next() (time.Time, bool) {
	if n.id == "" {
		return time.Time{}, false
	}
	n.catchUp()
	t := n.plan.Next(n.cfg.Clock().UnixNano())
	if t == 0 {
		return time.Time{}, false
	}
	return time.Unix(0, t), true
}

// catchUp tells the plan about values added to the set directly (Set().Add),
// as unlisted, so that what the plan knows stays the set's size.
func (n *Node) catchUp() {
	if d := n.set.Len() - n.plan.Len(); d > 0 {
		n.plan.Unlisted(d)
	}
}

// now returns the node's clock in nanoseconds since the Unix epoch.
func (n *Node) now() int64 { return n.cfg.Clock().UnixNano() }

// emit appends the gossip_push of s: the values peer s.Peer lacks (those
// listed since what it holds, or the whole set), and an acknowledgement of
// the last push it sent with values.
func (n *Node) emit(out []byte, s gossip.Send, now int64) []byte {
	i := s.Peer
	out = codec.AppendStart(out, n.id, n.peers.ID(i), "gossip_push")
	if s.Repair {
		n.sent.repairs++
	}
	if s.Data {
		n.sent.data++
		vals, listed := n.plan.Values(n.vals[:0], s)
		if !listed {
			vals = n.set.AppendSorted(n.vals[:0])
		}
		n.vals = vals
		out = n.outs.Reserve(out, codec.IntsSize(vals)+256)
		out = codec.AppendIntsField(out, "messages", vals)
		if s.Chained {
			out = codec.AppendIntField(out, "prev", s.Prev)
		}
	}
	if s.Grid {
		out = append(out, `, "grid": true`...)
	}
	if ack, ackInc, ok := n.plan.Ack(i); ok {
		out = codec.AppendIntField(out, "ack", ack)
		if ackInc != 0 {
			out = codec.AppendIntField(out, "ack_inc", ackInc)
		}
	}
	out = codec.AppendIntField(out, "inc", n.inc)
	if !s.Data {
		n.sent.acks++
	}
	n.plan.Sent(s, n.nextMsgID, now)
	return n.end(out)
}

// round answers the gossip_round request in n.msg as the seed has it: the
// whole set goes to up to Fanout peers chosen at random among all peers, as
// gossip_sync requests whose acknowledgements tell the node what each peer
// holds. With an empty set it sends nothing and does not reply.
func (n *Node) round(out []byte) []byte {
	if n.set.Len() == 0 {
		return out
	}
	n.catchUp()
	picked := n.plan.Round(n.nextMsgID, n.now())
	sent := 0
	if len(picked) > 0 {
		n.vals = n.set.AppendSorted(n.vals[:0])
		n.array = codec.AppendInts64(n.array[:0], n.vals)
		sent = len(n.vals)
	}
	out = n.outs.Reserve(out, len(picked)*(len(n.array)+256))
	for _, i := range picked {
		n.sent.syncs++
		out = codec.AppendStart(out, n.id, n.peers.ID(i), "gossip_sync")
		out = append(out, `, "messages": `...)
		out = append(out, n.array...)
		out = n.end(out)
	}
	if !n.msg.HasMsgID {
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
	plan, err := gossip.NewPlan(id, ids, n.cfg.gossip(), n.inc, n.seed)
	switch {
	case errors.Is(err, gossip.ErrSelfMissing):
		return n.fail(out, m.Dest, codeMalformedRequest, "init: node_ids must contain node_id "+quote(id))
	case errors.Is(err, gossip.ErrDuplicateID):
		return n.fail(out, m.Dest, codeMalformedRequest, "init: node_ids must not list a node twice")
	case err != nil:
		return n.fail(out, m.Dest, codeMalformedRequest, "init: "+err.Error())
	}
	if n.cfg.DataDir != "" {
		st, recovered, err := openStore(n.cfg.DataDir, id, n.set)
		if err != nil {
			return n.fail(out, m.Dest, codeCrash, "init: persistence: "+err.Error())
		}
		n.store = st
		if recovered > 0 {
			n.warnf("recovered %d values from %s", recovered, n.cfg.DataDir)
		}
	}
	n.id, n.plan, n.peers = id, plan, plan.Peers()
	n.catchUp()
	return n.ok(out, "init_ok")
}

func (n *Node) topology(m *codec.Message, out []byte) []byte {
	// The star does not use Maelstrom's topology, but a malformed one is
	// still refused.
	var topo map[string][]string
	if err := sonic.Unmarshal(m.Topology, &topo); err != nil || topo == nil {
		return n.fail(out, n.id, codeMalformedRequest, "topology: topology must be an object of node id arrays")
	}
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
	if n.set.Add(v) {
		n.plan.Local(v)
	}
	if n.store != nil {
		n.store.add(v) // durable before broadcast_ok leaves (Run syncs first)
	}
	return n.ok(out, "broadcast_ok")
}

func (n *Node) read(out []byte) []byte {
	if !n.msg.HasMsgID {
		return out
	}
	n.vals = n.set.AppendSorted(n.vals[:0])
	out = n.outs.Reserve(out, codec.SortedIntsSize(n.vals)+256)
	out = codec.AppendStart(out, n.id, n.msg.Src, "read_ok")
	out = codec.AppendIntsField(out, "messages", n.vals)
	return n.endReply(out)
}

func (n *Node) sync(m *codec.Message, out []byte) []byte {
	if m.Messages == nil {
		return n.fail(out, n.id, codeMalformedRequest, "gossip_sync: messages is missing")
	}
	vals, ok := n.values(m)
	if !ok {
		return n.fail(out, n.id, codeMalformedRequest, "gossip_sync: messages "+n.valuesError(m))
	}
	fresh, unlisted := n.merge(vals)
	if i, known := n.peers.Index(m.Src); known {
		// vals came back sorted from the merge.
		n.plan.Sync(i, countDistinctSorted(vals), fresh, unlisted, n.now())
	} else {
		n.local(fresh, unlisted)
	}
	added := len(fresh) + unlisted
	if !m.HasMsgID {
		return out
	}
	out = codec.AppendStart(out, n.id, m.Src, "gossip_sync_ok")
	out = codec.AppendIntField(out, "new_count", int64(added))
	return n.endReply(out)
}

// push applies a gossip_push: values a peer sent eagerly or in repair, and
// its acknowledgement of this node's pushes. It is never answered (an
// acknowledgement rides on a later push), except with an error when it is
// malformed and has a msg_id.
func (n *Node) push(m *codec.Message, out []byte) []byte {
	p := gossip.Push{MsgID: m.MsgID, HasMsgID: m.HasMsgID, Data: m.Messages != nil, Grid: string(m.Grid) == "true"}
	for _, f := range [...]struct {
		name string
		raw  []byte
		v    *int64
		has  *bool
	}{
		{"ack", m.Ack, &p.Ack, &p.HasAck},
		{"inc", m.Inc, &p.Inc, &p.HasInc},
		{"ack_inc", m.AckInc, &p.AckInc, &p.HasAckInc},
		{"prev", m.Prev, &p.Prev, &p.Chained},
	} {
		if f.raw == nil {
			continue
		}
		v, err := codec.ParseInt(f.raw)
		if err != nil {
			return n.fail(out, n.id, codeMalformedRequest, "gossip_push: "+f.name+" "+codec.Snippet(f.raw)+" is not an integer in the int64 range")
		}
		*f.v, *f.has = v, true
	}
	var vals []int64
	if p.Data {
		var ok bool
		if vals, ok = n.values(m); !ok {
			return n.fail(out, n.id, codeMalformedRequest, "gossip_push: messages "+n.valuesError(m))
		}
	}
	fresh, unlisted := n.merge(vals)
	if i, known := n.peers.Index(m.Src); known {
		n.plan.Push(i, &p, fresh, unlisted, n.now())
	} else {
		n.local(fresh, unlisted)
	}
	return out
}

// values returns the integers of m's messages array, and false when it is
// not an array of int64 values (valuesError says why).
func (n *Node) values(m *codec.Message) ([]int64, bool) {
	if m.HasValues {
		return m.Values, true // parsed already when the decoder validated a long line
	}
	vals, err := codec.AppendInts(n.vals[:0], m.Messages)
	if err != nil {
		return nil, false
	}
	n.vals = vals
	return vals, true
}

// valuesError describes why m's messages array was refused.
func (n *Node) valuesError(m *codec.Message) string {
	_, err := codec.AppendInts(nil, m.Messages)
	var e *codec.ElemError
	if errors.As(err, &e) {
		return e.Error()
	}
	return codec.Snippet(m.Messages) + " is not an array of integers"
}

// merge adds vals to the set, sorting them in place, and returns the values
// that were new, ascending, for the plan to list (fresh, which aliases the
// node's scratch until the next merge); or, for a batch of bulkMerge values
// or more, merged in bulk without listing them, how many were new
// (unlisted).
func (n *Node) merge(vals []int64) (fresh []int64, unlisted int) {
	if len(vals) >= bulkMerge {
		n.catchUp()
		return nil, n.set.Merge(vals)
	}
	n.fresh = n.set.MergeNew(vals, n.fresh[:0])
	return n.fresh, 0
}

// local tells the plan about new values that came from no peer: a sync or
// push from a node that is not in node_ids counts as a client.
func (n *Node) local(fresh []int64, unlisted int) {
	n.plan.Local(fresh...)
	n.plan.Unlisted(unlisted)
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
