package cluster

import (
	"bytes"
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

func newTestNet(t *testing.T, n int, lat latency, loss float64) *testNet {
	t.Helper()
	clk := &clock{start: time.Now()}
	ids := NodeIDs(n)
	tn := &testNet{stop: make(chan struct{})}
	tn.r = &router{clk: clk, ids: ids, lat: lat, loss: loss, sends: newSeries(time.Second, time.Minute), badCount: make([]int, n),
		writers: make([]atomic.Pointer[nodeWriter], n)}
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
	tn.wg.Add(1)
	go func() {
		defer tn.wg.Done()
		tn.r.sched.run(tn.r, tn.stop)
	}()
	t.Cleanup(func() {
		close(tn.stop)
		for i := range tn.r.writers {
			tn.r.writers[i].Load().close()
		}
		tn.wg.Wait()
	})
	return tn
}

func TestRouter_PartitionDecidedAtDelivery(t *testing.T) {
	lat, _ := newLatency("constant", 100*time.Millisecond)
	tn := newTestNet(t, 3, lat, 0)
	rng := rand.New(rand.NewPCG(1, 1))
	line := func(src, dst string, v int) []byte {
		return []byte(`{"src":"` + src + `","dest":"` + dst + `","body":{"type":"gossip","v":` + string(rune('0'+v)) + `}}`)
	}
	// Sent at 0 ms while the network is whole, due at 100 ms, when the
	// cut is on: dropped.
	tn.r.route(0, line("n0", "n1", 1), rng)
	time.Sleep(50 * time.Millisecond)
	tn.r.cut.Store(complete(3, "one", [][]int{{1}, {0, 2}}))
	// Sent at 50 ms across the cut, due at 150 ms, after the heal at
	// 110 ms: delivered.
	tn.r.route(0, line("n0", "n1", 2), rng)
	time.Sleep(60 * time.Millisecond)
	tn.r.cut.Store(nil)
	// Within a component: delivered.
	tn.r.route(2, line("n2", "n0", 3), rng)
	time.Sleep(150 * time.Millisecond)

	if got := tn.stdins[1].lines(); len(got) != 1 || !strings.Contains(got[0], `"v":2`) {
		t.Errorf("n1 got %q, want only message 2", got)
	}
	if got := tn.stdins[0].lines(); len(got) != 1 || !strings.Contains(got[0], `"v":3`) {
		t.Errorf("n0 got %q, want message 3", got)
	}
	st := &tn.r.stats
	if st.serverSent.Load() != 3 || st.serverRecv.Load() != 2 || st.cutDrops.Load() != 1 {
		t.Errorf("sent %d recv %d cut %d, want 3 2 1", st.serverSent.Load(), st.serverRecv.Load(), st.cutDrops.Load())
	}
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
	tn.r.route(1, []byte(`{"src": "n1", "dest": "c0", "body": {"type": "read_ok", "messages": [1, 2], "in_reply_to": 7}}`), rng)
	select {
	case rep := <-c.replies:
		if rep.kind != replyReadOK || len(rep.values) != 2 {
			t.Errorf("reply %+v", rep)
		}
	case <-time.After(time.Second):
		t.Fatal("the client got no reply")
	}
	time.Sleep(20 * time.Millisecond)
	if got := tn.stdins[1].lines(); len(got) != 1 {
		t.Errorf("n1 got %q, want the client's request", got)
	}
}

func TestRouter_LossAndBadLines(t *testing.T) {
	tn := newTestNet(t, 2, latency{}, 0.5)
	rng := rand.New(rand.NewPCG(1, 1))
	for range 2000 {
		tn.r.route(0, []byte(`{"src":"n0","dest":"n1","body":{}}`), rng)
	}
	st := &tn.r.stats
	if sent, lost := st.serverSent.Load(), st.lossDrops.Load(); sent != 2000 || lost < 900 || lost > 1100 {
		t.Errorf("sent %d, lost %d; want 2000 sent and about 1000 lost", sent, lost)
	}
	for _, bad := range []string{`hello`, `{"src":"n0","dest":"n9","body":{}}`, `{"src":"x","dest":"n1","body":{}}`, `{"src":"n0","dest":"c5","body":{}}`} {
		tn.r.route(0, []byte(bad), rng)
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
	tn.r.readLoop(0, strings.NewReader(b.String()), rand.New(rand.NewPCG(1, 1)))
	select {
	case rep := <-c.replies:
		if len(rep.values) != n || rep.badValues != 0 {
			t.Errorf("got %d values (%d bad), want %d", len(rep.values), rep.badValues, n)
		}
	case <-time.After(time.Second):
		t.Fatal("no reply")
	}
	deadline := time.Now().Add(time.Second)
	for len(tn.stdins[1].lines()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if got := tn.stdins[1].lines(); len(got) != 1 || !strings.Contains(got[0], pad) {
		t.Errorf("the long server message did not arrive whole")
	}
	if len(tn.r.bad) != 0 {
		t.Errorf("bad lines: %+v", tn.r.bad)
	}
}
