package gossip

import (
	"fmt"
	"math/rand/v2"
)

// Send is one message a Plan wants sent: to Peer, with values (Data) or with
// nothing but an acknowledgement. The values are those the log lists from
// position From on that the peer may lack (Plan.Values), or the whole set
// when From is WholeSet or before the log's Base. Repair marks a message of
// a repair round, for statistics.
//
// Grid marks a message on the hub's Batch grid, and must be said on the
// wire: from the hub, a flush on the grid, by which (and by no other
// message) the receiver times its pushes; from another node, a push timed
// to reach the hub just before a flush, which the hub forwards in a
// catch-up flush when it misses that flush (untimed pushes, sent before the
// node learned the phase, wait for the next flush).
//
// A Chained message carries only what was listed since the previous message
// with values to Peer, whose msg_id is Prev, and must say so on the wire:
// the peer acknowledges it only when it acknowledged Prev's chain too (see
// Push). Any other message with values is self-contained: it carries
// everything Peer is not known to hold.
type Send struct {
	Peer    int
	Data    bool
	From    int
	Repair  bool
	Grid    bool
	Chained bool
	Prev    int64
}

// WholeSet is Send.From for a message that carries the whole set.
const WholeSet = -1

// Push is what a gossip_push says besides its values: its msg_id, the
// sender's incarnation, its acknowledgement of this node's messages, and its
// place in a chain. A Has field is false when the field was absent.
type Push struct {
	MsgID     int64
	HasMsgID  bool
	Inc       int64 // the sender's incarnation
	HasInc    bool
	Ack       int64 // the newest msg_id of this node's the sender acknowledges
	HasAck    bool
	AckInc    int64 // the incarnation of this node that Ack is meant for
	HasAckInc bool
	Data      bool  // it had a messages field
	Chained   bool  // it had a prev field
	Prev      int64 // the msg_id of the push it is chained to
	Grid      bool  // it is a flush on the hub's grid
}

// Plan decides, for one node, which peer gets which message when: eager
// pushes along the star, the hub's batched flushes, repair rounds, and
// acknowledgements. It owns the node's dissemination state: the log of the
// node's values in arrival order, and a link per peer with what the peer
// holds, what awaits its acknowledgement, what the node owes it and the
// PeerState those put it in. It is pure logic over a clock that the caller
// passes in (nanoseconds since the Unix epoch, so that the hub's flush grid
// is the same for every node), which lets a simulation drive it in virtual
// time.
//
// The caller tells the Plan what happened (Local and Unlisted for values it
// added itself; Push, Sync and SyncOK for messages from peers; Round for a
// gossip_round) and asks it what to send: Next says when, Due lists the
// messages; the caller builds each one (Values, Ack, Inc) and reports it
// with Sent.
//
// Knowledge about a peer is kept as a count: the node's message set only
// grows, so "peer p holds everything the node had when it held n values" is
// one integer per peer, which is also a position in the log.
//
// Plan MUST NOT be used from concurrently running goroutines; in the node it
// belongs to the handler loop.
type Plan struct {
	s     Settings
	t     Timing
	peers *Peers
	links []link
	log   Log
	hub   int   // peer index of the hub; -1 when this node is the hub or there is no star
	inc   int64 // this node's incarnation
	rng   *rand.Rand
	phase phase  // a leaf's estimate of when its pushes must leave
	epoch uint64 // counts Due calls, for link.mark
	cand  []int  // scratch for repair's random choice

	pushAt    int64 // a leaf: when the pending push goes; 0 none
	flushAt   int64 // the hub: when the next flush on the grid goes; 0 none
	catchUpAt int64 // the hub: when a catch-up flush goes; 0 none
	caughtUp  int64 // the hub: the grid point whose batch had catchUps catch-up flushes
	catchUps  int
	flushedAt int   // the hub: log length at the last flush
	repairAt  int64 // next repair round; 0 not yet scheduled
	started   int64 // the first time the plan was asked anything
	helloDone bool
}

// NewPlan returns the plan of node self in a cluster of nodeIDs (which must
// contain self and no id twice; the first is the hub of the star), with
// settings s. inc is the node's incarnation, a number that grows each time
// a node process starts (its start time, say); seed fixes the random
// choices. The errors wrap ErrSettings, ErrSelfMissing or ErrDuplicateID.
func NewPlan(self string, nodeIDs []string, s Settings, inc int64, seed uint64) (*Plan, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	peers, err := NewPeers(self, nodeIDs, seed)
	if err != nil {
		return nil, err
	}
	pl := &Plan{s: s, t: s.timing(), peers: peers, inc: inc, hub: -1,
		rng:   rand.New(rand.NewPCG(seed, 0xbb67ae8584caa73b)),
		links: make([]link, peers.Len()),
		cand:  make([]int, 0, peers.Len()),
	}
	pl.phase = phase{batch: max(pl.t.Batch, 1), base: pl.t.PhaseBase, keep: pl.t.PhaseSamples}
	if s.Star {
		if h, ok := peers.Index(nodeIDs[0]); ok {
			pl.hub = h
		}
	}
	for i := range pl.links {
		pl.links[i].reset(0)
	}
	return pl, nil
}

// Peers returns the node's peers: their ids and indexes. The Plan keeps
// using it; do not Pick from it while the Plan is in use elsewhere.
func (pl *Plan) Peers() *Peers { return pl.peers }

// Timing returns the timers and thresholds derived from the settings.
func (pl *Plan) Timing() Timing { return pl.t }

// Inc returns this node's incarnation, which every push carries.
func (pl *Plan) Inc() int64 { return pl.inc }

// Len returns the number of values the plan knows the node holds: the
// length of its log.
func (pl *Plan) Len() int { return pl.log.Len() }

// State returns peer i's state, as of the last call that took the time.
func (pl *Plan) State(i int) PeerState { return pl.links[i].state }

// Mode returns the node's role at now.
func (pl *Plan) Mode(now int64) Mode {
	switch {
	case !pl.s.Star:
		return ModeRounds
	case pl.hub < 0:
		return ModeHub
	}
	if l := &pl.links[pl.hub]; l.unackedSince != 0 && now-l.unackedSince >= pl.t.HubSilentAfter {
		return ModeHubSilent
	}
	return ModeLeaf
}

// Replicated returns how many of the node's values, counted in the order
// the node added them (as Len counts them), some peer is known to hold: a
// value that made the node's set n large is held by another node too once
// Replicated is at least n. A node without peers counts as holding all.
func (pl *Plan) Replicated() int {
	if len(pl.links) == 0 {
		return pl.log.Len()
	}
	n := 0
	for i := range pl.links {
		n = max(n, pl.links[i].holds)
	}
	return n
}

// Local records values that the node's clients brought (broadcasts), new to
// the node, in the order it added them.
func (pl *Plan) Local(vals ...int64) {
	for _, v := range vals {
		pl.log.Append(v, FromClient)
	}
}

// Unlisted records that n values joined the node's set without being listed
// (a bulk merge, or values added to the set directly): peers that may lack
// them get the whole set.
func (pl *Plan) Unlisted(n int) { pl.log.Skip(n) }

// Push applies a gossip_push from peer i, received at now: fresh are the
// values of it that were new to the node, in the order it added them, and
// unlisted how many new values it added without listing them. The parts are
// applied in this order, which matters:
//
//  1. the sender's incarnation: a higher one than known means it restarted
//     with nothing, and the node forgets what it knew of it; a lower one
//     marks a late message from a dead process, whose values still count
//     (values are facts) but whose acknowledgement and msg_id do not;
//  2. its acknowledgement of this node's messages, if meant for this
//     node's incarnation (an acknowledgement without ack_inc is taken as
//     meant for it);
//  3. its values, listed as coming from the sender (after 1, so that a
//     restarted sender is known to hold what it just sent);
//  4. the receipt: what this node now owes it an acknowledgement for, and,
//     for a flush of the hub on the grid, the timing of this node's pushes.
//
// At the hub, values that a push brings within CatchUpWindow after a grid
// point missed that flush, and a catch-up flush forwards them at once.
func (pl *Plan) Push(i int, p *Push, fresh []int64, unlisted int, now int64) {
	current := !p.HasInc || pl.incarnation(i, p.Inc, now)
	if p.HasAck && current && (!p.HasAckInc || p.AckInc == pl.inc) {
		pl.acked(i, p.Ack, now)
	}
	pl.list(i, fresh, unlisted)
	if p.HasMsgID && current {
		pl.received(i, p, now)
	}
	if p.Grid && (len(fresh) > 0 || unlisted > 0) && pl.hub < 0 && pl.t.Phased {
		pl.catchUp(now)
	}
}

// Sync applies a gossip_sync from peer i that carried distinct distinct
// values (negative: unknown): fresh and unlisted are as for Push. A sync
// carries the sender's whole set: when it covers every value the node
// holds, the sender needs nothing from this node; when it has fewer values
// than the sender was known to hold, the sender lost state (it restarted)
// and must be sent everything. A sync of unknown size tells neither.
func (pl *Plan) Sync(i int, distinct int, fresh []int64, unlisted int, now int64) {
	pl.list(i, fresh, unlisted)
	if distinct < 0 {
		return
	}
	if have := pl.log.Len(); distinct == have {
		pl.holds(i, have, now)
	} else if distinct < pl.links[i].holds {
		pl.forget(i)
	}
}

// SyncOK records peer i's gossip_sync_ok for this node's sync inReplyTo.
// Unknown or repeated acknowledgements are ignored.
func (pl *Plan) SyncOK(i int, inReplyTo int64, now int64) {
	l := &pl.links[i]
	for j := range l.pending {
		if e := &l.pending[j]; e.size != 0 && e.msgID == inReplyTo {
			size := e.size
			*e = pending{}
			pl.holds(i, size, now)
			return
		}
	}
}

// Round answers a gossip_round as the seed has it: it picks up to Fanout
// peers uniformly among all and records that each is sent a gossip_sync of
// the whole set, with msg_ids firstMsgID, firstMsgID+1, ... in the order
// returned (index order). The returned slice is reused by the next call.
func (pl *Plan) Round(firstMsgID int64, now int64) []int {
	picked := pl.peers.Pick(pl.s.Fanout)
	for k, i := range picked {
		pl.record(&pl.links[i], firstMsgID+int64(k), now)
	}
	return picked
}

// list adds to the log the values that came from peer src.
func (pl *Plan) list(src int, fresh []int64, unlisted int) {
	for _, v := range fresh {
		pl.log.Append(v, src)
	}
	pl.log.Skip(unlisted)
}

// incarnation records the incarnation that peer i announced and reports
// whether its message is current (see Push).
func (pl *Plan) incarnation(i int, inc int64, now int64) bool {
	l := &pl.links[i]
	switch {
	case inc == l.inc:
		return true
	case inc < l.inc:
		return false
	}
	if l.inc != 0 {
		pl.forget(i)
	}
	l.inc = inc
	return true
}

// forget records that peer i may have lost what it held: the node knows
// nothing of what it holds, values it sent before no longer count as held
// by it, and the acknowledgements the node awaited or owed it are dropped.
func (pl *Plan) forget(i int) {
	l := &pl.links[i]
	l.reset(pl.log.Len())
	pl.advance(l, evRestarted, 0)
}

// acked records peer i's cumulative acknowledgement of msg_id upTo: it holds
// everything the node had when it sent that message, so also what any
// earlier message carried. (A self-contained message carries everything the
// peer was not known to hold, and the peer acknowledges a chained one only
// when it has the whole chain; see received.)
func (pl *Plan) acked(i int, upTo int64, now int64) {
	l := &pl.links[i]
	size := 0
	for j := range l.pending {
		if e := &l.pending[j]; e.size != 0 && e.msgID <= upTo {
			size = max(size, e.size)
			*e = pending{}
		}
	}
	if upTo > l.ackedID {
		l.ackedID, l.ackedAt = upTo, now
	}
	pl.holds(i, size, now)
}

// holds records that peer i holds (at least) the first n values the node
// had. What is still unacknowledged then dates from the oldest send that
// carried more (as far as the pending sends tell).
func (pl *Plan) holds(i, n int, now int64) {
	l := &pl.links[i]
	l.holds = max(l.holds, n)
	if l.holds >= l.sentLen {
		l.unackedSince = 0
	} else {
		oldest := int64(0)
		for _, e := range l.pending {
			if e.size > l.holds && (oldest == 0 || e.at < oldest) {
				oldest = e.at
			}
		}
		l.unackedSince = max(l.unackedSince, oldest)
	}
	pl.advance(l, evAcked, now)
}

// received records a push from peer i that is current (see Push).
//
// Only pushes with values are acknowledged, so that acknowledgements never
// bounce. The msg_id that Ack returns vouches for everything the peer had
// when it sent that push: a self-contained push carries it all, and a
// chained one is taken only when it continues the push acknowledged so far.
// A chained push that follows a lost (or overtaken) one still brings its
// values, but the acknowledgement stays where it was until the peer's next
// self-contained push, a repair, closes the gap.
func (pl *Plan) received(i int, p *Push, now int64) {
	l := &pl.links[i]
	pl.advance(l, evHeard, now)
	l.heard = now
	if !p.Data {
		return
	}
	switch {
	case p.Chained:
		if p.Prev == l.recvMax && p.MsgID > p.Prev {
			l.recvMax = p.MsgID
		}
	case p.MsgID > l.recvMax:
		l.recvMax = p.MsgID
	}
	if l.owedSince == 0 {
		l.owedSince = now
	}
	l.lastRecv = now
	if p.Grid && i == pl.hub && pl.t.Phased {
		pl.phase.observe(now)
	}
}

// catchUp schedules, at the hub, a catch-up flush for values that arrived
// at now, when they missed the flush at the last grid point (they came less
// than CatchUpWindow after it, and that flush is not still pending), unless
// one is pending already (they ride on it) or that batch had
// CatchUpsPerBatch of them; otherwise they wait for the next flush on the
// grid. The cap bounds what late pushes can cost: at most CatchUpsPerBatch
// more messages per peer and batch.
func (pl *Plan) catchUp(now int64) {
	b := pl.t.Batch
	grid := now - now%b
	if now-grid >= pl.t.CatchUpWindow || pl.flushAt == grid || pl.catchUpAt != 0 {
		return // in time for a flush on the grid, or for a catch-up flush
	}
	if pl.caughtUp != grid {
		pl.caughtUp, pl.catchUps = grid, 0
	}
	if pl.catchUps < pl.t.CatchUpsPerBatch {
		pl.catchUps++
		pl.catchUpAt = now + pl.t.MinDelay
	}
}

// Ack returns the msg_id to acknowledge to peer i (the newest push with
// values received from it, of a complete chain) and the incarnation of the
// peer that sent it (0 when not known), and false when nothing was received
// from it. The incarnation must travel with the msg_id: a peer that
// restarted numbers its messages from 0 again, and must not take an
// acknowledgement meant for its previous process for one of its own.
func (pl *Plan) Ack(i int) (msgID, inc int64, ok bool) {
	l := &pl.links[i]
	return l.recvMax, l.inc, l.recvMax >= 0
}

// Values appends to dst the values that the message s carries, from the
// log, and reports true; it reports false when they are no longer listed and
// the caller must send the whole set.
func (pl *Plan) Values(dst []int64, s Send) ([]int64, bool) {
	if s.From == WholeSet {
		return dst, false
	}
	return pl.log.AppendFrom(dst, s.From, s.Peer, pl.links[s.Peer].trust)
}

// Next returns the time of the earliest message the plan may want to send,
// or 0 when it has nothing to wait for. Call it after every change (new
// values, received messages) to know when to call Due.
func (pl *Plan) Next(now int64) int64 {
	pl.start(now)
	pl.schedule(now)
	next := int64(0)
	earliest := func(t int64) {
		if t != 0 && (next == 0 || t < next) {
			next = t
		}
	}
	earliest(pl.pushAt)
	earliest(pl.flushAt)
	earliest(pl.catchUpAt)
	earliest(pl.repairAt)
	for i := range pl.links {
		if l := &pl.links[i]; l.owedSince != 0 {
			earliest(pl.ackDue(l))
		}
	}
	return next
}

// start records the first time the plan is asked anything, and schedules
// the first repair round at a random point of the first Interval, so that
// nodes started together do not repair in lockstep.
func (pl *Plan) start(now int64) {
	if pl.started != 0 {
		return
	}
	pl.started = now
	if pl.t.Interval > 0 {
		pl.repairAt = now + 1 + pl.rng.Int64N(pl.t.Interval)
	}
}

// Due appends to dst the messages to send at now and returns it. Each one
// must then be built and reported with Sent, in order, before the next call
// to Due or Next.
func (pl *Plan) Due(now int64, dst []Send) []Send {
	pl.start(now)
	pl.schedule(now)
	pl.epoch++
	for i := range pl.links {
		pl.advance(&pl.links[i], evTick, now)
	}
	if pl.pushAt != 0 && now >= pl.pushAt {
		pl.pushAt = 0
		dst = pl.eager(pl.hub, pl.t.Phased && pl.phase.known(), now, dst)
	}
	grid := pl.flushAt != 0 && now >= pl.flushAt
	if grid || pl.catchUpAt != 0 && now >= pl.catchUpAt {
		if grid {
			pl.flushAt = 0
		}
		pl.catchUpAt = 0
		pl.flushedAt = pl.log.Len()
		for i := range pl.links {
			dst = pl.eager(i, grid, now, dst)
		}
	}
	if pl.repairAt != 0 && now >= pl.repairAt {
		pl.repairAt = now + pl.t.Interval - pl.t.RepairJitter + pl.rng.Int64N(2*pl.t.RepairJitter+1)
		dst = pl.repair(now, dst)
		dst = pl.hello(now, dst)
	}
	for i := range pl.links {
		if l := &pl.links[i]; l.owedSince != 0 && now >= pl.ackDue(l) && l.mark != pl.epoch {
			dst = pl.add(dst, Send{Peer: i})
		}
	}
	pl.trim()
	return dst
}

// add appends s to dst and marks its peer as sent to in this Due.
func (pl *Plan) add(dst []Send, s Send) []Send {
	pl.links[s.Peer].mark = pl.epoch
	return append(dst, s)
}

// schedule sets the push and flush deadlines that new values call for.
func (pl *Plan) schedule(now int64) {
	if !pl.s.Star || pl.peers.Len() == 0 {
		return
	}
	if pl.hub >= 0 {
		if pl.pushAt == 0 && pl.log.Missing(pl.unsent(pl.hub), pl.hub, pl.links[pl.hub].trust) {
			pl.pushAt = now + pl.t.MinDelay
			if pl.t.Phased && pl.phase.known() {
				pl.pushAt = pl.phase.sendTime(now)
			}
		}
		return
	}
	if pl.flushAt == 0 && pl.log.Len() > pl.flushedAt {
		pl.flushAt = now + pl.t.MinDelay
		if b := pl.t.Batch; b > 0 {
			pl.flushAt = now - now%b + b
		}
	}
}

// ackDue returns when the acknowledgement owed on l must go alone: AckDelay
// after the peer's last push, or AckCap after the first one it
// acknowledges, whichever comes first.
func (pl *Plan) ackDue(l *link) int64 {
	return min(l.lastRecv+pl.t.AckDelay, l.owedSince+pl.t.AckCap)
}

// unsent returns the first log position not yet sent to peer i nor known to
// be held by it.
func (pl *Plan) unsent(i int) int { return max(pl.links[i].sentLen, pl.links[i].holds) }

// eager appends the eager push or flush to peer i, if it may lack something
// listed since the last one and no whole set is in flight to it:
// self-contained (every value the peer is not known to hold, which also
// repairs whatever an earlier message lost) unless its state calls for a
// chained one.
func (pl *Plan) eager(i int, grid bool, now int64, dst []Send) []Send {
	l := &pl.links[i]
	if l.state == PeerWholeInFlight || !pl.wants(i, pl.unsent(i), now) {
		return dst
	}
	if pl.selfContained(l, now) {
		return pl.add(dst, Send{Peer: i, Data: true, From: l.holds, Grid: grid})
	}
	return pl.add(dst, Send{Peer: i, Data: true, From: l.sentLen, Grid: grid, Chained: true, Prev: l.lastData})
}

// selfContained reports whether the next message with values to the peer of
// l must carry everything it is not known to hold. Only a slow or stalled
// peer gets chained messages, and only while what awaits its
// acknowledgement is more than ChainRatio times the new values (below that,
// repeating it costs little) and a self-contained message went within
// fullEvery; and only while the log still lists what was sent since.
func (pl *Plan) selfContained(l *link, now int64) bool {
	if l.state != PeerSlow && l.state != PeerStalled || l.sentLen < pl.log.Base() {
		return true
	}
	unacked, fresh := l.sentLen-l.holds, pl.log.Len()-l.sentLen
	return unacked <= pl.t.ChainRatio*fresh || now-l.lastFull >= pl.fullEvery(l, now)
}

// fullEvery is how often a self-contained message (a flush, a push or a
// repair) goes to the peer of l while values sent to it await their
// acknowledgement: every RTO, or, while it is slow (its acknowledgements
// keep advancing), every half of the age of the oldest unacknowledged
// values, so that the repeats add at most about twice the new values.
func (pl *Plan) fullEvery(l *link, now int64) int64 {
	if l.state == PeerSlow {
		return max(pl.t.RTO, (now-l.unackedSince)/2)
	}
	return pl.t.RTO
}

// wants reports whether peer i may lack a value at position from or later.
// When it cannot (every such value came from i), the peer is known to hold
// everything, which is recorded.
func (pl *Plan) wants(i, from int, now int64) bool {
	n := pl.log.Len()
	if from >= n {
		return false
	}
	l := &pl.links[i]
	if pl.log.Missing(from, i, l.trust) {
		return true
	}
	if l.holds >= from {
		pl.holds(i, n, now)
	}
	return false
}

// hello appends, once, an empty message to each peer of the star that this
// node has sent nothing to since it started, at least HelloAfter ago: it
// carries this node's incarnation, which is how a node that restarted with
// nothing gets its peers to send it everything again even when the cluster
// is idle. Under load the first push or flush does the same, and no hello is
// needed.
func (pl *Plan) hello(now int64, dst []Send) []Send {
	if pl.helloDone || !pl.s.Star || now-pl.started < pl.t.HelloAfter {
		return dst
	}
	pl.helloDone = true
	for i := range pl.links {
		if l := &pl.links[i]; (pl.hub < 0 || i == pl.hub) && l.lastAny == 0 && l.mark != pl.epoch {
			dst = pl.add(dst, Send{Peer: i})
		}
	}
	return dst
}

// overdue reports whether peer i should get a repair: it lacks values, it
// was sent nothing with values for an RTO (while messages flow, the state
// makes one of them self-contained every fullEvery), nor anything
// self-contained for fullEvery, and it is not sent to already. A peer of
// the star (star) is not overdue while a push or flush to it is pending: that
// carries what it lacks at its time on the grid, and a repair must not
// pre-empt it.
func (pl *Plan) overdue(i int, star bool, now int64) bool {
	l := &pl.links[i]
	if star && (pl.pushAt != 0 || pl.flushAt != 0 || pl.catchUpAt != 0) {
		return false
	}
	return l.holds < pl.log.Len() && now-l.lastSend >= pl.t.RTO && now-l.lastFull >= pl.fullEvery(l, now) &&
		l.mark != pl.epoch && pl.wants(i, l.holds, now)
}

// repair appends a repair round: every peer of the star this node sends to
// that is overdue, and, with no star or a silent hub (ModeRounds,
// ModeHubSilent), up to Fanout random peers not known to hold everything,
// if overdue. A peer of the star that was never sent anything is waiting
// for its first push or flush, not for a repair.
func (pl *Plan) repair(now int64, dst []Send) []Send {
	mode := pl.Mode(now)
	switch mode {
	case ModeHub:
		for i := range pl.links {
			if pl.links[i].lastSend != 0 && pl.overdue(i, true, now) {
				dst = pl.add(dst, Send{Peer: i, Data: true, From: pl.links[i].holds, Repair: true})
			}
		}
		return dst
	case ModeLeaf, ModeHubSilent:
		if pl.links[pl.hub].lastSend != 0 && pl.overdue(pl.hub, true, now) {
			dst = pl.add(dst, Send{Peer: pl.hub, Data: true, From: pl.links[pl.hub].holds, Repair: true})
		}
		if mode == ModeLeaf {
			return dst
		}
	}
	n := pl.log.Len()
	pl.cand = pl.cand[:0]
	for i := range pl.links {
		if pl.links[i].holds < n {
			pl.cand = append(pl.cand, i)
		}
	}
	for _, i := range pl.peers.PickAmong(pl.s.Fanout, pl.cand) {
		if pl.overdue(i, false, now) {
			dst = pl.add(dst, Send{Peer: i, Data: true, From: pl.links[i].holds, Repair: true})
		}
	}
	return dst
}

// Sent records that the message s went out with id msgID at now, after the
// caller built it: with Data, carrying the values s names (with those of the
// messages it is chained to, every value peer s.Peer was not known to hold);
// in every case, acknowledging what Ack returned.
func (pl *Plan) Sent(s Send, msgID int64, now int64) {
	l := &pl.links[s.Peer]
	l.owedSince, l.lastAny = 0, now
	if !s.Data {
		return
	}
	pl.record(l, msgID, now)
	l.sentLen, l.lastSend, l.lastData = pl.log.Len(), now, msgID
	if l.unackedSince == 0 {
		l.unackedSince = now
	}
	ev := evSentChained
	switch {
	case s.From < pl.log.Base(): // WholeSet included
		l.lastFull, l.wholeAt = now, now
		ev = evSentWhole
	case !s.Chained:
		l.lastFull = now
		ev = evSentFull
	}
	pl.advance(l, ev, now)
}

// record notes a send to the peer of l, with id msgID, of every value the
// log holds now but those the peer holds, in the ring of sends awaiting an
// acknowledgement; the oldest is forgotten when the ring is full.
func (pl *Plan) record(l *link, msgID int64, now int64) {
	oldest := 0
	for j := range l.pending {
		if l.pending[j].size == 0 {
			oldest = j
			break
		}
		if l.pending[j].msgID < l.pending[oldest].msgID {
			oldest = j
		}
	}
	if n := pl.log.Len(); n > 0 {
		l.pending[oldest] = pending{msgID: msgID, size: n, at: now}
	}
}

// event is what happened on a link, for advance.
type event uint8

const (
	evTick        event = iota // time passed
	evSentFull                 // a self-contained message with values went
	evSentChained              // a chained message went
	evSentWhole                // a message with the whole set went
	evAcked                    // what the peer is known to hold rose
	evHeard                    // a message came from the peer (before heard is updated)
	evRestarted                // the peer lost its state (the link was reset)
)

// advance is the state machine of a link: it moves l to the state that ev,
// at now, puts it in. Every state change happens here.
//
//	any                     --restarted-->             restarted
//	fresh, slow, stalled,
//	  whole-in-flight       --heard after StallAfter-> rejoined
//	any                     --whole set sent-->        whole-in-flight
//	new, restarted,
//	  rejoined, in-sync     --self-contained sent-->   by age (fresh)
//	whole-in-flight         --acked past the log's Base, or RTO passed--> by age
//	fresh, slow, stalled    --sent, acked, tick-->     by age
//
// "By age" is in-sync when the peer holds everything sent to it; fresh
// while the oldest unacknowledged values are younger than StallAfter; then
// slow while its acknowledgements advanced within RTO, stalled otherwise.
func (pl *Plan) advance(l *link, ev event, now int64) {
	switch ev {
	case evRestarted:
		l.state = PeerRestarted
		return
	case evHeard:
		switch l.state {
		case PeerFresh, PeerSlow, PeerStalled, PeerWholeInFlight:
			if l.heard != 0 && now-l.heard >= pl.t.StallAfter {
				l.state = PeerRejoined
			}
		}
		return
	case evSentWhole:
		l.state = PeerWholeInFlight
		return
	case evSentFull:
		l.state = pl.byAge(l, now)
		return
	}
	switch l.state {
	case PeerWholeInFlight:
		if l.holds >= pl.log.Base() || now-l.wholeAt >= pl.t.RTO {
			l.state = pl.byAge(l, now)
		}
	case PeerFresh, PeerSlow, PeerStalled:
		l.state = pl.byAge(l, now)
	}
}

// byAge returns the state of a link that sends flow on, from what awaits
// acknowledgement (see advance).
func (pl *Plan) byAge(l *link, now int64) PeerState {
	switch {
	case l.holds >= l.sentLen:
		return PeerInSync
	case now-l.unackedSince < pl.t.StallAfter:
		return PeerFresh
	case l.ackedAt != 0 && now-l.ackedAt < pl.t.RTO:
		return PeerSlow
	}
	return PeerStalled
}

// trim lets the log forget what every peer this node sends to holds.
func (pl *Plan) trim() {
	low := pl.log.Len()
	if pl.hub >= 0 {
		low = pl.links[pl.hub].holds
	} else {
		for i := range pl.links {
			low = min(low, pl.links[i].holds)
		}
	}
	pl.log.Trim(low)
}

// Summary describes the plan at now for a log line: the node's mode and how
// many peers are in each state.
func (pl *Plan) Summary(now int64) string {
	var counts [len(peerStateNames)]int
	for i := range pl.links {
		counts[pl.links[i].state]++
	}
	s := fmt.Sprintf("mode %s, peers", pl.Mode(now))
	sep := " "
	for st, c := range counts {
		if c > 0 {
			s += fmt.Sprintf("%s%d %s", sep, c, PeerState(st))
			sep = ", "
		}
	}
	if sep == " " {
		s += " none"
	}
	return s
}
