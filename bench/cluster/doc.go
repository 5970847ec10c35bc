// Package cluster is a local stand-in for Maelstrom's broadcast workload: it
// runs any Maelstrom broadcast node binary as real processes and judges it
// the way Maelstrom does, so that a result here predicts the result there.
//
// A run starts nodes n0..n(N-1), sends each an init and then a topology
// message (grid, line, tree2/3/4 or total, built as Maelstrom builds them),
// and drives the workload: at Options.Rate requests per second in total,
// half broadcasts of the integers 0, 1, 2, ... and half reads, each handed to
// an idle client bound to one node; a request unanswered within 5 s is
// indeterminate. Lines a node prints whose dest is a node go through a
// simulated network (loss when sent, latency, partitions decided at
// delivery); lines addressed to a client go straight to it. At the time
// limit the network heals, the cluster rests for the recovery period, and
// every client makes one final read.
//
// Beyond Maelstrom's faults the bench offers duplication
// (Options.Duplicate: a message delivered twice, each copy with its own
// latency), reordering (uniform or exponential latency draws each message's
// delay on its own, so messages between two nodes overtake each other;
// constant latency keeps their order), and two nemeses that Maelstrom, whose
// processes cannot be paused or killed, does not have: pause (SIGSTOP one
// random node, SIGCONT it later; its input waits in its pipe) and kill
// (SIGKILL one random node, later start a fresh process with the same id and
// send it init and the topology again, so that it comes back empty and must
// catch up from its peers). Messages to a killed node are dropped and its
// clients time out; its exit is not a crash; its log keeps every
// incarnation. Every fault runs its own schedule, like the partitions: a
// gap, the fault, a gap, the heal, each gap uniform in
// [0, 2·NemesisInterval); faults still active at the time limit are healed
// (the node resumed or restarted) before the recovery period.
//
// After each restart a probe, from a control client of the bench's own,
// reads the restarted node every 100 ms until it holds every value known
// anywhere before the kill; the time from the restart to that read is its
// catch-up time. Probe reads are not workload operations (they are in no
// history and no msgs-per-op). Values that the killed process acknowledged,
// that set-full then calls lost (or a final read lacked), and that no read
// on another node or after the kill ever saw are reported as lost to the
// kill: the process died between acknowledging and forwarding them.
//
// The harness can add noise and contention of its own. Options.Jitter
// gives every server-to-server message an extra delay drawn uniformly from
// [0, Jitter] on top of its latency draw, independently per message (a
// duplicated copy draws its own), so that messages between two nodes
// overtake each other even under constant latency; the jitter draws come
// from random streams of their own, so a seed gives the same workload,
// latencies, losses and faults whatever the jitter. Options.NodeNice sets
// the nodes' niceness (10 by default, so that the simulated network is
// served first), and Options.BackgroundLoad runs busy-looping processes
// (/bin/sh -c 'while :; do :; done', at the bench's priority) from before
// the nodes start until Run returns, however it ends, so that the nodes
// compete for the CPU.
//
// Options.RateSchedule replaces the constant rate by phases (rate for a
// duration, in turn; the stagger's random gaps stretch to each phase's
// rate). Result.RatePhases then reports each phase: the operations invoked
// in it and the rate achieved, the stable latency median, p99 and maximum
// of the values that became known in it (does stable latency return to its
// plateau after an overload?), and the node CPU used in it, read from
// /proc/PID/stat at the phase bounds; the plots mark the boundaries.
//
// Node CPU is measured from the node processes themselves: each process's
// user plus system time as wait4 reports it when the bench reaps it
// (every incarnation of a restarted node included, the bench and the
// background load not), and, at rate-phase boundaries, as /proc/PID/stat
// gives it for the processes still running. Result.Load gives the total,
// the node CPU per client operation and the busiest node (its CPU time and
// the server messages it sent and received); each NodeResult has its own.
//
// The history is checked with jepsen's set-full rules (lost, never-read,
// stale, stable-latency quantiles), plus checks that set-full does not make:
// values read that were never broadcast, acknowledged values missing from a
// final read, crashed nodes and stdout lines that are not messages. Network
// statistics follow Maelstrom's net checker: msgs-per-op is the number of
// server-to-server messages sent (dropped ones included) divided by the
// number of client operations invoked, final reads included.
//
// Beyond the checker's figures, a Result holds the latency of the successful
// operations from request to reply (Result.OpLatency), the server message
// rate over time, and every node's resident memory over time
// (Result.Memory: VmRSS read from /proc every Options.MemoryInterval, with
// each node's peak and the trend over the second half of the workload).
// With an output folder it writes results.json and plots of stable latency,
// the message rate and memory.
//
// The network is built not to be the bottleneck: one reader goroutine per
// node extracts src and dest without decoding the body, delayed messages
// wait in a single heap served by one scheduler goroutine with one timer,
// each node's stdin has one writer goroutine that writes queued lines in
// batches, and line buffers are pooled. The bench measures its own
// scheduling error (actual versus intended delivery time) and reports it.
//
// Concurrency: a Cluster runs once and MUST NOT be used from concurrently
// running goroutines; its Result is a plain value. CheckHistory and
// BuildTopology are pure functions, safe for concurrent use.
package cluster
