// Command silent is a broken broadcast node for the cluster bench's tests: it
// acknowledges broadcasts but never gossips, so values are lost.
package main

import (
	"os"

	"github.com/maelstrom-gossip/node/bench/testnodes/internal/tnode"
)

func main() {
	n := &tnode.Node{}
	if err := n.Run(os.Stdin, os.Stdout); err != nil {
		os.Exit(1)
	}
}
