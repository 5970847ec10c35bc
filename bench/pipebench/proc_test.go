package pipebench

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// skipShort skips tests that start processes.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts processes")
	}
	if _, err := exec.LookPath("cat"); err != nil {
		t.Skip("no cat")
	}
}

func TestRunStream_Cat(t *testing.T) {
	skipShort(t)
	s := SyncStream(20000)
	r, out, err := runStream(Cat(""), s, streamRun{sample: time.Millisecond, timeout: time.Minute, capture: true})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, flatten(s)) {
		t.Fatalf("cat echoed %d bytes, not the %d of the stream", len(out), s.Bytes())
	}
	if r.OutBytes != s.Bytes() || r.InBytes != s.Bytes() || r.OutLines != 3 || r.Wall <= 0 {
		t.Errorf("run = %+v", r)
	}
	if runtime.GOOS == "linux" && (r.PeakRSS <= 0 || r.PeakFrom == "") {
		t.Errorf("no peak RSS: %+v", r)
	}
	// Without capture the bytes are only counted.
	r, out, err = runStream(Cat(""), s, streamRun{timeout: time.Minute})
	if err != nil || out != nil || r.OutBytes != s.Bytes() {
		t.Fatalf("uncaptured run = %+v, %d bytes kept, %v", r, len(out), err)
	}
}

func TestRunStream_Failures(t *testing.T) {
	skipShort(t)
	s := ReadsStream(10, 1)
	tests := []struct {
		name    string
		b       Binary
		timeout time.Duration
		wantErr string
	}{
		{"missing binary", Binary{Name: "ghost", Path: filepath.Join(t.TempDir(), "ghost")}, time.Minute, "start"},
		{"exits at once", Binary{Name: "true", Path: "true"}, time.Minute, "true"},
		{"fails", Binary{Name: "sh", Path: "sh", Args: []string{"-c", "echo oops >&2; exit 3"}}, time.Minute, "oops"},
		{"hangs", Binary{Name: "sleep", Path: "sleep", Args: []string{"30"}}, 300 * time.Millisecond, "timeout"},
		{"hangs in a child", Binary{Name: "sh", Path: "sh", Args: []string{"-c", "sleep 30; :"}}, 300 * time.Millisecond, "timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			_, _, err := runStream(tt.b, s, streamRun{timeout: tt.timeout})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("runStream = %v, want an error with %q", err, tt.wantErr)
			}
			if time.Since(start) > 10*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
}

func TestRoundTripBlock_Cat(t *testing.T) {
	skipShort(t)
	reqs, all, ends := roundTripRequests(roundTripWarm+25, 5)
	r, err := roundTripBlock(Cat(""), reqs, all, ends, 25, 5, true, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	// One process: its init, the warm-up round trips and the 25 timed.
	if r.OutLines != 1+roundTripWarm+25 || r.P50 <= 0 || r.P50 > r.P90 || r.P90 > r.P99 || r.Wall < r.P99 {
		t.Errorf("block = %+v", r)
	}
	failures := []struct {
		name    string
		script  string
		timeout time.Duration
		wantErr string
	}{
		{"stops answering", `read l; echo "$l"`, time.Minute, "round trip 1"},
		{"answers wrong", `while read l; do echo nonsense; done`, time.Minute, "did not echo"},
		{"hangs in a child", `sleep 30; :`, 300 * time.Millisecond, "timeout"},
	}
	for _, tt := range failures {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			sh := Binary{Name: "sh", Path: "sh", Args: []string{"-c", tt.script}}
			_, err := roundTripBlock(sh, reqs, all, ends, 10, 5, true, tt.timeout)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("roundTripBlock = %v, want an error with %q", err, tt.wantErr)
			}
			if time.Since(start) > 10*time.Second {
				t.Errorf("took %v", time.Since(start))
			}
		})
	}
}

func TestStartOnce_Cat(t *testing.T) {
	skipShort(t)
	init := AppendInit(nil, 1)
	r, err := startOnce(Cat(""), init, true, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if r.Wall <= 0 || r.OutBytes != int64(len(init)) {
		t.Errorf("start = %+v", r)
	}
	if _, err := startOnce(Cat(""), init, false, time.Minute); err == nil {
		t.Error("cat's echo passed as an init_ok")
	}
}

// TestChildMaxRSS_InheritsToolPeak shows why the peak comes from /proc:
// the rusage of a small child started by a big parent reports the parent's
// peak, while the sampled VmHWM is the child's.
func TestChildMaxRSS_InheritsToolPeak(t *testing.T) {
	skipShort(t)
	if runtime.GOOS != "linux" {
		t.Skip("Linux rusage and /proc")
	}
	const big = 128 << 20
	ballast := make([]byte, big)
	for i := 0; i < len(ballast); i += 4096 {
		ballast[i] = 1
	}
	r, _, err := runStream(Cat(""), SyncStream(10), streamRun{sample: time.Millisecond, timeout: time.Minute})
	runtime.KeepAlive(ballast)
	if err != nil {
		t.Fatal(err)
	}
	if r.RusageMaxRSS < big {
		t.Errorf("cat's Maxrss %d MiB: the parent's %d MiB peak is no longer inherited; the package doc needs a look", r.RusageMaxRSS>>20, big>>20)
	}
	if r.PeakFrom != PeakProc || r.PeakRSS <= 0 || r.PeakRSS > 32<<20 {
		t.Errorf("cat's peak %d KiB from %q, want a few MiB from /proc", r.PeakRSS>>10, r.PeakFrom)
	}
}

// nodeBinary returns the node to test: $PIPEBENCH_NODE, or the module's
// node built into a temporary directory.
func nodeBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PIPEBENCH_NODE"); p != "" {
		return p
	}
	bin := filepath.Join(t.TempDir(), "node")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/maelstrom-gossip/node").CombinedOutput(); err != nil {
		t.Fatalf("build the node (or set PIPEBENCH_NODE): %v\n%s", err, out)
	}
	return bin
}

// TestCases_Node runs every case on the project's node at small sizes.
func TestCases_Node(t *testing.T) {
	skipShort(t)
	o := Options{Binaries: []Binary{Node("node", nodeBinary(t))}, Runs: 2, Timeout: time.Minute}
	tests := []struct {
		name string
		run  func() (*Result, error)
	}{
		{CaseReads, func() (*Result, error) { return Reads(o, ReadsConfig{N: 3000, Reads: 3}) }},
		{CaseSync, func() (*Result, error) { return Sync(o, SyncConfig{N: 5000}) }},
		{CaseRoundTrip, func() (*Result, error) { return RoundTrip(o, RoundTripConfig{Trips: 50, SetMax: 10}) }},
		{CaseStartup, func() (*Result, error) { return Startup(o, StartupConfig{Runs: 3}) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.run()
			if err != nil {
				t.Fatal(err)
			}
			if res.Case != tt.name || len(res.Series) != 2 || len(res.Summary) != 2 || len(res.Notes) == 0 {
				t.Fatalf("result = %+v", res)
			}
			node, cat := res.Summary[0], res.Summary[1]
			if node.Median <= 0 || cat.Median <= 0 || node.RatioPairs <= 0 || node.RatioMedians <= 0 {
				t.Errorf("summaries = %+v, %+v", node, cat)
			}
			if runtime.GOOS == "linux" && (node.PeakMedian <= 0 || cat.PeakMedian <= 0) {
				t.Errorf("no peak RSS: %+v, %+v", node, cat)
			}
			wantRuns := 2
			if tt.name == CaseStartup {
				wantRuns = 3
			}
			for _, s := range res.Series {
				if s.Warmup == nil || len(s.Runs) != wantRuns {
					t.Errorf("%s: warm-up %v, %d runs", s.Binary.Name, s.Warmup, len(s.Runs))
				}
			}
			var b bytes.Buffer
			if err := res.WriteTable(&b); err != nil || !strings.Contains(b.String(), "| node |") {
				t.Errorf("table:\n%s (%v)", b.String(), err)
			}
		})
	}
}
