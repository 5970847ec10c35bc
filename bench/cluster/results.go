package cluster

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
	Bin             string   `json:"bin"`
	Args            []string `json:"args,omitempty"`
	Env             []string `json:"env,omitempty"`
	NodeCount       int      `json:"node_count"`
	Topology        string   `json:"topology"`
	TimeLimit       float64  `json:"time_limit_s"`
	Rate            float64  `json:"rate"`
	Concurrency     int      `json:"concurrency"`
	Latency         float64  `json:"latency_ms"`
	LatencyDist     string   `json:"latency_dist"`
	Loss            float64  `json:"loss"`
	Duplicate       float64  `json:"duplicate"`
	Nemesis         string   `json:"nemesis"`
	NemesisInterval float64  `json:"nemesis_interval_s"`
	Recovery        float64  `json:"recovery_s"`
	RPCTimeout      float64  `json:"rpc_timeout_s"`
	NodeNice        int      `json:"node_nice"`
	Seed            int64    `json:"seed"`
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
	// CPU is the CPU time the bench process used during the run, and
	// NodeCPU the CPU time of its node processes, in seconds (Unix only;
	// NodeCPU counts every child process the bench's process has waited
	// for, so it is exact only for the first Run in a process).
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
	fmt.Fprintf(&b, "%d nodes (%s), %gs at %g req/s, %d clients, latency %gms %s, loss %g%s, nemesis %s, seed %d\n",
		c.NodeCount, c.Topology, c.TimeLimit, c.Rate, c.Concurrency, c.Latency, c.LatencyDist, c.Loss, dup, nem, c.Seed)
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
