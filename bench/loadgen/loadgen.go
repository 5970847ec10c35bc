// Package loadgen measures a broadcast node binary end to end: it prepares a
// stream of protocol lines (a Maelstrom-like mix of broadcasts, reads and
// gossip_sync messages of varied sizes from several peers), writes it into
// the node's stdin through a pipe as fast as the node takes it, reads every
// reply, checks the reply count, and reports throughput and the node's peak
// resident memory.
//
// The node runs with its repair timer and its star off (GOSSIP_INTERVAL=0,
// GOSSIP_STAR=false), so every line with a msg_id gets exactly one reply and
// nothing else is written.
package loadgen

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Mix describes the stream. Shares are of the lines after init and need not
// add up to one (they are normalized).
type Mix struct {
	// Lines is the number of lines after init.
	Lines int
	// Broadcast, Read and Sync are the shares of broadcast, read and
	// gossip_sync lines.
	Broadcast, Read, Sync float64
	// Values bounds the distinct values: broadcasts and syncs draw from
	// [0, Values), so the set (and each read_ok) stops growing there, as
	// in a long Maelstrom run where most gossip carries known values.
	Values int
	// SyncMax is the largest gossip_sync; sizes are drawn log-uniformly
	// from 1 to SyncMax, so most are small and a few carry a full state.
	SyncMax int
	// Peers is the cluster size; syncs come from every node but the one
	// under test, clients from as many client ids.
	Peers int
	// Seed fixes the stream.
	Seed uint64
}

// DefaultMix is the stream of the README's end-to-end figures.
func DefaultMix() Mix {
	return Mix{Lines: 2_000_000, Broadcast: 0.6, Read: 0.005, Sync: 0.395, Values: 5000, SyncMax: 1000, Peers: 5, Seed: 1}
}

// Stream is a prepared input and what it should produce.
type Stream struct {
	Data    []byte
	Lines   int // lines in Data, init included
	Replies int // replies the node must write
}

// Generate builds the stream for m in memory (a Source writes the same
// lines one at a time).
func Generate(m Mix) (*Stream, error) {
	src, err := NewSource(m)
	if err != nil {
		return nil, err
	}
	var b []byte
	for !src.Done() {
		b, _ = src.Append(b)
	}
	return &Stream{Data: b, Lines: src.Lines(), Replies: src.Lines()}, nil
}

// Result is one run of a binary on a stream.
type Result struct {
	Elapsed  time.Duration // from the first byte written to the end of output
	InBytes  int64
	OutBytes int64
	Replies  int   // lines the binary wrote
	MaxRSS   int64 // peak resident set (VmHWM), bytes; 0 where unknown
}

// LinesPerSec is the input lines handled per second.
func (r Result) LinesPerSec(s *Stream) float64 { return float64(s.Lines) / r.Elapsed.Seconds() }

// MBPerSec is input megabytes (10^6 bytes) per second.
func (r Result) MBPerSec() float64 { return float64(r.InBytes) / 1e6 / r.Elapsed.Seconds() }

// Run starts bin with env added to this process's environment, writes the
// stream into its stdin as fast as it reads, counts its output lines and
// waits for it to exit. countReplies false skips the reply check (for cat).
func Run(bin string, args, env []string, s *Stream, countReplies bool) (Result, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = io.Discard
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return Result{}, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return Result{}, err
	}
	if err := cmd.Start(); err != nil {
		return Result{}, err
	}
	start := time.Now()
	hwm := watchHWM(cmd.Process.Pid)
	werr := make(chan error, 1)
	go func() {
		_, err := stdin.Write(s.Data)
		if cerr := stdin.Close(); err == nil {
			err = cerr
		}
		werr <- err
	}()
	var res Result
	res.InBytes = int64(len(s.Data))
	rd := bufio.NewReaderSize(stdout, 1<<20)
	for {
		chunk, err := rd.ReadSlice('\n')
		res.OutBytes += int64(len(chunk))
		if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
			res.Replies++
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return res, err
		}
	}
	res.Elapsed = time.Since(start)
	if err := <-werr; err != nil {
		return res, fmt.Errorf("loadgen: writing to %s: %w", bin, err)
	}
	if err := cmd.Wait(); err != nil {
		return res, fmt.Errorf("loadgen: %s: %w", bin, err)
	}
	res.MaxRSS = hwm()
	if countReplies && res.Replies != s.Replies {
		return res, fmt.Errorf("loadgen: %s wrote %d replies, want %d", bin, res.Replies, s.Replies)
	}
	return res, nil
}

// watchHWM polls the peak resident set (VmHWM in /proc/PID/status) of a
// running process every 10 ms and returns a function that stops the polling
// and reports the last value read, in bytes. The peak is monotonic, so the
// last reading before the process exits is the peak up to then.
//
// The rusage of a waited child is no substitute: on Linux a child started by
// fork and exec inherits its parent's high-water mark, so a load generator
// holding a big stream would see its own size reported for every child.
func watchHWM(pid int) func() int64 {
	var peak atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	read := func() {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			return
		}
		for _, line := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil && kb*1024 > peak.Load() {
					peak.Store(kb * 1024)
				}
			}
		}
	}
	go func() {
		defer close(done)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			read()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	return func() int64 {
		read()
		close(stop)
		<-done
		return peak.Load()
	}
}

// RegisterFlags defines the flags that set m's fields on fs (-lines,
// -broadcast, -read, -sync, -values, -sync-max, -seed), with m's current
// values as defaults; the commands that generate streams share them.
func (m *Mix) RegisterFlags(fs *flag.FlagSet) {
	fs.IntVar(&m.Lines, "lines", m.Lines, "lines in the stream after init")
	fs.Float64Var(&m.Broadcast, "broadcast", m.Broadcast, "share of broadcast lines")
	fs.Float64Var(&m.Read, "read", m.Read, "share of read lines")
	fs.Float64Var(&m.Sync, "sync", m.Sync, "share of gossip_sync lines")
	fs.IntVar(&m.Values, "values", m.Values, "distinct values the stream draws from (the set's final size)")
	fs.IntVar(&m.SyncMax, "sync-max", m.SyncMax, "largest gossip_sync, in values")
	fs.Uint64Var(&m.Seed, "seed", m.Seed, "seed of the stream")
}
