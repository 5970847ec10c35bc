package cluster

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	tests := []struct {
		name  string
		stat  string
		ticks uint64
		ok    bool
	}{
		{"plain", "4242 (node) S 1 4242 4242 0 -1 4194560 1370 0 0 0 250 37 0 0 30 10 7 0 123 0 0", 287, true},
		{"name with spaces and parentheses", "7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 5 6 0 0 20 0 1 0", 11, true},
		{"truncated", "7 (x) R 1 7 7 0 -1 0 0 0 0 0 5", 0, false},
		{"no name", "7 x R 1 7 7 0 -1 0 0 0 0 0 5 6 0 0", 0, false},
		{"not a number", "7 (x) R 1 7 7 0 -1 0 0 0 0 0 five 6 0 0", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ticks, ok := parseStatCPU([]byte(tt.stat))
			if ticks != tt.ticks || ok != tt.ok {
				t.Errorf("got %d, %v; want %d, %v", ticks, ok, tt.ticks, tt.ok)
			}
		})
	}
}

func TestNodeLoad(t *testing.T) {
	tests := []struct {
		name  string
		nodes []NodeResult
		ops   int
		want  LoadResult
	}{
		{"most CPU wins", []NodeResult{
			{ID: "n0", CPU: 0.5, ServerSent: 90, ServerRecv: 80},
			{ID: "n1", CPU: 1.5, ServerSent: 10, ServerRecv: 20},
			{ID: "n2", CPU: 1, ServerSent: 40, ServerRecv: 40},
		}, 1000, LoadResult{NodeCPU: 3, NodeCPUPerOp: 3000, Busiest: NodeLoad{ID: "n1", CPU: 1.5, ServerSent: 10, ServerRecv: 20}}},
		{"equal CPU: most messages", []NodeResult{
			{ID: "n0", CPU: 0, ServerSent: 1, ServerRecv: 1},
			{ID: "n1", CPU: 0, ServerSent: 5, ServerRecv: 0},
			{ID: "n2", CPU: 0, ServerSent: 2, ServerRecv: 3},
		}, 0, LoadResult{Busiest: NodeLoad{ID: "n1", ServerSent: 5}}},
		{"no nodes", nil, 10, LoadResult{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nodeLoad(tt.nodes, tt.ops); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// busyLoops counts the live busy loops this test process started, from
// /proc; ok is false without /proc.
func busyLoops(t *testing.T) (n int, ok bool) {
	t.Helper()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0, false
	}
	me := strconv.Itoa(os.Getpid())
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(stat, ')')
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 2 || f[1] != me || f[0] == "Z" {
			continue
		}
		if cmd, err := os.ReadFile(filepath.Join("/proc", e.Name(), "cmdline")); err == nil && bytes.Contains(cmd, []byte("while :")) {
			n++
		}
	}
	return n, true
}

// TestBackgroundLoad_Lifecycle starts two busy loops, checks that they run
// and burn CPU, and that stop kills and reaps them.
func TestBackgroundLoad_Lifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("starts busy-looping processes")
	}
	if !canBackgroundLoad {
		t.Skip("no background load on this platform")
	}
	b, err := startBackgroundLoad(2)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond)
	if n, ok := busyLoops(t); ok && n != 2 {
		t.Errorf("%d busy loops running, want 2", n)
	}
	cpu := b.stop()
	if cpu <= 0 {
		t.Errorf("the busy loops used %.3fs CPU in 0.3s, want some", cpu)
	}
	if n, ok := busyLoops(t); ok && n != 0 {
		t.Errorf("%d busy loops left after stop", n)
	}
	if again := b.stop(); again != cpu {
		t.Errorf("second stop: %v, want %v", again, cpu)
	}
}

// TestRun_BackgroundLoadEnds checks that the busy loops end with the run
// however it ends: a setup failure, a cancelled context.
func TestRun_BackgroundLoadEnds(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node processes and busy loops")
	}
	if !canBackgroundLoad {
		t.Skip("no background load on this platform")
	}
	mute := filepath.Join(t.TempDir(), "mute")
	if err := os.WriteFile(mute, []byte("#!/bin/sh\nexec cat >/dev/null\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		opts   Options
		cancel time.Duration // 0: never
		err    error
	}{
		{"setup failure", Options{Bin: mute, NodeCount: 2, InitTimeout: 300 * time.Millisecond}, 0, ErrSetup},
		{"cancelled", Options{Bin: testNode("flood"), NodeCount: 2, TimeLimit: time.Minute, Rate: 10}, time.Second, context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.BackgroundLoad = 1
			tt.opts.MemoryInterval = -1
			c, err := New(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.cancel > 0 {
				time.AfterFunc(tt.cancel, cancel)
			}
			if _, err := c.Run(ctx); !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if n, ok := busyLoops(t); ok && n != 0 {
				t.Errorf("%d busy loops left after Run", n)
			}
		})
	}
}

// TestRun_NoiseAndLoad runs the flooding node with every knob of this
// file: jitter on constant latency, a background busy loop, the nodes at
// the bench's priority and a rate schedule; it checks what the result
// reports about them.
func TestRun_NoiseAndLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("runs node processes and a busy loop")
	}
	if !canBackgroundLoad {
		t.Skip("no background load on this platform")
	}
	dir := t.TempDir()
	res := run(t, Options{
		Bin: testNode("flood"), NodeCount: 3, Latency: 5 * time.Millisecond, Jitter: 3 * time.Millisecond,
		RateSchedule: []RatePhase{{20, time.Second}, {100, time.Second}, {20, time.Second}},
		Recovery:     300 * time.Millisecond, Seed: 2, OutDir: dir, MemoryInterval: -1,
		NodeNice: -1, BackgroundLoad: 1,
	})
	if !res.Valid {
		t.Fatalf("invalid: %q", res.Reasons)
	}
	c := res.Config
	if c.Jitter != 3 || c.BackgroundLoad != 1 || c.NodeNice != 0 || c.TimeLimit != 3 || c.Rate != 140.0/3 || len(c.RateSchedule) != 3 {
		t.Errorf("config %+v", c)
	}
	if res.Load.BackgroundCPU <= 0.5 {
		t.Errorf("background load got %.2fs CPU in 3s", res.Load.BackgroundCPU)
	}
	var sent, recv int64
	for _, nr := range res.Nodes {
		sent += nr.ServerSent
		recv += nr.ServerRecv
	}
	if sent != res.Net.Servers.SendCount || recv != res.Net.Servers.RecvCount {
		t.Errorf("per node %d sent, %d received; totals %d, %d", sent, recv, res.Net.Servers.SendCount, res.Net.Servers.RecvCount)
	}
	if l := res.Load; l.NodeCPU <= 0 || l.Busiest.ID == "" || l.Busiest.CPU <= 0 || l.NodeCPUPerOp <= 0 || res.Bench.NodeCPU != l.NodeCPU {
		t.Errorf("load %+v, bench node CPU %v", l, res.Bench.NodeCPU)
	}
	if len(res.RatePhases) != 3 {
		t.Fatalf("%d rate phases, want 3", len(res.RatePhases))
	}
	total := 0
	for i, ph := range res.RatePhases {
		total += ph.Ops
		if want := ph.Rate * (ph.End - ph.Start); float64(ph.Ops) < want/2 || float64(ph.Ops) > want*2 {
			t.Errorf("phase %d: %d ops at %v/s over %vs", i+1, ph.Ops, ph.Rate, ph.End-ph.Start)
		}
		if ph.Values == 0 || ph.StableCount == 0 || ph.StableMaxMs < ph.StableMedianMs {
			t.Errorf("phase %d: %+v", i+1, ph)
		}
		if _, err := os.Stat("/proc/self/stat"); err == nil && !ph.CPUSampled {
			t.Errorf("phase %d: node CPU not sampled", i+1)
		}
	}
	if final := res.Workload.FinalReadsOK + res.Workload.FinalReadsFailed; total+final != res.Stats.Count {
		t.Errorf("phases hold %d ops, plus %d final reads; the run %d", total, final, res.Stats.Count)
	}
	var b strings.Builder
	res.WriteSummary(&b)
	for _, want := range []string{"rate schedule 20:1,100:1,20:1", "+ jitter [0, 3ms]", "background load 1 busy loop", "nodes at the bench's priority", "phase 2 ", "busiest n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, b.String())
		}
	}
}
