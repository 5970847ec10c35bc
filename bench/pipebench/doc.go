// Package pipebench measures a broadcast node binary against the physical
// floor of its setting: cat moving the same bytes through the same kind of
// pipes, in the same run. Each case alternates the binaries run by run
// (node, cat, node, cat, ...; the baseline node, when given, between them),
// so that a change in the machine's load falls on both, and reports the
// median of each binary, every run's figure, and the node's ratio to cat
// twice: as the median of the per-pair ratios (run i of the node over run i
// of cat) and as the ratio of the medians.
//
// # Same bytes through the same pipes
//
// Every process, node or cat, is started with its stdin and stdout connected
// to two fresh pipes (os.Pipe, the kernel's default pipe size) whose other
// ends the tool holds in blocking mode, without Go's poller in between. The
// tool writes the input from memory, prepared before the clock starts, and
// reads the output with the same loop for every binary. Stderr goes to a
// small buffer that is shown only when a run fails. So the two measurements
// differ only in the program between the pipes: the floor is what the
// kernel and the tool cost for those bytes, and the node's excess over it is
// its own work. Which bytes cat moves depends on the case; it is the larger
// side of the node's traffic:
//
//   - reads: the node's replies are large, its input small, so cat is fed
//     exactly the node's reply bytes (captured from a first, untimed and
//     fully checked run of the node);
//   - sync: the node's input is large, its replies small, so cat moves the
//     node's input bytes;
//   - roundtrip and startup: cat echoes each request line.
//
// Streams are written in phases: the tool writes a phase, then waits until
// the expected number of reply lines has come back before it writes the
// next (init, then each gossip_sync, then the rest). A sequential node
// loses nothing by it (it would answer in that order anyway), cat is fed
// its phases the same way, and a node that handles messages concurrently
// (the baseline) cannot answer a read before it has taken the gossip_sync
// it follows.
//
// # Cases
//
// reads: init, one gossip_sync of the values 0..N-1 (N default 1,000,000),
// R reads (default 30) and one gossip_round. The node answers each read
// with all N values and the round with a gossip_sync of its whole set to
// each of its two peers, so its output is about R+2 times the size of its
// input. Timed: from the first byte written to the process's exit. The
// first run of each binary is untimed; it captures the replies and checks
// them in full (init_ok; gossip_sync_ok with new_count N; every read_ok and
// every outgoing gossip_sync holding exactly 0..N-1; gossip_round_ok), and
// every timed run must then write the same number of bytes and lines.
//
// sync: init, then two gossip_syncs of the values 0..N-1 (N default
// 10,000,000; about 79 MB a line). The replies are checked on every run:
// new_count must be N, then 0. The floor is cat moving the same input.
//
// roundtrip: one request at a time. The tool writes a line, waits for its
// reply line, and repeats, M round trips per block (default 2000); blocks
// alternate between the binaries, one process a block. Requests alternate
// between a broadcast and a read; the broadcasts cycle through S values
// (default 100), so that the set read back stays at most S values and a
// read_ok a few hundred bytes. A block starts with 100 untimed round trips
// over 300 ms, so that the process has finished starting (a node compiles
// its decoders in the background after its first reply). Cat echoes each
// line, so waiting for one line back is the same round trip through two
// pipes. Reported: each block's p50, p90 and p99, and for each binary the
// median over its blocks of each.
//
// startup: the time from spawning the process to reading its init_ok line
// (the tool writes init at once after the start), K times (default 20) for
// each binary; cat's figure is the time to spawn it and get the init line
// echoed back.
//
// # Peak resident memory
//
// A process's peak RSS is its VmHWM in /proc/PID/status, sampled every few
// milliseconds while it runs and read once more when its stdout ends, just
// before it exits; in roundtrip and startup it is read while the process is
// alive, after its last reply, which covers all its work. The rusage of the
// waited child (ProcessState.SysUsage().Maxrss) is no substitute on Linux:
// execve keeps the larger of the old address space's peak and the new one's,
// and Go starts children with vfork semantics, sharing the parent's address
// space until the exec, so a child's Maxrss is at least the tool's own peak
// (which holds the inputs and the captured replies). The tool uses it only when it
// exceeds its own peak, where it must be the child's; Run records which
// source gave each figure, and Maxrss beside it. Where both are the child's
// they agree to within a few hundred KiB; a peak shorter than the sampling
// period can escape the sampled figure.
//
// A process that outlives Options.Timeout is killed with its whole process
// group, so that a script's child cannot keep the pipes open.
//
// Linux only in practice: elsewhere peak memory reads as 0.
package pipebench
