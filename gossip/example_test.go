package gossip_test

import (
	"fmt"
	"time"

	"github.com/maelstrom-gossip/node/gossip"
)

// A leaf pushes a client's value to the hub; the hub flushes it, on its
// grid, to the node that lacks it. The caller builds each message from the
// Plan (Values, Ack) and reports it sent; the clock is the caller's.
func ExamplePlan() {
	ids := []string{"n0", "n1", "n2"} // n0 is the hub
	s := gossip.DefaultSettings()
	hub, _ := gossip.NewPlan("n0", ids, s, 100, 1)
	leaf, _ := gossip.NewPlan("n1", ids, s, 200, 2)
	ms := int64(time.Millisecond)
	now := 4_000_000_000 * s.Batch.Nanoseconds() // a point of the hub's grid

	leaf.Local(42) // a client's broadcast at n1
	at := leaf.Next(now)
	push := leaf.Due(at, nil)[0]
	vals, _ := leaf.Values(nil, push)
	fmt.Printf("n1 at +%dms: to %s %v\n", (at-now)/ms, leaf.Peers().ID(push.Peer), vals)
	leaf.Sent(push, 0, at)

	// 100 ms later the push reaches the hub, which flushes at its next
	// grid point, to n2 only: n1 sent the value.
	arrive := at + 100*ms
	from, _ := hub.Peers().Index("n1")
	hub.Push(from, &gossip.Push{MsgID: 0, HasMsgID: true, Inc: leaf.Inc(), HasInc: true, Data: true, Grid: push.Grid}, []int64{42}, 0, arrive)
	at = hub.Next(arrive)
	for _, f := range hub.Due(at, nil) {
		vals, _ := hub.Values(nil, f)
		fmt.Printf("n0 at +%dms: to %s %v (grid %v)\n", (at-now)/ms, hub.Peers().ID(f.Peer), vals, f.Grid)
		hub.Sent(f, 1, at)
	}
	fmt.Println(hub.State(from), hub.Mode(at), leaf.Mode(at))
	// Output:
	// n1 at +1ms: to n0 [42]
	// n0 at +225ms: to n2 [42] (grid true)
	// new hub leaf
}
