package gossip

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestNewPeers(t *testing.T) {
	tests := []struct {
		name string
		self string
		ids  []string
		want []string
		err  error
	}{
		{"three", "n1", []string{"n1", "n2", "n3"}, []string{"n2", "n3"}, nil},
		{"alone", "n1", []string{"n1"}, nil, nil},
		{"self in the middle", "n2", []string{"n1", "n2", "n3"}, []string{"n1", "n3"}, nil},
		{"self missing", "n9", []string{"n1", "n2"}, nil, ErrSelfMissing},
		{"duplicate", "n1", []string{"n1", "n2", "n2"}, nil, ErrDuplicateID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := NewPeers(tt.self, tt.ids, 1)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			var got []string
			for i := range p.Len() {
				got = append(got, p.ID(i))
				if j, ok := p.Index(p.ID(i)); !ok || j != i {
					t.Fatalf("Index(%s) = %d, %v", p.ID(i), j, ok)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("peers = %v, want %v", got, tt.want)
			}
			if _, ok := p.Index(tt.self); ok {
				t.Fatal("the node is its own peer")
			}
		})
	}
}

func ids(n int) []string {
	s := make([]string, n)
	for i := range s {
		s[i] = "n" + string(rune('a'+i))
	}
	return s
}

func TestPeers_PickDistinctSortedAndUniform(t *testing.T) {
	p, err := NewPeers("na", ids(11), 7) // 10 peers
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, p.Len())
	const rounds = 20000
	for range rounds {
		got := p.Pick(3, -1)
		if len(got) != 3 || !slices.IsSorted(got) || len(slices.Compact(slices.Clone(got))) != 3 {
			t.Fatalf("Pick(3) = %v: want 3 distinct peers in index order", got)
		}
		for _, i := range got {
			counts[i]++
		}
	}
	// Each peer is chosen with probability 3/10: 6000 of 20000 rounds, with
	// a standard deviation of about 65; allow 6 of them.
	for i, c := range counts {
		if c < 6000-400 || c > 6000+400 {
			t.Errorf("peer %d chosen %d times, want about 6000", i, c)
		}
	}
	if got := p.Pick(20, -1); len(got) != 10 {
		t.Fatalf("Pick(20) of 10 peers = %d peers", len(got))
	}
}

// TestPeers_PickFewUniform covers the sampling path for K much smaller than
// the number of peers.
func TestPeers_PickFewUniform(t *testing.T) {
	names := make([]string, 41)
	for i := range names {
		names[i] = fmt.Sprintf("n%d", i)
	}
	p, err := NewPeers("n0", names, 11) // 40 peers
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, p.Len())
	pairs := map[[2]int]int{}
	const rounds = 40000
	for range rounds {
		got := p.Pick(2, -1)
		if len(got) != 2 || got[0] >= got[1] {
			t.Fatalf("Pick(2) = %v: want 2 distinct peers in index order", got)
		}
		counts[got[0]]++
		counts[got[1]]++
		pairs[[2]int{got[0], got[1]}]++
	}
	// Each peer: probability 2/40, so 2000 of 40000 (sd about 44).
	for i, c := range counts {
		if c < 2000-300 || c > 2000+300 {
			t.Errorf("peer %d chosen %d times, want about 2000", i, c)
		}
	}
	// All 780 pairs occur, about 51 times each.
	if len(pairs) != 40*39/2 {
		t.Errorf("%d distinct pairs, want 780", len(pairs))
	}
}

func TestPeers_PickSkipsUpToDatePeers(t *testing.T) {
	p, _ := NewPeers("na", ids(5), 1) // peers 0..3
	p.Holds(0, 10)
	p.Holds(2, 10)
	p.Holds(3, 7)
	for range 100 {
		got := p.Pick(4, 10)
		if !slices.Equal(got, []int{1, 3}) {
			t.Fatalf("Pick(4, have=10) = %v, want peers 1 and 3", got)
		}
	}
	if got := p.Pick(4, -1); len(got) != 4 {
		t.Fatalf("Pick(4, -1) = %v, want all peers", got)
	}
	p.Holds(1, 10)
	p.Holds(3, 10)
	if got := p.Pick(2, 10); len(got) != 0 {
		t.Fatalf("every peer is up to date, Pick = %v", got)
	}
}

func TestPeers_Acked(t *testing.T) {
	p, _ := NewPeers("na", ids(3), 1)
	p.Sent(0, 5, 3, 0)
	p.Sent(0, 9, 4, 0)
	p.Acked(0, 7) // unknown: ignored
	if p.Held(0) != 0 {
		t.Fatalf("an unknown ack counted")
	}
	p.Acked(0, 9)
	if p.Held(0) != 4 {
		t.Fatalf("Held = %d, want 4", p.Held(0))
	}
	p.Acked(0, 5) // older and smaller: never lowers
	if p.Held(0) != 4 {
		t.Fatalf("Held = %d, want 4", p.Held(0))
	}
	p.Acked(0, 9) // repeated: ignored
	// The ring forgets the oldest of more than pendingPerPeer outstanding syncs.
	for id := int64(10); id < 10+pendingPerPeer+1; id++ {
		p.Sent(1, id, int(id), 0)
	}
	p.Acked(1, 10)
	if p.Held(1) != 0 {
		t.Fatalf("the oldest sync should have been forgotten")
	}
	p.Acked(1, 10+pendingPerPeer)
	if p.Held(1) != 10+pendingPerPeer {
		t.Fatalf("Held = %d", p.Held(1))
	}
}
