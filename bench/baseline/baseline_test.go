package baseline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// lineWriter collects what the node writes to stdout, as whole lines.
type lineWriter struct {
	mu    sync.Mutex
	buf   []byte
	lines []string
	added chan struct{} // notified after each Write that completes a line
}

func newLineWriter() *lineWriter { return &lineWriter{added: make(chan struct{}, 1)} }

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	grew := false
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.lines = append(w.lines, string(w.buf[:i]))
		w.buf = w.buf[i+1:]
		grew = true
	}
	if grew {
		select {
		case w.added <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

// snapshot returns the complete lines so far and any unterminated tail.
func (w *lineWriter) snapshot() ([]string, string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.lines), string(w.buf)
}

// lockedBuffer is a bytes.Buffer for the node's stderr.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

const waitLimit = 60 * time.Second

// runPaced runs the node on input through Run, handing it one line at a time:
// each line (through its newline) is written to the node's stdin, and the next
// only once the node has finished that line, its replies written. A line
// without a newline at the end is only complete at the end of input, so it is
// written last and followed by closing stdin.
//
// This is how Maelstrom's clients talk to a node: a client waits for
// broadcast_ok before its next request. The baseline handles every message in
// its own goroutine, like Maelstrom's demo Go library, so two lines written
// together may be handled in either order (a read could overtake the broadcast
// before it). Pacing on the node's own per-line completion hook (lineDone),
// rather than on a quiet period, makes the order deterministic without timing
// assumptions, while Run keeps its goroutine per message.
func runPaced(t *testing.T, cfg Config, input []byte) (stdout []string, stderr string) {
	t.Helper()
	pr, pw := io.Pipe()
	out := newLineWriter()
	errs := &lockedBuffer{}
	cfg.Stdin, cfg.Stdout, cfg.Stderr = pr, out, errs
	n := New(cfg)
	done := make(chan struct{}, bytes.Count(input, []byte("\n"))+1)
	n.lineDone = func() { done <- struct{}{} }
	runErr := make(chan error, 1)
	go func() {
		err := n.Run()
		pr.Close() // unblocks the writes below if Run stopped early
		runErr <- err
	}()

	rest := input
	for len(rest) > 0 {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			if _, err := pw.Write(rest); err != nil {
				t.Fatalf("write stdin: %v", err)
			}
			break
		}
		line := rest[:i+1]
		rest = rest[i+1:]
		if _, err := pw.Write(line); err != nil {
			t.Fatalf("write stdin: %v", err)
		}
		select {
		case <-done:
		case <-time.After(waitLimit):
			t.Fatalf("node did not finish line %.200q within %v", line, waitLimit)
		}
	}
	pw.Close()
	select {
	case err := <-runErr:
		if err != nil {
			t.Fatalf("Run: %v", err)
		}
	case <-time.After(waitLimit):
		t.Fatalf("Run did not return within %v of the end of input", waitLimit)
	}
	lines, tail := out.snapshot()
	if tail != "" {
		t.Fatalf("stdout ends in an unterminated line: %q", tail)
	}
	return lines, errs.String()
}

// canonical parses one output line (with json.Decoder.UseNumber, so integers
// stay exact) and returns it re-encoded with sorted keys, msg_id's value
// replaced by a placeholder, and, for an error, text removed; it also returns
// the msg_id (-1 if absent).
//
// Error texts are not compared: the baseline reports encoding/json's own
// messages for malformed values ("json: cannot unmarshal number 1.5 into Go
// struct field ..."), while the project's node writes its own wording; what
// a client acts on, the code and in_reply_to, is compared. The text must
// still be a non-empty string.
func canonical(t *testing.T, line string) (string, int64) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(line))
	dec.UseNumber()
	var msg map[string]any
	if err := dec.Decode(&msg); err != nil {
		t.Fatalf("line %q: %v", line, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		t.Fatalf("line %q: trailing data after the object", line)
	}
	body, ok := msg["body"].(map[string]any)
	if !ok {
		t.Fatalf("line %q: body is not an object", line)
	}
	id := int64(-1)
	if raw, ok := body["msg_id"]; ok {
		num, ok := raw.(json.Number)
		v, err := num.Int64()
		if !ok || err != nil {
			t.Fatalf("line %q: msg_id %v is not an integer", line, raw)
		}
		id = v
		body["msg_id"] = "<msg_id>"
	}
	if body["type"] == "error" {
		if text, ok := body["text"].(string); !ok || text == "" {
			t.Fatalf("line %q: error without a text", line)
		}
		delete(body, "text")
	}
	b, err := json.Marshal(msg)
	if err != nil {
		t.Fatal(err)
	}
	return string(b), id
}

// compareMessages compares got with want as multisets of parsed messages
// (see canonical), and checks that got's msg_ids are exactly 0, 1, 2, ...
// in some order.
func compareMessages(t *testing.T, got, want []string) {
	t.Helper()
	norm := func(lines []string) ([]string, []int64) {
		var out []string
		var ids []int64
		for _, l := range lines {
			c, id := canonical(t, l)
			out = append(out, c)
			ids = append(ids, id)
		}
		slices.Sort(out)
		return out, ids
	}
	g, ids := norm(got)
	w, _ := norm(want)
	if !slices.Equal(g, w) {
		missing, extra := multisetDiff(w, g), multisetDiff(g, w)
		t.Errorf("messages differ:\nmissing: %s\nextra:   %s\ngot:\n%s", strings.Join(missing, "\n         "), strings.Join(extra, "\n         "), strings.Join(got, "\n"))
	}
	slices.Sort(ids)
	for i, id := range ids {
		if id != int64(i) {
			t.Errorf("msg_ids are %v, want 0..%d each once", ids, len(ids)-1)
			break
		}
	}
}

// multisetDiff returns the elements of a (sorted) that b (sorted) lacks.
func multisetDiff(a, b []string) []string {
	var out []string
	j := 0
	for _, s := range a {
		for j < len(b) && b[j] < s {
			j++
		}
		if j < len(b) && b[j] == s {
			j++
			continue
		}
		out = append(out, s)
	}
	return out
}

func readLines(t *testing.T, path string) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestGolden runs every case of the project's node (node/testdata/cases) and,
// when present, of the exercise's shared folder (/work/shared/cases, reached
// as ../../../shared/cases) through Run with the timer off, and compares the
// baseline's stdout with expected.jsonl (the project's node's byte-exact
// output) as parsed messages: order, formatting and msg_id numbering aside,
// and error texts aside (see canonical).
func TestGolden(t *testing.T) {
	dirs, _ := filepath.Glob("../../node/testdata/cases/*")
	if len(dirs) == 0 {
		t.Fatal("no golden cases found in ../../node/testdata/cases")
	}
	shared, _ := filepath.Glob("../../../shared/cases/*")
	type tc struct{ name, dir string }
	var cases []tc
	for _, d := range dirs {
		cases = append(cases, tc{"node/" + filepath.Base(d), d})
	}
	for _, d := range shared {
		cases = append(cases, tc{"shared/" + filepath.Base(d), d})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			input, err := os.ReadFile(filepath.Join(c.dir, "input.jsonl"))
			if errors.Is(err, os.ErrNotExist) {
				t.Skip("no input.jsonl")
			}
			if err != nil {
				t.Fatal(err)
			}
			want := readLines(t, filepath.Join(c.dir, "expected.jsonl"))
			got, _ := runPaced(t, Config{Interval: 0}, input)
			compareMessages(t, got, want)
		})
	}
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		typ     string
		msgID   int64 // -1: absent
		reply   bool
		wantErr error // nil: success; errAny: any error
	}{
		{name: "read", line: `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":3}}`, typ: "read", msgID: 3},
		{name: "no msg_id", line: `{"src":"c1","dest":"n1","body":{"type":"read"}}`, typ: "read", msgID: -1},
		{name: "null msg_id", line: `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":null}}`, typ: "read", msgID: -1},
		{name: "msg_id 0", line: `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":0}}`, typ: "read", msgID: 0},
		{name: "reply", line: `{"src":"n2","dest":"n1","body":{"type":"gossip_sync_ok","in_reply_to":4,"new_count":1}}`, typ: "gossip_sync_ok", msgID: -1, reply: true},
		{name: "in_reply_to not an integer", line: `{"src":"n2","dest":"n1","body":{"type":"x","in_reply_to":"4"}}`, typ: "x", msgID: -1},
		{name: "bad field of another type", line: `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":1,"message":"x"}}`, typ: "broadcast", msgID: 1},
		{name: "not json", line: `not json`, wantErr: errAny},
		{name: "array", line: `[1,2]`, wantErr: errAny},
		{name: "trailing data", line: `{"src":"c1","dest":"n1","body":{"type":"read"}} x`, wantErr: errAny},
		{name: "no src", line: `{"dest":"n1","body":{"type":"read"}}`, wantErr: ErrNoSrc},
		{name: "src not a string", line: `{"src":1,"dest":"n1","body":{"type":"read"}}`, wantErr: errAny},
		{name: "no dest", line: `{"src":"c1","body":{"type":"read"}}`, wantErr: ErrNoDest},
		{name: "no body", line: `{"src":"c1","dest":"n1"}`, wantErr: ErrNoBody},
		{name: "null body", line: `{"src":"c1","dest":"n1","body":null}`, wantErr: ErrNoBody},
		{name: "body not an object", line: `{"src":"c1","dest":"n1","body":[1]}`, wantErr: errAny},
		{name: "no type", line: `{"src":"c1","dest":"n1","body":{"msg_id":1}}`, wantErr: ErrNoType},
		{name: "msg_id a string", line: `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":"4"}}`, wantErr: errAny},
		{name: "msg_id a fraction", line: `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":1.5}}`, wantErr: errAny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, h, err := Decode([]byte(tt.line))
			switch {
			case tt.wantErr == errAny:
				if err == nil {
					t.Fatalf("Decode = %+v %+v, want an error", m, h)
				}
				return
			case tt.wantErr != nil:
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("Decode error = %v, want %v", err, tt.wantErr)
				}
				return
			case err != nil:
				t.Fatalf("Decode: %v", err)
			}
			if h.Type != tt.typ {
				t.Errorf("type = %q, want %q", h.Type, tt.typ)
			}
			gotID := int64(-1)
			if h.MsgID != nil {
				gotID = *h.MsgID
			}
			if gotID != tt.msgID {
				t.Errorf("msg_id = %d, want %d", gotID, tt.msgID)
			}
			if h.IsReply() != tt.reply {
				t.Errorf("IsReply = %v, want %v", h.IsReply(), tt.reply)
			}
		})
	}
}

var errAny = errors.New("any error")

func TestDecodeSync(t *testing.T) {
	const head = `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":3,"messages":`
	tests := []struct {
		name    string
		line    string
		want    []int64
		wantErr bool
	}{
		{name: "values in order with duplicates", line: head + `[3,1,3,2]}}`, want: []int64{3, 1, 3, 2}},
		{name: "empty", line: head + `[]}}`, want: []int64{}},
		{name: "int64 extremes", line: head + `[9223372036854775807,-9223372036854775808,9007199254740993]}}`, want: []int64{math.MaxInt64, math.MinInt64, 1<<53 + 1}},
		{name: "fraction", line: head + `[4,5,1.5]}}`, wantErr: true},
		{name: "exponent", line: head + `[1e3]}}`, wantErr: true},
		{name: "string", line: head + `[4,"5"]}}`, wantErr: true},
		{name: "overflow", line: head + `[4,9223372036854775808]}}`, wantErr: true},
		{name: "underflow", line: head + `[-9223372036854775809]}}`, wantErr: true},
		{name: "null element", line: head + `[4,null]}}`, wantErr: true},
		{name: "nested array", line: head + `[[4]]}}`, wantErr: true},
		{name: "not an array", line: head + `5}}`, wantErr: true},
		{name: "null", line: head + `null}}`, wantErr: true},
		{name: "missing", line: `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":3}}`, wantErr: true},
		{name: "other type", line: `{"src":"n2","dest":"n1","body":{"type":"read","msg_id":3}}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeSync([]byte(tt.line))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("DecodeSync = %v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("DecodeSync = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMergeInto(t *testing.T) {
	tests := []struct {
		name      string
		have, add []int64
		added     int
		size      int
	}{
		{name: "into empty", add: []int64{1, 2, 3}, added: 3, size: 3},
		{name: "duplicates count once", add: []int64{3, 1, 3, 2, 2}, added: 3, size: 3},
		{name: "already present", have: []int64{1, 2}, add: []int64{2, 1}, added: 0, size: 2},
		{name: "partly new", have: []int64{10}, add: []int64{10, 20, 30}, added: 2, size: 3},
		{name: "nothing", have: []int64{5}, added: 0, size: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set := map[int64]struct{}{}
			MergeInto(set, tt.have)
			if got := MergeInto(set, tt.add); got != tt.added {
				t.Errorf("MergeInto = %d, want %d", got, tt.added)
			}
			if len(set) != tt.size {
				t.Errorf("set has %d values, want %d", len(set), tt.size)
			}
		})
	}
}

func TestEncodeReadOK(t *testing.T) {
	tests := []struct {
		name string
		vals []int64
		want string
	}{
		{name: "empty set", vals: SortedValues(map[int64]struct{}{}), want: `{"src":"n1","dest":"c1","body":{"type":"read_ok","messages":[],"in_reply_to":7,"msg_id":0}}`},
		{name: "sorted", vals: SortedValues(map[int64]struct{}{30: {}, 10: {}, 20: {}}), want: `{"src":"n1","dest":"c1","body":{"type":"read_ok","messages":[10,20,30],"in_reply_to":7,"msg_id":0}}`},
		{
			name: "int64 extremes",
			vals: SortedValues(map[int64]struct{}{math.MaxInt64: {}, math.MinInt64: {}, 1<<53 + 1: {}}),
			want: `{"src":"n1","dest":"c1","body":{"type":"read_ok","messages":[-9223372036854775808,9007199254740993,9223372036854775807],"in_reply_to":7,"msg_id":0}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := EncodeReadOK("n1", "c1", 7, 0, tt.vals)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("EncodeReadOK =\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestEncodeSync_RoundTrip(t *testing.T) {
	vals := []int64{math.MinInt64, -1, 0, 1 << 53, 1<<53 + 1, math.MaxInt64}
	line, err := EncodeSync("n1", "n2", 5, vals)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeSync(line)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, vals) {
		t.Errorf("round trip = %v, want %v", got, vals)
	}
}

// handleAll feeds lines to HandleLine in order and returns every output.
func handleAll(n *Node, lines ...string) []string {
	var out []string
	for _, l := range lines {
		for _, b := range n.HandleLine([]byte(l)) {
			out = append(out, string(b))
		}
	}
	return out
}

const initLine = `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2","n3"]}}`

func TestNode_HandleLine(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []string // compared as in TestGolden
	}{
		{
			name:  "null element rejects the whole sync",
			lines: []string{initLine, `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":2,"messages":[4,null]}}`, `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":3}}`},
			want: []string{
				`{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":1,"msg_id":0}}`,
				`{"src":"n1","dest":"n2","body":{"type":"error","code":12,"text":"x","in_reply_to":2,"msg_id":1}}`,
				`{"src":"n1","dest":"c1","body":{"type":"read_ok","messages":[],"in_reply_to":3,"msg_id":2}}`,
			},
		},
		{
			name:  "error from a peer is not answered",
			lines: []string{initLine, `{"src":"n2","dest":"n1","body":{"type":"error","code":11,"text":"x","in_reply_to":4,"msg_id":9}}`},
			want:  []string{`{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":1,"msg_id":0}}`},
		},
		{
			name:  "topology without topology is malformed",
			lines: []string{initLine, `{"src":"c1","dest":"n1","body":{"type":"topology","msg_id":2}}`},
			want: []string{
				`{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":1,"msg_id":0}}`,
				`{"src":"n1","dest":"c1","body":{"type":"error","code":12,"text":"x","in_reply_to":2,"msg_id":1}}`,
			},
		},
		{
			name: "gossip_sync from a client is merged and answered",
			lines: []string{
				initLine,
				`{"src":"c9","dest":"n1","body":{"type":"gossip_sync","msg_id":2,"messages":[2,1]}}`,
				`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":3}}`,
			},
			want: []string{
				`{"src":"n1","dest":"c0","body":{"type":"init_ok","in_reply_to":1,"msg_id":0}}`,
				`{"src":"n1","dest":"c9","body":{"type":"gossip_sync_ok","new_count":2,"in_reply_to":2,"msg_id":1}}`,
				`{"src":"n1","dest":"c1","body":{"type":"read_ok","messages":[1,2],"in_reply_to":3,"msg_id":2}}`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := New(Config{Stderr: io.Discard})
			compareMessages(t, handleAll(n, tt.lines...), tt.want)
		})
	}
}

func TestNode_RoundPicksKDistinctPeers(t *testing.T) {
	ids := []string{`"n1"`}
	for i := 2; i <= 10; i++ {
		ids = append(ids, strconv.Quote(fmt.Sprintf("n%d", i)))
	}
	init := `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":[` + strings.Join(ids, ",") + `]}}`
	for _, k := range []int{1, 2, 3, 9, 20} {
		t.Run(fmt.Sprintf("K=%d", k), func(t *testing.T) {
			n := New(Config{Fanout: k, Stderr: io.Discard})
			handleAll(n, init, `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":7}}`)
			for range 20 {
				seen := map[string]bool{}
				for _, l := range handleAll(n, `{"src":"c1","dest":"n1","body":{"type":"gossip_round","msg_id":3}}`) {
					var m struct {
						Dest string
						Body struct {
							Type           string
							Messages       []int64
							PeersContacted int `json:"peers_contacted"`
							MessagesSent   int `json:"messages_sent"`
						}
					}
					if err := json.Unmarshal([]byte(l), &m); err != nil {
						t.Fatal(err)
					}
					switch m.Body.Type {
					case "gossip_sync":
						if m.Dest == "n1" || !strings.HasPrefix(m.Dest, "n") || seen[m.Dest] {
							t.Fatalf("sync to %q (seen %v)", m.Dest, seen)
						}
						seen[m.Dest] = true
						if !slices.Equal(m.Body.Messages, []int64{7}) {
							t.Fatalf("sync carries %v, want [7]", m.Body.Messages)
						}
					case "gossip_round_ok":
						want := min(k, 9)
						if m.Body.PeersContacted != want || m.Body.MessagesSent != want {
							t.Fatalf("round_ok %+v, want %d peers and messages", m.Body, want)
						}
					default:
						t.Fatalf("unexpected %s", l)
					}
				}
				if len(seen) != min(k, 9) {
					t.Fatalf("%d peers contacted, want %d", len(seen), min(k, 9))
				}
			}
		})
	}
}

// TestRun_Sync100k sends one gossip_sync of 100,000 values (90,000 distinct,
// most of them above 2^53 where a float64 would round them, in random order)
// through Run: a line far over bufio.Scanner's default 64 KiB limit.
func TestRun_Sync100k(t *testing.T) {
	const total, distinct = 100_000, 90_000
	rng := rand.New(rand.NewPCG(1, 2))
	vals := make([]int64, 0, total)
	for i := range distinct {
		vals = append(vals, 1<<60+int64(i)*3-int64(distinct/2)*(1<<40))
	}
	for len(vals) < total {
		vals = append(vals, vals[rng.IntN(distinct)])
	}
	rng.Shuffle(len(vals), func(i, j int) { vals[i], vals[j] = vals[j], vals[i] })
	want := slices.Clone(vals)
	slices.Sort(want)
	want = slices.Compact(want)

	syncLine, err := EncodeSync("n2", "n1", 3, vals)
	if err != nil {
		t.Fatal(err)
	}
	if len(syncLine) < 1<<20 {
		t.Fatalf("sync line is only %d bytes", len(syncLine))
	}
	if got, err := DecodeSync(syncLine); err != nil || !slices.Equal(got, vals) {
		t.Fatalf("DecodeSync: %v (equal: %v)", err, slices.Equal(got, vals))
	}

	var in bytes.Buffer
	in.WriteString(initLine + "\n")
	fmt.Fprintf(&in, `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":%d}}`+"\n", vals[0])
	in.Write(syncLine)
	in.WriteString("\n")
	in.WriteString(`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":4}}` + "\n")
	in.WriteString(`{"src":"c1","dest":"n1","body":{"type":"gossip_round","msg_id":5}}` + "\n")

	out, _ := runPaced(t, Config{}, in.Bytes())
	type body struct {
		Type           string  `json:"type"`
		NewCount       int     `json:"new_count"`
		Messages       []int64 `json:"messages"`
		PeersContacted int     `json:"peers_contacted"`
		MessagesSent   int     `json:"messages_sent"`
	}
	byType := map[string][]body{}
	for _, l := range out {
		var m struct{ Body body }
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatal(err)
		}
		byType[m.Body.Type] = append(byType[m.Body.Type], m.Body)
	}
	if got := byType["gossip_sync_ok"]; len(got) != 1 || got[0].NewCount != distinct-1 {
		t.Errorf("gossip_sync_ok = %+v, want one with new_count %d", got, distinct-1)
	}
	if got := byType["read_ok"]; len(got) != 1 || !slices.Equal(got[0].Messages, want) {
		t.Errorf("read_ok does not hold the %d distinct values in order", distinct)
	}
	if got := byType["gossip_sync"]; len(got) != 2 || !slices.Equal(got[0].Messages, want) || !slices.Equal(got[1].Messages, want) {
		t.Errorf("want 2 gossip_syncs of the %d values, got %d", distinct, len(got))
	}
	if got := byType["gossip_round_ok"]; len(got) != 1 || got[0].PeersContacted != 2 || got[0].MessagesSent != 2*distinct {
		t.Errorf("gossip_round_ok = %+v, want 2 peers and %d messages", got, 2*distinct)
	}
}

// TestRun_Concurrent writes a burst of requests without pacing, so that the
// handler goroutines really run at once (this is the test for -race), and
// checks that nothing is lost: every request is answered once, msg_ids are
// unique, and the set ends up holding every value.
func TestRun_Concurrent(t *testing.T) {
	const broadcasts, syncs = 2000, 200
	pr, pw := io.Pipe()
	out := newLineWriter()
	n := New(Config{Interval: 5 * time.Millisecond, Stdin: pr, Stdout: out, Stderr: io.Discard})
	initDone := make(chan struct{}, 1)
	var once sync.Once
	n.lineDone = func() { once.Do(func() { initDone <- struct{}{} }) }
	runErr := make(chan error, 1)
	go func() { runErr <- n.Run() }()

	// init first: before init_ok every request would be refused with 11.
	if _, err := pw.Write([]byte(initLine + "\n")); err != nil {
		t.Fatal(err)
	}
	<-initDone

	var in bytes.Buffer
	want := map[int64]bool{}
	requests := 0
	for i := range broadcasts {
		fmt.Fprintf(&in, `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":%d,"message":%d}}`+"\n", 10+i, i)
		want[int64(i)] = true
		requests++
		if i%10 == 0 {
			fmt.Fprintf(&in, `{"src":"c2","dest":"n1","body":{"type":"read","msg_id":%d}}`+"\n", 10+i)
			fmt.Fprintf(&in, `{"src":"c3","dest":"n1","body":{"type":"gossip_round"}}`+"\n")
			requests++
		}
	}
	for i := range syncs {
		fmt.Fprintf(&in, `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":%d,"messages":[%d,%d,%d]}}`+"\n", i, -i, -i-1, i)
		want[int64(-i)], want[int64(-i-1)] = true, true
		requests++
	}
	if _, err := pw.Write(in.Bytes()); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	if err := <-runErr; err != nil {
		t.Fatal(err)
	}

	lines, _ := out.snapshot()
	ids := map[int64]bool{}
	replies := 0
	for _, l := range lines {
		var m struct {
			Body struct {
				Type      string `json:"type"`
				MsgID     int64  `json:"msg_id"`
				InReplyTo *int64 `json:"in_reply_to"`
			}
		}
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		if ids[m.Body.MsgID] {
			t.Fatalf("msg_id %d sent twice", m.Body.MsgID)
		}
		ids[m.Body.MsgID] = true
		if m.Body.Type == "error" {
			t.Fatalf("unexpected error: %s", l)
		}
		if m.Body.InReplyTo != nil {
			replies++
		}
	}
	if replies != requests+1 { // +1: init_ok
		t.Errorf("%d replies, want %d", replies, requests+1)
	}
	for id := range int64(len(ids)) {
		if !ids[id] {
			t.Fatalf("msg_ids are not 0..%d: %d missing", len(ids)-1, id)
		}
	}
	got := n.Values()
	if len(got) != len(want) {
		t.Fatalf("set holds %d values, want %d", len(got), len(want))
	}
	for _, v := range got {
		if !want[v] {
			t.Fatalf("set holds %d, never sent", v)
		}
	}
}

// TestRun_TimerRounds keeps stdin open and waits for the timer to send the
// set to random peers on its own.
func TestRun_TimerRounds(t *testing.T) {
	pr, pw := io.Pipe()
	out := newLineWriter()
	n := New(Config{Fanout: 1, Interval: 5 * time.Millisecond, Stdin: pr, Stdout: out, Stderr: io.Discard})
	runErr := make(chan error, 1)
	go func() { runErr <- n.Run() }()
	// One line at a time: handled in goroutines of their own, a broadcast
	// written together with init could be handled first and refused.
	if _, err := io.WriteString(pw, initLine+"\n"); err != nil {
		t.Fatal(err)
	}
	for lines, _ := out.snapshot(); len(lines) == 0; lines, _ = out.snapshot() {
		<-out.added
	}
	if _, err := io.WriteString(pw, `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":42}}`+"\n"); err != nil {
		t.Fatal(err)
	}

	deadline := time.After(waitLimit)
	syncs := 0
	for syncs < 3 {
		select {
		case <-out.added:
		case <-deadline:
			t.Fatalf("only %d timer syncs within %v", syncs, waitLimit)
		}
		lines, _ := out.snapshot()
		syncs = 0
		for _, l := range lines {
			if !strings.Contains(l, `"type":"gossip_sync"`) {
				continue
			}
			syncs++
			var m struct {
				Dest string
				Body struct{ Messages []int64 }
			}
			if err := json.Unmarshal([]byte(l), &m); err != nil {
				t.Fatal(err)
			}
			if (m.Dest != "n2" && m.Dest != "n3") || !slices.Equal(m.Body.Messages, []int64{42}) {
				t.Fatalf("unexpected timer sync %s", l)
			}
		}
	}
	pw.Close()
	if err := <-runErr; err != nil {
		t.Fatal(err)
	}
}

// TestRun_NothingBeforeInitOrValues checks that the timer sends nothing while
// the node is not initialized or has no values.
func TestRun_NothingBeforeInitOrValues(t *testing.T) {
	n := New(Config{Stderr: io.Discard})
	if out := n.Round(); out != nil {
		t.Fatalf("Round before init = %q", out)
	}
	handleAll(n, initLine)
	if out := n.Round(); out != nil {
		t.Fatalf("Round with no values = %q", out)
	}
}
