package gossip

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// DefaultFanout is the number of peers a round contacts (K) unless configured.
const DefaultFanout = 2

// pendingPerPeer bounds the sends per peer whose acknowledgement is still
// awaited; older ones are forgotten, which only delays (never corrupts) what
// the node knows about that peer. 64 sends are about 15 s of a hub's flushes
// to one node: an acknowledgement that comes seconds late (a loaded peer)
// still finds its send and counts, which is what tells a slow peer from one
// that is cut off (Plan.fullEvery).
const pendingPerPeer = 64

// Errors of NewPeers for a cluster list that cannot be right.
var (
	// ErrSelfMissing: the node's own id is not among the cluster's ids.
	ErrSelfMissing = errors.New("gossip: node_ids does not contain the node's own id")
	// ErrDuplicateID: an id is listed twice.
	ErrDuplicateID = errors.New("gossip: node_ids lists an id twice")
)

type pending struct {
	msgID int64
	size  int   // local set size when the message was sent; 0 = free slot
	at    int64 // when it was sent, in the caller's clock
}

// Peers is the node's view of the other nodes of the cluster.
//
// Peers MUST NOT be used from concurrently running goroutines; in the node it
// belongs to the handler loop.
type Peers struct {
	ids     []string
	index   map[string]int
	holds   []int // holds[i]: peer i is known to hold the first holds[i] values the node had
	pending [][pendingPerPeer]pending
	rng     *rand.Rand
	pick    []int // scratch for Pick, reused
	cand    []int // scratch for Pick, reused
	links   []link
}

// link is what the node knows of its exchange with one peer, in the clock of
// the Plan that drives it (nanoseconds; 0 means never).
type link struct {
	sentLen      int   // log length at the last send of values
	lastData     int64 // msg_id of the last send of values; -1 none
	lastSend     int64 // time of the last send of values
	lastFull     int64 // time of the last self-contained send of values (see Send)
	unackedSince int64 // time of the oldest send of values not yet acknowledged
	recvMax      int64 // msg_id to acknowledge: the newest push with values from the peer whose chain is complete; -1 none
	ackSent      int64 // highest msg_id acknowledged to the peer; -1 none
	owedSince    int64 // time since an acknowledgement is owed; 0 none
	lastRecv     int64 // time of the last push with values from the peer
	ackedID      int64 // highest msg_id the peer acknowledged; -1 none
	ackedAt      int64 // time ackedID last rose
	heard        int64 // time of the last message of any kind from the peer
	rejoined     bool  // heard again after a silence; the next send of values is self-contained
	wholeAt      int64 // time of the last send of the whole set
	lastAny      int64 // time of the last message of any kind sent to the peer
	trust        int   // log positions from which values that came from the peer count as held by it
	inc          int64 // the peer's incarnation, 0 until known
}

// NewPeers returns the peers of node self in a cluster of nodeIDs (which must
// contain self and no id twice). seed fixes the random peer selection; use a
// different seed per node. The ids are copied.
func NewPeers(self string, nodeIDs []string, seed uint64) (*Peers, error) {
	p := &Peers{
		index: make(map[string]int, len(nodeIDs)),
		rng:   rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
	}
	found := false
	seen := make(map[string]bool, len(nodeIDs))
	for _, id := range nodeIDs {
		if seen[id] {
			return nil, fmt.Errorf("%w: %q", ErrDuplicateID, id)
		}
		seen[id] = true
		if id == self {
			found = true
			continue
		}
		id = string([]byte(id)) // own copy: callers pass strings that alias line buffers
		p.index[id] = len(p.ids)
		p.ids = append(p.ids, id)
	}
	if !found {
		return nil, ErrSelfMissing
	}
	p.holds = make([]int, len(p.ids))
	p.pending = make([][pendingPerPeer]pending, len(p.ids))
	p.pick = make([]int, 0, len(p.ids))
	p.cand = make([]int, 0, len(p.ids))
	p.links = make([]link, len(p.ids))
	for i := range p.links {
		p.links[i].recvMax, p.links[i].ackSent, p.links[i].lastData, p.links[i].ackedID = -1, -1, -1, -1
	}
	return p, nil
}

// Len returns the number of peers (the cluster size minus one).
func (p *Peers) Len() int { return len(p.ids) }

// ID returns the node id of peer i.
func (p *Peers) ID(i int) string { return p.ids[i] }

// Index returns the peer index of node id, and false when id is not a peer.
func (p *Peers) Index(id string) (int, bool) {
	i, ok := p.index[id]
	return i, ok
}

// Pick returns up to k distinct peers chosen uniformly at random. When
// have >= 0, peers known to hold at least have values are left out, so a
// periodic round sends nothing to peers that are already up to date; pass
// have < 0 to choose among all peers (the gossip_round request).
//
// The chosen peers come in index order (the order of node_ids), so that the
// messages of a round are reproducible whatever the seed when every peer is
// chosen. The returned slice is reused by the next call to Pick.
func (p *Peers) Pick(k, have int) []int {
	if have < 0 && k > 0 && 4*k < len(p.ids) {
		return p.pickFew(k)
	}
	p.cand = p.cand[:0]
	for i := range p.ids {
		if have < 0 || p.holds[i] < have {
			p.cand = append(p.cand, i)
		}
	}
	if k > len(p.cand) {
		k = len(p.cand)
	}
	// A partial Fisher-Yates shuffle: the first k slots are a uniform
	// sample without replacement.
	for j := 0; j < k; j++ {
		r := j + p.rng.IntN(len(p.cand)-j)
		p.cand[j], p.cand[r] = p.cand[r], p.cand[j]
	}
	p.pick = append(p.pick[:0], p.cand[:k]...)
	slices.Sort(p.pick)
	return p.pick
}

// pickFew chooses k of all peers, k well below their number, in O(k²)
// instead of O(peers): Floyd's sampling, in which each step adds either a
// fresh random index or, when that is taken, the step's own upper bound, so
// every k-subset is equally likely.
func (p *Peers) pickFew(k int) []int {
	n := len(p.ids)
	p.pick = p.pick[:0]
	for j := n - k; j < n; j++ {
		t := p.rng.IntN(j + 1)
		if slices.Contains(p.pick, t) {
			t = j
		}
		p.pick = append(p.pick, t)
	}
	slices.Sort(p.pick)
	return p.pick
}

// Sent records that a message with id msgID went to peer i at time now
// carrying every value the node had when it held size values, except those
// the peer was known to hold (a full-state sync, a push of what the peer
// lacked, or the last of a chain of pushes that together carry that).
func (p *Peers) Sent(i int, msgID int64, size int, now int64) {
	ring := &p.pending[i]
	oldest := 0
	for j := range ring {
		if ring[j].size == 0 {
			oldest = j
			break
		}
		if ring[j].msgID < ring[oldest].msgID {
			oldest = j
		}
	}
	ring[oldest] = pending{msgID: msgID, size: size, at: now}
}

// Acked records peer i's acknowledgement of the sync with message id
// inReplyTo. Unknown or repeated acknowledgements are ignored.
func (p *Peers) Acked(i int, inReplyTo int64) {
	ring := &p.pending[i]
	for j := range ring {
		if ring[j].size != 0 && ring[j].msgID == inReplyTo {
			p.Holds(i, ring[j].size)
			ring[j] = pending{}
			return
		}
	}
}

// AckedUpTo records peer i's cumulative acknowledgement of msg_id upTo: it
// holds everything the node had when it sent that message, so also what any
// earlier message carried. (A self-contained message carries everything the
// peer was not known to hold, and the peer acknowledges a chained one only
// when it has the whole chain; see Plan.Received.)
func (p *Peers) AckedUpTo(i int, upTo int64) {
	ring := &p.pending[i]
	for j := range ring {
		if ring[j].size != 0 && ring[j].msgID <= upTo {
			p.Holds(i, ring[j].size)
			ring[j] = pending{}
		}
	}
}

// Holds records that peer i holds (at least) the first n values the node had.
// What is still unacknowledged then dates from the oldest send that carried
// more (as far as the last pendingPerPeer sends tell).
func (p *Peers) Holds(i, n int) {
	if n > p.holds[i] {
		p.holds[i] = n
	}
	l := &p.links[i]
	if p.holds[i] >= l.sentLen {
		l.unackedSince = 0
		return
	}
	oldest := int64(0)
	for _, e := range p.pending[i] {
		if e.size > p.holds[i] && (oldest == 0 || e.at < oldest) {
			oldest = e.at
		}
	}
	if oldest > l.unackedSince {
		l.unackedSince = oldest
	}
}

// Forget records that peer i may have lost what it held (it restarted, or
// its full-state sync lacked values the node had sent it) when the node's
// log was logLen long: the node knows nothing of what it holds, values it
// sent before no longer count as held by it, and the acknowledgements the
// node awaited or owed it are dropped.
func (p *Peers) Forget(i, logLen int) {
	p.holds[i] = 0
	p.pending[i] = [pendingPerPeer]pending{}
	l := &p.links[i]
	l.sentLen, l.unackedSince, l.wholeAt, l.trust = 0, 0, 0, logLen
	l.recvMax, l.ackSent, l.owedSince, l.lastData, l.ackedID = -1, -1, 0, -1, -1
}

// Incarnation records the incarnation that peer i announced (a number that
// grows each time a node starts) and reports whether the message that
// carried it is current: a higher incarnation than the one known means the
// peer restarted with nothing, which is recorded (Forget) before it is
// reported current; a lower one is a late message from a dead incarnation,
// whose acknowledgements must be ignored.
func (p *Peers) Incarnation(i int, inc int64, logLen int) bool {
	l := &p.links[i]
	switch {
	case inc == l.inc:
		return true
	case inc < l.inc:
		return false
	}
	if l.inc != 0 {
		p.Forget(i, logLen)
	}
	l.inc = inc
	return true
}

// Held returns how many of the node's values peer i is known to hold.
func (p *Peers) Held(i int) int { return p.holds[i] }
