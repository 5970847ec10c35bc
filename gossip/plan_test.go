package gossip

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// ms is a millisecond in the Plan's clock.
const ms = int64(time.Millisecond)

// planHarness drives one Plan by hand: node self of the cluster n0, n1, n2
// (n0 is the hub), from t0 on.
type planHarness struct {
	t      *testing.T
	pl     *Plan
	now    int64
	nextID int64
	next   int64 // next value to add
}

const t0 = 1_000_000 * 225 * ms // a multiple of the default Batch

func newHarness(t *testing.T, self string, s Settings) *planHarness {
	t.Helper()
	pl, err := NewPlan(self, []string{"n0", "n1", "n2"}, s, 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	h := &planHarness{t: t, pl: pl, now: t0, next: 1}
	pl.Next(h.now)
	return h
}

// add adds k new values from the node's clients.
func (h *planHarness) add(k int) {
	for range k {
		h.pl.Local(h.next)
		h.next++
	}
}

// at moves the clock to t0+d.
func (h *planHarness) at(d time.Duration) { h.now = t0 + int64(d) }

// due returns what the plan sends now, reporting each one sent.
func (h *planHarness) due() []Send {
	h.pl.Next(h.now)
	sends := h.pl.Due(h.now, nil)
	for _, s := range sends {
		h.pl.Sent(s, h.nextID, h.now)
		h.nextID++
	}
	return sends
}

// sendTo sends peer i a message with values now (as an eager push) and
// returns it.
func (h *planHarness) sendTo(i int) Send {
	h.t.Helper()
	l := &h.pl.links[i]
	s := Send{Peer: i, Data: true, From: l.holds}
	if !h.pl.selfContained(l, h.now) {
		s = Send{Peer: i, Data: true, From: l.sentLen, Chained: true, Prev: l.lastData}
	}
	h.pl.Sent(s, h.nextID, h.now)
	h.nextID++
	return s
}

// ack delivers peer i's acknowledgement of everything sent up to msg_id upTo.
func (h *planHarness) ack(i int, upTo int64) {
	h.pl.Push(i, &Push{Ack: upTo, HasAck: true, Inc: 5, HasInc: true}, nil, 0, h.now)
}

// hear delivers a message from peer i that carries no values.
func (h *planHarness) hear(i int, msgID int64) {
	h.pl.Push(i, &Push{MsgID: msgID, HasMsgID: true, Inc: 5, HasInc: true}, nil, 0, h.now)
}

func (h *planHarness) state(i int) PeerState {
	h.pl.advance(&h.pl.links[i], evTick, h.now)
	return h.pl.State(i)
}

// TestPlan_States walks every PeerState and transition: each row sets up a
// link and checks the state it ends in and what the next message with
// values to that peer is.
func TestPlan_States(t *testing.T) {
	d := DefaultSettings()
	tm := d.timing()
	stall := time.Duration(tm.StallAfter)
	tests := []struct {
		name      string
		steps     func(h *planHarness)
		want      PeerState
		chained   bool // the next message with values is chained
		skipEager bool // no eager message goes while in this state
	}{
		{name: "new: nothing sent", steps: func(h *planHarness) { h.add(3) }, want: PeerNew},
		{name: "new -> fresh: values sent", steps: func(h *planHarness) { h.add(3); h.sendTo(1); h.add(1) }, want: PeerFresh},
		{name: "fresh -> in-sync: all acknowledged", steps: func(h *planHarness) {
			h.add(3)
			h.sendTo(1)
			h.ack(1, 0)
		}, want: PeerInSync},
		{name: "fresh stays fresh below StallAfter", steps: func(h *planHarness) {
			h.add(3)
			h.sendTo(1)
			h.at(stall - time.Millisecond)
			h.add(1)
		}, want: PeerFresh},
		{name: "fresh -> stalled: no acknowledgement for StallAfter", steps: func(h *planHarness) {
			h.add(30)
			h.sendTo(1)
			h.at(stall)
			h.add(1)
		}, want: PeerStalled, chained: false}, // a probe: nothing self-contained for RTO
		{name: "stalled: chained after the probe", steps: func(h *planHarness) {
			h.add(30)
			h.sendTo(1)
			h.at(stall)
			h.add(1)
			h.sendTo(1) // the probe
			h.add(1)
		}, want: PeerStalled, chained: true},
		{name: "stalled: below ChainRatio the message is self-contained", steps: func(h *planHarness) {
			h.add(3)
			h.sendTo(1)
			h.at(stall)
			h.add(10) // unacknowledged 3 <= 2 * 10 new
		}, want: PeerStalled, chained: false},
		{name: "stalled -> rejoined: heard again after a silence", steps: func(h *planHarness) {
			h.hear(1, 0)
			h.add(30)
			h.sendTo(1)
			h.at(stall + time.Second)
			h.hear(1, 1)
			h.add(1)
		}, want: PeerRejoined, chained: false},
		{name: "rejoined -> by age after a self-contained message", steps: func(h *planHarness) {
			h.hear(1, 0)
			h.add(30)
			h.sendTo(1)
			h.at(stall + time.Second)
			h.hear(1, 1)
			h.add(1)
			h.sendTo(1)
			h.add(1)
		}, want: PeerStalled, chained: true},
		{name: "any -> restarted: a higher incarnation", steps: func(h *planHarness) {
			h.add(30)
			h.sendTo(1)
			h.ack(1, 0)
			h.pl.Push(1, &Push{Inc: 9, HasInc: true}, nil, 0, h.now)
			h.add(1)
		}, want: PeerRestarted},
		{name: "any -> restarted: a sync without values it was sent", steps: func(h *planHarness) {
			h.add(30)
			h.sendTo(1)
			h.ack(1, 0)
			h.pl.Sync(1, 5, nil, 0, h.now)
		}, want: PeerRestarted},
		{name: "-> whole-in-flight: the whole set sent", steps: func(h *planHarness) {
			h.add(3)
			h.pl.Unlisted(100)
			h.sendTo(1)
			h.add(1)
		}, want: PeerWholeInFlight, skipEager: true},
		{name: "whole-in-flight -> by age after RTO", steps: func(h *planHarness) {
			h.add(3)
			h.pl.Unlisted(100)
			h.sendTo(1)
			h.at(time.Duration(tm.RTO))
			h.add(1)
		}, want: PeerFresh},
		{name: "whole-in-flight -> in-sync when acknowledged", steps: func(h *planHarness) {
			h.add(3)
			h.pl.Unlisted(100)
			h.sendTo(1)
			h.ack(1, 0)
		}, want: PeerInSync},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "n0", d)
			tt.steps(h)
			if got := h.state(1); got != tt.want {
				t.Fatalf("state %v, want %v", got, tt.want)
			}
			if tt.want == PeerInSync {
				return
			}
			sends := h.pl.eager(1, true, h.now, nil)
			if tt.skipEager {
				if len(sends) != 0 {
					t.Fatalf("an eager message went in state %v: %+v", tt.want, sends)
				}
				return
			}
			if len(sends) != 1 {
				t.Fatalf("eager sends %+v, want one", sends)
			}
			if sends[0].Chained != tt.chained {
				t.Fatalf("chained %v, want %v (%+v)", sends[0].Chained, tt.chained, sends[0])
			}
		})
	}
}

// TestPlan_ByAge: the states of a link that sends flow on, and the kind of
// its next message with values, from the facts: what awaits acknowledgement
// and since when, when acknowledgements last advanced, when the last
// self-contained message went.
func TestPlan_ByAge(t *testing.T) {
	tm := DefaultSettings().timing()
	sec := int64(time.Second)
	tests := []struct {
		name                       string
		unackedAge, ackedAge, full int64 // ages at now; ackedAge 0: never
		unacked, fresh             int   // values awaiting acknowledgement, new values
		want                       PeerState
		selfContained              bool
	}{
		{name: "fresh", unackedAge: sec, full: 100 * ms, unacked: 30, fresh: 1, want: PeerFresh, selfContained: true},
		{name: "stalled: never acknowledged", unackedAge: tm.StallAfter, full: 100 * ms, unacked: 30, fresh: 1, want: PeerStalled},
		{name: "stalled: probe due after RTO", unackedAge: tm.StallAfter, full: tm.RTO, unacked: 30, fresh: 1, want: PeerStalled, selfContained: true},
		{name: "stalled: acknowledgements stopped an RTO ago", unackedAge: 4 * sec, ackedAge: tm.RTO, full: 100 * ms, unacked: 30, fresh: 1, want: PeerStalled},
		{name: "slow: acknowledgements advance", unackedAge: 4 * sec, ackedAge: 100 * ms, full: 100 * ms, unacked: 30, fresh: 1, want: PeerSlow},
		{name: "slow: probe due after half the age", unackedAge: 4 * sec, ackedAge: 100 * ms, full: 2 * sec, unacked: 30, fresh: 1, want: PeerSlow, selfContained: true},
		{name: "slow: not before half the age", unackedAge: 4 * sec, ackedAge: 100 * ms, full: 2*sec - ms, unacked: 30, fresh: 1, want: PeerSlow},
		{name: "slow: below ChainRatio", unackedAge: 4 * sec, ackedAge: 100 * ms, full: 100 * ms, unacked: 20, fresh: 10, want: PeerSlow, selfContained: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "n0", DefaultSettings())
			h.add(100 + tt.unacked + tt.fresh)
			h.at(10 * time.Second)
			l := &h.pl.links[1]
			l.state, l.holds, l.sentLen, l.lastData = PeerFresh, 100, 100+tt.unacked, 1
			l.unackedSince, l.lastFull = h.now-tt.unackedAge, h.now-tt.full
			if tt.ackedAge != 0 {
				l.ackedAt = h.now - tt.ackedAge
			}
			h.pl.advance(l, evTick, h.now)
			if l.state != tt.want {
				t.Fatalf("state %v, want %v", l.state, tt.want)
			}
			if got := h.pl.selfContained(l, h.now); got != tt.selfContained {
				t.Fatalf("self-contained %v, want %v", got, tt.selfContained)
			}
		})
	}
}

func TestPeerState_String(t *testing.T) {
	want := []string{"new", "in-sync", "fresh", "slow", "stalled", "rejoined", "restarted", "whole-in-flight"}
	for s := PeerNew; s <= PeerWholeInFlight; s++ {
		if s.String() != want[s] {
			t.Errorf("PeerState(%d) = %q, want %q", s, s.String(), want[s])
		}
	}
	if got := PeerState(99).String(); got != "PeerState(99)" {
		t.Errorf("unknown state prints %q", got)
	}
	for m, w := range []string{"rounds", "hub", "leaf", "hub-silent"} {
		if Mode(m).String() != w {
			t.Errorf("Mode(%d) = %q, want %q", m, Mode(m).String(), w)
		}
	}
}

// TestPlan_Modes: the node's role follows its place in the star, and a leaf
// whose hub leaves values unacknowledged for HubSilentAfter repairs to random
// peers as well.
func TestPlan_Modes(t *testing.T) {
	d := DefaultSettings()
	if m := newHarness(t, "n0", d).pl.Mode(t0); m != ModeHub {
		t.Fatalf("n0: %v", m)
	}
	h := newHarness(t, "n1", d)
	if m := h.pl.Mode(h.now); m != ModeLeaf {
		t.Fatalf("n1: %v", m)
	}
	h.add(5)
	h.sendTo(0)
	h.at(time.Duration(d.timing().HubSilentAfter))
	if m := h.pl.Mode(h.now); m != ModeHubSilent {
		t.Fatalf("a hub silent for HubSilentAfter: %v", m)
	}
	var toOthers bool
	for range 5 {
		h.at(time.Duration(h.pl.repairAt - t0))
		for _, s := range h.due() {
			toOthers = toOthers || s.Peer != 0 && s.Repair
		}
	}
	if !toOthers {
		t.Fatal("no repair to a random peer with the hub silent")
	}
	d.Star = false
	if m := newHarness(t, "n0", d).pl.Mode(t0); m != ModeRounds {
		t.Fatalf("no star: %v", m)
	}
}

// TestPlan_AcknowledgementOrder: a push's parts apply in order, so that an
// acknowledgement from a dead incarnation or for another incarnation of this
// node never counts, and values a restarted peer sends count as held by it.
func TestPlan_AcknowledgementOrder(t *testing.T) {
	h := newHarness(t, "n0", DefaultSettings())
	h.pl.Push(1, &Push{MsgID: 0, HasMsgID: true, Inc: 5, HasInc: true}, nil, 0, h.now)
	h.add(10)
	h.sendTo(1) // id 0
	// An acknowledgement from an older incarnation of the peer.
	h.pl.Push(1, &Push{Ack: 0, HasAck: true, Inc: 4, HasInc: true}, nil, 0, h.now)
	if h.pl.links[1].holds != 0 {
		t.Fatal("a dead incarnation's acknowledgement counted")
	}
	// An acknowledgement meant for another incarnation of this node.
	h.pl.Push(1, &Push{Ack: 0, HasAck: true, AckInc: 6, HasAckInc: true, Inc: 5, HasInc: true}, nil, 0, h.now)
	if h.pl.links[1].holds != 0 {
		t.Fatal("an acknowledgement for another incarnation counted")
	}
	h.pl.Push(1, &Push{Ack: 0, HasAck: true, AckInc: 7, HasAckInc: true, Inc: 5, HasInc: true}, nil, 0, h.now)
	if h.pl.links[1].holds != 10 {
		t.Fatalf("holds %d after the acknowledgement, want 10", h.pl.links[1].holds)
	}
	// The peer restarts and sends two values at once: they count as held
	// by it, the rest is owed to it.
	h.pl.Push(1, &Push{MsgID: 0, HasMsgID: true, Inc: 8, HasInc: true, Data: true}, []int64{100, 101}, 0, h.now)
	if got := h.state(1); got != PeerRestarted {
		t.Fatalf("state %v after a restart", got)
	}
	vals, ok := h.pl.Values(nil, Send{Peer: 1, Data: true, From: 0})
	if !ok || len(vals) != 10 {
		t.Fatalf("after the restart the peer is owed %v (%v), want the 10 values it did not send", vals, ok)
	}
	if id, inc, ok := h.pl.Ack(1); !ok || id != 0 || inc != 8 {
		t.Fatalf("Ack = %d, %d, %v; want msg 0 of incarnation 8", id, inc, ok)
	}
}

// TestPlan_ChainedAcknowledgement: a chained push is acknowledged only when
// it continues the chain acknowledged so far.
func TestPlan_ChainedAcknowledgement(t *testing.T) {
	h := newHarness(t, "n0", DefaultSettings())
	recv := func(id int64, chained bool, prev int64) {
		h.pl.Push(1, &Push{MsgID: id, HasMsgID: true, Inc: 5, HasInc: true, Data: true, Chained: chained, Prev: prev}, nil, 0, h.now)
	}
	recv(3, false, 0)
	recv(4, true, 3)
	if id, _, _ := h.pl.Ack(1); id != 4 {
		t.Fatalf("ack %d after a continuing chained push, want 4", id)
	}
	recv(6, true, 5) // follows 5, which was lost
	if id, _, _ := h.pl.Ack(1); id != 4 {
		t.Fatalf("ack %d after a broken chain, want 4", id)
	}
	recv(7, false, 0)
	if id, _, _ := h.pl.Ack(1); id != 7 {
		t.Fatalf("ack %d after a self-contained push, want 7", id)
	}
}

// TestPlan_SyncOKRing: gossip_sync_ok matches the sync it answers; the ring
// forgets the oldest of more than PendingPerPeer outstanding sends.
func TestPlan_SyncOKRing(t *testing.T) {
	h := newHarness(t, "n0", DefaultSettings())
	h.add(3)
	picked := h.pl.Round(5, h.now)
	if len(picked) != 2 {
		t.Fatalf("a round of K=2 among 2 peers picked %v", picked)
	}
	h.pl.SyncOK(0, 9, h.now) // unknown: ignored
	if h.pl.links[0].holds != 0 {
		t.Fatal("an unknown gossip_sync_ok counted")
	}
	h.pl.SyncOK(0, 5, h.now)
	if h.pl.links[0].holds != 3 {
		t.Fatalf("holds %d, want 3", h.pl.links[0].holds)
	}
	for id := int64(10); id < 10+pendingPerPeer+1; id++ {
		h.add(1)
		h.pl.record(&h.pl.links[1], id, h.now)
	}
	h.pl.SyncOK(1, 10, h.now)
	if h.pl.links[1].holds != 0 {
		t.Fatal("the oldest send should have been forgotten")
	}
	h.pl.SyncOK(1, 10+pendingPerPeer, h.now)
	if h.pl.links[1].holds != h.pl.Len() {
		t.Fatalf("holds %d, want %d", h.pl.links[1].holds, h.pl.Len())
	}
}

// TestPlan_CatchUp: at the hub, values of a push on the grid that missed the
// flush go at once in a catch-up flush, at most CatchUpsPerBatch times a
// batch; values in time for a flush, untimed pushes and values late in the
// batch wait for the grid.
func TestPlan_CatchUp(t *testing.T) {
	d := DefaultSettings()
	b := time.Duration(d.Batch)
	tests := []struct {
		name    string
		arrive  []time.Duration // push arrivals, after a flush at t0
		grid    bool
		wantAt  []time.Duration // catch-up flushes
		pending bool            // a flush on the grid is pending at the first arrival
	}{
		{name: "late by 2 ms", arrive: []time.Duration{2 * time.Millisecond}, grid: true, wantAt: []time.Duration{3 * time.Millisecond}},
		{name: "late in the second half", arrive: []time.Duration{b/2 + time.Millisecond}, grid: true},
		{name: "untimed", arrive: []time.Duration{2 * time.Millisecond}, grid: false},
		{name: "in time", arrive: []time.Duration{0}, grid: true, pending: true},
		{name: "three late clusters", arrive: []time.Duration{2 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond}, grid: true,
			wantAt: []time.Duration{3 * time.Millisecond, 11 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, "n0", d)
			h.at(-time.Millisecond)
			h.add(1)
			if tt.pending {
				h.pl.Next(h.now) // schedules the flush at t0
				h.at(0)
			} else {
				h.at(0)
				h.due() // the flush at t0 goes
			}
			var got []time.Duration
			for k, a := range tt.arrive {
				h.at(a)
				h.pl.Push(1, &Push{MsgID: int64(k), HasMsgID: true, Inc: 5, HasInc: true, Data: true, Grid: tt.grid}, []int64{1000 + int64(k)}, 0, h.now)
				for step := 0; step < 5; step++ {
					h.at(a + time.Duration(step)*time.Millisecond)
					for _, s := range h.due() {
						if s.Data && !s.Grid && s.Peer == 0 {
							got = append(got, time.Duration(h.now-t0))
						}
					}
				}
			}
			if !equalDurations(got, tt.wantAt) {
				t.Fatalf("catch-up flushes at %v, want %v", got, tt.wantAt)
			}
		})
	}
}

func equalDurations(a, b []time.Duration) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestPlan_PhaseOnlyFromGrid: a leaf times its pushes by the hub's flushes
// on the grid, and by nothing else the hub sends.
func TestPlan_PhaseOnlyFromGrid(t *testing.T) {
	h := newHarness(t, "n1", DefaultSettings())
	for k := int64(0); k < 8; k++ {
		h.now = t0 + k*225*ms + 100*ms
		h.pl.Push(0, &Push{MsgID: k, HasMsgID: true, Inc: 5, HasInc: true, Data: true, Grid: true}, nil, 0, h.now)
	}
	lead := h.pl.phase.lead
	h.now = t0 + 9*225*ms + 200*ms // a repair, off the grid
	h.pl.Push(0, &Push{MsgID: 9, HasMsgID: true, Inc: 5, HasInc: true, Data: true}, nil, 0, h.now)
	if h.pl.phase.lead != lead || h.pl.phase.n != 8 {
		t.Fatalf("a message off the grid moved the phase: lead %v -> %v", time.Duration(lead), time.Duration(h.pl.phase.lead))
	}
}

// TestPhase_Lead: the lead covers the spread of the arrivals observed, so a
// push leaves early enough on a noisy network and not much earlier on a
// quiet one; samples that straddle the wrap of the grid give one estimate;
// and pushes are timed only once a few arrivals tell the spread.
func TestPhase_Lead(t *testing.T) {
	const b = 225 * ms
	tests := []struct {
		name     string
		arrivals []int64 // offsets after grid points
		lo, hi   int64   // the lead must lie in [lo, hi]
	}{
		{name: "quiet", arrivals: []int64{100 * ms, 100*ms + 200_000, 100*ms + 100_000, 100 * ms, 100*ms + 300_000, 100 * ms}, lo: 100*ms + 300_000, hi: 103 * ms},
		{name: "jitter up to 10 ms", arrivals: []int64{100 * ms, 104 * ms, 109 * ms, 101 * ms, 107 * ms, 110 * ms, 102 * ms, 105 * ms}, lo: 110 * ms, hi: 115 * ms},
		{name: "across the wrap", arrivals: []int64{b - ms, 0, ms, b - 2*ms, 500_000}, lo: ms, hi: 5 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ph := phase{batch: b, base: ms, keep: 16}
			for k, a := range tt.arrivals {
				ph.observe(t0 + int64(k)*b + a)
			}
			lead := (ph.lead%b + b) % b
			if lead < tt.lo || lead > tt.hi {
				t.Fatalf("lead %v, want in [%v, %v]", time.Duration(lead), time.Duration(tt.lo), time.Duration(tt.hi))
			}
			now := t0 + 40*b + 17*ms
			at := ph.sendTime(now)
			if at < now || at >= now+b {
				t.Fatalf("send at %v from %v", at, now)
			}
			if arrive := (at + lead) % b; arrive != 0 {
				t.Fatalf("a push sent at %d arrives %v off the grid", at, time.Duration(arrive))
			}
		})
	}
	t.Run("too few to tell the spread", func(t *testing.T) {
		ph := phase{batch: b, base: ms, keep: 16}
		for k := range minPhaseSamples {
			if ph.known() {
				t.Fatalf("pushes timed after %d arrivals", k)
			}
			ph.observe(t0 + int64(k)*b + 100*ms)
		}
		if !ph.known() {
			t.Fatalf("pushes not timed after %d arrivals", minPhaseSamples)
		}
	})
}

func TestSettings_Validate(t *testing.T) {
	d := DefaultSettings()
	tests := []struct {
		name   string
		change func(*Settings)
		text   string // part of the error; "" for valid
	}{
		{name: "defaults", change: func(*Settings) {}},
		{name: "negative batch", change: func(s *Settings) { s.Batch = -1 }, text: "batch"},
		{name: "no fanout", change: func(s *Settings) { s.Fanout = 0 }, text: "fanout 0"},
		{name: "negative interval", change: func(s *Settings) { s.Interval = -time.Second }, text: "interval"},
		{name: "negative ack delay", change: func(s *Settings) { s.AckDelay = -1 }, text: "ack delay"},
		{name: "ack delay over half the interval", change: func(s *Settings) { s.Interval = 600 * time.Millisecond },
			text: "use an ack delay of at most 300ms"},
		{name: "no timer, any ack delay", change: func(s *Settings) { s.Interval, s.AckDelay = 0, 5*time.Second }},
		{name: "the first bad field is reported", change: func(s *Settings) { s.Batch, s.Fanout = -1, 0 }, text: "batch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := d
			tt.change(&s)
			err := s.Validate()
			if tt.text == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrSettings) || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("error %v, want one with %q", err, tt.text)
			}
			if _, err := NewPlan("n0", []string{"n0"}, s, 1, 1); !errors.Is(err, ErrSettings) {
				t.Fatalf("NewPlan took invalid settings: %v", err)
			}
		})
	}
}

// TestTiming: the derived timers of the default settings, as their doc
// comments give them.
func TestTiming(t *testing.T) {
	tm := DefaultSettings().timing()
	for _, c := range []struct {
		name      string
		got, want int64
	}{
		{"Batch", tm.Batch, 225 * ms},
		{"CatchUpWindow", tm.CatchUpWindow, 112*ms + 500_000},
		{"RepairJitter", tm.RepairJitter, 100 * ms},
		{"RTO", tm.RTO, 900*ms - 1},
		{"HubSilentAfter", tm.HubSilentAfter, 2000 * ms},
		{"HelloAfter", tm.HelloAfter, 1000 * ms},
		{"AckCap", tm.AckCap, 1600 * ms},
		{"StallAfter", tm.StallAfter, 2600 * ms},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, time.Duration(c.got), time.Duration(c.want))
		}
	}
	if !tm.Phased {
		t.Error("the defaults are not phased")
	}
	s := DefaultSettings()
	s.Batch = 0
	if s.timing().Phased {
		t.Error("phased without a batch")
	}
}

// TestPlan_Summary: the exit summary names the mode and counts the states.
func TestPlan_Summary(t *testing.T) {
	h := newHarness(t, "n0", DefaultSettings())
	h.add(3)
	h.sendTo(1)
	if got, want := h.pl.Summary(h.now), "mode hub, peers 1 new, 1 fresh"; got != want {
		t.Fatalf("Summary = %q, want %q", got, want)
	}
}
