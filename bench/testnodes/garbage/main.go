// Command garbage is a broken broadcast node for the cluster bench's tests:
// it floods like the tutorial node but prints one line that is not JSON on
// stdout, which is the protocol channel.
package main

import (
	"os"

	"github.com/maelstrom-gossip/node/bench/testnodes/internal/tnode"
)

func main() {
	n := &tnode.Node{Gossip: true, Garbage: "node ready (this line is not JSON)"}
	if err := n.Run(os.Stdin, os.Stdout); err != nil {
		os.Exit(1)
	}
}
