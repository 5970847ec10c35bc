package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

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
// counter, and the JSON text of its set.
//
// A Node MUST NOT be used from concurrently running goroutines, nor its Set:
// the node's state, the set included, belongs to the goroutine that runs
// Handle, Tick and Next (in Run, the one that called Run).
type Node struct {
	cfg Config

	dec    *codec.Decoder
	msg    codec.Message
	set    *set.Set
	text   *codec.ArrayText // the set's JSON text, kept up to date incrementally
	stream *codec.Stream    // reads a long line as it arrives
	stage  *set.Stage       // the values of a streamed messages array
	w      *writer          // stdout, in Run

	// The output batch: Handle and Tick append to a byte slice; a piece
	// of the set's text is referred to rather than copied (ref), which
	// cuts the bytes before it into iov.
	o struct {
		iov  [][]byte
		cut  int // bytes of the current buffer already in iov
		refs int // bytes of the pieces referred to
	}
	carry      []byte // the start of a line that has not ended yet (short)
	streaming  bool   // the line that has not ended yet goes to stream
	fromStream bool   // the message being handled was read by stream
	failed     error  // a write that failed while feeding input

	id        string        // "" until init
	peers     *gossip.Peers // the plan's peers: ids and indexes
	plan      *gossip.Plan  // who gets what when; the owner of all dissemination state
	nextMsgID int64
	seed      uint64
	inc       int64                                      // this process's incarnation: its start time, sent on every push
	store     *store                                     // acknowledged values on disk (Config.DataDir); nil when off
	runLog    *runLog                                    // acknowledged values not yet held by a peer (Config.RunLog); nil when off
	lines     int64                                      // lines seen, for log messages
	sent      struct{ data, repairs, acks, syncs int64 } // messages sent to peers, for the exit summary

	// held are the broadcast_oks that wait, under AckReplicated, until a
	// peer holds their values, oldest first; their lines are heldText,
	// back to back.
	held     []heldAck
	heldText []byte

	vals   []int64       // scratch: parsed batches and listed values
	fresh  []int64       // scratch: the values of a batch that were new
	pieces [][]byte      // scratch: the pieces of the set's text
	sends  []gossip.Send // scratch: the messages a tick sends
}

// heldAck is a broadcast_ok held back (see Config.Ack): it may leave once a
// peer holds the node's first pos values, and its line ends at end in
// Node.heldText.
type heldAck struct{ pos, end int }

// maxHeld bounds the broadcast_oks held back at once. Maelstrom's clients
// wait for each reply, so a cluster holds one per client at most; a broadcast
// beyond the bound is refused with error 11 (temporarily unavailable) and
// changes nothing.
const maxHeld = 1 << 16

// bulkMerge is the batch size from which received values are merged in bulk
// (set.Merge) instead of one by one. A bulk merge does not list the new
// values in the log, so the next message to each peer carries the whole set.
const bulkMerge = 4096

// longLine is the length from which a line is read through the line stream
// (codec.Stream), which hands its messages array to the stage, rather than
// decoded whole.
const longLine = 1 << 10

// Thresholds of the set's text in a reply: a text shorter than copyText is
// copied into the batch; in a longer one, pieces shorter than copyPiece are
// copied and the others referred to, to be written from where they are.
const (
	copyText  = 16 << 10
	copyPiece = 1 << 10
)

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
	n := &Node{cfg: cfg, dec: codec.NewDecoder(), set: set.New(), text: codec.NewArrayText(),
		stream: codec.NewStream(cfg.MaxLineBytes), stage: new(set.Stage), seed: seed,
		inc: max(cfg.Clock().UnixNano(), 1)}
	// A streamed array leaves out what the set holds: only the node's
	// goroutine touches either, and a stage is committed into the set or
	// dropped before the set changes otherwise.
	n.stage.Against(n.set)
	return n, nil
}

// Set returns the node's message set. It belongs to the node's goroutine
// (see Node); values added to it directly are gossiped too, but in whole-set
// messages, since the node does not see them arrive (see catchUp).
func (n *Node) Set() *set.Set { return n.set }

// ID returns the node's id, or "" before init.
func (n *Node) ID() string { return n.id }

// Handle applies one input line (without its newline) and appends every
// message it causes to out, one per line, returning the extended slice.
// Blank lines are ignored. A line that cannot be answered (not JSON, no src,
// body or type, an unusable msg_id, a message for another node) appends
// nothing and writes one line to the configured Stderr. A line of longLine
// bytes or more is read as Run reads a long line (codec.Stream).
//
// line is not retained. Handle MUST NOT be called concurrently with itself,
// Tick or Next, nor while Run runs.
func (n *Node) Handle(line []byte, out []byte) []byte {
	n.resetBatch()
	out = n.line(line, out)
	if len(n.o.iov) == 0 {
		return out
	}
	// Pieces of the set's text were referred to: copy them in.
	res := make([]byte, 0, n.batchSize(out))
	for _, b := range n.o.iov {
		res = append(res, b...)
	}
	res = append(res, out[n.o.cut:]...)
	n.resetBatch()
	return res
}

// line handles one input line in the batch out.
func (n *Node) line(line []byte, out []byte) []byte {
	if len(line) >= longLine {
		n.stream.Reset(n.stage)
		n.stream.Feed(line)
		return n.endStream(out)
	}
	n.lines++
	n.fromStream = false
	if isBlank(line) {
		return out
	}
	m := &n.msg
	if err := n.dec.Decode(line, m); err != nil {
		n.warnf("dropped line %d (%d bytes): %v", n.lines, len(line), err)
		return out
	}
	return n.dispatch(m, out)
}

// endStream handles the line that the line stream read.
func (n *Node) endStream(out []byte) []byte {
	n.streaming = false
	n.lines++
	n.fromStream = true
	defer n.stage.Reset()
	held, placeholder, err := n.stream.End()
	if err != nil {
		n.warnf("skipped line %d (%d bytes): over the %d-byte limit of what a line may hold (its messages array of integers aside)", n.lines, n.stream.Len(), n.cfg.MaxLineBytes)
		return out
	}
	if isBlank(held) {
		return out
	}
	m := &n.msg
	if err := n.dec.DecodeStreamed(held, placeholder, n.stream.Sure(), m); err != nil {
		n.warnf("dropped line %d (%d bytes): %v", n.lines, n.stream.Len(), err)
		return out
	}
	return n.dispatch(m, out)
}

// dispatch applies the decoded message m.
func (n *Node) dispatch(m *codec.Message, out []byte) []byte {
	if n.id == "" {
		if m.Type == "init" {
			return n.init(m, out)
		}
		if m.HasInReplyTo {
			return out // a reply that arrived before init: nothing to do
		}
		return n.fail(m, out, m.Dest, codeTemporarilyUnavail, "node not initialized yet")
	}
	if m.Dest != n.id {
		n.warnf("dropped line %d: addressed to %q, this node is %q", n.lines, m.Dest, n.id)
		return out
	}
	switch m.Type {
	case "broadcast":
		return n.broadcast(m, out)
	case "read":
		return n.read(m, out)
	case "gossip_sync":
		return n.release(n.sync(m, out))
	case "gossip_push":
		return n.release(n.push(m, out))
	case "gossip_sync_ok":
		if i, ok := n.peers.Index(m.Src); ok && m.HasInReplyTo {
			n.plan.SyncOK(i, m.InReplyTo, n.now())
		}
		return n.release(out)
	case "gossip_round":
		return n.round(m, out)
	case "topology":
		return n.topology(m, out)
	case "init":
		return n.fail(m, out, n.id, codePreconditionFailed, "already initialized as "+n.id)
	}
	if m.HasInReplyTo {
		// A reply we do not use (an error from a peer, say): never answer a
		// reply, or two nodes could bounce errors forever.
		return out
	}
	return n.fail(m, out, n.id, codeNotSupported, "unsupported message type "+quote(m.Type))
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

// catchUp tells the plan and the text about values added to the set
// directly (Set().Add): the plan counts them as unlisted, so that what it
// knows stays the set's size, and the text is made afresh.
func (n *Node) catchUp() {
	if d := n.set.Len() - n.plan.Len(); d > 0 {
		n.plan.Unlisted(d)
		n.text.Reset()
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
		out = append(out, `, "messages": `...)
		if vals, listed := n.plan.Values(n.vals[:0], s); listed {
			n.vals = vals
			out = codec.AppendInts64(out, vals)
		} else {
			out = n.appendSet(out)
		}
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

// round answers the gossip_round request m as the seed has it: the
// whole set goes to up to Fanout peers chosen at random among all peers, as
// gossip_sync requests whose acknowledgements tell the node what each peer
// holds. With an empty set it sends nothing and does not reply.
func (n *Node) round(m *codec.Message, out []byte) []byte {
	if n.set.Len() == 0 {
		return out
	}
	n.catchUp()
	picked := n.plan.Round(n.nextMsgID, n.now())
	sent := n.set.Len()
	for _, i := range picked {
		n.sent.syncs++
		out = codec.AppendStart(out, n.id, n.peers.ID(i), "gossip_sync")
		out = append(out, `, "messages": `...)
		out = n.appendSet(out)
		out = n.end(out)
	}
	if !m.HasMsgID {
		return out
	}
	out = codec.AppendStart(out, n.id, m.Src, "gossip_round_ok")
	out = codec.AppendIntField(out, "peers_contacted", int64(len(picked)))
	out = codec.AppendIntField(out, "messages_sent", int64(len(picked)*sent))
	return n.endReply(m, out)
}

func (n *Node) init(m *codec.Message, out []byte) []byte {
	// init and topology come once: encoding/json reads them, so that sonic
	// compiles only the envelope's decoder (see codec.Warm).
	var id string
	var ids []string
	if err := json.Unmarshal(m.NodeID, &id); err != nil || id == "" {
		return n.fail(m, out, m.Dest, codeMalformedRequest, "init: node_id must be a non-empty string")
	}
	if err := json.Unmarshal(m.NodeIDs, &ids); err != nil || ids == nil {
		return n.fail(m, out, m.Dest, codeMalformedRequest, "init: node_ids must be an array of strings")
	}
	plan, err := gossip.NewPlan(id, ids, n.cfg.gossip(), n.inc, n.seed)
	switch {
	case errors.Is(err, gossip.ErrSelfMissing):
		return n.fail(m, out, m.Dest, codeMalformedRequest, "init: node_ids must contain node_id "+quote(id))
	case errors.Is(err, gossip.ErrDuplicateID):
		return n.fail(m, out, m.Dest, codeMalformedRequest, "init: node_ids must not list a node twice")
	case err != nil:
		return n.fail(m, out, m.Dest, codeMalformedRequest, "init: "+err.Error())
	}
	if n.cfg.DataDir != "" {
		st, recovered, err := openStore(n.cfg.DataDir, id, n.set)
		if err != nil {
			return n.fail(m, out, m.Dest, codeCrash, "init: persistence: "+err.Error())
		}
		n.store = st
		if recovered > 0 {
			n.warnf("recovered %d values from %s", recovered, n.cfg.DataDir)
		}
	}
	if n.store == nil && n.cfg.RunLog && plan.Peers().Len() > 0 {
		rl, held, err := openRunLog(id, n.inc, plan.Peers().Len())
		if err != nil {
			n.warnf("run log off: %v", err) // the node works without it
		} else {
			n.runLog = rl
			if held > 0 {
				n.warnf("run log: %d values acknowledged by earlier incarnations wait for a peer of their run", held)
			}
		}
	}
	n.id, n.plan, n.peers = id, plan, plan.Peers()
	n.catchUp()
	n.text.Reset() // values recovered from the store
	return n.ok(m, out, "init_ok")
}

func (n *Node) topology(m *codec.Message, out []byte) []byte {
	// The star does not use Maelstrom's topology, but a malformed one is
	// still refused.
	var topo map[string][]string
	if err := json.Unmarshal(m.Topology, &topo); err != nil || topo == nil {
		return n.fail(m, out, n.id, codeMalformedRequest, "topology: topology must be an object of node id arrays")
	}
	return n.ok(m, out, "topology_ok")
}

func (n *Node) broadcast(m *codec.Message, out []byte) []byte {
	if m.Message == nil {
		return n.fail(m, out, n.id, codeMalformedRequest, "broadcast: message is missing")
	}
	v, err := codec.ParseInt(m.Message)
	if err != nil {
		return n.fail(m, out, n.id, codeMalformedRequest, "broadcast: message "+codec.Snippet(m.Message)+" is not an integer in the int64 range")
	}
	hold := n.cfg.Ack == AckReplicated && m.HasMsgID
	if hold && len(n.held) == maxHeld {
		return n.fail(m, out, n.id, codeTemporarilyUnavail, "broadcast: "+strconv.Itoa(maxHeld)+" acknowledgements already wait for a peer to hold their values")
	}
	n.addLocal(v)
	switch {
	case n.store != nil:
		n.store.add(v) // durable before broadcast_ok leaves (Run syncs first)
	case n.runLog != nil:
		n.runLog.add(v, n.plan.Len()) // in the run log before broadcast_ok leaves (Run syncs first)
	}
	if pos := n.plan.Len(); hold && n.plan.Replicated() < pos {
		// Every value up to this one's position must be held elsewhere:
		// a value the node already had may be the unacknowledged one.
		n.heldText = n.ok(m, n.heldText, "broadcast_ok")
		n.held = append(n.held, heldAck{pos: pos, end: len(n.heldText)})
		return out
	}
	return n.ok(m, out, "broadcast_ok")
}

// release appends to out the held broadcast_oks whose values a peer now
// holds (see Config.Ack).
func (n *Node) release(out []byte) []byte {
	if len(n.held) == 0 {
		return out
	}
	replicated := n.plan.Replicated()
	k := 0
	for k < len(n.held) && n.held[k].pos <= replicated {
		k++
	}
	if k == 0 {
		return out
	}
	end := n.held[k-1].end
	out = append(out, n.heldText[:end]...)
	n.heldText = n.heldText[:copy(n.heldText, n.heldText[end:])]
	n.held = n.held[:copy(n.held, n.held[k:])]
	for i := range n.held {
		n.held[i].end -= end
	}
	return out
}

func (n *Node) read(m *codec.Message, out []byte) []byte {
	if !m.HasMsgID {
		return out
	}
	out = codec.AppendStart(out, n.id, m.Src, "read_ok")
	out = append(out, `, "messages": `...)
	out = n.appendSet(out)
	return n.endReply(m, out)
}

// appendSet appends the set's JSON array to the batch out: copied from the
// set's text when it is short, and otherwise as pieces of the text that the
// batch refers to (ref), to be written from where they are kept.
func (n *Node) appendSet(out []byte) []byte {
	pieces, total := n.text.Pieces(n.set, n.pieces[:0])
	n.pieces = pieces
	out = append(out, '[')
	for _, p := range pieces {
		if total < copyText || len(p) < copyPiece {
			out = append(out, p...)
		} else {
			out = n.ref(out, p)
		}
	}
	return append(out, ']')
}

// ref adds piece p, which the batch does not own, after the batch's bytes in
// out so far.
func (n *Node) ref(out, p []byte) []byte {
	n.o.iov = append(n.o.iov, out[n.o.cut:len(out):len(out)], p)
	n.o.cut = len(out)
	n.o.refs += len(p)
	return out
}

// batchSize returns the bytes of the batch: out's and those referred to.
func (n *Node) batchSize(out []byte) int { return len(out) + n.o.refs }

// resetBatch empties the batch after it was written (or dropped): the pieces
// referred to may be written again.
func (n *Node) resetBatch() {
	clear(n.o.iov) // let go of the buffers
	n.o.iov, n.o.cut, n.o.refs = n.o.iov[:0], 0, 0
	n.text.Release()
}

func (n *Node) sync(m *codec.Message, out []byte) []byte {
	if m.Messages == nil {
		return n.fail(m, out, n.id, codeMalformedRequest, "gossip_sync: messages is missing")
	}
	vals, ok := n.values(m)
	if !ok {
		return n.fail(m, out, n.id, codeMalformedRequest, "gossip_sync: messages "+n.valuesError(m))
	}
	fresh, unlisted, distinct := n.merge(vals, m.Staged)
	if i, known := n.peers.Index(m.Src); known {
		n.plan.Sync(i, distinct, fresh, unlisted, n.now())
	} else {
		n.local(fresh, unlisted)
	}
	added := len(fresh) + unlisted
	if !m.HasMsgID {
		return out
	}
	out = codec.AppendStart(out, n.id, m.Src, "gossip_sync_ok")
	out = codec.AppendIntField(out, "new_count", int64(added))
	return n.endReply(m, out)
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
			return n.fail(m, out, n.id, codeMalformedRequest, "gossip_push: "+f.name+" "+codec.Snippet(f.raw)+" is not an integer in the int64 range")
		}
		*f.v, *f.has = v, true
	}
	var vals []int64
	if p.Data {
		var ok bool
		if vals, ok = n.values(m); !ok {
			return n.fail(m, out, n.id, codeMalformedRequest, "gossip_push: messages "+n.valuesError(m))
		}
	}
	fresh, unlisted, _ := n.merge(vals, m.Staged)
	if i, known := n.peers.Index(m.Src); known {
		n.plan.Push(i, &p, fresh, unlisted, n.now())
		if n.runLog != nil && p.HasInc {
			n.adopt(n.runLog.hear(i, p.Inc))
		}
	} else {
		n.local(fresh, unlisted)
	}
	return out
}

// addLocal adds v, a value this node acknowledges, to the set and, when it
// is new, to what the plan sends and to the set's cached text; it reports
// whether v was new.
func (n *Node) addLocal(v int64) bool {
	if !n.set.Add(v) {
		return false
	}
	n.plan.Local(v)
	n.text.Added(v)
	return true
}

// adopt takes back values that an earlier incarnation of the node
// acknowledged (see runLog): they join the set as a client's would, and the
// run log keeps them again until a peer holds them.
func (n *Node) adopt(vals []int64) {
	if len(vals) == 0 {
		return
	}
	added := 0
	for _, v := range vals {
		if n.addLocal(v) {
			added++
		}
		n.runLog.add(v, n.plan.Len())
	}
	n.warnf("run log: took back %d values acknowledged by an earlier incarnation (%d of them new)", len(vals), added)
}

// values returns the integers of m's messages array, and false when it is
// not an array of int64 values (valuesError says why). For a streamed array
// (m.Staged) it returns nil: the values are in the stage.
func (n *Node) values(m *codec.Message) ([]int64, bool) {
	if m.Staged {
		return nil, true
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
		if n.fromStream {
			e.Index += n.stream.ElemBase() // the array was held from a bad element on
		}
		return e.Error()
	}
	return codec.Snippet(m.Messages) + " is not an array of integers"
}

// merge adds a batch to the set: vals, or, for a streamed array (staged),
// the stage. It returns the values that were new, ascending, for the plan to
// list (fresh, which aliases the node's scratch until the next merge); or,
// for a batch of bulkMerge values or more, merged in bulk without listing
// them, how many were new (unlisted); and how many distinct values the
// batch held. The set's text learns what changed. vals is sorted in place.
func (n *Node) merge(vals []int64, staged bool) (fresh []int64, unlisted, distinct int) {
	if staged {
		if n.stage.Spilled() {
			n.catchUp()
			// Commit empties the stage: ask it first.
			distinct, known := n.stage.Len()
			if !known {
				distinct = -1
			}
			lo, hi, ok := n.stage.Bounds()
			added := n.set.Commit(n.stage)
			if ok && added > 0 {
				n.text.Changed(lo, hi)
			}
			return nil, added, distinct
		}
		vals = append(n.vals[:0], n.stage.Values()...)
		n.vals = vals
	}
	if len(vals) >= bulkMerge {
		n.catchUp()
		added := n.set.Merge(vals)
		if added > 0 {
			n.text.Changed(vals[0], vals[len(vals)-1])
		}
		return nil, added, countDistinctSorted(vals)
	}
	n.fresh = n.set.MergeNew(vals, n.fresh[:0])
	n.text.AddedAll(n.fresh)
	return n.fresh, 0, countDistinctSorted(vals)
}

// local tells the plan about new values that came from no peer: a sync or
// push from a node that is not in node_ids counts as a client.
func (n *Node) local(fresh []int64, unlisted int) {
	n.plan.Local(fresh...)
	n.plan.Unlisted(unlisted)
}

// ok appends the reply of the given type, with no fields of its own, to the
// request m (nothing when the request had no msg_id).
func (n *Node) ok(m *codec.Message, out []byte, typ string) []byte {
	if !m.HasMsgID {
		return out
	}
	out = codec.AppendStart(out, n.id, m.Src, typ)
	return n.endReply(m, out)
}

// fail answers the request m with a Maelstrom error sent from src, or,
// when the request has no msg_id to answer, writes one line to stderr.
func (n *Node) fail(m *codec.Message, out []byte, src string, code int, text string) []byte {
	if !m.HasMsgID {
		n.warnf("dropped line %d (%s from %q without msg_id): %s", n.lines, quote(m.Type), m.Src, text)
		return out
	}
	out = codec.AppendStart(out, src, m.Src, "error")
	out = codec.AppendIntField(out, "code", int64(code))
	out = codec.AppendStringField(out, "text", text)
	return n.endReply(m, out)
}

func (n *Node) endReply(m *codec.Message, out []byte) []byte {
	out = codec.AppendIntField(out, "in_reply_to", m.MsgID)
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
