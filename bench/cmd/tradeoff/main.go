// Command tradeoff sweeps node settings on the cluster bench and reports
// messages per operation against median and maximum stable latency.
//
// Every variant runs -runs times with the bench seeds 1..runs, one cluster
// at a time, on Gossip Glomers' efficiency setting by default (25 nodes,
// grid, 100 ms latency, 100 req/s for 20 s, then 10 s of recovery). It
// prints a markdown table of the medians over the runs, with the command
// that reproduces it, and writes results.json (every run's figures),
// table.md and tradeoff.png to -out. For example, the full default sweep
// (nine variants, three runs each, about 15 minutes):
//
//	go build -o bin/node . && go run ./bench/cmd/tradeoff -bin ./bin/node
//
// and a quick look at two variants plus a custom one:
//
//	go run ./bench/cmd/tradeoff -bin ./bin/node -runs 1 -variants balanced,latency \
//	    -variant 'b100 no phase=GOSSIP_BATCH=100ms,GOSSIP_PHASE=false'
//
// -variants picks default variants by name (comma-separated; "balanced"
// stands for "balanced (default)"; "none" for none), -variant adds one
// written NAME=KEY=VALUE,KEY=VALUE,... and may be repeated, -list prints the
// default variants. In a -variant, the keys jitter (a Go duration),
// node-nice (-1: none), background-load and node-count are bench settings
// of the variant; every other key goes to the node's environment:
//
//	go run ./bench/cmd/tradeoff -bin ./bin/node -variants balanced \
//	    -variant 'balanced busy=background-load=2' -variant 'balanced j5=jitter=5ms'
//
// One variant run with -runs N gives seeds 1..N; the per-run table printed
// under the summary lists every run's figures (msgs/op, stable latency
// median, p99 and max, valid, lost, node CPU per operation) and a row of
// their medians, a "ten seeds" table as it stands:
//
//	go run ./bench/cmd/tradeoff -bin ./bin/node -variants balanced -runs 10
//
// -sweep jitter runs each selected variant (by default only the balanced
// one, or only the -variant ones if any are given) at each jitter level of -jitters (milliseconds, or Go durations):
// every server message then gets an extra delay uniform in [0, level] on
// top of the constant latency. It prints the same tables, one row per
// level, and draws jitter.png (stable latency and msgs/op against jitter)
// instead of tradeoff.png:
//
//	go run ./bench/cmd/tradeoff -bin ./bin/node -sweep jitter -jitters 0,2,5,10,20 -runs 3
//
// A progress line per run goes to stderr. The exit status
// is 0 when every run ran, even if some were not valid (the table says so),
// and 2 on a usage or setup error, when a run could not start, or when the
// sweep was interrupted (the table then covers the runs done).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/maelstrom-gossip/node/bench/tradeoff"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// variantFlags collects repeated -variant flags.
type variantFlags []tradeoff.Variant

// String implements flag.Value.
func (v *variantFlags) String() string { return "" }

// Set implements flag.Value, parsing one variant.
func (v *variantFlags) Set(s string) error {
	vr, err := tradeoff.ParseVariant(s)
	if err != nil {
		return err
	}
	*v = append(*v, vr)
	return nil
}

// config is the parsed command line.
type config struct {
	bin       string
	runs      int
	timeLimit float64 // s
	recovery  float64 // s, 0 for none
	rate      float64
	latency   float64 // ms, 0 for none
	nodeCount int
	topology  string
	goal      tradeoff.Goal
	out       string
	selection string
	custom    variantFlags
	runFiles  bool
	progress  bool
	list      bool
	perRun    bool
	sweep     string
	jitters   string
}

// defaultJitters are the levels of -sweep jitter unless -jitters says
// otherwise, in milliseconds.
const defaultJitters = "0,2,5,10,20"

// parseArgs reads the flags; the error is already reported on stderr.
func parseArgs(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("tradeoff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.bin, "bin", "", "node binary to sweep (required)")
	fs.IntVar(&c.runs, "runs", tradeoff.DefaultRuns, "runs per variant, with bench seeds 1..runs")
	fs.Float64Var(&c.timeLimit, "time-limit", tradeoff.DefaultTimeLimit.Seconds(), "seconds of workload per run")
	fs.Float64Var(&c.recovery, "recovery", tradeoff.DefaultRecovery.Seconds(), "seconds of quiet before the final reads (0: none)")
	fs.Float64Var(&c.rate, "rate", tradeoff.DefaultRate, "client requests per second, in total")
	fs.Float64Var(&c.latency, "latency", float64(tradeoff.DefaultLatency/time.Millisecond), "constant server-to-server latency in ms (0: none)")
	fs.IntVar(&c.nodeCount, "node-count", tradeoff.DefaultNodeCount, "number of nodes")
	fs.StringVar(&c.topology, "topology", "grid", "the bench's topology")
	fs.Float64Var(&c.goal.MsgsPerOp, "goal-msgs", tradeoff.DefaultGoal.MsgsPerOp, "goal: msgs-per-op at most")
	fs.Float64Var(&c.goal.MedianMs, "goal-median", tradeoff.DefaultGoal.MedianMs, "goal: median stable latency at most, ms")
	fs.Float64Var(&c.goal.MaxMs, "goal-max", tradeoff.DefaultGoal.MaxMs, "goal: max stable latency at most, ms")
	fs.StringVar(&c.out, "out", "", "output folder (default ./out/tradeoff-<timestamp>)")
	fs.StringVar(&c.selection, "variants", "", `default variants to run, comma-separated names (default all; "none" for none)`)
	fs.Var(&c.custom, "variant", "add a variant NAME=KEY=VALUE,KEY=VALUE,... (repeatable; the keys jitter, node-nice, background-load and node-count are bench settings, the others go to the node's environment)")
	fs.BoolVar(&c.runFiles, "run-files", true, "keep each run's bench output (results, plots, node logs) under -out/runs")
	fs.BoolVar(&c.progress, "progress", true, "on a terminal, show the bench's progress line during each run")
	fs.BoolVar(&c.list, "list", false, "list the default variants and exit")
	fs.BoolVar(&c.perRun, "per-run", true, "print every run's figures, with each variant's medians, under the summary table")
	fs.StringVar(&c.sweep, "sweep", "", `preset sweep: "jitter" runs the selected variants (default: balanced) at each -jitters level`)
	fs.StringVar(&c.jitters, "jitters", defaultJitters, "jitter levels of -sweep jitter, comma-separated milliseconds (or Go durations)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: tradeoff -bin NODE [flags]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		err := fmt.Errorf("unexpected argument %q", fs.Arg(0))
		fmt.Fprintln(stderr, "tradeoff:", err)
		return c, err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	switch {
	case c.sweep != "" && c.sweep != tradeoff.SweepJitter:
		err := fmt.Errorf("unknown -sweep %q (known: %s)", c.sweep, tradeoff.SweepJitter)
		fmt.Fprintln(stderr, "tradeoff:", err)
		return c, err
	case set["jitters"] && c.sweep != tradeoff.SweepJitter:
		err := errors.New("-jitters needs -sweep jitter")
		fmt.Fprintln(stderr, "tradeoff:", err)
		return c, err
	}
	return c, nil
}

// bases are the default variants selected, then the custom ones: the
// variants themselves, or what a -sweep preset starts from. Without
// -variants, a jitter sweep starts from the custom variants if any are
// given, else from the balanced default alone.
func (c *config) bases() ([]tradeoff.Variant, error) {
	sel := c.selection
	if c.sweep == tradeoff.SweepJitter && sel == "" {
		sel = "balanced"
		if len(c.custom) > 0 {
			sel = "none"
		}
	}
	vs, err := tradeoff.SelectVariants(tradeoff.DefaultVariants(), sel)
	if err != nil {
		return nil, err
	}
	vs = append(vs, c.custom...)
	if len(vs) == 0 {
		return nil, errors.New("no variant to run")
	}
	return vs, nil
}

// variants are the variants to run: the bases, or for -sweep jitter each
// base at each level.
func (c *config) variants() ([]tradeoff.Variant, error) {
	vs, err := c.bases()
	if err != nil || c.sweep != tradeoff.SweepJitter {
		return vs, err
	}
	levels, err := tradeoff.ParseJitters(c.jitters)
	if err != nil {
		return nil, fmt.Errorf("-jitters: %w", err)
	}
	return tradeoff.JitterVariants(vs, levels)
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// options turns the command line into sweep options; zero recovery and
// latency mean none.
func (c *config) options() tradeoff.Options {
	o := tradeoff.Options{
		Bin: c.bin, Runs: c.runs, NodeCount: c.nodeCount, Topology: c.topology,
		TimeLimit: seconds(c.timeLimit), Recovery: seconds(c.recovery), Rate: c.rate,
		Latency: time.Duration(c.latency * float64(time.Millisecond)),
		Goal:    c.goal, OutDir: c.out, RunFiles: c.runFiles, Sweep: c.sweep,
	}
	if c.recovery == 0 {
		o.Recovery = -1
	}
	if c.latency == 0 {
		o.Latency = -1
	}
	return o
}

// commandLine is the command that reproduces the sweep of the bases vs
// (config.bases): every setting spelled out, so that a change of defaults
// does not change its meaning; the output folder is left to its default.
func (c *config) commandLine(vs []tradeoff.Variant) string {
	args := []string{"go", "run", "./bench/cmd/tradeoff",
		"-bin", c.bin,
		"-runs", fmt.Sprint(c.runs),
		"-node-count", fmt.Sprint(c.nodeCount),
		"-topology", c.topology,
		"-latency", fmt.Sprint(c.latency),
		"-rate", fmt.Sprint(c.rate),
		"-time-limit", fmt.Sprint(c.timeLimit),
		"-recovery", fmt.Sprint(c.recovery),
	}
	if c.sweep != "" {
		args = append(args, "-sweep", c.sweep, "-jitters", c.jitters)
	}
	if c.goal != tradeoff.DefaultGoal {
		args = append(args, "-goal-msgs", fmt.Sprint(c.goal.MsgsPerOp),
			"-goal-median", fmt.Sprint(c.goal.MedianMs), "-goal-max", fmt.Sprint(c.goal.MaxMs))
	}
	defaults := tradeoff.DefaultVariants()
	var picked []string
	for _, v := range vs[:len(vs)-len(c.custom)] {
		picked = append(picked, v.Name)
	}
	switch {
	case len(picked) == 0:
		args = append(args, "-variants", "none")
	case len(picked) != len(defaults) || !samePrefix(picked, defaults):
		args = append(args, "-variants", strings.Join(picked, ","))
	}
	for _, v := range c.custom {
		args = append(args, "-variant", v.String())
	}
	for i, a := range args {
		args[i] = shellQuote(a)
	}
	return strings.Join(args, " ")
}

// samePrefix reports whether names lists the variants vs in their order.
func samePrefix(names []string, vs []tradeoff.Variant) bool {
	for i, n := range names {
		if vs[i].Name != n {
			return false
		}
	}
	return true
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=,@%+", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	c, err := parseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if c.list {
		for _, v := range tradeoff.DefaultVariants() {
			fmt.Fprintf(stdout, "%-20s %s\n", v.Name, v.Settings())
		}
		return 0
	}
	if c.bin == "" {
		fmt.Fprintln(stderr, "tradeoff: -bin is required")
		return 2
	}
	bases, err := c.bases()
	if err != nil {
		fmt.Fprintln(stderr, "tradeoff:", err)
		return 2
	}
	vs, err := c.variants()
	if err != nil {
		fmt.Fprintln(stderr, "tradeoff:", err)
		return 2
	}
	if c.out == "" {
		c.out = filepath.Join("out", "tradeoff-"+time.Now().Format("20060102-150405"))
	}
	opts := c.options()
	opts.Command = c.commandLine(bases)
	opts.Progress = stderr
	if f, ok := stderr.(*os.File); ok && c.progress {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			opts.ClusterProgress = stderr
		}
	}
	fmt.Fprintf(stderr, "tradeoff: %d variant(s) x %d run(s), output in %s\n", len(vs), c.runs, c.out)

	res, err := tradeoff.Sweep(ctx, opts, vs)
	if res == nil {
		fmt.Fprintln(stderr, "tradeoff:", err)
		return 2
	}
	io.WriteString(stdout, res.Markdown(c.perRun))
	code := 0
	if err != nil {
		fmt.Fprintln(stderr, "tradeoff:", err)
		code = 2
	}
	if n := res.Failed(); n > 0 {
		fmt.Fprintf(stderr, "tradeoff: %d runs did not run\n", n)
		code = 2
	}
	fmt.Fprintf(stderr, "tradeoff: wrote %s in %s (%.0fs)\n", strings.Join(res.Files, ", "), c.out, res.Elapsed)
	return code
}
