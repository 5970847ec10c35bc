package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/maelstrom-gossip/node/bench/tradeoff"
)

func TestParseArgsDefaults(t *testing.T) {
	c, err := parseArgs([]string{"-bin", "./bin/node"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o := c.options()
	if o.Bin != "./bin/node" || o.Runs != 3 || o.NodeCount != 25 || o.TimeLimit != 20*time.Second ||
		o.Recovery != 10*time.Second || o.Rate != 100 || o.Latency != 100*time.Millisecond ||
		o.Goal != tradeoff.DefaultGoal || !o.RunFiles {
		t.Errorf("default options = %+v", o)
	}
	vs, err := c.variants()
	if err != nil || len(vs) != len(tradeoff.DefaultVariants()) {
		t.Errorf("default variants = %v, %v", vs, err)
	}
	want := "go run ./bench/cmd/tradeoff -bin ./bin/node -runs 3 -node-count 25 -topology grid -latency 100 -rate 100 -time-limit 20 -recovery 10"
	if got := c.commandLine(vs); got != want {
		t.Errorf("command line\n got %s\nwant %s", got, want)
	}
}

func TestParseArgsVariants(t *testing.T) {
	c, err := parseArgs([]string{"-bin", "n", "-runs", "1", "-time-limit", "10", "-recovery", "0", "-latency", "0",
		"-variants", "latency,balanced",
		"-variant", "b100 np=GOSSIP_BATCH=100ms,GOSSIP_PHASE=false", "-variant", "it's=",
		"-goal-msgs", "2"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o := c.options()
	if o.Recovery >= 0 || o.Latency >= 0 || o.TimeLimit != 10*time.Second || o.Goal.MsgsPerOp != 2 {
		t.Errorf("options = %+v", o)
	}
	vs, err := c.variants()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, v := range vs {
		names = append(names, v.Name)
	}
	if got, want := strings.Join(names, "|"), "latency|balanced (default)|b100 np|it's"; got != want {
		t.Errorf("variants %s, want %s", got, want)
	}
	want := "go run ./bench/cmd/tradeoff -bin n -runs 1 -node-count 25 -topology grid -latency 0 -rate 100 -time-limit 10 -recovery 0" +
		" -goal-msgs 2 -goal-median 300 -goal-max 450" +
		" -variants 'latency,balanced (default)'" +
		" -variant 'b100 np=GOSSIP_BATCH=100ms,GOSSIP_PHASE=false' -variant 'it'\\''s='"
	if got := c.commandLine(vs); got != want {
		t.Errorf("command line\n got %s\nwant %s", got, want)
	}

	// Only custom variants.
	c, _ = parseArgs([]string{"-bin", "n", "-variants", "none", "-variant", "x=GOSSIP_FANOUT=3"}, io.Discard)
	vs, err = c.variants()
	if err != nil || len(vs) != 1 || !strings.Contains(c.commandLine(vs), "-variants none -variant x=GOSSIP_FANOUT=3") {
		t.Errorf("custom only: %v, %v, %s", vs, err, c.commandLine(vs))
	}
}

func TestRunUsageErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"no bin":          {},
		"bad flag":        {"-bin", "n", "-nosuch"},
		"bad variant":     {"-bin", "n", "-variant", "novalue"},
		"unknown variant": {"-bin", "n", "-variants", "fastest"},
		"no variants":     {"-bin", "n", "-variants", "none"},
		"extra argument":  {"-bin", "n", "extra"},
		"missing binary":  {"-bin", "/nonexistent/node", "-out", t.TempDir()},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%s: exit %d, want 2; stderr: %s", name, code, stderr.String())
		}
		if stdout.Len() > 0 {
			t.Errorf("%s: stdout %q, want nothing", name, stdout.String())
		}
	}
}

func TestRunList(t *testing.T) {
	var stdout bytes.Buffer
	if code := run(context.Background(), []string{"-list"}, &stdout, io.Discard); code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"balanced (default)   defaults", "rounds K=4 100ms     GOSSIP_PROFILE=rounds GOSSIP_FANOUT=4 GOSSIP_INTERVAL=100ms"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("-list lacks %q:\n%s", want, stdout.String())
		}
	}
}

func TestShellQuote(t *testing.T) {
	for in, want := range map[string]string{
		"./bin/node":     "./bin/node",
		"":               "''",
		"a b":            "'a b'",
		"it's":           `'it'\''s'`,
		"K=4,GOSSIP_X=1": "K=4,GOSSIP_X=1",
		"$HOME":          "'$HOME'",
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestParseArgsSweep(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		names   []string
		command string
	}{
		{"jitter preset", []string{"-bin", "n", "-sweep", "jitter"},
			[]string{"jitter 0ms", "jitter 2ms", "jitter 5ms", "jitter 10ms", "jitter 20ms"},
			"-sweep jitter -jitters 0,2,5,10,20 -variants 'balanced (default)'"},
		{"levels and two bases", []string{"-bin", "n", "-sweep", "jitter", "-jitters", "1,500us", "-variants", "latency", "-variant", "busy=background-load=1"},
			[]string{"latency / jitter 1ms", "latency / jitter 500µs", "busy / jitter 1ms", "busy / jitter 500µs"},
			"-sweep jitter -jitters 1,500us -variants latency -variant busy=background-load=1"},
		{"custom only", []string{"-bin", "n", "-sweep", "jitter", "-jitters", "3", "-variant", "x=GOSSIP_BATCH=1s"},
			[]string{"jitter 3ms"}, "-sweep jitter -jitters 3 -variants none -variant x=GOSSIP_BATCH=1s"},
		{"ten seeds of one variant", []string{"-bin", "n", "-variants", "balanced", "-runs", "10"},
			[]string{"balanced (default)"}, "-runs 10 "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseArgs(tt.args, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			vs, err := c.variants()
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, v := range vs {
				names = append(names, v.Name)
			}
			if strings.Join(names, "|") != strings.Join(tt.names, "|") {
				t.Errorf("variants %q, want %q", names, tt.names)
			}
			bases, _ := c.bases()
			if cl := c.commandLine(bases); !strings.Contains(cl, tt.command) {
				t.Errorf("command line %s lacks %s", cl, tt.command)
			}
			if o := c.options(); o.Sweep != c.sweep || !c.perRun {
				t.Errorf("options %+v, per run %v", o, c.perRun)
			}
		})
	}
}

func TestParseArgsSweepErrors(t *testing.T) {
	for name, args := range map[string][]string{
		"unknown preset":        {"-bin", "n", "-sweep", "nice"},
		"levels without jitter": {"-bin", "n", "-jitters", "1,2"},
	} {
		if _, err := parseArgs(args, io.Discard); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	for name, args := range map[string][]string{
		"bad level":   {"-bin", "n", "-sweep", "jitter", "-jitters", "soon"},
		"no level":    {"-bin", "n", "-sweep", "jitter", "-jitters", ","},
		"bad variant": {"-bin", "n", "-variant", "x=jitter=5"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, &stdout, &stderr); code != 2 {
			t.Errorf("%s: exit %d, want 2; stderr: %s", name, code, stderr.String())
		}
	}
}
