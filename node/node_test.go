package node

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// run serves input on a fresh node with the timer off and returns what it
// wrote to stdout and stderr.
func run(t *testing.T, cfg Config, input string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	cfg.Stdin, cfg.Stdout, cfg.Stderr = strings.NewReader(input), &out, &errOut
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Run(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return out.String(), errOut.String()
}

// quiet returns settings under which the node sends no gossip of its own: no
// star, no repair timer; only requests are answered.
func quiet() Config {
	c := DefaultConfig()
	c.NoStar, c.Interval = true, 0
	c.Seed = 1
	return c
}

// TestGolden runs every case folder (input.jsonl fed on stdin, expected.jsonl
// compared byte for byte with stdout) of testdata/cases and, when the
// exercise's shared folder sits beside the repository, of ../shared/cases.
func TestGolden(t *testing.T) {
	dirs, _ := filepath.Glob("testdata/cases/*")
	shared, _ := filepath.Glob("../../shared/cases/*")
	if len(dirs) == 0 {
		t.Fatal("no golden cases found")
	}
	for _, dir := range append(dirs, shared...) {
		name := filepath.Base(dir)
		if strings.HasPrefix(dir, "../") {
			name = "shared/" + name
		}
		t.Run(name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join(dir, "input.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join(dir, "expected.jsonl"))
			if err != nil {
				t.Fatal(err)
			}
			got, _ := run(t, quiet(), string(in))
			if got != string(want) {
				t.Fatalf("stdout differs\n got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
}

const init3 = `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2","n3"]}}` + "\n"

// body is a decoded reply body, for tests that look at fields.
type body map[string]any

func parse(t *testing.T, stdout string) (dests []string, bodies []body) {
	t.Helper()
	for _, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
		if line == "" {
			continue
		}
		var m struct {
			Src, Dest string
			Body      body
		}
		d := json.NewDecoder(strings.NewReader(line))
		d.UseNumber()
		if err := d.Decode(&m); err != nil {
			t.Fatalf("stdout line is not JSON: %q: %v", line, err)
		}
		dests, bodies = append(dests, m.Dest), append(bodies, m.Body)
	}
	return dests, bodies
}

func TestNode_ErrorCodes(t *testing.T) {
	tests := []struct {
		name  string
		input string
		code  string // "" when no reply is expected
	}{
		{"before init", `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":5}}`, "11"},
		{"unknown type", init3 + `{"src":"c1","dest":"n1","body":{"type":"cas","msg_id":5}}`, "10"},
		{"bad broadcast", init3 + `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":5,"message":"x"}}`, "12"},
		{"bad sync", init3 + `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":5,"messages":{}}}`, "12"},
		{"bad topology", init3 + `{"src":"c1","dest":"n1","body":{"type":"topology","msg_id":5,"topology":"n2"}}`, "12"},
		{"bad init", `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":5,"node_id":"n1"}}`, "12"},
		{"second init", init3 + `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":5,"node_id":"n1","node_ids":["n1"]}}`, "22"},
		{"error from a peer is not answered", init3 + `{"src":"n2","dest":"n1","body":{"type":"error","code":11,"in_reply_to":3,"msg_id":5}}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, _ := run(t, quiet(), tt.input)
			_, bodies := parse(t, stdout)
			last := bodies[len(bodies)-1]
			if tt.code == "" {
				if last["type"] == "error" {
					t.Fatalf("unexpected reply %v", last)
				}
				return
			}
			if last["type"] != "error" || fmt.Sprint(last["code"]) != tt.code || fmt.Sprint(last["in_reply_to"]) != "5" {
				t.Fatalf("last reply = %v, want error code %s in reply to 5", last, tt.code)
			}
			if text, _ := last["text"].(string); text == "" {
				t.Fatalf("error without text: %v", last)
			}
		})
	}
}

// TestNode_RejectedInputKeepsState checks that no rejected request changes
// the set or the msg_id sequence beyond its own error reply.
func TestNode_RejectedInputKeepsState(t *testing.T) {
	cfg := quiet()
	cfg.Stderr = io.Discard
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out := n.Handle([]byte(strings.TrimSpace(init3)), nil)
	out = n.Handle([]byte(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":1}}`), out)
	bad := []string{
		`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":3,"messages":[2,3,1.5]}}`,
		`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":3,"messages":[2,3,9223372036854775808]}}`,
		`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":3,"message":1e2}}`,
		`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":3,"message":"2"}}`,
		`{"src":"c0","dest":"n1","body":{"type":"init","msg_id":3,"node_id":"n1","node_ids":["n1"]}}`,
		`{"src":"c1","dest":"n1","body":{"type":"topology","msg_id":3,"topology":5}}`,
	}
	for _, line := range bad {
		id, size := n.nextMsgID, n.set.Len()
		out = n.Handle([]byte(line), out[:0])
		_, bodies := parse(t, string(out))
		if len(bodies) != 1 || bodies[0]["type"] != "error" {
			t.Fatalf("%s: got %s, want one error reply", line, out)
		}
		if n.set.Len() != size || n.nextMsgID != id+1 || n.ID() != "n1" || n.peers.Len() != 2 {
			t.Fatalf("%s changed the state: size %d->%d, msg_id %d->%d", line, size, n.set.Len(), id, n.nextMsgID)
		}
	}
	unanswerable := []string{`{"src":"c1"`, `{}`, `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":"x","message":5}}`}
	for _, line := range unanswerable {
		id, size := n.nextMsgID, n.set.Len()
		if out = n.Handle([]byte(line), out[:0]); len(out) != 0 || n.nextMsgID != id || n.set.Len() != size {
			t.Fatalf("%s: wrote %q or changed the state", line, out)
		}
	}
}

func TestNode_GossipRoundPicksKDistinctPeers(t *testing.T) {
	ids := `["n1","n2","n3","n4","n5","n6"]`
	for _, k := range []int{1, 2, 3, 5, 8} {
		t.Run(fmt.Sprintf("K=%d", k), func(t *testing.T) {
			cfg := quiet()
			cfg.Fanout = k
			input := `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":` + ids + `}}` + "\n" +
				`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","messages":[1,2,3]}}` + "\n" +
				`{"src":"c1","dest":"n1","body":{"type":"gossip_round","msg_id":2}}` + "\n"
			stdout, _ := run(t, cfg, input)
			dests, bodies := parse(t, stdout)
			want := min(k, 5)
			syncs := dests[1 : len(dests)-1]
			if len(syncs) != want || slices.Contains(syncs, "n1") || len(slices.Compact(slices.Sorted(slices.Values(syncs)))) != want {
				t.Fatalf("round sent to %v, want %d distinct peers", syncs, want)
			}
			ok := bodies[len(bodies)-1]
			if fmt.Sprint(ok["peers_contacted"]) != fmt.Sprint(want) || fmt.Sprint(ok["messages_sent"]) != fmt.Sprint(3*want) {
				t.Fatalf("gossip_round_ok = %v, want %d peers and %d messages", ok, want, 3*want)
			}
		})
	}
}

func TestNode_Sync1M(t *testing.T) {
	const n = 1_000_000
	var b strings.Builder
	b.WriteString(init3)
	b.WriteString(`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":2,"messages":[`)
	for i := n - 1; i >= 0; i-- { // descending: the unsorted path
		if i != n-1 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, i*3-n)
	}
	b.WriteString("]}}\n")
	b.WriteString(`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":3}}` + "\n")
	stdout, _ := run(t, quiet(), b.String())
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], `"new_count": 1000000,`) {
		t.Fatalf("sync reply: %.200s", lines[1])
	}
	var m struct{ Body struct{ Messages []int64 } }
	if err := json.Unmarshal([]byte(lines[2]), &m); err != nil {
		t.Fatal(err)
	}
	got := m.Body.Messages
	if len(got) != n || got[0] != -n || got[n-1] != (n-1)*3-n || !slices.IsSorted(got) {
		t.Fatalf("read of 1M values: len %d, first %d, last %d", len(got), got[0], got[len(got)-1])
	}
}

// lineWriter collects written lines and signals each one.
type lineWriter struct {
	mu    sync.Mutex
	buf   []byte
	lines chan string
}

func newLineWriter() *lineWriter { return &lineWriter{lines: make(chan string, 1024)} }

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			return len(p), nil
		}
		w.lines <- string(w.buf[:i])
		w.buf = w.buf[i+1:]
	}
}

func (w *lineWriter) next(t *testing.T) string {
	t.Helper()
	select {
	case l := <-w.lines:
		return l
	case <-time.After(5 * time.Second):
		t.Fatal("no output within 5 s")
		return ""
	}
}

// start runs a node on a pipe until the test ends.
func start(t *testing.T, cfg Config) (in *io.PipeWriter, out *lineWriter, done chan error) {
	pr, pw := io.Pipe()
	out = newLineWriter()
	cfg.Stdin, cfg.Stdout = pr, out
	if cfg.Stderr == nil {
		cfg.Stderr = io.Discard
	}
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	done = make(chan error, 1)
	go func() { done <- n.Run() }()
	t.Cleanup(func() { pw.Close() })
	return pw, out, done
}

func TestRun_FlushesWithoutEndOfInput(t *testing.T) {
	in, out, _ := start(t, quiet())
	io.WriteString(in, init3)
	if got := out.next(t); !strings.Contains(got, `"init_ok"`) {
		t.Fatalf("got %s", got)
	}
	io.WriteString(in, `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":2}}`+"\n")
	if got := out.next(t); !strings.Contains(got, `"read_ok"`) {
		t.Fatalf("got %s", got)
	}
}

// gossipLine is a decoded gossip_push or gossip_sync.
type gossipLine struct {
	Dest string
	Body struct {
		Type     string
		MsgID    int64 `json:"msg_id"`
		Messages *[]int64
		Ack      *int64
	}
}

func decodeGossip(t *testing.T, line string) gossipLine {
	t.Helper()
	var m gossipLine
	if err := json.Unmarshal([]byte(line), &m); err != nil {
		t.Fatalf("%s: %v", line, err)
	}
	return m
}

// clocked drives a node through Handle, Tick and Next on a clock of its
// own, which only advance moves: the tests of timed behaviour run the same
// on a loaded machine as on an idle one.
type clocked struct {
	t   *testing.T
	n   *Node
	now time.Time
	out []byte
}

func newClocked(t *testing.T, cfg Config) *clocked {
	t.Helper()
	c := &clocked{t: t, now: time.Unix(1_700_000_000, 0)}
	cfg.Clock, cfg.Stderr = func() time.Time { return c.now }, io.Discard
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.n = n
	return c
}

// handle applies one line at the current time and returns the lines it
// caused.
func (c *clocked) handle(line string) []string {
	c.out = c.n.Handle([]byte(strings.TrimSuffix(line, "\n")), c.out[:0])
	return splitLines(c.out)
}

// advance moves the clock forward by d, a millisecond at a time, ticking
// whenever something falls due, and returns the lines sent meanwhile.
func (c *clocked) advance(d time.Duration) []string {
	var lines []string
	for end := c.now.Add(d); c.now.Before(end); {
		c.now = c.now.Add(time.Millisecond)
		if next, ok := c.n.Next(); ok && !next.After(c.now) {
			c.out = c.n.Tick(c.out[:0])
			lines = append(lines, splitLines(c.out)...)
		}
	}
	return lines
}

func splitLines(b []byte) []string {
	var lines []string
	for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		if l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestNode_RepairRoundsWithoutStar: with NoStar, values spread by the seed's
// rounds alone, to K random peers, until each peer acknowledges; then the
// rounds fall silent, and a new value wakes them.
func TestNode_RepairRoundsWithoutStar(t *testing.T) {
	cfg := quiet()
	cfg.Interval, cfg.AckDelay = time.Second, 0
	c := newClocked(t, cfg)
	c.handle(init3)
	c.handle(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":42}}`)
	acked := map[string]bool{}
	for round := 0; len(acked) < 2; round++ {
		if round == 10 {
			t.Fatalf("after 10 s, only %v acknowledged", acked)
		}
		for _, l := range c.advance(time.Second) {
			m := decodeGossip(t, l)
			if m.Body.Type != "gossip_push" || m.Body.Messages == nil || !slices.Equal(*m.Body.Messages, []int64{42}) {
				t.Fatalf("unexpected round output %+v", m)
			}
			c.handle(fmt.Sprintf(`{"src":%q,"dest":"n1","body":{"type":"gossip_push","ack":%d,"msg_id":7}}`, m.Dest, m.Body.MsgID))
			acked[m.Dest] = true
		}
	}
	if l := c.advance(10 * time.Second); len(l) != 0 {
		t.Fatalf("every peer holds every value, but the node sent %v", l)
	}
	c.handle(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":3,"message":43}}`)
	l := c.advance(1100 * time.Millisecond)
	if len(l) == 0 {
		t.Fatal("a new value woke no round")
	}
	if m := decodeGossip(t, l[0]); m.Body.Messages == nil || !slices.Equal(*m.Body.Messages, []int64{43}) {
		t.Fatalf("got %+v, want a push of the new value alone", m)
	}
}

const initLeaf = `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n0","n1","n2"]}}` + "\n"
const initHub = `{"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0","n1","n2"]}}` + "\n"

// TestNode_LeafPushesToHub: a node that is not the hub pushes a new value
// to the hub alone, without waiting for a round; unacknowledged, the push is
// repaired after an interval; once the hub acknowledges it, nothing more is
// sent; a push from the hub is acknowledged after AckDelay.
func TestNode_LeafPushesToHub(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Seed, cfg.Batch, cfg.Phase = 1, 0, false
	cfg.Interval, cfg.AckDelay = time.Second, 400*time.Millisecond
	c := newClocked(t, cfg)
	c.handle(initLeaf)
	c.handle(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":42}}`)
	l := c.advance(10 * time.Millisecond)
	if len(l) != 1 {
		t.Fatalf("sent %v, want one push", l)
	}
	m := decodeGossip(t, l[0])
	if m.Dest != "n0" || m.Body.Type != "gossip_push" || m.Body.Messages == nil || !slices.Equal(*m.Body.Messages, []int64{42}) || m.Body.Ack != nil {
		t.Fatalf("got %+v, want a push of [42] to the hub n0 with no ack", m)
	}
	l = c.advance(2100 * time.Millisecond)
	if len(l) == 0 {
		t.Fatal("the push was not repaired")
	}
	if r := decodeGossip(t, l[0]); r.Dest != "n0" || !slices.Equal(*r.Body.Messages, []int64{42}) {
		t.Fatalf("got %+v, want the push repeated", r)
	}
	c.handle(fmt.Sprintf(`{"src":"n0","dest":"n1","body":{"type":"gossip_push","messages":[7],"ack":%d,"msg_id":100}}`, m.Body.MsgID+1))
	l = c.advance(time.Second)
	if len(l) != 1 {
		t.Fatalf("sent %v, want one acknowledgement", l)
	}
	if a := decodeGossip(t, l[0]); a.Dest != "n0" || a.Body.Messages != nil || a.Body.Ack == nil || *a.Body.Ack != 100 {
		t.Fatalf("got %+v, want an acknowledgement of 100 alone", a)
	}
	if l := c.advance(10 * time.Second); len(l) != 0 {
		t.Fatalf("the hub holds every value and its push is acknowledged, but the node sent %v", l)
	}
}

// TestNode_HubFlushes: the hub forwards a value to every node that lacks it,
// not to the node it came from, with the acknowledgement riding along.
func TestNode_HubFlushes(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Seed = 1
	cfg.Interval, cfg.AckDelay = time.Hour, 400*time.Millisecond
	c := newClocked(t, cfg)
	c.handle(initHub)
	c.handle(`{"src":"n1","dest":"n0","body":{"type":"gossip_push","messages":[5, 6],"msg_id":40}}`)
	l := c.advance(cfg.Batch)
	if len(l) != 1 {
		t.Fatalf("sent %v, want one flush", l)
	}
	f := decodeGossip(t, l[0])
	if f.Dest != "n2" || f.Body.Messages == nil || !slices.Equal(*f.Body.Messages, []int64{5, 6}) || f.Body.Ack != nil {
		t.Fatalf("got %+v, want a flush of [5, 6] to n2 alone", f)
	}
	l = c.advance(cfg.AckDelay)
	if len(l) != 1 {
		t.Fatalf("sent %v, want one acknowledgement", l)
	}
	if a := decodeGossip(t, l[0]); a.Dest != "n1" || a.Body.Messages != nil || a.Body.Ack == nil || *a.Body.Ack != 40 {
		t.Fatalf("got %+v, want an acknowledgement of 40 to n1", a)
	}
	// A broadcast at the hub goes to both on the next flush.
	c.handle(`{"src":"c1","dest":"n0","body":{"type":"broadcast","msg_id":2,"message":9}}`)
	got := map[string][]int64{}
	for _, line := range c.advance(cfg.Batch) {
		m := decodeGossip(t, line)
		got[m.Dest] = *m.Body.Messages
	}
	if !slices.Equal(got["n1"], []int64{9}) || !slices.Equal(got["n2"], []int64{5, 6, 9}) {
		t.Fatalf("flushes %v: n2 has not acknowledged [5, 6], so it gets them again", got)
	}
}

func TestRun_LineOverLimitIsSkipped(t *testing.T) {
	cfg := quiet()
	cfg.MaxLineBytes = 100 << 10
	long := `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":2,"messages":[` + strings.Repeat("1, ", 200<<10) + `1]}}` + "\n"
	medium := `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":3,"message":` + strings.Repeat(" ", 101<<10) + `5}}` + "\n"
	bigString := `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":4,"x":"` + strings.Repeat("a", 101<<10) + `","messages":[7]}}` + "\n"
	input := init3 + long + medium + bigString + `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":5}}` + "\n"
	stdout, stderr := run(t, cfg, input)
	_, bodies := parse(t, stdout)
	// The 600 KB array is streamed: only the rest of its line counts
	// against the limit. The two lines that would have to be held whole
	// are skipped.
	if len(bodies) != 3 || bodies[1]["type"] != "gossip_sync_ok" || fmt.Sprint(bodies[1]["new_count"]) != "1" ||
		bodies[2]["type"] != "read_ok" || fmt.Sprint(bodies[2]["messages"]) != "[1]" {
		t.Fatalf("stdout %s", stdout)
	}
	if strings.Count(stderr, "over the 102400-byte limit") != 2 || strings.Count(stderr, "[WARN]") != 2 {
		t.Fatalf("stderr %q, want one line per skipped line", stderr)
	}
}

func TestConfig_Invalid(t *testing.T) {
	for _, c := range []Config{{Fanout: -1}, {Interval: -time.Second}, {MaxLineBytes: -5}} {
		if _, err := New(c); err == nil {
			t.Errorf("New(%+v) accepted", c)
		}
	}
}

func FuzzHandle(f *testing.F) {
	for _, s := range []string{
		`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":10}}`,
		`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":3,"messages":[10,20,30]}}`,
		`{"src":"c1","dest":"n1","body":{"type":"gossip_round","msg_id":4}}`,
		`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":5}}`,
		`{"src":"c1","dest":"n1","body":{"type":"topology","msg_id":6,"topology":{"n1":["n2"]}}}`,
		`{"src":"n2","dest":"n1","body":{"type":"gossip_sync_ok","msg_id":1,"in_reply_to":0}}`,
		`{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}`,
		`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":1.5}}`,
		`not json`,
	} {
		f.Add([]byte(s))
	}
	n, err := New(Config{Interval: 0, Seed: 1, Stderr: io.Discard})
	if err != nil {
		f.Fatal(err)
	}
	n.Handle([]byte(strings.TrimSpace(init3)), nil)
	n.Handle([]byte(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":7}}`), nil)
	var out []byte
	f.Fuzz(func(t *testing.T, line []byte) {
		size, id := n.set.Len(), n.nextMsgID
		out = n.Handle(line, out[:0])
		if len(out) > 0 && out[len(out)-1] != '\n' {
			t.Fatalf("output does not end a line: %q", out)
		}
		lines := bytes.Split(bytes.TrimSuffix(out, []byte("\n")), []byte("\n"))
		errReply := false
		for _, l := range lines {
			if len(out) == 0 {
				break
			}
			var m struct {
				Src, Dest string
				Body      map[string]any
			}
			if err := json.Unmarshal(l, &m); err != nil || m.Src != "n1" || m.Body["type"] == nil || m.Body["msg_id"] == nil {
				t.Fatalf("Handle(%q) wrote a bad line %q (%v)", line, l, err)
			}
			errReply = errReply || m.Body["type"] == "error"
		}
		if n.set.Len() < size {
			t.Fatalf("the set shrank")
		}
		if len(out) == 0 && n.nextMsgID != id || errReply && (n.set.Len() != size || n.nextMsgID != id+1) {
			t.Fatalf("Handle(%q) changed the state on rejected input", line)
		}
		if n.ID() != "n1" {
			t.Fatalf("Handle(%q) changed the node id", line)
		}
	})
}

// pipes returns two pipes, for a node's stdin (read inR, write inW) and
// stdout (read outR, write outW), as Maelstrom connects it.
func pipes(t *testing.T) (inR, inW, outR, outW *os.File) {
	t.Helper()
	var err error
	if inR, inW, err = os.Pipe(); err != nil {
		t.Fatal(err)
	}
	if outR, outW, err = os.Pipe(); err != nil {
		t.Fatal(err)
	}
	return inR, inW, outR, outW
}

// TestNode_StreamedSyncCountsItsValues sends a peer's whole set twice, the
// second time grown past the stage's window, so that it is streamed and
// committed in bulk: the plan must learn that the sync covered the node's
// set, so the repair rounds send that peer nothing, rather than take it for
// a sync of no values (a peer that restarted, to be sent everything).
func TestNode_StreamedSyncCountsItsValues(t *testing.T) {
	sync := func(id, n int) string {
		var b strings.Builder
		fmt.Fprintf(&b, `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":%d,"messages":[`, id)
		for v := range n {
			if v > 0 {
				b.WriteString(", ")
			}
			fmt.Fprint(&b, 3*v)
		}
		b.WriteString("]}}")
		return b.String()
	}
	cfg := quiet()
	cfg.Interval, cfg.AckDelay = time.Second, 0
	c := newClocked(t, cfg)
	c.handle(`{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}`)
	c.handle(sync(2, 2_000))
	if out := c.handle(sync(3, 50_000)); len(out) != 1 || !strings.Contains(out[0], `"new_count": 48000,`) {
		t.Fatalf("reply %.300v", out)
	}
	if l := c.advance(5 * time.Second); len(l) != 0 {
		t.Fatalf("n2 sent its whole set, but the node sent it %d lines, the first %.200s", len(l), l[0])
	}
}

// TestNode_AckReplicated: under AckReplicated a leaf holds a broadcast_ok
// back until the hub acknowledges a push that carried the value, and sends
// it with the handling of that acknowledgement; a node without peers
// answers at once; and with maxHeld replies waiting, a broadcast is refused
// with error 11 and changes nothing.
func TestNode_AckReplicated(t *testing.T) {
	isAck := func(l string) bool { return strings.Contains(l, `"broadcast_ok"`) }
	cfg := DefaultConfig()
	cfg.Seed, cfg.Batch, cfg.Phase = 1, 0, false
	cfg.Interval, cfg.AckDelay = time.Second, 400*time.Millisecond
	cfg.Ack = AckReplicated
	c := newClocked(t, cfg)
	c.handle(initLeaf)
	if out := c.handle(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":42}}`); len(out) != 0 {
		t.Fatalf("answered %v before a peer held the value", out)
	}
	l := c.advance(10 * time.Millisecond)
	if len(l) != 1 || isAck(l[0]) {
		t.Fatalf("sent %v, want one push", l)
	}
	m := decodeGossip(t, l[0])
	if out := c.handle(`{"src":"n0","dest":"n1","body":{"type":"gossip_push","messages":[7],"msg_id":100}}`); len(out) != 0 {
		t.Fatalf("answered %v to a push that acknowledges nothing", out)
	}
	out := c.handle(fmt.Sprintf(`{"src":"n0","dest":"n1","body":{"type":"gossip_push","ack":%d,"msg_id":101}}`, m.Body.MsgID))
	if len(out) != 1 || !isAck(out[0]) || !strings.Contains(out[0], `"dest": "c1"`) || !strings.Contains(out[0], `"in_reply_to": 2,`) {
		t.Fatalf("after the hub's acknowledgement: %v, want the broadcast_ok of msg 2", out)
	}

	alone := newClocked(t, cfg)
	alone.handle(`{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}`)
	if out := alone.handle(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":42}}`); len(out) != 1 || !isAck(out[0]) {
		t.Fatalf("a node without peers answered %v", out)
	}

	full := newClocked(t, cfg)
	full.handle(initLeaf)
	for v := range maxHeld {
		if out := full.handle(fmt.Sprintf(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":%d,"message":%d}}`, v+2, v)); len(out) != 0 {
			t.Fatalf("broadcast %d answered %v", v, out)
		}
	}
	out = full.handle(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":1,"message":-1}}`)
	if len(out) != 1 || !strings.Contains(out[0], `"code": 11,`) {
		t.Fatalf("with %d replies held back, a broadcast got %v, want error 11", maxHeld, out)
	}
	if s := full.n.Set(); s.Contains(-1) || s.Len() != maxHeld {
		t.Fatalf("the refused broadcast changed the set: %d values", s.Len())
	}
}
