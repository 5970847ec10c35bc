// Command loadgen measures node binaries end to end on one prepared stream:
// the project's node, the baseline node and, as the floor, cat moving the same
// bytes through a pipe. It prints the median of several runs of each and the
// ratio of the node's throughput to the baseline's.
//
//	go run ./bench/cmd/loadgen -bin bin/node -baseline bin/baseline -runs 3
package main

import (
	"flag"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/maelstrom-gossip/node/bench/loadgen"
)

func main() {
	m := loadgen.DefaultMix()
	bin := flag.String("bin", "bin/node", "the node binary")
	base := flag.String("baseline", "bin/baseline", "the baseline node binary (empty: skip)")
	runs := flag.Int("runs", 3, "runs of each binary; the median is reported")
	m.RegisterFlags(flag.CommandLine)
	flag.Parse()
	if *runs < 1 {
		fail(fmt.Errorf("-runs must be at least 1"))
	}

	fmt.Fprintf(os.Stderr, "loadgen: generating %d lines...\n", m.Lines)
	s, err := loadgen.Generate(m)
	if err != nil {
		fail(err)
	}
	fmt.Printf("stream: %d lines, %.1f MB, %d replies expected (broadcast %.3g, read %.3g, sync %.3g, values %d, sync-max %d)\n\n",
		s.Lines, float64(len(s.Data))/1e6, s.Replies, m.Broadcast, m.Read, m.Sync, m.Values, m.SyncMax)

	type row struct {
		name, bin string
		env       []string
		check     bool
	}
	rows := []row{{"cat (floor)", "cat", nil, false}, {"node", *bin, []string{"GOSSIP_INTERVAL=0", "GOSSIP_STAR=false"}, true}}
	if *base != "" {
		rows = append(rows, row{"baseline", *base, []string{"GOSSIP_INTERVAL=0", "GOSSIP_STAR=false"}, true})
	}
	medians := map[string]loadgen.Result{}
	fmt.Printf("%-12s %12s %9s %10s %11s %12s\n", "binary", "lines/s", "MB/s", "time", "peak RSS", "output MB")
	for _, r := range rows {
		var results []loadgen.Result
		for i := range *runs {
			fmt.Fprintf(os.Stderr, "\rloadgen: %s run %d/%d   ", r.name, i+1, *runs)
			res, err := loadgen.Run(r.bin, nil, r.env, s, r.check)
			if err != nil {
				fail(err)
			}
			results = append(results, res)
		}
		fmt.Fprint(os.Stderr, "\r\033[K")
		slices.SortFunc(results, func(a, b loadgen.Result) int { return int(a.Elapsed - b.Elapsed) })
		med := results[len(results)/2]
		medians[r.name] = med
		fmt.Printf("%-12s %12.0f %9.1f %10s %9.1f MB %12.1f\n", r.name, med.LinesPerSec(s), med.MBPerSec(),
			med.Elapsed.Round(time.Millisecond), float64(med.MaxRSS)/(1<<20), float64(med.OutBytes)/1e6)
	}
	if b, ok := medians["baseline"]; ok {
		n := medians["node"]
		fmt.Printf("\nnode / baseline: %.1fx the lines/s, %.2fx the peak RSS (medians of %d runs)\n",
			float64(b.Elapsed)/float64(n.Elapsed), float64(n.MaxRSS)/float64(b.MaxRSS), *runs)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "loadgen:", err)
	os.Exit(1)
}
