// Command convergence runs the convergence lab: a virtual-time simulation
// of the node's gossip rounds (package bench/convergence), printed as a
// table next to epidemic theory and drawn as a PNG.
//
//	go run ./bench/cmd/convergence -n 25,100,1000,10000 -k 1,2,3,4 -mode push,pushpull -seeds 200 -out out/convergence
//
// -loss sets the probability that any one message (a push, a push-pull
// request or its reply) is dropped, independently; the default is 0. It
// takes a comma-separated list, such as -loss 0,0.1,0.3, and then runs every
// configuration at each rate: the table lists the rates one after another
// and the plot draws them in one figure. Lossy rows are compared with the
// lossy estimate of convergence.Theory (basis "heuristic (loss)"), which is
// shown but not checked.
//
// It exits with status 1 when a row that theory applies to (K=1 without
// loss, n >= convergence.CheckMinN) deviates by more than
// convergence.Tolerance.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/maelstrom-gossip/node/bench/convergence"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "[ERR] convergence:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("convergence", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ns := fs.String("n", "25,100,1000,10000", "comma-separated cluster sizes")
	ks := fs.String("k", "1,2,3,4", "comma-separated fanouts K")
	modes := fs.String("mode", "push,pushpull", "comma-separated modes: push, pushpull")
	losses := fs.String("loss", "0", "comma-separated probabilities that a message is dropped, each in [0, 1)")
	values := fs.Int("values", 1, "number of values (1 = a single rumour from node n0; at most 64)")
	seeds := fs.Int("seeds", 200, "trials per configuration")
	largeN := fs.Int("large-n", 5000, "configurations with n >= large-n run -large-seeds trials")
	largeSeeds := fs.Int("large-seeds", 0, "trials per configuration for n >= large-n; 0 = -seeds")
	first := fs.Uint64("seed", 1, "seed of the first trial")
	perNode := fs.Bool("per-node", false, "give every simulated node its own gossip.Peers (O(n^2) memory; small n only)")
	workers := fs.Int("workers", 0, "parallel trials (0 = GOMAXPROCS)")
	out := fs.String("out", "out/convergence", "directory for convergence.png and convergence.txt (empty = no files)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	opts := convergence.Options{
		Values: *values, Seeds: *seeds, LargeN: *largeN, LargeSeeds: *largeSeeds,
		FirstSeed: *first, Workers: *workers, PerNode: *perNode,
	}
	var err error
	if opts.Ns, err = parseInts(*ns); err != nil {
		return fmt.Errorf("-n: %w", err)
	}
	if opts.Ks, err = parseInts(*ks); err != nil {
		return fmt.Errorf("-k: %w", err)
	}
	for _, s := range strings.Split(*modes, ",") {
		m, err := convergence.ParseMode(s)
		if err != nil {
			return fmt.Errorf("-mode: %w", err)
		}
		opts.Modes = append(opts.Modes, m)
	}
	lossRates, err := parseFloats(*losses)
	if err != nil {
		return fmt.Errorf("-loss: %w", err)
	}
	if len(lossRates) == 0 {
		return fmt.Errorf("-loss: no value")
	}
	for _, p := range lossRates { // before any run, not after the first rates
		if !(p >= 0 && p < 1) {
			return fmt.Errorf("-loss: %g, want [0, 1)", p)
		}
	}
	var rows []convergence.Row
	for _, p := range lossRates {
		opts.Loss = p
		rs, err := convergence.Measure(opts)
		if err != nil {
			return fmt.Errorf("loss %g: %w", p, err)
		}
		rows = append(rows, rs...)
	}
	w := stdout
	var txt *os.File
	if *out != "" {
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return err
		}
		if txt, err = os.Create(filepath.Join(*out, "convergence.txt")); err != nil {
			return err
		}
		defer txt.Close()
		w = io.MultiWriter(stdout, txt)
	}
	fmt.Fprintf(w, "# go run ./bench/cmd/convergence %s\n", strings.Join(args, " "))
	if err := convergence.WriteTable(w, rows); err != nil {
		return err
	}
	if *out != "" {
		png := filepath.Join(*out, "convergence.png")
		if err := convergence.Plot(rows, png); err != nil {
			return fmt.Errorf("plot: %w", err)
		}
		fmt.Fprintln(stdout, "wrote", png, "and", txt.Name())
	}
	bad := 0
	for _, r := range rows {
		if !r.OK() {
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d rows deviate from theory by more than %.0f%%", bad, 100*convergence.Tolerance)
	}
	return nil
}

func parseInts(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.Atoi(f)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func parseFloats(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}
