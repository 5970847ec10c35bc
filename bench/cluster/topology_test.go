package cluster

import (
	"reflect"
	"slices"
	"testing"
)

// The expected maps below were derived by hand from Maelstrom's
// grid-topology, line-topology, tree-topology and total-topology
// (src/maelstrom/workload/broadcast.clj), neighbour order included.
func TestBuildTopology(t *testing.T) {
	tests := []struct {
		name string
		kind string
		n    int
		want Topology
	}{
		{"grid of 1", "grid", 1, Topology{"n0": {}}},
		{"grid of 5 is a partial 3x3", "grid", 5, Topology{
			"n0": {"n3", "n1"},
			"n1": {"n4", "n2", "n0"},
			"n2": {"n1"},
			"n3": {"n0", "n4"},
			"n4": {"n1", "n3"},
		}},
		{"grid of 4 is 2x2", "grid", 4, Topology{
			"n0": {"n2", "n1"},
			"n1": {"n3", "n0"},
			"n2": {"n0", "n3"},
			"n3": {"n1", "n2"},
		}},
		{"line of 1 is empty", "line", 1, Topology{}},
		{"line of 4", "line", 4, Topology{
			"n0": {"n1"},
			"n1": {"n0", "n2"},
			"n2": {"n1", "n3"},
			"n3": {"n2"},
		}},
		{"tree2 of 6", "tree2", 6, Topology{
			"n0": {"n1", "n2"},
			"n1": {"n0", "n3", "n4"},
			"n2": {"n0", "n5"},
			"n3": {"n1"},
			"n4": {"n1"},
			"n5": {"n2"},
		}},
		{"tree is tree2", "tree", 3, Topology{"n0": {"n1", "n2"}, "n1": {"n0"}, "n2": {"n0"}}},
		{"tree3 of 5", "tree3", 5, Topology{
			"n0": {"n1", "n2", "n3"},
			"n1": {"n0", "n4"},
			"n2": {"n0"},
			"n3": {"n0"},
			"n4": {"n1"},
		}},
		{"total of 3", "total", 3, Topology{"n0": {"n1", "n2"}, "n1": {"n0", "n2"}, "n2": {"n0", "n1"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := BuildTopology(tt.kind, NodeIDs(tt.n))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// TestBuildTopology_Shapes checks the 25-node topologies of Maelstrom's
// performance chapter: the flood node sends 2·edges - (n-1) messages per
// broadcast, 56 on the 5x5 grid and 24 on the line and the trees.
func TestBuildTopology_Shapes(t *testing.T) {
	tests := []struct {
		kind      string
		edges     int
		maxDegree int
	}{
		{"grid", 40, 4},
		{"line", 24, 2},
		{"tree2", 24, 3},
		{"tree3", 24, 4},
		{"tree4", 24, 5},
		{"total", 300, 24},
	}
	ids := NodeIDs(25)
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			topo, err := BuildTopology(tt.kind, ids)
			if err != nil {
				t.Fatal(err)
			}
			degrees, maxDeg := 0, 0
			for a, nbs := range topo {
				degrees += len(nbs)
				maxDeg = max(maxDeg, len(nbs))
				for _, b := range nbs {
					if b == a {
						t.Errorf("%s lists itself", a)
					}
					if !slices.Contains(topo[b], a) {
						t.Errorf("%s lists %s but not the reverse", a, b)
					}
				}
			}
			if len(topo) != 25 || degrees != 2*tt.edges || maxDeg != tt.maxDegree {
				t.Errorf("%d nodes, %d edges, max degree %d; want 25, %d, %d",
					len(topo), degrees/2, maxDeg, tt.edges, tt.maxDegree)
			}
		})
	}
}

func TestBuildTopology_Unknown(t *testing.T) {
	if _, err := BuildTopology("ring", NodeIDs(3)); err != ErrUnknownTopology {
		t.Fatalf("err = %v, want ErrUnknownTopology", err)
	}
}
