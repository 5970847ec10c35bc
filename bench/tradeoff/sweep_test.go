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
