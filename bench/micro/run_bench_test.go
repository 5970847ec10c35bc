package micro_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/maelstrom-gossip/node/bench/loadgen"
	"github.com/maelstrom-gossip/node/node"
)

// BenchmarkRun is the end-to-end path in one process: node.Run on the
// loadgen stream (broadcasts, reads and gossip_syncs of varied sizes), from
// the input reader to the output writer. It is the benchmark that `make profile`
// profiles as e2e; bench/cmd/loadgen measures the same with real pipes.
func BenchmarkRun(b *testing.B) {
	m := loadgen.DefaultMix()
	m.Lines = 200_000
	s, err := loadgen.Generate(m)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(s.Data)))
	b.ReportAllocs()
	for b.Loop() {
		cfg := node.DefaultConfig()
		cfg.Interval, cfg.NoStar = 0, true // requests only, as bench/loadgen runs the binary
		cfg.Stdin, cfg.Stdout, cfg.Stderr = bytes.NewReader(s.Data), io.Discard, io.Discard
		n, err := node.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := n.Run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(s.Lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
}
