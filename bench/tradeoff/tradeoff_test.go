package tradeoff

import (
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	tests := []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{7}, 7},
		{[]float64{3, 1, 2}, 2},
		{[]float64{4, 1, 3, 2}, 2.5},
		{[]float64{300, 280, 900}, 300},
	}
	for _, tt := range tests {
		in := slices.Clone(tt.in)
		if got := Median(in); got != tt.want {
			t.Errorf("Median(%v) = %v, want %v", tt.in, got, tt.want)
		}
		if !slices.Equal(in, tt.in) {
			t.Errorf("Median changed its input: %v, was %v", in, tt.in)
		}
	}
}

func run(seed int64, msgs, med, mx float64, valid bool, lost int) RunResult {
	return RunResult{Seed: seed, Ran: true, MsgsPerOp: msgs, MedianMs: med, MaxMs: mx,
		StableCount: 100, Valid: valid, LostCount: lost}
}

func TestSummarize(t *testing.T) {
	v := Variant{Name: "x", Env: []string{"GOSSIP_BATCH=1s"}}
	runs := []RunResult{
		run(1, 1.2, 290, 450, true, 0),
		run(2, 1.4, 310, 430, false, 3),
		run(3, 1.1, 280, 600, true, 0),
	}
	s := Summarize(v, runs)
	if s.Name != "x" || s.MsgsPerOp != 1.2 || s.MedianMs != 290 || s.MaxMs != 450 {
		t.Errorf("medians = %v %v %v, want 1.2 290 450", s.MsgsPerOp, s.MedianMs, s.MaxMs)
	}
	if s.Ran != 3 || s.ValidRuns != 2 || s.LostTotal != 3 || s.LatencyRuns != 3 || len(s.Runs) != 3 {
		t.Errorf("counts = ran %d valid %d lost %d latency %d runs %d", s.Ran, s.ValidRuns, s.LostTotal, s.LatencyRuns, len(s.Runs))
	}

	// A run that did not run counts for nothing but the denominator; one
	// without stable values gives msgs-per-op but no latency.
	runs = []RunResult{
		run(1, 2, 100, 200, true, 0),
		{Seed: 2, Error: "cluster: node setup failed"},
		{Seed: 3, Ran: true, MsgsPerOp: 4, StableCount: 0, Valid: false},
	}
	s = Summarize(v, runs)
	if s.Ran != 2 || s.ValidRuns != 1 || s.LatencyRuns != 1 || s.MsgsPerOp != 3 || s.MedianMs != 100 || s.MaxMs != 200 {
		t.Errorf("summary = %+v", s)
	}

	s = Summarize(v, nil)
	if s.Ran != 0 || s.MsgsPerOp != 0 || s.MeetsGoal(DefaultGoal) {
		t.Errorf("empty summary = %+v", s)
	}
}

func TestMeetsGoal(t *testing.T) {
	g := DefaultGoal
	ok := Summarize(Variant{Name: "a"}, []RunResult{run(1, 1.4, 280, 440, true, 0)})
	if !ok.MeetsGoal(g) {
		t.Error("1.4 msgs/op, 280/440 ms: want the goal met")
	}
	for name, runs := range map[string][]RunResult{
		"msgs":    {run(1, 1.6, 280, 440, true, 0)},
		"median":  {run(1, 1.4, 301, 440, true, 0)},
		"max":     {run(1, 1.4, 280, 451, true, 0)},
		"invalid": {run(1, 1.4, 280, 440, false, 1)},
		"failed":  {run(1, 1.4, 280, 440, true, 0), {Seed: 2, Error: "x"}},
	} {
		s := Summarize(Variant{Name: name}, runs)
		if s.MeetsGoal(g) {
			t.Errorf("%s: goal met, want not", name)
		}
	}
}

func TestParseVariant(t *testing.T) {
	tests := []struct {
		in      string
		want    Variant
		wantErr bool
	}{
		{in: "fast=GOSSIP_BATCH=100ms", want: Variant{Name: "fast", Env: []string{"GOSSIP_BATCH=100ms"}}},
		{in: "b100 np=GOSSIP_BATCH=100ms,GOSSIP_PHASE=false", want: Variant{Name: "b100 np", Env: []string{"GOSSIP_BATCH=100ms", "GOSSIP_PHASE=false"}}},
		{in: " x = GOSSIP_FANOUT=4 , GOSSIP_INTERVAL=100ms ", want: Variant{Name: "x", Env: []string{"GOSSIP_FANOUT=4", "GOSSIP_INTERVAL=100ms"}}},
		{in: "plain=", want: Variant{Name: "plain"}},
		{in: "empty value=GOSSIP_BATCH=", want: Variant{Name: "empty value", Env: []string{"GOSSIP_BATCH="}}},
		{in: "noequals", wantErr: true},
		{in: "=GOSSIP_BATCH=1s", wantErr: true},
		{in: "x=GOSSIP_BATCH", wantErr: true},
		{in: "x=GOSSIP_BATCH=1s,", wantErr: true},
		{in: "x==1", wantErr: true},
		{in: "x=BAD KEY=1", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseVariant(tt.in)
		if tt.wantErr {
			if err == nil {
				t.Errorf("ParseVariant(%q) = %+v, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("ParseVariant(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestSelectVariants(t *testing.T) {
	all := DefaultVariants()
	got, err := SelectVariants(all, "latency, Balanced,rounds K=4 100ms")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"latency", "balanced (default)", "rounds K=4 100ms"}; !slices.Equal(names(got), want) {
		t.Errorf("selected %q, want %q", names(got), want)
	}
	if got, _ := SelectVariants(all, "balanced (default)"); len(got) != 1 || got[0].Name != "balanced (default)" {
		t.Errorf("full name selected %v", got)
	}
	if got, _ := SelectVariants(all, ""); len(got) != len(all) {
		t.Errorf("empty selection gave %d variants, want all %d", len(got), len(all))
	}
	if got, err := SelectVariants(all, "none"); err != nil || len(got) != 0 {
		t.Errorf("none gave %v, %v", got, err)
	}
	if _, err := SelectVariants(all, "latency,nosuch"); err == nil || !strings.Contains(err.Error(), "nosuch") {
		t.Errorf("unknown name: err = %v", err)
	}
	if _, err := SelectVariants(all, "latency,latency"); err == nil {
		t.Error("a variant selected twice: want an error")
	}
	// "rounds" is not a prefix match for "rounds K=4 100ms".
	if got, _ := SelectVariants(all, "rounds"); len(got) != 1 || got[0].Name != "rounds" {
		t.Errorf("rounds selected %q", names(got))
	}
}

func TestDefaultVariants(t *testing.T) {
	vs := DefaultVariants()
	if err := checkVariants(vs); err != nil {
		t.Fatal(err)
	}
	if vs[0].Settings() != "defaults" || len(vs[0].Env) != 0 {
		t.Errorf("first variant %+v, want the defaults", vs[0])
	}
	// Each call is a fresh slice.
	vs[1].Env[0] = "CHANGED=1"
	if DefaultVariants()[1].Env[0] == "CHANGED=1" {
		t.Error("DefaultVariants shares its slices")
	}
	if err := checkVariants(append(DefaultVariants(), Variant{Name: "Latency"})); err == nil {
		t.Error("duplicate name: want an error")
	}
}

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"balanced (default)": "balanced-default",
		"rounds K=4 100ms":   "rounds-k-4-100ms",
		"  --  ":             "variant",
		"batch 50ms":         "batch-50ms",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestInheritedResets(t *testing.T) {
	t.Setenv("GOSSIP_BATCH", "1s")
	t.Setenv("GOSSIP_PHASE", "false")
	t.Setenv("GOSSIP_STAR", "")
	got := inheritedResets([]string{"GOSSIP_PHASE=true"})
	if want := []string{"GOSSIP_BATCH="}; !slices.Equal(got, want) {
		t.Errorf("resets = %q, want %q", got, want)
	}
	o := Options{Bin: "node"}
	o.fill()
	env := o.clusterOptions(Variant{Name: "v", Env: []string{"GOSSIP_PHASE=true"}}, 1, "").Env
	if want := []string{"GOSSIP_BATCH=", "GOSSIP_PHASE=true"}; !slices.Equal(env, want) {
		t.Errorf("node env = %q, want %q", env, want)
	}
}

func TestClusterOptions(t *testing.T) {
	o := Options{Bin: "node"}
	o.fill()
	c := o.clusterOptions(Variant{Name: "v"}, 2, "")
	if c.NodeCount != 25 || c.Topology != "grid" || c.TimeLimit != 20*time.Second || c.Rate != 100 ||
		c.Latency != 100*time.Millisecond || c.Recovery != 10*time.Second || c.Seed != 2 {
		t.Errorf("default bench options = %+v", c)
	}
	o = Options{Bin: "node", Recovery: -1, Latency: -1}
	o.fill()
	c = o.clusterOptions(Variant{Name: "v"}, 1, "")
	if c.Recovery >= 0 || c.Latency != 0 {
		t.Errorf("no recovery, no latency: got recovery %v latency %v", c.Recovery, c.Latency)
	}
}

func TestSweepBadOptions(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "node")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	ok := []Variant{{Name: "a"}}
	for name, tc := range map[string]struct {
		opts Options
		vs   []Variant
	}{
		"no binary":      {Options{}, ok},
		"missing binary": {Options{Bin: filepath.Join(t.TempDir(), "nope")}, ok},
		"no variants":    {Options{Bin: bin}, nil},
		"duplicate":      {Options{Bin: bin}, []Variant{{Name: "a"}, {Name: "A"}}},
		"bad env":        {Options{Bin: bin}, []Variant{{Name: "a", Env: []string{"NOVALUE"}}}},
		"bad topology":   {Options{Bin: bin, Topology: "ring"}, ok},
		"negative runs":  {Options{Bin: bin, Runs: -1}, ok},
	} {
		res, err := Sweep(context.Background(), tc.opts, tc.vs)
		if !errors.Is(err, ErrOptions) || res != nil {
			t.Errorf("%s: Sweep = %v, %v; want ErrOptions", name, res, err)
		}
	}
}

// sample is a made-up sweep in the shape of a real one.
func sample() *Result {
	r := &Result{
		Config: Config{Bin: "/x/node", Runs: 3, Seeds: []int64{1, 2, 3}, NodeCount: 25, Topology: "grid",
			TimeLimit: 20, Recovery: 10, Rate: 100, Latency: 100},
		Goal:    DefaultGoal,
		Command: "go run ./bench/cmd/tradeoff -bin ./bin/node",
	}
	figs := []struct {
		v             Variant
		msgs, med, mx float64
	}{
		{Variant{Name: "balanced (default)"}, 1.31, 287, 436},
		{Variant{Name: "latency", Env: []string{"GOSSIP_PROFILE=latency"}}, 2.9, 205, 330},
		{Variant{Name: "messages", Env: []string{"GOSSIP_PROFILE=messages"}}, 1.05, 520, 870},
		{Variant{Name: "rounds", Env: []string{"GOSSIP_PROFILE=rounds"}}, 17.5, 610, 1180},
		{Variant{Name: "rounds K=4 100ms", Env: []string{"GOSSIP_PROFILE=rounds", "GOSSIP_FANOUT=4", "GOSSIP_INTERVAL=100ms"}}, 31.2, 330, 640},
		{Variant{Name: "batch 50ms", Env: []string{"GOSSIP_BATCH=50ms"}}, 1.9, 230, 350},
		{Variant{Name: "batch 150ms", Env: []string{"GOSSIP_BATCH=150ms"}}, 1.42, 262, 401},
		{Variant{Name: "batch 300ms", Env: []string{"GOSSIP_BATCH=300ms"}}, 1.24, 322, 498},
		{Variant{Name: "no phase", Env: []string{"GOSSIP_PHASE=false"}}, 1.35, 340, 520},
	}
	for _, f := range figs {
		var runs []RunResult
		for seed := int64(1); seed <= 3; seed++ {
			d := float64(seed - 2)
			runs = append(runs, run(seed, f.msgs*(1+0.02*d), f.med+5*d, f.mx+10*d, true, 0))
		}
		r.Variants = append(r.Variants, Summarize(f.v, runs))
	}
	return r
}

func TestMarkdown(t *testing.T) {
	r := &Result{
		Config: Config{Runs: 2, Seeds: []int64{1, 2}, NodeCount: 25, Topology: "grid", TimeLimit: 20, Recovery: 10, Rate: 100, Latency: 100},
		Goal:   DefaultGoal,
		Variants: []Summary{
			Summarize(Variant{Name: "balanced (default)"}, []RunResult{run(1, 1.3, 280, 430, true, 0), run(2, 1.4, 285, 440, true, 0)}),
			Summarize(Variant{Name: "a|b", Env: []string{"GOSSIP_BATCH=50ms", "GOSSIP_PHASE=false"}}, []RunResult{
				run(1, 2.25, 200, 300, false, 2),
				{Seed: 2, Error: "cluster: node setup failed: boom"},
			}),
		},
		Command: "go run ./bench/cmd/tradeoff -bin ./bin/node -runs 2",
	}
	r.Variants[1].Runs[0].Reasons = []string{"2 values lost (set-full): (4 9)"}
	want := "" +
		"| variant            | settings                               | msgs/op | median ms | max ms | valid | lost | goal |\n" +
		"| ------------------ | -------------------------------------- | ------: | --------: | -----: | ----: | ---: | ---- |\n" +
		"| balanced (default) | defaults                               |    1.35 |     282.5 |    435 |   2/2 |    0 | yes  |\n" +
		"| a\\|b               | `GOSSIP_BATCH=50ms GOSSIP_PHASE=false` |    2.25 |       200 |    300 |   0/2 |    2 | no   |\n" +
		"\n" +
		"Medians over 2 runs per variant (bench seeds 1-2, the same for every variant): 25 nodes, grid topology, 100 ms constant latency, 100 req/s, 20 s workload, 10 s recovery.\n" +
		"Goal: msgs/op <= 1.5, median <= 300 ms, max <= 450 ms, every run valid.\n" +
		"\n" +
		"Runs that were not valid or did not run:\n" +
		"\n" +
		"- a|b, seed 1: not valid: 2 values lost (set-full): (4 9)\n" +
		"- a|b, seed 2: did not run: cluster: node setup failed: boom\n" +
		"\n" +
		"Reproduce with:\n" +
		"\n" +
		"```sh\n" +
		"go run ./bench/cmd/tradeoff -bin ./bin/node -runs 2\n" +
		"```\n"
	if got := r.Markdown(false); got != want {
		t.Errorf("Markdown:\n%s\nwant:\n%s", got, want)
	}
	full := r.Markdown(true)
	for _, s := range []string{"Per run:", "| did not run |", "| balanced (default) |    2 |"} {
		if !strings.Contains(full, s) {
			t.Errorf("per-run table lacks %q:\n%s", s, full)
		}
	}
}

func TestLogTicks(t *testing.T) {
	var labels []string
	for _, tk := range (logTicks{}).Ticks(0.8, 40) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if want := []string{"1", "1.5", "2", "3", "5", "7", "10", "15", "20", "30"}; !slices.Equal(labels, want) {
		t.Errorf("labels %q, want %q", labels, want)
	}
	labels = nil
	for _, tk := range (logTicks{}).Ticks(0.5, 1000) {
		if tk.Label != "" {
			labels = append(labels, tk.Label)
		}
	}
	if want := []string{"0.5", "1", "2", "5", "10", "20", "50", "100", "200", "500", "1000"}; !slices.Equal(labels, want) {
		t.Errorf("wide range labels %q, want %q", labels, want)
	}
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	r := sample()
	if err := r.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	if want := []string{"table.md", "tradeoff.png", "results.json"}; !slices.Equal(r.Files, want) {
		t.Errorf("files %q, want %q", r.Files, want)
	}
	checkPNG(t, filepath.Join(dir, "tradeoff.png"))
	md, err := os.ReadFile(filepath.Join(dir, "table.md"))
	if err != nil || !strings.Contains(string(md), "| rounds K=4 100ms ") || !strings.Contains(string(md), "Per run:") {
		t.Errorf("table.md: %v\n%s", err, md)
	}
}

func checkPNG(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cfg, err := png.DecodeConfig(f)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Width != PlotWidth || cfg.Height != PlotHeight {
		t.Errorf("plot is %dx%d, want %dx%d", cfg.Width, cfg.Height, PlotWidth, PlotHeight)
	}
}
