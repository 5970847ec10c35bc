package gossip

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
)

// Errors of NewPeers for a cluster list that cannot be right.
var (
	// ErrSelfMissing: the node's own id is not among the cluster's ids.
	ErrSelfMissing = errors.New("gossip: node_ids does not contain the node's own id")
	// ErrDuplicateID: an id is listed twice.
	ErrDuplicateID = errors.New("gossip: node_ids lists an id twice")
)

// Peers is the node's view of who the other nodes are: their ids in the
// order of node_ids (a peer's index is its position there, the node itself
// left out), and the random choice of K of them. It holds no dissemination
// state; that belongs to the Plan.
//
// Peers MUST NOT be used from concurrently running goroutines; in the node it
// belongs to the handler loop. Its ids are copies, never aliases of the
// caller's.
type Peers struct {
	ids   []string
	index map[string]int
	rng   *rand.Rand
	pick  []int // scratch for Pick, reused
	cand  []int // scratch for PickAmong, reused
}

// NewPeers returns the peers of node self in a cluster of nodeIDs (which must
// contain self and no id twice). seed fixes the random peer selection; use a
// different seed per node.
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
	p.pick = make([]int, 0, len(p.ids))
	p.cand = make([]int, 0, len(p.ids))
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

// Pick returns up to k distinct peers chosen uniformly at random among all,
// in index order (the order of node_ids), so that the messages of a round
// are reproducible whatever the seed when every peer is chosen. The returned
// slice is reused by the next call to Pick or PickAmong.
func (p *Peers) Pick(k int) []int {
	if k > 0 && 4*k < len(p.ids) {
		return p.pickFew(k)
	}
	p.cand = p.cand[:0]
	for i := range p.ids {
		p.cand = append(p.cand, i)
	}
	return p.PickAmong(k, p.cand)
}

// PickAmong returns up to k distinct peers chosen uniformly at random among
// cand (peer indexes, no duplicates), in index order. It reorders cand. The
// returned slice is reused by the next call to Pick or PickAmong.
func (p *Peers) PickAmong(k int, cand []int) []int {
	k = min(k, len(cand))
	// A partial Fisher-Yates shuffle: the first k slots are a uniform
	// sample without replacement.
	for j := 0; j < k; j++ {
		r := j + p.rng.IntN(len(cand)-j)
		cand[j], cand[r] = cand[r], cand[j]
	}
	p.pick = append(p.pick[:0], cand[:max(k, 0)]...)
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
