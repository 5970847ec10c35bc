package node

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/maelstrom-gossip/node/set"
)

func TestStore_RecoversLogAndSnapshot(t *testing.T) {
	dir := t.TempDir()
	s := set.New()
	st, n, err := openStore(dir, "n1", s)
	if err != nil || n != 0 {
		t.Fatalf("openStore = %d, %v", n, err)
	}
	for v := range int64(snapshotEvery + 10) { // one snapshot, then 10 logged
		s.Add(v)
		st.add(v)
		if v%1000 == 0 {
			if err := st.sync(s); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := st.sync(s); err != nil {
		t.Fatal(err)
	}
	st.close()
	if _, err := os.Stat(filepath.Join(dir, "n1.snap")); err != nil {
		t.Fatalf("no snapshot: %v", err)
	}
	// A torn last record: a crash in the middle of an append.
	f, _ := os.OpenFile(filepath.Join(dir, "n1.log"), os.O_WRONLY|os.O_APPEND, 0)
	f.Write([]byte{1, 2, 3})
	f.Close()
	r := set.New()
	st2, n, err := openStore(dir, "n1", r)
	if err != nil {
		t.Fatal(err)
	}
	defer st2.close()
	if n != snapshotEvery+10 || r.Len() != snapshotEvery+10 {
		t.Fatalf("recovered %d values (set %d), want %d", n, r.Len(), snapshotEvery+10)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "n1.log")); fi.Size()%8 != 0 {
		t.Fatalf("torn record kept: log is %d bytes", fi.Size())
	}
}

func TestStore_CorruptSnapshotIsAnError(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "n1.snap"), []byte("not a snapshot"), 0o644)
	if _, _, err := openStore(dir, "n1", set.New()); err == nil {
		t.Fatal("a corrupt snapshot was accepted")
	}
	// The node then refuses init with error 13 rather than run without
	// the values it promised to keep.
	cfg := quiet()
	cfg.DataDir = dir
	stdout, _ := run(t, cfg, init3)
	if !strings.Contains(stdout, `"code": 13`) || !strings.Contains(stdout, "persistence") {
		t.Fatalf("stdout %s", stdout)
	}
}

// TestRun_PersistedValuesSurviveARestart: what a node acknowledged is on disk
// before the acknowledgement, and a new process with the same DataDir holds
// it from init on.
func TestRun_PersistedValuesSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	cfg := quiet()
	cfg.DataDir = dir
	input := init3
	for v := range 5 {
		input += `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":` + string(rune('2'+v)) + `,"message":` + string(rune('0'+v)) + `}}` + "\n"
	}
	run(t, cfg, input)
	data, err := os.ReadFile(filepath.Join(dir, "n1.log"))
	if err != nil || len(data) != 5*8 || binary.LittleEndian.Uint64(data[32:]) != 4 {
		t.Fatalf("log %v, %v", data, err)
	}
	stdout, stderr := run(t, cfg, init3+`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":9}}`+"\n")
	if !strings.Contains(stdout, `"messages": [0, 1, 2, 3, 4]`) || !strings.Contains(stderr, "recovered 5 values") {
		t.Fatalf("after the restart: stdout %s stderr %s", stdout, stderr)
	}
	if !bytes.Contains([]byte(stdout), []byte("init_ok")) {
		t.Fatal("no init_ok")
	}
}
