// Command baseline runs the benchmarks' baseline node (package
// bench/baseline): a plain Maelstrom broadcast node with the same contract as
// the project's node, used only as the yardstick that the project's node is
// measured against. Build it beside the node:
//
//	go build -o bin/baseline ./bench/cmd/baseline
//
// It takes no flags. Like the project's node it reads two environment
// variables:
//
//	GOSSIP_FANOUT    peers per anti-entropy round (K), default 2
//	GOSSIP_INTERVAL  period of the round timer, default 200ms; 0 turns it off
//
// A duration is written as Go's time.ParseDuration reads it ("150ms", "1s"),
// or as a plain number of milliseconds.
package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/maelstrom-gossip/node/bench/baseline"
)

func main() {
	cfg, err := config(os.Getenv)
	if err != nil {
		fmt.Fprintf(os.Stderr, "[ERR] baseline: %v\n", err)
		os.Exit(2)
	}
	if err := baseline.New(cfg).Run(); err != nil {
		fmt.Fprintf(os.Stderr, "[ERR] baseline: %v\n", err)
		os.Exit(1)
	}
}

// config builds the node's settings from the defaults and the environment.
func config(getenv func(string) string) (baseline.Config, error) {
	cfg := baseline.Config{Fanout: baseline.DefaultFanout, Interval: baseline.DefaultInterval}
	if v := getenv("GOSSIP_FANOUT"); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < 1 {
			return cfg, fmt.Errorf("GOSSIP_FANOUT=%q: must be an integer of at least 1", v)
		}
		cfg.Fanout = k
	}
	if v := getenv("GOSSIP_INTERVAL"); v != "" {
		d, err := parseDuration(v)
		if err != nil {
			return cfg, fmt.Errorf("GOSSIP_INTERVAL=%q: %v", v, err)
		}
		cfg.Interval = d
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
