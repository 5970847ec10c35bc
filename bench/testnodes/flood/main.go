// Command flood is the flooding broadcast node of Maelstrom's tutorial, used
// by the cluster bench's tests: each new value goes to every topology
// neighbour except the sender.
package main

import (
	"os"

	"github.com/maelstrom-gossip/node/bench/testnodes/internal/tnode"
)

func main() {
	n := &tnode.Node{Gossip: true}
	if err := n.Run(os.Stdin, os.Stdout); err != nil {
		os.Exit(1)
	}
}
