package cluster

import (
	"math"
	"strconv"
)

// Topology maps each node id to its neighbours, listed in the order in which
// Maelstrom's broadcast workload lists them. It is sent to every node in the
// topology message. A Topology is immutable once built.
type Topology map[string][]string

// Topologies lists the names BuildTopology accepts.
var Topologies = []string{"grid", "line", "tree", "tree2", "tree3", "tree4", "total"}

// NodeIDs returns the ids n0..n(n-1).
func NodeIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "n" + strconv.Itoa(i)
	}
	return ids
}

// BuildTopology arranges ids the way Maelstrom's broadcast workload does:
//
//   - grid: a ceil(sqrt(n))-wide square, filled row by row; neighbours are
//     listed down, up, right, left;
//   - line: each node next to the previous and next id (empty for fewer than
//     two nodes);
//   - tree2, tree3, tree4 (tree is tree2): ids fill a b-ary tree tier by
//     tier, so the parent of the i-th id is the (i-1)/b-th; the parent is
//     listed first, then the children;
//   - total: every node lists all the others.
func BuildTopology(name string, ids []string) (Topology, error) {
	switch name {
	case "grid":
		return gridTopology(ids), nil
	case "line":
		return lineTopology(ids), nil
	case "tree", "tree2":
		return treeTopology(ids, 2), nil
	case "tree3":
		return treeTopology(ids, 3), nil
	case "tree4":
		return treeTopology(ids, 4), nil
	case "total":
		return totalTopology(ids), nil
	}
	return nil, ErrUnknownTopology
}

func gridTopology(ids []string) Topology {
	n := len(ids)
	side := int(math.Ceil(math.Sqrt(float64(n))))
	at := func(i, j int) (string, bool) {
		if i < 0 || j < 0 || j >= side {
			return "", false
		}
		idx := i*side + j
		if idx >= n {
			return "", false
		}
		return ids[idx], true
	}
	t := make(Topology, n)
	for i := 0; i < side; i++ {
		for j := 0; j < side; j++ {
			me, ok := at(i, j)
			if !ok {
				continue
			}
			nb := []string{}
			for _, d := range [4][2]int{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
				if id, ok := at(i+d[0], j+d[1]); ok {
					nb = append(nb, id)
				}
			}
			t[me] = nb
		}
	}
	return t
}

func lineTopology(ids []string) Topology {
	n := len(ids)
	t := make(Topology, n)
	if n < 2 {
		return t
	}
	t[ids[0]] = []string{ids[1]}
	t[ids[n-1]] = []string{ids[n-2]}
	for i := 1; i < n-1; i++ {
		t[ids[i]] = []string{ids[i-1], ids[i+1]}
	}
	return t
}

func treeTopology(ids []string, b int) Topology {
	n := len(ids)
	t := make(Topology, n)
	for i := range ids {
		nb := []string{}
		if i > 0 {
			nb = append(nb, ids[(i-1)/b])
		}
		for c := b*i + 1; c <= b*i+b && c < n; c++ {
			nb = append(nb, ids[c])
		}
		t[ids[i]] = nb
	}
	return t
}

func totalTopology(ids []string) Topology {
	t := make(Topology, len(ids))
	for i, me := range ids {
		nb := make([]string, 0, len(ids)-1)
		for j, other := range ids {
			if j != i {
				nb = append(nb, other)
			}
		}
		t[me] = nb
	}
	return t
}
