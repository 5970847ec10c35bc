package tradeoff

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestParseJitters(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		in      string
		want    []time.Duration
		wantErr bool
	}{
		{in: "0,2,5,10,20", want: []time.Duration{0, 2 * ms, 5 * ms, 10 * ms, 20 * ms}},
		{in: " 0.5 , 500us,1s", want: []time.Duration{500 * time.Microsecond, 500 * time.Microsecond, time.Second}},
		{in: "3,", want: []time.Duration{3 * ms}},
		{in: "", wantErr: true},
		{in: "-1", wantErr: true},
		{in: "fast", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseJitters(tt.in)
			if (err != nil) != tt.wantErr || !slices.Equal(got, tt.want) {
				t.Errorf("ParseJitters(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestJitterVariants(t *testing.T) {
	base := Variant{Name: "balanced (default)"}
	lat := Variant{Name: "latency", Env: []string{"GOSSIP_PROFILE=latency"}, Bench: BenchSettings{Jitter: time.Second, BackgroundLoad: 1}}
	levels := []time.Duration{0, 2 * time.Millisecond, 500 * time.Microsecond}
	tests := []struct {
		name  string
		bases []Variant
		want  []string
	}{
		{"one base", []Variant{base}, []string{"jitter 0ms", "jitter 2ms", "jitter 500µs"}},
		{"two bases", []Variant{base, lat}, []string{
			"balanced (default) / jitter 0ms", "balanced (default) / jitter 2ms", "balanced (default) / jitter 500µs",
			"latency / jitter 0ms", "latency / jitter 2ms", "latency / jitter 500µs"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vs, err := JitterVariants(tt.bases, levels)
			if err != nil {
				t.Fatal(err)
			}
			if got := names(vs); !slices.Equal(got, tt.want) {
				t.Errorf("names %q, want %q", got, tt.want)
			}
			if err := checkVariants(vs); err != nil {
				t.Error(err)
			}
			for i, v := range vs {
				b := tt.bases[i/len(levels)]
				if v.Base != b.Name || v.Bench.Jitter != levels[i%len(levels)] || !slices.Equal(v.Env, b.Env) ||
					v.Bench.BackgroundLoad != b.Bench.BackgroundLoad {
					t.Errorf("variant %d: %+v from %+v", i, v, b)
				}
			}
		})
	}
	if _, err := JitterVariants(nil, levels); err == nil {
		t.Error("no base: want an error")
	}
}

func TestParseVariant_BenchSettings(t *testing.T) {
	tests := []struct {
		in      string
		want    Variant
		wantErr bool
	}{
		{in: "j5=jitter=5ms", want: Variant{Name: "j5", Bench: BenchSettings{Jitter: 5 * time.Millisecond}}},
		{in: "busy=background-load=2,node-nice=-1,GOSSIP_BATCH=100ms,node-count=10", want: Variant{Name: "busy",
			Env: []string{"GOSSIP_BATCH=100ms"}, Bench: BenchSettings{BackgroundLoad: 2, NodeNice: -1, NodeCount: 10}}},
		{in: "x=jitter=5", wantErr: true},
		{in: "x=jitter=-1ms", wantErr: true},
		{in: "x=node-nice=20", wantErr: true},
		{in: "x=background-load=many", wantErr: true},
		{in: "x=node-count=0", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseVariant(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Errorf("got %+v, want an error", got)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %+v, %v; want %+v", got, err, tt.want)
			}
			// String writes what ParseVariant reads.
			if back, err := ParseVariant(got.String()); err != nil || !reflect.DeepEqual(back, got) {
				t.Errorf("round trip through %q: %+v, %v", got.String(), back, err)
			}
		})
	}
}

func TestClusterOptions_BenchSettings(t *testing.T) {
	o := Options{Bin: "node"}
	o.fill()
	v := Variant{Name: "v", Bench: BenchSettings{Jitter: 5 * time.Millisecond, NodeNice: -1, BackgroundLoad: 2, NodeCount: 7}}
	c := o.clusterOptions(v, 3, "")
	if c.Jitter != 5*time.Millisecond || c.NodeNice != -1 || c.BackgroundLoad != 2 || c.NodeCount != 7 || c.Seed != 3 {
		t.Errorf("bench options %+v", c)
	}
	if c := o.clusterOptions(Variant{Name: "plain"}, 1, ""); c.Jitter != 0 || c.NodeNice != 0 || c.BackgroundLoad != 0 || c.NodeCount != 25 {
		t.Errorf("a variant without bench settings: %+v", c)
	}
	if got := v.Settings(); got != "jitter=5ms node-nice=-1 background-load=2 node-count=7" {
		t.Errorf("settings %q", got)
	}
}

// jitterSample is a made-up jitter sweep of two bases.
func jitterSample() *Result {
	r := &Result{
		Config: Config{Bin: "/x/node", Runs: 3, Seeds: []int64{1, 2, 3}, NodeCount: 25, Topology: "grid",
			TimeLimit: 20, Recovery: 10, Rate: 100, Latency: 100},
		Goal: DefaultGoal, Sweep: SweepJitter, Command: "go run ./bench/cmd/tradeoff -bin ./bin/node -sweep jitter",
	}
	bases := []Variant{{Name: "balanced (default)"}, {Name: "latency", Env: []string{"GOSSIP_PROFILE=latency"}}}
	vs, _ := JitterVariants(bases, []time.Duration{0, 2 * time.Millisecond, 5 * time.Millisecond, 10 * time.Millisecond, 20 * time.Millisecond})
	for i, v := range vs {
		j := float64(v.Bench.Jitter) / 1e6
		k := float64(i / 5)
		var runs []RunResult
		for seed := int64(1); seed <= 3; seed++ {
			d := float64(seed - 2)
			runs = append(runs, run(seed, 1.3+k+0.01*j+0.03*d, 280-70*k+2*j+5*d, 430-90*k+4*j+12*d, true, 0))
		}
		r.Variants = append(r.Variants, Summarize(v, runs))
	}
	return r
}

func TestWriteFiles_Jitter(t *testing.T) {
	dir := t.TempDir()
	r := jitterSample()
	if err := r.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	if want := []string{"table.md", "jitter.png", "results.json"}; !slices.Equal(r.Files, want) {
		t.Errorf("files %q, want %q", r.Files, want)
	}
	checkPNG(t, filepath.Join(dir, "jitter.png"))
	md, err := os.ReadFile(filepath.Join(dir, "table.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| latency / jitter 20ms ", "`jitter=20ms GOSSIP_PROFILE=latency`", "Jitter sweep:", "| median ", "1-3"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("table.md lacks %q:\n%s", want, md)
		}
	}
	if g := r.jitterSeriesOf(); len(g) != 2 || len(g[1].med) != 5 || len(g[1].runs) != 15 || g[1].med[4].X != 20 {
		t.Errorf("series %+v", g)
	}
}

// TestMarkdown_MedianRows checks the per-run table of one variant run with
// several seeds: every run, then a row of medians.
func TestMarkdown_MedianRows(t *testing.T) {
	r := &Result{Config: Config{Runs: 3, Seeds: []int64{1, 2, 3}}, Goal: DefaultGoal}
	runs := []RunResult{run(1, 1.2, 280, 450, true, 0), run(2, 1.4, 300, 420, false, 2), run(3, 1.3, 290, 470, true, 0)}
	for i := range runs {
		runs[i].P99Ms, runs[i].NodeCPUPerOp, runs[i].Ops = runs[i].MaxMs-10, 100*float64(i+1), 2000
	}
	r.Variants = []Summary{Summarize(Variant{Name: "balanced (default)"}, runs)}
	md := r.Markdown(true)
	for _, want := range []string{
		"| balanced (default) |    1 |    1.20 |       280 |    440 |    450 | yes   |    0 | 2000 |       100 |",
		"| balanced (default) |    2 |    1.40 |       300 |    410 |    420 | no    |    2 | 2000 |       200 |",
		"| median             |  1-3 |    1.30 |       290 |    440 |    450 | 2/3   |    2 |      |       200 |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("per-run table lacks\n%s\nin:\n%s", want, md)
		}
	}
}
