package cluster

import (
	"bytes"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// memStdin stands in for a node's stdin: it records what the bench writes.
type memStdin struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (m *memStdin) Write(p []byte) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.b.Write(p)
}

func (m *memStdin) Close() error { return nil }

func (m *memStdin) lines() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	s := strings.TrimSpace(m.b.String())
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// testNet is an in-process network of n nodes whose stdins are memStdins.
type testNet struct {
	r      *router
	stdins []*memStdin
	stop   chan struct{}
	wg     sync.WaitGroup
}

// manualDelivery, given to newTestNet, leaves the scheduler stopped: the
// test delivers due messages itself (deliverNext).
const manualDelivery = true

// newTestNet starts a testNet: its node writers, and its scheduler unless
// manual is set.
func newTestNet(t *testing.T, n int, lat latency, loss float64, manual ...bool) *testNet {
	t.Helper()
	clk := &clock{start: time.Now()}
	ids := NodeIDs(n)
	tn := &testNet{stop: make(chan struct{})}
	tn.r = &router{clk: clk, ids: ids, lat: lat, loss: loss, sends: newSeries(time.Second, time.Minute), badCount: make([]int, n),
		writers: make([]atomic.Pointer[nodeWriter], n), nodeSent: make([]atomic.Int64, n), nodeRecv: make([]atomic.Int64, n)}
	tn.r.sched = scheduler{wake: make(chan struct{}, 1), late: newHist()}
	tn.r.clients = []*client{newClient(0, 0, tn.r)}
	for i := range ids {
		in := &memStdin{}
		tn.stdins = append(tn.stdins, in)
		w := newNodeWriter(in, &tn.r.stats)
		tn.r.writers[i].Store(w)
		tn.wg.Add(1)
		go func() {
			defer tn.wg.Done()
			w.run(clk)
		}()
	}
	if len(manual) == 0 || !manual[0] {
		tn.wg.Add(1)
		go func() {
			defer tn.wg.Done()
			tn.r.sched.run(tn.r, tn.stop)
		}()
	}
	t.Cleanup(func() {
		close(tn.stop)
		for i := range tn.r.writers {
			tn.r.writers[i].Load().close()
		}
		tn.wg.Wait()
	})
	return tn
}

// TestRouter_PartitionDecidedAtDelivery: whether a partition cuts a server
// message is decided when it is due, not when it is sent. The test plays the
// scheduler's part, delivering each message itself, so no timing is
// involved.
func TestRouter_PartitionDecidedAtDelivery(t *testing.T) {
	lat, _ := newLatency("constant", 100*time.Millisecond)
	tn := newTestNet(t, 3, lat, 0, manualDelivery)
	rng := rand.New(rand.NewPCG(1, 1))
	line := func(src, dst string, v int) []byte {
		return []byte(`{"src":"` + src + `","dest":"` + dst + `","body":{"type":"gossip","v":` + string(rune('0'+v)) + `}}`)
	}
	// Sent while the network is whole, due while n1 is cut off: dropped.
	tn.r.route(0, line("n0", "n1", 1), rng, nil)
	tn.r.cut.Store(complete(3, "one", [][]int{{1}, {0, 2}}))
	// Sent across the cut, due after it heals: delivered.
	tn.r.route(0, line("n0", "n1", 2), rng, nil)
	tn.deliverNext() // 1, with the cut on
	tn.r.cut.Store(nil)
	tn.deliverNext() // 2
	// Within a component: delivered.
	tn.r.route(2, line("n2", "n0", 3), rng, nil)
	tn.deliverNext()

	if got := waitLines(t, tn, 1, 1); len(got) != 1 || !strings.Contains(got[0], `"v":2`) {
		t.Errorf("n1 got %q, want only message 2", got)
	}
	if got := waitLines(t, tn, 0, 1); len(got) != 1 || !strings.Contains(got[0], `"v":3`) {
		t.Errorf("n0 got %q, want message 3", got)
	}
	st := &tn.r.stats
	if st.serverSent.Load() != 3 || st.serverRecv.Load() != 2 || st.cutDrops.Load() != 1 {
		t.Errorf("sent %d recv %d cut %d, want 3 2 1", st.serverSent.Load(), st.serverRecv.Load(), st.cutDrops.Load())
	}
}

// deliverNext delivers the scheduled message that is due first, as the
// scheduler would when its time comes.
func (tn *testNet) deliverNext() {
	s := &tn.r.sched
	s.mu.Lock()
	m := s.h.pop()
	s.mu.Unlock()
	tn.r.deliver(m)
}

func TestRouter_ClientsAreNeverCut(t *testing.T) {
	tn := newTestNet(t, 2, latency{}, 0)
	rng := rand.New(rand.NewPCG(1, 1))
	// Everyone isolated from everyone.
	tn.r.cut.Store(complete(2, "all", [][]int{{0}, {1}}))
	c := tn.r.clients[0]
	c.node = 1
	c.expect.Store(7)
	b := getBuf()
	*b = append(*b, `{"src":"c0","dest":"n1","body":{"type":"read","msg_id":7}}`+"\n"...)
	tn.r.sendFromClient(c, b, nil)
	tn.r.route(1, []byte(`{"src": "n1", "dest": "c0", "body": {"type": "read_ok", "messages": [1, 2], "in_reply_to": 7}}`), rng, nil)
	select {
	case rep := <-c.replies:
		if rep.kind != replyReadOK || len(rep.values) != 2 {
			t.Errorf("reply %+v", rep)
		}
	case <-time.After(waitLimit):
		t.Fatal("the client got no reply")
	}
	if got := waitLines(t, tn, 1, 1); len(got) != 1 {
		t.Errorf("n1 got %q, want the client's request", got)
	}
}

func TestRouter_LossAndBadLines(t *testing.T) {
	tn := newTestNet(t, 2, latency{}, 0.5)
	rng := rand.New(rand.NewPCG(1, 1))
	for range 2000 {
		tn.r.route(0, []byte(`{"src":"n0","dest":"n1","body":{}}`), rng, nil)
	}
	st := &tn.r.stats
	if sent, lost := st.serverSent.Load(), st.lossDrops.Load(); sent != 2000 || lost < 900 || lost > 1100 {
		t.Errorf("sent %d, lost %d; want 2000 sent and about 1000 lost", sent, lost)
	}
	for _, bad := range []string{`hello`, `{"src":"n0","dest":"n9","body":{}}`, `{"src":"x","dest":"n1","body":{}}`, `{"src":"n0","dest":"c5","body":{}}`} {
		tn.r.route(0, []byte(bad), rng, nil)
	}
	if tn.r.badCount[0] != 4 || len(tn.r.bad) != 4 {
		t.Errorf("%d bad lines recorded, want 4: %+v", tn.r.badCount[0], tn.r.bad)
	}
}

func TestMsgHeap_Order(t *testing.T) {
	var h msgHeap
	r := rand.New(rand.NewPCG(3, 3))
	for i := range 1000 {
		h.push(msg{due: int64(r.IntN(50)), seq: uint64(i)})
	}
	prev := msg{due: -1}
	for len(h) > 0 {
		m := h.pop()
		if m.due < prev.due || m.due == prev.due && m.seq < prev.seq {
			t.Fatalf("popped (%d,%d) after (%d,%d)", m.due, m.seq, prev.due, prev.seq)
		}
		prev = m
	}
}

func TestHist_Quantile(t *testing.T) {
	h := newHist()
	for i := 1; i <= 10000; i++ {
		h.record(int64(i) * 1000) // 1 µs .. 10 ms
	}
	for _, tt := range []struct {
		q    float64
		want int64
	}{{0.5, 5000e3}, {0.99, 9900e3}, {1, 10000e3}} {
		got := h.quantile(tt.q)
		if d := got - tt.want; d > tt.want/200 || d < -tt.want/200 {
			t.Errorf("q%v = %d ns, want %d ± 0.5%%", tt.q, got, tt.want)
		}
	}
}

// TestRouter_LongLines feeds readLoop a multi-megabyte reply and a long
// server message: lines of any length must pass whole.
func TestRouter_LongLines(t *testing.T) {
	tn := newTestNet(t, 2, latency{}, 0)
	c := tn.r.clients[0]
	c.expect.Store(1)
	const n = 500000
	var b strings.Builder
	b.WriteString(`{"src": "n0", "dest": "c0", "body": {"type": "read_ok", "in_reply_to": 1, "messages": [`)
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("1234567")
	}
	b.WriteString("]}}\n")
	pad := strings.Repeat("x", 300000)
	b.WriteString(`{"src":"n0","dest":"n1","body":{"type":"gossip","pad":"` + pad + `"}}` + "\n")
	tn.r.readLoop(0, strings.NewReader(b.String()), rand.New(rand.NewPCG(1, 1)), nil)
	select {
	case rep := <-c.replies:
		if len(rep.values) != n || rep.badValues != 0 {
			t.Errorf("got %d values (%d bad), want %d", len(rep.values), rep.badValues, n)
		}
	case <-time.After(waitLimit):
		t.Fatal("no reply")
	}
	if got := waitLines(t, tn, 1, 1); len(got) != 1 || !strings.Contains(got[0], pad) {
		t.Errorf("the long server message did not arrive whole")
	}
	if len(tn.r.bad) != 0 {
		t.Errorf("bad lines: %+v", tn.r.bad)
	}
}

// TestRouter_Jitter checks the delays route gives server messages: with
// jitter D every delay lies in [latency, latency+D] and fills that range;
// the latency draws (and so loss, duplication and every later draw of the
// network's stream) are the same with or without jitter; and with D = 0
// the jitter stream is not touched at all.
func TestRouter_Jitter(t *testing.T) {
	const n = 20000
	tests := []struct {
		name   string
		dist   string
		jitter time.Duration
	}{
		{"constant, no jitter", "constant", 0},
		{"constant, jitter 5ms", "constant", 5 * time.Millisecond},
		{"uniform, jitter 20ms", "uniform", 20 * time.Millisecond},
		{"exponential, jitter 1ms", "exponential", time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lat, _ := newLatency(tt.dist, 10*time.Millisecond)
			r := &router{lat: lat, jitter: int64(tt.jitter)}
			rng, plain := rand.New(rand.NewPCG(7, 100)), rand.New(rand.NewPCG(7, 100))
			jit, jitCopy := rand.New(rand.NewPCG(7, jitterStream+100)), rand.New(rand.NewPCG(7, jitterStream+100))
			lo, hi := int64(math.MaxInt64), int64(0)
			for range n {
				base := lat.draw(plain)
				d := r.delay(rng, jit)
				extra := d - base
				if extra < 0 || extra > int64(tt.jitter) {
					t.Fatalf("delay %v = latency draw %v + %v, want the extra in [0, %v]", time.Duration(d), time.Duration(base), time.Duration(extra), tt.jitter)
				}
				lo, hi = min(lo, extra), max(hi, extra)
			}
			if rng.Uint64() != plain.Uint64() {
				t.Error("jitter changed the network stream's draws")
			}
			if tt.jitter == 0 {
				if jit.Uint64() != jitCopy.Uint64() {
					t.Error("no jitter, yet the jitter stream was drawn from")
				}
				return
			}
			// n uniform draws come within D/1000 of both ends.
			if slack := int64(tt.jitter) / 1000; lo > slack || hi < int64(tt.jitter)-slack {
				t.Errorf("extra delays span [%v, %v], want about [0, %v]", time.Duration(lo), time.Duration(hi), tt.jitter)
			}
		})
	}
}

// TestRouter_NodeCounts checks the per-node server message counts: sent by
// the node that printed the line, received by the one it was delivered to,
// adding up to the network's totals.
func TestRouter_NodeCounts(t *testing.T) {
	tn := newTestNet(t, 3, latency{}, 0)
	rng := rand.New(rand.NewPCG(1, 1))
	for _, l := range []struct{ from, src, dst string }{{"0", "n0", "n1"}, {"0", "n0", "n2"}, {"1", "n1", "n2"}, {"2", "n2", "n0"}, {"0", "n0", "n1"}} {
		node := int(l.from[0] - '0')
		tn.r.route(node, []byte(`{"src":"`+l.src+`","dest":"`+l.dst+`","body":{"type":"gossip"}}`), rng, nil)
	}
	// A client reply counts for nothing.
	tn.r.route(1, []byte(`{"src":"n1","dest":"c0","body":{"type":"read_ok","messages":[],"in_reply_to":1}}`), rng, nil)
	wantSent, wantRecv := []int64{3, 1, 1}, []int64{1, 2, 2}
	for i := range 3 {
		if s, r := tn.r.nodeSent[i].Load(), tn.r.nodeRecv[i].Load(); s != wantSent[i] || r != wantRecv[i] {
			t.Errorf("n%d: sent %d, received %d; want %d, %d", i, s, r, wantSent[i], wantRecv[i])
		}
	}
	if tn.r.stats.serverSent.Load() != 5 || tn.r.stats.serverRecv.Load() != 5 {
		t.Errorf("totals: sent %d, received %d", tn.r.stats.serverSent.Load(), tn.r.stats.serverRecv.Load())
	}
}
