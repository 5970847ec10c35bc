package tradeoff

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSweepNode runs a two-variant sweep of the project's node with tiny
// settings, end to end.
func TestSweepNode(t *testing.T) {
	if testing.Short() {
		t.Skip("runs clusters")
	}
	bin := filepath.Join(t.TempDir(), "node")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/maelstrom-gossip/node").CombinedOutput(); err != nil {
		t.Fatalf("building the node: %v\n%s", err, out)
	}
	out := t.TempDir()
	var progress bytes.Buffer
	variants, err := SelectVariants(DefaultVariants(), "balanced,latency")
	if err != nil {
		t.Fatal(err)
	}
	res, err := Sweep(context.Background(), Options{
		Bin: bin, Runs: 1, NodeCount: 5, TimeLimit: 2 * time.Second, Rate: 20,
		Latency: 10 * time.Millisecond, Recovery: time.Second,
		OutDir: out, RunFiles: true, Progress: &progress, Command: "go test",
	}, variants)
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, l := range strings.Split(progress.String(), "\n") {
		if strings.HasPrefix(l, "tradeoff: [") {
			lines++
		}
	}
	if lines != 2 {
		t.Errorf("want one progress line per run, got:\n%s", progress.String())
	}
	if len(res.Variants) != 2 || res.Failed() != 0 {
		t.Fatalf("variants %d, failed %d", len(res.Variants), res.Failed())
	}
	for _, s := range res.Variants {
		if len(s.Runs) != 1 || s.Ran != 1 || s.ValidRuns != 1 {
			t.Errorf("%s: runs %d ran %d valid %d: %+v", s.Name, len(s.Runs), s.Ran, s.ValidRuns, s.Runs)
			continue
		}
		// With so few reads many values are never seen missing, so the
		// median stable latency may be 0 ms.
		if s.MsgsPerOp <= 0 || s.LatencyRuns != 1 || s.MaxMs < s.MedianMs || s.MedianMs < 0 {
			t.Errorf("%s: msgs/op %v, median %v, max %v", s.Name, s.MsgsPerOp, s.MedianMs, s.MaxMs)
		}
		if s.Runs[0].Dir == "" {
			t.Errorf("%s: no run folder", s.Name)
		} else if _, err := os.Stat(filepath.Join(out, s.Runs[0].Dir, "results.json")); err != nil {
			t.Error(err)
		}
	}
	// The balanced profile holds values for its hub's flush: some read
	// misses one.
	if b := res.Variants[0]; b.MaxMs <= 0 {
		t.Errorf("balanced: max stable latency %v, want positive", b.MaxMs)
	}

	md := res.Markdown(false)
	for _, want := range []string{"| balanced (default) |", "| latency ", "`GOSSIP_PROFILE=latency`", "1/1", "go test"} {
		if !strings.Contains(md, want) {
			t.Errorf("table lacks %q:\n%s", want, md)
		}
	}
	checkPNG(t, filepath.Join(out, "tradeoff.png"))
	var back Result
	b, err := os.ReadFile(filepath.Join(out, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Variants) != 2 || len(back.Variants[1].Runs) != 1 || back.Variants[1].Runs[0].Ops == 0 || back.Config.NodeCount != 5 {
		t.Errorf("results.json: %s", b)
	}
}

// TestSweepJitter runs a jitter sweep of the flooding test node at two
// levels, end to end, with a variant's bench settings.
func TestSweepJitter(t *testing.T) {
	if testing.Short() {
		t.Skip("runs clusters")
	}
	bin := filepath.Join(t.TempDir(), "flood")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/maelstrom-gossip/node/bench/testnodes/flood").CombinedOutput(); err != nil {
		t.Fatalf("building the flood node: %v\n%s", err, out)
	}
	base, err := ParseVariant("flood=node-count=3,node-nice=-1")
	if err != nil {
		t.Fatal(err)
	}
	vs, err := JitterVariants([]Variant{base}, []time.Duration{0, 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	res, err := Sweep(context.Background(), Options{
		Bin: bin, Runs: 1, NodeCount: 5, TimeLimit: time.Second, Rate: 30,
		Latency: 5 * time.Millisecond, Recovery: 300 * time.Millisecond,
		OutDir: out, RunFiles: true, Sweep: SweepJitter,
	}, vs)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Variants) != 2 || res.Failed() != 0 || res.Sweep != SweepJitter {
		t.Fatalf("variants %d, failed %d, sweep %q", len(res.Variants), res.Failed(), res.Sweep)
	}
	for _, s := range res.Variants {
		r := s.Runs[0]
		if !r.Valid || r.NodeCPU <= 0 || r.NodeCPUPerOp <= 0 || r.Busiest.ID == "" {
			t.Errorf("%s: %+v", s.Name, r)
		}
		var cres struct {
			Config struct {
				NodeCount int     `json:"node_count"`
				Jitter    float64 `json:"jitter_ms"`
				NodeNice  int     `json:"node_nice"`
			} `json:"config"`
		}
		b, err := os.ReadFile(filepath.Join(out, r.Dir, "results.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &cres); err != nil {
			t.Fatal(err)
		}
		if c := cres.Config; c.NodeCount != 3 || c.NodeNice != 0 || c.Jitter != float64(s.Bench.Jitter)/1e6 {
			t.Errorf("%s: the run's bench config %+v", s.Name, c)
		}
	}
	checkPNG(t, filepath.Join(out, "jitter.png"))
	if md := res.Markdown(true); !strings.Contains(md, "| jitter 5ms ") || !strings.Contains(md, "Jitter sweep:") {
		t.Errorf("table:\n%s", md)
	}
}
