package convergence

import (
	"errors"
	"math"
	"testing"

	"github.com/maelstrom-gossip/node/gossip"
)

func TestSim_New(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want error
	}{
		{"ok", Config{N: 10, K: 2}, nil},
		{"one node", Config{N: 1, K: 1}, ErrConfig},
		{"K zero", Config{N: 10, K: 0}, ErrConfig},
		{"K too big", Config{N: 10, K: 10}, ErrConfig},
		{"bad mode", Config{N: 10, K: 1, Mode: 7}, ErrMode},
		{"loss one", Config{N: 10, K: 1, Loss: 1}, ErrConfig},
		{"loss NaN", Config{N: 10, K: 1, Loss: math.NaN()}, ErrConfig},
		{"too many values", Config{N: 100, K: 1, Values: 65}, ErrConfig},
		{"more values than nodes", Config{N: 4, K: 1, Values: 5}, ErrConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSim(tt.cfg)
			if !errors.Is(err, tt.want) {
				t.Fatalf("NewSim(%+v) = %v, want %v", tt.cfg, err, tt.want)
			}
		})
	}
}

// TestSim_peerNode checks that the shared-Peers reading of a pick is the
// per-node one: node u's peer j is the node gossip.Peers names.
func TestSim_peerNode(t *testing.T) {
	ids := NodeIDs(7)
	for u := range ids {
		p, err := gossip.NewPeers(ids[u], ids, 1)
		if err != nil {
			t.Fatal(err)
		}
		for j := range p.Len() {
			if got, want := ids[peerNode(u, j)], p.ID(j); got != want {
				t.Fatalf("peerNode(%d, %d) = %s, Peers.ID = %s", u, j, got, want)
			}
		}
	}
}

func TestSim_Run(t *testing.T) {
	tests := []struct {
		name       string
		cfg        Config
		wantRounds int   // 0: do not check
		wantMsgs   int64 // 0: do not check
	}{
		// K = n-1: node 0 reaches everyone in one round with n-1 pushes.
		{"push to all", Config{N: 8, K: 7}, 1, 7},
		// Push-pull to all: 8 nodes x 7 requests, each with a reply.
		{"pushpull to all", Config{N: 8, K: 7, Mode: PushPull}, 1, 8 * 7 * 2},
		{"push several values", Config{N: 200, K: 2, Values: 64}, 0, 0},
		{"pushpull several values", Config{N: 200, K: 1, Mode: PushPull, Values: 5}, 0, 0},
		{"push lossy", Config{N: 200, K: 2, Loss: 0.5}, 0, 0},
		{"pushpull lossy", Config{N: 200, K: 1, Mode: PushPull, Loss: 0.5}, 0, 0},
		{"per node", Config{N: 50, K: 2, PerNode: true}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := NewSim(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			for seed := range uint64(5) {
				tr, err := s.Run(seed)
				if err != nil {
					t.Fatal(err)
				}
				if !tr.Done || s.holders() != tt.cfg.N {
					t.Fatalf("seed %d: not converged: %+v, %d holders", seed, tr, s.holders())
				}
				if tt.wantRounds != 0 && tr.Rounds != tt.wantRounds {
					t.Errorf("seed %d: rounds = %d, want %d", seed, tr.Rounds, tt.wantRounds)
				}
				if tt.wantMsgs != 0 && tr.Messages != tt.wantMsgs {
					t.Errorf("seed %d: messages = %d, want %d", seed, tr.Messages, tt.wantMsgs)
				}
				if tt.cfg.Mode == PushPull && tt.cfg.Loss == 0 {
					if want := int64(tr.Rounds * tt.cfg.N * tt.cfg.K * 2); tr.Messages != want {
						t.Errorf("seed %d: pushpull messages = %d, want rounds*n*K*2 = %d", seed, tr.Messages, want)
					}
				}
			}
		})
	}
}

// TestSim_Run_deterministic: a seed fixes the trial.
func TestSim_Run_deterministic(t *testing.T) {
	cfg := Config{N: 300, K: 2, Mode: PushPull, Loss: 0.2}
	a, _ := NewSim(cfg)
	b, _ := NewSim(cfg)
	for seed := range uint64(5) {
		ta, _ := a.Run(seed)
		b.Run(seed + 100) // leftover state must not matter
		tb, _ := b.Run(seed)
		if ta != tb {
			t.Fatalf("seed %d: %+v != %+v", seed, ta, tb)
		}
	}
}

func TestPercentile(t *testing.T) {
	tests := []struct {
		name string
		in   []int
		q    float64
		want int
	}{
		{"one", []int{5}, 0.99, 5},
		{"p99 of 100", seq(100), 0.99, 99},
		{"p99 of 200", seq(200), 0.99, 198},
		{"median", seq(10), 0.5, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.in, tt.q); got != tt.want {
				t.Fatalf("Percentile(%v) = %d, want %d", tt.q, got, tt.want)
			}
		})
	}
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i + 1
	}
	return s
}
