package pipebench

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// spaced is the node's way of writing 0..n-1: "[0, 1, 2]".
func spaced(n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprint(i)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// line is a reply in the node's format: `{"src": "n1", "dest": ..., "body": {...}}`.
func line(dest, body string) string {
	return fmt.Sprintf(`{"src": "n1", "dest": %q, "body": {%s}}`+"\n", dest, body)
}

// readsOut is a correct reply stream to ReadsStream(n, reads), in the
// node's order.
func readsOut(n, reads int) []string {
	out := []string{
		line("c0", `"type": "init_ok", "in_reply_to": 1, "msg_id": 0`),
		line("n2", fmt.Sprintf(`"type": "gossip_sync_ok", "new_count": %d, "in_reply_to": 2, "msg_id": 1`, n)),
	}
	for i := range reads {
		out = append(out, line("c1", fmt.Sprintf(`"type": "read_ok", "messages": %s, "in_reply_to": %d, "msg_id": %d`, spaced(n), 3+i, 2+i)))
	}
	id := 2 + reads
	out = append(out,
		line("n2", fmt.Sprintf(`"type": "gossip_sync", "messages": %s, "msg_id": %d`, spaced(n), id)),
		line("n3", fmt.Sprintf(`"type": "gossip_sync", "messages": %s, "msg_id": %d`, spaced(n), id+1)),
		line("c1", fmt.Sprintf(`"type": "gossip_round_ok", "peers_contacted": 2, "messages_sent": %d, "in_reply_to": %d, "msg_id": %d`, 2*n, reads+3, id+2)))
	return out
}

func TestParseReply(t *testing.T) {
	tests := []struct {
		name     string
		line     string
		typ      string
		inReply  int64 // 0: none
		messages string
		wantErr  bool
	}{
		{name: "node read_ok", line: line("c1", `"type": "read_ok", "messages": [0, 1, 2], "in_reply_to": 3, "msg_id": 2`), typ: "read_ok", inReply: 3, messages: "[0, 1, 2]"},
		{name: "compact", line: `{"src":"n1","dest":"c1","body":{"type":"read_ok","messages":[5],"in_reply_to":4,"msg_id":9}}`, typ: "read_ok", inReply: 4, messages: "[5]"},
		{name: "empty array", line: `{"src":"n1","dest":"c1","body":{"type":"read_ok","messages" : [ ],"in_reply_to":4,"msg_id":9}}`, typ: "read_ok", inReply: 4, messages: "[ ]"},
		{name: "no array", line: line("c0", `"type": "init_ok", "in_reply_to": 1, "msg_id": 0`), typ: "init_ok", inReply: 1},
		{name: "bad json", line: `{"src": "n1", "body": {"type": "init_ok"`, wantErr: true},
		{name: "messages not an array", line: `{"src":"n1","body":{"type":"x","messages":5}}`, wantErr: true},
		{name: "unterminated array", line: `{"src":"n1","body":{"type":"x","messages":[1,2`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseReply([]byte(tt.line))
			if tt.wantErr {
				if !errors.Is(err, ErrReply) {
					t.Fatalf("ParseReply = %+v, %v; want an ErrReply", r, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.Type != tt.typ || r.Src != "n1" || r.MsgID == nil || string(r.Messages) != tt.messages {
				t.Errorf("ParseReply = %+v (messages %q)", r, r.Messages)
			}
			if (tt.inReply == 0) != (r.InReplyTo == nil) || (r.InReplyTo != nil && *r.InReplyTo != tt.inReply) {
				t.Errorf("in_reply_to %v, want %d", r.InReplyTo, tt.inReply)
			}
		})
	}
}

func TestCheckRange(t *testing.T) {
	tests := []struct {
		name    string
		arr     string
		n       int
		wantErr string // a part of the error, "" for none
	}{
		{"in order", "[0,1,2,3]", 4, ""},
		{"spaced", spaced(100), 100, ""},
		{"any order", "[3, 0,2 ,1]", 4, ""},
		{"empty", "[]", 0, ""},
		{"empty spaced", "[ ]", 0, ""},
		{"missing", "[0,1,3]", 4, "3 values, want the 4 values"},
		{"twice", "[0,1,1,2]", 4, "value 1 appears twice"},
		{"outside", "[0,1,2,4]", 4, "value 4 outside [0, 4)"},
		{"huge", "[99999999999999999999999]", 4, "outside"},
		{"negative", "[0,-1]", 2, "want a digit"},
		{"trailing comma", "[0,1,]", 2, "want a digit"},
		{"float", "[0,1.5]", 2, "want ',' or ']'"},
		{"object", `[1,{"a":2}]`, 2, "want a digit"},
		{"not an array", "0,1", 2, "not an array"},
		{"empty input", "", 0, "not an array"},
		{"too many", "[0,1,2]", 2, "outside"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckRange([]byte(tt.arr), tt.n)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrReply) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("CheckRange(%s, %d) = %v, want an ErrReply with %q", tt.arr, tt.n, err, tt.wantErr)
			}
		})
	}
}

func TestCheckReads(t *testing.T) {
	const n, reads = 50, 3
	good := readsOut(n, reads)
	tests := []struct {
		name    string
		edit    func(lines []string) []string
		wantErr string
	}{
		{"good", func(l []string) []string { return l }, ""},
		{"any order", func(l []string) []string {
			return append([]string{l[len(l)-1], l[3]}, append(append([]string{}, l[:3]...), l[4:len(l)-1]...)...)
		}, ""},
		{"compact format", func(l []string) []string {
			for i := range l {
				l[i] = strings.NewReplacer(", ", ",", ": ", ":").Replace(l[i])
			}
			return l
		}, ""},
		{"missing read_ok", func(l []string) []string { return append(l[:3], l[4:]...) }, "2 read_ok"},
		{"read_ok twice", func(l []string) []string { return append(l, l[2]) }, "second read_ok"},
		{"read_ok short", func(l []string) []string {
			l[3] = strings.Replace(l[3], ", 49]", "]", 1)
			return l
		}, "49 values"},
		{"gossip_sync short", func(l []string) []string {
			l[5] = strings.Replace(l[5], "[0, ", "[", 1)
			return l
		}, "gossip_sync"},
		{"new_count", func(l []string) []string {
			l[1] = strings.Replace(l[1], `"new_count": 50`, `"new_count": 49`, 1)
			return l
		}, "new_count is not 50"},
		{"one peer twice", func(l []string) []string {
			l[6] = strings.Replace(l[6], `"dest": "n3"`, `"dest": "n2"`, 1)
			return l
		}, "gossip_sync to \"n2\""},
		{"unknown peer", func(l []string) []string {
			l[6] = strings.Replace(l[6], `"dest": "n3"`, `"dest": "n9"`, 1)
			return l
		}, "gossip_sync to \"n9\""},
		{"msg_id twice", func(l []string) []string {
			l[1] = strings.Replace(l[1], `"msg_id": 1`, `"msg_id": 0`, 1)
			return l
		}, "msg_id 0 used twice"},
		{"error reply", func(l []string) []string {
			return append(l, line("c1", `"type": "error", "code": 13, "text": "crash", "in_reply_to": 4, "msg_id": 99`))
		}, "unexpected"},
		{"wrong sender", func(l []string) []string {
			l[0] = strings.Replace(l[0], `"src": "n1"`, `"src": "n2"`, 1)
			return l
		}, "from \"n2\""},
		{"no round", func(l []string) []string { return l[:len(l)-1] }, "0 gossip_round_ok"},
		{"read_ok for no read", func(l []string) []string {
			l[2] = strings.Replace(l[2], `"in_reply_to": 3`, `"in_reply_to": 6`, 1)
			return l
		}, "not in reply to a read"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := strings.Join(tt.edit(append([]string(nil), good...)), "")
			err := CheckReads([]byte(out), n, reads)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrReply) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("CheckReads = %v, want an ErrReply with %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckSync(t *testing.T) {
	initOK := line("c0", `"type": "init_ok", "in_reply_to": 1, "msg_id": 0`)
	first := line("n2", `"type": "gossip_sync_ok", "new_count": 7, "in_reply_to": 2, "msg_id": 1`)
	second := line("n2", `"type": "gossip_sync_ok", "new_count": 0, "in_reply_to": 3, "msg_id": 2`)
	tests := []struct {
		name    string
		out     string
		wantErr string
	}{
		{"good", initOK + first + second, ""},
		{"swapped", initOK + second + first, "in_reply_to is not 2"},
		{"second adds", initOK + first + strings.Replace(second, `"new_count": 0`, `"new_count": 7`, 1), "new_count is not 0"},
		{"no new_count", initOK + first + strings.Replace(second, `"new_count": 0, `, "", 1), "new_count is not 0"},
		{"short", initOK + first, "2 replies, want 3"},
		{"extra", initOK + first + second + second, "more than 3"},
		{"no init_ok", first + second, "type \"gossip_sync_ok\", want \"init_ok\""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckSync([]byte(tt.out), 7)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrReply) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("CheckSync = %v, want an ErrReply with %q", err, tt.wantErr)
			}
		})
	}
}

func TestCheckRoundTrips(t *testing.T) {
	// The replies to roundTripRequests: init_ok, then broadcast_ok (msg_id
	// 2), read_ok of [0] (3), broadcast_ok (4), read_ok of [0, 1] (5).
	good := []string{
		line("c0", `"type": "init_ok", "in_reply_to": 1, "msg_id": 0`),
		line("c1", `"type": "broadcast_ok", "in_reply_to": 2, "msg_id": 1`),
		line("c1", `"type": "read_ok", "messages": [0], "in_reply_to": 3, "msg_id": 2`),
		line("c1", `"type": "broadcast_ok", "in_reply_to": 4, "msg_id": 3`),
		line("c1", `"type": "read_ok", "messages": [1, 0], "in_reply_to": 5, "msg_id": 4`),
	}
	tests := []struct {
		name    string
		lines   []string
		trips   int
		wantErr string
	}{
		{"good", good, 4, ""},
		{"part", good[:3], 2, ""},
		{"short", good[:4], 4, "4 replies, want 5"},
		{"extra", good, 3, "more than 4"},
		{"stale read", []string{good[0], good[1], good[2], good[3], strings.Replace(good[4], "[1, 0]", "[0]", 1)}, 4, "1 values, want the 2"},
		{"wrong reply", []string{good[0], good[2]}, 1, "type \"read_ok\", want \"broadcast_ok\""},
	}
	// With a set of at most one value (the broadcasts cycle through 0),
	// the second read holds [0] again.
	capped := []string{good[0], good[1], good[2], good[3], strings.Replace(good[4], "[1, 0]", "[0]", 1)}
	if err := checkRoundTrips([]byte(strings.Join(capped, "")), 4, 1); err != nil {
		t.Errorf("a capped set: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkRoundTrips([]byte(strings.Join(tt.lines, "")), tt.trips, 100)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, ErrReply) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("checkRoundTrips = %v, want an ErrReply with %q", err, tt.wantErr)
			}
		})
	}
	reqs, all, ends := roundTripRequests(4, 100)
	if len(reqs) != 5 || len(ends) != 5 || ends[4] != len(all) || !strings.Contains(string(reqs[3]), `"type":"broadcast","msg_id":4,"message":1}`) {
		t.Errorf("roundTripRequests(4, 100) = %q", reqs)
	}
	if reqs, _, _ := roundTripRequests(4, 1); !strings.Contains(string(reqs[3]), `"message":0}`) {
		t.Errorf("roundTripRequests(4, 1) = %q: the broadcasts must cycle", reqs)
	}
}
