package main

import (
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/maelstrom-gossip/node/node"
)

func TestConfig(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		env      map[string]string
		fanout   int
		interval time.Duration
		seed     uint64
		wantErr  bool
	}{
		{name: "defaults", fanout: 2, interval: time.Second},
		{name: "flags", args: []string{"-fanout", "3", "-interval", "50ms", "-seed", "9"}, fanout: 3, interval: 50 * time.Millisecond, seed: 9},
		{name: "environment", env: map[string]string{"GOSSIP_FANOUT": "4", "GOSSIP_INTERVAL": "1s"}, fanout: 4, interval: time.Second},
		{name: "plain milliseconds", env: map[string]string{"GOSSIP_INTERVAL": "150"}, fanout: 2, interval: 150 * time.Millisecond},
		{name: "flag beats environment", args: []string{"-fanout", "1"}, env: map[string]string{"GOSSIP_FANOUT": "4"}, fanout: 1, interval: time.Second},
		{name: "rounds profile", args: []string{"-profile", "rounds"}, fanout: 2, interval: 200 * time.Millisecond},
		{name: "profile then override", env: map[string]string{"GOSSIP_PROFILE": "rounds"}, args: []string{"-interval", "300"}, fanout: 2, interval: 300 * time.Millisecond},
		{name: "unknown profile", args: []string{"-profile", "fast"}, wantErr: true},
		{name: "bad batch", args: []string{"-batch", "-1s"}, wantErr: true},
		{name: "bad phase", env: map[string]string{"GOSSIP_PHASE": "maybe"}, wantErr: true},
		{name: "timer off", args: []string{"-interval", "0"}, fanout: 2, interval: 0},
		{name: "bad fanout", args: []string{"-fanout", "0"}, wantErr: true},
		{name: "bad env fanout", env: map[string]string{"GOSSIP_FANOUT": "two"}, wantErr: true},
		{name: "negative interval", args: []string{"-interval", "-5ms"}, wantErr: true},
		{name: "bad interval", env: map[string]string{"GOSSIP_INTERVAL": "soon"}, wantErr: true},
		{name: "stray argument", args: []string{"extra"}, wantErr: true},
		{name: "bool flag alone", args: []string{"-star"}, fanout: 2, interval: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config(tt.args, func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("config error = %v, want error %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if cfg.Fanout != tt.fanout || cfg.Interval != tt.interval || cfg.Seed != tt.seed {
				t.Fatalf("config = %+v", cfg)
			}
		})
	}
}

func TestConfig_Profiles(t *testing.T) {
	cfg, err := config([]string{"-profile", "messages", "-phase=false", "-star=true"}, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.NoStar || cfg.Batch != 500*time.Millisecond || cfg.Phase || cfg.Interval != 2*time.Second {
		t.Fatalf("messages profile with -phase=false: %+v", cfg)
	}
	cfg, err = config(nil, func(k string) string { return map[string]string{"GOSSIP_STAR": "false"}[k] })
	if err != nil || !cfg.NoStar || cfg.Batch != 225*time.Millisecond {
		t.Fatalf("GOSSIP_STAR=false: %+v, %v", cfg, err)
	}
	cfg, err = config([]string{"-profile", "latency"}, func(string) string { return "" })
	if err != nil || cfg.NoStar || cfg.Batch != 0 || cfg.Phase {
		t.Fatalf("latency profile: %+v, %v", cfg, err)
	}
}

func TestConfig_CPUProfile(t *testing.T) {
	cfg, err := config(nil, func(k string) string { return map[string]string{"GOSSIP_CPUPROFILE": "/tmp/n-%p.cpu"}[k] })
	if err != nil || cfg.CPUProfile != "/tmp/n-%p.cpu" {
		t.Fatalf("GOSSIP_CPUPROFILE: %+v, %v", cfg, err)
	}
	path := filepath.Join(t.TempDir(), "node-%p.cpu")
	stop, err := startCPUProfile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	want := strings.ReplaceAll(path, "%p", strconv.Itoa(os.Getpid()))
	if st, err := os.Stat(want); err != nil || st.Size() == 0 {
		t.Fatalf("profile %s: %v", want, err)
	}
	if _, err := startCPUProfile(filepath.Join(t.TempDir(), "missing", "x.cpu")); err == nil {
		t.Fatal("profile into a missing folder succeeded")
	}
}

// TestConfig_ErrorOrder: with several bad settings, the error names the
// first in the table's order, whatever the order of the flags (and an
// environment variable before its flag), on every run.
func TestConfig_ErrorOrder(t *testing.T) {
	env := map[string]string{"GOSSIP_SEED": "x", "GOSSIP_BATCH": "soon"}
	for range 20 {
		_, err := config([]string{"-fanout", "0"}, func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), "fanout") {
			t.Fatalf("bad -fanout flag: %v", err)
		}
		_, err = config(nil, func(k string) string { return env[k] })
		if err == nil || !strings.Contains(err.Error(), "GOSSIP_BATCH") {
			t.Fatalf("bad batch and seed: %v, want the batch first", err)
		}
	}
}

// updateREADME rewrites the README's table of settings from the code.
var updateREADME = flag.Bool("update", false, "rewrite the table of settings in README.md from node.Settings")

// TestREADME_Settings fails when the README's table of settings is not the
// one node.Settings makes; go test -run TestREADME_Settings -update . rewrites
// it.
func TestREADME_Settings(t *testing.T) {
	const begin, end = "<!-- settings: made by go test -run TestREADME_Settings -update . -->\n", "<!-- end of settings -->\n"
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	i, j := strings.Index(readme, begin), strings.Index(readme, end)
	if i < 0 || j < i {
		t.Fatalf("README.md has no table of settings between %q and %q", begin, end)
	}
	want := node.SettingsMarkdown()
	if got := readme[i+len(begin) : j]; got != want {
		if *updateREADME {
			if err := os.WriteFile("README.md", []byte(readme[:i+len(begin)]+want+readme[j:]), 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		t.Fatalf("README.md's table of settings differs from node.Settings; run go test -run TestREADME_Settings -update .\n got:\n%s\nwant:\n%s", got, want)
	}
}
