// Command liar is a broken broadcast node for the cluster bench's tests: it
// floods like the tutorial node but every read_ok also carries a value that
// was never broadcast.
package main

import (
	"os"

	"github.com/maelstrom-gossip/node/bench/testnodes/internal/tnode"
)

func main() {
	never := int64(-42)
	n := &tnode.Node{Gossip: true, Extra: &never}
	if err := n.Run(os.Stdin, os.Stdout); err != nil {
		os.Exit(1)
	}
}
