package codec

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestDecoder_Decode(t *testing.T) {
	tests := []struct {
		name string
		line string
		want Message
		err  error
	}{
		{
			name: "broadcast",
			line: `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":10}}`,
			want: Message{Src: "c1", Dest: "n1", Type: "broadcast", MsgID: 2, HasMsgID: true, Message: []byte("10")},
		},
		{
			name: "sync with spaces and a reply id",
			line: ` { "src" : "n2", "dest": "n1", "body": {"type": "gossip_sync", "messages": [1, 2], "msg_id": 9, "in_reply_to": 3} } `,
			want: Message{Src: "n2", Dest: "n1", Type: "gossip_sync", MsgID: 9, HasMsgID: true, InReplyTo: 3, HasInReplyTo: true, Messages: []byte("[1, 2]")},
		},
		{
			name: "no msg_id",
			line: `{"src":"c1","dest":"n1","body":{"type":"read"}}`,
			want: Message{Src: "c1", Dest: "n1", Type: "read"},
		},
		{
			name: "null msg_id is no msg_id",
			line: `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":null}}`,
			want: Message{Src: "c1", Dest: "n1", Type: "read"},
		},
		{
			name: "unknown fields ignored",
			line: `{"id":5,"src":"c1","dest":"n1","body":{"type":"read","msg_id":1,"extra":{"a":[1,2]}}}`,
			want: Message{Src: "c1", Dest: "n1", Type: "read", MsgID: 1, HasMsgID: true},
		},
		{
			name: "escaped strings",
			line: `{"src":"c\u0031","dest":"n1","body":{"type":"re\u0061d"}}`,
			want: Message{Src: "c1", Dest: "n1", Type: "read"},
		},
		{
			name: "duplicate key: the last wins",
			line: `{"src":"c1","src":"c2","dest":"n1","body":{"type":"read"}}`,
			want: Message{Src: "c2", Dest: "n1", Type: "read"},
		},
		{name: "not JSON", line: `hello`, err: ErrNotObject},
		{name: "truncated", line: `{"src":"c1","dest":"n1","body":{"type":"re`, err: ErrNotObject},
		{name: "array", line: `[1,2]`, err: ErrNotObject},
		{name: "number", line: `5`, err: ErrNotObject},
		{name: "trailing garbage", line: `{"src":"c1","dest":"n1","body":{"type":"read"}} x`, err: ErrNotObject},
		{name: "two objects", line: `{"src":"c1","dest":"n1","body":{"type":"read"}}{}`, err: ErrNotObject},
		{name: "no src", line: `{"dest":"n1","body":{"type":"read"}}`, err: ErrNoSrc},
		{name: "empty src", line: `{"src":"","dest":"n1","body":{"type":"read"}}`, err: ErrNoSrc},
		{name: "no dest", line: `{"src":"c1","body":{"type":"read"}}`, err: ErrNoDest},
		{name: "no body", line: `{"src":"c1","dest":"n1"}`, err: ErrNoBody},
		{name: "null body", line: `{"src":"c1","dest":"n1","body":null}`, err: ErrNoBody},
		{name: "empty body", line: `{"src":"c1","dest":"n1","body":{}}`, err: ErrNoType},
		{name: "src not a string", line: `{"src":1,"dest":"n1","body":{"type":"read"}}`, err: ErrFieldType},
		{name: "body not an object", line: `{"src":"c1","dest":"n1","body":[1]}`, err: ErrFieldType},
		{name: "type not a string", line: `{"src":"c1","dest":"n1","body":{"type":7}}`, err: ErrFieldType},
		{name: "msg_id a string", line: `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":"1"}}`, err: ErrMsgID},
		{name: "msg_id a float", line: `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":1.5}}`, err: ErrMsgID},
		{name: "deep nesting", line: `{"src":"c1","dest":"n1","body":{"type":"read","x":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}}`, err: ErrNotObject},
		{name: "unbalanced nesting", line: `{"src":"c1","dest":"n1","body":{"type":"read","x":` + strings.Repeat("[", 5000) + `}}`, err: ErrNotObject},
		{name: "deep nesting in a long line", line: `{"src":"c1","dest":"n1","body":{"type":"read","x":` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}}`, err: ErrNotObject},
	}
	d := NewDecoder()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var m Message
			err := d.Decode([]byte(tt.line), &m)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("Decode error = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !equalMessage(m, tt.want) {
				t.Fatalf("Decode = %+v\nwant     %+v", m, tt.want)
			}
		})
	}
}

func equalMessage(a, b Message) bool {
	return a.Src == b.Src && a.Dest == b.Dest && a.Type == b.Type &&
		a.MsgID == b.MsgID && a.HasMsgID == b.HasMsgID &&
		a.InReplyTo == b.InReplyTo && a.HasInReplyTo == b.HasInReplyTo &&
		string(a.Message) == string(b.Message) && string(a.Messages) == string(b.Messages) &&
		string(a.NodeID) == string(b.NodeID) && string(a.NodeIDs) == string(b.NodeIDs) &&
		string(a.Topology) == string(b.Topology)
}

// FuzzDecode cross-checks Decode with the encoding/json reference (see
// reference_test.go) on every line, in both directions: the same sentinel
// error, or the same fields. Each line is also read through a Stream in two
// pieces (checkStreamDecode), cut where its length says.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":10}}`,
		`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":3,"messages":[10,20,30]}}`,
		`{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}`,
		`{"src":"c1","dest":"n1","body":{"type":"read"}}`,
		`{"src":1}`, `[]`, `{`, `null`, `{"src":"a","dest":"b","body":{"type":"\u00e9"}}`,
	} {
		f.Add([]byte(s))
	}
	d := NewDecoder()
	f.Fuzz(func(t *testing.T, line []byte) {
		checkDecode(t, d, line)
		checkStreamDecode(t, d, line, []int{len(line) / 3})
	})
}

func FuzzParseInt(f *testing.F) {
	for _, s := range []string{"0", "-0", "1", "-9223372036854775808", "9223372036854775807", "9223372036854775808", "1.0", "1e3", "01", " 7 ", "null", `"5"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, err := ParseInt(raw)
		var want int64
		stdErr := json.Unmarshal(raw, &want)
		// encoding/json treats null as "no value" and leaves the int
		// alone; a broadcast of null is malformed here.
		if strings.TrimSpace(string(raw)) == "null" {
			if err == nil {
				t.Fatalf("ParseInt(null) accepted")
			}
			return
		}
		if (err == nil) != (stdErr == nil) {
			t.Fatalf("ParseInt(%q) err=%v, encoding/json err=%v", raw, err, stdErr)
		}
		if err == nil && got != want {
			t.Fatalf("ParseInt(%q) = %d, encoding/json %d", raw, got, want)
		}
	})
}

func FuzzAppendInts(f *testing.F) {
	for _, s := range []string{"[]", "[1, 2, 3]", "[1,2,3]", "[-9223372036854775808, 9223372036854775807]", "[1.5]", "[1,]", "[01]", `["1"]`, "[9223372036854775808]", " [ 1 ] "} {
		f.Add([]byte(s))
	}
	// Each array is also parsed with 16 spaces after it, so that every
	// element is in reach of the eight-byte reads of fastInt.
	pad := []byte(strings.Repeat(" ", 16))
	f.Fuzz(func(t *testing.T, raw []byte) {
		// encoding/json reads null (whole or as an element) as "no
		// value"; refInts refuses it, as AppendInts must.
		want, ok := refInts(raw)
		for _, in := range [][]byte{raw, append(raw[:len(raw):len(raw)], pad...)} {
			prefix := []int64{7}
			got, err := AppendInts(prefix, in)
			if (err == nil) != ok {
				t.Fatalf("AppendInts(%q) err=%v, encoding/json ok=%v", in, err, ok)
			}
			if err != nil {
				if !slices.Equal(got, prefix) {
					t.Fatalf("AppendInts(%q) changed dst on error: %v", in, got)
				}
				continue
			}
			if !slices.Equal(got, append([]int64{7}, want...)) {
				t.Fatalf("AppendInts(%q) = %v, encoding/json %v", in, got[1:], want)
			}
		}
	})
}

// TestStream_LongLines reads long lines through a Stream: a gossip_sync's
// array goes to the sink, and a defect anywhere in the line is still found.
func TestStream_LongLines(t *testing.T) {
	vals := make([]int64, 2000)
	for i := range vals {
		vals[i] = int64(i)
	}
	arr := string(AppendInts64(nil, vals))
	head := `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":1,`
	good := head + `"messages":` + arr + `}}`
	d := NewDecoder()
	m, got, err, _ := streamDecode(d, []byte(good), []int{100, 5000})
	if err != nil || !m.Staged || !slices.Equal(got, vals) {
		t.Fatalf("good long line: err=%v, Staged=%v, %d values", err, m.Staged, len(got))
	}
	notInts := head + `"messages":[` + strings.Repeat(`"x", `, 500) + `"y"]}}`
	if m, _, err, _ := streamDecode(d, []byte(notInts), nil); err != nil || m.Staged {
		t.Fatalf("a long line whose messages are valid JSON but not integers: err=%v, Staged=%v", err, m.Staged)
	}
	bad := map[string]string{
		"trailing comma":      head + `"messages":` + arr[:len(arr)-1] + ",]}}",
		"junk in other field": head + `"x":[1,,2],"messages":` + arr + `}}`,
		"junk after":          head + `"messages":` + arr + `,"x":tru}}`,
		"control in string":   head + `"x":"a` + "\x01" + `","messages":` + arr + `}}`,
		"unclosed":            head + `"messages":` + arr + `}`,
		"unclosed array":      head + `"messages":` + arr[:len(arr)-1],
		"garbage after":       head + `"messages":` + arr + `}} x`,
		"unclosed string":     head + `"messages":["` + arr + `}}`,
	}
	for name, line := range bad {
		t.Run(name, func(t *testing.T) {
			m, _, err, _ := streamDecode(d, []byte(line), []int{len(line) / 2})
			if err == nil && !m.Staged {
				_, err = AppendInts(nil, m.Messages)
			}
			var std any
			stdErr := json.Unmarshal([]byte(line), &std)
			if err == nil || stdErr == nil {
				t.Fatalf("accepted: ours err=%v, encoding/json err=%v", err, stdErr)
			}
		})
	}
}

// longInts is the integer array that FuzzDecodeLong builds its lines around:
// long enough for the long-line path on its own, with short and 19-digit
// values, negative ones, and both separators.
func longInts() []string {
	elems := make([]string, 300)
	for i := range elems {
		v := int64(i) * 1001
		switch {
		case i%37 == 5:
			v = -(1<<62 + int64(i))
		case i%5 == 1:
			v = -v
		}
		elems[i] = string(AppendInts64(nil, []int64{v}))
		elems[i] = elems[i][1 : len(elems[i])-1]
	}
	return elems
}

// FuzzDecodeLong cross-checks Decode, and the Stream that reads long lines,
// with the encoding/json reference (see reference_test.go): each line is
// pre, then a JSON array of about 2 KiB of integers with elem spliced in
// before element at (elem as raw text, left out when empty), then post. pre
// and post are fuzzed whole, so the array may be the messages field (the
// node's gossip_sync, which a Stream hands to its sink), another field, a
// duplicate, or nothing valid at all. The Stream gets the line in three
// pieces, cut where at says.
func FuzzDecodeLong(f *testing.F) {
	head := `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":3,"messages":`
	for _, s := range []struct {
		pre, elem, post string
		at              uint16
	}{
		{head, ``, `}}`, 0},
		{head, `1.5`, `}}`, 7},
		{head, `"x"`, `}}`, 299},
		{head, `null`, `}}`, 300},
		{head, `9223372036854775808`, `}}`, 1},
		{head, `-9223372036854775808`, `}}`, 2},
		{head, `01`, `}}`, 3},
		{head, `[1]`, `}}`, 0},
		{head, ``, `,"x":tru}}`, 0},
		{head, ``, `}} x`, 0},
		{head, ``, `}`, 0},
		{head, ``, `,"messages":[1]}}`, 0},
		{`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","messages":[1],"messages":`, ``, `}}`, 0},
		{`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","x":`, ``, `,"messages":[1, 2]}}`, 0},
		{`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","x":[1,,2],"messages":`, ``, `}}`, 0},
		{`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","x":"` + "\x01" + `","messages":`, ``, `}}`, 0},
		{`{"src":"n2","dest":"n1","body":{"type":"read_ok","in_reply_to":4,"messages":`, ``, `}}`, 0},
		{`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":"3","messages":`, ``, `}}`, 0},
		{`{"src":"n2","dest":"n1","body":{"MESSAGES":`, ``, `,"type":"gossip_sync"}}`, 0},
		{`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","mesſages":`, ``, `}}`, 0},
		{`{"src":1,"dest":"n1","body":{"type":"gossip_sync","messages":`, ``, `}} x`, 0},
		{`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","messages":"`, ``, `"}}`, 0},
	} {
		f.Add([]byte(s.pre), []byte(s.elem), []byte(s.post), s.at)
	}
	elems := longInts()
	d := NewDecoder()
	f.Fuzz(func(t *testing.T, pre, elem, post []byte, at uint16) {
		parts := elems
		if len(elem) > 0 {
			parts = slices.Insert(slices.Clone(elems), int(at)%(len(elems)+1), string(elem))
		}
		line := string(pre) + "[" + strings.Join(parts, ", ") + "]" + string(post)
		checkDecode(t, d, []byte(line))
		cut := int(at) * 7 % (len(line) + 1)
		checkStreamDecode(t, d, []byte(line), []int{cut / 2, cut})
	})
}

// TestDecoder_WarmUp: until sonic is compiled, Decode is encoding/json (the
// reference itself), including on the lines where sonic departs from it.
func TestDecoder_WarmUp(t *testing.T) {
	warm.Store(false)
	defer warm.Store(true)
	d := NewDecoder()
	for _, line := range []string{
		`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":10}}`,
		`{"src":1}`, `{`, `null`,
		`{"ſrc":"c1","dest":"n1","body":{"type":"read"}}`,
		"{\"src\":\"c\xff1\",\"dest\":\"n1\",\"body\":{\"type\":\"read\",\"node_id\":\"n\xff\"}}",
	} {
		var m Message
		err := d.Decode([]byte(line), &m)
		want, wantErr := reference([]byte(line))
		if !sameResult(m, err, want, wantErr) {
			t.Errorf("Decode(%q) before sonic = %s, %v; want %s, %v", line, fmtMessage(m), err, fmtMessage(want), wantErr)
		}
	}
}
