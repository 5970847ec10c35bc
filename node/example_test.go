package node_test

import (
	"fmt"
	"io"

	"github.com/maelstrom-gossip/node/node"
)

// Handle applies one line and appends what it causes; here a node with no
// gossip of its own answers the exercise's requests.
func ExampleNode_Handle() {
	cfg := node.DefaultConfig()
	cfg.NoStar, cfg.Interval, cfg.Seed, cfg.Stderr = true, 0, 1, io.Discard
	n, _ := node.New(cfg)
	var out []byte
	for _, line := range []string{
		`{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}`,
		`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":10}}`,
		`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":3,"messages":[10,20,30]}}`,
		`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":4}}`,
	} {
		out = n.Handle([]byte(line), out)
	}
	fmt.Print(string(out))
	// Output:
	// {"src": "n1", "dest": "c0", "body": {"type": "init_ok", "in_reply_to": 1, "msg_id": 0}}
	// {"src": "n1", "dest": "c1", "body": {"type": "broadcast_ok", "in_reply_to": 2, "msg_id": 1}}
	// {"src": "n1", "dest": "n2", "body": {"type": "gossip_sync_ok", "new_count": 2, "in_reply_to": 3, "msg_id": 2}}
	// {"src": "n1", "dest": "c1", "body": {"type": "read_ok", "messages": [10, 20, 30], "in_reply_to": 4, "msg_id": 3}}
}
