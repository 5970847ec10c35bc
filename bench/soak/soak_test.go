package soak

import (
	"errors"
	"math"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestFlat(t *testing.T) {
	// RSS climbs 8 MiB while the set grows (the first 5M lines), then
	// follows 30 MiB + 0.25 MiB per million lines, with a 1 MiB blip.
	var samples []Sample
	for i := range 201 {
		h := int64(i) * 100_000
		mib := 22 + 8*min(float64(h)/5e6, 1)
		if h >= 5_000_000 {
			mib = 30 + 0.25*float64(h-5_000_000)/1e6
		}
		rss := int64(mib * MiB)
		if h == 15_000_000 {
			rss += MiB
		}
		samples = append(samples, Sample{Handled: h, RSS: rss, HWM: rss})
	}
	f, err := Flat(samples, 10_000_000)
	if err != nil {
		t.Fatal(err)
	}
	if f.Samples != 101 || f.StartRSS != int64(31.25*MiB) || f.MinRSS != f.StartRSS || f.MaxRSS != int64(33.75*MiB) {
		t.Fatalf("%+v", f)
	}
	if f.Spread != f.MaxRSS-f.MinRSS {
		t.Fatalf("spread %d", f.Spread)
	}
	// The blip at the window's midpoint does not tilt the fit.
	if math.Abs(f.Slope-0.25) > 1e-6 {
		t.Fatalf("slope %v, want 0.25", f.Slope)
	}
	a, b := f.line()
	if got := a + b*15; math.Abs(got-(32.5+1.0/101)) > 1e-5 {
		t.Fatalf("fit at 15M lines: %v MiB", got)
	}

	flat := []Sample{{Handled: 10, RSS: 5 * MiB}, {Handled: 20, RSS: 5 * MiB}}
	if f, err := Flat(flat, 0); err != nil || f.Slope != 0 || f.Spread != 0 {
		t.Fatalf("flat: %+v %v", f, err)
	}
	for _, w := range [][]Sample{nil, flat[:1], {{Handled: 10}, {Handled: 10}}} {
		if _, err := Flat(w, 0); !errors.Is(err, ErrFewSamples) {
			t.Fatalf("Flat(%v) = %v, want ErrFewSamples", w, err)
		}
	}
	if _, err := Flat(samples, 30_000_000); !errors.Is(err, ErrFewSamples) {
		t.Fatalf("window past the end: %v", err)
	}
}

func TestArrayCounter(t *testing.T) {
	reply := func(vals string) string {
		return `{"src": "n0", "dest": "c1", "body": {"type": "read_ok", "messages": [` + vals +
			`], "in_reply_to": 5, "msg_id": 7}}` + "\n"
	}
	many := strings.TrimSuffix(strings.Repeat("123456, ", 5000), ", ")
	for _, c := range []struct {
		line string
		n    int
		ok   bool
	}{
		{reply(""), 0, true},
		{reply(" "), 0, true},
		{reply("7"), 1, true},
		{reply("1, 2, 3"), 3, true},
		{reply(many), 5000, true},
		{`{"src":"c1","dest":"n0","body":{"type":"read_ok","messages":[1,2],"msg_id":3}}` + "\n", 2, true},
		{`{"src": "n0", "dest": "n1", "body": {"type": "gossip_sync", "messages": [1, 2], "msg_id": 9}}` + "\n", 0, false},
		{`{"src": "n0", "dest": "c1", "body": {"type": "broadcast_ok", "in_reply_to": 5, "msg_id": 7}}` + "\n", 0, false},
	} {
		// Whole, and cut in chunks of several sizes after the first
		// chunk (which holds the type and the array's start).
		for _, size := range []int{len(c.line), 1, 2, 7, 1000} {
			var a arrayCounter
			first := min(len(c.line), strings.Index(c.line, "[")+1+size)
			if first <= 0 {
				first = len(c.line)
			}
			a.begin([]byte(c.line[:first]))
			for rest := c.line[first:]; rest != ""; {
				k := min(size, len(rest))
				a.feed([]byte(rest[:k]))
				rest = rest[k:]
			}
			if n, ok := a.count(); n != c.n || ok != c.ok {
				t.Fatalf("%.80q in chunks of %d: count %d %v, want %d %v", c.line, size, n, ok, c.n, c.ok)
			}
		}
	}
}

func TestGroup(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 20000001: "20,000,001", -1234: "-1,234"} {
		if got := group(n); got != want {
			t.Errorf("group(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestRun soaks the project's node with 200,000 lines.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the node")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "node")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/maelstrom-gossip/node").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	m := DefaultMix()
	m.Lines = 200_000
	res, err := Run(Config{Mix: m, Bin: bin, Env: NodeEnv})
	if err != nil {
		t.Fatal(err)
	}
	if res.Replies != m.Lines+1 || res.Lines != m.Lines+1 {
		t.Fatalf("%d lines, %d replies, want %d", res.Lines, res.Replies, m.Lines+1)
	}
	if len(res.Samples) == 0 || res.PeakRSS() <= 0 || res.FinalRSS() <= 0 {
		t.Fatalf("%d samples, peak %d, final %d", len(res.Samples), res.PeakRSS(), res.FinalRSS())
	}
	if res.Reads < 50 || res.NodeSet != res.SetSize || res.NodeHolds != res.SetSize {
		t.Fatalf("%d reads; set: %d written, %d in the last read_ok, %d at exit", res.Reads, res.SetSize, res.NodeSet, res.NodeHolds)
	}
	var sb strings.Builder
	res.Summary(&sb)
	t.Log("\n" + sb.String())
	if err := res.WriteJSON(filepath.Join(dir, "soak.json")); err != nil {
		t.Fatal(err)
	}
	if err := res.Plot(filepath.Join(dir, "soak.png")); err != nil {
		t.Fatal(err)
	}
}
