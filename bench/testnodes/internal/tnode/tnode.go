// Package tnode is a tiny Maelstrom broadcast node used only by the cluster
// bench's tests. It implements the flooding node of Maelstrom's broadcast
// tutorial (each new value goes to every topology neighbour except the one it
// came from) and lets each test binary switch one behaviour off or on to make
// a deliberately broken node.
//
// It uses only the standard library and is not tuned for speed. A Node is
// single-threaded: Run MUST NOT be called from more than one goroutine (with
// Every set, Run reads its input in a goroutine of its own, but handles
// every message and tick on the goroutine that called it).
package tnode

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// Node is one test node. The zero value with Gossip set is the flooding node.
type Node struct {
	// Gossip forwards each new value to the topology neighbours. A node with
	// Gossip false keeps values to itself, so other nodes never learn them.
	Gossip bool
	// ExitAfter makes the process exit with status 3 after this many input
	// messages; zero means never.
	ExitAfter int
	// Garbage is printed once on stdout right after init_ok when non-empty.
	Garbage string
	// Extra is added to every read_ok when non-nil.
	Extra *int64
	// Every, when positive, replaces flooding with periodic gossip: every
	// Every the node sends its whole set to each topology neighbour, and
	// nothing in between. A broadcast is acknowledged at once but only
	// forwarded at the next tick, so a node killed in between takes the
	// value with it; a restarted node, empty, catches up from its
	// neighbours' next ticks.
	Every time.Duration

	id        string
	neighbors []string
	seen      map[int64]bool
	values    []byte // the values seen, JSON-encoded and comma-separated
	out       *bufio.Writer
}

type envelope struct {
	Src  string `json:"src"`
	Dest string `json:"dest"`
	Body body   `json:"body"`
}

type body struct {
	Type     string              `json:"type"`
	MsgID    *int                `json:"msg_id"`
	NodeID   string              `json:"node_id"`
	Message  *int64              `json:"message"`
	Messages []int64             `json:"messages"`
	Topology map[string][]string `json:"topology"`
}

// Run reads messages from in and writes replies and gossip to out until in
// ends.
func (n *Node) Run(in io.Reader, out io.Writer) error {
	n.seen = make(map[int64]bool)
	n.out = bufio.NewWriter(out)
	if n.Every > 0 {
		return n.runTicking(in)
	}
	r := bufio.NewReaderSize(in, 1<<16)
	count := 0
	for {
		line, err := r.ReadBytes('\n')
		if len(line) > 0 {
			count++
			if n.ExitAfter > 0 && count > n.ExitAfter {
				n.out.Flush()
				fmt.Fprintln(os.Stderr, "[ERR] exiting on purpose")
				os.Exit(3)
			}
			if herr := n.handle(line); herr != nil {
				fmt.Fprintln(os.Stderr, "[WARN]", herr)
			}
			if r.Buffered() == 0 {
				if ferr := n.out.Flush(); ferr != nil {
					return ferr
				}
			}
		}
		if err == io.EOF {
			return n.out.Flush()
		}
		if err != nil {
			return err
		}
	}
}

// runTicking is Run with periodic gossip: a goroutine reads lines, and this
// one handles them and the ticks.
func (n *Node) runTicking(in io.Reader) error {
	lines := make(chan []byte, 64)
	errc := make(chan error, 1)
	go func() {
		r := bufio.NewReaderSize(in, 1<<16)
		for {
			line, err := r.ReadBytes('\n')
			if len(line) > 0 {
				lines <- line
			}
			if err != nil {
				close(lines)
				errc <- err
				return
			}
		}
	}()
	tick := time.NewTicker(n.Every)
	defer tick.Stop()
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				n.out.Flush()
				if err := <-errc; err != io.EOF {
					return err
				}
				return nil
			}
			if herr := n.handle(line); herr != nil {
				fmt.Fprintln(os.Stderr, "[WARN]", herr)
			}
		case <-tick.C:
			if n.id != "" && len(n.values) > 0 {
				for _, peer := range n.neighbors {
					n.send(peer, `"type":"gossip","messages":[`+string(n.values)+`]`)
				}
			}
		}
		if len(lines) == 0 {
			if err := n.out.Flush(); err != nil {
				return err
			}
		}
	}
}

// add records v and reports whether it is new.
func (n *Node) add(v int64) bool {
	if n.seen[v] {
		return false
	}
	n.seen[v] = true
	if len(n.values) > 0 {
		n.values = append(n.values, ',')
	}
	n.values = strconv.AppendInt(n.values, v, 10)
	return true
}

func (n *Node) handle(line []byte) error {
	var env envelope
	if err := json.Unmarshal(line, &env); err != nil {
		return fmt.Errorf("decode message: %w", err)
	}
	b := &env.Body
	switch b.Type {
	case "init":
		n.id = b.NodeID
		n.reply(env.Src, b.MsgID, `"type":"init_ok"`)
		if n.Garbage != "" {
			n.out.WriteString(n.Garbage + "\n")
		}
	case "topology":
		n.neighbors = b.Topology[n.id]
		n.reply(env.Src, b.MsgID, `"type":"topology_ok"`)
	case "gossip":
		for _, v := range b.Messages {
			n.add(v)
		}
	case "broadcast":
		if b.Message != nil && n.add(*b.Message) {
			v := *b.Message
			if n.Gossip && n.Every == 0 {
				for _, peer := range n.neighbors {
					if peer != env.Src {
						n.send(peer, `"type":"broadcast","message":`+strconv.FormatInt(v, 10))
					}
				}
			}
		}
		if b.MsgID != nil {
			n.reply(env.Src, b.MsgID, `"type":"broadcast_ok"`)
		}
	case "read":
		msgs := append([]byte(`"type":"read_ok","messages":[`), n.values...)
		if n.Extra != nil {
			if len(n.values) > 0 {
				msgs = append(msgs, ',')
			}
			msgs = strconv.AppendInt(msgs, *n.Extra, 10)
		}
		n.reply(env.Src, b.MsgID, string(append(msgs, ']')))
	}
	return nil
}

func (n *Node) reply(dest string, inReplyTo *int, fields string) {
	irt := ""
	if inReplyTo != nil {
		irt = `,"in_reply_to":` + strconv.Itoa(*inReplyTo)
	}
	n.send(dest, fields+irt)
}

// send writes one message. Gossip carries no msg_id, as in the tutorial,
// so that the receiver knows not to acknowledge it.
func (n *Node) send(dest, fields string) {
	fmt.Fprintf(n.out, `{"src":%q,"dest":%q,"body":{%s}}`+"\n", n.id, dest, fields)
}
