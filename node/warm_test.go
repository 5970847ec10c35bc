package node

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"github.com/maelstrom-gossip/node/codec"
)

// warmChildEnv marks the process that TestRun_WarmsUpUnderFlood starts: its
// TestMain leaves sonic uncompiled, and the test serves a node on stdin.
const warmChildEnv = "NODE_TEST_WARM_CHILD"

// warmProbe is a node's stdout that notes whether sonic was compiled when a
// batch of replies was written.
type warmProbe struct{ writes, warm int }

func (p *warmProbe) Write(b []byte) (int, error) {
	p.writes++
	if codec.Warmed() {
		p.warm++
	}
	return len(b), nil
}

// TestRun_WarmsUpUnderFlood: a node flooded with lines that are not plain
// (here each client id is written with an escape), on one thread as main
// runs it and never waiting for input, has sonic compiled after a few
// thousand of them and decodes the rest with it: the compiling goroutine
// gets its turn although the node's reads never block.
func TestRun_WarmsUpUnderFlood(t *testing.T) {
	if os.Getenv(warmChildEnv) != "" {
		runtime.GOMAXPROCS(1)
		var probe warmProbe
		cfg := DefaultConfig()
		cfg.Seed, cfg.Stdin, cfg.Stdout, cfg.Stderr = 1, os.Stdin, &probe, os.Stderr
		n, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := n.Run(); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(os.Stderr, "writes %d warm %d\n", probe.writes, probe.warm)
		return
	}
	if testing.Short() {
		t.Skip("runs a node process")
	}
	var in bytes.Buffer
	in.WriteString(`{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}` + "\n")
	for i := range 200_000 {
		fmt.Fprintf(&in, `{"src":"c\u0031","dest":"n1","body":{"type":"broadcast","msg_id":%d,"message":%d}}`+"\n", i+2, i%5000)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestRun_WarmsUpUnderFlood$")
	cmd.Env = append(os.Environ(), warmChildEnv+"=1", "GOSSIP_INTERVAL=0")
	cmd.Stdin = &in // copied through a pipe by a goroutine of this process
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var writes, warm int
	for _, l := range strings.Split(string(out), "\n") {
		if _, err := fmt.Sscanf(l, "writes %d warm %d", &writes, &warm); err == nil {
			break
		}
	}
	t.Logf("%d batches written, %d of them after sonic was compiled", writes, warm)
	if writes < 10 || warm < writes/2 {
		t.Fatalf("%d batches written, %d of them after sonic was compiled; want most\n%s", writes, warm, out)
	}
}
