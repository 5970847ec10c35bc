package node

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// hostileOutcome is what a hostile line must cause.
type hostileOutcome int

const (
	// wantError: one Maelstrom error reply with this code and text; the
	// state is unchanged but for the reply's msg_id.
	wantError hostileOutcome = iota
	// wantStderr: nothing on stdout, exactly one line on stderr, state
	// unchanged.
	wantStderr
	// wantSilence: nothing on stdout or stderr, state unchanged.
	wantSilence
	// wantAccepted: the line is a valid request and is applied (the case
	// says what the set must become).
	wantAccepted
)

// TestNode_HostileInput feeds one bad line to a node that holds {1} and then
// a read, and checks the outcome of the bad line (an error reply with the
// right code and text, or one stderr line, or silence), that a rejected line
// leaves the set, the msg_id sequence and the peers as they were, and that
// the next good line is answered.
func TestNode_HostileInput(t *testing.T) {
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	req := func(body string) string { return `{"src":"c1","dest":"n1","body":` + body + `}` }
	peer := func(body string) string { return `{"src":"n2","dest":"n1","body":` + body + `}` }
	tests := []struct {
		name    string
		line    string
		outcome hostileOutcome
		code    int    // wantError
		text    string // wantError: part of the error text; wantStderr: part of the stderr line
		set     []int64
	}{
		// Not JSON, or not one object.
		{"truncated line", req(`{"type":"broadcast","msg_id":9,"message":5`), wantStderr, 0, "not a JSON object", nil},
		{"truncated inside a string", `{"src":"c1","dest":"n1","body":{"type":"broad`, wantStderr, 0, "not a JSON object", nil},
		{"not JSON", `hello`, wantStderr, 0, "not a JSON object", nil},
		{"an array", `[1, 2, 3]`, wantStderr, 0, "not a JSON object", nil},
		{"a string", `"broadcast"`, wantStderr, 0, "not a JSON object", nil},
		{"a number", `42`, wantStderr, 0, "not a JSON object", nil},
		{"null", `null`, wantStderr, 0, "missing src", nil},
		{"leading garbage", `x` + req(`{"type":"read","msg_id":9}`), wantStderr, 0, "not a JSON object", nil},
		{"trailing garbage", req(`{"type":"read","msg_id":9}`) + ` x`, wantStderr, 0, "not a JSON object", nil},
		{"two objects", req(`{"type":"read","msg_id":9}`) + req(`{"type":"read","msg_id":10}`), wantStderr, 0, "not a JSON object", nil},
		{"nested 100,000 deep", req(`{"type":"broadcast","msg_id":9,"message":` + deep + `}`), wantStderr, 0, "not a JSON object", nil},
		{"NUL inside a string", "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"broad\x00cast\",\"msg_id\":9}}", wantStderr, 0, "not a JSON object", nil},
		{"NUL after the object", req(`{"type":"read","msg_id":9}`) + "\x00", wantStderr, 0, "not a JSON object", nil},
		{"raw newline escape in a key", "{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"ty\tpe\":\"read\",\"msg_id\":9}}", wantStderr, 0, "not a JSON object", nil},
		// Envelope fields of the wrong type, or missing.
		{"src a number", `{"src":1,"dest":"n1","body":{"type":"read","msg_id":9}}`, wantStderr, 0, "wrong JSON type", nil},
		{"dest an array", `{"src":"c1","dest":["n1"],"body":{"type":"read","msg_id":9}}`, wantStderr, 0, "wrong JSON type", nil},
		{"body a string", `{"src":"c1","dest":"n1","body":"read"}`, wantStderr, 0, "wrong JSON type", nil},
		{"type a number", req(`{"type":7,"msg_id":9}`), wantStderr, 0, "wrong JSON type", nil},
		{"msg_id a string", req(`{"type":"broadcast","msg_id":"9","message":5}`), wantStderr, 0, "msg_id", nil},
		{"msg_id a float", req(`{"type":"broadcast","msg_id":9.5,"message":5}`), wantStderr, 0, "msg_id", nil},
		{"msg_id beyond int64", req(`{"type":"broadcast","msg_id":9223372036854775808,"message":5}`), wantStderr, 0, "msg_id", nil},
		{"no src", `{"dest":"n1","body":{"type":"read","msg_id":9}}`, wantStderr, 0, "missing src", nil},
		{"no dest", `{"src":"c1","body":{"type":"read","msg_id":9}}`, wantStderr, 0, "missing dest", nil},
		{"no body", `{"src":"c1","dest":"n1"}`, wantStderr, 0, "missing body", nil},
		{"empty body", req(`{}`), wantStderr, 0, "missing body.type", nil},
		{"dest another node", `{"src":"c1","dest":"n7","body":{"type":"broadcast","msg_id":9,"message":5}}`, wantStderr, 0, `addressed to "n7"`, nil},
		{"unknown type without msg_id", req(`{"type":"cas"}`), wantStderr, 0, "unsupported message type", nil},
		// broadcast with a bad message.
		{"broadcast without message", req(`{"type":"broadcast","msg_id":9}`), wantError, 12, "message is missing", nil},
		{"broadcast of a float", req(`{"type":"broadcast","msg_id":9,"message":1.5}`), wantError, 12, "1.5 is not an integer", nil},
		{"broadcast of an exponent", req(`{"type":"broadcast","msg_id":9,"message":1e3}`), wantError, 12, "1e3 is not an integer", nil},
		{"broadcast of a digit string", req(`{"type":"broadcast","msg_id":9,"message":"10"}`), wantError, 12, "is not an integer", nil},
		{"broadcast beyond int64", req(`{"type":"broadcast","msg_id":9,"message":9223372036854775808}`), wantError, 12, "int64 range", nil},
		{"broadcast below int64", req(`{"type":"broadcast","msg_id":9,"message":-9223372036854775809}`), wantError, 12, "int64 range", nil},
		{"broadcast of null", req(`{"type":"broadcast","msg_id":9,"message":null}`), wantError, 12, "null is not an integer", nil},
		{"broadcast of a bool", req(`{"type":"broadcast","msg_id":9,"message":true}`), wantError, 12, "true is not an integer", nil},
		{"broadcast of an object", req(`{"type":"broadcast","msg_id":9,"message":{"v":5}}`), wantError, 12, "is not an integer", nil},
		{"broadcast of an array", req(`{"type":"broadcast","msg_id":9,"message":[5]}`), wantError, 12, "is not an integer", nil},
		// gossip_sync and gossip_push with bad values: rejected whole.
		{"sync without messages", peer(`{"type":"gossip_sync","msg_id":9}`), wantError, 12, "messages is missing", nil},
		{"sync of an object", peer(`{"type":"gossip_sync","msg_id":9,"messages":{"a":1}}`), wantError, 12, "not an array of integers", nil},
		{"sync with a float", peer(`{"type":"gossip_sync","msg_id":9,"messages":[2,3,4.5]}`), wantError, 12, "4.5", nil},
		{"sync with a string", peer(`{"type":"gossip_sync","msg_id":9,"messages":[2,"3"]}`), wantError, 12, "messages", nil},
		{"sync beyond int64", peer(`{"type":"gossip_sync","msg_id":9,"messages":[2,9223372036854775808]}`), wantError, 12, "messages", nil},
		{"sync with a nested array", peer(`{"type":"gossip_sync","msg_id":9,"messages":[2,[3]]}`), wantError, 12, "messages", nil},
		{"sync with null", peer(`{"type":"gossip_sync","msg_id":9,"messages":[2,null]}`), wantError, 12, "messages", nil},
		{"push with a string ack", peer(`{"type":"gossip_push","msg_id":9,"messages":[2],"ack":"4"}`), wantError, 12, "ack", nil},
		{"push with a float inc", peer(`{"type":"gossip_push","msg_id":9,"messages":[2],"inc":1.5}`), wantError, 12, "inc", nil},
		{"push with a string ack_inc", peer(`{"type":"gossip_push","msg_id":9,"messages":[2],"ack":1,"ack_inc":"x"}`), wantError, 12, "ack_inc", nil},
		{"push with an object prev", peer(`{"type":"gossip_push","msg_id":9,"messages":[2],"prev":{}}`), wantError, 12, "prev", nil},
		{"push of a number", peer(`{"type":"gossip_push","msg_id":9,"messages":2}`), wantError, 12, "messages", nil},
		{"push with a float", peer(`{"type":"gossip_push","msg_id":9,"messages":[2,2.5]}`), wantError, 12, "2.5", nil},
		// Other requests.
		{"topology a string", req(`{"type":"topology","msg_id":9,"topology":"n2"}`), wantError, 12, "topology must be an object", nil},
		{"topology of numbers", req(`{"type":"topology","msg_id":9,"topology":{"n1":[2]}}`), wantError, 12, "topology must be an object", nil},
		{"second init", `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":9,"node_id":"n1","node_ids":["n1"]}}`, wantError, 22, "already initialized", nil},
		{"second init for another id", `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":9,"node_id":"n5","node_ids":["n5","n6"]}}`, wantError, 22, "already initialized", nil},
		{"unknown type", req(`{"type":"cas","msg_id":9}`), wantError, 10, `unsupported message type "cas"`, nil},
		{"invalid UTF-8 in the type", req("{\"type\":\"bro\xffadcast\",\"msg_id\":9}"), wantError, 10, `"bro\ufffdadcast"`, nil},
		{"an error from a peer", peer(`{"type":"error","code":11,"text":"x","in_reply_to":3,"msg_id":9}`), wantSilence, 0, "", nil},
		{"a stray reply", peer(`{"type":"read_ok","messages":[5],"in_reply_to":3,"msg_id":9}`), wantSilence, 0, "", nil},
		{"gossip_sync_ok for nothing sent", peer(`{"type":"gossip_sync_ok","new_count":1,"in_reply_to":12345,"msg_id":9}`), wantSilence, 0, "", nil},
		{"a blank line", "  \t ", wantSilence, 0, "", nil},
		// Valid, if odd: applied.
		{"duplicate keys: the last wins", req(`{"type":"broadcast","msg_id":9,"message":5,"message":6}`), wantAccepted, 0, "", []int64{1, 6}},
		{"unknown fields", req(`{"type":"broadcast","msg_id":9,"message":5,"extra":{"deep":[1,2,{}]}}`) + "", wantAccepted, 0, "", []int64{1, 5}},
		{"CRLF ending", req(`{"type":"broadcast","msg_id":9,"message":5}`) + "\r", wantAccepted, 0, "", []int64{1, 5}},
		{"sync from a node not in node_ids", `{"src":"n99","dest":"n1","body":{"type":"gossip_sync","msg_id":9,"messages":[7]}}`, wantAccepted, 0, "", []int64{1, 7}},
		{"push from a node not in node_ids", `{"src":"n99","dest":"n1","body":{"type":"gossip_push","msg_id":9,"messages":[7],"ack":3}}`, wantAccepted, 0, "", []int64{1, 7}},
		{"int64 extremes", peer(`{"type":"gossip_sync","msg_id":9,"messages":[-9223372036854775808,9223372036854775807]}`), wantAccepted, 0, "", []int64{-9223372036854775808, 1, 9223372036854775807}},
	}
	if len(tests) < 40 {
		t.Fatalf("only %d kinds of hostile input", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stderr bytes.Buffer
			cfg := quiet()
			cfg.Stderr = &stderr
			n, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			n.Handle([]byte(strings.TrimSpace(init3)), nil)
			n.Handle([]byte(req(`{"type":"broadcast","msg_id":2,"message":1}`)), nil)
			id, peers, logLen := n.nextMsgID, n.peers.Len(), n.plan.Len()
			stderr.Reset()

			out := n.Handle([]byte(tt.line), nil)
			lines := strings.Count(stderr.String(), "\n")
			switch tt.outcome {
			case wantError:
				var m struct{ Body map[string]any }
				if err := json.Unmarshal(out, &m); err != nil || bytes.Count(out, []byte("\n")) != 1 {
					t.Fatalf("want one error reply, got %q (%v)", out, err)
				}
				text, _ := m.Body["text"].(string)
				if m.Body["type"] != "error" || m.Body["code"] != float64(tt.code) || m.Body["in_reply_to"] != float64(9) || !strings.Contains(text, tt.text) {
					t.Fatalf("got %s, want error %d in reply to 9 with text containing %q", out, tt.code, tt.text)
				}
				if n.nextMsgID != id+1 {
					t.Fatalf("msg_id went from %d to %d", id, n.nextMsgID)
				}
			case wantStderr:
				if len(out) != 0 || lines != 1 || !strings.Contains(stderr.String(), tt.text) {
					t.Fatalf("stdout %q, stderr %q: want nothing on stdout and one stderr line containing %q", out, stderr.String(), tt.text)
				}
			case wantSilence:
				if len(out) != 0 || lines != 0 {
					t.Fatalf("stdout %q, stderr %q: want nothing", out, stderr.String())
				}
			case wantAccepted:
				if lines != 0 || bytes.Contains(out, []byte(`"error"`)) {
					t.Fatalf("stdout %q, stderr %q: want the request applied", out, stderr.String())
				}
			}
			if n.ID() != "n1" || n.peers.Len() != peers {
				t.Fatalf("identity or peers changed: %q, %d peers", n.ID(), n.peers.Len())
			}
			want := tt.set
			if tt.outcome != wantAccepted {
				want = []int64{1}
				if n.nextMsgID > id+1 || (tt.outcome != wantError && n.nextMsgID != id) || n.plan.Len() != logLen {
					t.Fatalf("state changed: msg_id %d -> %d, log %d -> %d", id, n.nextMsgID, logLen, n.plan.Len())
				}
			}
			// The next good line is answered, with the set as it must be.
			next := n.nextMsgID
			out = n.Handle([]byte(req(`{"type":"read","msg_id":777}`)), nil)
			wantRead := fmt.Sprintf(`{"src": "n1", "dest": "c1", "body": {"type": "read_ok", "messages": [%s], "in_reply_to": 777, "msg_id": %d}}`+"\n",
				strings.Trim(strings.Join(strings.Fields(fmt.Sprint(want)), ", "), "[]"), next)
			if string(out) != wantRead {
				t.Fatalf("read after the hostile line: %q, want %q", out, wantRead)
			}
		})
	}
}

// TestNode_HostileBeforeInit covers the lines that only a node without an
// identity can get wrong.
func TestNode_HostileBeforeInit(t *testing.T) {
	tests := []struct{ name, line, text string }{
		{"node_ids without the node", `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":9,"node_id":"n1","node_ids":["n2","n3"]}}`, "must contain node_id"},
		{"node_ids with a duplicate", `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":9,"node_id":"n1","node_ids":["n1","n2","n2"]}}`, "must not list a node twice"},
		{"node_id empty", `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":9,"node_id":"","node_ids":["n1"]}}`, "node_id must be a non-empty string"},
		{"node_ids a string", `{"src":"c0","dest":"n1","body":{"type":"init","msg_id":9,"node_id":"n1","node_ids":"n1"}}`, "node_ids must be an array of strings"},
		{"a request before init", `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":9,"message":5}}`, "not initialized"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := New(quiet())
			if err != nil {
				t.Fatal(err)
			}
			out := n.Handle([]byte(tt.line), nil)
			if !bytes.Contains(out, []byte(`"type": "error"`)) || !bytes.Contains(out, []byte(tt.text)) || n.ID() != "" || n.set.Len() != 0 {
				t.Fatalf("got %q, id %q, %d values: want an error naming %q and no state", out, n.ID(), n.set.Len(), tt.text)
			}
			out = n.Handle([]byte(strings.TrimSpace(init3)), nil)
			if !bytes.Contains(out, []byte(`"init_ok"`)) {
				t.Fatalf("a good init after the bad line: %q", out)
			}
		})
	}
}

// endlessLine is a reader of one line of size bytes (digits) and then a read
// request; it never holds the line.
type endlessLine struct {
	left int64
	tail []byte
}

func (r *endlessLine) Read(p []byte) (int, error) {
	if r.left > 0 {
		k := min(int64(len(p)), r.left)
		for i := range p[:k] {
			p[i] = '7'
		}
		r.left -= k
		return int(k), nil
	}
	if len(r.tail) == 0 {
		return 0, io.EOF
	}
	k := copy(p, r.tail)
	r.tail = r.tail[k:]
	return k, nil
}

// TestRun_GiBLineIsSkippedInBoundedMemory streams a 1 GiB line through a node
// whose limit is 1 MiB: it is skipped with one stderr line, the node's heap
// never holds it, and the next request is answered.
func TestRun_GiBLineIsSkippedInBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 1 GiB")
	}
	var stdout, stderr bytes.Buffer
	cfg := quiet()
	cfg.MaxLineBytes = 1 << 20
	in := &endlessLine{left: 1 << 30, tail: []byte("\n" + strings.TrimSpace(init3) + "\n" +
		`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":2}}` + "\n")}
	cfg.Stdin, cfg.Stdout, cfg.Stderr = in, &stdout, &stderr
	if _, got := runAllocating(t, cfg); got > 64<<20 {
		t.Errorf("allocated %d MiB to skip a 1 GiB line", got>>20)
	}
	if strings.Count(stderr.String(), "over the 1048576-byte limit") != 1 {
		t.Errorf("stderr %q, want one line for the skipped line", stderr.String())
	}
	_, bodies := parse(t, stdout.String())
	if len(bodies) != 2 || bodies[1]["type"] != "read_ok" {
		t.Fatalf("stdout %q, want init_ok and read_ok", stdout.String())
	}
	if !slices.Equal(strings.Fields(stderr.String())[:2], []string{"[WARN]", "node:"}) {
		t.Errorf("stderr %q", stderr.String())
	}
}

// seqLine is a reader of a head, the values 0, 1, 2, ... as a JSON array
// body of about size bytes, a tail, then more input; it never holds the
// line. With bad set, the array's last element is "x".
type seqLine struct {
	head, tail, more []byte
	size             int64
	bad              bool
	next             int64 // the next value
	sent             int64 // bytes of the array sent
	buf              []byte
	stage            int // 0 head, 1 values, 2 tail and more
}

func (r *seqLine) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		switch r.stage {
		case 0:
			r.buf, r.stage = append(r.buf, r.head...), 1
		case 1:
			for len(r.buf) < 64<<10 && r.sent < r.size {
				if r.next > 0 {
					r.buf = append(r.buf, ", "...)
				}
				r.buf = strconv.AppendInt(r.buf, r.next, 10)
				r.next++
				if r.sent+int64(len(r.buf)) >= r.size {
					break
				}
			}
			r.sent += int64(len(r.buf))
			if r.sent >= r.size {
				if r.bad {
					r.buf = append(r.buf, `, "x"`...)
				}
				r.stage = 2
			}
		case 2:
			r.buf, r.stage = append(append(r.buf, r.tail...), r.more...), 3
		default:
			return 0, io.EOF
		}
	}
	k := copy(p, r.buf)
	r.buf = r.buf[:copy(r.buf, r.buf[k:])]
	return k, nil
}

// TestRun_GiBSyncStreams sends a gossip_sync whose array of consecutive
// values is 1 GiB long (about 115 million values): it is merged as it
// arrives, in bounded memory, with the right new_count; and the same line
// with one bad element at its very end is refused whole, the set unchanged.
func TestRun_GiBSyncStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 1 GiB twice")
	}
	for _, bad := range []bool{false, true} {
		var stdout, stderr bytes.Buffer
		cfg := quiet()
		in := &seqLine{head: []byte(strings.TrimSpace(init3) + "\n" + `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":2,"messages":[`),
			tail: []byte("]}}\n"), more: []byte(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":3,"message":-1}}` + "\n"),
			size: 1 << 30, bad: bad}
		cfg.Stdin, cfg.Stdout, cfg.Stderr = in, &stdout, &stderr
		n, got := runAllocating(t, cfg)
		if got > 64<<20 {
			t.Errorf("bad=%v: allocated %d MiB to read a 1 GiB sync", bad, got>>20)
		}
		_, bodies := parse(t, stdout.String())
		if len(bodies) != 3 {
			t.Fatalf("bad=%v: stdout %.300q", bad, stdout.String())
		}
		if !bad {
			if fmt.Sprint(bodies[1]["new_count"]) != fmt.Sprint(in.next) || n.set.Len() != int(in.next)+1 {
				t.Fatalf("new_count %v, set %d, want %d values merged", bodies[1]["new_count"], n.set.Len(), in.next)
			}
			continue
		}
		want := fmt.Sprintf(`element %d ("x") is not an integer`, in.next)
		if bodies[1]["type"] != "error" || !strings.Contains(fmt.Sprint(bodies[1]["text"]), want) || n.set.Len() != 1 {
			t.Fatalf("a bad last element: %v, %d values in the set; want an error naming %s and only the broadcast's value", bodies[1], n.set.Len(), want)
		}
	}
}

// runAllocating runs a node of cfg to the end of its input and returns it
// and the bytes allocated (by every goroutine) while it ran.
func runAllocating(t *testing.T, cfg Config) (*Node, uint64) {
	t.Helper()
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if err := n.Run(); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	return n, after.TotalAlloc - before.TotalAlloc
}
