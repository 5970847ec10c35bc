package pipebench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maelstrom-gossip/node/bench/procmem"
)

// Binary is a program the bench runs between two pipes.
type Binary struct {
	// Name labels the binary in tables ("node", "baseline", "cat").
	Name string `json:"name"`
	// Path is the executable; a bare name is looked up in PATH.
	Path string `json:"path"`
	// Args are its arguments.
	Args []string `json:"args,omitempty"`
	// Env is added to this process's environment.
	Env []string `json:"env,omitempty"`
}

// Node returns the node binary at path, labelled name, with NodeEnv.
func Node(name, path string) Binary { return Binary{Name: name, Path: path, Env: NodeEnv} }

// Cat returns the floor: cat at path ("cat" when empty).
func Cat(path string) Binary {
	if path == "" {
		path = "cat"
	}
	return Binary{Name: "cat", Path: path}
}

// proc is a started binary with the tool's ends of its stdin and stdout.
type proc struct {
	cmd     *exec.Cmd
	stdin   *os.File // write end of the process's stdin, blocking
	stdout  *os.File // read end of the process's stdout, blocking
	stderr  *tailBuffer
	ctx     context.Context
	cancel  context.CancelFunc
	timeout time.Duration
	// started is the time just before the process was spawned.
	started time.Time
}

// start starts b with fresh pipes for stdin and stdout. The process is
// killed when timeout (if positive) passes before wait.
func start(b Binary, timeout time.Duration) (*proc, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		inR.Close()
		inW.Close()
		return nil, err
	}
	// Fd puts the tool's ends in blocking mode: a read or write then
	// blocks its thread in the kernel instead of parking in Go's poller,
	// so that the tool wakes for a reply as directly as a C program.
	inW.Fd()
	outR.Fd()
	ctx, cancel := context.Background(), context.CancelFunc(func() {})
	if timeout > 0 {
		ctx, cancel = context.WithTimeout(ctx, timeout)
	}
	cmd := exec.CommandContext(ctx, b.Path, b.Args...)
	cmd.Env = append(os.Environ(), b.Env...)
	cmd.Stdin, cmd.Stdout = inR, outW
	tail := &tailBuffer{max: 4096}
	cmd.Stderr = tail
	cmd.WaitDelay = time.Second
	killGroup(cmd)
	started := time.Now()
	err = cmd.Start()
	inR.Close()
	outW.Close()
	if err != nil {
		cancel()
		inW.Close()
		outR.Close()
		return nil, fmt.Errorf("pipebench: start %s: %w", b.Path, err)
	}
	return &proc{cmd: cmd, stdin: inW, stdout: outR, stderr: tail, ctx: ctx, cancel: cancel, timeout: timeout, started: started}, nil
}

// pid is the process id.
func (p *proc) pid() int { return p.cmd.Process.Pid }

// wait closes the tool's ends, waits for the process to exit and returns
// an error that shows the end of its stderr when it failed.
func (p *proc) wait() error {
	p.stdin.Close()
	err := p.cmd.Wait()
	p.stdout.Close()
	timedOut := p.ctx.Err() != nil
	p.cancel()
	if timedOut {
		return fmt.Errorf("killed after the timeout of %v: %w", p.timeout, err)
	}
	if err != nil {
		if tail := p.stderr.String(); tail != "" {
			return fmt.Errorf("%w; stderr ends: %s", err, tail)
		}
		return err
	}
	return nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

// Write keeps the end of p.
func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

// String returns what was kept, trimmed.
func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(bytes.TrimSpace(t.b))
}

// peakWatcher samples a process's VmHWM.
type peakWatcher struct {
	pid  int
	peak atomic.Int64
	stop chan struct{}
	done chan struct{}
}

// watchPeak samples the VmHWM of pid every period (not at all for a period
// of zero or less) until finish is called.
func watchPeak(pid int, period time.Duration) *peakWatcher {
	w := &peakWatcher{pid: pid, stop: make(chan struct{}), done: make(chan struct{})}
	if period <= 0 {
		close(w.done)
		return w
	}
	go func() {
		defer close(w.done)
		t := time.NewTicker(period)
		defer t.Stop()
		for {
			w.read()
			select {
			case <-w.stop:
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// read takes one reading; a process that is gone reads as nothing.
func (w *peakWatcher) read() {
	if u, ok := procmem.Read(w.pid); ok && u.HWM > w.peak.Load() {
		w.peak.Store(u.HWM)
	}
}

// finish takes a last reading, stops the sampling and returns the highest
// VmHWM seen, in bytes (0 when none was).
func (w *peakWatcher) finish() int64 {
	w.read()
	select {
	case <-w.done:
	default:
		close(w.stop)
		<-w.done
	}
	return w.peak.Load()
}

// Peak sources, as Run.PeakFrom records them.
const (
	PeakProc   = "proc"   // VmHWM read from /proc while the process ran
	PeakRusage = "rusage" // the waited child's Maxrss, above the tool's own peak
)

// settlePeak fills r's memory and CPU figures from the sampled peak and the
// exited process's rusage (see the package doc for why Maxrss is used only
// above the tool's own peak).
func settlePeak(r *Run, sampled int64, ps *os.ProcessState) {
	r.PeakRSS, r.PeakFrom = sampled, PeakProc
	if sampled == 0 {
		r.PeakFrom = ""
	}
	if ps == nil {
		return
	}
	r.CPU = ps.UserTime() + ps.SystemTime()
	r.RusageMaxRSS = childMaxRSS(ps)
	if self, ok := procmem.Read(os.Getpid()); ok && r.RusageMaxRSS > self.HWM && r.RusageMaxRSS >= sampled {
		r.PeakRSS, r.PeakFrom = r.RusageMaxRSS, PeakRusage
	}
}

// streamRun is how runStream runs a binary.
type streamRun struct {
	sample  time.Duration // VmHWM sampling period
	timeout time.Duration // kill the process after this long (0: never)
	capture bool          // keep the output
	hint    int           // expected output size, to size the capture buffer
}

// errStopped is returned by the writer when the output ended before the
// replies it waited for.
var errStopped = errors.New("pipebench: output ended before the replies of a phase")

// runStream runs b on s: it writes each phase of s into b's stdin, waits
// for the phase's replies before the next, closes stdin after the last, and
// reads the output to its end. The wall time runs from the first byte
// written to the process's exit. The output is returned when o.capture is
// set.
func runStream(b Binary, s Stream, o streamRun) (Run, []byte, error) {
	p, err := start(b, o.timeout)
	if err != nil {
		return Run{}, nil, err
	}
	watch := watchPeak(p.pid(), o.sample)
	gates := make(chan struct{}, len(s))
	readDone := make(chan struct{})
	werr := make(chan error, 1)

	begin := time.Now()
	go func() { werr <- writePhases(p.stdin, s, gates, readDone) }()

	var out []byte
	if o.capture {
		out = make([]byte, 0, max(o.hint, 64<<10))
	} else {
		out = make([]byte, 1<<20)
	}
	var nbytes int64
	lines, phase, need := 0, 0, s[0].Replies
	var rerr error
	for {
		var chunk []byte
		if o.capture {
			if len(out) == cap(out) {
				out = append(out, 0)[:len(out)]
			}
			n, err := p.stdout.Read(out[len(out):cap(out)])
			chunk, out, rerr = out[len(out):len(out)+n], out[:len(out)+n], err
		} else {
			n, err := p.stdout.Read(out)
			chunk, rerr = out[:n], err
		}
		nbytes += int64(len(chunk))
		lines += bytes.Count(chunk, []byte{'\n'})
		for phase < len(s)-1 && lines >= need {
			gates <- struct{}{}
			phase++
			need += s[phase].Replies
		}
		if rerr != nil {
			break
		}
	}
	close(readDone)
	sampled := watch.finish()
	writeErr := <-werr
	waitErr := p.wait()
	r := Run{Wall: time.Since(begin), InBytes: s.Bytes(), OutBytes: nbytes, OutLines: lines}
	settlePeak(&r, sampled, p.cmd.ProcessState)
	if !o.capture {
		out = nil
	}
	switch {
	case waitErr != nil:
		return r, out, fmt.Errorf("pipebench: %s: %w", b.Name, waitErr)
	case rerr != io.EOF:
		return r, out, fmt.Errorf("pipebench: reading from %s: %w", b.Name, rerr)
	case writeErr != nil:
		return r, out, fmt.Errorf("pipebench: writing to %s: %w", b.Name, writeErr)
	}
	return r, out, nil
}

// writePhases writes the phases of s to w, waiting for a gate before each
// phase after the first, and closes w at the end. It gives up when done is
// closed before a gate opens.
func writePhases(w *os.File, s Stream, gates <-chan struct{}, done <-chan struct{}) error {
	defer w.Close()
	for i, ph := range s {
		if i > 0 {
			select {
			case <-gates:
			case <-done:
				return fmt.Errorf("%w %d of %d", errStopped, i, len(s))
			}
		}
		for _, c := range ph.Chunks {
			if _, err := w.Write(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// lineProc is a started binary driven one line at a time.
type lineProc struct {
	*proc
	rd *bufio.Reader
}

// startLines starts b for line-at-a-time use.
func startLines(b Binary, timeout time.Duration) (*lineProc, error) {
	p, err := start(b, timeout)
	if err != nil {
		return nil, err
	}
	return &lineProc{proc: p, rd: bufio.NewReaderSize(p.stdout, 64<<10)}, nil
}

// roundTrip writes req and returns the next line of output, which stays
// valid until the next call.
func (p *lineProc) roundTrip(req []byte) ([]byte, error) {
	if _, err := p.stdin.Write(req); err != nil {
		return nil, err
	}
	return p.readLine()
}

// readLine returns the next line of output, which stays valid until the
// next call; a line longer than the buffer is an error.
func (p *lineProc) readLine() ([]byte, error) {
	line, err := p.rd.ReadSlice('\n')
	if err == io.EOF && len(line) == 0 {
		return nil, io.ErrUnexpectedEOF
	}
	return line, err
}

// finish closes stdin, reads the rest of the output (which must be empty)
// and waits for the process to exit.
func (p *lineProc) finish(name string) (*os.ProcessState, error) {
	p.stdin.Close()
	extra, rerr := io.Copy(io.Discard, p.rd)
	if err := p.wait(); err != nil {
		return p.cmd.ProcessState, fmt.Errorf("pipebench: %s: %w", name, err)
	}
	if rerr != nil {
		return p.cmd.ProcessState, fmt.Errorf("pipebench: reading from %s: %w", name, rerr)
	}
	if extra > 0 {
		return p.cmd.ProcessState, fmt.Errorf("%w: %s wrote %d bytes more than its replies", ErrReply, name, extra)
	}
	return p.cmd.ProcessState, nil
}

// fail stops a process whose round trip failed with err and returns err
// with what explains it: the timeout, or the end of the process's stderr.
func (p *lineProc) fail(err error) error {
	timedOut := p.ctx.Err() != nil
	p.cmd.Cancel() // kills the process (its group, on Unix)
	p.wait()
	if timedOut {
		return fmt.Errorf("%w (killed after the timeout of %v)", err, p.timeout)
	}
	if tail := p.stderr.String(); tail != "" {
		return fmt.Errorf("%w; stderr ends: %s", err, tail)
	}
	return err
}
