package gossip

import (
	"errors"
	"fmt"
	"time"
)

// DefaultFanout is K, the number of peers a random round contacts, unless
// configured.
const DefaultFanout = 2

// Settings shape a Plan: the choices a user makes. Start from
// DefaultSettings; NewPlan validates them (Validate) and derives every timer
// and threshold from them once (Timing).
type Settings struct {
	// Star turns on eager dissemination along a star: every node pushes
	// its new values to the hub (the first node of node_ids), and the hub
	// forwards what each node lacks every Batch. Without it, values spread
	// only by the repair rounds: the exercise's K random peers every Interval.
	Star bool

	// Batch is the hub's flush period. The hub flushes at multiples of
	// Batch on the wall clock, so that the other nodes can time their
	// pushes to arrive just before a flush (Phase). 0 forwards at once.
	Batch time.Duration

	// Phase makes the other nodes hold new values until the last moment
	// that still reaches the hub before its next flush, as learned from
	// the arrival times of the hub's flushes, so that values broadcast
	// close together travel in one message at no cost in latency; and it
	// makes the hub forward at once the values of a push that missed its
	// flush (see Timing.CatchUpWindow). It applies only with a Batch.
	Phase bool

	// Fanout is K, the number of random peers of a gossip_round, and of a
	// repair round when there is no star or when this node's hub stopped
	// acknowledging. At least 1.
	Fanout int

	// Interval is the repair period: every Interval (±10%), each peer that
	// this node sends to and that has not acknowledged everything for an
	// Interval gets what it lacks again. 0 turns timer repair off.
	Interval time.Duration

	// AckDelay is how long an acknowledgement may wait for a message to
	// ride on before it is sent alone, once the peer has fallen quiet;
	// while the peer keeps sending, the wait stretches to Timing.AckCap. At
	// most half of Interval (the other half is for the round trip), or
	// quiet peers would be repaired before their acknowledgement arrives.
	AckDelay time.Duration
}

// DefaultSettings returns the settings of the node's balanced profile: a
// star whose hub flushes every 225 ms, phased pushes, repair every second,
// acknowledgements held up to 400 ms.
func DefaultSettings() Settings {
	return Settings{
		Star:     true,
		Batch:    225 * time.Millisecond,
		Phase:    true,
		Fanout:   DefaultFanout,
		Interval: time.Second,
		AckDelay: 400 * time.Millisecond,
	}
}

// ErrSettings is wrapped by the errors of Validate and NewPlan for settings
// that cannot work.
var ErrSettings = errors.New("gossip: invalid settings")

// Validate reports the first setting that cannot work, in the order of the
// fields, with an error wrapping ErrSettings; nil when all are usable.
func (s Settings) Validate() error {
	switch {
	case s.Batch < 0:
		return fmt.Errorf("%w: batch %v is negative", ErrSettings, s.Batch)
	case s.Fanout < 1:
		return fmt.Errorf("%w: fanout %d: at least 1 peer per round", ErrSettings, s.Fanout)
	case s.Interval < 0:
		return fmt.Errorf("%w: interval %v is negative", ErrSettings, s.Interval)
	case s.AckDelay < 0:
		return fmt.Errorf("%w: ack delay %v is negative", ErrSettings, s.AckDelay)
	case s.Interval > 0 && 2*s.AckDelay > s.Interval:
		return fmt.Errorf("%w: ack delay %v is more than half the repair interval %v (a quiet peer's acknowledgement would arrive after the repair round that resends what it acknowledges): use an ack delay of at most %v",
			ErrSettings, s.AckDelay, s.Interval, s.Interval/2)
	}
	return nil
}

// Timing holds every timer and threshold of a Plan, derived once from its
// Settings by NewPlan; each field's formula is written on it. All are in
// nanoseconds of the caller's clock. A Timing is a plain value: read it
// with Plan.Timing, never change it.
type Timing struct {
	// Batch is Settings.Batch: the period of the hub's flush grid; 0
	// forwards at once.
	Batch int64
	// Phased is Settings.Phase && Settings.Star && Batch > 0: pushes are
	// timed to reach the hub just before a flush, and the hub catches up
	// on pushes that miss it.
	Phased bool
	// MinDelay = 1 ms: the least an eager push or flush waits after the
	// value that calls for it, so that values arriving in one burst share
	// a message.
	MinDelay int64
	// CatchUpWindow = Batch/2: a push that brings the hub new values this
	// soon after its last flush on the grid missed that flush (a phased
	// push aims to arrive before it); the hub then forwards them at once,
	// in a catch-up flush, instead of a whole Batch later. Later in the
	// batch, values wait for the next flush as usual.
	CatchUpWindow int64
	// CatchUpsPerBatch = 2: at most this many catch-up flushes per batch,
	// so that late pushes cost at most that many more messages per peer
	// and batch. Two, not one: late pushes come in clusters a few
	// milliseconds apart when the network is noisy, and a second cluster
	// that found the only catch-up gone would wait a whole Batch.
	CatchUpsPerBatch int
	// PhaseSamples = 16: how many recent flush arrivals the phase estimate
	// looks at (about 3.6 s of flushes at the default Batch).
	PhaseSamples int
	// PhaseBase = 1 ms: a phased push keeps twice this before the hub's
	// flush beyond the spread of arrivals it observed (see phase).
	PhaseBase int64

	// Interval is Settings.Interval: the repair period; 0 for none.
	Interval int64
	// RepairJitter = Interval/10: each repair round comes Interval ±
	// RepairJitter after the last, so that nodes do not repair in lockstep.
	RepairJitter int64
	// RTO = Interval − RepairJitter − 1: how long values sent to a peer may
	// stay unacknowledged before a repair round sends them again; below the
	// shortest gap between two rounds, so that a silent peer is repaired
	// at every round.
	RTO int64
	// HubSilentAfter = 2·Interval: a hub that has left values
	// unacknowledged this long counts as silent, and repair rounds go to
	// Fanout random peers as well (the exercise's round).
	HubSilentAfter int64
	// HelloAfter = Interval: a node that has sent nothing to its star peers
	// this long after it started says hello once, so that a node restarted
	// into an idle cluster is noticed.
	HelloAfter int64

	// AckDelay is Settings.AckDelay: how long an owed acknowledgement waits
	// for a message to ride on once its peer is quiet.
	AckDelay int64
	// AckCap = 4·AckDelay: the longest an acknowledgement waits while its
	// peer keeps sending, so that a node that gets a flush every Batch and
	// has nothing to push acknowledges alone only every AckCap.
	AckCap int64
	// StallAfter = AckCap + Interval: the age of the oldest unacknowledged
	// values from which a peer counts as slow or stalled (a healthy peer
	// acknowledges within AckCap, and an Interval covers the round trip
	// and a lost acknowledgement); also the silence after which a peer
	// heard again counts as rejoined.
	StallAfter int64
	// ChainRatio = 2: once a peer is slow or stalled, a message to it is
	// chained (carries only new values) while what awaits acknowledgement
	// is more than ChainRatio times the new values; below that, repeating
	// it all costs little and repairs any loss.
	ChainRatio int
	// PendingPerPeer = 64: sends per peer whose acknowledgement is awaited
	// (about 15 s of a hub's flushes); an older one is forgotten, which
	// only delays what the node learns about that peer.
	PendingPerPeer int
}

// timing derives the Timing of valid settings s.
func (s Settings) timing() Timing {
	t := Timing{
		Batch:          int64(s.Batch),
		MinDelay:       int64(time.Millisecond),
		PhaseSamples:   16,
		PhaseBase:      int64(time.Millisecond),
		Interval:       int64(s.Interval),
		AckDelay:       int64(s.AckDelay),
		ChainRatio:     2,
		PendingPerPeer: pendingPerPeer,
	}
	t.Phased = s.Phase && s.Star && t.Batch > 0
	t.CatchUpWindow = t.Batch / 2
	t.CatchUpsPerBatch = 2
	t.RepairJitter = t.Interval / 10
	t.RTO = max(t.Interval-t.RepairJitter-1, 0)
	t.HubSilentAfter = 2 * t.Interval
	t.HelloAfter = t.Interval
	t.AckCap = 4 * t.AckDelay
	t.StallAfter = t.AckCap + t.Interval
	return t
}

// pendingPerPeer is Timing.PendingPerPeer, a constant because it sizes an
// array.
const pendingPerPeer = 64
