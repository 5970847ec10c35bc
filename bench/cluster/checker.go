package cluster

import (
	"math"
	"math/bits"
	"slices"
)

// OpType is the type of a history event, as in a jepsen history.
type OpType uint8

// Op types.
const (
	Invoke OpType = iota // a request was sent
	OK                   // it succeeded
	Fail                 // it definitely did not happen
	Info                 // its outcome is unknown (for example a timeout)
)

// String returns the type as jepsen spells it.
func (t OpType) String() string {
	return [...]string{"invoke", "ok", "fail", "info"}[t]
}

// OpF is the function of an operation.
type OpF uint8

// Operation functions.
const (
	Broadcast OpF = iota
	Read
)

// String returns the function as Maelstrom spells it.
func (f OpF) String() string { return [...]string{"broadcast", "read"}[f] }

// Event is one entry of a history. Histories are built by the bench as the
// test runs; tests build them by hand. Events of one history are ordered by
// Index, which increases by one per event.
type Event struct {
	// Index is the event's position in the history.
	Index int64
	// Time is nanoseconds since the workload started.
	Time int64
	// Process is the client that ran the operation.
	Process int
	// F is what the operation does.
	F OpF
	// Type says whether this is the invocation or the completion.
	Type OpType
	// Value is the broadcast value.
	Value int64
	// Values is what a successful read returned.
	Values []int64
	// BadValues counts read elements that were not integers.
	BadValues int
	// Final marks the final reads.
	Final bool
}

// element tracks one broadcast value the way jepsen's set-full does. Index
// fields are -1 when unset. What every read updates for each value it saw
// is kept apart, in presence, so that a read's pass over all values touches
// as little memory as possible.
type element struct {
	attempted             bool
	knownIndex, knownTime int64 // completion that first made it known
	absentIndex, absTime  int64 // latest-invoked read that missed it
	finalMissing          bool  // known, and absent from some final read
	// Where it came from, when the history says which node each client is
	// bound to (the bench's does; CheckHistory's does not): the node that
	// acknowledged the broadcast (-1: none), at ackTime.
	ackNode int32
	ackTime int64
}

// presence is what the reads that saw a value tell about it.
type presence struct {
	index, time int64 // latest-invoked read that saw it; index -1: none
	// seenOn is the node whose reads saw it (-1: none yet, -2: several).
	seenOn int32
}

var noPresence = presence{index: -1, seenOn: -1}

// saw records a read invoked at index and time, on node (-1: unknown), that
// saw the value.
func (p *presence) saw(index, time int64, node int) {
	if p.index < index {
		p.index, p.time = index, time
	}
	if node >= 0 && p.seenOn != int32(node) && p.seenOn != -2 {
		if p.seenOn == -1 {
			p.seenOn = int32(node)
		} else {
			p.seenOn = -2
		}
	}
}

// add merges what o records into p.
func (p *presence) add(o presence) {
	if p.index < o.index {
		p.index, p.time = o.index, o.time
	}
	switch {
	case o.seenOn == -1 || o.seenOn == p.seenOn:
	case p.seenOn == -1:
		p.seenOn = o.seenOn
	default:
		p.seenOn = -2
	}
}

// presenceOf returns what the reads tell about value v: its own record
// merged with that of its word of 64 values.
func (s *setFull) presenceOf(v int) presence {
	p := s.pres[v]
	p.add(s.wordPres[v/64])
	return p
}

// outcome is set-full's verdict on value v.
func (s *setFull) outcome(v int) Outcome {
	e, present := &s.elems[v], s.presenceOf(v).index
	switch {
	case present >= 0 && e.absentIndex < present:
		return Stable
	case e.knownIndex >= 0 && e.absentIndex >= 0 && present < e.absentIndex && e.knownIndex < e.absentIndex:
		return Lost
	}
	return NeverRead
}

// setFull is jepsen's set-full checker for one history, fed event by event
// in index order, plus three checks that set-full does not make: values read
// that were never broadcast, values known before the final reads that a final
// read lacks, and final reads that failed. A setFull MUST NOT be used from
// concurrently running goroutines; the history lock guards it.
type setFull struct {
	elems []element
	pres  []presence // by value, beside elems
	// wordPres[w] records the reads that saw every one of the values
	// 64w..64w+63, all of them broadcast by then: such a read updates the
	// word once instead of each of its 64 values. A value's presence is
	// its own merged with its word's (presenceOf).
	wordPres []presence
	// attempted and known are bitsets of the values broadcast and of those
	// known (elems[v].knownIndex >= 0).
	attempted, known []uint64
	present          []uint64 // scratch bitset for one read
	unexpected       map[int64]struct{}
	badValues        int
	finalFailed      int
	finalOK          int
}

func newSetFull() *setFull {
	return &setFull{unexpected: make(map[int64]struct{})}
}

func (s *setFull) elem(v int64) *element {
	if v < 0 || v > 1<<32 {
		return nil
	}
	for int64(len(s.elems)) <= v {
		s.elems = append(s.elems, element{knownIndex: -1, absentIndex: -1, ackNode: -1})
		s.pres = append(s.pres, noPresence)
	}
	if words := (len(s.elems) + 63) / 64; len(s.attempted) < words {
		s.attempted = append(s.attempted, make([]uint64, words-len(s.attempted))...)
		s.known = append(s.known, make([]uint64, words-len(s.known))...)
		for len(s.wordPres) < words {
			s.wordPres = append(s.wordPres, noPresence)
		}
	}
	return &s.elems[v]
}

// setKnown records that value v became known at the completion index, at t.
func (s *setFull) setKnown(v int64, index, t int64) {
	e := &s.elems[v]
	if e.knownIndex < 0 {
		e.knownIndex, e.knownTime = index, t
		s.known[v/64] |= 1 << (v % 64)
	}
}

// addInvoke starts tracking a broadcast value.
func (s *setFull) addInvoke(v int64) {
	if e := s.elem(v); e != nil {
		e.attempted = true
		s.attempted[v/64] |= 1 << (v % 64)
	}
}

// addOK records a successful broadcast completion, acknowledged by node
// (-1 when unknown).
func (s *setFull) addOK(v int64, index, t int64, node int) {
	e := s.elem(v)
	if e == nil || !e.attempted {
		return
	}
	s.setKnown(v, index, t)
	if e.ackNode < 0 && node >= 0 {
		e.ackNode, e.ackTime = int32(node), t
	}
}

// readOK records a successful read on node (-1 when unknown): inv is its
// invocation, done its completion.
//
// It visits every value broadcast so far, 64 at a time through the bitsets.
// When a read saw all 64 values of a word, all of them broadcast, the word's
// presence is updated once (late in a long run nearly every word is such a
// word); otherwise each value the read saw updates its own. The values it
// missed (few, in a healthy cluster) update their elements.
func (s *setFull) readOK(inv, done *Event, node int) {
	n := len(s.elems)
	words := (n + 63) / 64
	if cap(s.present) < words {
		s.present = make([]uint64, words)
	}
	s.present = s.present[:words]
	clear(s.present)
	for _, v := range done.Values {
		if v < 0 || v >= int64(n) || s.attempted[v/64]&(1<<(v%64)) == 0 {
			if len(s.unexpected) < 1<<16 {
				s.unexpected[v] = struct{}{}
			}
			continue
		}
		s.present[v/64] |= 1 << (v % 64)
	}
	s.badValues += done.BadValues
	if done.Final {
		s.finalOK++
	}
	for w, seen := range s.present {
		if unknown := seen &^ s.known[w]; unknown != 0 {
			for ; unknown != 0; unknown &= unknown - 1 {
				s.setKnown(int64(w*64+bits.TrailingZeros64(unknown)), done.Index, done.Time)
			}
		}
		if seen == math.MaxUint64 {
			s.wordPres[w].saw(inv.Index, inv.Time, node)
			continue // nothing was missed
		}
		for b := seen; b != 0; b &= b - 1 {
			s.pres[w*64+bits.TrailingZeros64(b)].saw(inv.Index, inv.Time, node)
		}
		for b := s.attempted[w] &^ seen; b != 0; b &= b - 1 {
			e := &s.elems[w*64+bits.TrailingZeros64(b)]
			if e.absentIndex < inv.Index {
				e.absentIndex, e.absTime = inv.Index, inv.Time
			}
			if done.Final && e.knownIndex >= 0 {
				e.finalMissing = true
			}
		}
	}
}

// Outcome is what set-full concluded about one value.
type Outcome uint8

// Outcomes.
const (
	Stable    Outcome = iota // every read after some point saw it
	Lost                     // known, but the latest reads miss it
	NeverRead                // neither
)

// String returns the outcome as set-full spells it.
func (o Outcome) String() string { return [...]string{"stable", "lost", "never-read"}[o] }

// ValueResult is set-full's verdict on one broadcast value.
type ValueResult struct {
	Value   int64   `json:"value"`
	Outcome Outcome `json:"-"`
	// Known is whether the value was acknowledged or seen; KnownTime is
	// when (ns since the workload started).
	Known     bool  `json:"known"`
	KnownTime int64 `json:"known_ns"`
	// StableLatency (ms) is set for stable values, LostLatency for lost
	// ones.
	StableLatency int64 `json:"stable_latency_ms"`
	LostLatency   int64 `json:"lost_latency_ms"`
	// FinalMissing is whether a final read lacked the known value.
	FinalMissing bool `json:"final_missing"`
}

// WorkloadResult is the broadcast checker's report: jepsen set-full's fields
// plus the bench's extra checks.
type WorkloadResult struct {
	Valid           bool      `json:"valid"`
	AttemptCount    int       `json:"attempt_count"`
	StableCount     int       `json:"stable_count"`
	LostCount       int       `json:"lost_count"`
	Lost            []int64   `json:"lost"`
	NeverReadCount  int       `json:"never_read_count"`
	NeverRead       []int64   `json:"never_read"`
	StaleCount      int       `json:"stale_count"`
	StableLatencies Quantiles `json:"stable_latencies,omitempty"`
	LostLatencies   Quantiles `json:"lost_latencies,omitempty"`
	// FinalMissingCount counts known values absent from at least one
	// successful final read (a strict reading of "lost"; set-full can call
	// such a value stable when a later-invoked read saw it).
	FinalMissingCount int     `json:"final_missing_count"`
	FinalMissing      []int64 `json:"final_missing"`
	// UnexpectedCount counts distinct values read that were never
	// broadcast; BadValueCount counts read elements that were not
	// integers.
	UnexpectedCount int     `json:"unexpected_count"`
	Unexpected      []int64 `json:"unexpected"`
	BadValueCount   int     `json:"bad_value_count"`
	// FinalReadsOK and FinalReadsFailed count the final reads.
	FinalReadsOK     int `json:"final_reads_ok"`
	FinalReadsFailed int `json:"final_reads_failed"`

	values []ValueResult
}

// Values returns the verdict on every attempted value, in value order.
func (w *WorkloadResult) Values() []ValueResult { return w.values }

// nsToMs converts like jepsen's nanos->ms followed by long: truncation.
func nsToMs(ns int64) int64 { return ns / 1e6 }

// results computes set-full's verdicts.
func (s *setFull) results() WorkloadResult {
	w := WorkloadResult{
		Lost: []int64{}, NeverRead: []int64{}, FinalMissing: []int64{}, Unexpected: []int64{},
		BadValueCount: s.badValues, FinalReadsOK: s.finalOK, FinalReadsFailed: s.finalFailed,
	}
	var stable, lost []int64
	for v := range s.elems {
		e := &s.elems[v]
		if !e.attempted {
			continue
		}
		w.AttemptCount++
		r := ValueResult{Value: int64(v), Known: e.knownIndex >= 0, KnownTime: e.knownTime}
		switch s.outcome(v) {
		case Stable:
			r.Outcome = Stable
			stableTime := int64(0)
			if e.absentIndex >= 0 {
				stableTime = e.absTime + 1
			}
			r.StableLatency = nsToMs(max(stableTime-e.knownTime, 0))
			stable = append(stable, r.StableLatency)
			w.StableCount++
			if r.StableLatency > 0 {
				w.StaleCount++
			}
		case Lost:
			r.Outcome = Lost
			lostTime := int64(0)
			if p := s.presenceOf(v); p.index >= 0 {
				lostTime = p.time + 1
			}
			r.LostLatency = nsToMs(max(lostTime-e.knownTime, 0))
			lost = append(lost, r.LostLatency)
			w.LostCount++
			w.Lost = append(w.Lost, int64(v))
		default:
			r.Outcome = NeverRead
			w.NeverReadCount++
			w.NeverRead = append(w.NeverRead, int64(v))
		}
		if e.finalMissing {
			r.FinalMissing = true
			w.FinalMissingCount++
			w.FinalMissing = append(w.FinalMissing, int64(v))
		}
		w.values = append(w.values, r)
	}
	w.StableLatencies = frequencyDistribution(stable)
	w.LostLatencies = frequencyDistribution(lost)
	for v := range s.unexpected {
		w.Unexpected = append(w.Unexpected, v)
	}
	slices.Sort(w.Unexpected)
	w.UnexpectedCount = len(w.Unexpected)
	w.Valid = w.LostCount == 0 && w.StableCount > 0 && w.FinalMissingCount == 0 &&
		w.UnexpectedCount == 0 && w.BadValueCount == 0 && w.FinalReadsFailed == 0
	return w
}

// CheckHistory runs the broadcast checker over a complete history: events in
// index order, each completion after its invocation.
func CheckHistory(events []Event) WorkloadResult {
	s := newSetFull()
	open := make(map[int]*Event) // process -> its pending invocation
	for i := range events {
		ev := &events[i]
		switch ev.Type {
		case Invoke:
			open[ev.Process] = ev
			if ev.F == Broadcast {
				s.addInvoke(ev.Value)
			}
		default:
			inv := open[ev.Process]
			delete(open, ev.Process)
			if inv == nil {
				continue
			}
			s.complete(inv, ev)
		}
	}
	return s.results()
}

// complete feeds one completion.
func (s *setFull) complete(inv, done *Event) { s.completeOn(inv, done, -1) }

// completeOn feeds one completion of an operation on node (-1 when
// unknown).
func (s *setFull) completeOn(inv, done *Event, node int) {
	switch {
	case done.F == Broadcast && done.Type == OK:
		s.addOK(inv.Value, done.Index, done.Time, node)
	case done.F == Read && done.Type == OK:
		s.readOK(inv, done, node)
	case done.F == Read && done.Final:
		s.finalFailed++
	}
}

// diedWith returns, in increasing order, the values that an incarnation of
// node took with it when it was killed at kill: values it acknowledged at a
// time in [from, to) that set-full calls lost or that a final read lacked,
// that no read on another node ever saw, and that no read invoked after the
// kill saw. Times are ns since the workload started; to is when the
// replacement process started, after every line of the killed one was read.
// acked counts the values the incarnation acknowledged, and window is the
// longest time from a lost value's acknowledgement to the kill.
func (s *setFull) diedWith(node int, from, to, kill int64) (acked int, lost []int64, window int64) {
	for v := range s.elems {
		e := &s.elems[v]
		if !e.attempted || int(e.ackNode) != node || e.ackTime < from || e.ackTime >= to {
			continue
		}
		acked++
		if s.outcome(v) != Lost && !e.finalMissing {
			continue
		}
		if p := s.presenceOf(v); p.seenOn != -1 && int(p.seenOn) != node || p.index >= 0 && p.time > kill {
			continue
		}
		lost = append(lost, int64(v))
		window = max(window, kill-e.ackTime)
	}
	return acked, lost, window
}
