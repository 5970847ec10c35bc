// Command soak streams a long run of protocol lines (20 million by default)
// through one node, generated from a seed as they are written, and samples
// the node's resident memory every 100 ms, to show that it stays flat once
// the node's set has stopped growing: the pooled buffers stay bounded. It
// checks that every line got its reply and that every read_ok numbers the
// values written before it, prints a summary (lines/s, peak and final RSS,
// and over the second half of the run RSS max-min and its least-squares
// slope in MiB per million lines), and writes DIR/soak.json (every sample)
// and DIR/soak.png (RSS against lines handled, 900x600).
//
//	go build -o bin/node . && go run ./bench/cmd/soak -bin bin/node -out out/soak
//
// The default stream is soak.DefaultMix: loadgen's mix over 200,000 values
// (the set is complete at line 432,007, and every read_ok is about 1.5 MB)
// with 0.05% reads: 9.1 GB in, 17 GB out. It took 2 min 7 s (157,000
// lines/s) on a 2-core machine shared with other jobs; -lines 2000000 gives
// a quick look in about 15 s.
//
// To tell the Go heap from the rest of RSS, pass the runtime's traces
// through and keep the node's stderr:
//
//	go run ./bench/cmd/soak -env GODEBUG=gctrace=1,scavtrace=1 -stderr out/soak/stderr.txt
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/maelstrom-gossip/node/bench/soak"
)

func main() {
	m := soak.DefaultMix()
	bin := flag.String("bin", "bin/node", "the node binary")
	out := flag.String("out", "out/soak", "directory for soak.json and soak.png")
	every := flag.Duration("every", 100*time.Millisecond, "sampling period")
	quiet := flag.Bool("quiet", false, "no progress line on stderr")
	stderr := flag.String("stderr", "", "copy the node's stderr to this file")
	env := append([]string(nil), soak.NodeEnv...)
	flag.Func("env", "add KEY=VALUE to the node's environment (repeatable), e.g. GODEBUG=gctrace=1", func(s string) error {
		if !strings.Contains(s, "=") {
			return fmt.Errorf("want KEY=VALUE")
		}
		env = append(env, s)
		return nil
	})
	m.RegisterFlags(flag.CommandLine)
	flag.Parse()

	cfg := soak.Config{Mix: m, Bin: *bin, Env: env, Every: *every}
	if *stderr != "" {
		f, err := os.Create(*stderr)
		if err != nil {
			fmt.Fprintln(os.Stderr, "soak:", err)
			os.Exit(1)
		}
		defer f.Close()
		cfg.Stderr = f
	}
	if !*quiet {
		var last time.Time
		cfg.Progress = func(s soak.Sample) {
			if time.Since(last) < time.Second {
				return
			}
			last = time.Now()
			set := "-"
			if s.Set >= 0 {
				set = fmt.Sprint(s.Set)
			}
			fmt.Fprintf(os.Stderr, "\r\033[Ksoak: %5.1fs  %6.2fM of %.2fM lines handled  RSS %6.1f MiB (peak %6.1f)  set %s",
				s.T, float64(s.Handled)/1e6, float64(m.Lines+1)/1e6, float64(s.RSS)/soak.MiB, float64(s.HWM)/soak.MiB, set)
		}
	}
	res, err := soak.Run(cfg)
	if !*quiet {
		fmt.Fprint(os.Stderr, "\r\033[K")
	}
	if res != nil && len(res.Samples) > 0 {
		res.Summary(os.Stdout)
		if werr := write(res, *out); werr != nil {
			fmt.Fprintln(os.Stderr, "soak:", werr)
			os.Exit(1)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func write(res *soak.Result, dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, png := filepath.Join(dir, "soak.json"), filepath.Join(dir, "soak.png")
	if err := res.WriteJSON(js); err != nil {
		return err
	}
	if err := res.Plot(png); err != nil {
		return err
	}
	fmt.Printf("wrote %s and %s\n", js, png)
	return nil
}
