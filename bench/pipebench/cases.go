package pipebench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/maelstrom-gossip/node/bench/procmem"
)

// The names of the cases.
const (
	CaseReads     = "reads"
	CaseSync      = "sync"
	CaseRoundTrip = "roundtrip"
	CaseStartup   = "startup"
)

// Cases are the case names, in the order the command runs them.
var Cases = []string{CaseReads, CaseSync, CaseRoundTrip, CaseStartup}

// Defaults of the settings.
const (
	DefaultRuns     = 5
	DefaultReadsN   = 1_000_000
	DefaultReads    = 30
	DefaultSyncN    = 10_000_000
	DefaultTrips    = 2000
	DefaultSetMax   = 100
	DefaultStartups = 20
	DefaultSample   = 5 * time.Millisecond
	DefaultTimeout  = 10 * time.Minute
)

// ErrConfig is wrapped by every error about settings.
var ErrConfig = errors.New("pipebench: bad setting")

// Options are the settings every case shares. The zero value of a field
// means its default.
type Options struct {
	// Binaries are the binaries under test, the node first. Each round of
	// a case runs them in this order, then the floor.
	Binaries []Binary
	// Floor is the floor that the ratios divide by; zero means Cat("").
	Floor Binary
	// Runs is the number of timed runs of each binary (reads, sync) or
	// of blocks (roundtrip); default DefaultRuns.
	Runs int
	// Sample is the period of VmHWM sampling in reads and sync; default
	// DefaultSample, negative for no sampling (then only the reading at
	// the end of output counts).
	Sample time.Duration
	// Timeout bounds one process's life; past it the process is killed
	// and the case fails. Default DefaultTimeout.
	Timeout time.Duration
	// Progress receives a line per round; nil for none.
	Progress io.Writer
}

// ReadsConfig sizes the reads case; zero fields mean the defaults.
type ReadsConfig struct {
	N     int // values in the gossip_sync and in each read_ok; DefaultReadsN
	Reads int // reads after the gossip_sync; DefaultReads
}

// SyncConfig sizes the sync case; a zero N means DefaultSyncN.
type SyncConfig struct {
	N int // values in each of the two gossip_syncs
}

// RoundTripConfig sizes the roundtrip case; zero fields mean the defaults.
type RoundTripConfig struct {
	Trips  int // round trips per block; DefaultTrips
	SetMax int // most values a process holds: the broadcasts cycle through this many; DefaultSetMax
}

// StartupConfig sizes the startup case; a zero Runs means DefaultStartups.
type StartupConfig struct {
	Runs int // starts of each binary
}

// withDefaults validates o and fills in its defaults.
func (o Options) withDefaults() (Options, error) {
	if len(o.Binaries) == 0 {
		return o, fmt.Errorf("%w: no binary to measure", ErrConfig)
	}
	for _, b := range o.Binaries {
		if b.Name == "" || b.Path == "" {
			return o, fmt.Errorf("%w: a binary needs a name and a path: %+v", ErrConfig, b)
		}
	}
	if o.Floor.Path == "" {
		o.Floor = Cat("")
	}
	if o.Floor.Name == "" {
		o.Floor.Name = "cat"
	}
	var err error
	if o.Runs, err = orDefault("runs", o.Runs, DefaultRuns); err != nil {
		return o, err
	}
	if o.Sample == 0 {
		o.Sample = DefaultSample
	}
	if o.Timeout < 0 {
		return o, fmt.Errorf("%w: negative timeout %v", ErrConfig, o.Timeout)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.Progress == nil {
		o.Progress = io.Discard
	}
	return o, nil
}

// orDefault returns v, or def for a zero v, and an error for a negative v.
func orDefault(name string, v, def int) (int, error) {
	switch {
	case v < 0:
		return 0, fmt.Errorf("%w: %s is %d, must be positive", ErrConfig, name, v)
	case v == 0:
		return def, nil
	}
	return v, nil
}

// all is the binaries in the order of a round: those under test, then the
// floor.
func (o Options) all() []Binary { return append(o.Binaries[:len(o.Binaries):len(o.Binaries)], o.Floor) }

// newResult starts the result of a case, with one series per binary.
func (o Options) newResult(kase string, params map[string]int) *Result {
	r := &Result{Case: kase, Params: params}
	for i, b := range o.all() {
		r.Series = append(r.Series, Series{Binary: b, Floor: i == len(o.Binaries)})
	}
	return r
}

// progress writes a line of progress.
func (o Options) progress(format string, args ...any) {
	fmt.Fprintf(o.Progress, "pipebench: "+format+"\n", args...)
}

// roundLine describes one round's figures for progress.
func roundLine(r *Result, runs []Run) string {
	var parts []string
	for i, run := range runs {
		parts = append(parts, r.Series[i].Binary.Name+" "+FormatDuration(run.metric(r.Case)))
	}
	return strings.Join(parts, ", ")
}

// roundName names round k of a case for errors: "warm-up" for -1, else
// what, numbered from 1.
func roundName(what string, k int) string {
	if k < 0 {
		return "warm-up"
	}
	return fmt.Sprintf("%s %d", what, k+1)
}

// streamCase describes a case that runs whole streams.
type streamCase struct {
	input Stream
	// check checks a binary's captured output.
	check func(out []byte) error
	// checkEvery captures and checks every run (for small outputs);
	// otherwise only the warm-up run is, and timed runs must write as
	// many bytes and lines as it did.
	checkEvery bool
	// floorInput derives the floor's input from the first binary's
	// warm-up output.
	floorInput func(out []byte) (Stream, error)
	// hint is the expected output size of a binary, for the capture.
	hint int
}

// runStreamCase runs an untimed, captured and checked warm-up of every
// binary, then o.Runs rounds of timed runs.
func runStreamCase(o Options, c streamCase, res *Result) error {
	sr := streamRun{sample: o.Sample, timeout: o.Timeout, capture: true, hint: c.hint}
	var floorIn Stream
	for i, b := range o.Binaries {
		o.progress("%s: warm-up of %s (captured and checked)", res.Case, b.Name)
		run, out, err := runStream(b, c.input, sr)
		if err == nil {
			err = c.check(out)
		}
		if err != nil {
			return fmt.Errorf("%s: warm-up of %s: %w", res.Case, b.Name, err)
		}
		res.Series[i].Warmup = &run
		if i == 0 {
			if floorIn, err = c.floorInput(out); err != nil {
				return fmt.Errorf("%s: %w", res.Case, err)
			}
		}
	}
	floor := len(o.Binaries)
	o.progress("%s: warm-up of %s", res.Case, o.Floor.Name)
	run, _, err := runStream(o.Floor, floorIn, streamRun{sample: o.Sample, timeout: o.Timeout})
	if err == nil {
		err = sameOutput(run, floorIn.Bytes(), floorIn.Replies())
	}
	if err != nil {
		return fmt.Errorf("%s: warm-up of %s: %w", res.Case, o.Floor.Name, err)
	}
	res.Series[floor].Warmup = &run

	for k := range o.Runs {
		var round []Run
		for i, b := range o.all() {
			in, sr := c.input, streamRun{sample: o.Sample, timeout: o.Timeout}
			if i == floor {
				in = floorIn
			} else if c.checkEvery {
				sr.capture, sr.hint = true, c.hint
			}
			runtime.GC() // not during the run: the tool may hold a big heap
			run, out, err := runStream(b, in, sr)
			switch {
			case err != nil:
			case i == floor:
				err = sameOutput(run, floorIn.Bytes(), floorIn.Replies())
			case c.checkEvery:
				err = c.check(out)
			default:
				w := res.Series[i].Warmup
				err = sameOutput(run, w.OutBytes, w.OutLines)
			}
			if err != nil {
				return fmt.Errorf("%s: run %d of %s: %w", res.Case, k+1, b.Name, err)
			}
			res.Series[i].Runs = append(res.Series[i].Runs, run)
			round = append(round, run)
		}
		o.progress("%s: round %d/%d: %s", res.Case, k+1, o.Runs, roundLine(res, round))
	}
	res.summarize()
	return nil
}

// sameOutput checks that a run wrote the bytes and lines expected.
func sameOutput(r Run, size int64, lines int) error {
	if r.OutBytes != size || r.OutLines != lines {
		return fmt.Errorf("%w: %d bytes in %d lines, want %d bytes in %d lines", ErrReply, r.OutBytes, r.OutLines, size, lines)
	}
	return nil
}

// Reads runs the reads case (see the package doc).
func Reads(o Options, c ReadsConfig) (*Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if c.N, err = orDefault("n", c.N, DefaultReadsN); err != nil {
		return nil, err
	}
	if c.Reads, err = orDefault("reads", c.Reads, DefaultReads); err != nil {
		return nil, err
	}
	res := o.newResult(CaseReads, map[string]int{"n": c.N, "reads": c.Reads, "runs": o.Runs})
	in := ReadsStream(c.N, c.Reads)
	sc := streamCase{
		input: in,
		check: func(out []byte) error { return CheckReads(out, c.N, c.Reads) },
		floorInput: func(out []byte) (Stream, error) {
			s, ok := EchoStream(out, []int{1, 1})
			if !ok {
				return nil, fmt.Errorf("%w: the replies of %s cannot be cut into the floor's phases", ErrReply, o.Binaries[0].Name)
			}
			return s, nil
		},
		// A read_ok of the node has ", " between values: about
		// RangeLen(n)+n bytes for each of reads+Fanout arrays.
		hint: (c.Reads+Fanout)*(RangeLen(c.N)+c.N) + 64<<10,
	}
	o.progress("reads: %s of input, %d replies expected", FormatSize(in.Bytes()), in.Replies())
	if err := runStreamCase(o, sc, res); err != nil {
		return nil, err
	}
	w := res.Series[0].Warmup
	res.Notes = append(res.Notes,
		fmt.Sprintf("input: %s (init, a gossip_sync of 0..%d, %d reads, a gossip_round); %s replied %s in %d lines",
			FormatSize(in.Bytes()), c.N-1, c.Reads, o.Binaries[0].Name, FormatSize(w.OutBytes), w.OutLines),
		fmt.Sprintf("floor: %s fed exactly %s's %s of replies, in the same phases", o.Floor.Name, o.Binaries[0].Name, FormatSize(w.OutBytes)),
		"wall: first byte written to process exit; every binary's warm-up run untimed, captured and checked")
	return res, nil
}

// Sync runs the sync case (see the package doc).
func Sync(o Options, c SyncConfig) (*Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if c.N, err = orDefault("n", c.N, DefaultSyncN); err != nil {
		return nil, err
	}
	res := o.newResult(CaseSync, map[string]int{"n": c.N, "runs": o.Runs})
	o.progress("sync: generating two gossip_syncs of %d values", c.N)
	t0 := time.Now()
	in := SyncStream(c.N)
	o.progress("sync: %s of input in %v", FormatSize(in.Bytes()), time.Since(t0).Round(time.Millisecond))
	sc := streamCase{
		input:      in,
		check:      func(out []byte) error { return CheckSync(out, c.N) },
		checkEvery: true,
		floorInput: func([]byte) (Stream, error) { return in, nil },
		hint:       4 << 10,
	}
	if err := runStreamCase(o, sc, res); err != nil {
		return nil, err
	}
	res.Notes = append(res.Notes,
		fmt.Sprintf("input: %s (init, then two gossip_syncs of 0..%d, %s each); replies checked every run (new_count %d, then 0)",
			FormatSize(in.Bytes()), c.N-1, FormatSize(int64(len(in[1].Chunks[1]))), c.N),
		fmt.Sprintf("floor: %s moving the same %s from its stdin to its stdout, in the same phases", o.Floor.Name, FormatSize(in.Bytes())),
		"wall: first byte written to process exit; one untimed warm-up run of each binary")
	return res, nil
}

// roundTripRequests returns the requests of one roundtrip process: init,
// then n requests alternating a broadcast and a read, the broadcasts cycling
// through the values 0..setMax-1 (so that the set, and every read_ok, holds
// at most setMax values however long the block); and the offset where each
// request ends in their concatenation, which is also what cat echoes.
func roundTripRequests(n, setMax int) (reqs [][]byte, all []byte, ends []int) {
	all = AppendInit(nil, 1)
	ends = append(ends, len(all))
	for j := range n {
		if j%2 == 0 {
			all = AppendBroadcast(all, int64(j+2), int64(j/2%setMax))
		} else {
			all = AppendRead(all, int64(j+2))
		}
		ends = append(ends, len(all))
	}
	start := 0
	for _, e := range ends {
		reqs = append(reqs, all[start:e])
		start = e
	}
	return reqs, all, ends
}

// roundTripSettle is how long a roundtrip process runs (answering its
// warm-up round trips) before the timed ones: long enough for the node to
// finish compiling its decoders, which it does in the background after its
// first reply, so that the block measures a node as it runs for the rest of
// a test.
const roundTripSettle = 300 * time.Millisecond

// RoundTrip runs the roundtrip case (see the package doc).
func RoundTrip(o Options, c RoundTripConfig) (*Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if c.Trips, err = orDefault("trips", c.Trips, DefaultTrips); err != nil {
		return nil, err
	}
	if c.SetMax, err = orDefault("set max", c.SetMax, DefaultSetMax); err != nil {
		return nil, err
	}
	res := o.newResult(CaseRoundTrip, map[string]int{"trips": c.Trips, "set_max": c.SetMax, "runs": o.Runs})
	reqs, all, ends := roundTripRequests(roundTripWarm+c.Trips, c.SetMax)
	floor := len(o.Binaries)
	for k := -1; k < o.Runs; k++ {
		trips := c.Trips
		var round []Run
		for i, b := range o.all() {
			runtime.GC()
			run, err := roundTripBlock(b, reqs, all, ends, trips, c.SetMax, i == floor, o.Timeout)
			if err != nil {
				return nil, fmt.Errorf("roundtrip: %s of %s: %w", roundName("block", k), b.Name, err)
			}
			if k < 0 {
				res.Series[i].Warmup = &run
				continue
			}
			res.Series[i].Runs = append(res.Series[i].Runs, run)
			round = append(round, run)
		}
		if k >= 0 {
			o.progress("roundtrip: block %d/%d, p50: %s", k+1, o.Runs, roundLine(res, round))
		}
	}
	res.summarize()
	res.Notes = append(res.Notes,
		fmt.Sprintf("a block is %d round trips: write one line, read one line; requests alternate a broadcast of a new value and a read", c.Trips),
		fmt.Sprintf("each block is one process: %d untimed round trips over %v, then the timed ones; broadcasts cycle through %d values, so a read returns at most %d; %s echoes each request",
			roundTripWarm, roundTripSettle, c.SetMax, c.SetMax, o.Floor.Name),
		"p50/p90/p99: the median over the blocks of each block's percentile; one untimed warm-up block of each binary")
	return res, nil
}

// roundTripWarm is how many untimed round trips a block starts with.
const roundTripWarm = 100

// roundTripBlock runs one process of b: init, roundTripWarm untimed round
// trips spread over roundTripSettle, then trips timed ones, and returns the
// block's figures. echo says that b is the floor, whose replies must be the
// requests themselves.
func roundTripBlock(b Binary, reqs [][]byte, all []byte, ends []int, trips, setMax int, echo bool, timeout time.Duration) (Run, error) {
	lat := make([]time.Duration, 0, trips)
	var run Run
	var replies []byte
	p, err := startLines(b, timeout)
	if err != nil {
		return run, err
	}
	line, err := p.roundTrip(reqs[0])
	replies = append(replies[:0], line...)
	k := roundTripWarm + trips
	j := 1
	for ; j <= k && err == nil; j++ {
		if j <= roundTripWarm {
			time.Sleep(roundTripSettle / roundTripWarm)
		}
		t0 := time.Now()
		line, err = p.roundTrip(reqs[j])
		if j > roundTripWarm {
			lat = append(lat, time.Since(t0))
		}
		replies = append(replies, line...)
	}
	if err != nil {
		return run, p.fail(fmt.Errorf("round trip %d: %w", j-1, err))
	}
	if u, ok := procmem.Read(p.pid()); ok {
		run.PeakRSS, run.PeakFrom = u.HWM, PeakProc
	}
	ps, err := p.finish(b.Name)
	if err != nil {
		return run, err
	}
	run.CPU += ps.UserTime() + ps.SystemTime()
	run.InBytes += int64(ends[k])
	run.OutBytes += int64(len(replies))
	run.OutLines += k + 1
	if echo {
		if !bytes.Equal(replies, all[:ends[k]]) {
			return run, fmt.Errorf("%w: %s did not echo the requests", ErrReply, b.Name)
		}
	} else if err := checkRoundTrips(replies, k, setMax); err != nil {
		return run, err
	}
	for _, l := range lat {
		run.Wall += l
	}
	run.P50, run.P90, run.P99 = latencySummary(lat)
	return run, nil
}

// Startup runs the startup case (see the package doc).
func Startup(o Options, c StartupConfig) (*Result, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	if c.Runs, err = orDefault("startups", c.Runs, DefaultStartups); err != nil {
		return nil, err
	}
	res := o.newResult(CaseStartup, map[string]int{"runs": c.Runs})
	init := AppendInit(nil, 1)
	floor := len(o.Binaries)
	for k := -1; k < c.Runs; k++ {
		var round []Run
		for i, b := range o.all() {
			run, err := startOnce(b, init, i == floor, o.Timeout)
			if err != nil {
				return nil, fmt.Errorf("startup: %s of %s: %w", roundName("run", k), b.Name, err)
			}
			if k < 0 {
				res.Series[i].Warmup = &run
				continue
			}
			res.Series[i].Runs = append(res.Series[i].Runs, run)
			round = append(round, run)
		}
		if k >= 0 && (k+1)%5 == 0 || k+1 == c.Runs {
			o.progress("startup: round %d/%d: %s", k+1, c.Runs, roundLine(res, round))
		}
	}
	res.summarize()
	res.Notes = append(res.Notes,
		"from just before the spawn to the init_ok line read back (the tool writes init at once after the start); "+o.Floor.Name+" echoes the init line",
		"peak RSS: VmHWM read right after the reply; one untimed warm-up start of each binary")
	return res, nil
}

// startOnce spawns b, writes init, and times the spawn to the first line.
func startOnce(b Binary, init []byte, echo bool, timeout time.Duration) (Run, error) {
	p, err := startLines(b, timeout)
	if err != nil {
		return Run{}, err
	}
	line, err := p.roundTrip(init)
	run := Run{Wall: time.Since(p.started), InBytes: int64(len(init)), OutBytes: int64(len(line)), OutLines: 1}
	if err != nil {
		return run, p.fail(err)
	}
	if u, ok := procmem.Read(p.pid()); ok {
		run.PeakRSS, run.PeakFrom = u.HWM, PeakProc
	}
	switch {
	case echo && !bytes.Equal(line, init):
		err = fmt.Errorf("%w: %s did not echo init: %s", ErrReply, b.Name, excerpt(line))
	case !echo:
		err = checkInitOK(line)
	}
	ps, ferr := p.finish(b.Name)
	if ps != nil {
		run.CPU = ps.UserTime() + ps.SystemTime()
	}
	return run, errors.Join(err, ferr)
}
