package cluster

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

func durationNs(ns int64) time.Duration { return time.Duration(ns) }

func newStoppedTimer() *time.Timer {
	t := time.NewTimer(time.Hour)
	t.Stop()
	return t
}

// client is one Maelstrom client: it has an id c<k>, is bound to one node
// and runs one request at a time. Only the goroutine that owns the client
// calls call, send and await; node readers call offer.
type client struct {
	id   string
	num  int // k in c<k>
	node int
	// control marks the bench's own clients (catch-up probes, restarts),
	// whose traffic is counted apart from the workload's.
	control bool
	r       *router
	nextID  int64
	expect  atomic.Int64 // msg_id awaited, 0 when none
	replies chan reply
	timer   *time.Timer
}

func newClient(num, node int, r *router) *client {
	return &client{
		id: "c" + strconv.Itoa(num), num: num, node: node, r: r,
		replies: make(chan reply, 1), timer: newStoppedTimer(),
	}
}

// offer hands a reply to the client if it is the one it awaits; it reports
// whether the client took it.
func (c *client) offer(rep reply) bool {
	if !rep.hasIRT || rep.inReplyTo != c.expect.Load() {
		return false
	}
	select {
	case c.replies <- rep:
		return true
	default:
		return false
	}
}

// call sends a request whose body members (without msg_id) are in fields
// and waits for the reply. ok is false on timeout or cancellation.
func (c *client) call(ctx context.Context, fields []byte, timeout time.Duration) (rep reply, ok bool) {
	return c.await(ctx, c.send(fields, nil), timeout)
}

// send sends a request whose body members (without msg_id) are in fields,
// through w when it is not nil, and returns its msg_id; await must follow.
func (c *client) send(fields []byte, w *nodeWriter) int64 {
	c.nextID++
	id := c.nextID
	// Drop a late reply to an earlier request, if one slipped in.
	select {
	case old := <-c.replies:
		releaseValues(old.values)
	default:
	}
	b := getBuf()
	buf := append(*b, `{"src":"`...)
	buf = append(buf, c.id...)
	buf = append(buf, `","dest":"`...)
	buf = append(buf, c.r.ids[c.node]...)
	buf = append(buf, `","body":{`...)
	buf = append(buf, fields...)
	buf = append(buf, `,"msg_id":`...)
	buf = strconv.AppendInt(buf, id, 10)
	buf = append(buf, "}}\n"...)
	*b = buf
	c.expect.Store(id)
	c.r.sendFromClient(c, b, w)
	return id
}

// await waits for the reply to request id. ok is false on timeout or
// cancellation.
func (c *client) await(ctx context.Context, id int64, timeout time.Duration) (rep reply, ok bool) {
	c.timer.Reset(timeout)
	defer func() {
		c.timer.Stop()
		c.expect.Store(0)
	}()
	for {
		select {
		case rep = <-c.replies:
			if rep.inReplyTo == id {
				return rep, true
			}
			releaseValues(rep.values)
		case <-c.timer.C:
			return reply{}, false
		case <-ctx.Done():
			return reply{}, false
		}
	}
}

// definiteCodes are Maelstrom's error codes that mean the request certainly
// did not take effect.
var definiteCodes = map[int64]bool{1: true, 10: true, 11: true, 12: true, 14: true, 20: true, 21: true, 22: true, 30: true}

// history records events in index order and feeds the checker as they
// happen. All methods are safe for concurrent use.
type history struct {
	mu   sync.Mutex
	clk  *clock
	t0   int64
	next int64
	sf   *setFull
	// procNode maps a client number to the node it is bound to.
	procNode []int
	counts   [2][4]int // by OpF, OpType
	// okLatency holds, by OpF, how long the workload's operations that
	// succeeded took from invocation to reply (final reads left out).
	okLatency [2]*hist
	// errors keeps a few odd replies for the report.
	oddReplies []string
	oddCount   int
	// phaseEnds holds the ends of the rate schedule's phases, ns since the
	// workload started (nil without a schedule); phaseOps and phaseOK
	// count, by the phase of their invocation, the workload's operations
	// invoked and those that succeeded.
	phaseEnds         []int64
	phaseOps, phaseOK []int
}

// setPhases starts counting operations by rate phase; ends are ns since
// the workload started. It must be called before the workload begins.
func (h *history) setPhases(ends []int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.phaseEnds = ends
	h.phaseOps, h.phaseOK = make([]int, len(ends)), make([]int, len(ends))
}

// phaseOfLocked returns the rate phase holding t (ns since the workload
// started); times past the end belong to the last phase.
func (h *history) phaseOfLocked(t int64) int {
	for i, end := range h.phaseEnds {
		if t < end {
			return i
		}
	}
	return len(h.phaseEnds) - 1
}

func (h *history) invoke(process int, f OpF, value int64, final bool) Event {
	h.mu.Lock()
	defer h.mu.Unlock()
	ev := Event{Index: h.next, Time: h.clk.now() - h.t0, Process: process, F: f, Type: Invoke, Value: value, Final: final}
	h.next++
	h.counts[f][Invoke]++
	if len(h.phaseEnds) > 0 && !final {
		h.phaseOps[h.phaseOfLocked(ev.Time)]++
	}
	if f == Broadcast {
		h.sf.addInvoke(value)
	}
	return ev
}

func (h *history) complete(inv *Event, t OpType, rep *reply, odd string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	done := Event{Index: h.next, Time: h.clk.now() - h.t0, Process: inv.Process, F: inv.F, Type: t, Value: inv.Value, Final: inv.Final}
	h.next++
	h.counts[inv.F][t]++
	if t == OK && !inv.Final {
		if h.okLatency[inv.F] == nil {
			h.okLatency[inv.F] = newHist()
		}
		h.okLatency[inv.F].record(done.Time - inv.Time)
		if len(h.phaseEnds) > 0 {
			h.phaseOK[h.phaseOfLocked(inv.Time)]++
		}
	}
	if rep != nil {
		done.Values, done.BadValues = rep.values, rep.badValues
	}
	node := -1
	if inv.Process >= 0 && inv.Process < len(h.procNode) {
		node = h.procNode[inv.Process]
	}
	h.sf.completeOn(inv, &done, node)
	if odd != "" {
		h.oddCount++
		if len(h.oddReplies) < 20 {
			h.oddReplies = append(h.oddReplies, odd)
		}
	}
}

// broadcasts returns how many broadcasts have been invoked.
func (h *history) broadcasts() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.counts[Broadcast][Invoke]
}

// knownBefore returns, in increasing order, the values known (acknowledged,
// or seen by a read) at t, in ns since the workload started.
func (h *history) knownBefore(t int64) []int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []int64
	for v := range h.sf.elems {
		if e := &h.sf.elems[v]; e.attempted && e.knownIndex >= 0 && e.knownTime <= t {
			out = append(out, int64(v))
		}
	}
	return out
}

// runOp performs one operation on client c and records it. final marks the
// final reads.
func runOp(ctx context.Context, c *client, h *history, f OpF, value int64, final bool, timeout time.Duration) {
	inv := h.invoke(c.num, f, value, final)
	var fields []byte
	if f == Broadcast {
		fields = strconv.AppendInt([]byte(`"type":"broadcast","message":`), value, 10)
	} else {
		fields = []byte(`"type":"read"`)
	}
	rep, ok := c.call(ctx, fields, timeout)
	defer releaseValues(rep.values)
	switch {
	case !ok:
		// A timeout: reads are idempotent, so a lost read simply failed;
		// a broadcast may or may not have happened.
		if f == Read {
			h.complete(&inv, Fail, nil, "")
		} else {
			h.complete(&inv, Info, nil, "")
		}
	case rep.kind == replyError:
		if definiteCodes[rep.code] || f == Read {
			h.complete(&inv, Fail, nil, "")
		} else {
			h.complete(&inv, Info, nil, "")
		}
	case f == Broadcast && rep.kind == replyBroadcastOK:
		h.complete(&inv, OK, nil, "")
	case f == Read && rep.kind == replyReadOK && rep.hasMessages:
		h.complete(&inv, OK, &rep, "")
	default:
		// Maelstrom rejects a reply that does not match the RPC's schema;
		// the operation's outcome is unknown.
		h.complete(&inv, Info, nil, c.r.ids[c.node]+" answered "+f.String()+" with "+describeReply(&rep))
	}
}

func describeReply(rep *reply) string {
	switch rep.kind {
	case replyOther:
		return strconv.Quote(rep.typ)
	case replyReadOK:
		return "read_ok without messages"
	}
	for k, v := range replyKinds {
		if v == rep.kind {
			return k
		}
	}
	return "?"
}

// freeClients is the set of idle clients; the generator hands each
// operation to a random one, as jepsen gives it to a free worker.
type freeClients struct {
	mu   sync.Mutex
	idx  []int
	wake chan struct{}
}

func (f *freeClients) put(i int) {
	f.mu.Lock()
	f.idx = append(f.idx, i)
	f.mu.Unlock()
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

// take removes a random idle client, waiting for one until deadline (clock
// ns) or ctx ends; ok is false then.
func (f *freeClients) take(ctx context.Context, clk *clock, deadline int64, rng *rand.Rand) (int, bool) {
	t := newStoppedTimer()
	defer t.Stop()
	for {
		f.mu.Lock()
		if n := len(f.idx); n > 0 {
			k := rng.IntN(n)
			i := f.idx[k]
			f.idx[k] = f.idx[n-1]
			f.idx = f.idx[:n-1]
			f.mu.Unlock()
			return i, true
		}
		f.mu.Unlock()
		d := deadline - clk.now()
		if d <= 0 {
			return 0, false
		}
		t.Reset(durationNs(d))
		select {
		case <-f.wake:
			t.Stop()
		case <-t.C:
		case <-ctx.Done():
			return 0, false
		}
	}
}

// workOp is one operation handed to a client goroutine.
type workOp struct {
	f     OpF
	value int64
}

// generate issues operations until the deadline (clock ns), like
// Maelstrom's (gen/stagger (/ rate) (gen/mix ...)): half broadcasts of 0, 1,
// 2, ... and half reads, chosen at random, each handed to a random idle
// client. Each operation is scheduled a uniformly random gap in [0, 2/rate)
// after the previous one's scheduled time, so timer overshoot does not
// accumulate; an operation that has to wait for an idle client moves the
// schedule to when it got one, as in jepsen. The rate is the plan's at the
// time: a gap that crosses a phase boundary is stretched to each phase's
// rate (ratePlan.advance), and quiet phases are skipped. With a one-phase
// plan the random draws and times are exactly those of a fixed rate.
func generate(ctx context.Context, clk *clock, deadline int64, plan ratePlan, rng *rand.Rand,
	free *freeClients, queues []chan workOp, nextValue *atomic.Int64) {
	t := newStoppedTimer()
	defer t.Stop()
	next := plan.advance(clk.now(), 0)
	for next < deadline {
		if d := next - clk.now(); d > 0 {
			t.Reset(durationNs(d))
			select {
			case <-t.C:
			case <-ctx.Done():
				return
			}
		}
		ci, ok := free.take(ctx, clk, next, rng)
		if !ok {
			// Every client is busy: wait for one, then carry on from then.
			if ci, ok = free.take(ctx, clk, deadline, rng); !ok {
				return
			}
			next = clk.now()
		}
		op := workOp{f: Read}
		if rng.IntN(2) == 0 {
			op = workOp{f: Broadcast, value: nextValue.Add(1) - 1}
		}
		queues[ci] <- op
		next = plan.advance(next, rng.Float64()*2)
	}
}

// topologyFields renders a topology request body.
func topologyFields(t Topology) []byte {
	b, _ := json.Marshal(t)
	return append([]byte(`"type":"topology","topology":`), b...)
}

func initFields(id string, ids []string) []byte {
	me, _ := json.Marshal(id)
	all, _ := json.Marshal(ids)
	out := append([]byte(`"type":"init","node_id":`), me...)
	out = append(out, `,"node_ids":`...)
	return append(out, all...)
}
