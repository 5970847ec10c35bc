package gossip

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// simNet runs Plans in virtual time, one millisecond a step: the way the
// node uses them (Due, build from the Log, Sent; Received and Acked on
// arrival), over a network with constant latency (plus, optionally, a random
// jitter that reorders messages, and an extra delay on what some nodes
// send), loss and cuts.
type simNet struct {
	t        *testing.T
	now      int64 // ns
	latency  int64
	jitter   int64          // each message waits up to this much more, uniformly
	slowFrom map[int]int64  // node: extra delay of everything it sends
	carried  map[[2]int]int // (from, to): values carried by messages with values
	loss     float64
	rng      *rand.Rand
	nodes    []*simNode
	flight   []simMsg
	cut      func(from, to int) bool // nil: no partition
	down     map[int]bool            // nodes that neither send nor receive
	dropFrom map[int]int             // node: how many of its next messages are lost
	ids      []string
	settings Settings
	seed     uint64
	sent     int // messages sent
	values   int // values carried by messages with values
	acks     int // of which acknowledgements alone
	whole    int // of which whole sets
}

type simNode struct {
	id     int
	inc    int64
	peers  *Peers
	log    Log
	plan   *Plan
	set    map[int64]bool
	nextID int64
	sends  []Send
}

type simMsg struct {
	at       int64
	from, to int
	id       int64
	vals     []int64
	data     bool
	chained  bool
	prev     int64
	ack      int64
	ackInc   int64
	hasAck   bool
	inc      int64
}

func newSimNet(t *testing.T, n int, s Settings, latency time.Duration, loss float64, seed uint64) *simNet {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("n%d", i)
	}
	net := &simNet{t: t, now: int64(time.Hour), latency: int64(latency), loss: loss, rng: rand.New(rand.NewPCG(seed, 1)), down: map[int]bool{}, dropFrom: map[int]int{},
		slowFrom: map[int]int64{}, carried: map[[2]int]int{}}
	net.ids, net.settings, net.seed = ids, s, seed
	for i := range n {
		net.nodes = append(net.nodes, net.newNode(i))
	}
	return net
}

// newNode returns node i, empty, with a fresh incarnation.
func (net *simNet) newNode(i int) *simNode {
	p, err := NewPeers(net.ids[i], net.ids, net.seed+uint64(i))
	if err != nil {
		net.t.Fatal(err)
	}
	sn := &simNode{id: i, inc: net.now + int64(i), peers: p, set: map[int64]bool{}}
	hub, _ := p.Index(net.ids[0])
	if i == 0 {
		hub = -1
	}
	sn.plan = NewPlan(p, &sn.log, net.settings, hub, net.seed+uint64(i)+uint64(net.now))
	return sn
}

// restart replaces node i by a fresh process: nothing kept, a new
// incarnation, its messages in flight lost.
func (net *simNet) restart(i int) {
	net.nodes[i] = net.newNode(i)
	keep := net.flight[:0]
	for _, m := range net.flight {
		if m.to != i {
			keep = append(keep, m)
		}
	}
	net.flight = keep
}

// peerIndex maps node j to its index among node i's peers.
func peerIndex(i, j int) int {
	if j < i {
		return j
	}
	return j - 1
}

func nodeIndex(i, p int) int {
	if p < i {
		return p
	}
	return p + 1
}

func (net *simNet) broadcast(node int, v int64) {
	sn := net.nodes[node]
	if !sn.set[v] {
		sn.set[v] = true
		sn.log.Append(v, FromClient)
	}
}

// step advances one millisecond: deliveries, then each node's due sends.
func (net *simNet) step() {
	net.now += int64(time.Millisecond)
	keep := net.flight[:0]
	var due []simMsg
	for _, m := range net.flight {
		if m.at <= net.now {
			due = append(due, m)
		} else {
			keep = append(keep, m)
		}
	}
	net.flight = keep
	for _, m := range due {
		net.deliver(m)
	}
	for _, sn := range net.nodes {
		if net.down[sn.id] {
			continue
		}
		if next := sn.plan.Next(net.now); next == 0 || next > net.now {
			continue
		}
		sn.sends = sn.plan.Due(net.now, sn.sends[:0])
		for _, s := range sn.sends {
			net.send(sn, s)
		}
	}
}

func (net *simNet) send(sn *simNode, s Send) {
	m := simMsg{from: sn.id, to: nodeIndex(sn.id, s.Peer), id: sn.nextID, data: s.Data, inc: sn.inc, chained: s.Chained, prev: s.Prev}
	sn.nextID++
	if s.Data {
		vals, listed := sn.plan.Values(nil, s)
		if !listed {
			net.whole++
			vals = vals[:0]
			for v := range sn.set {
				vals = append(vals, v)
			}
		}
		if len(vals) == 0 {
			net.t.Errorf("node %d sent peer %d a push of no values", sn.id, s.Peer)
		}
		m.vals = vals
		net.values += len(vals)
		net.carried[[2]int{m.from, m.to}] += len(vals)
	} else {
		net.acks++
	}
	m.ack, m.ackInc, m.hasAck = sn.plan.Ack(s.Peer)
	sn.plan.Sent(s, m.id, net.now)
	net.sent++
	if net.dropFrom[m.from] > 0 {
		net.dropFrom[m.from]--
		return
	}
	if net.rng.Float64() < net.loss || (net.cut != nil && net.cut(m.from, m.to)) {
		return
	}
	m.at = net.now + net.latency + net.slowFrom[m.from]
	if net.jitter > 0 {
		m.at += net.rng.Int64N(net.jitter + 1)
	}
	net.flight = append(net.flight, m)
}

func (net *simNet) deliver(m simMsg) {
	if net.down[m.to] {
		return
	}
	sn := net.nodes[m.to]
	i := peerIndex(m.to, m.from)
	current := sn.plan.Incarnation(i, m.inc)
	if m.hasAck && current && (m.ackInc == 0 || m.ackInc == sn.inc) {
		sn.plan.Acked(i, m.ack, net.now)
	}
	for _, v := range m.vals {
		if !sn.set[v] {
			sn.set[v] = true
			sn.log.Append(v, i)
		}
	}
	if current {
		sn.plan.Received(i, m.id, m.data, m.chained, m.prev, net.now)
	}
}

func (net *simNet) run(d time.Duration) {
	for end := net.now + int64(d); net.now < end; {
		net.step()
	}
}

// missing returns how many (node, value) pairs are absent, over all nodes
// that are up and the values in want.
func (net *simNet) missing(want []int64) int {
	k := 0
	for _, sn := range net.nodes {
		if net.down[sn.id] {
			continue
		}
		for _, v := range want {
			if !sn.set[v] {
				k++
			}
		}
	}
	return k
}

// load broadcasts one value every gap, at nodes in turn, for d; it returns
// the values.
func (net *simNet) load(d, gap time.Duration, first int64) []int64 {
	var vals []int64
	v := first
	for t := time.Duration(0); t < d; t += time.Millisecond {
		if t%gap == 0 {
			node := int(v) % len(net.nodes)
			if !net.down[node] {
				net.broadcast(node, v)
				vals = append(vals, v)
			}
			v++
		}
		net.step()
	}
	return vals
}

// healUnderLoad keeps broadcasting one new value every gap (from 100,000
// on) until every node up holds all of vals, and returns how long that took;
// it fails the test once limit has passed. Call it right after a heal.
func (net *simNet) healUnderLoad(vals []int64, gap, limit time.Duration) time.Duration {
	net.t.Helper()
	healed := net.now
	for next := int64(100_000); net.missing(vals) > 0; next++ {
		if net.now-healed > int64(limit) {
			net.t.Fatalf("%d pairs still missing %v after the heal", net.missing(vals), time.Duration(net.now-healed))
		}
		net.load(gap, gap, next)
	}
	return time.Duration(net.now - healed)
}

func balancedSettings() Settings {
	return Settings{Star: true, Batch: 235 * time.Millisecond, Phase: true, Fanout: 2, Interval: time.Second, AckDelay: time.Second}
}

func TestSim_StarConvergesAndFallsSilent(t *testing.T) {
	for _, s := range []Settings{
		balancedSettings(),
		{Star: true, Fanout: 2, Interval: time.Second, AckDelay: time.Second},             // forward at once
		{Fanout: 2, Interval: 200 * time.Millisecond},                                     // rounds only
		{Star: true, Batch: 500 * time.Millisecond, Fanout: 2, Interval: 2 * time.Second}, // unphased, acks at once
	} {
		t.Run(fmt.Sprintf("%+v", s), func(t *testing.T) {
			net := newSimNet(t, 25, s, 100*time.Millisecond, 0, 7)
			vals := net.load(5*time.Second, 20*time.Millisecond, 1)
			net.run(10 * time.Second)
			if k := net.missing(vals); k != 0 {
				t.Fatalf("%d (node, value) pairs missing after 10 s of quiet", k)
			}
			before := net.sent
			net.run(10 * time.Second)
			if net.sent != before {
				t.Fatalf("an idle cluster sent %d messages", net.sent-before)
			}
			t.Logf("%d values, %d messages (%.2f per value), %d acknowledgements alone", len(vals), net.sent, float64(net.sent)/float64(len(vals)), net.acks)
		})
	}
}

// TestSim_StarUnderLoss runs the star with 10% loss: nothing is lost. The
// reordering case adds a latency jitter of up to 80 ms, which reorders the
// pushes of a link (a chained push may arrive before the one it follows),
// and stalls one node's messages by 4 s, so that chains form.
func TestSim_StarUnderLoss(t *testing.T) {
	for _, c := range []struct {
		name              string
		latency, jitter   time.Duration
		slowNode          int
		slow, load, after time.Duration
	}{
		{name: "plain", latency: 100 * time.Millisecond, load: 5 * time.Second, after: 15 * time.Second},
		{name: "reordering", latency: 60 * time.Millisecond, jitter: 80 * time.Millisecond, slowNode: 3, slow: 4 * time.Second,
			load: 10 * time.Second, after: 20 * time.Second},
	} {
		for _, seed := range []uint64{1, 2, 3} {
			net := newSimNet(t, 25, balancedSettings(), c.latency, 0.1, seed)
			net.jitter = int64(c.jitter)
			net.slowFrom[c.slowNode] = int64(c.slow)
			vals := net.load(c.load, 20*time.Millisecond, 1)
			net.run(c.after)
			if k := net.missing(vals); k != 0 {
				t.Fatalf("%s, seed %d: %d (node, value) pairs missing with 10%% loss", c.name, seed, k)
			}
		}
	}
}

// TestSim_HubCutOff isolates the hub for 5 s of load: nothing is lost, and
// after the heal the cluster converges within one repair interval plus the
// delivery time.
func TestSim_HubCutOff(t *testing.T) {
	s := balancedSettings()
	net := newSimNet(t, 25, s, 100*time.Millisecond, 0, 3)
	vals := net.load(time.Second, 20*time.Millisecond, 1)
	net.cut = func(from, to int) bool { return (from == 0) != (to == 0) }
	vals = append(vals, net.load(5*time.Second, 20*time.Millisecond, 1000)...)
	net.cut = nil
	healed := net.now
	for net.missing(vals) > 0 {
		if net.now-healed > int64(s.Interval+s.Interval/10+s.Batch+300*time.Millisecond) {
			t.Fatalf("%d pairs still missing %v after the heal", net.missing(vals), time.Duration(net.now-healed))
		}
		net.step()
	}
	t.Logf("converged %v after the heal", time.Duration(net.now-healed))
}

// TestSim_HalvesPartitioned splits the cluster in two halves (the hub in
// one) for 5 s of load; after the heal every value reaches every node.
func TestSim_HalvesPartitioned(t *testing.T) {
	net := newSimNet(t, 25, balancedSettings(), 100*time.Millisecond, 0, 5)
	net.cut = func(from, to int) bool { return (from%2 == 0) != (to%2 == 0) }
	vals := net.load(5*time.Second, 20*time.Millisecond, 1)
	net.cut = nil
	net.run(5 * time.Second)
	if k := net.missing(vals); k != 0 {
		t.Fatalf("%d pairs missing 5 s after the heal", k)
	}
}

// TestSim_HubDown stops the hub for good: the other nodes fall back to
// random repair rounds and still converge.
func TestSim_HubDown(t *testing.T) {
	net := newSimNet(t, 25, balancedSettings(), 100*time.Millisecond, 0, 9)
	net.down[0] = true
	vals := net.load(3*time.Second, 20*time.Millisecond, 1)
	net.run(20 * time.Second)
	if k := net.missing(vals); k != 0 {
		t.Fatalf("%d pairs missing with the hub down", k)
	}
	slices.Sort(vals)
}

// TestSim_BulkMergeSendsTheSetOnce: values that joined without being listed
// (a bulk merge) go out as whole sets, once per link while the load goes on,
// not once per flush.
func TestSim_BulkMergeSendsTheSetOnce(t *testing.T) {
	net := newSimNet(t, 5, balancedSettings(), 100*time.Millisecond, 0, 4)
	leaf := net.nodes[3]
	var bulk []int64
	for v := int64(1_000_000); v < 1_010_000; v++ {
		leaf.set[v] = true
		bulk = append(bulk, v)
	}
	leaf.log.Skip(len(bulk))
	vals := net.load(3*time.Second, 20*time.Millisecond, 1)
	net.run(5 * time.Second)
	if k := net.missing(append(vals, bulk...)); k != 0 {
		t.Fatalf("%d pairs missing", k)
	}
	if net.whole > 2*len(net.nodes) {
		t.Fatalf("%d whole-set messages for %d links", net.whole, len(net.nodes)-1)
	}
	t.Logf("%d whole-set messages", net.whole)
}

// TestSim_RestartCatchesUp restarts a node with nothing, a leaf and then the
// hub, in an idle cluster: each gets every value back within a few repair
// intervals, and the cluster falls silent again.
func TestSim_RestartCatchesUp(t *testing.T) {
	for _, node := range []int{5, 0} {
		net := newSimNet(t, 25, balancedSettings(), 100*time.Millisecond, 0, 11)
		vals := net.load(3*time.Second, 20*time.Millisecond, 1)
		net.run(3 * time.Second)
		net.restart(node)
		restarted := net.now
		for net.missing(vals) > 0 {
			if net.now-restarted > int64(5*time.Second) {
				t.Fatalf("node %d: %d pairs still missing 5 s after its restart", node, net.missing(vals))
			}
			net.step()
		}
		t.Logf("node %d caught up %v after its restart", node, time.Duration(net.now-restarted))
		net.run(5 * time.Second)
		before := net.sent
		net.run(5 * time.Second)
		if net.sent != before {
			t.Fatalf("%d messages in an idle cluster after the restart", net.sent-before)
		}
	}
}

// TestSim_StaleAcknowledgementAfterRestart: a node restarted after sending
// many messages gets, until its peers hear from it, acknowledgements meant
// for its previous process, whose msg_ids its new process reuses. They must
// not vouch for the new process's messages: its first push is lost here, and
// the value must still arrive.
func TestSim_StaleAcknowledgementAfterRestart(t *testing.T) {
	for _, node := range []int{5, 0} {
		net := newSimNet(t, 6, balancedSettings(), 100*time.Millisecond, 0, 13)
		vals := net.load(3*time.Second, 20*time.Millisecond, 1)
		net.run(300 * time.Millisecond) // the old process has passed its values on
		net.restart(node)
		net.broadcast(node, 99_999)
		net.dropFrom[node] = 1
		vals = append(vals, 99_999)
		vals = append(vals, net.load(2*time.Second, 50*time.Millisecond, 50_000)...)
		net.run(5 * time.Second)
		if k := net.missing(vals); k != 0 {
			t.Fatalf("restarted node %d: %d pairs missing", node, k)
		}
	}
}

// TestSim_SlowPeerCostsFewRepeats delays everything node 5 sends by 6 s (a
// loaded node whose acknowledgements fall behind): once the hub sees it
// stalled, its flushes to node 5 carry only new values, chained, with a
// self-contained one now and then. Nothing is lost, and the values carried
// to node 5 stay within a few times what it needs (24.5 times when every
// flush repeats everything unacknowledged).
func TestSim_SlowPeerCostsFewRepeats(t *testing.T) {
	s := balancedSettings()
	s.Batch, s.AckDelay = 225*time.Millisecond, 400*time.Millisecond // the node's defaults
	net := newSimNet(t, 25, s, 100*time.Millisecond, 0, 11)
	net.slowFrom[5] = int64(6 * time.Second)
	vals := net.load(20*time.Second, 20*time.Millisecond, 1)
	net.run(10 * time.Second)
	if k := net.missing(vals); k != 0 {
		t.Fatalf("%d (node, value) pairs missing", k)
	}
	need := len(vals) - len(vals)/25 // node 5 broadcast every 25th value itself
	ratio := float64(net.carried[[2]int{0, 5}]) / float64(need)
	t.Logf("the hub sent node 5 %d values for the %d it lacked: %.2f each", net.carried[[2]int{0, 5}], need, ratio)
	if ratio > 6 {
		t.Errorf("%.2f values carried per value node 5 lacked, want at most 6", ratio)
	}
}

// TestSim_HealWhileBusy cuts the cluster in halves for 8 s under load and
// keeps the load going after the heal, so that every peer is heard from
// again at once: the values of the partition must still reach everyone
// within about a repair interval, not wait for a backoff meant for slow
// peers (whose unacknowledged values are as old as the partition).
func TestSim_HealWhileBusy(t *testing.T) {
	s := balancedSettings()
	net := newSimNet(t, 25, s, 100*time.Millisecond, 0, 13)
	net.cut = func(from, to int) bool { return (from%2 == 0) != (to%2 == 0) }
	vals := net.load(8*time.Second, 20*time.Millisecond, 1)
	net.cut = nil
	d := net.healUnderLoad(vals, 20*time.Millisecond, s.Interval+s.Interval/10+2*s.Batch+300*time.Millisecond)
	t.Logf("converged %v after the heal", d)
}

// TestSim_OneWayCutHeals drops everything the hub sends to node 5 for 8 s
// under load while node 5 still reaches the hub: the hub keeps hearing from
// node 5, whose acknowledgements stand still, and must keep probing it every
// repair interval (not back off as from a peer that is merely slow), so that
// node 5 has everything soon after the heal.
func TestSim_OneWayCutHeals(t *testing.T) {
	s := balancedSettings()
	net := newSimNet(t, 25, s, 100*time.Millisecond, 0, 17)
	net.cut = func(from, to int) bool { return from == 0 && to == 5 }
	vals := net.load(8*time.Second, 20*time.Millisecond, 1)
	net.cut = nil
	d := net.healUnderLoad(vals, 20*time.Millisecond, s.Interval+s.Interval/10+2*s.Batch+300*time.Millisecond)
	t.Logf("converged %v after the heal", d)
}

// TestSim_RingPartitionHeals cuts 5 nodes into Maelstrom's majorities-ring
// (each node reaches only its two neighbours on a ring, so two nodes cannot
// reach the hub) for 7 s under load, then heals it: every node is heard
// from again at once, and its next message to each peer it had not heard
// from is self-contained, so all values are everywhere within a repair
// interval (0.3 to 0.9 s here; 0.2 to 0.4 s when every message was
// self-contained).
func TestSim_RingPartitionHeals(t *testing.T) {
	s := balancedSettings()
	s.Batch, s.AckDelay = 225*time.Millisecond, 400*time.Millisecond
	for seed := uint64(1); seed <= 6; seed++ {
		net := newSimNet(t, 5, s, 0, 0, seed)
		pos := map[int]int{0: 0, 2: 1, 4: 2, 1: 3, 3: 4} // the ring 0-2-4-1-3-0
		net.cut = func(from, to int) bool { d := (pos[from] - pos[to] + 5) % 5; return d != 1 && d != 4 }
		vals := net.load(7*time.Second, 100*time.Millisecond, 1)
		net.cut = nil
		t.Logf("seed %d: converged %v after the heal", seed, net.healUnderLoad(vals, 100*time.Millisecond, s.Interval))
	}
}
