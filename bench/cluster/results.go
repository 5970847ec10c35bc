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
	// unexpected value was read, no node crashed and every stdout line was a
	// valid message; Reasons says what failed otherwise.
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
	// Nemesis lists the partitions, in seconds since the workload began.
	Nemesis []NemesisEvent `json:"nemesis"`
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
	// ServerMsgsPerSec is server messages sent per second of workload.
	ServerMsgsPerSec float64 `json:"server_msgs_per_s"`
	// StaleReplies counts replies that arrived after their request had
	// timed out, or that answered nothing.
	StaleReplies int64 `json:"stale_replies"`
}

// NodeResult describes one node process.
type NodeResult struct {
	ID       string  `json:"id"`
	Crashed  bool    `json:"crashed"`
	ExitCode int     `json:"exit_code"`
	ExitTime float64 `json:"exit_s,omitempty"`
	BadLines int     `json:"bad_lines"`
	Log      string  `json:"log,omitempty"`
}

// NemesisEvent is one partition, from its start to its heal.
type NemesisEvent struct {
	Start       float64 `json:"start_s"`
	End         float64 `json:"end_s"`
	Kind        string  `json:"kind"`
	Description string  `json:"description"`
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
	fmt.Fprintf(&b, "%d nodes (%s), %gs at %g req/s, %d clients, latency %gms %s, loss %g, nemesis %s, seed %d\n",
		c.NodeCount, c.Topology, c.TimeLimit, c.Rate, c.Concurrency, c.Latency, c.LatencyDist, c.Loss, nem, c.Seed)
	bc, rd := r.Stats.ByF["broadcast"], r.Stats.ByF["read"]
	fmt.Fprintf(&b, " :stats    {:count %d, :ok-count %d, :fail-count %d, :info-count %d,\n", r.Stats.Count, r.Stats.OKCount, r.Stats.FailCount, r.Stats.InfoCount)
	fmt.Fprintf(&b, "            :broadcast {:count %d, :ok-count %d, :info-count %d}, :read {:count %d, :ok-count %d, :fail-count %d}}\n",
		bc.Count, bc.OKCount, bc.InfoCount, rd.Count, rd.OKCount, rd.FailCount)
	s := r.Net.Servers
	fmt.Fprintf(&b, " :net      {:servers {:send-count %d, :recv-count %d, :msg-count %d, :msgs-per-op %.4g}}\n",
		s.SendCount, s.RecvCount, s.MsgCount, s.MsgsPerOp)
	fmt.Fprintf(&b, "           bytes-per-op %.0f, %.0f server msgs/s; dropped: %d by loss, %d by partitions\n",
		s.BytesPerOp, r.Net.ServerMsgsPerSec, r.Net.DroppedLoss, r.Net.DroppedPartition)
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
	se := r.Bench.SchedulingError
	fmt.Fprintf(&b, " bench     scheduling error p50 %.3f ms, p99 %.3f ms, max %.1f ms over %d deliveries (heap dispatch p99 %.3f ms)\n",
		se.P50, se.P99, se.Max, se.Count, r.Bench.DispatchError.P99)
	fmt.Fprintf(&b, "           CPU: bench %.1fs, nodes %.1fs\n", r.Bench.CPU, r.Bench.NodeCPU)
	fmt.Fprintf(&b, " phases    setup %.1fs, workload %.1fs, recovery %.1fs, final reads %.2fs; %d partitions\n",
		r.Phases.Setup, r.Phases.Workload, r.Phases.Recovery, r.Phases.Final, len(r.Nemesis))
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
