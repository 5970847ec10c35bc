// Package soak streams a long run of protocol lines through one node binary
// and follows its memory: it checks that the node's resident set stays flat
// once its message set has stopped growing, that is that its pooled input and
// output buffers stay bounded however many lines go through.
//
// The stream is loadgen's (a Source: broadcasts, reads and gossip_syncs of 1
// to SyncMax values from several peers), written from its seed as it goes
// into the node's stdin, so that no more than a quarter of a megabyte of it
// is ever held. Its values are drawn from [0, Values), so the node's set
// grows to at most Values values and then stays put; the Source tells at
// which line the last new value went out. Every reply is counted as it
// comes, and each read_ok's values are counted (not decoded) and checked
// against the set the lines written before the read make. Every 100 ms the
// node's VmRSS and VmHWM are read from /proc/PID/status, together with the
// lines written and handled so far and the set size.
//
// The node runs with its repair timer and star off (GOSSIP_INTERVAL=0,
// GOSSIP_STAR=false), so that it only answers: every line gets exactly one
// reply.
package soak

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/maelstrom-gossip/node/bench/loadgen"
	"github.com/maelstrom-gossip/node/bench/procmem"
)

// DefaultMix is the soak's stream: loadgen's mix (60% broadcasts, 39.5%
// gossip_syncs of 1 to 1000 values, log-uniform, from four peers) for 20
// million lines, over 200,000 values instead of 5,000 and with a tenth of
// the reads (0.05%, about 10,000).
//
// With 200,000 values the set is complete after about half a million lines
// (line 432,007 with seed 1), and each read_ok then carries all of it, about
// 1.5 MB: above the node's 1 MiB big-buffer threshold, so the reads go
// through the kept big output buffers as well as the bytebufferpool. Fewer
// reads keep the output (about 17 GB, for 9 GB in) and so the run at a few
// minutes.
func DefaultMix() loadgen.Mix {
	m := loadgen.DefaultMix()
	m.Lines = 20_000_000
	m.Values = 200_000
	m.Read = 0.0005
	return m
}

// NodeEnv is the environment under which a node only answers requests.
var NodeEnv = []string{"GOSSIP_INTERVAL=0", "GOSSIP_STAR=false"}

// Config is one soak run.
type Config struct {
	Mix  loadgen.Mix
	Bin  string   // the node binary
	Args []string // its arguments
	Env  []string // added to this process's environment (see NodeEnv)
	// Every is the sampling period; 0 means 100 ms.
	Every time.Duration
	// Progress, when set, is called with each sample as it is taken (from
	// the sampling goroutine).
	Progress func(Sample)
	// Stderr, when set, receives a copy of the node's stderr (for instance
	// its GODEBUG=gctrace=1 lines). Its end is kept for error messages
	// anyway.
	Stderr io.Writer
}

// Sample is one reading of the node's memory.
type Sample struct {
	T       float64 `json:"t_s"`     // seconds since the node started
	Written int64   `json:"written"` // lines written to its stdin, init included
	Handled int64   `json:"handled"` // replies read: lines the node has handled
	RSS     int64   `json:"rss"`     // VmRSS, bytes
	HWM     int64   `json:"hwm"`     // VmHWM (peak RSS so far), bytes
	Sent    int64   `json:"sent"`    // distinct values in the lines written
	Set     int64   `json:"set"`     // values in the node's last read_ok; -1 before the first
	Out     int64   `json:"out"`     // bytes of output read
}

// Result is a soak run.
type Result struct {
	Bin      string
	Mix      loadgen.Mix
	Every    time.Duration
	Lines    int // lines written, init included
	Replies  int // reply lines read
	Reads    int // read_ok replies among them
	Elapsed  time.Duration
	InBytes  int64
	OutBytes int64
	// SetSize is the number of distinct values written: the node's final
	// set. SetFullAt is the line that brought the last of them; from there
	// on the set does not grow.
	SetSize, SetFullAt int
	// NodeSet is the set size in the node's last read_ok (-1 when none)
	// and NodeHolds what the node's exit log line says it holds (-1 when
	// it says nothing).
	NodeSet, NodeHolds int
	Samples            []Sample
}

// LinesPerSec is the input lines handled per second.
func (r *Result) LinesPerSec() float64 { return float64(r.Lines) / r.Elapsed.Seconds() }

// PeakRSS is the largest VmHWM sampled, bytes.
func (r *Result) PeakRSS() int64 {
	var p int64
	for _, s := range r.Samples {
		p = max(p, s.HWM)
	}
	return p
}

// FinalRSS is the VmRSS of the last sample, bytes.
func (r *Result) FinalRSS() int64 {
	if len(r.Samples) == 0 {
		return 0
	}
	return r.Samples[len(r.Samples)-1].RSS
}

// SecondHalf is the flatness of RSS over the samples taken once half the
// lines were handled.
func (r *Result) SecondHalf() (Flatness, error) { return Flat(r.Samples, int64(r.Lines/2)) }

// flushAt is the size from which the writer hands its buffer to the pipe.
const flushAt = 192 << 10

// Run streams cfg.Mix through cfg.Bin and samples its memory until it exits.
// It returns an error (and what it measured) when the node did not write one
// reply per line, when a read_ok's values do not number the set made by the
// lines before the read, or when the node exits with an error.
func Run(cfg Config) (*Result, error) {
	src, err := loadgen.NewSource(cfg.Mix)
	if err != nil {
		return nil, err
	}
	every := cfg.Every
	if every <= 0 {
		every = 100 * time.Millisecond
	}
	cmd := exec.Command(cfg.Bin, cfg.Args...)
	cmd.Env = append(os.Environ(), cfg.Env...)
	stderr := &tail{max: 8 << 10}
	cmd.Stderr = stderr
	if cfg.Stderr != nil {
		cmd.Stderr = io.MultiWriter(stderr, cfg.Stderr)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	start := time.Now()
	res := &Result{Bin: cfg.Bin, Mix: cfg.Mix, Every: every, NodeSet: -1, NodeHolds: -1}

	var written, sent, handled, out atomic.Int64
	var nodeSet atomic.Int64
	nodeSet.Store(-1)
	expect := &fifo{} // the set size each read should report, in order
	quit := make(chan struct{})
	werr := make(chan error, 1)
	go func() {
		var err error
		buf := make([]byte, 0, flushAt+64<<10)
		for !src.Done() && err == nil {
			var k loadgen.Kind
			buf, k = src.Append(buf)
			if k == loadgen.Read {
				expect.push(src.Distinct())
			}
			if len(buf) >= flushAt || src.Done() {
				_, err = stdin.Write(buf)
				res.InBytes += int64(len(buf))
				written.Store(int64(src.Written()))
				sent.Store(int64(src.Distinct()))
				buf = buf[:0]
			}
			select {
			case <-quit:
				err = errors.New("its output ended first")
			default:
			}
		}
		if cerr := stdin.Close(); err == nil {
			err = cerr
		}
		werr <- err
	}()

	stop := make(chan struct{})
	sampled := make(chan []Sample)
	go func() {
		var samples []Sample
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			if u, ok := procmem.Read(cmd.Process.Pid); ok {
				s := Sample{T: time.Since(start).Seconds(), Written: written.Load(), Handled: handled.Load(),
					RSS: u.RSS, HWM: u.HWM, Sent: sent.Load(), Set: nodeSet.Load(), Out: out.Load()}
				samples = append(samples, s)
				if cfg.Progress != nil {
					cfg.Progress(s)
				}
			}
			select {
			case <-stop:
				sampled <- samples
				return
			case <-t.C:
			}
		}
	}()

	// Read the replies; a read_ok's values are counted in passing.
	var (
		rd         = bufio.NewReaderSize(stdout, 1<<20)
		arr        arrayCounter
		midLine    bool
		mismatch   error
		mismatches int
		rerr       error
	)
	for {
		chunk, err := rd.ReadSlice('\n')
		if len(chunk) > 0 {
			res.OutBytes += int64(len(chunk))
			if midLine {
				arr.feed(chunk)
			} else {
				arr.begin(chunk)
			}
			midLine = chunk[len(chunk)-1] != '\n'
			if !midLine {
				res.Replies++
				if n, ok := arr.count(); ok {
					res.Reads++
					nodeSet.Store(int64(n))
					if want, ok := expect.pop(); !ok || n != want {
						mismatches++
						if mismatch == nil {
							mismatch = fmt.Errorf("reply %d: a read_ok of %d values, want %d", res.Replies, n, want)
						}
					}
				}
				handled.Store(int64(res.Replies))
				out.Store(res.OutBytes)
			}
		}
		if err == nil || err == bufio.ErrBufferFull {
			continue
		}
		if err != io.EOF {
			rerr = err
		}
		break
	}
	res.Elapsed = time.Since(start)
	close(stop)
	res.Samples = <-sampled
	// A node that stopped writing before it read all its input is killed,
	// so that a writer blocked on the pipe returns.
	close(quit)
	if rerr != nil {
		cmd.Process.Kill()
	}
	var wrErr error
	select {
	case wrErr = <-werr:
	case <-time.After(5 * time.Second):
		cmd.Process.Kill()
		wrErr = <-werr
	}
	waitErr := cmd.Wait()

	res.Lines = src.Written()
	res.SetSize, res.SetFullAt = src.Distinct(), src.LastNew()
	res.NodeSet = int(nodeSet.Load())
	if m := holdsRE.FindStringSubmatch(stderr.String()); m != nil {
		res.NodeHolds, _ = strconv.Atoi(m[1])
	}
	switch {
	case rerr != nil:
		return res, fmt.Errorf("soak: reading %s: %w", cfg.Bin, rerr)
	case waitErr != nil:
		return res, fmt.Errorf("soak: %s after %d lines written, %d replies: %w%s", cfg.Bin, src.Written(), res.Replies, waitErr, stderr.note())
	case res.Replies != src.Lines():
		return res, fmt.Errorf("soak: %s wrote %d replies to %d lines, want %d%s", cfg.Bin, res.Replies, src.Written(), src.Lines(), stderr.note())
	case wrErr != nil:
		return res, fmt.Errorf("soak: writing to %s after %d lines: %w%s", cfg.Bin, src.Written(), wrErr, stderr.note())
	case mismatch != nil:
		return res, fmt.Errorf("soak: %d of %d read_ok replies disagree with the values written; first: %w", mismatches, res.Reads, mismatch)
	}
	return res, nil
}

// holdsRE finds the set size in the node's exit line.
var holdsRE = regexp.MustCompile(`holds (\d+) values`)
