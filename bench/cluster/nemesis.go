package cluster

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// maxTime is a clock time later than any run.
const maxTime = math.MaxInt64

// probeEvery is the period of the catch-up probe reads.
const probeEvery = 100 * time.Millisecond

// faultKind is one fault of the nemesis with its own schedule. Its loop
// goroutine, and Run after the loop has ended, are the only ones that call
// start and heal or touch active.
type faultKind struct {
	name string
	rng  *rand.Rand
	// start begins a fault and reports whether it could (pause and kill
	// need a node that no other pause or kill holds).
	start func(rng *rand.Rand) bool
	// heal ends the fault start began; at is the clock time to record.
	heal   func(at int64)
	active bool
}

// faultKinds builds the faults Options.Nemesis names, each with its own
// random stream (the partition's is the one the bench always used, so
// that a seed gives the same partitions as before).
func (c *Cluster) faultKinds(ctx context.Context) []*faultKind {
	var kinds []*faultKind
	if c.faults.partition {
		kinds = append(kinds, c.partitionFault())
	}
	if c.faults.pause {
		kinds = append(kinds, c.pauseFault())
	}
	if c.faults.kill {
		kinds = append(kinds, c.killFault(ctx))
	}
	return kinds
}

// nemesisLoop starts and heals faults of kind k at uniformly random gaps in
// [0, 2·NemesisInterval) until the deadline, as jepsen's
// (gen/stagger interval (gen/flip-flop start stop)). A fault still active
// at the deadline is left to Run, which heals it once the workload's last
// operations have completed.
func (c *Cluster) nemesisLoop(ctx context.Context, k *faultKind, deadline int64) {
	clk := c.clk
	gap := func() int64 { return int64(k.rng.Float64() * 2 * float64(c.opts.NemesisInterval)) }
	for {
		at := clk.now() + gap()
		if at >= deadline || !sleepUntil(ctx, clk, at) {
			return
		}
		k.active = k.start(k.rng)
		at = clk.now() + gap()
		if at >= deadline || !sleepUntil(ctx, clk, at) {
			return
		}
		if k.active {
			k.heal(clk.now())
			k.active = false
		}
	}
}

// rel converts a clock time to seconds since the workload started.
func (c *Cluster) rel(t int64) float64 { return float64(t-c.t0.Load()) / 1e9 }

// addEvent records the start of a fault and returns its index; the caller
// holds nemMu.
func (c *Cluster) addEvent(ev NemesisEvent) int {
	c.nemEvents = append(c.nemEvents, ev)
	return len(c.nemEvents) - 1
}

func (c *Cluster) partitionFault() *faultKind {
	r := c.r
	ev := -1
	return &faultKind{
		name: "partition",
		rng:  c.rngFor(2),
		start: func(rng *rand.Rand) bool {
			kind := PartitionKinds[rng.IntN(len(PartitionKinds))]
			g := buildGrudge(kind, len(r.ids), rng)
			desc := g.describe(r.ids)
			c.nemMu.Lock()
			defer c.nemMu.Unlock()
			r.cut.Store(g)
			c.cutDesc.Store(&desc)
			ev = c.addEvent(NemesisEvent{Start: c.rel(c.clk.now()), Fault: "partition", Kind: kind, Description: desc})
			return true
		},
		heal: func(at int64) {
			c.nemMu.Lock()
			defer c.nemMu.Unlock()
			r.cut.Store(nil)
			c.cutDesc.Store(nil)
			c.nemEvents[ev].End = c.rel(at)
		},
	}
}

// pick chooses a random node that no pause or kill holds and marks it held;
// it returns nil when every node is held. The caller holds nemMu.
func (c *Cluster) pick(rng *rand.Rand) *member {
	var free []*member
	for _, m := range c.members {
		if !m.busy {
			free = append(free, m)
		}
	}
	if len(free) == 0 {
		return nil
	}
	m := free[rng.IntN(len(free))]
	m.busy = true
	return m
}

// nodeState records what the progress line says of a node a pause or kill
// holds ("" when none does); the caller holds nemMu.
func (c *Cluster) nodeState(id, state string) {
	if c.states == nil {
		c.states = map[string]string{}
	}
	if state == "" {
		delete(c.states, id)
	} else {
		c.states[id] = state
	}
	if len(c.states) == 0 {
		c.faultDesc.Store(nil)
		return
	}
	var parts []string
	for _, m := range c.members {
		if s, ok := c.states[m.id]; ok {
			parts = append(parts, m.id+" "+s)
		}
	}
	d := strings.Join(parts, ", ")
	c.faultDesc.Store(&d)
}

// pauseFault stops one random node with SIGSTOP and resumes it with
// SIGCONT. The node's stdin pipe fills meanwhile, then the bench's queue
// for it grows; nothing is dropped.
func (c *Cluster) pauseFault() *faultKind {
	var m *member
	var p *proc
	ev := -1
	return &faultKind{
		name: "pause",
		rng:  c.rngFor(3),
		start: func(rng *rand.Rand) bool {
			c.nemMu.Lock()
			defer c.nemMu.Unlock()
			if m = c.pick(rng); m == nil {
				return false
			}
			p = m.current()
			p.w.holdUntil.Store(maxTime)
			desc := m.id + " stopped (SIGSTOP)"
			if err := pauseProcess(p.cmd.Process); err != nil {
				desc += ": " + err.Error()
			}
			ev = c.addEvent(NemesisEvent{Start: c.rel(c.clk.now()), Fault: "pause", Kind: "pause", Node: m.id, Description: desc})
			c.nodeState(m.id, "paused")
			return true
		},
		heal: func(at int64) {
			c.nemMu.Lock()
			defer c.nemMu.Unlock()
			if err := resumeProcess(p.cmd.Process); err != nil {
				c.nemEvents[ev].Description += "; SIGCONT: " + err.Error()
			} else {
				c.nemEvents[ev].Description += ", resumed (SIGCONT)"
			}
			p.w.holdUntil.Store(c.clk.now())
			c.nemEvents[ev].End = c.rel(at)
			m.busy = false
			c.nodeState(m.id, "")
		},
	}
}

// restart is the record of one kill and the restart that followed. The
// kill nemesis writes the kill and restart fields; the catch-up probe, which
// starts after them, writes the probe fields; Run reads everything once the
// probe has ended.
type restart struct {
	m     *member
	inc   int   // the number of the killed process among the member's
	from  int64 // when the killed process started, clock ns
	kill  int64 // when it was killed
	start int64 // when the fresh process started; 0 if it did not
	ready int64 // when it had answered init and topology; 0 if it did not
	err   string
	ev    int

	// target lists the values known anywhere before the kill, which the
	// probe waits for.
	target []int64
	// Probe results.
	probes       int
	firstRead    int64 // first successful probe read
	caughtUp     int64 // first probe read that held every target value
	missing      []int64
	missingSince int64 // first probe read that lacked exactly missing
	probeMissing []int // how many target values each probe read lacked
	killedAgain  bool
}

// killFault kills one random node with SIGKILL and, later, starts a fresh
// process in its place.
func (c *Cluster) killFault(ctx context.Context) *faultKind {
	var m *member
	var rec *restart
	return &faultKind{
		name: "kill",
		rng:  c.rngFor(4),
		start: func(rng *rand.Rand) bool {
			c.nemMu.Lock()
			m = c.pick(rng)
			c.nemMu.Unlock()
			if m == nil {
				return false
			}
			if prev := c.stopProbe(m); prev != nil && prev.caughtUp == 0 {
				prev.killedAgain = true
			}
			procs := m.incarnations()
			p := procs[len(procs)-1]
			at := c.clk.now()
			p.kill()
			rec = &restart{m: m, inc: len(procs) - 1, from: p.started, kill: at}
			c.nemMu.Lock()
			rec.ev = c.addEvent(NemesisEvent{Start: c.rel(at), Fault: "kill", Kind: "kill", Node: m.id, Description: m.id + " killed (SIGKILL)"})
			c.restarts = append(c.restarts, rec)
			c.nodeState(m.id, "down")
			c.nemMu.Unlock()
			return true
		},
		heal: func(at int64) {
			c.restartNode(ctx, rec)
			c.nemMu.Lock()
			defer c.nemMu.Unlock()
			ev := &c.nemEvents[rec.ev]
			ev.End = c.rel(at)
			if rec.start != 0 {
				ev.End = c.rel(rec.start)
			}
			if rec.err != "" {
				ev.Description += "; restart failed: " + rec.err
			} else {
				ev.Description += fmt.Sprintf(", restarted with a fresh init (ready in %.0f ms)", float64(rec.ready-rec.start)/1e6)
			}
			m.busy = false
			c.nodeState(m.id, "")
		},
	}
}

// stopProbe ends the catch-up probe of m's current process, if one runs,
// and returns its record.
func (c *Cluster) stopProbe(m *member) *restart {
	if m.probeStop == nil {
		return nil
	}
	m.probeStop()
	<-m.probeDone
	m.probeStop, m.probeDone = nil, nil
	c.nemMu.Lock()
	defer c.nemMu.Unlock()
	for i := len(c.restarts) - 1; i >= 0; i-- {
		if c.restarts[i].m == m {
			return c.restarts[i]
		}
	}
	return nil
}

// restartNode starts a fresh process for the killed node of rec, sends it
// init with the same node_id and node_ids and then the topology, as at the
// start of the run, and starts its catch-up probe. Messages to the node go
// to the new process from the moment init is queued for it, init first.
func (c *Cluster) restartNode(ctx context.Context, rec *restart) {
	o, m, r := &c.opts, rec.m, c.r
	old := m.current()
	// Every line the dead process printed is routed before the new one
	// starts, so that acknowledgements are told apart by time.
	<-old.readDone
	c.nemMu.Lock()
	c.nodeState(m.id, "restarting")
	c.nemMu.Unlock()
	if m.log != nil {
		fmt.Fprintf(m.log, "\n=== cluster: %s was killed (SIGKILL) at %.3fs; a fresh process starts at %.3fs ===\n",
			m.id, c.rel(rec.kill), c.rel(c.clk.now()))
	}
	p, err := startProc(o, m.idx, m.id, m.log, c.clk)
	if err != nil {
		rec.err = err.Error()
		return
	}
	rec.start = p.started
	p.w = newNodeWriter(p.stdin, &r.stats)
	m.add(p)
	c.runProc(p, rec.inc+1)
	cl := c.control[m.idx]
	id := cl.send(initFields(m.id, c.ids), p.w)
	r.writers[m.idx].Store(p.w)
	old.w.close()
	rep, ok := cl.await(ctx, id, o.InitTimeout)
	kind := rep.kind
	releaseValues(rep.values)
	switch {
	case !ok:
		rec.err = fmt.Sprintf("no init_ok within %v", o.InitTimeout)
		return
	case kind != replyInitOK:
		rec.err = "init answered with " + describeReply(&rep)
		return
	}
	rep, ok = cl.call(ctx, topologyFields(c.topo), o.RPCTimeout)
	kind = rep.kind
	releaseValues(rep.values)
	switch {
	case !ok:
		rec.err = fmt.Sprintf("no topology_ok within %v", o.RPCTimeout)
		return
	case kind != replyTopologyOK:
		rec.err = "topology answered with " + describeReply(&rep)
		return
	}
	rec.ready = c.clk.now()
	rec.target = c.hist.knownBefore(rec.kill - c.t0.Load())
	pctx, stop := context.WithCancel(c.probeCtx)
	done := make(chan struct{})
	m.probeStop, m.probeDone = stop, done
	c.probes.Add(1)
	go func() {
		defer c.probes.Done()
		defer close(done)
		c.probe(pctx, rec, cl)
	}()
}

var readFields = []byte(`"type":"read"`)

// probe reads the restarted node every probeEvery, through the node's
// control client, until it holds every value of rec.target or ctx ends.
// Probe reads are not workload operations: they are not in the history,
// and their messages count as control traffic, not client traffic.
func (c *Cluster) probe(ctx context.Context, rec *restart, cl *client) {
	clk := c.clk
	next := clk.now()
	var sorted []int64
	for {
		rep, ok := cl.call(ctx, readFields, c.opts.RPCTimeout)
		now := clk.now()
		if ok {
			rec.probes++
		}
		if ok && rep.kind == replyReadOK && rep.hasMessages {
			if rec.firstRead == 0 {
				rec.firstRead = now
			}
			sorted = append(sorted[:0], rep.values...)
			slices.Sort(sorted)
			missing := missingFrom(rec.target, sorted)
			rec.probeMissing = append(rec.probeMissing, len(missing))
			if len(missing) == 0 {
				rec.caughtUp, rec.missing = now, nil
				releaseValues(rep.values)
				return
			}
			if !slices.Equal(missing, rec.missing) {
				rec.missing, rec.missingSince = missing, now
			}
		}
		releaseValues(rep.values)
		next += int64(probeEvery)
		if next < now {
			next = now
		}
		if !sleepUntil(ctx, clk, next) {
			return
		}
	}
}

// missingFrom returns the values of want, sorted, that have lacks; both are
// sorted.
func missingFrom(want, have []int64) []int64 {
	var out []int64
	j := 0
	for _, v := range want {
		for j < len(have) && have[j] < v {
			j++
		}
		if j == len(have) || have[j] != v {
			out = append(out, v)
		}
	}
	return out
}

// restartResults reports the restarts, with the values each kill took with
// it; wl is the workload's verdict. The caller holds the history lock, and
// every probe has ended.
func (c *Cluster) restartResults(wl *WorkloadResult) []RestartResult {
	t0 := c.t0.Load()
	gone := map[int64]bool{}
	for _, v := range wl.Lost {
		gone[v] = true
	}
	for _, v := range wl.FinalMissing {
		gone[v] = true
	}
	out := make([]RestartResult, 0, len(c.restarts))
	for _, rec := range c.restarts {
		ms := func(t int64) float64 {
			if t == 0 {
				return 0
			}
			return float64(t-rec.start) / 1e6
		}
		rr := RestartResult{
			Node: rec.m.id, KillS: c.rel(rec.kill), Error: rec.err,
			TargetCount: len(rec.target), Probes: rec.probes, KilledAgain: rec.killedAgain,
			Missing: append([]int64{}, rec.missing...), Lost: []int64{},
		}
		to := rec.start
		if to == 0 {
			to = maxTime
		} else {
			rr.RestartS = c.rel(rec.start)
			rr.ReadyMs = ms(rec.ready)
			rr.FirstReadMs = ms(rec.firstRead)
		}
		for _, v := range rr.Missing {
			if gone[v] {
				rr.MissingLost++
			}
		}
		switch {
		case rec.caughtUp != 0:
			rr.CaughtUp = true
			rr.CatchUp = float64(rec.caughtUp-rec.start) / 1e9
		case rec.missingSince != 0 && rr.MissingLost == len(rr.Missing):
			// The missing set only shrinks: the first read that lacked
			// exactly the lost values is when the node had the rest.
			rr.CaughtUp = true
			rr.CatchUp = float64(rec.missingSince-rec.start) / 1e9
		}
		kill := rec.kill - t0
		var window int64
		rr.AckedCount, rr.Lost, window = c.hist.sf.diedWith(rec.m.idx, rec.from-t0, to-t0, kill)
		rr.LostWindowMs = float64(window) / 1e6
		rr.ProbeMissing = append([]int{}, rec.probeMissing...)
		if rr.Lost == nil {
			rr.Lost = []int64{}
		}
		rr.LostCount = len(rr.Lost)
		out = append(out, rr)
	}
	return out
}
