package main

import (
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/maelstrom-gossip/node/bench/pipebench"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string // a part of the error; "" for none
		check   func(t *testing.T, c config)
	}{
		{name: "defaults", check: func(t *testing.T, c config) {
			if !slices.Equal(c.cases, pipebench.Cases) || c.reads.N != pipebench.DefaultReadsN || c.sync.N != pipebench.DefaultSyncN ||
				c.opts.Runs != 5 || c.reads.Reads != 30 || c.trip.Trips != 2000 || c.startup.Runs != 20 {
				t.Errorf("config = %+v", c)
			}
			if len(c.opts.Binaries) != 1 || c.opts.Binaries[0].Path != "bin/node" || c.opts.Floor.Path != "cat" {
				t.Errorf("binaries %+v, floor %+v", c.opts.Binaries, c.opts.Floor)
			}
		}},
		{name: "n for both", args: []string{"-n", "100k", "-reads", "5", "-runs", "1"}, check: func(t *testing.T, c config) {
			if c.reads.N != 100_000 || c.sync.N != 100_000 || c.reads.Reads != 5 || c.opts.Runs != 1 {
				t.Errorf("config = %+v", c)
			}
		}},
		{name: "sizes apart", args: []string{"-reads-n", "7", "-sync-n", "9"}, check: func(t *testing.T, c config) {
			if c.reads.N != 7 || c.sync.N != 9 {
				t.Errorf("reads.N %d, sync.N %d", c.reads.N, c.sync.N)
			}
		}},
		{name: "cases", args: []string{"-case", "sync, reads", "-case", "startup", "-case", "sync"}, check: func(t *testing.T, c config) {
			if !slices.Equal(c.cases, []string{"sync", "reads", "startup"}) {
				t.Errorf("cases %v", c.cases)
			}
		}},
		{name: "baseline", args: []string{"-baseline", "bin/baseline", "-bin", "x/node"}, check: func(t *testing.T, c config) {
			if len(c.opts.Binaries) != 2 || c.opts.Binaries[1].Name != "baseline" || c.opts.Binaries[0].Path != "x/node" {
				t.Errorf("binaries %+v", c.opts.Binaries)
			}
		}},
		{name: "unknown case", args: []string{"-case", "reads,write"}, wantErr: `unknown case "write"`},
		{name: "zero runs", args: []string{"-runs", "0"}, wantErr: "-runs is 0"},
		{name: "negative reads", args: []string{"-reads", "-1"}, wantErr: "-reads is -1"},
		{name: "bad n", args: []string{"-n", "lots"}, wantErr: `-n "lots"`},
		{name: "zero sample", args: []string{"-sample", "0s"}, wantErr: "-sample"},
		{name: "stray argument", args: []string{"reads"}, wantErr: "unexpected arguments"},
		{name: "unknown flag", args: []string{"-fast"}, wantErr: "-fast"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := parseArgs(tt.args, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseArgs(%q) = %v, want an error with %q", tt.args, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"100000", 100000, true},
		{"1_000_000", 1000000, true},
		{"100k", 100000, true},
		{"10M", 10000000, true},
		{"0", 0, false},
		{"-5", 0, false},
		{"1.5M", 0, false},
		{"", 0, false},
		{"ten", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := parseCount(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("parseCount(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}

func TestCheckBinaries(t *testing.T) {
	dir := t.TempDir()
	c, err := parseArgs([]string{"-bin", filepath.Join(dir, "node")}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkBinaries(c); err == nil || !strings.Contains(err.Error(), "go build -o") {
		t.Errorf("missing node: %v, want an error with the build command", err)
	}
	exe := filepath.Join(dir, "exe")
	if err := os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	c.opts.Binaries[0].Path = exe
	if err := checkBinaries(c); err != nil {
		t.Errorf("present binaries: %v", err)
	}
}

func TestWriteReport(t *testing.T) {
	dir := t.TempDir()
	rep := report{Tool: "pipebench", Results: []*pipebench.Result{{Case: "sync", Params: map[string]int{"n": 3}}}}
	tests := []struct {
		name, out, want string
	}{
		{"file", filepath.Join(dir, "a", "r.json"), filepath.Join(dir, "a", "r.json")},
		{"existing directory", dir, filepath.Join(dir, "results.json")},
		{"new directory", filepath.Join(dir, "b") + "/", filepath.Join(dir, "b", "results.json")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path, err := writeReport(tt.out, rep)
			if err != nil || path != tt.want {
				t.Fatalf("writeReport = %q, %v; want %q", path, err, tt.want)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var back report
			if err := json.Unmarshal(b, &back); err != nil || len(back.Results) != 1 || back.Results[0].Params["n"] != 3 {
				t.Errorf("read back %+v, %v", back, err)
			}
		})
	}
}
