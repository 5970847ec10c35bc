package pipebench

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// refRange is AppendRange written the obvious way.
func refRange(n int) string {
	parts := make([]string, n)
	for i := range n {
		parts[i] = strconv.Itoa(i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func TestAppendRange(t *testing.T) {
	tests := []struct {
		name string
		n    int
	}{
		{"negative", -3},
		{"empty", 0},
		{"one", 1},
		{"one digit", 9},
		{"first carry", 10},
		{"past the carry", 11},
		{"two digits", 100},
		{"three digits", 1001},
		{"odd size", 12345},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendRange([]byte("x"), tt.n)
			want := "x" + refRange(max(tt.n, 0))
			if string(got) != want {
				t.Fatalf("AppendRange(%d) = %.60s..., want %.60s...", tt.n, got, want)
			}
			if l := RangeLen(tt.n); l != len(want)-1 {
				t.Errorf("RangeLen(%d) = %d, want %d", tt.n, l, len(want)-1)
			}
			var vals []int
			if err := json.Unmarshal(got[1:], &vals); err != nil || len(vals) != max(tt.n, 0) {
				t.Errorf("not a JSON array of %d values: %v", tt.n, err)
			}
		})
	}
}

// TestAppendSeq covers the starts and widths that AppendRange reaches only
// with tens of millions of values: prefixes too long for one 8-byte store,
// carries across a width, and starts inside a group of ten.
func TestAppendSeq(t *testing.T) {
	tests := []struct {
		name   string
		lo, hi int
	}{
		{"empty", 5, 5},
		{"inside a group", 13, 17},
		{"across a group", 17, 33},
		{"into 8 digits", 9_999_985, 10_000_015},
		{"9 digits", 123_456_780, 123_456_799},
		{"into 10 digits", 999_999_990, 1_000_000_012},
		{"19 digits", 999_999_999_999_999_990, 999_999_999_999_999_999},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var parts []string
			for v := tt.lo; v < tt.hi; v++ {
				parts = append(parts, strconv.Itoa(v))
			}
			want := "[" + strings.Join(parts, ",") + "]"
			if got := appendSeq(nil, tt.lo, tt.hi); string(got) != want {
				t.Fatalf("appendSeq(%d, %d) = %s, want %s", tt.lo, tt.hi, got, want)
			}
		})
	}
}

func TestRangeLen_TenMillion(t *testing.T) {
	// 10 of 1 digit, 90 of 2, ..., 9,000,000 of 7; brackets and commas.
	want := 10*1 + 90*2 + 900*3 + 9000*4 + 90000*5 + 900000*6 + 9000000*7 + 2 + 9999999
	if got := RangeLen(10_000_000); got != want {
		t.Fatalf("RangeLen(10M) = %d, want %d", got, want)
	}
}

// message is a request line as a node decodes it.
type message struct {
	Src  string `json:"src"`
	Dest string `json:"dest"`
	Body struct {
		Type     string   `json:"type"`
		MsgID    int64    `json:"msg_id"`
		Message  *int64   `json:"message"`
		Messages []int64  `json:"messages"`
		NodeID   string   `json:"node_id"`
		NodeIDs  []string `json:"node_ids"`
	} `json:"body"`
}

func TestAppendLines(t *testing.T) {
	tests := []struct {
		name      string
		line      []byte
		src, typ  string
		id        int64
		values    int // len(messages), -1 for none
		broadcast int64
	}{
		{name: "init", line: AppendInit(nil, 1), src: "c0", typ: "init", id: 1, values: -1},
		{name: "read", line: AppendRead(nil, 77), src: "c1", typ: "read", id: 77, values: -1},
		{name: "broadcast", line: AppendBroadcast(nil, 5, 123456), src: "c1", typ: "broadcast", id: 5, values: -1, broadcast: 123456},
		{name: "round", line: AppendRound(nil, 9), src: "c1", typ: "gossip_round", id: 9, values: -1},
		{name: "sync", line: AppendSync(nil, 2, 1000), src: "n2", typ: "gossip_sync", id: 2, values: 1000},
		{name: "empty sync", line: AppendSync(nil, 3, 0), src: "n2", typ: "gossip_sync", id: 3, values: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if bytes.Count(tt.line, []byte{'\n'}) != 1 || tt.line[len(tt.line)-1] != '\n' {
				t.Fatalf("not one line: %q", tt.line)
			}
			var m message
			if err := json.Unmarshal(tt.line, &m); err != nil {
				t.Fatalf("%s: %v", tt.line, err)
			}
			if m.Src != tt.src || m.Dest != NodeID || m.Body.Type != tt.typ || m.Body.MsgID != tt.id {
				t.Errorf("decoded %+v from %s", m, tt.line)
			}
			if tt.values >= 0 && (m.Body.Messages == nil || len(m.Body.Messages) != tt.values) {
				t.Errorf("%d values, want %d", len(m.Body.Messages), tt.values)
			}
			if tt.broadcast != 0 && (m.Body.Message == nil || *m.Body.Message != tt.broadcast) {
				t.Errorf("message %v, want %d", m.Body.Message, tt.broadcast)
			}
			if tt.typ == "init" && (m.Body.NodeID != NodeID || strings.Join(m.Body.NodeIDs, ",") != "n1,n2,n3") {
				t.Errorf("init names %q of %v", m.Body.NodeID, m.Body.NodeIDs)
			}
		})
	}
}

// flatten concatenates a stream's chunks.
func flatten(s Stream) []byte {
	var b []byte
	for _, p := range s {
		for _, c := range p.Chunks {
			b = append(b, c...)
		}
	}
	return b
}

func TestStreams(t *testing.T) {
	tests := []struct {
		name    string
		s       Stream
		types   []string
		replies []int
	}{
		{"reads", ReadsStream(50, 3), []string{"init", "gossip_sync", "read", "read", "read", "gossip_round"}, []int{1, 1, 3 + 1 + Fanout}},
		{"reads none", ReadsStream(5, 1), []string{"init", "gossip_sync", "read", "gossip_round"}, []int{1, 1, 1 + 1 + Fanout}},
		{"sync", SyncStream(20), []string{"init", "gossip_sync", "gossip_sync"}, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := flatten(tt.s)
			if int64(len(all)) != tt.s.Bytes() {
				t.Errorf("Bytes() = %d, want %d", tt.s.Bytes(), len(all))
			}
			var types []string
			var ids []int64
			for line := range bytes.Lines(all) {
				var m message
				if err := json.Unmarshal(line, &m); err != nil {
					t.Fatalf("%.80s: %v", line, err)
				}
				types, ids = append(types, m.Body.Type), append(ids, m.Body.MsgID)
			}
			if strings.Join(types, " ") != strings.Join(tt.types, " ") {
				t.Errorf("types %v, want %v", types, tt.types)
			}
			for i, id := range ids {
				if id != int64(i+1) {
					t.Errorf("msg_ids %v, want 1, 2, ...", ids)
					break
				}
			}
			var replies []int
			for _, p := range tt.s {
				replies = append(replies, p.Replies)
			}
			if !slices.Equal(replies, tt.replies) || tt.s.Replies() != sum(tt.replies) {
				t.Errorf("replies per phase %v (total %d), want %v", replies, tt.s.Replies(), tt.replies)
			}
		})
	}
	s := SyncStream(10)
	if &s[1].Chunks[1][0] != &s[2].Chunks[1][0] {
		t.Error("the two gossip_syncs do not share their array")
	}
}

func TestEchoStream(t *testing.T) {
	out := []byte("a\nb\nc\nd\n")
	tests := []struct {
		name   string
		out    []byte
		heads  []int
		phases []string
		ok     bool
	}{
		{"two heads", out, []int{1, 1}, []string{"a\n", "b\n", "c\nd\n"}, true},
		{"no heads", out, nil, []string{"a\nb\nc\nd\n"}, true},
		{"wide head", out, []int{3}, []string{"a\nb\nc\n", "d\n"}, true},
		{"nothing left", out, []int{4}, nil, false},
		{"too few lines", out, []int{2, 3}, nil, false},
		{"no final newline", []byte("a\nb"), []int{1}, nil, false},
		{"empty", nil, nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := EchoStream(tt.out, tt.heads)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !ok {
				return
			}
			if len(s) != len(tt.phases) {
				t.Fatalf("%d phases, want %d", len(s), len(tt.phases))
			}
			for i, p := range s {
				got := string(bytes.Join(p.Chunks, nil))
				if got != tt.phases[i] || p.Replies != strings.Count(got, "\n") {
					t.Errorf("phase %d = %q (%d replies), want %q", i, got, p.Replies, tt.phases[i])
				}
			}
		})
	}
}

func sum(a []int) int {
	s := 0
	for _, v := range a {
		s += v
	}
	return s
}
