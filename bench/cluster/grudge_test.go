package cluster

import (
	"math/rand/v2"
	"testing"
)

// hears lists, for each node, the nodes it still hears (itself included).
func hears(g *grudge) [][]bool {
	h := make([][]bool, g.n)
	for d := range h {
		h[d] = make([]bool, g.n)
		for s := range h[d] {
			h[d][s] = !g.blocks(d, s)
		}
	}
	return h
}

func count(row []bool) int {
	c := 0
	for _, b := range row {
		if b {
			c++
		}
	}
	return c
}

func TestBuildGrudge(t *testing.T) {
	tests := []struct {
		kind  string
		n     int
		check func(t *testing.T, g *grudge)
	}{
		{"one", 5, func(t *testing.T, g *grudge) {
			alone := 0
			for d, row := range hears(g) {
				switch count(row) {
				case 1:
					alone++
					if !row[d] {
						t.Errorf("n%d cut from itself", d)
					}
				case 4:
				default:
					t.Errorf("n%d hears %d nodes", d, count(row))
				}
			}
			if alone != 1 {
				t.Errorf("%d isolated nodes, want 1", alone)
			}
		}},
		{"majority", 5, func(t *testing.T, g *grudge) { sizes(t, g, map[int]int{2: 2, 3: 3}) }},
		{"majority", 25, func(t *testing.T, g *grudge) { sizes(t, g, map[int]int{12: 12, 13: 13}) }},
		{"minority-third", 25, func(t *testing.T, g *grudge) { sizes(t, g, map[int]int{8: 8, 17: 17}) }},
		{"minority-third", 3, func(t *testing.T, g *grudge) {
			if g.cuts() != 0 {
				t.Errorf("3 nodes have no minority third, yet %d links are cut", g.cuts())
			}
		}},
		{"majorities-ring", 5, func(t *testing.T, g *grudge) {
			h := hears(g)
			seen := map[string]bool{}
			for d, row := range h {
				if count(row) != 3 || !row[d] {
					t.Errorf("n%d hears %v, want itself and exactly 2 others", d, row)
				}
				key := ""
				for _, b := range row {
					key += map[bool]string{true: "1", false: "0"}[b]
				}
				if seen[key] {
					t.Errorf("two nodes hear the same majority %s", key)
				}
				seen[key] = true
			}
			symmetric(t, g)
		}},
		{"majorities-ring", 25, func(t *testing.T, g *grudge) {
			for d, row := range hears(g) {
				if count(row) < majority(25) || !row[d] {
					t.Errorf("n%d hears %d nodes, want at least %d", d, count(row), majority(25))
				}
			}
			symmetric(t, g)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			for seed := range uint64(20) {
				g := buildGrudge(tt.kind, tt.n, rand.New(rand.NewPCG(seed, 9)))
				if g.n != tt.n {
					t.Fatalf("grudge over %d nodes, want %d", g.n, tt.n)
				}
				tt.check(t, g)
			}
		})
	}
}

// sizes checks a clean cut into components of the given sizes: every node
// hears exactly its component.
func sizes(t *testing.T, g *grudge, want map[int]int) {
	t.Helper()
	got := map[int]int{}
	for _, row := range hears(g) {
		got[count(row)]++
	}
	for size, nodes := range want {
		if got[size] != nodes {
			t.Errorf("component sizes %v, want %v", got, want)
			return
		}
	}
	symmetric(t, g)
}

func symmetric(t *testing.T, g *grudge) {
	t.Helper()
	for a := 0; a < g.n; a++ {
		for b := 0; b < g.n; b++ {
			if g.blocks(a, b) != g.blocks(b, a) {
				t.Fatalf("cut between n%d and n%d is one-way", a, b)
			}
		}
	}
}

func TestGrudge_Describe(t *testing.T) {
	ids := NodeIDs(4)
	if got, want := complete(4, "majority", [][]int{{0, 2}, {1, 3}}).describe(ids), "majority {n0 n2} {n1 n3}"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	g := buildGrudge("majorities-ring", 5, rand.New(rand.NewPCG(1, 1)))
	if got := g.describe(NodeIDs(5)); got != "majorities-ring (10 one-way links cut)" {
		t.Errorf("got %q", got)
	}
}
