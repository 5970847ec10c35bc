// Command crash is a broken broadcast node for the cluster bench's tests: it
// floods like the tutorial node but exits after a few messages.
package main

import (
	"os"

	"github.com/maelstrom-gossip/node/bench/testnodes/internal/tnode"
)

func main() {
	n := &tnode.Node{Gossip: true, ExitAfter: 8}
	if err := n.Run(os.Stdin, os.Stdout); err != nil {
		os.Exit(1)
	}
}
