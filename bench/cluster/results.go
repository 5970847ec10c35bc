package cluster

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Result is everything a run measured. It is a plain value: safe to read
// from any goroutine once Run has returned it.
type Result struct {
	// Config is the run's configuration, durations in seconds.
	Config Config `json:"config"`
	// Valid is true when no value was lost or missing from a final read, no
	// unexpected value was read, no node crashed, every killed node
	// restarted and every stdout line was a valid message; Reasons says
	// what failed otherwise.
	Valid   bool     `json:"valid"`
	Reasons []string `json:"reasons"`
	// Workload is the set-full checker's report.
	Workload WorkloadResult `json:"workload"`
	// Stats counts client operations as jepsen's stats checker does.
	Stats OpStats `json:"stats"`
	// Net counts messages as Maelstrom's net checker does.
	Net NetResult `json:"net"`
	// Nodes describes each node process.
	Nodes []NodeResult `json:"nodes"`
	// BadLineCount counts stdout lines that were not valid messages;
	// BadLines keeps the first few.
	BadLineCount int       `json:"bad_line_count"`
	BadLines     []BadLine `json:"bad_lines"`
	// OddReplyCount counts replies of the wrong type; OddReplies keeps
	// a few.
	OddReplyCount int      `json:"odd_reply_count"`
	OddReplies    []string `json:"odd_replies"`
	// Nemesis lists the faults (partitions, pauses, kills), in seconds
	// since the workload began, in the order they started.
	Nemesis []NemesisEvent `json:"nemesis"`
	// Restarts reports each kill and the restart that followed: how long
	// the fresh process took to catch up, and what died with the killed
	// one.
	Restarts []RestartResult `json:"restarts"`
	// LostToKills lists, in increasing order, the values lost because a
	// node died between acknowledging and forwarding them: every
	// RestartResult's Lost. They are among the workload's lost or
	// final-missing values.
	LostToKillsCount int     `json:"lost_to_kills_count"`
	LostToKills      []int64 `json:"lost_to_kills"`
	// OpLatency is how long the workload's successful operations took, by
	// f (broadcast, read), from the client's request to the node's reply:
	// Maelstrom's latency plots, summarized. Final reads are left out.
	OpLatency map[string]DurationStats `json:"op_latency"`
	// Memory is every node's resident memory over the run.
	Memory MemoryResult `json:"memory"`
	// Load is what the nodes cost: CPU time, per operation and for the
	// busiest node.
	Load LoadResult `json:"load"`
	// RatePhases reports each phase of Options.RateSchedule; empty
	// without a schedule.
	RatePhases []RatePhaseResult `json:"rate_phases,omitempty"`

	// Bench reports the bench's own timing accuracy.
	Bench BenchResult `json:"bench"`
	// Phases gives how long each phase took, in seconds.
	Phases Phases `json:"phases"`
	// ServerMsgRate is server messages sent per second, one sample per
	// SeriesStep seconds from the workload's start.
	SeriesStep    float64   `json:"series_step_s"`
	ServerMsgRate []float64 `json:"server_msgs_per_s"`
	// OutDir and Files name what Run wrote.
	OutDir string   `json:"out_dir,omitempty"`
	Files  []string `json:"files,omitempty"`
}

// Config is the configuration a run used, with defaults filled in.
type Config struct {
	Bin         string   `json:"bin"`
	Args        []string `json:"args,omitempty"`
	Env         []string `json:"env,omitempty"`
	NodeCount   int      `json:"node_count"`
	Topology    string   `json:"topology"`
	TimeLimit   float64  `json:"time_limit_s"`
	Rate        float64  `json:"rate"`
	Concurrency int      `json:"concurrency"`
	// RateSchedule is Options.RateSchedule; Rate and TimeLimit are then
	// its mean and its length.
	RateSchedule []RatePhaseConfig `json:"rate_schedule,omitempty"`
	Latency      float64           `json:"latency_ms"`
	LatencyDist  string            `json:"latency_dist"`
	// Jitter is Options.Jitter: the most extra delay of a server message,
	// drawn uniformly from [0, Jitter].
	Jitter          float64 `json:"jitter_ms"`
	Loss            float64 `json:"loss"`
	Duplicate       float64 `json:"duplicate"`
	Nemesis         string  `json:"nemesis"`
	NemesisInterval float64 `json:"nemesis_interval_s"`
	Recovery        float64 `json:"recovery_s"`
	RPCTimeout      float64 `json:"rpc_timeout_s"`
	// NodeNice is the niceness the nodes ran at; 0 means the bench's own
	// priority.
	NodeNice int `json:"node_nice"`
	// BackgroundLoad counts the busy loops that ran beside the nodes.
	BackgroundLoad int   `json:"background_load"`
	Seed           int64 `json:"seed"`
}

// RatePhaseConfig is one phase of a rate schedule as results.json records
// it.
type RatePhaseConfig struct {
	Rate    float64 `json:"rate"`
	Seconds float64 `json:"seconds"`
}

// OpCounts counts operations by outcome.
type OpCounts struct {
	Count     int `json:"count"`
	OKCount   int `json:"ok_count"`
	FailCount int `json:"fail_count"`
	InfoCount int `json:"info_count"`
}

// OpStats counts client operations overall and by function.
type OpStats struct {
	OpCounts
	ByF map[string]OpCounts `json:"by_f"`
}

// NetStats counts messages of one class. MsgCount equals SendCount: every
// message sent is counted once, whether it was delivered or dropped.
// RecvCount counts deliveries, the copies made by Options.Duplicate
// included.
type NetStats struct {
	SendCount int64   `json:"send_count"`
	RecvCount int64   `json:"recv_count"`
	MsgCount  int64   `json:"msg_count"`
	MsgsPerOp float64 `json:"msgs_per_op"`
	Bytes     int64   `json:"bytes"`
	// BytesPerOp is Bytes divided by client operations.
	BytesPerOp float64 `json:"bytes_per_op"`
}

// NetResult holds network statistics in Maelstrom's three classes, plus the
// drops and the server message rate.
type NetResult struct {
	All     NetStats `json:"all"`
	Clients NetStats `json:"clients"`
	Servers NetStats `json:"servers"`
	// ServerTypes counts server-to-server messages sent, by body type.
	ServerTypes map[string]int64 `json:"server_types"`
	// DroppedLoss, DroppedPartition and DroppedDead count server messages
	// dropped by -loss, by a partition, and because the node had exited.
	DroppedLoss      int64 `json:"dropped_loss"`
	DroppedPartition int64 `json:"dropped_partition"`
	DroppedDead      int64 `json:"dropped_dead"`
	// Duplicated counts the extra copies of server messages delivered by
	// Options.Duplicate (each is one more recv, not one more send).
	Duplicated int64 `json:"duplicated"`
	// ControlMsgs counts the bench's own messages, in both directions,
	// that are not workload traffic and so are in no class above: the
	// catch-up probe reads and the init and topology of restarted nodes.
	ControlMsgs int64 `json:"control_msgs"`
	// ServerMsgsPerSec is server messages sent per second of workload.
	ServerMsgsPerSec float64 `json:"server_msgs_per_s"`
	// StaleReplies counts replies that arrived after their request had
	// timed out, or that answered nothing.
	StaleReplies int64 `json:"stale_replies"`
}

// NodeResult describes one node: the processes that ran as it. A process
// that exited before the bench ended it crashed (ExitCode and ExitTime are
// the first crash's); one the kill nemesis ended did not.
type NodeResult struct {
	ID       string  `json:"id"`
	Crashed  bool    `json:"crashed"`
	ExitCode int     `json:"exit_code"`
	ExitTime float64 `json:"exit_s,omitempty"`
	BadLines int     `json:"bad_lines"`
	// Incarnations counts the processes (1 + restarts); Killed those the
	// kill nemesis ended.
	Incarnations int `json:"incarnations"`
	Killed       int `json:"killed"`
	// Log is the node's stderr, every incarnation appended in turn.
	Log string `json:"log,omitempty"`
	// CPU is the CPU time (user plus system) of the node's processes, every
	// incarnation, in seconds, as wait4 reported it when each was reaped.
	CPU float64 `json:"cpu_s"`
	// ServerSent counts the server-to-server messages the node printed
	// (dropped ones included), ServerRecv those delivered to it (copies
	// made by Options.Duplicate included).
	ServerSent int64 `json:"server_sent"`
	ServerRecv int64 `json:"server_recv"`
}

// LoadResult is what the nodes cost.
type LoadResult struct {
	// NodeCPU is the CPU time (user plus system) of every node process, in
	// seconds: the sum of NodeResult.CPU, each process's own resource
	// usage as wait4 reported it when the bench reaped it, so that it
	// counts no other process (not the bench, nor the background load)
	// and is exact however many runs a process makes. Zero where the
	// platform does not report it.
	NodeCPU float64 `json:"node_cpu_s"`
	// NodeCPUPerOp is NodeCPU per client operation (final reads included,
	// as in msgs-per-op), in microseconds.
	NodeCPUPerOp float64 `json:"node_cpu_us_per_op"`
	// Busiest is the node whose processes used the most CPU time (with
	// equal CPU, the one that sent and received the most server
	// messages).
	Busiest NodeLoad `json:"busiest"`
	// BackgroundCPU is the CPU time the busy loops of
	// Options.BackgroundLoad got, in seconds.
	BackgroundCPU float64 `json:"background_cpu_s"`
}

// NodeLoad is one node's CPU time and server messages.
type NodeLoad struct {
	ID         string  `json:"id"`
	CPU        float64 `json:"cpu_s"`
	ServerSent int64   `json:"server_sent"`
	ServerRecv int64   `json:"server_recv"`
}

// nodeLoad sums up the nodes' CPU for ops client operations and finds the
// busiest node.
func nodeLoad(nodes []NodeResult, ops int) LoadResult {
	var l LoadResult
	for i, nr := range nodes {
		l.NodeCPU += nr.CPU
		b := &l.Busiest
		if i == 0 || nr.CPU > b.CPU || nr.CPU == b.CPU && nr.ServerSent+nr.ServerRecv > b.ServerSent+b.ServerRecv {
			*b = NodeLoad{ID: nr.ID, CPU: nr.CPU, ServerSent: nr.ServerSent, ServerRecv: nr.ServerRecv}
		}
	}
	if ops > 0 {
		l.NodeCPUPerOp = l.NodeCPU / float64(ops) * 1e6
	}
	return l
}

// RatePhaseResult reports one phase of Options.RateSchedule. Operations
// belong to the phase in which they were invoked, values to the phase in
// which they became known (acknowledged, or first seen by a read; values
// known after the workload belong to the last phase).
type RatePhaseResult struct {
	// Start and End bound the phase, seconds since the workload started;
	// Rate is the rate the schedule asked for.
	Start float64 `json:"start_s"`
	End   float64 `json:"end_s"`
	Rate  float64 `json:"rate"`
	// Ops counts the workload operations invoked during the phase, OKOps
	// those of them that succeeded; OpsPerSec is Ops over the phase's
	// length, the rate achieved.
	Ops       int     `json:"ops"`
	OKOps     int     `json:"ok_ops"`
	OpsPerSec float64 `json:"ops_per_s"`
	// Values counts the broadcast values that became known during the
	// phase, StableCount and LostCount those set-full calls stable and
	// lost; StableMedianMs, StableP99Ms and StableMaxMs are the stable
	// ones' stable latencies, picked as set-full picks its quantiles
	// (0 without stable values).
	Values         int   `json:"values"`
	StableCount    int   `json:"stable_count"`
	LostCount      int   `json:"lost_count"`
	StableMedianMs int64 `json:"stable_median_ms"`
	StableP99Ms    int64 `json:"stable_p99_ms"`
	StableMaxMs    int64 `json:"stable_max_ms"`
	// NodeCPU is the CPU time the node processes used during the phase, in
	// seconds, and NodeCPUPerOp that per operation invoked in it, in
	// microseconds: running processes are read from /proc/PID/stat (10 ms
	// ticks) at the phase's bounds, exited ones from wait4. CPUSampled is
	// false where that was not possible (not Linux, or an interrupted
	// run); the two figures are 0 then.
	NodeCPU      float64 `json:"node_cpu_s"`
	NodeCPUPerOp float64 `json:"node_cpu_us_per_op"`
	CPUSampled   bool    `json:"cpu_sampled"`
}

// ratePhaseResults splits a run's figures by rate phase: ops and okOps are
// the operations counted by phase, values the checker's verdicts (times in
// ns since the workload started), marks the node CPU at the start and at
// the end of each phase (fewer when the run was cut short).
func ratePhaseResults(sched []RatePhase, ops, okOps []int, values []ValueResult, marks []cpuMark) []RatePhaseResult {
	out := make([]RatePhaseResult, len(sched))
	ends := make([]int64, len(sched))
	var t int64
	for i, ph := range sched {
		out[i] = RatePhaseResult{Start: float64(t) / 1e9, End: float64(t+int64(ph.Duration)) / 1e9, Rate: ph.Rate}
		t += int64(ph.Duration)
		ends[i] = t
		if i < len(ops) {
			out[i].Ops = ops[i]
		}
		if i < len(okOps) {
			out[i].OKOps = okOps[i]
		}
		out[i].OpsPerSec = float64(out[i].Ops) / ph.Duration.Seconds()
		if i+1 < len(marks) && marks[i].ok && marks[i+1].ok {
			out[i].CPUSampled = true
			// Rounded to the microsecond: the marks are sums of ticks and
			// wait4 figures, and their difference carries float noise.
			out[i].NodeCPU = math.Round(max(marks[i+1].cpu-marks[i].cpu, 0)*1e6) / 1e6
			if out[i].Ops > 0 {
				out[i].NodeCPUPerOp = out[i].NodeCPU / float64(out[i].Ops) * 1e6
			}
		}
	}
	stable := make([][]int64, len(sched))
	for _, v := range values {
		if !v.Known {
			continue
		}
		i := len(ends) - 1
		for k, end := range ends {
			if v.KnownTime < end {
				i = k
				break
			}
		}
		out[i].Values++
		switch v.Outcome {
		case Stable:
			stable[i] = append(stable[i], v.StableLatency)
		case Lost:
			out[i].LostCount++
		}
	}
	for i, lat := range stable {
		out[i].StableCount = len(lat)
		if q := frequencyDistribution(lat); q != nil {
			out[i].StableMedianMs, out[i].StableP99Ms, out[i].StableMaxMs = q["0.5"], q["0.99"], q["1"]
		}
	}
	return out
}

// NemesisEvent is one fault, from its start to its heal: a partition until
// it heals, a pause until the node is resumed, a kill until the fresh
// process starts.
type NemesisEvent struct {
	Start float64 `json:"start_s"`
	End   float64 `json:"end_s"`
	// Fault is partition, pause or kill.
	Fault string `json:"fault"`
	// Kind is the partition's kind (see PartitionKinds), or pause or kill.
	Kind string `json:"kind"`
	// Node is the node paused or killed.
	Node        string `json:"node,omitempty"`
	Description string `json:"description"`
}

// RestartResult reports one kill and the restart that followed. Times are
// seconds since the workload started, or milliseconds after the restart.
//
// The catch-up probe is a read that the bench sends to the restarted node
// every 100 ms, from a control client of its own (not a workload
// operation), until the node holds every value known anywhere before the
// kill (every value acknowledged to a client, or seen by a read, by then:
// the target). It ends at that read, at the next kill of the same node, or
// when the final reads begin. Target values that the workload lost (set-full
// lost, or missing from a final read) cannot come back; a node holding all
// the others has caught up.
type RestartResult struct {
	Node  string  `json:"node"`
	KillS float64 `json:"kill_s"`
	// RestartS is when the fresh process started; ReadyMs when it had
	// answered init and topology.
	RestartS float64 `json:"restart_s"`
	ReadyMs  float64 `json:"ready_ms"`
	// Error says why the restart failed; the node then stays down.
	Error string `json:"error,omitempty"`
	// TargetCount is how many values the probe waits for.
	TargetCount int `json:"target_count"`
	// Probes counts the probe reads answered; FirstReadMs is when the first
	// one came back.
	Probes      int     `json:"probes"`
	FirstReadMs float64 `json:"first_read_ms"`
	// CaughtUp says whether a probe read held every target value that the
	// workload did not lose, and CatchUp (s) how long after the restart the
	// first such read came back.
	CaughtUp bool    `json:"caught_up"`
	CatchUp  float64 `json:"catch_up_s"`
	// Missing lists the target values the last probe read lacked (with
	// CaughtUp, all of them lost values), MissingLost how many of them the
	// workload lost.
	Missing     []int64 `json:"missing"`
	MissingLost int     `json:"missing_lost"`
	// KilledAgain says the node was killed again before it caught up.
	KilledAgain bool `json:"killed_again,omitempty"`
	// AckedCount counts the broadcasts the killed process acknowledged.
	AckedCount int `json:"acked_count"`
	// Lost lists the values that died with the killed process: it
	// acknowledged them, set-full calls them lost (or a final read lacked
	// them), no read on another node ever saw them and no read invoked
	// after the kill did: the process died between acknowledging and
	// forwarding them.
	LostCount int     `json:"lost_count"`
	Lost      []int64 `json:"lost"`
	// LostWindowMs is the longest time between the acknowledgement of a
	// lost value and the kill: how long the node held a value it had
	// acknowledged before forwarding it.
	LostWindowMs float64 `json:"lost_window_ms"`
	// ProbeMissing is how many target values each answered probe read
	// lacked, in order, 100 ms apart (more when a read was slow).
	ProbeMissing []int `json:"probe_missing"`
}

// BenchResult reports how accurately the bench delivered messages.
type BenchResult struct {
	// SchedulingError is the distance between the time a line was written
	// to a node's stdin and the time it was meant to arrive (for server
	// messages, the time it was read from the sender plus its drawn
	// latency; for client requests, the time the client sent it). Delayed
	// messages may leave up to half a millisecond early, so that errors
	// centre on zero.
	SchedulingError DurationStats `json:"scheduling_error"`
	// DispatchError is the scheduler's part of it: the distance between
	// when it released a delayed message and the message's due time.
	DispatchError DurationStats `json:"dispatch_error"`
	// CPU is the CPU time the bench process used during the run, in
	// seconds (Unix only), and NodeCPU that of the node processes, the same
	// figure as LoadResult.NodeCPU.
	CPU     float64 `json:"cpu_s"`
	NodeCPU float64 `json:"node_cpu_s"`
}

// Phases are wall-clock durations in seconds.
type Phases struct {
	Setup    float64 `json:"setup_s"`
	Workload float64 `json:"workload_s"`
	Recovery float64 `json:"recovery_s"`
	Final    float64 `json:"final_s"`
	Total    float64 `json:"total_s"`
}

// WriteJSON writes the result as indented JSON to path.
func (r *Result) WriteJSON(path string) error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode results: %w", err)
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// WriteSummary prints a short report in the spirit of Maelstrom's: the
// stats, net and workload maps with Maelstrom's key names, then the bench's
// own figures and the verdict.
func (r *Result) WriteSummary(w io.Writer) error {
	var b strings.Builder
	c := r.Config
	nem := c.Nemesis
	if nem == "" {
		nem = "none"
	}
	dup := ""
	if c.Duplicate > 0 {
		dup = fmt.Sprintf(", duplicate %g", c.Duplicate)
	}
	rate := fmt.Sprintf("%gs at %g req/s", c.TimeLimit, c.Rate)
	if len(c.RateSchedule) > 0 {
		rate = fmt.Sprintf("%gs at rate schedule %s (mean %.4g req/s)", c.TimeLimit, rateScheduleText(c.RateSchedule), c.Rate)
	}
	jitter := ""
	if c.Jitter > 0 {
		jitter = fmt.Sprintf(" + jitter [0, %gms]", c.Jitter)
	}
	fmt.Fprintf(&b, "%d nodes (%s), %s, %d clients, latency %gms %s%s, loss %g%s, nemesis %s, seed %d\n",
		c.NodeCount, c.Topology, rate, c.Concurrency, c.Latency, c.LatencyDist, jitter, c.Loss, dup, nem, c.Seed)
	bc, rd := r.Stats.ByF["broadcast"], r.Stats.ByF["read"]
	fmt.Fprintf(&b, " :stats    {:count %d, :ok-count %d, :fail-count %d, :info-count %d,\n", r.Stats.Count, r.Stats.OKCount, r.Stats.FailCount, r.Stats.InfoCount)
	fmt.Fprintf(&b, "            :broadcast {:count %d, :ok-count %d, :info-count %d}, :read {:count %d, :ok-count %d, :fail-count %d}}\n",
		bc.Count, bc.OKCount, bc.InfoCount, rd.Count, rd.OKCount, rd.FailCount)
	s := r.Net.Servers
	fmt.Fprintf(&b, " :net      {:servers {:send-count %d, :recv-count %d, :msg-count %d, :msgs-per-op %.4g}}\n",
		s.SendCount, s.RecvCount, s.MsgCount, s.MsgsPerOp)
	fmt.Fprintf(&b, "           bytes-per-op %.0f, %.0f server msgs/s; dropped: %d by loss, %d by partitions, %d to dead nodes; %d duplicated\n",
		s.BytesPerOp, r.Net.ServerMsgsPerSec, r.Net.DroppedLoss, r.Net.DroppedPartition, r.Net.DroppedDead, r.Net.Duplicated)
	if len(r.Net.ServerTypes) > 0 {
		types := make([]string, 0, len(r.Net.ServerTypes))
		for t := range r.Net.ServerTypes {
			types = append(types, t)
		}
		slices.SortFunc(types, func(a, b string) int {
			return cmp.Or(cmp.Compare(r.Net.ServerTypes[b], r.Net.ServerTypes[a]), strings.Compare(a, b))
		})
		b.WriteString("           by type:")
		for _, t := range types {
			fmt.Fprintf(&b, " %s %d", t, r.Net.ServerTypes[t])
		}
		b.WriteString("\n")
	}
	wl := r.Workload
	fmt.Fprintf(&b, " :workload {:valid? %v, :attempt-count %d, :stable-count %d, :stale-count %d,\n",
		wl.Valid, wl.AttemptCount, wl.StableCount, wl.StaleCount)
	fmt.Fprintf(&b, "            :lost-count %d, :lost %s, :never-read-count %d,\n",
		wl.LostCount, ednList(wl.Lost, 12), wl.NeverReadCount)
	fmt.Fprintf(&b, "            :stable-latencies %s}\n", ednQuantiles(wl.StableLatencies))
	if wl.FinalMissingCount > 0 || wl.UnexpectedCount > 0 || wl.BadValueCount > 0 {
		fmt.Fprintf(&b, "           final-missing %d %s, unexpected %d %s, non-integer %d\n",
			wl.FinalMissingCount, ednList(wl.FinalMissing, 12), wl.UnexpectedCount, ednList(wl.Unexpected, 12), wl.BadValueCount)
	}
	if len(r.OpLatency) > 0 {
		b.WriteString(" op latency")
		for _, f := range []string{"broadcast", "read"} {
			if d, ok := r.OpLatency[f]; ok {
				fmt.Fprintf(&b, " %s p50 %.2f ms, p99 %.2f ms, max %.1f ms;", f, d.P50, d.P99, d.Max)
			}
		}
		b.WriteString(" request to reply, successful ops\n")
	}
	if m := r.Memory; len(m.T) > 0 {
		fmt.Fprintf(&b, " memory    peak RSS median %.1f MiB, max %.1f MiB (%s); second half of the workload: slope median %+.3f, max %+.3f MiB/min (median %.0f bytes per value broadcast), spread max %.1f MiB\n",
			float64(m.PeakMedian)/(1<<20), float64(m.PeakMax)/(1<<20), m.PeakNode, m.SlopeMedian, m.SlopeMax, m.PerValueMedian, float64(m.SpreadMax)/(1<<20))
	}
	se := r.Bench.SchedulingError
	fmt.Fprintf(&b, " bench     scheduling error p50 %.3f ms, p99 %.3f ms, max %.1f ms over %d deliveries (heap dispatch p99 %.3f ms)\n",
		se.P50, se.P99, se.Max, se.Count, r.Bench.DispatchError.P99)
	fmt.Fprintf(&b, "           CPU: bench %.1fs, nodes %.1fs\n", r.Bench.CPU, r.Bench.NodeCPU)
	b.WriteString(r.loadSummary())
	for i := range r.RatePhases {
		b.WriteString(r.RatePhases[i].summary(i))
	}
	faults := map[string]int{}
	for _, ev := range r.Nemesis {
		faults[ev.Fault]++
	}
	fmt.Fprintf(&b, " phases    setup %.1fs, workload %.1fs, recovery %.1fs, final reads %.2fs; %d partitions, %d pauses, %d kills\n",
		r.Phases.Setup, r.Phases.Workload, r.Phases.Recovery, r.Phases.Final, faults["partition"], faults["pause"], faults["kill"])
	for _, ev := range r.Nemesis {
		if ev.Fault == "pause" {
			fmt.Fprintf(&b, " pause     %s stopped at %.2fs for %.2fs\n", ev.Node, ev.Start, ev.End-ev.Start)
		}
	}
	for _, rr := range r.Restarts {
		b.WriteString(rr.summary())
	}
	if len(r.Restarts) > 0 {
		fmt.Fprintf(&b, "           lost to kills (acknowledged, then the node died before forwarding): %d %s of %d lost\n",
			r.LostToKillsCount, ednList(r.LostToKills, 12), r.Workload.LostCount)
	}
	if r.Valid {
		b.WriteString("VALID: no value lost, no node crashed, no bad output\n")
	} else {
		b.WriteString("INVALID:\n")
		for _, why := range r.Reasons {
			b.WriteString("  - " + why + "\n")
		}
	}
	if r.OutDir != "" {
		fmt.Fprintf(&b, "Output in %s: %s\n", r.OutDir, strings.Join(r.Files, ", "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// loadSummary is the CPU line of the printed summary.
func (r *Result) loadSummary() string {
	l, c := &r.Load, &r.Config
	nice := "nodes at the bench's priority"
	if c.NodeNice > 0 {
		nice = fmt.Sprintf("nodes at nice %d", c.NodeNice)
	}
	bg := "no background load"
	if c.BackgroundLoad > 0 {
		bg = fmt.Sprintf("background load %s (%.1fs CPU)", plural(c.BackgroundLoad, "busy loop"), l.BackgroundCPU)
	}
	return fmt.Sprintf(" load      node CPU %.2fs, %.0f µs/op; busiest %s: %.2fs CPU, %d server msgs sent, %d received; %s, %s\n",
		l.NodeCPU, l.NodeCPUPerOp, l.Busiest.ID, l.Busiest.CPU, l.Busiest.ServerSent, l.Busiest.ServerRecv, nice, bg)
}

// summary is the phase's line in the printed summary; i is its index.
func (p *RatePhaseResult) summary(i int) string {
	var b strings.Builder
	fmt.Fprintf(&b, " phase %-3d %.1f-%.1fs at %g req/s: %d ops (%.1f/s, %d ok); %d values, stable latency median %d, p99 %d, max %d ms (%d stable, %d lost)",
		i+1, p.Start, p.End, p.Rate, p.Ops, p.OpsPerSec, p.OKOps, p.Values, p.StableMedianMs, p.StableP99Ms, p.StableMaxMs, p.StableCount, p.LostCount)
	if p.CPUSampled {
		fmt.Fprintf(&b, "; node CPU %.2fs, %.0f µs/op", p.NodeCPU, p.NodeCPUPerOp)
	}
	b.WriteString("\n")
	return b.String()
}

// rateScheduleText writes a recorded schedule as ParseRateSchedule reads it.
func rateScheduleText(phases []RatePhaseConfig) string {
	rp := make([]RatePhase, len(phases))
	for i, p := range phases {
		rp[i] = RatePhase{Rate: p.Rate, Duration: time.Duration(p.Seconds * float64(time.Second))}
	}
	return FormatRateSchedule(rp)
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// summary is the restart's line in the printed summary.
func (rr *RestartResult) summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, " kill      %s at %.2fs, ", rr.Node, rr.KillS)
	if rr.Error != "" {
		fmt.Fprintf(&b, "restart failed: %s\n", rr.Error)
		return b.String()
	}
	fmt.Fprintf(&b, "restarted at %.2fs (ready +%.0fms, first read +%.0fms): ", rr.RestartS, rr.ReadyMs, rr.FirstReadMs)
	switch {
	case rr.CaughtUp && len(rr.Missing) == 0:
		fmt.Fprintf(&b, "caught up with %d values in %.2fs", rr.TargetCount, rr.CatchUp)
	case rr.CaughtUp:
		fmt.Fprintf(&b, "caught up with %d of %d values in %.2fs (the other %d were lost: %s)",
			rr.TargetCount-len(rr.Missing), rr.TargetCount, rr.CatchUp, len(rr.Missing), ednList(rr.Missing, 8))
	case rr.KilledAgain:
		fmt.Fprintf(&b, "killed again before catching up with %d values (%d missing)", rr.TargetCount, len(rr.Missing))
	default:
		fmt.Fprintf(&b, "never caught up with %d values: %d missing %s, %d of them lost",
			rr.TargetCount, len(rr.Missing), ednList(rr.Missing, 8), rr.MissingLost)
	}
	fmt.Fprintf(&b, " (%d probes); acked %d, lost with it %d %s", rr.Probes, rr.AckedCount, rr.LostCount, ednList(rr.Lost, 8))
	if rr.LostCount > 0 {
		fmt.Fprintf(&b, ", acknowledged at most %.0f ms before the kill", rr.LostWindowMs)
	}
	b.WriteString("\n")
	return b.String()
}

func ednList(vals []int64, limit int) string {
	var b strings.Builder
	b.WriteByte('(')
	for i, v := range vals {
		if i == limit {
			fmt.Fprintf(&b, " ...%d more", len(vals)-limit)
			break
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprint(&b, v)
	}
	b.WriteByte(')')
	return b.String()
}

func ednQuantiles(q Quantiles) string {
	if q == nil {
		return "nil"
	}
	var parts []string
	for _, p := range quantilePoints {
		parts = append(parts, fmt.Sprintf("%s %d", p.name, q[p.name]))
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

// relFiles lists paths relative to dir for the report.
func relFiles(dir string, paths []string) []string {
	out := make([]string, 0, len(paths))
	for _, p := range paths {
		if rel, err := filepath.Rel(dir, p); err == nil {
			p = rel
		}
		out = append(out, p)
	}
	return out
}
