package node

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/maelstrom-gossip/node/gossip"
)

// Defaults of Config.
const (
	DefaultInterval     = 200 * time.Millisecond
	DefaultMaxLineBytes = 256 << 20
)

// Config holds the settings of a Node. Start from DefaultConfig; the zero
// value of a field means its default, except Interval (see there).
type Config struct {
	// Fanout is K, the number of random peers that one anti-entropy round
	// sends the full set to. 0 means gossip.DefaultFanout.
	Fanout int

	// Interval is the period of the anti-entropy timer. 0 turns the timer
	// off, so that rounds run only on a gossip_round request. A timer round
	// skips peers that are known to hold every value already.
	Interval time.Duration

	// MaxLineBytes bounds one input line. A longer line is skipped without
	// being held in memory, with one line on stderr. 0 means
	// DefaultMaxLineBytes (256 MiB, about 25 million values in one
	// gossip_sync).
	MaxLineBytes int

	// Seed fixes the random choices of peers and timer stagger; 0 draws a
	// random seed.
	Seed uint64

	// Stdin, Stdout and Stderr are the node's streams; nil means the
	// process's own.
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
}

// DefaultConfig returns the settings used when nothing is configured.
func DefaultConfig() Config {
	return Config{
		Fanout:       gossip.DefaultFanout,
		Interval:     DefaultInterval,
		MaxLineBytes: DefaultMaxLineBytes,
	}
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
	if c.MaxLineBytes < 0 {
		return fmt.Errorf("%w: max line bytes %d is negative", ErrConfig, c.MaxLineBytes)
	}
	if c.MaxLineBytes == 0 {
		c.MaxLineBytes = DefaultMaxLineBytes
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
