package cluster

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// PartitionKinds lists the cuts the partition nemesis chooses from, as
// jepsen's combined nemesis names them for a database without primaries.
var PartitionKinds = []string{"one", "minority-third", "majority", "majorities-ring"}

// grudge says which messages a partition drops: blocked[dest] holds a bit for
// every source whose messages dest no longer hears. Clients are never in a
// grudge. A grudge is immutable once built, so readers share it freely.
type grudge struct {
	n       int
	kind    string
	words   int
	blocked []uint64 // n rows of words uint64s
}

func newGrudge(n int, kind string) *grudge {
	w := (n + 63) / 64
	return &grudge{n: n, kind: kind, words: w, blocked: make([]uint64, n*w)}
}

// blocks reports whether dest drops messages from src.
func (g *grudge) blocks(dest, src int) bool {
	return g.blocked[dest*g.words+src/64]&(1<<(src%64)) != 0
}

func (g *grudge) block(dest, src int) {
	g.blocked[dest*g.words+src/64] |= 1 << (src % 64)
}

// cuts counts the blocked (dest, src) pairs.
func (g *grudge) cuts() int {
	c := 0
	for d := 0; d < g.n; d++ {
		for s := 0; s < g.n; s++ {
			if g.blocks(d, s) {
				c++
			}
		}
	}
	return c
}

// complete builds a grudge in which no node hears any node outside its own
// component. Nodes in no component are cut from nobody.
func complete(n int, kind string, components [][]int) *grudge {
	g := newGrudge(n, kind)
	comp := make([]int, n)
	for i := range comp {
		comp[i] = -1
	}
	for c, members := range components {
		for _, m := range members {
			comp[m] = c
		}
	}
	for d := 0; d < n; d++ {
		for s := 0; s < n; s++ {
			if comp[d] >= 0 && comp[s] >= 0 && comp[d] != comp[s] {
				g.block(d, s)
			}
		}
	}
	return g
}

// majority is the smallest integer strictly greater than half of n.
func majority(n int) int { return n/2 + 1 }

// buildGrudge makes one partition of kind over n nodes, as jepsen does:
//
//   - one: a single random node is isolated;
//   - minority-third: a random group of (n-1)/3 nodes is cut from the rest;
//   - majority: shuffled nodes are bisected, floor(n/2) against the rest;
//   - majorities-ring: every node hears a majority, but no two nodes hear
//     the same one (a ring for up to 5 nodes, a randomized construction
//     beyond).
func buildGrudge(kind string, n int, r *rand.Rand) *grudge {
	perm := r.Perm(n)
	switch kind {
	case "one":
		loner := perm[0]
		rest := make([]int, 0, n-1)
		for i := 0; i < n; i++ {
			if i != loner {
				rest = append(rest, i)
			}
		}
		return complete(n, kind, [][]int{{loner}, rest})
	case "minority-third":
		k := (n - 1) / 3
		return complete(n, kind, [][]int{perm[:k], perm[k:]})
	case "majority":
		return complete(n, kind, [][]int{perm[:n/2], perm[n/2:]})
	case "majorities-ring":
		if n <= 5 {
			return ringGrudge(n, perm)
		}
		return stochasticRingGrudge(n, r)
	}
	panic("BUG: unknown partition kind " + kind)
}

// ringGrudge places the nodes on a ring in the order of perm; for every
// window of majority(n) consecutive nodes, the node in the window's middle
// hears exactly that window.
func ringGrudge(n int, perm []int) *grudge {
	m := majority(n)
	g := newGrudge(n, "majorities-ring")
	for k := 0; k < n; k++ {
		hears := make([]bool, n)
		for j := 0; j < m; j++ {
			hears[perm[(k+j)%n]] = true
		}
		me := perm[(k+m/2)%n]
		for s := 0; s < n; s++ {
			if !hears[s] {
				g.block(me, s)
			}
		}
	}
	return g
}

// stochasticRingGrudge links least-connected nodes to other least-connected
// nodes (each node starts connected to itself) until every node is connected
// to a majority, then cuts every pair that is not linked.
func stochasticRingGrudge(n int, r *rand.Rand) *grudge {
	m := majority(n)
	conn := make([][]bool, n)
	degree := make([]int, n)
	for i := range conn {
		conn[i] = make([]bool, n)
		conn[i][i] = true
		degree[i] = 1
	}
	order := make([]int, n)
	for {
		for i := range order {
			order[i] = i
		}
		r.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		slices.SortStableFunc(order, func(a, b int) int { return degree[a] - degree[b] })
		a := order[0]
		if degree[a] >= m {
			break
		}
		for _, b := range order[1:] {
			if !conn[a][b] {
				conn[a][b], conn[b][a] = true, true
				degree[a]++
				degree[b]++
				break
			}
		}
	}
	g := newGrudge(n, "majorities-ring")
	for d := 0; d < n; d++ {
		for s := 0; s < n; s++ {
			if !conn[d][s] {
				g.block(d, s)
			}
		}
	}
	return g
}

// describe renders the grudge for logs: the components when the cut is
// clean (every node hears exactly the members of its own group), otherwise
// the kind and the number of one-way links cut.
func (g *grudge) describe(ids []string) string {
	hears := func(a, b int) bool { return !g.blocks(a, b) }
	clean := true
	for a := 0; a < g.n && clean; a++ {
		for b := 0; b < g.n && clean; b++ {
			if !hears(a, b) {
				continue
			}
			for c := 0; c < g.n; c++ {
				if hears(a, c) != hears(b, c) {
					clean = false
					break
				}
			}
		}
	}
	var sb strings.Builder
	sb.WriteString(g.kind)
	if !clean {
		sb.WriteString(" (" + strconv.Itoa(g.cuts()) + " one-way links cut)")
		return sb.String()
	}
	// List the components, smallest first, so that the cut-off nodes lead.
	var groups [][]string
	seen := make([]bool, g.n)
	for a := 0; a < g.n; a++ {
		if seen[a] {
			continue
		}
		var grp []string
		for b := 0; b < g.n; b++ {
			if hears(a, b) {
				seen[b] = true
				grp = append(grp, ids[b])
			}
		}
		groups = append(groups, grp)
	}
	slices.SortStableFunc(groups, func(x, y []string) int { return len(x) - len(y) })
	for _, grp := range groups {
		sb.WriteString(" {" + strings.Join(grp, " ") + "}")
	}
	return sb.String()
}
