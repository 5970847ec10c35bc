// Command lazy is a broadcast node for the cluster bench's tests that loses
// values when it is killed: it acknowledges a broadcast at once but forwards
// it only with its next periodic gossip (its whole set to each topology
// neighbour every 2 s), so a value acknowledged less than 2 s before a kill
// dies with the node. Without kills it is valid, and a restarted lazy node
// catches up from its neighbours' next gossip.
package main

import (
	"os"
	"time"

	"github.com/maelstrom-gossip/node/bench/testnodes/internal/tnode"
)

func main() {
	n := &tnode.Node{Gossip: true, Every: 2 * time.Second}
	if err := n.Run(os.Stdin, os.Stdout); err != nil {
		os.Exit(1)
	}
}
