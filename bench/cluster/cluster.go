package cluster

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// seriesStep is the resolution of the server message rate series.
const seriesStep = 250 * time.Millisecond

// stopGrace is how long a node may take to exit once its input is closed.
const stopGrace = 2 * time.Second

// Cluster is one bench run: a set of node processes, the simulated network
// between them and the clients that drive them. Create it with New and call
// Run once. A Cluster MUST NOT be used from concurrently running goroutines.
type Cluster struct {
	opts   Options
	faults faultSet
	ran    atomic.Bool

	// Live state, read by the progress display.
	phase     atomic.Pointer[string]
	cutDesc   atomic.Pointer[string]
	faultDesc atomic.Pointer[string]
	hist      *history
	r         *router
	clk       *clock
	t0        atomic.Int64
	phaseEnd  atomic.Int64

	// Set up by Run before the nodes start, read-only after.
	ids     []string
	topo    Topology
	seed    uint64
	members []*member
	control []*client // one per node, for restarts and catch-up probes

	// readers and writers count the goroutines of every process started.
	readers, writers sync.WaitGroup
	// probes counts the catch-up probes running; probeCtx ends them all.
	probes   sync.WaitGroup
	probeCtx context.Context

	// nemMu guards the nemesis's record, the members' busy flags and
	// states.
	nemMu     sync.Mutex
	nemEvents []NemesisEvent
	restarts  []*restart
	states    map[string]string // node id -> paused, down, restarting
}

// New validates opts, fills in defaults and returns a Cluster ready to Run.
func New(opts Options) (*Cluster, error) {
	opts.Args = append([]string(nil), opts.Args...)
	opts.Env = append([]string(nil), opts.Env...)
	opts.RateSchedule = append([]RatePhase(nil), opts.RateSchedule...)
	if err := opts.checkSchedule(); err != nil {
		return nil, err
	}
	opts.fill()
	if err := opts.validate(); err != nil {
		return nil, err
	}
	if abs, err := filepath.Abs(opts.Bin); err == nil {
		opts.Bin = abs
	}
	if opts.Seed == 0 {
		opts.Seed = time.Now().UnixNano()
	}
	f, _ := opts.faults()
	return &Cluster{opts: opts, faults: f}, nil
}

// Options returns the options the cluster runs with, defaults filled in.
func (c *Cluster) Options() Options { return c.opts }

func (c *Cluster) setPhase(s string, end int64) {
	c.phase.Store(&s)
	c.phaseEnd.Store(end)
}

// rngFor returns the generator of one random stream of the run: 1 is the
// workload, 2, 3 and 4 the partition, pause and kill nemeses, 100+i the
// network as seen from node i's first process (and 100+i+k·2^32 from its
// k-th restart), and jitterStream plus the same the jitter of those
// messages (Options.Jitter), apart so that jitter changes no other draw.
func (c *Cluster) rngFor(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(c.seed, stream)) }

// jitterStream offsets the jitter's random streams from the network's.
const jitterStream = 1 << 62

// runProc starts the goroutines that read p's stdout and write its stdin;
// inc is the number of earlier processes of the same node.
func (c *Cluster) runProc(p *proc, inc int) {
	stream := uint64(100+p.idx) + uint64(inc)<<32
	rng := c.rngFor(stream)
	var jit *rand.Rand
	if c.opts.Jitter > 0 {
		jit = c.rngFor(jitterStream + stream)
	}
	c.readers.Add(1)
	go func() {
		defer c.readers.Done()
		c.r.readLoop(p.idx, p.stdout, rng, jit)
		p.stdout.Close()
		close(p.readDone)
	}()
	c.writers.Add(1)
	go func() {
		defer c.writers.Done()
		p.w.run(c.clk)
	}()
}

// Run starts the nodes, initializes them, runs the workload, heals, waits out
// the recovery period, performs the final reads, stops the nodes and checks
// the history. It writes the output files when Options.OutDir is set. Run
// returns a Result whenever the workload ran, also alongside an error (for
// example a cancelled ctx, or files that could not be written); on a setup
// failure the error wraps ErrSetup. The background load, if any, runs from
// before the nodes start until Run returns, whatever the outcome.
func (c *Cluster) Run(ctx context.Context) (*Result, error) {
	if !c.ran.CompareAndSwap(false, true) {
		return nil, ErrAlreadyRun
	}
	o := &c.opts
	n := o.NodeCount
	ids := NodeIDs(n)
	topo, err := BuildTopology(o.Topology, ids)
	if err != nil {
		return nil, err
	}
	lat, err := newLatency(o.LatencyDist, o.Latency)
	if err != nil {
		return nil, err
	}
	c.ids, c.topo, c.seed = ids, topo, uint64(o.Seed)

	clk := &clock{start: time.Now()}
	c.clk = clk
	cpu0 := benchCPUSeconds()
	c.setPhase("starting", 0)
	var bg *backgroundLoad
	if o.BackgroundLoad > 0 {
		if bg, err = startBackgroundLoad(o.BackgroundLoad); err != nil {
			return nil, fmt.Errorf("%w: background load: %w", ErrSetup, err)
		}
		defer bg.stop()
	}
	span := o.TimeLimit + o.Recovery + 4*o.RPCTimeout + time.Minute
	r := &router{
		clk: clk, ids: ids, loss: o.Loss, dup: o.Duplicate, lat: lat, jitter: int64(o.Jitter),
		sends:    newSeries(seriesStep, span),
		badCount: make([]int, n),
		writers:  make([]atomic.Pointer[nodeWriter], n),
		nodeSent: make([]atomic.Int64, n),
		nodeRecv: make([]atomic.Int64, n),
	}
	r.sched = scheduler{wake: make(chan struct{}, 1), late: newHist()}
	c.r = r
	// Clients c0..c(n-1) set the nodes up; workers follow, worker k bound
	// to node k mod n; then the bench's control clients, one per node.
	setup := make([]*client, n)
	workers := make([]*client, o.Concurrency)
	for i := range setup {
		setup[i] = newClient(i, i, r)
		r.clients = append(r.clients, setup[i])
	}
	for k := range workers {
		workers[k] = newClient(n+k, k%n, r)
		r.clients = append(r.clients, workers[k])
	}
	c.control = make([]*client, n)
	for i := range c.control {
		c.control[i] = newClient(n+len(workers)+i, i, r)
		c.control[i].control = true
		r.clients = append(r.clients, c.control[i])
	}
	procNode := make([]int, len(r.clients))
	for _, cl := range r.clients {
		procNode[cl.num] = cl.node
	}

	res := &Result{Config: c.config(), SeriesStep: seriesStep.Seconds()}
	logDir := ""
	if o.OutDir != "" {
		logDir = filepath.Join(o.OutDir, "node-logs")
		if err := os.MkdirAll(logDir, 0o755); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrSetup, err)
		}
		res.OutDir = o.OutDir
	}

	// Start every process before any goroutine routes, so that all writers
	// exist.
	c.members = make([]*member, 0, n)
	// stopAll undoes a partial start: no writer or reader runs yet, so
	// stdin and stdout are closed directly.
	stopAll := func() {
		for _, m := range c.members {
			p := m.current()
			p.w = nil
			p.stop(stopGrace)
			p.stdout.Close()
			if m.log != nil {
				m.log.Close()
			}
		}
	}
	for i, id := range ids {
		var logf *os.File
		if logDir != "" {
			logf, err = os.Create(filepath.Join(logDir, id+".log"))
			if err != nil {
				stopAll()
				return nil, fmt.Errorf("%w: %w", ErrSetup, err)
			}
		}
		p, err := startProc(o, i, id, logf, clk)
		if err != nil {
			if logf != nil {
				logf.Close()
			}
			stopAll()
			return nil, fmt.Errorf("%w: %w", ErrSetup, err)
		}
		p.w = newNodeWriter(p.stdin, &r.stats)
		r.writers[i].Store(p.w)
		m := &member{idx: i, id: id, log: logf}
		m.add(p)
		c.members = append(c.members, m)
	}
	for _, m := range c.members {
		c.runProc(m.current(), 0)
	}
	stopSched := make(chan struct{})
	schedDone := make(chan struct{})
	go func() {
		r.sched.run(r, stopSched)
		close(schedDone)
	}()
	probeCtx, stopProbes := context.WithCancel(ctx)
	defer stopProbes()
	c.probeCtx = probeCtx
	shutdown := func() {
		stopProbes()
		c.probes.Wait()
		c.setPhase("stopping nodes", 0)
		var wg sync.WaitGroup
		for _, m := range c.members {
			p := m.current()
			wg.Add(1)
			go func() {
				defer wg.Done()
				// A paused node would ignore the end of its input.
				if p.w.holdUntil.Load() == maxTime {
					resumeProcess(p.cmd.Process)
				}
				p.stop(stopGrace)
			}()
		}
		wg.Wait()
		close(stopSched)
		<-schedDone
		c.writers.Wait()
		c.readers.Wait()
		for _, m := range c.members {
			if m.log != nil {
				m.log.Close()
			}
		}
	}

	// Setup: init, then topology, each node in parallel.
	h := &history{clk: clk, sf: newSetFull(), procNode: procNode}
	c.hist = h
	c.setPhase("init", 0)
	if err := c.setupAll(ctx, setup, ids, topo); err != nil {
		shutdown()
		return nil, fmt.Errorf("%w: %w", ErrSetup, err)
	}
	setupDone := clk.now()

	// Workload.
	var stopProgress func()
	if o.Progress != nil {
		stopProgress = c.startProgress()
	}
	t0 := clk.now()
	h.t0 = t0
	c.t0.Store(t0)
	deadline := t0 + int64(o.TimeLimit)
	plan := newRatePlan(t0, o.RateSchedule, o.Rate, o.TimeLimit)
	var phaseCPU *cpuSampler
	if len(o.RateSchedule) > 0 {
		ends := make([]int64, len(plan.ends))
		for i, e := range plan.ends {
			ends[i] = e - t0
		}
		h.setPhases(ends)
		phaseCPU = c.startCPUSampler(ctx, plan.ends)
	}
	c.setPhase("workload", deadline)
	sentAtStart := r.stats.serverSent.Load()
	var mem *memSampler
	if o.MemoryInterval > 0 {
		mem = c.startMemory(o.MemoryInterval)
	}

	free := &freeClients{wake: make(chan struct{}, 1)}
	queues := make([]chan workOp, len(workers))
	var workWG sync.WaitGroup
	for k, w := range workers {
		queues[k] = make(chan workOp, 1)
		free.idx = append(free.idx, k)
		workWG.Add(1)
		go func() {
			defer workWG.Done()
			for op := range queues[k] {
				runOp(ctx, w, h, op.f, op.value, false, o.RPCTimeout)
				free.put(k)
			}
		}()
	}
	kinds := c.faultKinds(ctx)
	var nemWG sync.WaitGroup
	for _, k := range kinds {
		nemWG.Add(1)
		go func() {
			defer nemWG.Done()
			c.nemesisLoop(ctx, k, deadline)
		}()
	}
	var nextValue atomic.Int64
	if o.Rate > 0 {
		generate(ctx, clk, deadline, plan, c.rngFor(1), free, queues, &nextValue)
	}
	sleepUntil(ctx, clk, deadline)
	for _, q := range queues {
		close(q)
	}
	workWG.Wait()
	nemWG.Wait()
	workloadEnd := clk.now()
	sentAtEnd := r.stats.serverSent.Load()
	var cpuMarks []cpuMark
	if phaseCPU != nil {
		cpuMarks = phaseCPU.finish()
	}

	// Heal (resume paused nodes, restart killed ones), then recover
	// quietly.
	for _, k := range kinds {
		if k.active {
			k.heal(workloadEnd)
			k.active = false
		}
	}
	c.setPhase("recovery", workloadEnd+int64(o.Recovery))
	sleepUntil(ctx, clk, workloadEnd+int64(o.Recovery))
	recoveryEnd := clk.now()
	// Catch-up probes end where the final reads begin.
	stopProbes()
	c.probes.Wait()

	// Final reads: one per worker, plus one per node no worker is bound to.
	c.setPhase("final reads", 0)
	var finalWG sync.WaitGroup
	finals := workers
	for i := len(workers); i < n; i++ {
		finals = append(finals, setup[i])
	}
	for _, w := range finals {
		finalWG.Add(1)
		go func() {
			defer finalWG.Done()
			runOp(ctx, w, h, Read, 0, true, o.RPCTimeout)
		}()
	}
	finalWG.Wait()
	finalEnd := clk.now()
	if mem != nil {
		res.Memory = mem.finish(ids, float64(workloadEnd-t0)/2e9)
	}
	if stopProgress != nil {
		stopProgress()
	}
	shutdown()

	c.collect(res)
	res.Bench.CPU = benchCPUSeconds() - cpu0
	if bg != nil {
		res.Load.BackgroundCPU = bg.stop()
	}
	if len(o.RateSchedule) > 0 {
		h.mu.Lock()
		ops, ok := slices.Clone(h.phaseOps), slices.Clone(h.phaseOK)
		h.mu.Unlock()
		res.RatePhases = ratePhaseResults(o.RateSchedule, ops, ok, res.Workload.Values(), cpuMarks)
	}
	res.Phases = Phases{
		Setup:    float64(setupDone) / 1e9,
		Workload: float64(workloadEnd-t0) / 1e9,
		Recovery: float64(recoveryEnd-workloadEnd) / 1e9,
		Final:    float64(finalEnd-recoveryEnd) / 1e9,
		Total:    float64(clk.now()) / 1e9,
	}
	if res.Phases.Workload > 0 {
		res.Net.ServerMsgsPerSec = float64(sentAtEnd-sentAtStart) / res.Phases.Workload
	}
	first := int(t0 / int64(seriesStep))
	last := int((finalEnd + int64(seriesStep) - 1) / int64(seriesStep))
	res.ServerMsgRate = r.sends.rates(first, last)

	var outErr error
	if o.OutDir != "" {
		outErr = c.writeFiles(res, logDir)
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	return res, outErr
}

// setupAll sends init to every node, then topology, and waits for the
// acknowledgements.
func (c *Cluster) setupAll(ctx context.Context, setup []*client, ids []string, topo Topology) error {
	do := func(fields func(i int) []byte, want replyKind, name string, timeout time.Duration) error {
		errs := make([]error, len(setup))
		var wg sync.WaitGroup
		for i, cl := range setup {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rep, ok := cl.call(ctx, fields(i), timeout)
				defer releaseValues(rep.values)
				switch {
				case !ok:
					errs[i] = fmt.Errorf("%s did not answer %s within %v", ids[i], name, timeout)
				case rep.kind != want:
					errs[i] = fmt.Errorf("%s answered %s with %s", ids[i], name, describeReply(&rep))
				}
			}()
		}
		wg.Wait()
		return errors.Join(errs...)
	}
	if err := do(func(i int) []byte { return initFields(ids[i], ids) }, replyInitOK, "init", c.opts.InitTimeout); err != nil {
		return err
	}
	c.setPhase("topology", 0)
	tf := topologyFields(topo)
	return do(func(int) []byte { return tf }, replyTopologyOK, "topology", c.opts.RPCTimeout)
}

// sleepUntil waits until the clock reaches t; it reports false if ctx ended
// first.
func sleepUntil(ctx context.Context, clk *clock, t int64) bool {
	d := t - clk.now()
	if d <= 0 {
		return ctx.Err() == nil
	}
	tm := time.NewTimer(durationNs(d))
	defer tm.Stop()
	select {
	case <-tm.C:
		return true
	case <-ctx.Done():
		return false
	}
}

func (c *Cluster) config() Config {
	o := &c.opts
	cfg := Config{
		Bin: o.Bin, Args: o.Args, Env: o.Env, NodeCount: o.NodeCount, Topology: o.Topology,
		TimeLimit: o.TimeLimit.Seconds(), Rate: o.Rate, Concurrency: o.Concurrency,
		Latency: float64(o.Latency) / 1e6, LatencyDist: o.LatencyDist, Jitter: float64(o.Jitter) / 1e6,
		Loss: o.Loss, Duplicate: o.Duplicate,
		Nemesis: o.Nemesis, NemesisInterval: o.NemesisInterval.Seconds(),
		Recovery: o.Recovery.Seconds(), RPCTimeout: o.RPCTimeout.Seconds(), NodeNice: o.NodeNice,
		BackgroundLoad: o.BackgroundLoad, Seed: o.Seed,
	}
	for _, p := range o.RateSchedule {
		cfg.RateSchedule = append(cfg.RateSchedule, RatePhaseConfig{Rate: p.Rate, Seconds: p.Duration.Seconds()})
	}
	return cfg
}

// collect fills res from the finished run.
func (c *Cluster) collect(res *Result) {
	r, h := c.r, c.hist
	h.mu.Lock()
	res.Workload = h.sf.results()
	c.nemMu.Lock()
	res.Restarts = c.restartResults(&res.Workload)
	res.Nemesis = append([]NemesisEvent{}, c.nemEvents...)
	c.nemMu.Unlock()
	counts := h.counts
	res.OpLatency = map[string]DurationStats{}
	for f := Broadcast; f <= Read; f++ {
		if lh := h.okLatency[f]; lh != nil {
			res.OpLatency[f.String()] = lh.stats()
		}
	}
	res.OddReplyCount, res.OddReplies = h.oddCount, h.oddReplies
	h.mu.Unlock()
	if res.OddReplies == nil {
		res.OddReplies = []string{}
	}

	res.Stats.ByF = map[string]OpCounts{}
	for f := Broadcast; f <= Read; f++ {
		oc := OpCounts{Count: counts[f][Invoke], OKCount: counts[f][OK], FailCount: counts[f][Fail], InfoCount: counts[f][Info]}
		res.Stats.ByF[f.String()] = oc
		res.Stats.Count += oc.Count
		res.Stats.OKCount += oc.OKCount
		res.Stats.FailCount += oc.FailCount
		res.Stats.InfoCount += oc.InfoCount
	}
	ops := float64(res.Stats.Count)
	perOp := func(x int64) float64 {
		if ops == 0 {
			return 0
		}
		return float64(x) / ops
	}
	st := &r.stats
	srv := NetStats{SendCount: st.serverSent.Load(), RecvCount: st.serverRecv.Load(), Bytes: st.serverBytes.Load()}
	srv.MsgCount = srv.SendCount
	cli := NetStats{SendCount: st.clientSent.Load(), RecvCount: st.clientRecv.Load(), Bytes: st.clientBytes.Load()}
	cli.MsgCount = cli.SendCount
	all := NetStats{SendCount: srv.SendCount + cli.SendCount, RecvCount: srv.RecvCount + cli.RecvCount, Bytes: srv.Bytes + cli.Bytes}
	all.MsgCount = all.SendCount
	for _, s := range []*NetStats{&srv, &cli, &all} {
		s.MsgsPerOp, s.BytesPerOp = perOp(s.MsgCount), perOp(s.Bytes)
	}
	res.Net = NetResult{All: all, Clients: cli, Servers: srv, ServerTypes: r.typeCounts(),
		DroppedLoss: st.lossDrops.Load(), DroppedPartition: st.cutDrops.Load(), DroppedDead: st.deadDrops.Load(),
		Duplicated: st.duplicated.Load(), ControlMsgs: st.control.Load(), StaleReplies: st.staleReplies.Load()}

	r.badMu.Lock()
	res.BadLines = append([]BadLine{}, r.bad...)
	for _, k := range r.badCount {
		res.BadLineCount += k
	}
	badCount := append([]int(nil), r.badCount...)
	r.badMu.Unlock()

	schedErr := newHist()
	for _, m := range c.members {
		procs := m.incarnations()
		nr := NodeResult{ID: m.id, BadLines: badCount[m.idx], Incarnations: len(procs),
			ServerSent: r.nodeSent[m.idx].Load(), ServerRecv: r.nodeRecv[m.idx].Load()}
		for _, p := range procs {
			nr.CPU += p.finalCPU()
			schedErr.merge(p.w.late)
			if p.killed.Load() {
				nr.Killed++
			}
			if p.crashed && !nr.Crashed {
				nr.Crashed, nr.ExitCode = true, p.exitCode
				nr.ExitTime = float64(p.exitTime-c.t0.Load()) / 1e9
			}
		}
		if m.log != nil {
			nr.Log = filepath.Join("node-logs", m.id+".log")
		}
		res.Nodes = append(res.Nodes, nr)
	}
	res.Bench = BenchResult{SchedulingError: schedErr.stats(), DispatchError: r.sched.late.stats()}
	res.Load = nodeLoad(res.Nodes, res.Stats.Count)
	res.Bench.NodeCPU = res.Load.NodeCPU

	// Values that died with a killed node.
	res.LostToKills = []int64{}
	var diedWith []string
	for _, rr := range res.Restarts {
		if rr.LostCount > 0 {
			res.LostToKills = append(res.LostToKills, rr.Lost...)
			diedWith = append(diedWith, fmt.Sprintf("%s killed at %.2fs took %s", rr.Node, rr.KillS, ednList(rr.Lost, 10)))
		}
	}
	slices.Sort(res.LostToKills)
	res.LostToKillsCount = len(res.LostToKills)

	// Verdict.
	var why []string
	wl := &res.Workload
	if wl.LostCount > 0 {
		reason := fmt.Sprintf("%d values lost (set-full): %s", wl.LostCount, ednList(wl.Lost, 10))
		if k := countIn(wl.Lost, res.LostToKills); k > 0 {
			reason += fmt.Sprintf("; %d of them acknowledged by a node that was killed before any other node or later read had them (%s)",
				k, strings.Join(diedWith, "; "))
		}
		why = append(why, reason)
	}
	if wl.FinalMissingCount > 0 {
		why = append(why, fmt.Sprintf("%d acknowledged values missing from a final read: %s", wl.FinalMissingCount, ednList(wl.FinalMissing, 10)))
	}
	for _, rr := range res.Restarts {
		if rr.Error != "" {
			why = append(why, fmt.Sprintf("restart of %s killed at %.2fs failed: %s", rr.Node, rr.KillS, rr.Error))
		}
	}
	if wl.UnexpectedCount > 0 {
		why = append(why, fmt.Sprintf("%d unexpected values read (never broadcast): %s", wl.UnexpectedCount, ednList(wl.Unexpected, 10)))
	}
	if wl.BadValueCount > 0 {
		why = append(why, fmt.Sprintf("%d non-integer values read", wl.BadValueCount))
	}
	if wl.FinalReadsFailed > 0 {
		why = append(why, fmt.Sprintf("%d final reads failed", wl.FinalReadsFailed))
	}
	if wl.StableCount == 0 {
		why = append(why, "no value was ever stable (set-full: unknown)")
	}
	for _, nr := range res.Nodes {
		if nr.Crashed {
			why = append(why, fmt.Sprintf("node %s crashed (exit status %d) at %.2fs", nr.ID, nr.ExitCode, nr.ExitTime))
		}
	}
	if res.BadLineCount > 0 {
		first := res.BadLines[0]
		why = append(why, fmt.Sprintf("%d bad stdout lines; first from %s: %s: %q", res.BadLineCount, first.Node, first.Error, first.Line))
	}
	if res.OddReplyCount > 0 {
		why = append(why, fmt.Sprintf("%d malformed replies; first: %s", res.OddReplyCount, res.OddReplies[0]))
	}
	res.Reasons = why
	if res.Reasons == nil {
		res.Reasons = []string{}
	}
	res.Valid = len(why) == 0
}

// countIn counts the values of a that b holds; b is sorted.
func countIn(a, b []int64) int {
	k := 0
	for _, v := range a {
		if _, ok := slices.BinarySearch(b, v); ok {
			k++
		}
	}
	return k
}

// writeFiles writes results.json and the plots into the output folder.
func (c *Cluster) writeFiles(res *Result, logDir string) error {
	dir := c.opts.OutDir
	var files []string
	var errs []error
	lat := filepath.Join(dir, "stable-latency.png")
	if err := plotStableLatency(res, lat); err != nil {
		errs = append(errs, err)
	} else {
		files = append(files, lat)
	}
	msgs := filepath.Join(dir, "server-msgs.png")
	if err := plotServerRate(res, msgs); err != nil {
		errs = append(errs, err)
	} else {
		files = append(files, msgs)
	}
	if len(res.Memory.T) > 0 {
		memPlot := filepath.Join(dir, "node-memory.png")
		if err := plotMemory(res, memPlot); err != nil {
			errs = append(errs, err)
		} else {
			files = append(files, memPlot)
		}
	}
	files = append(files, logDir+string(filepath.Separator))
	js := filepath.Join(dir, "results.json")
	res.Files = relFiles(dir, append([]string{js}, files...))
	if err := res.WriteJSON(js); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
