package gossip

import "strconv"

// PeerState names where a node stands in its sends to one peer. Every
// decision about what the peer gets next (a self-contained message or a
// chained one, a repair, nothing while a whole set is in flight) reads the
// state; Plan.advance is the one place where states change.
type PeerState uint8

const (
	// PeerNew: nothing was sent to the peer yet. The first message with
	// values carries everything it is not known to hold.
	PeerNew PeerState = iota
	// PeerInSync: the peer is known to hold everything sent to it.
	PeerInSync
	// PeerFresh: values sent to the peer await its acknowledgement, the
	// oldest for less than Timing.StallAfter. Every message with values
	// is self-contained (it repeats what awaits acknowledgement), so a
	// lost one is repaired by the next at no extra cost.
	PeerFresh
	// PeerSlow: values have awaited acknowledgement for StallAfter or
	// more, but the peer's acknowledgements keep advancing (the last rose
	// within Timing.RTO): it receives, only late (a loaded node, a long
	// queue). Messages carry only new values, chained to the previous
	// one, with a self-contained one every half of the age of the oldest
	// unacknowledged values, so that the repeats stay within about twice
	// the new values however far behind it is.
	PeerSlow
	// PeerStalled: values have awaited acknowledgement for StallAfter or
	// more and the peer's acknowledgements stand still: it is cut off,
	// down, or reachable one way only. Messages are chained, with a
	// self-contained one (a probe) every RTO, so that it recovers soon
	// after messages get through again.
	PeerStalled
	// PeerRejoined: the peer was heard from again after a silence of
	// StallAfter (a partition healed, a paused node resumed). Its next
	// message with values is self-contained, so that whatever it missed
	// goes at once.
	PeerRejoined
	// PeerRestarted: the peer lost its state (a higher incarnation, or a
	// full-state sync without values it had been sent). The node forgets
	// what it knew of it; the next message with values carries everything
	// but what the peer sent since.
	PeerRestarted
	// PeerWholeInFlight: a message carrying the whole set (what the peer
	// holds is no longer listed in the log) was sent within RTO and awaits
	// acknowledgement. Eager messages to the peer wait, so that a big set
	// is not sent again every Batch; a repair round resends it if it was
	// lost.
	PeerWholeInFlight
)

var peerStateNames = [...]string{"new", "in-sync", "fresh", "slow", "stalled", "rejoined", "restarted", "whole-in-flight"}

// String returns the state's name, as the node's exit summary prints it.
func (s PeerState) String() string {
	if int(s) < len(peerStateNames) {
		return peerStateNames[s]
	}
	return "PeerState(" + strconv.Itoa(int(s)) + ")"
}

// Mode names a node's role in dissemination. Unlike a PeerState it is not
// stored: Plan.Mode derives it from the settings, the node's place in the
// star and the hub's acknowledgements.
type Mode uint8

const (
	// ModeRounds: no star; values spread by repair rounds to Fanout random
	// peers (the exercise's anti-entropy).
	ModeRounds Mode = iota
	// ModeHub: this node is the hub; it flushes what each peer lacks on
	// the Batch grid.
	ModeHub
	// ModeLeaf: this node pushes its new values to the hub, phased to
	// arrive just before the hub's flushes.
	ModeLeaf
	// ModeHubSilent: a leaf whose hub has left values unacknowledged for
	// Timing.HubSilentAfter; besides pushing to the hub, its repair rounds
	// go to Fanout random peers not known to hold everything.
	ModeHubSilent
)

var modeNames = [...]string{"rounds", "hub", "leaf", "hub-silent"}

// String returns the mode's name.
func (m Mode) String() string {
	if int(m) < len(modeNames) {
		return modeNames[m]
	}
	return "Mode(" + strconv.Itoa(int(m)) + ")"
}

// pending is one send to a peer whose acknowledgement is awaited.
type pending struct {
	msgID int64
	size  int   // log length when it was sent; 0 marks a free slot
	at    int64 // when it was sent
}

// link is everything a node knows of its exchange with one peer: what the
// peer holds, what awaits its acknowledgement, what the node owes it, and
// the state that those facts put it in. Times are in the Plan's clock
// (nanoseconds); 0 means never. A link belongs to its Plan and is changed
// only by the Plan's methods.
type link struct {
	state PeerState

	// What the peer holds and what awaits its acknowledgement.
	holds        int // the peer holds the first holds log positions
	pending      [pendingPerPeer]pending
	sentLen      int   // log length at the last send of values
	lastData     int64 // msg_id of the last send of values; -1 none
	lastSend     int64 // time of the last send of values
	lastFull     int64 // time of the last self-contained send of values
	unackedSince int64 // time of the oldest send of values not yet acknowledged; 0 none
	wholeAt      int64 // time of the last send of the whole set
	lastAny      int64 // time of the last message of any kind sent to the peer
	ackedID      int64 // highest msg_id the peer acknowledged; -1 none
	ackedAt      int64 // time ackedID last rose
	trust        int   // log positions from which values that came from the peer count as held by it

	// What the node owes the peer.
	recvMax   int64 // msg_id to acknowledge: the newest push with values of a complete chain; -1 none
	owedSince int64 // time since an acknowledgement is owed; 0 none
	lastRecv  int64 // time of the last push with values from the peer
	heard     int64 // time of the last message of any kind from the peer
	inc       int64 // the peer's incarnation, 0 until known

	mark uint64 // the Due call that already sends to this peer
}

// reset puts l in its initial state, as for a peer never heard of, with
// values at log positions from trust on counting as held by the peer when
// they came from it.
func (l *link) reset(trust int) {
	*l = link{state: PeerNew, lastData: -1, ackedID: -1, recvMax: -1, trust: trust,
		lastSend: l.lastSend, lastFull: l.lastFull, lastAny: l.lastAny, heard: l.heard, lastRecv: l.lastRecv,
		ackedAt: l.ackedAt, inc: l.inc, mark: l.mark}
}
