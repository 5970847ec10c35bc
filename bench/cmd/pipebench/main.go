// Command pipebench measures a node binary against the physical floor: cat
// moving the same bytes through the same kind of pipes, in the same run,
// alternating node and cat run by run (package bench/pipebench describes
// the cases and what is timed).
//
//	go build -o bin/node . && go build -o bin/baseline ./bench/cmd/baseline
//	go run ./bench/cmd/pipebench -case reads,sync -out out/pipebench/results.json
//	go run ./bench/cmd/pipebench -case startup -baseline bin/baseline
//
// pipebench -h lists the flags and their defaults. The main ones: -bin (the
// node, default bin/node), -baseline (a second node to measure beside it),
// -case (reads, sync, roundtrip, startup; comma-separated or repeated;
// default all four), -runs, -n (values of both reads and sync), -reads and
// -out (a JSON file with every run's figures).
//
// It prints a markdown table per case on stdout and progress on stderr. The
// exit status is 0 on success, 1 when a case fails (a bad reply, a crash),
// and 2 for bad flags or a missing binary.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maelstrom-gossip/node/bench/pipebench"
)

// config is the command line, parsed.
type config struct {
	opts     pipebench.Options
	cases    []string
	reads    pipebench.ReadsConfig
	sync     pipebench.SyncConfig
	trip     pipebench.RoundTripConfig
	startup  pipebench.StartupConfig
	out      string
	bin      string
	baseline string
}

// caseList is the -case flag: comma-separated names, repeatable.
type caseList []string

func (c *caseList) String() string { return strings.Join(*c, ",") }

func (c *caseList) Set(v string) error {
	for name := range strings.SplitSeq(v, ",") {
		name = strings.TrimSpace(name)
		if !slices.Contains(pipebench.Cases, name) {
			return fmt.Errorf("unknown case %q (want %s)", name, strings.Join(pipebench.Cases, ", "))
		}
		if !slices.Contains(*c, name) {
			*c = append(*c, name)
		}
	}
	return nil
}

// countFlag is a count setting of the command: its flag, where it goes, its
// default and its doc.
type countFlag struct {
	name  string
	dst   *int
	def   int
	usage string
}

// countFlags declares the count settings of c, once for flag registration,
// validation and -h.
func countFlags(c *config) []countFlag {
	return []countFlag{
		{"runs", &c.opts.Runs, pipebench.DefaultRuns, "timed runs of each binary (roundtrip: blocks), alternating"},
		{"reads-n", &c.reads.N, pipebench.DefaultReadsN, "values in the reads case's gossip_sync and in each read_ok"},
		{"reads", &c.reads.Reads, pipebench.DefaultReads, "reads in the reads case"},
		{"sync-n", &c.sync.N, pipebench.DefaultSyncN, "values in each of the sync case's two gossip_syncs"},
		{"trips", &c.trip.Trips, pipebench.DefaultTrips, "round trips per roundtrip block"},
		{"set-max", &c.trip.SetMax, pipebench.DefaultSetMax, "most values a roundtrip process holds: its broadcasts cycle through this many"},
		{"startups", &c.startup.Runs, pipebench.DefaultStartups, "starts of each binary in the startup case"},
	}
}

// parseArgs reads the command line; errors are for exit status 2.
func parseArgs(args []string, stderr io.Writer) (config, error) {
	var c config
	fs := flag.NewFlagSet("pipebench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cases caseList
	var n, cat string
	fs.StringVar(&c.bin, "bin", "bin/node", "the node binary")
	fs.StringVar(&c.baseline, "baseline", "", "a second node to measure beside the first, e.g. bin/baseline")
	fs.StringVar(&cat, "cat", "cat", "the floor binary")
	fs.Var(&cases, "case", "cases to run, comma-separated or repeated: "+strings.Join(pipebench.Cases, ", ")+" (default all)")
	counts := countFlags(&c)
	for _, f := range counts {
		fs.IntVar(f.dst, f.name, f.def, f.usage)
	}
	fs.StringVar(&n, "n", "", "values for both reads and sync (overrides -reads-n and -sync-n); 100000, 1_000_000, 100k and 10M are read alike")
	fs.DurationVar(&c.opts.Sample, "sample", pipebench.DefaultSample, "VmHWM sampling period in reads and sync")
	fs.DurationVar(&c.opts.Timeout, "timeout", pipebench.DefaultTimeout, "longest life of one process")
	fs.StringVar(&c.out, "out", "", "write the results as JSON to this file (a directory gets results.json)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if n != "" {
		v, err := parseCount(n)
		if err != nil {
			return c, fmt.Errorf("-n %q: %v", n, err)
		}
		c.reads.N, c.sync.N = v, v
	}
	for _, f := range counts {
		if *f.dst < 1 {
			return c, fmt.Errorf("-%s is %d, must be at least 1", f.name, *f.dst)
		}
	}
	if c.opts.Sample <= 0 || c.opts.Timeout <= 0 {
		return c, errors.New("-sample and -timeout must be positive")
	}
	if len(cases) == 0 {
		cases = pipebench.Cases
	}
	c.cases = cases
	c.opts.Binaries = []pipebench.Binary{pipebench.Node("node", c.bin)}
	if c.baseline != "" {
		c.opts.Binaries = append(c.opts.Binaries, pipebench.Node("baseline", c.baseline))
	}
	c.opts.Floor = pipebench.Cat(cat)
	return c, nil
}

// parseCount reads a positive count, allowing _ separators and a k or M
// suffix ("100000", "1_000_000", "100k", "10M").
func parseCount(s string) (int, error) {
	mult := 1
	switch {
	case strings.HasSuffix(s, "k"):
		s, mult = strings.TrimSuffix(s, "k"), 1_000
	case strings.HasSuffix(s, "M"):
		s, mult = strings.TrimSuffix(s, "M"), 1_000_000
	}
	v, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	if err != nil || v < 1 {
		return 0, errors.New("want a positive count such as 100000, 1_000_000, 100k or 10M")
	}
	return v * mult, nil
}

// checkBinaries reports a binary that cannot be run.
func checkBinaries(c config) error {
	bins := append(slices.Clone(c.opts.Binaries), c.opts.Floor)
	for _, b := range bins {
		if _, err := exec.LookPath(b.Path); err != nil {
			hint := ""
			switch b.Name {
			case "node":
				hint = " (build it with: go build -o " + b.Path + " .)"
			case "baseline":
				hint = " (build it with: go build -o " + b.Path + " ./bench/cmd/baseline)"
			}
			return fmt.Errorf("%s binary %q cannot be run: %v%s", b.Name, b.Path, err, hint)
		}
	}
	return nil
}

// report is the JSON document of -out.
type report struct {
	Tool    string              `json:"tool"`
	Started time.Time           `json:"started"`
	Go      string              `json:"go"`
	CPUs    int                 `json:"cpus"`
	Args    []string            `json:"args"`
	Results []*pipebench.Result `json:"results"`
}

func main() {
	c, err := parseArgs(os.Args[1:], os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err == nil {
		err = checkBinaries(c)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "pipebench: %v\n", err)
		os.Exit(2)
	}
	c.opts.Progress = os.Stderr
	rep := report{Tool: "pipebench", Started: time.Now(), Go: runtime.Version(), CPUs: runtime.NumCPU(), Args: os.Args[1:]}
	failed := false
	for _, name := range c.cases {
		res, err := runCase(c, name)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pipebench: %v\n", err)
			failed = true
			continue
		}
		if err := res.WriteTable(os.Stdout); err != nil {
			fmt.Fprintf(os.Stderr, "pipebench: %v\n", err)
			os.Exit(1)
		}
		rep.Results = append(rep.Results, res)
	}
	if c.out != "" {
		path, err := writeReport(c.out, rep)
		if err != nil {
			fmt.Fprintf(os.Stderr, "pipebench: %v\n", err)
			os.Exit(1)
		}
		fmt.Fprintf(os.Stderr, "pipebench: wrote %s\n", path)
	}
	if failed {
		os.Exit(1)
	}
}

// runCase runs one case by name.
func runCase(c config, name string) (*pipebench.Result, error) {
	switch name {
	case pipebench.CaseReads:
		return pipebench.Reads(c.opts, c.reads)
	case pipebench.CaseSync:
		return pipebench.Sync(c.opts, c.sync)
	case pipebench.CaseRoundTrip:
		return pipebench.RoundTrip(c.opts, c.trip)
	case pipebench.CaseStartup:
		return pipebench.Startup(c.opts, c.startup)
	}
	return nil, fmt.Errorf("BUG: unknown case %q", name)
}

// writeReport writes rep as indented JSON to path, or to path/results.json
// when path is a directory or ends with a slash, and returns the file
// written.
func writeReport(path string, rep report) (string, error) {
	if st, err := os.Stat(path); (err == nil && st.IsDir()) || strings.HasSuffix(path, "/") {
		path = filepath.Join(path, "results.json")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return path, err
	}
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return path, err
	}
	return path, os.WriteFile(path, append(b, '\n'), 0o644)
}
