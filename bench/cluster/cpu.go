package cluster

import (
	"bytes"
	"context"
	"strconv"
)

// userHZ is the unit of the CPU times in /proc/PID/stat: Linux exports them
// in USER_HZ ticks, 100 per second on every architecture the bench runs on.
const userHZ = 100

// parseStatCPU returns utime plus stime, in ticks, from the contents of a
// /proc/PID/stat file: the 14th and 15th fields, counted after the command
// name in parentheses (which may itself hold spaces and parentheses, so the
// last ')' ends it).
func parseStatCPU(stat []byte) (ticks uint64, ok bool) {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	// Fields from the 3rd (state) on.
	f := bytes.Fields(stat[i+1:])
	const utime, stime = 14 - 3, 15 - 3
	if len(f) <= stime {
		return 0, false
	}
	u, err1 := strconv.ParseUint(string(f[utime]), 10, 64)
	s, err2 := strconv.ParseUint(string(f[stime]), 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return u + s, true
}

// cpuMark is the node processes' total CPU time at one instant, in
// seconds; ok is false when some running process could not be read.
type cpuMark struct {
	cpu float64
	ok  bool
}

// nodeCPUNow adds up the CPU time used so far by every process that has run
// as a node: live ones read from /proc, exited ones from wait4.
func (c *Cluster) nodeCPUNow() cpuMark {
	mk := cpuMark{ok: true}
	for _, m := range c.members {
		for _, p := range m.incarnations() {
			sec, ok := p.cpuNow()
			mk.cpu += sec
			mk.ok = mk.ok && ok
		}
	}
	return mk
}

// cpuSampler takes cpuMarks at given times; its marks belong to its
// goroutine until done is closed.
type cpuSampler struct {
	marks []cpuMark
	done  chan struct{}
}

// startCPUSampler takes a mark now and one at each of times (clock ns,
// ascending), in a goroutine of its own, until the last time or until ctx
// ends.
func (c *Cluster) startCPUSampler(ctx context.Context, times []int64) *cpuSampler {
	s := &cpuSampler{done: make(chan struct{})}
	go func() {
		defer close(s.done)
		s.marks = append(s.marks, c.nodeCPUNow())
		for _, t := range times {
			if !sleepUntil(ctx, c.clk, t) {
				return
			}
			s.marks = append(s.marks, c.nodeCPUNow())
		}
	}()
	return s
}

// finish waits for the sampler to take its marks (every time must be past,
// or ctx ended) and returns them: one per time plus the first, fewer if ctx
// ended.
func (s *cpuSampler) finish() []cpuMark {
	<-s.done
	return s.marks
}
