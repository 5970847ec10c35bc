package tradeoff

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/maelstrom-gossip/node/bench/cluster"
)

// Defaults: Gossip Glomers' efficiency setting (challenge 3d), with the
// bench's recovery period.
const (
	DefaultRuns      = 3
	DefaultNodeCount = 25
	DefaultTimeLimit = 20 * time.Second
	DefaultRecovery  = 10 * time.Second
	DefaultRate      = 100.0
	DefaultLatency   = 100 * time.Millisecond
)

// DefaultGoal is the node's own target, well inside the bounds of Gossip
// Glomers' challenge 3d (below 30 msgs-per-op, median latency below 400 ms,
// maximum below 600 ms).
var DefaultGoal = Goal{MsgsPerOp: 1.5, MedianMs: 300, MaxMs: 450}

// ErrOptions is wrapped by the errors Sweep returns before running anything
// because of its options or variants.
var ErrOptions = errors.New("tradeoff: invalid options")

// Goal is the target drawn as a dashed box on the plot and checked in the
// table's goal column.
type Goal struct {
	MsgsPerOp float64 `json:"msgs_per_op"`
	MedianMs  float64 `json:"median_latency_ms"`
	MaxMs     float64 `json:"max_latency_ms"`
}

// Options configures a sweep. The zero value of a field means its default.
type Options struct {
	// Bin is the node binary. Required.
	Bin string
	// Runs is the number of runs per variant, with bench seeds 1..Runs.
	// Default 3.
	Runs int
	// NodeCount is the number of nodes. Default 25.
	NodeCount int
	// Topology is the bench's topology; empty means the bench's default
	// (grid).
	Topology string
	// TimeLimit is the workload's length. Default 20 s.
	TimeLimit time.Duration
	// Recovery is the quiet period before the final reads. Default 10 s;
	// negative means none.
	Recovery time.Duration
	// Rate is client requests per second, in total. Default 100.
	Rate float64
	// Latency is the constant server-to-server latency. Default 100 ms;
	// negative means none.
	Latency time.Duration
	// Goal is the target on the plot and in the table; a zero field means
	// DefaultGoal's.
	Goal Goal

	// OutDir receives results.json, table.md and tradeoff.png; empty means
	// no files.
	OutDir string
	// RunFiles keeps each run's own bench output (results.json, plots, node
	// logs) under OutDir/runs/.
	RunFiles bool
	// Progress receives one line per run; nil means none.
	Progress io.Writer
	// ClusterProgress receives the bench's own progress line while a run
	// is under way, redrawn in place: meant for a terminal. Nil means none.
	ClusterProgress io.Writer
	// Command is the command line that reproduces the sweep, recorded in
	// the result and printed under the table.
	Command string
	// Sweep names the preset that made the variants: "jitter" (made by
	// JitterVariants) draws jitter.png, stable latency and msgs-per-op
	// against each variant's jitter, instead of tradeoff.png. Empty means
	// none.
	Sweep string
}

// Sweep presets, for Options.Sweep.
const (
	SweepJitter = "jitter"
)

func (o *Options) fill() {
	if o.Runs == 0 {
		o.Runs = DefaultRuns
	}
	if o.NodeCount == 0 {
		o.NodeCount = DefaultNodeCount
	}
	if o.Topology == "" {
		o.Topology = cluster.DefaultOptions().Topology
	}
	if o.TimeLimit == 0 {
		o.TimeLimit = DefaultTimeLimit
	}
	if o.Recovery == 0 {
		o.Recovery = DefaultRecovery
	}
	if o.Rate == 0 {
		o.Rate = DefaultRate
	}
	if o.Latency == 0 {
		o.Latency = DefaultLatency
	}
	if o.Goal.MsgsPerOp == 0 {
		o.Goal.MsgsPerOp = DefaultGoal.MsgsPerOp
	}
	if o.Goal.MedianMs == 0 {
		o.Goal.MedianMs = DefaultGoal.MedianMs
	}
	if o.Goal.MaxMs == 0 {
		o.Goal.MaxMs = DefaultGoal.MaxMs
	}
}

func (o *Options) validate() error {
	switch {
	case o.Bin == "":
		return fmt.Errorf("%w: no node binary", ErrOptions)
	case o.Runs < 1:
		return fmt.Errorf("%w: runs %d", ErrOptions, o.Runs)
	case o.TimeLimit < 0:
		return fmt.Errorf("%w: time limit %v", ErrOptions, o.TimeLimit)
	case o.Rate < 0:
		return fmt.Errorf("%w: rate %v", ErrOptions, o.Rate)
	case o.Goal.MsgsPerOp < 0 || o.Goal.MedianMs < 0 || o.Goal.MaxMs < 0:
		return fmt.Errorf("%w: negative goal %+v", ErrOptions, o.Goal)
	case o.Sweep != "" && o.Sweep != SweepJitter:
		return fmt.Errorf("%w: unknown sweep preset %q", ErrOptions, o.Sweep)
	}
	return nil
}

// clusterOptions are the bench options of one run: the sweep's, with the
// variant's bench settings over them.
func (o *Options) clusterOptions(v Variant, seed int64, dir string) cluster.Options {
	lat := max(o.Latency, 0)
	nodes := o.NodeCount
	if v.Bench.NodeCount > 0 {
		nodes = v.Bench.NodeCount
	}
	return cluster.Options{
		Bin:             o.Bin,
		Env:             append(inheritedResets(v.Env), v.Env...),
		NodeCount:       nodes,
		Jitter:          v.Bench.Jitter,
		NodeNice:        v.Bench.NodeNice,
		BackgroundLoad:  v.Bench.BackgroundLoad,
		Topology:        o.Topology,
		TimeLimit:       o.TimeLimit,
		Rate:            o.Rate,
		Latency:         lat,
		LatencyDist:     "constant",
		Recovery:        o.Recovery, // never zero once filled; negative means none
		Seed:            seed,
		OutDir:          dir,
		Progress:        o.ClusterProgress,
		ProgressInPlace: true,
	}
}

// inheritedResets blanks the GOSSIP_* variables of the bench's environment
// that env does not set: the node processes inherit the bench's
// environment, and the node reads an empty variable as unset.
func inheritedResets(env []string) []string {
	var out []string
	for _, key := range inheritedGossipVars() {
		set := slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, key+"=") })
		if !set {
			out = append(out, key+"=")
		}
	}
	return out
}

// inheritedGossipVars lists the non-empty GOSSIP_* variables of the
// bench's environment, sorted.
func inheritedGossipVars() []string {
	var keys []string
	for _, kv := range os.Environ() {
		key, val, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(key, "GOSSIP_") && val != "" {
			keys = append(keys, key)
		}
	}
	slices.Sort(keys)
	return keys
}

// Config is a sweep's configuration as recorded in results.json, defaults
// filled in.
type Config struct {
	Bin       string `json:"bin"`
	BinSHA256 string `json:"bin_sha256,omitempty"`
	Runs      int    `json:"runs"`
	// Seeds are the bench seeds, the same for every variant.
	Seeds     []int64 `json:"seeds"`
	NodeCount int     `json:"node_count"`
	Topology  string  `json:"topology"`
	TimeLimit float64 `json:"time_limit_s"`
	Recovery  float64 `json:"recovery_s"`
	Rate      float64 `json:"rate"`
	Latency   float64 `json:"latency_ms"`
	// ClearedEnv lists the GOSSIP_* variables of the bench's environment
	// that were blanked for the nodes.
	ClearedEnv []string `json:"cleared_env,omitempty"`
}

// RunResult is what one run of one variant measured.
type RunResult struct {
	Seed int64 `json:"seed"`
	// Ran is whether the workload ran; Error says why not, or what else
	// went wrong.
	Ran   bool   `json:"ran"`
	Error string `json:"error,omitempty"`
	// MsgsPerOp is Maelstrom's server msgs-per-op.
	MsgsPerOp float64 `json:"msgs_per_op"`
	// MedianMs, P95Ms, P99Ms and MaxMs are set-full's stable latency
	// quantiles 0.5, 0.95, 0.99 and 1, meaningful when StableCount > 0.
	MedianMs    float64  `json:"median_latency_ms"`
	P95Ms       float64  `json:"p95_latency_ms"`
	P99Ms       float64  `json:"p99_latency_ms"`
	MaxMs       float64  `json:"max_latency_ms"`
	StableCount int      `json:"stable_count"`
	Valid       bool     `json:"valid"`
	Reasons     []string `json:"reasons,omitempty"`
	LostCount   int      `json:"lost_count"`
	// Ops counts client operations (final reads included), ServerMsgs
	// server-to-server messages, ServerTypes the latter by body type.
	Ops         int              `json:"ops"`
	ServerMsgs  int64            `json:"server_msgs"`
	ServerTypes map[string]int64 `json:"server_types,omitempty"`
	// SchedP99Ms is the bench's p99 delivery scheduling error; a large
	// one means the machine was too busy for accurate latencies.
	SchedP99Ms float64 `json:"sched_error_p99_ms"`
	// NodeCPU is the node processes' CPU time, in seconds, NodeCPUPerOp
	// that per client operation, in microseconds, and Busiest the node
	// that used the most CPU (see cluster.LoadResult).
	NodeCPU      float64          `json:"node_cpu_s"`
	NodeCPUPerOp float64          `json:"node_cpu_us_per_op"`
	Busiest      cluster.NodeLoad `json:"busiest"`
	Elapsed      float64          `json:"elapsed_s"`
	// Dir is the run's own output folder, relative to the sweep's.
	Dir string `json:"dir,omitempty"`
}

// hasLatency reports whether the run has stable latencies.
func (r *RunResult) hasLatency() bool { return r.Ran && r.StableCount > 0 }

// fromCluster copies the figures of a bench result.
func fromCluster(seed int64, res *cluster.Result) RunResult {
	r := RunResult{
		Seed: seed, Ran: true,
		MsgsPerOp:    res.Net.Servers.MsgsPerOp,
		StableCount:  res.Workload.StableCount,
		Valid:        res.Valid,
		Reasons:      res.Reasons,
		LostCount:    res.Workload.LostCount,
		Ops:          res.Stats.Count,
		ServerMsgs:   res.Net.Servers.MsgCount,
		ServerTypes:  res.Net.ServerTypes,
		SchedP99Ms:   res.Bench.SchedulingError.P99,
		NodeCPU:      res.Load.NodeCPU,
		NodeCPUPerOp: res.Load.NodeCPUPerOp,
		Busiest:      res.Load.Busiest,
	}
	if q := res.Workload.StableLatencies; q != nil {
		r.MedianMs, r.P95Ms, r.P99Ms, r.MaxMs = float64(q["0.5"]), float64(q["0.95"]), float64(q["0.99"]), float64(q["1"])
	}
	return r
}

// Summary is one variant's figures: the median over its runs of each, and
// the runs themselves.
type Summary struct {
	Variant
	// MsgsPerOp and NodeCPUPerOp are the medians over the runs that ran;
	// MedianMs, P99Ms and MaxMs the medians over the runs with stable
	// values (LatencyRuns of them).
	MsgsPerOp    float64 `json:"msgs_per_op"`
	NodeCPUPerOp float64 `json:"node_cpu_us_per_op"`
	MedianMs     float64 `json:"median_latency_ms"`
	P99Ms        float64 `json:"p99_latency_ms"`
	MaxMs        float64 `json:"max_latency_ms"`
	LatencyRuns  int     `json:"latency_runs"`
	// Ran counts the runs whose workload ran, ValidRuns the valid ones;
	// LostTotal adds up the lost values of all runs.
	Ran       int         `json:"ran"`
	ValidRuns int         `json:"valid_runs"`
	LostTotal int         `json:"lost_total"`
	Runs      []RunResult `json:"runs"`
}

// Summarize computes a variant's summary from its runs.
func Summarize(v Variant, runs []RunResult) Summary {
	s := Summary{Variant: v, Runs: runs}
	var msgs, cpu, med, p99, mx []float64
	for i := range runs {
		r := &runs[i]
		if !r.Ran {
			continue
		}
		s.Ran++
		msgs = append(msgs, r.MsgsPerOp)
		cpu = append(cpu, r.NodeCPUPerOp)
		if r.Valid {
			s.ValidRuns++
		}
		s.LostTotal += r.LostCount
		if r.hasLatency() {
			med = append(med, r.MedianMs)
			p99 = append(p99, r.P99Ms)
			mx = append(mx, r.MaxMs)
		}
	}
	s.LatencyRuns = len(med)
	s.MsgsPerOp, s.NodeCPUPerOp = Median(msgs), Median(cpu)
	s.MedianMs, s.P99Ms, s.MaxMs = Median(med), Median(p99), Median(mx)
	return s
}

// MeetsGoal reports whether the variant meets g: every run valid, and its
// median figures within the goal.
func (s *Summary) MeetsGoal(g Goal) bool {
	return s.Ran > 0 && s.ValidRuns == len(s.Runs) && s.LatencyRuns > 0 &&
		s.MsgsPerOp <= g.MsgsPerOp && s.MedianMs <= g.MedianMs && s.MaxMs <= g.MaxMs
}

// Median returns the median of xs (the mean of the two middle values for an
// even count), 0 for none. It does not change xs.
func Median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// Result is a whole sweep.
type Result struct {
	Config Config `json:"config"`
	// Sweep is Options.Sweep: the preset that made the variants.
	Sweep   string    `json:"sweep,omitempty"`
	Goal    Goal      `json:"goal"`
	Command string    `json:"command,omitempty"`
	Started time.Time `json:"started"`
	Elapsed float64   `json:"elapsed_s"`
	// Interrupted is set when the context ended the sweep early; the
	// summaries then cover the runs that completed.
	Interrupted bool      `json:"interrupted,omitempty"`
	Variants    []Summary `json:"variants"`
	// Files lists what WriteFiles wrote, relative to its folder.
	Files []string `json:"files,omitempty"`
}

// Failed counts the runs whose workload did not run.
func (r *Result) Failed() int {
	n := 0
	for _, s := range r.Variants {
		n += len(s.Runs) - s.Ran
	}
	return n
}

// Sweep runs every variant opts.Runs times, one cluster at a time, and
// summarizes the runs. Errors wrapping ErrOptions come before any run. A
// run that fails to start is recorded (RunResult.Error) and the sweep goes
// on. When ctx ends, the run under way is dropped and Sweep returns the
// runs done so far, marked Interrupted, with ctx's error. With
// opts.OutDir set, Sweep writes results.json, table.md and tradeoff.png
// there, also after an interruption.
func Sweep(ctx context.Context, opts Options, variants []Variant) (*Result, error) {
	opts.fill()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if err := checkVariants(variants); err != nil {
		return nil, err
	}
	variants = slices.Clone(variants)
	if abs, err := filepath.Abs(opts.Bin); err == nil {
		opts.Bin = abs
	}
	// The bench checks the rest (binary, topology, environment syntax)
	// without starting anything.
	for _, v := range variants {
		if _, err := cluster.New(opts.clusterOptions(v, 1, "")); err != nil {
			return nil, fmt.Errorf("%w: variant %q: %w", ErrOptions, v.Name, err)
		}
	}
	if opts.OutDir != "" {
		if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrOptions, err)
		}
	}

	res := &Result{
		Config: Config{
			Bin: opts.Bin, BinSHA256: fileSHA256(opts.Bin), Runs: opts.Runs,
			NodeCount: opts.NodeCount, Topology: opts.Topology,
			TimeLimit: opts.TimeLimit.Seconds(), Recovery: max(opts.Recovery, 0).Seconds(),
			Rate: opts.Rate, Latency: float64(max(opts.Latency, 0)) / 1e6,
			ClearedEnv: inheritedGossipVars(),
		},
		Goal: opts.Goal, Command: opts.Command, Started: time.Now(), Sweep: opts.Sweep,
	}
	for i := 1; i <= opts.Runs; i++ {
		res.Config.Seeds = append(res.Config.Seeds, int64(i))
	}
	if opts.Progress != nil && len(res.Config.ClearedEnv) > 0 {
		fmt.Fprintf(opts.Progress, "tradeoff: blanking %s from the environment for the nodes\n", strings.Join(res.Config.ClearedEnv, ", "))
	}

	runs := make([][]RunResult, len(variants))
	total, done := opts.Runs*len(variants), 0
	var runErr error
sweep:
	for seed := int64(1); seed <= int64(opts.Runs); seed++ {
		for vi, v := range variants {
			r, err := runOne(ctx, &opts, vi, v, seed)
			if err != nil {
				runErr = err
				res.Interrupted = true
				break sweep
			}
			runs[vi] = append(runs[vi], r)
			done++
			if opts.Progress != nil {
				el := time.Since(res.Started)
				eta := time.Duration(float64(el) / float64(done) * float64(total-done)).Round(time.Second)
				fmt.Fprintf(opts.Progress, "tradeoff: [%d/%d] %s run %d/%d: %s, %.1fs (eta %v)\n",
					done, total, v.Name, seed, opts.Runs, runFigures(&r), r.Elapsed, eta)
			}
		}
	}
	for vi, v := range variants {
		res.Variants = append(res.Variants, Summarize(v, runs[vi]))
	}
	res.Elapsed = time.Since(res.Started).Seconds()
	if opts.OutDir != "" {
		if err := res.WriteFiles(opts.OutDir); err != nil {
			runErr = errors.Join(runErr, err)
		}
	}
	return res, runErr
}

// runOne runs one variant once. Its error is ctx's, when ctx ended the run;
// any other failure is recorded in the result.
func runOne(ctx context.Context, opts *Options, vi int, v Variant, seed int64) (RunResult, error) {
	if err := ctx.Err(); err != nil {
		return RunResult{}, err
	}
	dir, rel := "", ""
	if opts.RunFiles && opts.OutDir != "" {
		rel = filepath.Join("runs", fmt.Sprintf("%02d-%s", vi+1, slug(v.Name)), fmt.Sprintf("seed-%d", seed))
		dir = filepath.Join(opts.OutDir, rel)
	}
	start := time.Now()
	r := RunResult{Seed: seed, Dir: rel}
	c, err := cluster.New(opts.clusterOptions(v, seed, dir))
	if err != nil {
		r.Error = err.Error()
		return r, nil
	}
	cres, err := c.Run(ctx)
	if ctxErr := ctx.Err(); ctxErr != nil {
		return RunResult{}, ctxErr
	}
	if cres != nil {
		r = fromCluster(seed, cres)
		r.Dir = rel
	}
	if err != nil {
		r.Error = err.Error()
	}
	r.Elapsed = time.Since(start).Seconds()
	return r, nil
}

// runFigures describes one run for the progress line.
func runFigures(r *RunResult) string {
	if !r.Ran {
		return "FAILED: " + r.Error
	}
	lat := "no stable value"
	if r.hasLatency() {
		lat = fmt.Sprintf("median %s ms, max %s ms", fmtMs(r.MedianMs), fmtMs(r.MaxMs))
	}
	verdict := "valid"
	if !r.Valid {
		verdict = fmt.Sprintf("INVALID (%d lost)", r.LostCount)
	}
	s := fmt.Sprintf("%.2f msgs/op, %s, %.0f µs node CPU/op, %s", r.MsgsPerOp, lat, r.NodeCPUPerOp, verdict)
	if r.Error != "" {
		s += " (" + r.Error + ")"
	}
	return s
}

// fileSHA256 hashes the binary, so that results.json tells which build was
// measured; empty when it cannot be read.
func fileSHA256(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return ""
	}
	return hex.EncodeToString(h.Sum(nil))
}
