package convergence

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/maelstrom-gossip/node/gossip"
)

// Mode is how a round exchanges state.
type Mode int

const (
	// Push: every node that holds at least one value sends its whole set to
	// K peers chosen by its gossip.Peers.Pick(K). This is the node's
	// anti-entropy round.
	Push Mode = iota
	// PushPull: every node, holder or not, contacts K peers chosen by Pick
	// and sends its set; each contacted peer replies with its own set.
	PushPull
)

// String returns "push" or "pushpull".
func (m Mode) String() string {
	switch m {
	case Push:
		return "push"
	case PushPull:
		return "pushpull"
	}
	return "mode(" + strconv.Itoa(int(m)) + ")"
}

// ParseMode parses "push" or "pushpull" (also "push-pull").
func ParseMode(s string) (Mode, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "push":
		return Push, nil
	case "pushpull", "push-pull":
		return PushPull, nil
	}
	return 0, fmt.Errorf("%w: %q", ErrMode, s)
}

// Errors of NewSim and Measure for a configuration that cannot run.
var (
	// ErrMode: an unknown mode.
	ErrMode = errors.New("convergence: unknown mode")
	// ErrConfig: a parameter out of range.
	ErrConfig = errors.New("convergence: bad config")
)

// MaxValues is the largest Config.Values: a node's state is one uint64
// bitset of values.
const MaxValues = 64

// Config describes one simulated cluster.
type Config struct {
	// N is the number of nodes, named "n0" .. "n<N-1>"; at least 2.
	N int
	// K is the fanout, the number of peers a node contacts per round; at
	// least 1 and less than N.
	K int
	// Mode is Push or PushPull.
	Mode Mode
	// Loss is the probability, in [0, 1), that any one message (a push, a
	// push-pull request or its reply) is dropped, independently. A dropped
	// request gets no reply.
	Loss float64
	// Values is the number of distinct values; 0 means 1, the classic
	// rumour, which starts at node 0. Value j starts at node j*N/Values.
	// At most MaxValues.
	Values int
	// MaxRounds bounds a trial; a trial that has not converged by then is
	// reported with Done false. 0 means DefaultMaxRounds(N, K, Loss).
	MaxRounds int
	// PerNode gives every simulated node its own gossip.Peers, exactly as
	// a deployed node has. It costs O(N^2) memory and set-up time per
	// trial, so it is meant for N up to a few thousand. When false, a
	// trial uses one gossip.Peers (built for the last node) for every
	// node: a pick of peer index j by node u is read as u's j-th peer
	// (node j if j < u, else node j+1). Each Pick is a fresh uniform sample
	// of K distinct peers either way, so both settings simulate the same
	// process with the same code; only the random streams differ.
	PerNode bool
}

// DefaultMaxRounds is a round bound far above the expected convergence time:
// twenty times the loss-adjusted push estimate, plus 100.
func DefaultMaxRounds(n, k int, loss float64) int {
	eff := float64(k) * (1 - loss)
	if eff <= 0 {
		return 100
	}
	est := math.Log(float64(n))/math.Log(1+eff) + math.Log(float64(n))/eff
	return int(20*est) + 100
}

func (c Config) normalize() (Config, error) {
	if c.Values == 0 {
		c.Values = 1
	}
	switch {
	case c.N < 2:
		return c, fmt.Errorf("%w: N=%d, want at least 2", ErrConfig, c.N)
	case c.K < 1 || c.K >= c.N:
		return c, fmt.Errorf("%w: K=%d, want 1 <= K < N=%d", ErrConfig, c.K, c.N)
	case c.Mode != Push && c.Mode != PushPull:
		return c, fmt.Errorf("%w: %v", ErrMode, c.Mode)
	case !(c.Loss >= 0 && c.Loss < 1):
		return c, fmt.Errorf("%w: Loss=%g, want [0, 1)", ErrConfig, c.Loss)
	case c.Values < 1 || c.Values > MaxValues || c.Values > c.N:
		return c, fmt.Errorf("%w: Values=%d, want 1..%d and at most N", ErrConfig, c.Values, MaxValues)
	case c.MaxRounds < 0:
		return c, fmt.Errorf("%w: MaxRounds=%d", ErrConfig, c.MaxRounds)
	}
	if c.MaxRounds == 0 {
		c.MaxRounds = DefaultMaxRounds(c.N, c.K, c.Loss)
	}
	return c, nil
}

// Trial is the outcome of one simulated run.
type Trial struct {
	// Rounds is the number of rounds until every node held every value
	// (or MaxRounds when Done is false).
	Rounds int
	// Messages counts every message sent, dropped ones included: pushes,
	// push-pull requests and replies.
	Messages int64
	// Done reports whether every node held every value within MaxRounds.
	Done bool
}

// Sim runs trials of one Config, reusing its buffers between trials.
//
// Sim MUST NOT be used from concurrently running goroutines; use one Sim per
// goroutine.
type Sim struct {
	cfg  Config
	ids  []string
	full uint64
	cur  []uint64 // cur[u]: bitset of the values node u holds now
	prev []uint64 // prev[u]: the same at the start of the round
	// peers[u] is node u's view; with Config.PerNode false every entry is
	// the same shared Peers.
	peers []*gossip.Peers
}

// NewSim validates cfg and returns a simulator for it.
func NewSim(cfg Config) (*Sim, error) {
	cfg, err := cfg.normalize()
	if err != nil {
		return nil, err
	}
	s := &Sim{
		cfg:   cfg,
		ids:   NodeIDs(cfg.N),
		cur:   make([]uint64, cfg.N),
		prev:  make([]uint64, cfg.N),
		peers: make([]*gossip.Peers, cfg.N),
	}
	if cfg.Values == 64 {
		s.full = ^uint64(0)
	} else {
		s.full = 1<<cfg.Values - 1
	}
	return s, nil
}

// NodeIDs returns "n0" .. "n<n-1>".
func NodeIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "n" + strconv.Itoa(i)
	}
	return ids
}

// Config returns the normalized configuration.
func (s *Sim) Config() Config { return s.cfg }

// peerNode maps node u's peer index j to a node index: the peers of u are
// the node ids in order with u left out.
func peerNode(u, j int) int {
	if j < u {
		return j
	}
	return j + 1
}

// reset builds fresh Peers from seed and places the values.
func (s *Sim) reset(seed uint64) error {
	n := s.cfg.N
	if s.cfg.PerNode {
		for u := range n {
			p, err := gossip.NewPeers(s.ids[u], s.ids, seed*0x9e3779b97f4a7c15+uint64(u))
			if err != nil {
				return fmt.Errorf("new peers: %w", err)
			}
			s.peers[u] = p
		}
	} else {
		p, err := gossip.NewPeers(s.ids[n-1], s.ids, seed)
		if err != nil {
			return fmt.Errorf("new peers: %w", err)
		}
		for u := range s.peers {
			s.peers[u] = p
		}
	}
	clear(s.cur)
	for j := range s.cfg.Values {
		s.cur[j*n/s.cfg.Values] |= 1 << j
	}
	return nil
}

// Run simulates one trial from seed, which fixes both the peer choice and
// the losses.
func (s *Sim) Run(seed uint64) (Trial, error) {
	if err := s.reset(seed); err != nil {
		return Trial{}, err
	}
	n, k := s.cfg.N, s.cfg.K
	loss := s.cfg.Loss
	lossRNG := rand.New(rand.NewPCG(seed^0x5851f42d4c957f2d, seed+1))
	drop := func() bool { return loss > 0 && lossRNG.Float64() < loss }
	complete := 0
	for u := range n {
		if s.cur[u] == s.full {
			complete++
		}
	}
	// gain merges the values of src into node v of cur.
	gain := func(v int, src uint64) {
		before := s.cur[v]
		after := before | src
		if after != before {
			s.cur[v] = after
			if after == s.full {
				complete++
			}
		}
	}
	var t Trial
	for t.Rounds < s.cfg.MaxRounds && complete < n {
		t.Rounds++
		copy(s.prev, s.cur) // synchronous round: everyone sends what it held at the start
		for u := range n {
			mine := s.prev[u]
			if s.cfg.Mode == Push && mine == 0 {
				continue
			}
			for _, j := range s.peers[u].Pick(k) {
				v := peerNode(u, j)
				t.Messages++
				if drop() {
					continue
				}
				gain(v, mine)
				if s.cfg.Mode == PushPull {
					t.Messages++
					if drop() {
						continue
					}
					gain(u, s.prev[v])
				}
			}
		}
	}
	t.Done = complete == n
	return t, nil
}

// holders counts the nodes holding every value (for tests).
func (s *Sim) holders() int {
	c := 0
	for _, x := range s.cur {
		if bits.OnesCount64(x) == s.cfg.Values {
			c++
		}
	}
	return c
}
