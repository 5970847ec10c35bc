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
		got := p.Pick(3)
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
	if got := p.Pick(20); len(got) != 10 {
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
		got := p.Pick(2)
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

func TestPeers_PickAmong(t *testing.T) {
	p, _ := NewPeers("na", ids(5), 1) // peers 0..3
	for range 100 {
		got := p.PickAmong(4, []int{3, 1})
		if !slices.Equal(got, []int{1, 3}) {
			t.Fatalf("PickAmong(4, [3 1]) = %v, want peers 1 and 3", got)
		}
	}
	counts := map[int]int{}
	for range 3000 {
		got := p.PickAmong(1, []int{0, 2, 3})
		if len(got) != 1 {
			t.Fatalf("PickAmong(1) = %v", got)
		}
		counts[got[0]]++
	}
	for _, i := range []int{0, 2, 3} {
		if c := counts[i]; c < 800 || c > 1200 {
			t.Errorf("peer %d chosen %d of 3000 times, want about 1000", i, c)
		}
	}
	if got := p.PickAmong(2, nil); len(got) != 0 {
		t.Fatalf("no candidates, PickAmong = %v", got)
	}
}
