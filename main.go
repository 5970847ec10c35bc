// Command node is a Maelstrom broadcast node with periodic anti-entropy
// gossip. Maelstrom starts it as --bin; it speaks Maelstrom's protocol on
// stdin and stdout (one JSON message a line) and logs to stderr only.
//
// Settings come from flags or, because Maelstrom starts the binary without
// arguments, from environment variables (GOSSIP_ and the flag's name); a
// flag wins over its variable. node -h lists them; node.Settings declares
// them, and the README's table of settings is made from it.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"

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
	if cfg.Procs > 0 {
		runtime.GOMAXPROCS(cfg.Procs)
	}
	n, err := node.New(cfg)
	if err != nil {
		fmt.Fprintf(os.Stderr, "[ERR] %v\n", err) // it names the package
		os.Exit(2)
	}
	stopProfile, err := startCPUProfile(cfg.CPUProfile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "[ERR] node: %v\n", err)
		os.Exit(2)
	}
	runErr := n.Run()
	if err := stopProfile(); err != nil {
		fmt.Fprintf(os.Stderr, "[ERR] node: cpu profile: %v\n", err)
	}
	if runErr != nil {
		os.Exit(1) // Run said why on stderr
	}
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

// config builds the node's settings from the environment and the command
// line (node.Configure), with the flags declared from node.Settings.
func config(args []string, getenv func(string) string) (node.Config, error) {
	fs := flag.NewFlagSet("node", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	given := map[string]string{}
	for _, s := range node.Settings() {
		help := strings.ReplaceAll(s.Doc, "`", "")
		set := func(v string) error {
			// Checked here too, so that flag names the bad flag at
			// once; Configure applies the values in the table's order.
			if err := s.Set(new(node.Config), v); err != nil {
				return err
			}
			given[s.Name] = v
			return nil
		}
		if s.Arg == "B" {
			fs.BoolFunc(s.Name, help, set)
		} else {
			fs.Func(s.Name, help, set)
		}
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: node [flags]\n\nEach flag can also be given as its environment variable; a flag wins over its variable.\n\n")
		for _, s := range node.Settings() {
			def := s.Default
			if def == "" {
				def = "none"
			}
			fmt.Fprintf(fs.Output(), "  -%s %s\t(%s, default %s)\n    \t%s\n", s.Name, s.Arg, s.Env(), def, strings.ReplaceAll(s.Doc, "`", ""))
		}
	}
	if err := fs.Parse(args); err != nil {
		return node.Config{}, err
	}
	if fs.NArg() > 0 {
		return node.Config{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	return node.Configure(getenv, given)
}
