// Command node is a Maelstrom broadcast node with periodic anti-entropy
// gossip. Maelstrom starts it as --bin; it speaks Maelstrom's protocol on
// stdin and stdout (one JSON message a line) and logs to stderr only.
//
// Settings come from flags or, because Maelstrom starts the binary without
// arguments, from environment variables; a flag wins over its variable.
//
//	-fanout N          GOSSIP_FANOUT          peers per anti-entropy round (K), default 2
//	-interval D        GOSSIP_INTERVAL        period of the round timer, default 200ms; 0 turns it off
//	-max-line-bytes N  GOSSIP_MAX_LINE_BYTES  longest input line accepted, default 268435456 (256 MiB)
//	-seed N            GOSSIP_SEED            seed of the random choices, default 0 (random)
//
// A duration is written as Go's time.ParseDuration reads it ("150ms", "1s"),
// or as a plain number of milliseconds.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/maelstrom-gossip/node/node"
)

func main() {
	cfg, err := config(os.Args[1:], os.Getenv)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(os.Stderr, "[ERR] node: %v\n", err)
		}
		os.Exit(2)
	}
	n, err := node.New(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "[ERR] node: %v\n", err)
		os.Exit(2)
	}
	if err := n.Run(); err != nil {
		fmt.Fprintf(os.Stderr, "[ERR] node: %v\n", err)
		os.Exit(1)
	}
}

// config builds the node's settings from the defaults, then the environment,
// then the command line.
func config(args []string, getenv func(string) string) (node.Config, error) {
	cfg := node.DefaultConfig()
	fs := flag.NewFlagSet("node", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fanout := fs.Int("fanout", cfg.Fanout, "peers per anti-entropy round, K (env GOSSIP_FANOUT)")
	interval := fs.String("interval", cfg.Interval.String(), "period of the anti-entropy timer, 0 for none (env GOSSIP_INTERVAL)")
	maxLine := fs.Int("max-line-bytes", cfg.MaxLineBytes, "longest input line accepted (env GOSSIP_MAX_LINE_BYTES)")
	seed := fs.Uint64("seed", 0, "seed of the random choices, 0 for a random one (env GOSSIP_SEED)")

	env := []struct {
		name, flag string
	}{
		{"GOSSIP_FANOUT", "fanout"},
		{"GOSSIP_INTERVAL", "interval"},
		{"GOSSIP_MAX_LINE_BYTES", "max-line-bytes"},
		{"GOSSIP_SEED", "seed"},
	}
	for _, e := range env {
		if v := getenv(e.name); v != "" {
			if err := fs.Set(e.flag, v); err != nil {
				return cfg, fmt.Errorf("%s=%q: %v", e.name, v, err)
			}
		}
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	d, err := parseDuration(*interval)
	if err != nil {
		return cfg, fmt.Errorf("interval %q: %v", *interval, err)
	}
	cfg.Fanout, cfg.Interval, cfg.MaxLineBytes, cfg.Seed = *fanout, d, *maxLine, *seed
	if cfg.Fanout < 1 {
		return cfg, fmt.Errorf("fanout %d: must be at least 1", cfg.Fanout)
	}
	if cfg.MaxLineBytes < 1 {
		return cfg, fmt.Errorf("max-line-bytes %d: must be at least 1", cfg.MaxLineBytes)
	}
	return cfg, nil
}

// parseDuration reads a Go duration or a plain number of milliseconds.
func parseDuration(s string) (time.Duration, error) {
	if ms, err := strconv.ParseInt(s, 10, 64); err == nil {
		if ms < 0 {
			return 0, errors.New("negative")
		}
		return time.Duration(ms) * time.Millisecond, nil
	}
	d, err := time.ParseDuration(s)
	if err == nil && d < 0 {
		return 0, errors.New("negative")
	}
	return d, err
}
