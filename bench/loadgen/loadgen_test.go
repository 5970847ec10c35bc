package loadgen

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"testing"
)

func TestGenerate(t *testing.T) {
	m := DefaultMix()
	m.Lines = 2000
	s, err := Generate(m)
	if err != nil {
		t.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimSuffix(s.Data, []byte("\n")), []byte("\n"))
	if len(lines) != s.Lines || s.Replies != s.Lines {
		t.Fatalf("%d lines, Stream says %d lines and %d replies", len(lines), s.Lines, s.Replies)
	}
	types := map[string]int{}
	for _, l := range lines {
		var msg struct {
			Body struct {
				Type     string
				MsgID    *int64 `json:"msg_id"`
				Messages []int64
			}
		}
		if err := json.Unmarshal(l, &msg); err != nil || msg.Body.MsgID == nil {
			t.Fatalf("bad line %s: %v", l, err)
		}
		types[msg.Body.Type]++
	}
	if types["init"] != 1 || types["broadcast"] < 1000 || types["gossip_sync"] < 600 || types["read"] == 0 {
		t.Fatalf("mix = %v", types)
	}
	again, _ := Generate(m)
	if !bytes.Equal(again.Data, s.Data) {
		t.Fatal("the same seed gave another stream")
	}
}

// TestRun drives the project's node with a small stream and checks the
// reply count that Run verifies.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the node")
	}
	bin := filepath.Join(t.TempDir(), "node")
	if out, err := exec.Command("go", "build", "-o", bin, "github.com/maelstrom-gossip/node").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	m := DefaultMix()
	m.Lines = 20000
	s, _ := Generate(m)
	res, err := Run(bin, nil, []string{"GOSSIP_INTERVAL=0", "GOSSIP_STAR=false"}, s, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Replies != s.Replies || res.MaxRSS <= 0 || res.OutBytes == 0 {
		t.Fatalf("result %+v", res)
	}
}
