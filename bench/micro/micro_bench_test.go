package micro_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/maelstrom-gossip/node/bench/baseline"
	"github.com/maelstrom-gossip/node/codec"
	"github.com/maelstrom-gossip/node/node"
	"github.com/maelstrom-gossip/node/set"
)

var sizes = []struct {
	name string
	n    int
}{{"1k", 1_000}, {"100k", 100_000}, {"1M", 1_000_000}}

// shapes are the kinds of gossip_sync arrays the merge benchmarks time.
var shapes = []string{"seq", "sorted-sparse", "desc", "random", "random64"}

// values returns n distinct values of a shape: seq, 0..n-1 ascending (a
// node's own gossip_sync); sorted-sparse, distinct random values from
// [0, 1000·n), ascending; desc, n-1..0; random, the sorted-sparse values
// unsorted; random64, distinct random values over the whole int64 range
// (one per roaring container, the set's worst case).
func values(n int, shape string) []int64 {
	v := make([]int64, 0, n)
	switch shape {
	case "seq", "desc":
		for i := range n {
			v = append(v, int64(i))
		}
		if shape == "desc" {
			slices.Reverse(v)
		}
		return v
	}
	r := rand.New(rand.NewPCG(1, 2))
	seen := make(map[int64]bool, n)
	for len(v) < n {
		x := r.Int64N(int64(n) * 1000)
		if shape == "random64" {
			x = int64(r.Uint64())
		}
		if !seen[x] {
			seen[x] = true
			v = append(v, x)
		}
	}
	if shape == "sorted-sparse" {
		slices.Sort(v)
	}
	return v
}

func syncLine(vals []int64) []byte {
	b := []byte(`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":3,"messages":`)
	b = codec.AppendInts64(b, vals)
	return append(b, "}}"...)
}

// syncNode returns a node (no gossip of its own) after init.
func syncNode(b *testing.B) *node.Node {
	n, err := node.New(node.Config{Seed: 1, NoStar: true, Stderr: io.Discard})
	if err != nil {
		b.Fatal(err)
	}
	n.Handle([]byte(initLine), nil)
	return n
}

// BenchmarkSyncMerge times one gossip_sync from its line to the merged set,
// on this node (impl=ours) and on the baseline, beside a floor (impl=floor:
// counting the line's commas, which any parser must find). The node's is
// its own path (node.Handle: a line this long is read by a codec.Stream,
// its array parsed into a set.Stage as it goes, then committed to the set
// and the new ones counted; the reply is a few bytes). "empty"
// merges into a fresh node each time (made with the timer stopped); "full"
// into a node that already holds them all. Allocations do not grow with the
// array: into an empty set they are the set's new containers; into a full
// one, an ascending array is checked against the set chunk by chunk and
// none are made.
func BenchmarkSyncMerge(b *testing.B) {
	codec.Pretouch()
	for _, sz := range sizes {
		for _, shape := range shapes {
			// The values are made on first use, so that a run or a
			// profile of a few sub-benchmarks does not pay for all.
			var vals []int64
			var line []byte
			prepare := func() {
				if line == nil {
					vals = values(sz.n, shape)
					line = syncLine(vals)
				}
			}
			// The floor: finding the line's commas with the standard
			// library's vectorized search, the least any parser of the
			// array must do.
			b.Run(sz.name+"/"+shape+"/scan/impl=floor", func(b *testing.B) {
				prepare()
				b.SetBytes(int64(len(line)))
				for b.Loop() {
					if n := bytes.Count(line, []byte{','}); n < sz.n-1 {
						b.Fatalf("%d commas", n)
					}
				}
				b.ReportMetric(float64(sz.n)*float64(b.N)/b.Elapsed().Seconds(), "values/s")
			})
			for _, into := range []string{"empty", "full"} {
				prefix := sz.name + "/" + shape + "/" + into
				b.Run(prefix+"/impl=ours", func(b *testing.B) {
					prepare()
					want := []byte(`"new_count": ` + strconv.Itoa(sz.n) + `,`)
					if into == "full" {
						want = []byte(`"new_count": 0,`)
					}
					full := syncNode(b)
					full.Handle(line, nil)
					out := syncNode(b).Handle(line, nil) // warm-up
					b.SetBytes(int64(len(line)))
					b.ReportAllocs()
					for b.Loop() {
						n := full
						if into == "empty" {
							b.StopTimer()
							n = syncNode(b)
							b.StartTimer()
						}
						out = n.Handle(line, out[:0])
						if !bytes.Contains(out, want) {
							b.Fatalf("reply %.200s, want %s", out, want)
						}
					}
					b.ReportMetric(float64(sz.n)*float64(b.N)/b.Elapsed().Seconds(), "values/s")
				})
				b.Run(prefix+"/impl=baseline", func(b *testing.B) {
					prepare()
					full := map[int64]struct{}{}
					baseline.MergeInto(full, vals)
					b.SetBytes(int64(len(line)))
					b.ReportAllocs()
					for b.Loop() {
						s := full
						if into == "empty" {
							s = map[int64]struct{}{}
						}
						got, err := baseline.DecodeSync(line)
						if err != nil {
							b.Fatal(err)
						}
						added := baseline.MergeInto(s, got)
						if want := sz.n; into == "empty" && added != want || into == "full" && added != 0 {
							b.Fatalf("added %d", added)
						}
					}
					b.ReportMetric(float64(sz.n)*float64(b.N)/b.Elapsed().Seconds(), "values/s")
				})
			}
		}
	}
}

// BenchmarkReadOK times answering a read: the set's values in order, encoded
// as a read_ok line. SetBytes is the reply's size, so MB/s is output speed.
func BenchmarkReadOK(b *testing.B) {
	for _, sz := range sizes {
		vals := values(sz.n, "seq")
		b.Run(sz.name+"/impl=ours", func(b *testing.B) {
			s := set.New()
			s.Merge(append([]int64(nil), vals...))
			var sorted []int64
			var out []byte
			encode := func() {
				sorted = s.AppendSorted(sorted[:0])
				out = codec.AppendStart(out[:0], "n1", "c1", "read_ok")
				out = codec.AppendIntsField(out, "messages", sorted)
				out = codec.AppendIntField(out, "in_reply_to", 4)
				out = codec.AppendEnd(out, 3)
			}
			encode()
			b.SetBytes(int64(len(out)))
			b.ReportAllocs()
			for b.Loop() {
				encode()
			}
		})
		b.Run(sz.name+"/impl=baseline", func(b *testing.B) {
			m := map[int64]struct{}{}
			baseline.MergeInto(m, vals)
			out, _ := baseline.EncodeReadOK("n1", "c1", 4, 3, baseline.SortedValues(m))
			b.SetBytes(int64(len(out)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := baseline.EncodeReadOK("n1", "c1", 4, 3, baseline.SortedValues(m)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var smallLines = []struct{ name, line string }{
	{"init", `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2","n3","n4","n5"]}}`},
	{"topology", `{"src":"c0","dest":"n1","body":{"type":"topology","msg_id":1,"topology":{"n1":["n2","n3"],"n2":["n1"],"n3":["n1"]}}}`},
	{"broadcast", `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":1234}}`},
	{"read", `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":3}}`},
	{"gossip_sync", `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":4,"messages":[1, 2, 3, 5, 8, 13, 21, 34]}}`},
	{"gossip_sync_ok", `{"src":"n2","dest":"n1","body":{"type":"gossip_sync_ok","new_count":2,"in_reply_to":7,"msg_id":9}}`},
}

// BenchmarkDecode times decoding one small message of each type.
func BenchmarkDecode(b *testing.B) {
	for _, tc := range smallLines {
		line := []byte(tc.line)
		b.Run(tc.name+"/impl=ours", func(b *testing.B) {
			d := codec.NewDecoder()
			var m codec.Message
			b.SetBytes(int64(len(line)))
			b.ReportAllocs()
			for b.Loop() {
				if err := d.Decode(line, &m); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(tc.name+"/impl=baseline", func(b *testing.B) {
			b.SetBytes(int64(len(line)))
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := baseline.Decode(line); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

const initLine = `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2","n3","n4","n5"]}}`

// BenchmarkHandle times handling one message end to end in a node that holds
// 100 values: decode, apply, and the reply's bytes.
func BenchmarkHandle(b *testing.B) {
	for _, name := range []string{"broadcast", "read", "gossip_sync"} {
		var line []byte
		for _, tc := range smallLines {
			if tc.name == name {
				line = []byte(tc.line)
			}
		}
		b.Run(name+"/impl=ours", func(b *testing.B) {
			n, err := node.New(node.Config{Seed: 1, Stderr: io.Discard})
			if err != nil {
				b.Fatal(err)
			}
			out := n.Handle([]byte(initLine), nil)
			n.Set().Merge(values(100, "seq"))
			b.ReportAllocs()
			for b.Loop() {
				out = n.Handle(line, out[:0])
				if len(out) == 0 {
					b.Fatal("no reply")
				}
			}
		})
		b.Run(name+"/impl=baseline", func(b *testing.B) {
			n := baseline.New(baseline.Config{Stderr: io.Discard})
			n.HandleLine([]byte(initLine))
			for i := range 100 {
				n.HandleLine([]byte(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":` + strconv.Itoa(i) + `}}`))
			}
			b.ReportAllocs()
			for b.Loop() {
				if len(n.HandleLine(line)) == 0 {
					b.Fatal("no reply")
				}
			}
		})
	}
}

// BenchmarkMergeParallel merges batches of 1,000 values from every
// goroutine of RunParallel at once: the sharded set (set.Shared, the one
// with shard locks) under contention against the baseline's map behind one
// mutex.
func BenchmarkMergeParallel(b *testing.B) {
	const batch = 1000
	b.Run("impl=ours", func(b *testing.B) {
		s := set.NewShared()
		var next atomic.Int64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			buf := make([]int64, batch)
			for pb.Next() {
				base := next.Add(batch) - batch
				for i := range buf {
					buf[i] = base + int64(i)
				}
				s.Merge(buf)
			}
		})
		b.ReportMetric(float64(batch)*float64(b.N)/b.Elapsed().Seconds(), "values/s")
	})
	b.Run("impl=baseline", func(b *testing.B) {
		// The baseline's state: one map behind one mutex.
		var mu sync.Mutex
		m := map[int64]struct{}{}
		var next atomic.Int64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			vals := make([]int64, batch)
			for pb.Next() {
				base := next.Add(batch) - batch
				for i := range vals {
					vals[i] = base + int64(i)
				}
				mu.Lock()
				baseline.MergeInto(m, vals)
				mu.Unlock()
			}
		})
		b.ReportMetric(float64(batch)*float64(b.N)/b.Elapsed().Seconds(), "values/s")
	})
}
