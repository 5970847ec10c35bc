package cluster_test

import (
	"fmt"

	"github.com/maelstrom-gossip/node/bench/cluster"
)

func ExampleBuildTopology() {
	topo, _ := cluster.BuildTopology("grid", cluster.NodeIDs(5))
	for _, id := range cluster.NodeIDs(5) {
		fmt.Println(id, topo[id])
	}
	// Output:
	// n0 [n3 n1]
	// n1 [n4 n2 n0]
	// n2 [n1]
	// n3 [n0 n4]
	// n4 [n1 n3]
}

func ExampleCheckHistory() {
	// Value 0 is acknowledged at 10 ms; a read invoked at 30 ms misses it,
	// a read invoked at 50 ms sees it: stable after 20 ms.
	ms := int64(1e6)
	h := []cluster.Event{
		{Index: 0, Time: 0, Process: 0, F: cluster.Broadcast, Type: cluster.Invoke, Value: 0},
		{Index: 1, Time: 10 * ms, Process: 0, F: cluster.Broadcast, Type: cluster.OK, Value: 0},
		{Index: 2, Time: 30 * ms, Process: 1, F: cluster.Read, Type: cluster.Invoke},
		{Index: 3, Time: 31 * ms, Process: 1, F: cluster.Read, Type: cluster.OK, Values: []int64{}},
		{Index: 4, Time: 50 * ms, Process: 1, F: cluster.Read, Type: cluster.Invoke, Final: true},
		{Index: 5, Time: 51 * ms, Process: 1, F: cluster.Read, Type: cluster.OK, Values: []int64{0}, Final: true},
	}
	r := cluster.CheckHistory(h)
	fmt.Println(r.Valid, r.StableCount, r.LostCount, r.StableLatencies["1"])
	// Output: true 1 0 20
}
