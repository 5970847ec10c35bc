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

// Defaults of Config.
const (
	DefaultInterval     = time.Second
	DefaultBatch        = 225 * time.Millisecond
	DefaultAckDelay     = 400 * time.Millisecond
	DefaultMaxLineBytes = 256 << 20
)

// Config holds the settings of a Node. Start from DefaultConfig or
// ProfileConfig. In a Config literal a zero field means: Fanout the default
// K; Interval no timer repair; Batch forwarding at once; AckDelay
// acknowledging at once; MaxLineBytes the default limit.
type Config struct {
	// Fanout is K: the number of random peers that a gossip_round request,
	// and a repair round without a working star, send values to. 0 means
	// gossip.DefaultFanout.
	Fanout int

	// Interval is the period of the repair timer (the seed's periodic
	// anti-entropy). Every Interval (±10%) the node sends what they lack
	// to the peers it sends to that have left values unacknowledged for
	// an Interval, and, with NoStar or with a hub that stopped
	// acknowledging, to up to Fanout random peers not known to hold
	// everything. Peers that acknowledged everything get nothing, so an
	// idle cluster is silent. 0 turns the timer off.
	Interval time.Duration

	// NoStar turns off eager dissemination: values then spread only
	// through the repair rounds, as in the seed's exercise.
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

	// MaxLineBytes bounds one input line. A longer line is skipped without
	// being held in memory, with one line on stderr. 0 means
	// DefaultMaxLineBytes (256 MiB, about 25 million values in one
	// gossip_sync).
	MaxLineBytes int

	// DataDir, when set, makes the node persist what it acknowledges: the
	// value of every broadcast is appended to <DataDir>/<node id>.log and
	// fsynced before its broadcast_ok leaves, and the whole set is
	// snapshotted to <node id>.snap from time to time; a node restarted
	// with the same DataDir starts with those values. Empty (the default)
	// keeps everything in memory, as Maelstrom expects.
	DataDir string

	// Seed fixes the random choices of peers and timer stagger; 0 draws a
	// random seed.
	Seed uint64

	// Clock returns the current time; nil means time.Now. The hub's flush
	// grid is reckoned on it, so all nodes should share one clock.
	Clock func() time.Time

	// Stdin, Stdout and Stderr are the node's streams; nil means the
	// process's own.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// DefaultConfig returns the settings used when nothing is configured: the
// balanced profile.
func DefaultConfig() Config {
	c, _ := ProfileConfig("balanced")
	return c
}

// Profiles lists the names ProfileConfig knows, the default first.
var Profiles = []string{"balanced", "latency", "messages", "rounds"}

// ErrProfile is wrapped by ProfileConfig's error for an unknown name.
var ErrProfile = errors.New("node: unknown profile")

// ProfileConfig returns the settings of a named profile:
//
//   - balanced (the default): a star whose hub flushes every 225 ms, with
//     phased pushes; repair every second. The README measures it on Gossip
//     Glomers' 25-node setting.
//   - latency: a star whose hub forwards at once; repair every second.
//   - messages: a star whose hub flushes every 500 ms, with phased pushes;
//     repair every 2 s, acknowledgements held up to 1 s.
//   - rounds: no star; the seed's anti-entropy alone, K=2 every 200 ms.
func ProfileConfig(name string) (Config, error) {
	c := Config{
		Fanout:       gossip.DefaultFanout,
		Interval:     DefaultInterval,
		Batch:        DefaultBatch,
		Phase:        true,
		AckDelay:     DefaultAckDelay,
		MaxLineBytes: DefaultMaxLineBytes,
	}
	switch name {
	case "balanced", "":
	case "latency":
		c.Batch, c.Phase = 0, false
	case "messages":
		c.Batch, c.Interval, c.AckDelay = 500*time.Millisecond, 2*time.Second, time.Second
	case "rounds":
		c.NoStar, c.Batch, c.Phase, c.Interval, c.AckDelay = true, 0, false, 200*time.Millisecond, 0
	default:
		return c, fmt.Errorf("%w %q (known: %s)", ErrProfile, name, strings.Join(Profiles, ", "))
	}
	return c, nil
}

// ErrConfig is wrapped by the errors of New for invalid settings.
var ErrConfig = errors.New("node: invalid config")

func (c *Config) normalize() error {
	if c.Fanout < 0 {
		return fmt.Errorf("%w: fanout %d is negative", ErrConfig, c.Fanout)
	}
	if c.Fanout == 0 {
		c.Fanout = gossip.DefaultFanout
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
	if c.MaxLineBytes < 0 {
		return fmt.Errorf("%w: max line bytes %d is negative", ErrConfig, c.MaxLineBytes)
	}
	if c.MaxLineBytes == 0 {
		c.MaxLineBytes = DefaultMaxLineBytes
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
