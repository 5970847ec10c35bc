package cluster

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
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
	opts       Options
	partitions bool
	ran        atomic.Bool

	// Live state, read by the progress display.
	phase    atomic.Pointer[string]
	cutDesc  atomic.Pointer[string]
	hist     *history
	r        *router
	clk      *clock
	t0       atomic.Int64
	phaseEnd atomic.Int64
}

// New validates opts, fills in defaults and returns a Cluster ready to Run.
func New(opts Options) (*Cluster, error) {
	opts.Args = append([]string(nil), opts.Args...)
	opts.Env = append([]string(nil), opts.Env...)
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
	part, _ := opts.partitions()
	return &Cluster{opts: opts, partitions: part}, nil
}

// Options returns the options the cluster runs with, defaults filled in.
func (c *Cluster) Options() Options { return c.opts }

func (c *Cluster) setPhase(s string, end int64) {
	c.phase.Store(&s)
	c.phaseEnd.Store(end)
}

// Run starts the nodes, initializes them, runs the workload, heals, waits out
// the recovery period, performs the final reads, stops the nodes and checks
// the history. It writes the output files when Options.OutDir is set. Run
// returns a Result whenever the workload ran, also alongside an error (for
// example a cancelled ctx, or files that could not be written); on a setup
// failure the error wraps ErrSetup.
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
	seed := uint64(o.Seed)
	rngFor := func(stream uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, stream)) }

	clk := &clock{start: time.Now()}
	c.clk = clk
	cpu0, nodeCPU0 := cpuSeconds()
	c.setPhase("starting", 0)
	span := o.TimeLimit + o.Recovery + 4*o.RPCTimeout + time.Minute
	r := &router{
		clk: clk, ids: ids, loss: o.Loss, lat: lat,
		sends:    newSeries(seriesStep, span),
		badCount: make([]int, n),
	}
	r.sched = scheduler{wake: make(chan struct{}, 1), late: newHist()}
	c.r = r
	// Clients c0..c(n-1) set the nodes up; workers follow, worker k bound
	// to node k mod n.
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
	procs := make([]*proc, 0, n)
	r.writers = make([]*nodeWriter, n)
	// stopAll undoes a partial start: no writer or reader runs yet, so
	// stdin and stdout are closed directly.
	stopAll := func() {
		for _, p := range procs {
			p.w = nil
			p.stop(stopGrace)
			p.stdout.Close()
			if p.log != nil {
				p.log.Close()
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
		r.writers[i] = p.w
		procs = append(procs, p)
	}
	var readers, writersWG sync.WaitGroup
	for i, p := range procs {
		readers.Add(1)
		go func() {
			defer readers.Done()
			r.readLoop(i, p.stdout, rngFor(uint64(100+i)))
			p.stdout.Close()
		}()
		writersWG.Add(1)
		go func() {
			defer writersWG.Done()
			p.w.run(clk)
		}()
	}
	stopSched := make(chan struct{})
	schedDone := make(chan struct{})
	go func() {
		r.sched.run(r, stopSched)
		close(schedDone)
	}()
	shutdown := func() {
		c.setPhase("stopping nodes", 0)
		var wg sync.WaitGroup
		for _, p := range procs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.stop(stopGrace)
			}()
		}
		wg.Wait()
		close(stopSched)
		<-schedDone
		writersWG.Wait()
		readers.Wait()
		for _, p := range procs {
			if p.log != nil {
				p.log.Close()
			}
		}
	}

	// Setup: init, then topology, each node in parallel.
	h := &history{clk: clk, sf: newSetFull()}
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
	c.setPhase("workload", deadline)
	sentAtStart := r.stats.serverSent.Load()

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
	var nemMu sync.Mutex
	var nemEvents []NemesisEvent
	nemDone := make(chan struct{})
	if c.partitions {
		go func() {
			defer close(nemDone)
			c.nemesis(ctx, rngFor(2), deadline, &nemMu, &nemEvents)
		}()
	} else {
		close(nemDone)
	}
	var nextValue atomic.Int64
	if o.Rate > 0 {
		generate(ctx, clk, deadline, o.Rate, rngFor(1), free, queues, &nextValue)
	}
	sleepUntil(ctx, clk, deadline)
	for _, q := range queues {
		close(q)
	}
	workWG.Wait()
	<-nemDone
	workloadEnd := clk.now()
	sentAtEnd := r.stats.serverSent.Load()

	// Heal, then recover quietly.
	nemMu.Lock()
	if c.partitions {
		r.cut.Store(nil)
		c.cutDesc.Store(nil)
		if k := len(nemEvents) - 1; k >= 0 && nemEvents[k].End == 0 {
			nemEvents[k].End = float64(workloadEnd-t0) / 1e9
		}
	}
	nemMu.Unlock()
	c.setPhase("recovery", workloadEnd+int64(o.Recovery))
	sleepUntil(ctx, clk, workloadEnd+int64(o.Recovery))
	recoveryEnd := clk.now()

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
	if stopProgress != nil {
		stopProgress()
	}
	shutdown()

	cpu1, nodeCPU1 := cpuSeconds()
	c.collect(res, procs, nemEvents)
	res.Bench.CPU, res.Bench.NodeCPU = cpu1-cpu0, nodeCPU1-nodeCPU0
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

// nemesis starts and heals partitions at uniformly random gaps in
// [0, 2·NemesisInterval) until the deadline, as jepsen's
// (gen/stagger interval (gen/flip-flop start stop)). A partition still
// active at the deadline is healed by Run.
func (c *Cluster) nemesis(ctx context.Context, rng *rand.Rand, deadline int64, mu *sync.Mutex, events *[]NemesisEvent) {
	r, clk := c.r, c.clk
	gap := func() int64 { return int64(rng.Float64() * 2 * float64(c.opts.NemesisInterval)) }
	rel := func(t int64) float64 { return float64(t-c.t0.Load()) / 1e9 }
	for {
		at := clk.now() + gap()
		if at >= deadline || !sleepUntil(ctx, clk, at) {
			return
		}
		kind := PartitionKinds[rng.IntN(len(PartitionKinds))]
		g := buildGrudge(kind, len(r.ids), rng)
		desc := g.describe(r.ids)
		mu.Lock()
		r.cut.Store(g)
		c.cutDesc.Store(&desc)
		*events = append(*events, NemesisEvent{Start: rel(clk.now()), Kind: kind, Description: desc})
		mu.Unlock()
		at = clk.now() + gap()
		if at >= deadline || !sleepUntil(ctx, clk, at) {
			return
		}
		mu.Lock()
		r.cut.Store(nil)
		c.cutDesc.Store(nil)
		(*events)[len(*events)-1].End = rel(clk.now())
		mu.Unlock()
	}
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
	return Config{
		Bin: o.Bin, Args: o.Args, Env: o.Env, NodeCount: o.NodeCount, Topology: o.Topology,
		TimeLimit: o.TimeLimit.Seconds(), Rate: o.Rate, Concurrency: o.Concurrency,
		Latency: float64(o.Latency) / 1e6, LatencyDist: o.LatencyDist, Loss: o.Loss,
		Nemesis: o.Nemesis, NemesisInterval: o.NemesisInterval.Seconds(),
		Recovery: o.Recovery.Seconds(), RPCTimeout: o.RPCTimeout.Seconds(), NodeNice: o.NodeNice, Seed: o.Seed,
	}
}

// collect fills res from the finished run.
func (c *Cluster) collect(res *Result, procs []*proc, nem []NemesisEvent) {
	r, h := c.r, c.hist
	h.mu.Lock()
	res.Workload = h.sf.results()
	counts := h.counts
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
		StaleReplies: st.staleReplies.Load()}

	r.badMu.Lock()
	res.BadLines = append([]BadLine{}, r.bad...)
	for _, k := range r.badCount {
		res.BadLineCount += k
	}
	badCount := append([]int(nil), r.badCount...)
	r.badMu.Unlock()

	schedErr := newHist()
	for _, p := range procs {
		schedErr.merge(p.w.late)
		nr := NodeResult{ID: p.id, Crashed: p.crashed, ExitCode: p.exitCode, BadLines: badCount[p.idx]}
		if p.crashed {
			nr.ExitTime = float64(p.exitTime-c.t0.Load()) / 1e9
		}
		if p.log != nil {
			nr.Log = filepath.Join("node-logs", p.id+".log")
		}
		res.Nodes = append(res.Nodes, nr)
	}
	res.Bench = BenchResult{SchedulingError: schedErr.stats(), DispatchError: r.sched.late.stats()}
	res.Nemesis = append([]NemesisEvent{}, nem...)

	// Verdict.
	var why []string
	wl := &res.Workload
	if wl.LostCount > 0 {
		why = append(why, fmt.Sprintf("%d values lost (set-full): %s", wl.LostCount, ednList(wl.Lost, 10)))
	}
	if wl.FinalMissingCount > 0 {
		why = append(why, fmt.Sprintf("%d acknowledged values missing from a final read: %s", wl.FinalMissingCount, ednList(wl.FinalMissing, 10)))
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
	files = append(files, logDir+string(filepath.Separator))
	js := filepath.Join(dir, "results.json")
	res.Files = relFiles(dir, append([]string{js}, files...))
	if err := res.WriteJSON(js); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
