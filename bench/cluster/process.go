package cluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"time"
)

// proc is one node process. The bench owns both pipe ends it keeps: the
// node's writer goroutine owns stdin, its reader goroutine owns stdout.
type proc struct {
	idx    int
	id     string
	cmd    *exec.Cmd
	stdin  *os.File
	stdout *os.File
	log    *os.File
	w      *nodeWriter
	// started is when the process was started, clock ns.
	started int64
	// readDone is closed when the reader goroutine has routed the last
	// line the process printed.
	readDone chan struct{}

	// stopping is set before the bench ends the process; an exit before
	// that is a crash. killed is set when the kill nemesis ended it.
	stopping atomic.Bool
	killed   atomic.Bool
	// done is closed when the process has exited; the fields below are
	// written before and read after that.
	done     chan struct{}
	crashed  bool
	exitCode int
	exitTime int64
	exitErr  string
	// cpu is the CPU time (user plus system) the process used, in
	// seconds, from the resource usage wait4 returned when it was reaped:
	// its own threads only, whatever else the bench runs.
	cpu float64
}

// startProc starts one node with its stdin and stdout on fresh pipes and its
// stderr on log (or discarded when log is nil).
func startProc(o *Options, idx int, id string, log *os.File, clk *clock) (*proc, error) {
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
	cmd := exec.Command(o.Bin, o.Args...)
	cmd.Env = append(os.Environ(), o.Env...)
	cmd.Dir = o.Dir
	cmd.Stdin = inR
	cmd.Stdout = outW
	if log != nil {
		cmd.Stderr = log
	}
	prepareNice(cmd)
	if err := cmd.Start(); err != nil {
		inR.Close()
		inW.Close()
		outR.Close()
		outW.Close()
		return nil, fmt.Errorf("start %s: %w", id, err)
	}
	// The child holds its own copies; closing ours lets stdout reach EOF
	// when the node exits.
	inR.Close()
	outW.Close()
	// Failing to lower the priority only makes the bench less precise.
	_ = lowerPriority(cmd, o.NodeNice)
	p := &proc{idx: idx, id: id, cmd: cmd, stdin: inW, stdout: outR, log: log, started: clk.now(),
		done: make(chan struct{}), readDone: make(chan struct{})}
	go func() {
		err := cmd.Wait()
		p.exitTime = clk.now()
		p.exitCode = cmd.ProcessState.ExitCode()
		if err != nil {
			p.exitErr = err.Error()
		}
		if ps := cmd.ProcessState; ps != nil {
			p.cpu = (ps.UserTime() + ps.SystemTime()).Seconds()
		}
		p.crashed = !p.stopping.Load()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has exited.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// finalCPU returns the CPU time, in seconds, that the process used in all,
// or 0 if it has not exited yet.
func (p *proc) finalCPU() float64 {
	select {
	case <-p.done:
		return p.cpu
	default:
		return 0
	}
}

// cpuNow returns the CPU time, in seconds, that the process has used so
// far: its final figure once it has exited, else read from /proc (Linux);
// ok is false when it could not be read.
func (p *proc) cpuNow() (float64, bool) {
	if p.exited() {
		return p.cpu, true
	}
	if sec, ok := procCPU(p.cmd.Process.Pid); ok {
		return sec, true
	}
	// It may have exited in between.
	if p.exited() {
		return p.cpu, true
	}
	return 0, false
}

// kill ends the process at once (SIGKILL) for the kill nemesis, which is
// not a crash, and waits until it has exited.
func (p *proc) kill() {
	p.stopping.Store(true)
	p.killed.Store(true)
	p.cmd.Process.Kill()
	<-p.done
}

// member is one node id's seat in the cluster: every process that ran as
// it, the current one last.
type member struct {
	idx int
	id  string
	log *os.File // shared by every incarnation, which append to it

	mu    sync.Mutex
	procs []*proc

	// busy is set while a pause or kill holds the node; the nemesis's
	// fault lock guards it.
	busy bool
	// probeStop ends the catch-up probe of the current incarnation, and
	// probeDone is closed when it has ended; both are nil when none runs.
	// Only the kill nemesis and Run touch them.
	probeStop func()
	probeDone chan struct{}
}

// current returns the process running as the member now.
func (m *member) current() *proc {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.procs[len(m.procs)-1]
}

// incarnations returns every process that ran as the member.
func (m *member) incarnations() []*proc {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*proc(nil), m.procs...)
}

func (m *member) add(p *proc) {
	m.mu.Lock()
	m.procs = append(m.procs, p)
	m.mu.Unlock()
}

// errStopTimeout means a node ignored the end of its input and was killed.
var errStopTimeout = errors.New("cluster: node did not exit after its input closed; killed")

// stop ends the process: its input is closed after queued lines are written,
// and it is killed if it has not exited after grace.
func (p *proc) stop(grace time.Duration) error {
	p.stopping.Store(true)
	if p.w != nil {
		p.w.close()
	} else {
		p.stdin.Close()
	}
	select {
	case <-p.done:
		return nil
	case <-time.After(grace):
	}
	p.cmd.Process.Kill()
	<-p.done
	return errStopTimeout
}
