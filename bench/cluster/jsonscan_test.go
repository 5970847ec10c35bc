package cluster

import (
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"unicode/utf8"
)

func TestParseEnvelope(t *testing.T) {
	tests := []struct {
		name      string
		line      string
		src, dest string
		body      string
		err       error
	}{
		{"compact", `{"src":"n1","dest":"n2","body":{"type":"x"}}`, "n1", "n2", `{"type":"x"}`, nil},
		{"spaces, as the project node prints", `{"src": "n1", "dest": "c3", "body": {"type": "read_ok", "messages": [1, 2]}}`,
			"n1", "c3", `{"type": "read_ok", "messages": [1, 2]}`, nil},
		{"any order, extra members", ` {"body":{"a":[{"b":null}]},"id":4,"dest":"n0","src":"n1"} `, "n1", "n0", `{"a":[{"b":null}]}`, nil},
		{"escaped id", `{"src":"n\u0031","dest":"n2","body":{}}`, "n1", "n2", `{}`, nil},
		{"not JSON", `node ready`, "", "", "", ErrBadJSON},
		{"empty", ``, "", "", "", ErrBadJSON},
		{"trailing garbage", `{"src":"n1","dest":"n2","body":{}} x`, "", "", "", ErrBadJSON},
		{"two objects", `{"src":"n1","dest":"n2","body":{}}{}`, "", "", "", ErrBadJSON},
		{"bad number", `{"src":"n1","dest":"n2","body":{"m":01}}`, "", "", "", ErrBadJSON},
		{"bad escape", `{"src":"n1","dest":"n2","body":{"m":"\x"}}`, "", "", "", ErrBadJSON},
		{"unterminated", `{"src":"n1","dest":"n2","body":{"m":[1,2}}`, "", "", "", ErrBadJSON},
		{"array at top", `[1]`, "", "", "", ErrBadJSON},
		{"no body", `{"src":"n1","dest":"n2"}`, "", "", "", ErrBadMessage},
		{"body not an object", `{"src":"n1","dest":"n2","body":3}`, "", "", "", ErrBadMessage},
		{"dest not a string", `{"src":"n1","dest":2,"body":{}}`, "", "", "", ErrBadMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env, err := parseEnvelope([]byte(tt.line), nil)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if string(env.src) != tt.src || string(env.dest) != tt.dest || string(env.body) != tt.body {
				t.Errorf("got src %q dest %q body %q", env.src, env.dest, env.body)
			}
		})
	}
}

func TestParseReply(t *testing.T) {
	tests := []struct {
		name string
		body string
		want reply
	}{
		{"read_ok", `{"type":"read_ok","messages":[3,-1,0,9223372036854775807,-9223372036854775808],"in_reply_to":5}`,
			reply{kind: replyReadOK, inReplyTo: 5, hasIRT: true, hasMessages: true,
				values: []int64{3, -1, 0, 9223372036854775807, -9223372036854775808}}},
		{"spaces and other members", `{ "type" : "broadcast_ok" , "msg_id" : 7, "in_reply_to" : 2 }`,
			reply{kind: replyBroadcastOK, inReplyTo: 2, hasIRT: true}},
		{"non-integers are counted", `{"type":"read_ok","messages":[1,1.5,"2",9223372036854775808,{"a":1},1e3],"in_reply_to":1}`,
			reply{kind: replyReadOK, inReplyTo: 1, hasIRT: true, hasMessages: true, values: []int64{1}, badValues: 5, badSample: "1.5"}},
		{"error", `{"type":"error","code":11,"text":"busy","in_reply_to":3}`,
			reply{kind: replyError, inReplyTo: 3, hasIRT: true, code: 11, text: "busy"}},
		{"other type", `{"type":"gossip_sync_ok","in_reply_to":4}`,
			reply{kind: replyOther, typ: "gossip_sync_ok", inReplyTo: 4, hasIRT: true}},
		{"empty messages", `{"type":"read_ok","messages":[],"in_reply_to":1}`,
			reply{kind: replyReadOK, inReplyTo: 1, hasIRT: true, hasMessages: true}},
		// The compact shortcut hands these to the general path, which
		// must see the array from its start.
		{"spaces in messages", `{"type":"read_ok","messages":[ 1, 2 ,3 ],"in_reply_to":1}`,
			reply{kind: replyReadOK, inReplyTo: 1, hasIRT: true, hasMessages: true, values: []int64{1, 2, 3}}},
		{"19 digits", `{"type":"read_ok","messages":[1,1234567890123456789,-1234567890123456789],"in_reply_to":1}`,
			reply{kind: replyReadOK, inReplyTo: 1, hasIRT: true, hasMessages: true, values: []int64{1, 1234567890123456789, -1234567890123456789}}},
		{"a float after integers", `{"type":"read_ok","messages":[4,5,2.5,6],"in_reply_to":1}`,
			reply{kind: replyReadOK, inReplyTo: 1, hasIRT: true, hasMessages: true, values: []int64{4, 5, 6}, badValues: 1, badSample: "2.5"}},
		{"minus zero", `{"type":"read_ok","messages":[-0,7],"in_reply_to":1}`,
			reply{kind: replyReadOK, inReplyTo: 1, hasIRT: true, hasMessages: true, values: []int64{0, 7}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseReply([]byte(tt.body), nil)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			// The same body inside an envelope addressed to a client is
			// decoded in the same pass.
			line := `{"src":"n0","dest":"c1","body":` + tt.body + `}`
			env, err := parseEnvelope([]byte(line), []int64{})
			if err != nil || !env.hasRep {
				t.Fatalf("envelope: err %v, hasRep %v", err, env.hasRep)
			}
			if env.rep.values == nil {
				env.rep.values = nil
			} else if len(env.rep.values) == 0 {
				env.rep.values = nil
			}
			if !reflect.DeepEqual(env.rep, tt.want) {
				t.Errorf("in envelope got %+v, want %+v", env.rep, tt.want)
			}
		})
	}
}

// FuzzParseEnvelope cross-checks the scanner against encoding/json: a line
// is accepted exactly when it is a valid JSON object whose src and dest are
// strings and whose body is an object.
func FuzzParseEnvelope(f *testing.F) {
	for _, s := range []string{
		`{"src":"n1","dest":"n2","body":{"type":"x","messages":[1,2,3]}}`,
		`{"src": "n1", "dest": "c3", "body": {"type": "read_ok", "messages": [1, -2e3, "x", null, true]}}`,
		`{"src":"n\u0031","dest":"n2","body":{"k":[[{}]]}}`,
		`{"src":"n1","dest":"n2","body":{"m":0.5E+7}}`,
		`node ready`, `{}`, `{"src":"n1"}`, `{"src":"n1","dest":"n2","body":{"m":-}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		env, err := parseEnvelope(line, []int64{})
		var std struct {
			Src  *string         `json:"src"`
			Dest *string         `json:"dest"`
			Body json.RawMessage `json:"body"`
		}
		stdErr := json.Unmarshal(line, &std)
		valid := json.Valid(line)
		if err == nil && !valid {
			t.Fatalf("accepted invalid JSON %q", line)
		}
		if valid && errors.Is(err, ErrBadJSON) {
			// The scanner may only reject valid JSON for depth or for
			// not being an object.
			var obj map[string]json.RawMessage
			if json.Unmarshal(line, &obj) == nil && len(line) < 10000 {
				t.Fatalf("rejected valid object %q", line)
			}
		}
		if err == nil && utf8.Valid(env.src) && utf8.Valid(env.dest) {
			// (encoding/json replaces invalid UTF-8; ids with it match no
			// node or client anyway.)
			if stdErr != nil || std.Src == nil || std.Dest == nil || *std.Src != string(env.src) || *std.Dest != string(env.dest) {
				// Duplicate keys: encoding/json keeps the last, so does
				// the scanner; anything else is a bug.
				t.Fatalf("src/dest %q/%q, encoding/json says %v (%v)", env.src, env.dest, std, stdErr)
			}
		}
	})
}

// FuzzParseReply cross-checks the integers of messages with encoding/json.
func FuzzParseReply(f *testing.F) {
	for _, s := range []string{
		`{"type":"read_ok","messages":[3,-1,0,9223372036854775807,-9223372036854775808],"in_reply_to":5}`,
		`{"type":"read_ok","messages":[1,1.5,"2",9223372036854775808,-9223372036854775809,1e3,-0,00]}`,
		`{"messages":[[1],{"a":2},null]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		r, err := parseReply(body, nil)
		if err != nil {
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		// (A map, because struct fields match keys case-insensitively.)
		var obj map[string]json.RawMessage
		var msgs []json.RawMessage
		if json.Unmarshal(body, &obj) != nil || json.Unmarshal(obj["messages"], &msgs) != nil {
			return // messages was not an array: nothing to compare
		}
		var ints []int64
		bad := 0
		for _, m := range msgs {
			var v int64
			if len(m) > 0 && (m[0] == '-' || '0' <= m[0] && m[0] <= '9') && !containsAny(m, ".eE") && json.Unmarshal(m, &v) == nil {
				ints = append(ints, v)
			} else {
				bad++
			}
		}
		if len(ints) != len(r.values) || bad != r.badValues {
			// Duplicate "messages" keys keep the last array in encoding/json
			// but accumulate here; both are odd enough to ignore.
			if dup := countKey(body); dup > 1 {
				return
			}
			t.Fatalf("ints %v bad %d, encoding/json says %v bad %d", r.values, r.badValues, ints, bad)
		}
		for i := range ints {
			if ints[i] != r.values[i] {
				t.Fatalf("ints %v, encoding/json says %v", r.values, ints)
			}
		}
	})
}

func containsAny(b []byte, chars string) bool {
	for _, c := range b {
		for i := 0; i < len(chars); i++ {
			if c == chars[i] {
				return true
			}
		}
	}
	return false
}

func countKey(b []byte) int {
	n := 0
	for i := 0; i+10 <= len(b); i++ {
		if string(b[i:i+10]) == `"messages"` {
			n++
		}
	}
	return n
}

// BenchmarkParseEnvelope_ReadOK measures the bench's decoding of a read_ok
// of 100,000 values, as nodes print it (compact) and with a space after
// each comma, which the compact shortcut hands to the general path: the
// same run's baseline.
func BenchmarkParseEnvelope_ReadOK(b *testing.B) {
	for _, sep := range []string{",", ", "} {
		name := map[string]string{",": "compact", ", ": "spaced"}[sep]
		b.Run(name, func(b *testing.B) {
			line := []byte(`{"src":"n3","dest":"c7","body":{"type":"read_ok","messages":[`)
			for v := range 100_000 {
				if v > 0 {
					line = append(line, sep...)
				}
				line = strconv.AppendInt(line, int64(v), 10)
			}
			line = append(line, `],"in_reply_to":12}}`...)
			vals := make([]int64, 0, 100_000)
			b.SetBytes(int64(len(line)))
			b.ReportAllocs()
			for b.Loop() {
				env, err := parseEnvelope(line, vals[:0])
				if err != nil || len(env.rep.values) != 100_000 {
					b.Fatal(err, len(env.rep.values))
				}
			}
		})
	}
}
