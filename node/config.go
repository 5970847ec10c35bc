package node

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/maelstrom-gossip/node/gossip"
)

// Config holds the settings of a Node. Start from DefaultConfig,
// ProfileConfig or Configure (the Settings table documents each setting). In
// a Config literal a zero field means: Fanout and MaxLineBytes their
// defaults; Interval no timer repair; Batch forwarding at once; AckDelay
// acknowledging at once.
type Config struct {
	// Fanout is K: the number of random peers that a gossip_round request,
	// and a repair round without a working star, send values to. 0 means
	// the default.
	Fanout int

	// Interval is the period of the repair timer (the exercise's periodic
	// anti-entropy). Every Interval (±10%) the node sends what they lack
	// to the peers it sends to that have left values unacknowledged for
	// an Interval, and, with NoStar or with a hub that stopped
	// acknowledging, to up to Fanout random peers not known to hold
	// everything. Peers that acknowledged everything get nothing, so an
	// idle cluster is silent. 0 turns the timer off.
	Interval time.Duration

	// NoStar turns off eager dissemination: values then spread only
	// through the repair rounds, as in the exercise.
	NoStar bool

	// Batch is the hub's flush period: the hub (the first node of
	// node_ids) forwards the values that each node lacks at multiples of
	// Batch on the wall clock. 0 forwards at once.
	Batch time.Duration

	// Phase makes the other nodes hold their new values until the last
	// moment that reaches the hub before its next flush, so that values
	// broadcast close together share a message at no cost in latency.
	Phase bool

	// AckDelay is how long an acknowledgement may wait for a message to
	// the same peer to ride on before it is sent alone.
	AckDelay time.Duration

	// MaxLineBytes bounds what the node holds of one input line: all of
	// it, but for a messages array of integers, which is read as it
	// arrives. A line that needs more is skipped, without being held, with
	// one line on stderr. 0 means the default (256 MiB).
	MaxLineBytes int

	// Ack is when a broadcast_ok leaves: AckReceived (the default) at
	// once, AckReplicated once a peer holds the value.
	Ack AckMode

	// DataDir, when set, makes the node persist what it acknowledges: the
	// value of every broadcast is appended to <DataDir>/<node id>.log and
	// fsynced before its broadcast_ok leaves, and the whole set is
	// snapshotted to <node id>.snap from time to time; a node restarted
	// with the same DataDir starts with those values. Empty (the default)
	// keeps the set in memory.
	DataDir string

	// RunLog, without DataDir, makes the node keep the values it
	// acknowledged, as long as no peer is known to hold them, in a file of
	// the current run under the temporary folder, stored into a shared
	// mapping of it (not fsynced) before their broadcast_oks leave; a node
	// killed and restarted by the same harness takes them back once it
	// hears a peer it heard before (see runLog). A node without peers
	// keeps no file. On in DefaultConfig, as in the binary; off in a
	// Config literal.
	RunLog bool

	// Seed fixes the random choices of peers and timer stagger; 0 draws a
	// random seed.
	Seed uint64

	// Procs is how many threads run Go code at once (GOMAXPROCS) in the
	// node binary; 0 leaves Go's default. The binary acts on it; New
	// ignores it.
	Procs int

	// CPUProfile names the file that the node binary writes a CPU profile
	// of its run to ("%p" becomes the process id); empty means none. The
	// binary acts on it; New ignores it.
	CPUProfile string

	// Clock returns the current time; nil means time.Now. The hub's flush
	// grid is reckoned on it, so all nodes should share one clock.
	Clock func() time.Time

	// Stdin, Stdout and Stderr are the node's streams; nil means the
	// process's own.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// AckMode is when a node acknowledges a broadcast. The zero AckMode is
// AckReceived.
type AckMode uint8

const (
	// AckReceived sends broadcast_ok as soon as the value is in the
	// node's set. A node killed before its next push (up to a batch
	// later) takes the values it acknowledged since with it, unless
	// RunLog (for a restart in the same run) or DataDir keeps them.
	AckReceived AckMode = iota
	// AckReplicated holds each broadcast_ok until a peer has acknowledged
	// a message that carried the value (or every value up to it), so
	// that a value acknowledged survives the kill of any one node. It
	// costs the client about a round trip and a batch of waiting, sends
	// no extra message, and leaves a node cut off from every peer unable
	// to acknowledge. A node without peers acknowledges at once.
	AckReplicated
)

// ackModes are the names of the AckModes, in their order.
var ackModes = [...]string{"received", "replicated"}

// parseAckMode reads an AckMode by name.
func parseAckMode(s string) (AckMode, error) {
	for i, name := range ackModes {
		if s == name {
			return AckMode(i), nil
		}
	}
	return 0, fmt.Errorf("unknown mode (known: %s)", strings.Join(ackModes[:], ", "))
}

// ErrConfig is wrapped by the errors of New for invalid settings.
var ErrConfig = errors.New("node: invalid config")

func (c *Config) normalize() error {
	d := DefaultConfig()
	if c.Fanout < 0 {
		return fmt.Errorf("%w: fanout %d is negative", ErrConfig, c.Fanout)
	}
	if c.Fanout == 0 {
		c.Fanout = d.Fanout
	}
	if c.Interval < 0 {
		return fmt.Errorf("%w: interval %v is negative", ErrConfig, c.Interval)
	}
	if c.Batch < 0 {
		return fmt.Errorf("%w: batch %v is negative", ErrConfig, c.Batch)
	}
	if c.AckDelay < 0 {
		return fmt.Errorf("%w: ack delay %v is negative", ErrConfig, c.AckDelay)
	}
	if int(c.Ack) >= len(ackModes) {
		return fmt.Errorf("%w: ack mode %d is unknown", ErrConfig, c.Ack)
	}
	if c.MaxLineBytes < 0 {
		return fmt.Errorf("%w: max line bytes %d is negative", ErrConfig, c.MaxLineBytes)
	}
	if c.MaxLineBytes == 0 {
		c.MaxLineBytes = d.MaxLineBytes
	}
	if err := c.gossip().Validate(); err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if c.Clock == nil {
		c.Clock = time.Now
	}
	if c.Stdin == nil {
		c.Stdin = os.Stdin
	}
	if c.Stdout == nil {
		c.Stdout = os.Stdout
	}
	if c.Stderr == nil {
		c.Stderr = os.Stderr
	}
	return nil
}

// gossip returns the dissemination settings of c.
func (c *Config) gossip() gossip.Settings {
	return gossip.Settings{
		Star:     !c.NoStar,
		Batch:    c.Batch,
		Phase:    c.Phase,
		Fanout:   c.Fanout,
		Interval: c.Interval,
		AckDelay: c.AckDelay,
	}
}
