// Command cluster runs a Maelstrom broadcast node binary as a local cluster
// and judges it the way Maelstrom's broadcast workload does.
//
//	go run ./bench/cmd/cluster -bin ./bin/node -node-count 25 -time-limit 20 \
//	    -rate 100 -latency 100 -nemesis partition
//
// Beyond Maelstrom's faults (loss, latency, partitions), the bench can
// duplicate messages (-duplicate P), reorder them (-latency-dist uniform or
// exponential draw each message's delay on its own, so messages between
// the same two nodes overtake each other; constant keeps their order), pause
// nodes (-nemesis pause: SIGSTOP, later SIGCONT) and kill them (-nemesis
// kill: SIGKILL, later a fresh process with the same id and a new init,
// which must catch up from its peers; the summary says how long that took
// and which acknowledged values died with the killed process):
//
//	go run ./bench/cmd/cluster -bin ./bin/node -time-limit 20 -rate 20 \
//	    -duplicate 0.2 -latency 50 -latency-dist exponential -loss 0.1 \
//	    -nemesis partition,pause,kill
//
// The harness can add noise and contention of its own: -jitter D gives
// every server-to-server message an extra delay uniform in [0, D] (drawn
// per message and per duplicated copy, from random streams of its own, so
// that a seed reproduces the same workload with or without it); -node-nice
// N runs the nodes at niceness N (default 10, so that the simulated network
// is served first; 0 runs them at the bench's priority); -background-load
// N runs N busy loops (/bin/sh -c 'while :; do :; done', at the bench's
// priority) from before the nodes start until the run ends, however it
// ends:
//
//	go run ./bench/cmd/cluster -bin ./bin/node -node-count 5 -time-limit 10 \
//	    -latency 20 -jitter 5ms -background-load 2 -node-nice 0
//
// -rate-schedule replaces -rate and -time-limit with phases of
// rate:seconds; the summary and results.json then report each phase
// (operations, achieved rate, stable latency median, p99 and max of the
// values acknowledged in it, node CPU from /proc at its bounds), and the
// plots mark the boundaries. For example, an overload and the recovery
// after it:
//
//	go run ./bench/cmd/cluster -bin ./bin/node -node-count 5 \
//	    -rate-schedule 100:10,2000:10,100:10
//
// The summary's load line gives the node CPU per client operation (each
// node process's own rusage, as wait4 reports it) and the busiest node: its
// CPU time and the server messages it sent and received.
//
// Flags follow Maelstrom's names where Maelstrom has the option. Arguments
// after the flags are passed to every node. It prints a summary on stdout,
// a progress line on stderr, and writes results.json, plots and node logs to
// -out. The exit status is 0 when the run is valid, 1 when it is not, and 2
// when it could not run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/maelstrom-gossip/node/bench/cluster"
)

// envFlags collects repeated -node-env KEY=VAL flags.
type envFlags []string

// String implements flag.Value.
func (e *envFlags) String() string { return strings.Join(*e, " ") }

// Set implements flag.Value, adding one KEY=VAL.
func (e *envFlags) Set(s string) error {
	if !strings.Contains(s, "=") {
		return fmt.Errorf("want KEY=VAL, got %q", s)
	}
	*e = append(*e, s)
	return nil
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func main() {
	os.Exit(run())
}

func run() int {
	def := cluster.DefaultOptions()
	var (
		bin         = flag.String("bin", "", "node binary to test (required)")
		nodeCount   = flag.Int("node-count", def.NodeCount, "number of nodes, n0..n(N-1)")
		timeLimit   = flag.Float64("time-limit", def.TimeLimit.Seconds(), "seconds of workload")
		rate        = flag.Float64("rate", def.Rate, "client requests per second, in total")
		concurrency = flag.String("concurrency", "1n", "clients: a number, or Kn for K per node")
		latency     = flag.Float64("latency", 0, "mean server-to-server latency, in ms")
		latencyDist = flag.String("latency-dist", def.LatencyDist, "latency distribution: constant (keeps each pair's order), uniform or exponential (both reorder)")
		topology    = flag.String("topology", def.Topology, "topology: "+strings.Join(cluster.Topologies, ", "))
		nemesis     = flag.String("nemesis", "", "comma-separated faults to inject: "+strings.Join(cluster.NemesisFaults, ", "))
		nemInterval = flag.Float64("nemesis-interval", def.NemesisInterval.Seconds(), "mean seconds between nemesis actions of each fault")
		loss        = flag.Float64("loss", 0, "probability that a server-to-server message is dropped")
		duplicate   = flag.Float64("duplicate", 0, "probability that a server-to-server message is delivered twice (the copy with its own latency)")
		recovery    = flag.Float64("recovery", def.Recovery.Seconds(), "seconds of quiet after healing, before the final reads")
		rpcTimeout  = flag.Float64("rpc-timeout", def.RPCTimeout.Seconds(), "seconds before a client request is indeterminate")
		nodeNice    = flag.Int("node-nice", 10, "niceness of the node processes, at most 19, so that the simulated network is served first (0 or negative: none, the nodes run at the bench's priority)")
		jitter      = flag.Duration("jitter", 0, "extra delay of each server-to-server message, uniform in [0, D] and drawn per message (a Go duration such as 5ms; reorders even under constant latency; 0: none)")
		bgLoad      = flag.Int("background-load", 0, "busy-looping processes (/bin/sh, at the bench's priority) to run beside the nodes for the whole run, for CPU contention (0: none)")
		schedule    = flag.String("rate-schedule", "", "phases of rate:seconds, e.g. 5000:60,100:30, instead of -rate and -time-limit (the time limit is their sum); results per phase")
		memEvery    = flag.Float64("memory-interval", def.MemoryInterval.Seconds(), "seconds between readings of every node's resident memory (0: none)")
		out         = flag.String("out", "", "output folder (default ./out/<timestamp>)")
		seed        = flag.Int64("seed", 0, "random seed (default: from the clock)")
		progress    = flag.Bool("progress", true, "show a progress line on stderr")
		cpuProfile  = flag.String("cpuprofile", "", "write the bench's own CPU profile to this file")
		nodeEnv     envFlags
	)
	flag.Var(&nodeEnv, "node-env", "KEY=VAL added to the nodes' environment (repeatable)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: cluster -bin NODE [flags] [-- node args]\n")
		flag.PrintDefaults()
	}
	flag.Parse()

	var sched []cluster.RatePhase
	if *schedule != "" {
		var err error
		if sched, err = parseSchedule(*schedule, setFlags()); err != nil {
			fmt.Fprintln(os.Stderr, "cluster:", err)
			return 2
		}
	}
	conc, err := parseConcurrency(*concurrency, *nodeCount)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		return 2
	}
	dir := *out
	if dir == "" {
		dir = filepath.Join("out", time.Now().Format("20060102-150405"))
	}
	if *nodeNice == 0 {
		*nodeNice = -1
	}
	rec := seconds(*recovery)
	if *recovery == 0 {
		rec = -1
	}
	memInterval := seconds(*memEvery)
	if *memEvery == 0 {
		memInterval = -1
	}
	opts := cluster.Options{
		Bin:             *bin,
		Args:            flag.Args(),
		Env:             nodeEnv,
		NodeCount:       *nodeCount,
		Topology:        *topology,
		TimeLimit:       seconds(*timeLimit),
		Rate:            *rate,
		Concurrency:     conc,
		Latency:         time.Duration(*latency * float64(time.Millisecond)),
		LatencyDist:     *latencyDist,
		Jitter:          *jitter,
		Loss:            *loss,
		Duplicate:       *duplicate,
		Nemesis:         *nemesis,
		NemesisInterval: seconds(*nemInterval),
		Recovery:        rec,
		RPCTimeout:      seconds(*rpcTimeout),
		Seed:            *seed,
		NodeNice:        *nodeNice,
		BackgroundLoad:  *bgLoad,
		MemoryInterval:  memInterval,
		OutDir:          dir,
	}
	if sched != nil {
		opts.RateSchedule, opts.Rate, opts.TimeLimit = sched, 0, 0
	}
	if *progress {
		opts.Progress = os.Stderr
		if st, err := os.Stderr.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			opts.ProgressInPlace = true
		}
	}
	c, err := cluster.New(opts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		return 2
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "cluster:", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "cluster:", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	res, err := c.Run(ctx)
	if res != nil {
		res.WriteSummary(os.Stdout)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "cluster:", err)
		if res == nil || errors.Is(err, context.Canceled) {
			return 2
		}
	}
	if !res.Valid {
		return 1
	}
	return 0
}

// setFlags returns the names of the flags given on the command line.
func setFlags() map[string]bool {
	set := map[string]bool{}
	flag.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// parseSchedule reads -rate-schedule; set holds the flags given, of which
// -rate and -time-limit conflict with it.
func parseSchedule(s string, set map[string]bool) ([]cluster.RatePhase, error) {
	for _, name := range []string{"rate", "time-limit"} {
		if set[name] {
			return nil, fmt.Errorf("-rate-schedule sets the rate and the time limit: drop -%s", name)
		}
	}
	sched, err := cluster.ParseRateSchedule(s)
	if err != nil {
		return nil, fmt.Errorf("-rate-schedule: %w", err)
	}
	return sched, nil
}

// parseConcurrency reads jepsen's concurrency syntax: a number, or Kn for K
// clients per node.
func parseConcurrency(s string, nodes int) (int, error) {
	if k, ok := strings.CutSuffix(s, "n"); ok {
		v, err := strconv.Atoi(k)
		if err != nil || v < 1 {
			return 0, fmt.Errorf("bad -concurrency %q", s)
		}
		return v * nodes, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil || v < 1 {
		return 0, fmt.Errorf("bad -concurrency %q", s)
	}
	return v, nil
}
