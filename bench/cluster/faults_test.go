package cluster

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// waitLimit bounds the tests' waits for something that must happen soon:
// long enough that a loaded machine never reaches it, so that it only ends
// a test that has failed.
const waitLimit = 10 * time.Second

// waitLines waits (up to waitLimit) for node's stdin in tn to hold want
// lines and returns them.
func waitLines(t *testing.T, tn *testNet, node, want int) []string {
	t.Helper()
	deadline := time.Now().Add(waitLimit)
	for len(tn.stdins[node].lines()) < want && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	return tn.stdins[node].lines()
}

// seqLine is a server message from n0 to n1 numbered seq.
func seqLine(seq int) []byte {
	return []byte(`{"src":"n0","dest":"n1","body":{"type":"gossip","seq":` + strconv.Itoa(seq) + `}}`)
}

// seqs reads the seq of each delivered line.
func seqs(t *testing.T, lines []string) []int {
	t.Helper()
	out := make([]int, 0, len(lines))
	for _, l := range lines {
		var m struct {
			Body struct{ Seq int } `json:"body"`
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("delivered line %q: %v", l, err)
		}
		out = append(out, m.Body.Seq)
	}
	return out
}

// inversions counts the pairs delivered in the opposite order to the one
// they were sent in.
func inversions(s []int) int {
	k := 0
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if s[i] > s[j] {
				k++
			}
		}
	}
	return k
}

// TestRouter_LatencyReorders shows how to get reordering: under exponential
// (and uniform) latency, messages from one node to another overtake each
// other; under constant latency they arrive in the order they were sent,
// unless jitter is added.
func TestRouter_LatencyReorders(t *testing.T) {
	const n = 200
	for _, tt := range []struct {
		name    string
		dist    string
		jitter  time.Duration
		reorder bool
	}{
		{"constant", "constant", 0, false},
		{"uniform", "uniform", 0, true},
		{"exponential", "exponential", 0, true},
		{"constant with jitter", "constant", 5 * time.Millisecond, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			lat, _ := newLatency(tt.dist, 10*time.Millisecond)
			tn := newTestNet(t, 2, lat, 0)
			tn.r.jitter = int64(tt.jitter)
			rng, jit := rand.New(rand.NewPCG(1, 1)), rand.New(rand.NewPCG(1, 2))
			for i := range n {
				tn.r.route(0, seqLine(i), rng, jit)
				if i%20 == 19 {
					time.Sleep(time.Millisecond)
				}
			}
			got := seqs(t, waitLines(t, tn, 1, n))
			if len(got) != n {
				t.Fatalf("%d messages delivered, want %d", len(got), n)
			}
			sorted := slices.Clone(got)
			slices.Sort(sorted)
			for i, v := range sorted {
				if v != i {
					t.Fatalf("delivered %v, want each of 0..%d once", got, n-1)
				}
			}
			inv := inversions(got)
			t.Logf("%s: %d of %d pairs delivered out of order", tt.name, inv, n*(n-1)/2)
			if tt.reorder && inv == 0 {
				t.Errorf("%s latency delivered every message in order", tt.name)
			}
			if !tt.reorder && inv != 0 {
				t.Errorf("%s latency reordered %d pairs", tt.name, inv)
			}
		})
	}
}

// TestRouter_Duplicate checks that a duplicated message is delivered twice,
// counts once as sent and twice as received, and that a lost message is not
// duplicated.
func TestRouter_Duplicate(t *testing.T) {
	lat, _ := newLatency("exponential", time.Millisecond)
	tn := newTestNet(t, 2, lat, 0.2)
	tn.r.dup = 0.3
	rng := rand.New(rand.NewPCG(2, 2))
	const n = 2000
	for i := range n {
		tn.r.route(0, seqLine(i), rng, nil)
	}
	st := &tn.r.stats
	sent, lost, dup := st.serverSent.Load(), st.lossDrops.Load(), st.duplicated.Load()
	want := int(sent - lost + dup)
	got := seqs(t, waitLines(t, tn, 1, want))
	if sent != n || len(got) != want || st.serverRecv.Load() != int64(want) {
		t.Fatalf("sent %d, lost %d, duplicated %d: %d delivered, recv %d; want %d", sent, lost, dup, len(got), st.serverRecv.Load(), want)
	}
	// About 30% of the 80% that survive loss.
	if dup < 400 || dup > 560 {
		t.Errorf("%d of %d surviving messages duplicated, want about %d", dup, n-lost, (n-lost)*3/10)
	}
	times := map[int]int{}
	for _, s := range got {
		times[s]++
	}
	twice := 0
	for _, k := range times {
		if k > 2 {
			t.Fatalf("a message was delivered %d times", k)
		}
		if k == 2 {
			twice++
		}
	}
	if int64(twice) != dup {
		t.Errorf("%d messages arrived twice, %d duplicated", twice, dup)
	}
}

func TestMissingFrom(t *testing.T) {
	if got := missingFrom([]int64{1, 2, 5, 9}, []int64{0, 2, 3, 9, 10}); !slices.Equal(got, []int64{1, 5}) {
		t.Errorf("got %v, want [1 5]", got)
	}
	if got := missingFrom([]int64{1, 2}, nil); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("got %v, want [1 2]", got)
	}
	if got := missingFrom(nil, []int64{1}); got != nil {
		t.Errorf("got %v, want none", got)
	}
}

// TestSetFull_DiedWith builds a history on two nodes, n0 (clients 0 and 2)
// and n1 (client 1), where n0 is killed at 100 ms and restarted at 150 ms.
func TestSetFull_DiedWith(t *testing.T) {
	s := newSetFull()
	var idx int64
	ev := func(tm int64, p int, f OpF, typ OpType, v int64, vals []int64, final bool) *Event {
		idx++
		return &Event{Index: idx, Time: tm * ms, Process: p, F: f, Type: typ, Value: v, Values: vals, Final: final}
	}
	node := func(p int) int { return []int{0, 1, 0}[p] }
	bcast := func(tm int64, p int, v int64) {
		inv := ev(tm, p, Broadcast, Invoke, v, nil, false)
		s.addInvoke(v)
		s.completeOn(inv, ev(tm+1, p, Broadcast, OK, v, nil, false), node(p))
	}
	read := func(tm int64, p int, final bool, vals ...int64) {
		inv := ev(tm, p, Read, Invoke, 0, nil, final)
		s.completeOn(inv, ev(tm+1, p, Read, OK, 0, vals, final), node(p))
	}
	bcast(10, 0, 0) // forwarded: n1 reads it
	bcast(20, 0, 1) // died with n0, which read it before the kill
	bcast(30, 1, 2) // acknowledged by n1
	bcast(40, 0, 3) // died with n0
	read(50, 1, false, 0, 2)
	read(60, 2, false, 0, 1, 2, 3)
	bcast(200, 0, 4) // acknowledged by the new n0 and never forwarded: lost, but not to the kill
	read(300, 1, true, 0, 2)
	read(300, 2, true, 0, 2, 4)
	wl := s.results()
	if !slices.Equal(wl.Lost, []int64{1, 3}) || !slices.Equal(wl.FinalMissing, []int64{1, 3, 4}) {
		t.Fatalf("lost %v, final-missing %v; want 1 and 3 lost, 1, 3 and 4 missing", wl.Lost, wl.FinalMissing)
	}
	acked, lost, window := s.diedWith(0, -1000*ms, 150*ms, 100*ms)
	if acked != 3 || !slices.Equal(lost, []int64{1, 3}) || window != 79*ms {
		t.Errorf("killed n0: acked %d, lost %v, window %v ms; want 3, [1 3], 79 ms", acked, lost, window/ms)
	}
	if acked, lost, _ := s.diedWith(1, -1000*ms, 150*ms, 100*ms); acked != 1 || lost != nil {
		t.Errorf("n1 was not killed yet lost %v (acked %d)", lost, acked)
	}
	if _, lost, _ := s.diedWith(0, 150*ms, 1000*ms, 500*ms); !slices.Equal(lost, []int64{4}) {
		t.Errorf("a later kill of the new n0 would take %v, want [4]", lost)
	}
}

// TestRun_LazyKill runs the lazy test node, which acknowledges broadcasts at
// once but forwards them only every 2 s, under the kill nemesis: the run
// must be invalid, with every lost value attributed to a kill and each
// acknowledged at most one gossip period before it, the killed processes
// not reported as crashes, restarted nodes catching up with the rest, the
// final reads answered by the restarted processes, and both incarnations'
// logs kept.
func TestRun_LazyKill(t *testing.T) {
	skipShort(t)
	t.Parallel()
	dir := t.TempDir()
	res := run(t, Options{
		Bin: testNode("lazy"), NodeCount: 5, Topology: "total", TimeLimit: 6 * time.Second, Rate: 40,
		Nemesis: "kill", NemesisInterval: time.Second, Recovery: 3 * time.Second, RPCTimeout: time.Second,
		Seed: 1, OutDir: dir,
	})
	if res.Valid || res.LostToKillsCount == 0 || !hasReason(res, "killed before") {
		t.Fatalf("want values lost to kills; valid %v, lost to kills %v, reasons %q", res.Valid, res.LostToKills, res.Reasons)
	}
	wl := &res.Workload
	for _, v := range append(slices.Clone(wl.Lost), wl.FinalMissing...) {
		if _, ok := slices.BinarySearch(res.LostToKills, v); !ok {
			t.Errorf("value %d lost, but not to a kill (lost to kills: %v)", v, res.LostToKills)
		}
	}
	if crashed(res) != 0 || wl.FinalReadsFailed != 0 || res.BadLineCount != 0 {
		t.Errorf("unrelated failures: %q", res.Reasons)
	}
	kills := 0
	for _, ev := range res.Nemesis {
		if ev.Fault == "kill" {
			kills++
			if ev.Node == "" || ev.End < ev.Start {
				t.Errorf("bad kill event %+v", ev)
			}
		}
	}
	if kills < 2 || kills != len(res.Restarts) {
		t.Fatalf("%d kill events, %d restarts; want at least 2 of each", kills, len(res.Restarts))
	}
	lost := 0
	for _, rr := range res.Restarts {
		lost += rr.LostCount
		if rr.Error != "" || !rr.CaughtUp && !rr.KilledAgain {
			t.Errorf("restart of %s: error %q, caught up %v, missing %v", rr.Node, rr.Error, rr.CaughtUp, rr.Missing)
		}
		if rr.LostCount > 0 && rr.LostWindowMs > 3000 {
			t.Errorf("%s lost values acknowledged %.0f ms before its kill; the node forwards every 2 s", rr.Node, rr.LostWindowMs)
		}
		if rr.Probes == 0 || rr.TargetCount > 0 && len(rr.ProbeMissing) == 0 {
			t.Errorf("restart of %s was never probed: %+v", rr.Node, rr)
		}
	}
	if lost != res.LostToKillsCount {
		t.Errorf("restarts lost %d values, total %d", lost, res.LostToKillsCount)
	}
	killedNodes := 0
	for _, nr := range res.Nodes {
		if nr.Killed == 0 {
			continue
		}
		killedNodes++
		if nr.Incarnations != nr.Killed+1 || nr.Crashed {
			t.Errorf("node %+v", nr)
		}
		log, err := os.ReadFile(filepath.Join(dir, nr.Log))
		if err != nil || strings.Count(string(log), "=== cluster: "+nr.ID+" was killed") != nr.Killed {
			t.Errorf("log of %s does not mark its %d restarts: %v\n%s", nr.ID, nr.Killed, err, log)
		}
	}
	if killedNodes == 0 {
		t.Error("no node reports a kill")
	}
	if res.Net.ControlMsgs == 0 || res.Stats.Count != res.Stats.ByF["broadcast"].Count+res.Stats.ByF["read"].Count {
		t.Errorf("control messages %d, ops %+v", res.Net.ControlMsgs, res.Stats)
	}
}

// TestRun_FloodPause pauses flooding nodes: a stopped node's input waits in
// its pipe, so even a node without any repair loses nothing, and a paused
// node is neither crashed nor killed.
func TestRun_FloodPause(t *testing.T) {
	skipShort(t)
	t.Parallel()
	res := run(t, Options{
		Bin: testNode("flood"), NodeCount: 5, TimeLimit: 4 * time.Second, Rate: 30,
		Nemesis: "pause", NemesisInterval: 700 * time.Millisecond, Recovery: time.Second, RPCTimeout: 3 * time.Second,
		Seed: 2,
	})
	if !res.Valid {
		t.Fatalf("flood node invalid under pauses: %q", res.Reasons)
	}
	pauses := 0
	for _, ev := range res.Nemesis {
		if ev.Fault != "pause" || ev.Node == "" || ev.End <= ev.Start {
			t.Errorf("bad event %+v", ev)
		}
		pauses++
	}
	if pauses == 0 {
		t.Fatal("no node was paused")
	}
	for _, nr := range res.Nodes {
		if nr.Crashed || nr.Killed != 0 || nr.Incarnations != 1 {
			t.Errorf("node %+v", nr)
		}
	}
}

// projectFaultOptions are the short fault runs of the project's node: 5
// nodes, 5 s of workload at 20 requests per second, 4 s of recovery (the
// runs with message loss set 8 s).
func projectFaultOptions(bin string, seed int64) Options {
	return Options{
		Bin: bin, NodeCount: 5, TimeLimit: 5 * time.Second, Rate: 20,
		NemesisInterval: time.Second, Recovery: 4 * time.Second, RPCTimeout: 2 * time.Second, Seed: seed,
	}
}

// checkRestarts checks that every killed node came back and caught up with
// every value that survived, before the final reads, and logs how long it
// took.
func checkRestarts(t *testing.T, res *Result) {
	t.Helper()
	if len(res.Restarts) == 0 {
		t.Fatal("no node was killed")
	}
	for _, rr := range res.Restarts {
		t.Logf("%s killed at %.2fs, restarted at %.2fs: ready in %.0f ms, caught up with %d values in %.2fs (%d probes); %d lost with it",
			rr.Node, rr.KillS, rr.RestartS, rr.ReadyMs, rr.TargetCount, rr.CatchUp, rr.Probes, rr.LostCount)
		if rr.Error != "" || !rr.CaughtUp && !rr.KilledAgain {
			t.Errorf("restart of %s at %.2fs: error %q, caught up %v, missing %v", rr.Node, rr.RestartS, rr.Error, rr.CaughtUp, rr.Missing)
		}
	}
	for _, nr := range res.Nodes {
		if nr.Crashed {
			t.Errorf("node %s crashed", nr.ID)
		}
	}
}

// onlyKillLosses fails the test unless every problem of the run is a value
// that a killed node acknowledged and died with before forwarding it.
func onlyKillLosses(t *testing.T, res *Result) {
	t.Helper()
	wl := &res.Workload
	for _, v := range append(slices.Clone(wl.Lost), wl.FinalMissing...) {
		if _, ok := slices.BinarySearch(res.LostToKills, v); !ok {
			t.Errorf("value %d lost, not to a kill: %q", v, res.Reasons)
		}
	}
	for _, why := range res.Reasons {
		if !strings.Contains(why, "values lost (set-full)") && !strings.Contains(why, "missing from a final read") {
			t.Errorf("invalid: %s", why)
		}
	}
	for _, rr := range res.Restarts {
		if rr.LostCount > 0 {
			t.Logf("%s died with %d acknowledged values it had not forwarded yet, %v, acknowledged at most %.0f ms before the kill",
				rr.Node, rr.LostCount, rr.Lost, rr.LostWindowMs)
		}
	}
}

// TestProjectNode_Faults runs the project's node under each of the faults
// the bench adds to Maelstrom's, and all of them at once, on short runs.
//
// With its defaults the node acknowledges a broadcast at once and forwards
// it with the next push to the hub, up to one 225 ms batch later (the hub
// itself holds a client's value until its next flush; a node cut from the
// hub, or whose hub is down, holds it longer). Its run log keeps such
// values in a file, and the node restarted after a SIGKILL takes them back
// once it hears a peer of its run: at the defaults, with persistence
// (GOSSIP_DATA_DIR), and with acknowledgements held until a peer holds the
// value (GOSSIP_ACK=replicated), the node must lose nothing at all. With
// the run log off (GOSSIP_RUN_LOG=false) the kill run accepts losses that
// the bench attributes to the kill, and nothing else.
//
// The run with every fault also fails when a value is lost through a
// dropped message to or from a freshly restarted node: its msg_ids start
// again from 1 while its peers' acknowledgements still count the old
// process's, so a stale acknowledgement can vouch for a message that never
// arrived (seen while this test was written, in about 1 run in 7).
//
// The subtests run one after the other and the whole test is skipped with
// -short: about a minute of node processes, and catch-up times that mean
// something only on a quiet machine.
func TestProjectNode_Faults(t *testing.T) {
	if testing.Short() {
		t.Skip("nine runs of about 10 s each")
	}
	bin := buildProjectNode(t)
	t.Run("duplicate", func(t *testing.T) {
		o := projectFaultOptions(bin, 11)
		o.Duplicate, o.Latency, o.LatencyDist = 0.2, 5*time.Millisecond, "uniform"
		res := run(t, o)
		if !res.Valid {
			t.Fatalf("invalid with duplicated messages: %q", res.Reasons)
		}
		if res.Net.Duplicated == 0 || res.Net.Servers.RecvCount <= res.Net.Servers.SendCount {
			t.Errorf("nothing duplicated: %+v", res.Net)
		}
	})
	t.Run("exponential", func(t *testing.T) {
		o := projectFaultOptions(bin, 12)
		o.Latency, o.LatencyDist = 30*time.Millisecond, "exponential"
		res := run(t, o)
		if !res.Valid {
			t.Fatalf("invalid with reordered messages: %q", res.Reasons)
		}
	})
	t.Run("pause", func(t *testing.T) {
		o := projectFaultOptions(bin, 13)
		o.Nemesis = "pause"
		res := run(t, o)
		if !res.Valid {
			t.Fatalf("invalid with paused nodes: %q", res.Reasons)
		}
		if len(res.Nemesis) == 0 {
			t.Error("no node was paused")
		}
	})
	// The kill runs: each setting that keeps what a node acknowledged
	// (DATA_DIR is filled in with a folder of the subtest's own) must lose
	// nothing; without the run log the kill may take values, and nothing
	// else may be lost.
	for _, k := range []struct {
		name, env string
		keeps     bool
	}{
		{"kill", "", true},
		{"kill-memory", "GOSSIP_RUN_LOG=false", false},
		{"kill-persistent", "GOSSIP_DATA_DIR=", true},
		{"kill-replicated", "GOSSIP_ACK=replicated", true},
	} {
		t.Run(k.name, func(t *testing.T) {
			o := projectFaultOptions(bin, 14)
			o.Nemesis = "kill"
			switch {
			case k.env == "GOSSIP_DATA_DIR=":
				o.Env = []string{k.env + t.TempDir()}
			case k.env != "":
				o.Env = []string{k.env}
			}
			res := run(t, o)
			checkRestarts(t, res)
			if !k.keeps {
				onlyKillLosses(t, res)
			} else if !res.Valid {
				t.Fatalf("invalid with kills (%s): %q", o.Env, res.Reasons)
			}
		})
	}
	for _, ack := range []string{"received", "replicated"} {
		t.Run("all/ack="+ack, func(t *testing.T) {
			o := projectFaultOptions(bin, 15)
			o.Duplicate, o.Latency, o.LatencyDist, o.Loss = 0.2, 20*time.Millisecond, "exponential", 0.1
			o.Nemesis = "partition,pause,kill"
			// Repair under 10% loss: see TestRun_ProjectNode. 8 s give
			// the two hops about eight attempts together.
			o.Recovery = 8 * time.Second
			o.Env = []string{"GOSSIP_ACK=" + ack}
			res := run(t, o)
			checkRestarts(t, res)
			if !res.Valid {
				t.Fatalf("invalid with every fault (acknowledgements: %s): %q", ack, res.Reasons)
			}
			faults := map[string]int{}
			for _, ev := range res.Nemesis {
				faults[ev.Fault]++
			}
			if faults["partition"] == 0 || faults["pause"] == 0 || faults["kill"] == 0 || res.Net.Duplicated == 0 || res.Net.DroppedLoss == 0 {
				t.Errorf("a fault was not injected: %v, %d duplicated, %d lost", faults, res.Net.Duplicated, res.Net.DroppedLoss)
			}
		})
	}
}
