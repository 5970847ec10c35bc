package gossip

import (
	"math/rand/v2"
	"slices"
	"time"
)

// Settings shape a Plan. The zero value is valid: no eager push, no timer
// repair.
type Settings struct {
	// Star turns on eager dissemination along a star: every node pushes
	// its new values to the hub (the first node of node_ids), and the hub
	// forwards what each node lacks every Batch. Without it, values spread
	// only by the repair rounds: the seed's K random peers every Interval.
	Star bool

	// Batch is the hub's flush period. The hub flushes at multiples of
	// Batch on the wall clock, so that the other nodes can time their
	// pushes to arrive just before a flush (Phase). 0 forwards at once.
	Batch time.Duration

	// Phase makes the other nodes hold new values until the last moment
	// that still reaches the hub before its next flush, as learned from
	// the arrival times of the hub's flushes, so that values broadcast
	// close together travel in one message at no cost in latency.
	Phase bool

	// Fanout is K, the number of random peers a repair round contacts when
	// there is no star, or when this node's hub stopped acknowledging.
	Fanout int

	// Interval is the repair period: every Interval (±10%), each peer that
	// this node sends to and that has not acknowledged everything for an
	// Interval gets what it lacks again. 0 turns timer repair off.
	Interval time.Duration

	// AckDelay is how long an acknowledgement may wait for a message to
	// ride on before it is sent alone, once the peer has fallen quiet;
	// while the peer keeps sending, the wait stretches to AckCapFactor
	// times AckDelay. Keep it below Interval less a round trip, or quiet
	// peers are repaired before their acknowledgement arrives.
	AckDelay time.Duration
}

// minDelay is the least time an eager push or flush waits after the value
// that calls for it, so that values arriving in one burst share a message.
const minDelay = time.Millisecond

// phaseMargin is how early, before the hub's flush, a phased push aims to
// arrive: slack for timer lateness and jitter on a busy machine.
const phaseMargin = 4 * time.Millisecond

// AckCapFactor bounds how long an acknowledgement waits while its peer keeps
// sending: a node that receives a flush every Batch and has nothing to push
// acknowledges alone only every AckCapFactor*AckDelay, which keeps the hub's
// deltas to it short without a message per flush.
const AckCapFactor = 4

// Send is one message a Plan wants sent: to Peer, with values (Data) or with
// nothing but an acknowledgement. The values are those the log lists from
// position From on that did not come from Peer (Log.AppendFrom), or the
// whole set when From is WholeSet or before the log's Base. Repair marks a
// message of a repair round, for statistics.
//
// A Chained message carries only what was listed since the previous message
// with values to Peer, whose msg_id is Prev, and must say so on the wire:
// the peer acknowledges it only when it acknowledged Prev's chain too (see
// Received). Any other message with values is self-contained: it carries
// everything Peer is not known to hold.
type Send struct {
	Peer    int
	Data    bool
	From    int
	Repair  bool
	Chained bool
	Prev    int64
}

// WholeSet is Send.From for a message that carries the whole set.
const WholeSet = -1

// Plan decides, for one node, which peer gets which message when: eager
// pushes along the star, the hub's batched flushes, repair rounds, and
// acknowledgements. It is pure logic over a clock that the caller passes in
// (nanoseconds since the Unix epoch, so that the hub's flush grid is the
// same for every node), which lets a simulation drive it in virtual time.
//
// A Plan does not send: Due returns the messages to send now, the caller
// builds and sends each one and reports it with Sent. What a message carries
// comes from the Log: the values at positions from Peers.Held on that did
// not come from the peer (Log.AppendFrom), or the whole set when the log no
// longer lists them.
//
// Plan MUST NOT be used from concurrently running goroutines; in the node it
// belongs to the handler loop, with the Peers and Log it was made with.
type Plan struct {
	s     Settings
	peers *Peers
	log   *Log
	hub   int // peer index of the hub; -1 when this node is the hub
	rng   *rand.Rand

	pushAt    int64 // not the hub: when the pending push goes; 0 none
	flushAt   int64 // the hub: when the next flush goes; 0 none
	flushedAt int   // the hub: log length at the last flush
	repairAt  int64 // next repair round; 0 not yet scheduled
	started   int64 // the first time the plan was asked anything
	helloDone bool
	lag       int64 // not the hub: the hub's flushes arrive lag ns after a grid point (mod Batch)
	haveLag   bool
	ref       int64             // the first arrival's offset in the grid; samples are relative to it
	samples   [lagSamples]int64 // recent arrivals, relative to ref
	nSamples  int
}

// NewPlan returns the plan of a node whose peers and log are given. hub is
// the peer index of the hub, or -1 when this node is the hub; it is ignored
// without Settings.Star.
func NewPlan(peers *Peers, log *Log, s Settings, hub int, seed uint64) *Plan {
	if s.Fanout <= 0 {
		s.Fanout = DefaultFanout
	}
	if s.Batch < 0 {
		s.Batch = 0
	}
	return &Plan{s: s, peers: peers, log: log, hub: hub, rng: rand.New(rand.NewPCG(seed, 0xbb67ae8584caa73b))}
}

// IsHub reports whether this node is the hub of a star.
func (pl *Plan) IsHub() bool { return pl.s.Star && pl.hub < 0 }

// Hub returns the peer index of the hub, or -1 when this node is the hub or
// there is no star.
func (pl *Plan) Hub() int {
	if !pl.s.Star {
		return -1
	}
	return pl.hub
}

// Received records a push from peer i with message id msgID; data reports
// whether it carried values (only those are acknowledged, so that
// acknowledgements never bounce), and chained whether it was chained to the
// push prev (Send.Chained). A push with values from the hub also tunes the
// phase of this node's pushes.
//
// The msg_id that Ack returns vouches for everything the peer had when it
// sent that push: a self-contained push carries it all, and a chained one is
// taken only when it continues the push acknowledged so far. A chained push
// that follows a lost (or overtaken) one still brings its values, but the
// acknowledgement stays where it was until the peer's next self-contained
// push, a repair, closes the gap.
//
// A message from a peer that had been silent for stallAfter (longer than a
// healthy peer that has nothing to send stays quiet: a partition healed,
// the peer resumed) makes the next message with values to it
// self-contained, so that whatever it missed meanwhile goes at once.
func (pl *Plan) Received(i int, msgID int64, data, chained bool, prev int64, now int64) {
	l := &pl.peers.links[i]
	if l.heard != 0 && now-l.heard >= pl.stallAfter() {
		l.rejoined = true
	}
	l.heard = now
	if !data {
		return
	}
	switch {
	case chained:
		if prev == l.recvMax && msgID > prev {
			l.recvMax = msgID
		}
	case msgID > l.recvMax:
		l.recvMax = msgID
	}
	if l.owedSince == 0 {
		l.owedSince = now
	}
	l.lastRecv = now
	if pl.s.Star && i == pl.hub && pl.s.Batch > 0 && pl.s.Phase {
		pl.observeFlush(now)
	}
}

// Acked records peer i's acknowledgement of msg_id upTo, received at now
// (see Peers.AckedUpTo), and when its acknowledgements last advanced.
func (pl *Plan) Acked(i int, upTo int64, now int64) {
	pl.peers.AckedUpTo(i, upTo)
	if l := &pl.peers.links[i]; upTo > l.ackedID {
		l.ackedID, l.ackedAt = upTo, now
	}
}

// Ack returns the msg_id to acknowledge to peer i (the newest push with
// values received from it, of a complete chain; see Received) and the
// incarnation of the peer that sent it (0 when not known), and false when
// nothing was received from it. The incarnation must
// travel with the msg_id: a peer that restarted numbers its messages from 0
// again, and must not take an acknowledgement meant for its previous process
// for one of its own.
func (pl *Plan) Ack(i int) (msgID, inc int64, ok bool) {
	l := &pl.peers.links[i]
	return l.recvMax, l.inc, l.recvMax >= 0
}

// lagSamples is how many recent flush arrivals the phase estimate looks at.
const lagSamples = 8

// observeFlush records the arrival time of one hub flush and sets lag, the
// hub's delay modulo Batch, to the lower quartile of the recent arrivals
// (circularly, around the newest). An arrival is late by whatever held up
// the hub or this node, so the low ones are the truest: taking the median
// instead made pushes leave early by the typical lateness and cost about
// 8 ms of median latency on the 25-node bench. The quartile, not the
// minimum, so that one early outlier (a repair sent off the grid) is
// ignored.
func (pl *Plan) observeFlush(now int64) {
	b := int64(pl.s.Batch)
	newest := now % b
	pl.samples[pl.nSamples%lagSamples] = newest
	pl.nSamples++
	k := min(pl.nSamples, lagSamples)
	var d [lagSamples]int64
	for j, x := range pl.samples[:k] {
		d[j] = wrap(x-newest, b) // offsets from the newest, so no cluster straddles the wrap
	}
	slices.Sort(d[:k])
	pl.lag = ((newest+d[(k-1)/4])%b + b) % b
	pl.haveLag = true
}

// wrap reduces x modulo b into [-b/2, b/2).
func wrap(x, b int64) int64 {
	x %= b
	if x >= b/2 {
		x -= b
	} else if x < -b/2 {
		x += b
	}
	return x
}

// pushTime returns when a push of values that arrived at now should go: at
// once, or with Phase at the last moment that reaches the hub before its
// next flush.
func (pl *Plan) pushTime(now int64) int64 {
	if !pl.s.Phase || pl.s.Batch <= 0 || !pl.haveLag {
		return now + int64(minDelay)
	}
	b := int64(pl.s.Batch)
	off := ((-pl.lag-int64(phaseMargin))%b + b) % b // send points are off mod b
	t := now - now%b + off
	if t < now {
		t += b
	}
	return t
}

// schedule sets the push and flush deadlines that new values call for.
func (pl *Plan) schedule(now int64) {
	if !pl.s.Star || pl.peers.Len() == 0 {
		return
	}
	if pl.hub >= 0 {
		if pl.pushAt == 0 && pl.log.Missing(pl.unsent(pl.hub), pl.hub, pl.peers.links[pl.hub].trust) {
			pl.pushAt = pl.pushTime(now)
		}
		return
	}
	if pl.flushAt == 0 && pl.log.Len() > pl.flushedAt {
		pl.flushAt = now + int64(minDelay)
		if b := int64(pl.s.Batch); b > 0 {
			pl.flushAt = now - now%b + b
		}
	}
}

// Next returns the time of the earliest message the plan may want to send,
// or 0 when it has nothing to wait for. Call it after every change (new
// values, received messages) to know when to call Due.
func (pl *Plan) Next(now int64) int64 {
	if pl.started == 0 {
		pl.started = now
	}
	pl.schedule(now)
	next := int64(0)
	earliest := func(t int64) {
		if t != 0 && (next == 0 || t < next) {
			next = t
		}
	}
	earliest(pl.pushAt)
	earliest(pl.flushAt)
	if pl.s.Interval > 0 {
		if pl.repairAt == 0 {
			// The first round comes at a random point of the first
			// Interval, so that nodes started together do not repair
			// in lockstep.
			pl.repairAt = now + 1 + pl.rng.Int64N(int64(pl.s.Interval))
		}
		earliest(pl.repairAt)
	}
	for i := range pl.peers.links {
		if l := &pl.peers.links[i]; l.owedSince != 0 {
			earliest(pl.ackDue(l))
		}
	}
	return next
}

// ackDue returns when the acknowledgement owed on l must go alone: AckDelay
// after the peer's last push, or AckCapFactor*AckDelay after the first one
// it acknowledges, whichever comes first.
func (pl *Plan) ackDue(l *link) int64 {
	d := int64(pl.s.AckDelay)
	return min(l.lastRecv+d, l.owedSince+AckCapFactor*d)
}

func (pl *Plan) jittered() int64 {
	iv := int64(pl.s.Interval)
	j := iv / 10
	return iv - j + pl.rng.Int64N(2*j+1)
}

// rto is how long a peer may leave values unacknowledged before a repair
// round sends them again: an Interval, less the jitter, so that a peer that
// stays silent is repaired at every round.
func (pl *Plan) rto() int64 { return int64(pl.s.Interval) - int64(pl.s.Interval)/10 - 1 }

// Due appends to dst the messages to send at now and returns it. Each one
// must then be built and reported with Sent, in order, before the next call
// to Due or Next.
func (pl *Plan) Due(now int64, dst []Send) []Send {
	if pl.started == 0 {
		pl.started = now
	}
	pl.schedule(now)
	n := pl.log.Len()
	if pl.pushAt != 0 && now >= pl.pushAt {
		pl.pushAt = 0
		if pl.wants(pl.hub, pl.unsent(pl.hub)) && !pl.wholeInFlight(pl.hub, now) {
			dst = append(dst, pl.eager(pl.hub, now))
		}
	}
	if pl.flushAt != 0 && now >= pl.flushAt {
		pl.flushAt, pl.flushedAt = 0, n
		for i := range pl.peers.links {
			if pl.wants(i, pl.unsent(i)) && !pl.wholeInFlight(i, now) {
				dst = append(dst, pl.eager(i, now))
			}
		}
	}
	if pl.repairAt != 0 && now >= pl.repairAt {
		pl.repairAt = now + pl.jittered()
		dst = pl.repair(now, dst)
		dst = pl.hello(now, dst)
	}
	for i := range pl.peers.links {
		l := &pl.peers.links[i]
		if l.owedSince != 0 && now >= pl.ackDue(l) && !hasPeer(dst, i) {
			dst = append(dst, Send{Peer: i})
		}
	}
	pl.trim()
	return dst
}

// unsent returns the first log position not yet sent to peer i nor known to
// be held by it.
func (pl *Plan) unsent(i int) int { return max(pl.peers.links[i].sentLen, pl.peers.holds[i]) }

// eager returns the eager push or flush to peer i: self-contained (every
// value the peer is not known to hold, which also repairs whatever an
// earlier message lost) when fullDue says so, and otherwise only what the
// log listed since the last message with values, chained to it.
func (pl *Plan) eager(i int, now int64) Send {
	if pl.fullDue(i, now) {
		return Send{Peer: i, Data: true, From: pl.peers.holds[i]}
	}
	l := &pl.peers.links[i]
	return Send{Peer: i, Data: true, From: l.sentLen, Chained: true, Prev: l.lastData}
}

// fullDue reports whether the next message with values to peer i must be
// self-contained: when nothing sent to it awaits an acknowledgement (the
// two kinds then carry the same); when the peer was just heard again after
// a silence; while what awaits one is at most twice the new values, or is
// younger than stallAfter (repeating it keeps every message a repair, so
// that a lost one costs one Batch, as long as acknowledgements come at their
// usual pace); or when the last self-contained one is fullEvery old. So a
// peer whose acknowledgements fall seconds behind (a loaded machine, a long
// queue) costs at most about three times the new values, however far behind
// they are, where repeating the whole unacknowledged stretch in every flush
// would grow with the delay.
func (pl *Plan) fullDue(i int, now int64) bool {
	l := &pl.peers.links[i]
	if l.rejoined || l.lastData < 0 || pl.peers.holds[i] >= l.sentLen || l.sentLen < pl.log.Base() {
		return true
	}
	unacked, fresh := l.sentLen-pl.peers.holds[i], pl.log.Len()-l.sentLen
	return unacked <= 2*fresh || now-l.unackedSince < pl.stallAfter() || now-l.lastFull >= pl.fullEvery(i, now)
}

// stallAfter is how long the oldest values sent to a peer may await their
// acknowledgement before the peer counts as stalled: the longest a healthy
// peer holds an acknowledgement back (AckCapFactor·AckDelay), plus an
// Interval for the round trip and a lost acknowledgement.
func (pl *Plan) stallAfter() int64 {
	return AckCapFactor*int64(pl.s.AckDelay) + int64(pl.s.Interval)
}

// fullEvery is how often a self-contained message (a flush, a push or a
// repair) goes to peer i while values sent to it await their
// acknowledgement: every rto, or, while its acknowledgements keep advancing
// (within the last rto: it receives, only late), every half of the age of
// the oldest unacknowledged values, so that the repeats add at most about
// twice the new values. A peer whose acknowledgements stand still (cut off,
// down, or reachable one way only) is probed every rto, so that it recovers
// quickly once messages get through again.
func (pl *Plan) fullEvery(i int, now int64) int64 {
	rto := pl.rto()
	if l := &pl.peers.links[i]; l.unackedSince != 0 && l.ackedAt != 0 && now-l.ackedAt < rto {
		return max(rto, (now-l.unackedSince)/2)
	}
	return rto
}

// wholeInFlight reports whether an eager message to peer i would carry the
// whole set (what it holds is no longer listed) while one sent within the
// last rto still awaits its acknowledgement: then the message waits, so that
// a big set is not sent again every Batch (a repair round resends it if it
// was lost).
func (pl *Plan) wholeInFlight(i int, now int64) bool {
	l := &pl.peers.links[i]
	return pl.peers.holds[i] < pl.log.Base() && l.wholeAt != 0 && now-l.wholeAt < pl.rto()
}

// wants reports whether peer i may lack a value at position from or later.
// When it cannot (every such value came from i), the peer is known to hold
// everything, which is recorded.
func (pl *Plan) wants(i, from int) bool {
	n := pl.log.Len()
	if from >= n {
		return false
	}
	if pl.log.Missing(from, i, pl.peers.links[i].trust) {
		return true
	}
	if pl.peers.holds[i] >= from {
		pl.peers.Holds(i, n)
	}
	return false
}

// hello appends, once, an empty message to each peer of the star that this
// node has sent nothing to since it started, at least an Interval ago: it
// carries this node's incarnation, which is how a node that restarted with
// nothing gets its peers to send it everything again even when the cluster
// is idle. Under load the first push or flush does the same, and no hello is
// needed.
func (pl *Plan) hello(now int64, dst []Send) []Send {
	if pl.helloDone || !pl.s.Star || pl.started == 0 || now-pl.started < int64(pl.s.Interval) {
		return dst
	}
	pl.helloDone = true
	for i := range pl.peers.links {
		if (pl.hub < 0 || i == pl.hub) && pl.peers.links[i].lastAny == 0 && !hasPeer(dst, i) {
			dst = append(dst, Send{Peer: i})
		}
	}
	return dst
}

// repair appends a repair round: every peer of the star this node sends to
// that has left values unacknowledged for an Interval, and, with no star or
// with a hub that stopped acknowledging, up to Fanout random peers not known
// to hold everything.
func (pl *Plan) repair(now int64, dst []Send) []Send {
	n := pl.log.Len()
	// A peer is overdue when it lacks values and was sent nothing for an
	// rto (while messages flow, fullDue makes one of them self-contained
	// every fullEvery), and no self-contained message for fullEvery.
	overdue := func(i int) bool {
		l := &pl.peers.links[i]
		return pl.peers.holds[i] < n && now-l.lastSend >= pl.rto() && now-l.lastFull >= pl.fullEvery(i, now) &&
			!hasPeer(dst, i) && pl.wants(i, pl.peers.holds[i])
	}
	if pl.s.Star {
		// A peer of the star that was never sent anything is waiting for
		// its first push or flush, not for a repair.
		if pl.hub < 0 {
			for i := range pl.peers.links {
				if pl.peers.links[i].lastSend != 0 && overdue(i) {
					dst = append(dst, Send{Peer: i, Data: true, From: pl.peers.holds[i], Repair: true})
				}
			}
			return dst
		}
		if pl.peers.links[pl.hub].lastSend != 0 && overdue(pl.hub) {
			dst = append(dst, Send{Peer: pl.hub, Data: true, From: pl.peers.holds[pl.hub], Repair: true})
		}
		l := &pl.peers.links[pl.hub]
		if l.unackedSince == 0 || now-l.unackedSince < 2*int64(pl.s.Interval) {
			return dst
		}
	}
	for _, i := range pl.peers.Pick(pl.s.Fanout, n) {
		if overdue(i) {
			dst = append(dst, Send{Peer: i, Data: true, From: pl.peers.holds[i], Repair: true})
		}
	}
	return dst
}

// Sent records that the message s went out with id msgID at now, after the
// caller built it: with Data, carrying the values s names (with those of the
// messages it is chained to, every value peer s.Peer was not known to hold);
// in every case, acknowledging what Ack returned.
func (pl *Plan) Sent(s Send, msgID int64, now int64) {
	l := &pl.peers.links[s.Peer]
	l.ackSent, l.owedSince, l.lastAny = l.recvMax, 0, now
	if !s.Data {
		return
	}
	n := pl.log.Len()
	pl.peers.Sent(s.Peer, msgID, n, now)
	l.sentLen, l.lastSend, l.lastData = n, now, msgID
	if !s.Chained {
		l.lastFull, l.rejoined = now, false
	}
	if s.From < pl.log.Base() { // WholeSet included
		l.wholeAt = now
	}
	if l.unackedSince == 0 {
		l.unackedSince = now
	}
}

// Values appends to dst the values that the message s carries, from the
// log, and reports true; it reports false when they are no longer listed and
// the caller must send the whole set.
func (pl *Plan) Values(dst []int64, s Send) ([]int64, bool) {
	if s.From == WholeSet {
		return dst, false
	}
	return pl.log.AppendFrom(dst, s.From, s.Peer, pl.peers.links[s.Peer].trust)
}

// Forget records that peer i lost its state (see Peers.Forget).
func (pl *Plan) Forget(i int) { pl.peers.Forget(i, pl.log.Len()) }

// Incarnation records peer i's incarnation (see Peers.Incarnation) and
// reports whether its message is current.
func (pl *Plan) Incarnation(i int, inc int64) bool {
	return pl.peers.Incarnation(i, inc, pl.log.Len())
}

// trim lets the log forget what every peer this node sends to holds.
func (pl *Plan) trim() {
	low := pl.log.Len()
	if pl.s.Star && pl.hub >= 0 {
		low = pl.peers.holds[pl.hub]
	} else {
		for _, h := range pl.peers.holds {
			low = min(low, h)
		}
	}
	pl.log.Trim(low)
}

func hasPeer(s []Send, i int) bool {
	for _, x := range s {
		if x.Peer == i {
			return true
		}
	}
	return false
}
