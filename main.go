// Command node is a Maelstrom broadcast node with periodic anti-entropy
// gossip. Maelstrom starts it as --bin; it speaks Maelstrom's protocol on
// stdin and stdout (one JSON message a line) and logs to stderr only.
//
// Settings come from flags or, because Maelstrom starts the binary without
// arguments, from environment variables; a flag wins over its variable.
//
//	-profile NAME      GOSSIP_PROFILE         balanced (default), latency, messages or rounds
//	-fanout N          GOSSIP_FANOUT          random peers per gossip_round and fallback round (K), default 2
//	-interval D        GOSSIP_INTERVAL        period of the repair (anti-entropy) timer, default 1s; 0 turns it off
//	-star B            GOSSIP_STAR            eager push along a star (true) or repair rounds only (false)
//	-batch D           GOSSIP_BATCH           the hub's flush period, default 225ms; 0 forwards at once
//	-phase B           GOSSIP_PHASE           time pushes to reach the hub just before its flush, default true
//	-ack-delay D       GOSSIP_ACK_DELAY       how long an acknowledgement waits for a ride, default 400ms
//	-data-dir DIR      GOSSIP_DATA_DIR        persist acknowledged values there (fsync before broadcast_ok), default none
//	-max-line-bytes N  GOSSIP_MAX_LINE_BYTES  longest input line accepted, default 268435456 (256 MiB)
//	-seed N            GOSSIP_SEED            seed of the random choices, default 0 (random)
//	-cpuprofile FILE   GOSSIP_CPUPROFILE      write a CPU profile of the whole run to FILE ("%p" becomes the process id), default none
//
// The profile sets every gossip setting; the other flags then override it
// one by one. A duration is written as Go's time.ParseDuration reads it
// ("150ms", "1s"), or as a plain number of milliseconds.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/maelstrom-gossip/node/node"
)

func main() {
	cfg, opts, err := config(os.Args[1:], os.Getenv)
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
	stopProfile, err := startCPUProfile(opts.cpuProfile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "[ERR] node: %v\n", err)
		os.Exit(2)
	}
	runErr := n.Run()
	if err := stopProfile(); err != nil {
		fmt.Fprintf(os.Stderr, "[ERR] node: cpu profile: %v\n", err)
	}
	if runErr != nil {
		fmt.Fprintf(os.Stderr, "[ERR] node: %v\n", runErr)
		os.Exit(1)
	}
}

// options are the settings of the command itself, beside the node's.
type options struct {
	// cpuProfile is the file that receives a CPU profile of the run, with
	// "%p" replaced by the process id; empty means none.
	cpuProfile string
}

// startCPUProfile starts profiling into path (after replacing "%p" with the
// process id, so that the nodes of a cluster can share one setting) and
// returns the function that stops it and closes the file. An empty path
// profiles nothing.
func startCPUProfile(path string) (stop func() error, err error) {
	if path == "" {
		return func() error { return nil }, nil
	}
	path = strings.ReplaceAll(path, "%p", strconv.Itoa(os.Getpid()))
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("cpu profile: %w", err)
	}
	return func() error {
		pprof.StopCPUProfile()
		return f.Close()
	}, nil
}

// config builds the node's settings from the profile, then the other
// settings from the environment, then from the command line.
func config(args []string, getenv func(string) string) (node.Config, options, error) {
	fs := flag.NewFlagSet("node", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	d := node.DefaultConfig()
	fs.String("profile", "balanced", "settings profile: "+strings.Join(node.Profiles, ", ")+" (env GOSSIP_PROFILE)")
	fs.Int("fanout", d.Fanout, "random peers per gossip_round and fallback repair round, K (env GOSSIP_FANOUT)")
	fs.String("interval", d.Interval.String(), "period of the repair timer, 0 for none (env GOSSIP_INTERVAL)")
	fs.Bool("star", !d.NoStar, "eager push along a star; false leaves the repair rounds alone (env GOSSIP_STAR)")
	fs.String("batch", d.Batch.String(), "the hub's flush period, 0 to forward at once (env GOSSIP_BATCH)")
	fs.Bool("phase", d.Phase, "time pushes to reach the hub just before its flush (env GOSSIP_PHASE)")
	fs.String("ack-delay", d.AckDelay.String(), "how long an acknowledgement waits for a message to ride on (env GOSSIP_ACK_DELAY)")
	fs.String("data-dir", "", "persist acknowledged values in this folder, fsynced before broadcast_ok (env GOSSIP_DATA_DIR)")
	fs.Int("max-line-bytes", d.MaxLineBytes, "longest input line accepted (env GOSSIP_MAX_LINE_BYTES)")
	fs.Uint64("seed", 0, "seed of the random choices, 0 for a random one (env GOSSIP_SEED)")
	cpuProfile := fs.String("cpuprofile", "", `write a CPU profile of the run to this file, "%p" replaced by the process id (env GOSSIP_CPUPROFILE)`)

	for _, name := range []string{"profile", "fanout", "interval", "star", "batch", "phase", "ack-delay", "data-dir", "max-line-bytes", "seed", "cpuprofile"} {
		env := "GOSSIP_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		if v := getenv(env); v != "" {
			if err := fs.Set(name, v); err != nil {
				return d, options{}, fmt.Errorf("%s=%q: %v", env, v, err)
			}
		}
	}
	if err := fs.Parse(args); err != nil {
		return d, options{}, err
	}
	if fs.NArg() > 0 {
		return d, options{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	// Every setting was given a value above (from its default, its
	// variable or its flag); only those set explicitly override the
	// profile.
	set := map[string]string{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = f.Value.String() })
	cfg, err := node.ProfileConfig(fs.Lookup("profile").Value.String())
	if err != nil {
		return d, options{}, err
	}
	for name, v := range set {
		var err error
		switch name {
		case "fanout":
			cfg.Fanout, err = strconv.Atoi(v)
			if err == nil && cfg.Fanout < 1 {
				err = errors.New("must be at least 1")
			}
		case "interval":
			cfg.Interval, err = parseDuration(v)
		case "star":
			var b bool
			b, err = strconv.ParseBool(v)
			cfg.NoStar = !b
		case "batch":
			cfg.Batch, err = parseDuration(v)
		case "phase":
			cfg.Phase, err = strconv.ParseBool(v)
		case "ack-delay":
			cfg.AckDelay, err = parseDuration(v)
		case "data-dir":
			cfg.DataDir = v
		case "max-line-bytes":
			cfg.MaxLineBytes, err = strconv.Atoi(v)
			if err == nil && cfg.MaxLineBytes < 1 {
				err = errors.New("must be at least 1")
			}
		case "seed":
			cfg.Seed, err = strconv.ParseUint(v, 10, 64)
		}
		if err != nil {
			return cfg, options{}, fmt.Errorf("%s %q: %v", name, v, err)
		}
	}
	return cfg, options{cpuProfile: *cpuProfile}, nil
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
