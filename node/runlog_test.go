package node

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// runFolder points the temporary folder at a test's own and returns the
// folder of the test process's run there.
func runFolder(t *testing.T) string {
	t.Helper()
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	return filepath.Join(tmp, "maelstrom-gossip-"+strconv.Itoa(os.Getuid()), runKey(os.Getppid()))
}

func mustOpenRunLog(t *testing.T, id string, inc int64, npeers int) (*runLog, int) {
	t.Helper()
	rl, held, err := openRunLog(id, inc, npeers)
	if err != nil {
		t.Fatal(err)
	}
	return rl, held
}

// TestRunLog_TakesBackAfterKill: the values of an incarnation that died
// without closing its log come back to the next one only when it hears a
// peer with an incarnation the log recorded, and the file goes once they
// are logged again.
func TestRunLog_TakesBackAfterKill(t *testing.T) {
	runFolder(t)
	first, held := mustOpenRunLog(t, "n1", 100, 3)
	if held != 0 {
		t.Fatalf("a fresh run holds %d values", held)
	}
	first.hear(0, 7)
	first.hear(2, 9)
	first.add(5, 1)
	first.add(-6, 2)
	first.add(1<<62, 3)
	if err := first.sync(0); err != nil {
		t.Fatal(err)
	}
	// Killed: no close, and in the middle of a record: its value is
	// stored, its key not yet.
	f, err := os.OpenFile(first.path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte{99, 0, 0, 0, 0, 0, 0, 0}, int64(first.file.end+8))
	f.Close()

	second, held := mustOpenRunLog(t, "n1", 200, 3)
	if held != 3 {
		t.Fatalf("the next incarnation holds %d values apart, want 3", held)
	}
	for _, h := range []struct {
		peer int
		inc  int64
	}{{1, 7}, {0, 8}, {0, 0}, {5, 7}} {
		if got := second.hear(h.peer, h.inc); got != nil {
			t.Fatalf("hearing peer %d with incarnation %d adopted %v", h.peer, h.inc, got)
		}
	}
	got := second.hear(2, 9)
	if want := []int64{5, -6, 1 << 62}; !slices.Equal(got, want) {
		t.Fatalf("adopted %v, want %v", got, want)
	}
	if again := second.hear(0, 7); again != nil {
		t.Fatalf("adopted %v twice", again)
	}
	if _, err := os.Stat(first.path); err != nil {
		t.Fatalf("the adopted file went before its values were logged again: %v", err)
	}
	for i, v := range got {
		second.add(v, i+1)
	}
	if err := second.sync(0); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(first.path); !os.IsNotExist(err) {
		t.Fatalf("the adopted file is still there: %v", err)
	}
	// Killed again: the third incarnation finds the values in the second's
	// file, with the incarnations the second heard.
	third, held := mustOpenRunLog(t, "n1", 300, 3)
	if held != 3 {
		t.Fatalf("the third incarnation holds %d values apart, want 3", held)
	}
	if got := third.hear(1, 4); got != nil {
		t.Fatalf("adopted %v from a peer the second incarnation never heard", got)
	}
	third.close(true)
	if _, err := os.Stat(third.path); !os.IsNotExist(err) {
		t.Fatalf("a clean end left the file: %v", err)
	}
}

// TestRunLog_OtherClusters: a file of another cluster's node with the same
// id (one harness process, several clusters) is never adopted, nor removed.
func TestRunLog_OtherClusters(t *testing.T) {
	runFolder(t)
	other, _ := mustOpenRunLog(t, "n1", 100, 2)
	other.hear(0, 1000)
	other.add(42, 1)
	other.sync(0)
	mine, held := mustOpenRunLog(t, "n1", 101, 2)
	if held != 1 {
		t.Fatalf("held %d values apart, want 1", held)
	}
	if got := mine.hear(0, 2000); got != nil {
		t.Fatalf("adopted %v from another cluster", got)
	}
	mine.add(43, 1)
	mine.sync(1)
	mine.close(true)
	if _, err := os.Stat(other.path); err != nil {
		t.Fatalf("the other cluster's file: %v", err)
	}
	// Another id, or one that only starts the same, is not this node's.
	n10, held := mustOpenRunLog(t, "n10", 102, 2)
	if held != 0 || n10.hear(0, 1000) != nil {
		t.Fatalf("n10 took n1's values (%d held)", held)
	}
}

// TestRunLog_Compact: a log keeps what a peer does not hold yet; once it
// has grown to runCompact records and needs less than a quarter of them,
// it is rewritten with those alone.
func TestRunLog_Compact(t *testing.T) {
	runFolder(t)
	rl, _ := mustOpenRunLog(t, "n1", 100, 2)
	rl.hear(1, 77)
	pos := 0
	for range runCompact + 10 {
		pos++
		rl.add(int64(pos), pos)
		if pos%100 == 0 {
			// A peer holds all but the last ten.
			if err := rl.sync(pos - 10); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := rl.sync(pos - 10); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(rl.path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() >= runCompact/4*runRecord {
		t.Fatalf("the log has %d bytes: it was not compacted", fi.Size())
	}
	// Batches after the rewrite are marked where the new file has them:
	// cut off from its peers, the node keeps every value of its next
	// runCompact batches, and of the batch before the rewrite.
	unheldFrom := pos - 9
	for range runCompact {
		pos++
		rl.add(int64(pos), pos)
		if err := rl.sync(unheldFrom - 1); err != nil {
			t.Fatal(err)
		}
	}
	next, held := mustOpenRunLog(t, "n1", 200, 2)
	got := next.hear(1, 77)
	if held != len(got) || len(got) < pos-unheldFrom+1 {
		t.Fatalf("held %d, adopted %d values", held, len(got))
	}
	slices.Sort(got)
	for v := unheldFrom; v <= pos; v++ {
		if _, ok := slices.BinarySearch(got, int64(v)); !ok {
			t.Fatalf("value %d, which no peer holds, was not kept: %v", v, got)
		}
	}
	if slices.Contains(got, 1) {
		t.Fatalf("a value a peer held long ago was kept after compaction")
	}
	if err := rl.sync(pos - 5); err != nil {
		t.Fatal(err)
	}
	if len(rl.marks) != 5 || rl.marks[0].pos != pos-4 {
		t.Fatalf("marks once a peer holds all but five values: %+v", rl.marks)
	}
}

// TestRunLog_Sweep: folders of harness processes that are gone are removed,
// those of live ones kept.
func TestRunLog_Sweep(t *testing.T) {
	if !runKeyExact {
		t.Skip("no process start times here")
	}
	runFolder(t)
	base := filepath.Join(os.TempDir(), "maelstrom-gossip-"+strconv.Itoa(os.Getuid()))
	live := runKey(os.Getpid())
	gone := strconv.Itoa(os.Getpid()) + "-1" // this pid, another start time
	for _, d := range []string{live, gone, "notarun"} {
		if err := os.MkdirAll(filepath.Join(base, d), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	rl, _ := mustOpenRunLog(t, "n1", 100, 1)
	defer rl.close(true)
	for d, want := range map[string]bool{live: true, gone: false, "notarun": true, runKey(os.Getppid()): true} {
		_, err := os.Stat(filepath.Join(base, d))
		if exists := err == nil; exists != want {
			t.Errorf("folder %s: exists %v, want %v", d, exists, want)
		}
	}
}

func TestRunLog_UnsafeID(t *testing.T) {
	runFolder(t)
	for _, id := range []string{"../n1", "n1/x", "..", "", "n 1"} {
		if _, _, err := openRunLog(id, 1, 1); err == nil {
			t.Errorf("id %q: opened", id)
		}
	}
}

// TestRun_RunLogTakesBackAfterKill: a broadcast_ok leaves only once its
// value is in the run log, and a node started again in the same run (the
// first one never saw the end of its input, as after a kill) serves the
// value once it hears a peer with the incarnation the first one heard.
func TestRun_RunLogTakesBackAfterKill(t *testing.T) {
	dir := runFolder(t)
	cfg := quiet()
	cfg.RunLog = true
	const init2 = `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n0","n1"]}}` + "\n"
	push := func(inc, id int) string {
		return fmt.Sprintf(`{"src":"n0","dest":"n1","body":{"type":"gossip_push","inc":%d,"msg_id":%d}}`+"\n", inc, id)
	}
	read := func(in io.Writer, out *lineWriter, id int) string {
		io.WriteString(in, fmt.Sprintf(`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":%d}}`+"\n", id))
		return out.next(t)
	}

	in, out, _ := start(t, cfg)
	io.WriteString(in, init2)
	out.next(t)
	io.WriteString(in, push(5, 1))
	io.WriteString(in, `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":42}}`+"\n")
	if got := out.next(t); !strings.Contains(got, `"broadcast_ok"`) {
		t.Fatalf("got %s", got)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "n1-*.run"))
	if len(files) != 1 {
		t.Fatalf("run logs: %v", files)
	}
	el, err := readRunLog(files[0])
	if err != nil || !slices.Equal(el.vals, []int64{42}) || !el.recorded(0, 5) {
		t.Fatalf("when broadcast_ok left, the run log held %+v (%v)", el, err)
	}

	in2, out2, _ := start(t, cfg)
	io.WriteString(in2, init2)
	out2.next(t)
	if got := read(in2, out2, 2); !strings.Contains(got, `"messages": []`) {
		t.Fatalf("before hearing a peer of its run: %s", got)
	}
	io.WriteString(in2, push(6, 1))
	if got := read(in2, out2, 3); !strings.Contains(got, `"messages": []`) {
		t.Fatalf("after a peer's other incarnation: %s", got)
	}
	io.WriteString(in2, push(5, 2))
	if got := read(in2, out2, 4); !strings.Contains(got, `"messages": [42]`) {
		t.Fatalf("after the peer the first process heard: %s", got)
	}
}

// TestRunFile_Appended: where a file is not mapped, records are written
// with write(2), and read the same.
func TestRunFile_Appended(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n1-1.run")
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	rf := &runFile{f: f, max: runFileMax}
	var b []byte
	b = appendRunRecord(b, runKeyPeer+3, 12)
	b = appendRunRecord(b, runKeyValue, -1)
	if err := rf.append(b); err != nil {
		t.Fatal(err)
	}
	if err := rf.append(appendRunRecord(nil, runKeyValue, 0)); err != nil {
		t.Fatal(err)
	}
	rf.close()
	el, err := readRunLog(path)
	if err != nil || !slices.Equal(el.vals, []int64{-1, 0}) || !el.recorded(3, 12) || len(el.heard) != 1 {
		t.Fatalf("read %+v, %v", el, err)
	}
}

// TestRunFile_Windows: a mapped file grows a window at a time, keeps every
// record across the windows, and refuses records beyond its bound.
func TestRunFile_Windows(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n1-1.run")
	rf, err := createRunFile(path)
	if err != nil {
		t.Fatal(err)
	}
	defer rf.close()
	if rf.m == nil {
		t.Skip("files are not mapped here")
	}
	const n = 3*runWindow/runRecord + 5
	rf.max = n * runRecord
	for v := range int64(n) {
		if err := rf.append(appendRunRecord(nil, runKeyValue, v)); err != nil {
			t.Fatal(err)
		}
	}
	if rf.base != 3*runWindow || len(rf.m) != runWindow {
		t.Errorf("after %d records the window is %d bytes at %d", n, len(rf.m), rf.base)
	}
	if err := rf.append(appendRunRecord(nil, runKeyValue, n)); err != errRunFileFull {
		t.Errorf("a record beyond the bound: %v", err)
	}
	el, err := readRunLog(path)
	if err != nil || len(el.vals) != n || el.vals[n-1] != n-1 || el.vals[runWindow/runRecord] != runWindow/runRecord {
		t.Fatalf("read %d values (%v)", len(el.vals), err)
	}
}
