package cluster

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// Sentinel errors. Errors returned by New and Run wrap one of these.
var (
	// ErrNoBinary means Options.Bin is empty or not an executable file.
	ErrNoBinary = errors.New("cluster: node binary missing or not executable")
	// ErrBadOption means an option is out of range.
	ErrBadOption = errors.New("cluster: invalid option")
	// ErrUnknownTopology means Options.Topology names no known topology.
	ErrUnknownTopology = errors.New("cluster: unknown topology")
	// ErrUnknownLatencyDist means Options.LatencyDist names no known
	// distribution.
	ErrUnknownLatencyDist = errors.New("cluster: unknown latency distribution")
	// ErrUnknownNemesis means Options.Nemesis names no known fault.
	ErrUnknownNemesis = errors.New("cluster: unknown nemesis")
	// ErrSetup means a node could not be started or did not answer init or
	// topology in time; the test did not run.
	ErrSetup = errors.New("cluster: node setup failed")
	// ErrAlreadyRun means Run was called a second time on a Cluster.
	ErrAlreadyRun = errors.New("cluster: Run called twice")
	// ErrBadJSON means a node printed a line that is not a JSON object.
	ErrBadJSON = errors.New("cluster: line is not valid JSON")
	// ErrBadMessage means a line is JSON but not a message: src, dest or body
	// is missing or of the wrong type, or an id is unknown.
	ErrBadMessage = errors.New("cluster: malformed message")
	// ErrBadRateSchedule means Options.RateSchedule, or the text given to
	// ParseRateSchedule, is not a valid schedule, or that Rate or TimeLimit
	// was set beside it.
	ErrBadRateSchedule = errors.New("cluster: invalid rate schedule")
)

// Options configures a Cluster. The zero value of every field means its
// default, which is Maelstrom's default where Maelstrom has the option. An
// Options is copied by New; changing it afterwards has no effect.
type Options struct {
	// Bin is the node binary to run, one process per node. Required.
	Bin string `json:"bin"`
	// Args are passed to every node process.
	Args []string `json:"args,omitempty"`
	// Env holds extra KEY=VALUE pairs for the node processes, appended to
	// the bench's own environment (so they win over it).
	Env []string `json:"env,omitempty"`
	// Dir is the node processes' working directory; empty means the
	// bench's.
	Dir string `json:"dir,omitempty"`

	// NodeCount is the number of nodes, n0..n(NodeCount-1). Default 5.
	NodeCount int `json:"node_count"`
	// Topology is the neighbour map sent to the nodes: grid, line, tree
	// (tree2), tree2, tree3, tree4 or total. Default grid.
	Topology string `json:"topology"`
	// TimeLimit is how long the workload runs, before recovery and final
	// reads. Default 60 s, as jepsen. With RateSchedule it is the sum of
	// the phases' durations, filled in by New; leave it zero.
	TimeLimit time.Duration `json:"time_limit"`
	// Rate is the mean number of client requests per second, over all
	// clients. Default 5. With RateSchedule it is the schedule's
	// time-weighted mean, filled in by New; leave it zero.
	Rate float64 `json:"rate"`
	// RateSchedule, when not empty, replaces Rate and TimeLimit: the
	// workload runs each phase in turn, at the phase's rate for the
	// phase's duration (the generator's random gaps are stretched to each
	// phase's rate as they cross a boundary, and a phase at rate 0 sends
	// nothing). The result then has one RatePhaseResult per phase.
	// ParseRateSchedule reads the command line's "rate:seconds,..." form.
	// Default none.
	RateSchedule []RatePhase `json:"rate_schedule,omitempty"`
	// Concurrency is the number of clients; client i is bound to node
	// i mod NodeCount. Default NodeCount.
	Concurrency int `json:"concurrency"`

	// Latency is the mean delay of a server-to-server message. Client
	// traffic is never delayed. Default 0.
	Latency time.Duration `json:"latency"`
	// LatencyDist shapes the delays: constant, uniform or exponential.
	// Default constant. Constant latency keeps the messages between two
	// nodes in the order they were sent; uniform and exponential draw each
	// message's delay independently, so they also reorder messages between
	// the same pair: they are the way to test reordering (exponential, with
	// its long tail, the harder one).
	LatencyDist string `json:"latency_dist"`
	// Loss is the probability that a server-to-server message is dropped
	// when sent, in [0, 1). Default 0.
	Loss float64 `json:"loss"`
	// Jitter adds to every server-to-server message an extra delay drawn
	// uniformly from [0, Jitter], on top of its latency draw and
	// independently per message (a duplicated copy draws its own), so that
	// messages between two nodes may overtake each other even under
	// constant latency. The draws come from random streams of their own,
	// seeded from Seed: a run with Jitter 0 draws nothing from them, and
	// every other random choice of a run is the same whatever Jitter is.
	// Default 0: none.
	Jitter time.Duration `json:"jitter"`
	// Duplicate is the probability that a server-to-server message that
	// was not lost is delivered twice, in [0, 1). The copy draws its own
	// latency (so it may arrive first) and meets partitions on its own.
	// Copies are not sends: they count in recv-count, not in msgs-per-op.
	// Maelstrom's network never duplicates. Default 0.
	Duplicate float64 `json:"duplicate"`
	// Nemesis is a comma-separated list of faults: partition (Maelstrom's
	// only one), pause and kill (the bench's own; jepsen has them, but
	// Maelstrom's processes cannot be paused or killed). Each fault runs
	// its own schedule; pause and kill never hit a node that another pause
	// or kill holds. Default none.
	//
	//   - partition: a random cut of the network (PartitionKinds), healed
	//     later;
	//   - pause: one random node is stopped (SIGSTOP) and later resumed
	//     (SIGCONT); messages to it wait in its stdin pipe meanwhile;
	//   - kill: one random node is killed (SIGKILL) and later replaced by a
	//     fresh process with the same id, which gets init (same node_id and
	//     node_ids) and the topology again and starts empty. Messages to
	//     the dead node are dropped; its clients time out.
	Nemesis string `json:"nemesis,omitempty"`
	// NemesisInterval is the mean time between nemesis actions of each
	// fault (start a partition, heal it; pause a node, resume it; kill a
	// node, restart it): every gap is uniform in [0, 2·NemesisInterval).
	// Default 10 s.
	NemesisInterval time.Duration `json:"nemesis_interval"`

	// Recovery is the quiet period after healing and before the final
	// reads. Default 10 s; negative means none.
	Recovery time.Duration `json:"recovery"`
	// RPCTimeout is how long a client waits for a reply before the request
	// counts as indeterminate (broadcast) or failed (read). Default 5 s.
	RPCTimeout time.Duration `json:"rpc_timeout"`
	// InitTimeout is how long a node may take to answer init. Default 10 s.
	InitTimeout time.Duration `json:"init_timeout"`
	// NodeNice is the niceness added to every node process (on Linux), so
	// that on a busy machine the simulated network is served before the
	// nodes and its delivery times stay accurate. Zero means the default,
	// 10; negative means none (the nodes run at the bench's priority). At
	// most 19.
	NodeNice int `json:"node_nice"`
	// BackgroundLoad is the number of busy-looping background processes
	// (/bin/sh -c 'while :; do :; done', at the bench's own priority) that
	// run for the whole of Run, to put the nodes under CPU contention:
	// they start before the nodes and are killed when Run returns, also
	// when it fails or its context is cancelled (and, on Linux, when the
	// bench process dies: they get SIGKILL as their parent-death signal).
	// Their CPU time is reported in LoadResult.BackgroundCPU. Unix only.
	// Default 0: none; at most 256.
	BackgroundLoad int `json:"background_load"`
	// Seed seeds every random choice of the bench (workload mix, request
	// times, latencies, loss, partitions). Zero means a seed from the clock;
	// the seed used is reported in the result.
	Seed int64 `json:"seed"`

	// MemoryInterval is how often the bench reads every node's resident
	// memory (VmRSS from /proc/PID/status; Linux only) for
	// Result.Memory and node-memory.png. Zero means the default, 1 s;
	// negative means never.
	MemoryInterval time.Duration `json:"memory_interval"`

	// OutDir receives results.json, node-logs/<id>.log with each node's
	// stderr, and the plots. Empty means no files: node stderr is
	// discarded.
	OutDir string `json:"out_dir,omitempty"`
	// Progress receives a one-line progress display while the test runs;
	// nil means none.
	Progress io.Writer `json:"-"`
	// ProgressInPlace redraws the progress line in place with a carriage
	// return (for terminals); otherwise a new line is written every few
	// seconds.
	ProgressInPlace bool `json:"-"`
}

// DefaultOptions returns the defaults that a zero Options stands for, with
// Bin left empty.
func DefaultOptions() Options {
	o := Options{}
	o.fill()
	return o
}

// fill replaces zero values with defaults. A rate schedule fills in
// TimeLimit and Rate (checkSchedule has made sure they were unset or
// agree).
func (o *Options) fill() {
	if o.NodeCount == 0 {
		o.NodeCount = 5
	}
	if o.Topology == "" {
		o.Topology = "grid"
	}
	if len(o.RateSchedule) > 0 {
		o.TimeLimit, o.Rate = scheduleTotals(o.RateSchedule)
	}
	if o.TimeLimit == 0 {
		o.TimeLimit = 60 * time.Second
	}
	if o.Rate == 0 {
		o.Rate = 5
	}
	if o.Concurrency == 0 {
		o.Concurrency = o.NodeCount
	}
	if o.LatencyDist == "" {
		o.LatencyDist = "constant"
	}
	if o.NemesisInterval == 0 {
		o.NemesisInterval = 10 * time.Second
	}
	if o.Recovery == 0 {
		o.Recovery = 10 * time.Second
	}
	if o.Recovery < 0 {
		o.Recovery = 0
	}
	if o.RPCTimeout == 0 {
		o.RPCTimeout = 5 * time.Second
	}
	if o.InitTimeout == 0 {
		o.InitTimeout = 10 * time.Second
	}
	if o.MemoryInterval == 0 {
		o.MemoryInterval = time.Second
	}
	if o.NodeNice == 0 {
		o.NodeNice = 10
	}
	if o.NodeNice < 0 {
		o.NodeNice = 0
	}
}

// validate checks filled options.
func (o *Options) validate() error {
	if o.Bin == "" {
		return ErrNoBinary
	}
	st, err := os.Stat(o.Bin)
	if err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
		return fmt.Errorf("%w: %s", ErrNoBinary, o.Bin)
	}
	switch {
	case o.NodeCount < 1 || o.NodeCount > 10000:
		return fmt.Errorf("%w: node count %d", ErrBadOption, o.NodeCount)
	case o.TimeLimit < 0:
		return fmt.Errorf("%w: time limit %v", ErrBadOption, o.TimeLimit)
	case o.Rate < 0:
		return fmt.Errorf("%w: rate %v", ErrBadOption, o.Rate)
	case o.Concurrency < 1:
		return fmt.Errorf("%w: concurrency %d", ErrBadOption, o.Concurrency)
	case o.Latency < 0:
		return fmt.Errorf("%w: latency %v", ErrBadOption, o.Latency)
	case o.Loss < 0 || o.Loss >= 1:
		return fmt.Errorf("%w: loss %v not in [0, 1)", ErrBadOption, o.Loss)
	case o.Duplicate < 0 || o.Duplicate >= 1:
		return fmt.Errorf("%w: duplicate %v not in [0, 1)", ErrBadOption, o.Duplicate)
	case o.NemesisInterval < 0:
		return fmt.Errorf("%w: nemesis interval %v", ErrBadOption, o.NemesisInterval)
	case o.NodeNice > 19:
		return fmt.Errorf("%w: node nice %d above 19", ErrBadOption, o.NodeNice)
	case o.Jitter < 0:
		return fmt.Errorf("%w: jitter %v", ErrBadOption, o.Jitter)
	case o.BackgroundLoad < 0 || o.BackgroundLoad > maxBackgroundLoad:
		return fmt.Errorf("%w: background load %d not in [0, %d]", ErrBadOption, o.BackgroundLoad, maxBackgroundLoad)
	case o.BackgroundLoad > 0 && !canBackgroundLoad:
		return fmt.Errorf("%w: background load needs /bin/sh (Unix)", ErrBadOption)
	case o.RPCTimeout < 0 || o.InitTimeout < 0:
		return fmt.Errorf("%w: negative timeout", ErrBadOption)
	}
	if !slices.Contains(Topologies, o.Topology) {
		return fmt.Errorf("%w: %q", ErrUnknownTopology, o.Topology)
	}
	if _, err := newLatency(o.LatencyDist, o.Latency); err != nil {
		return fmt.Errorf("%w: %q", err, o.LatencyDist)
	}
	f, err := o.faults()
	if err != nil {
		return err
	}
	if f.pause && !canPause {
		return fmt.Errorf("%w: the pause nemesis needs SIGSTOP and SIGCONT (Unix)", ErrBadOption)
	}
	for _, kv := range o.Env {
		if !strings.Contains(kv, "=") {
			return fmt.Errorf("%w: environment entry %q is not KEY=VALUE", ErrBadOption, kv)
		}
	}
	return nil
}

// faultSet says which faults the nemesis injects.
type faultSet struct{ partition, pause, kill bool }

func (f faultSet) any() bool { return f.partition || f.pause || f.kill }

// NemesisFaults lists the faults Options.Nemesis may name.
var NemesisFaults = []string{"partition", "pause", "kill"}

// faults parses Options.Nemesis.
func (o *Options) faults() (faultSet, error) {
	var f faultSet
	for _, name := range strings.Split(o.Nemesis, ",") {
		switch strings.TrimSpace(name) {
		case "":
		case "partition":
			f.partition = true
		case "pause":
			f.pause = true
		case "kill":
			f.kill = true
		default:
			return faultSet{}, fmt.Errorf("%w: %q", ErrUnknownNemesis, name)
		}
	}
	return f, nil
}
