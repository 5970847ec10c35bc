package codec

import (
	"strconv"
	"strings"
	"testing"
)

// refCase is a line with what both Decode and the reference must make of it.
type refCase struct {
	name string
	line string
	want Message // when err is nil
	err  error
}

// wantResult fails t unless (m, err) is tc's expectation.
func wantResult(t *testing.T, who string, m Message, err error, want Message, wantErr error) {
	t.Helper()
	if !sameResult(m, err, want, wantErr) {
		t.Fatalf("%s = %s, error %v\nwant %s, error %v", who, fmtMessage(m), err, fmtMessage(want), wantErr)
	}
}

// TestDecode_MatchesReference pins down, line by line, the behaviours that
// the reference assumes of both decoders (see reference_test.go), and a few
// that are easy to get wrong: each line must give the stated result in the
// reference and in Decode, with no exception needed.
func TestDecode_MatchesReference(t *testing.T) {
	const env = `"src":"c1","dest":"n1",`
	read := Message{Src: "c1", Dest: "n1", Type: "read"}
	with := func(f func(m *Message)) Message { m := read; f(&m); return m }
	vals := longInts()
	arr := "[" + strings.Join(vals, ", ") + "]"
	sync := func(messages string) Message {
		return Message{Src: "n2", Dest: "n1", Type: "gossip_sync", Messages: []byte(messages)}
	}
	cases := []refCase{
		// Keys.
		{"keys in any ASCII case", `{"SRC":"c1","Dest":"n1","BODY":{"TYPE":"read","Msg_Id":5}}`, with(func(m *Message) { m.MsgID, m.HasMsgID = 5, true }), nil},
		{"escaped key", `{"s\u0072c":"c1","dest":"n1","body":{"type":"read"}}`, read, nil},
		{"Kelvin sign folds to k in both", `{` + env + `"body":{"type":"read","ac\u212a":5}}`, with(func(m *Message) { m.Ack = []byte("5") }), nil},
		{"last duplicate wins, exact then folded", `{"src":"x","SRC":"c1","dest":"n1","body":{"type":"read"}}`, read, nil},
		{"last duplicate wins, folded then exact", `{"SRC":"x","src":"c1","dest":"n1","body":{"type":"read"}}`, read, nil},
		{"last duplicate raw field wins", `{` + env + `"body":{"type":"read","message":1,"Message":[2]}}`, with(func(m *Message) { m.Message = []byte("[2]") }), nil},
		{"null after a msg_id is no msg_id", `{` + env + `"body":{"type":"read","msg_id":1,"msg_id":null}}`, read, nil},
		{"null after src keeps src", `{"src":"c1","src":null,"dest":"n1","body":{"type":"read"}}`, read, nil},
		{"duplicate bodies merge", `{` + env + `"body":{"type":"x","msg_id":1},"body":{"type":"read"}}`, with(func(m *Message) { m.MsgID, m.HasMsgID = 1, true }), nil},
		{"null after a body keeps it", `{` + env + `"body":{"type":"read"},"body":null}`, read, nil},
		{"empty body after a body keeps its type", `{` + env + `"body":{"type":"read"},"body":{}}`, read, nil},
		{"null body after an empty one", `{` + env + `"body":{},"body":null}`, Message{}, ErrNoBody},
		{"null src", `{"src":null,"dest":"n1","body":{"type":"read"}}`, Message{}, ErrNoSrc},
		{"null type", `{` + env + `"body":{"type":null}}`, Message{}, ErrNoType},

		// Strings.
		{"invalid UTF-8 becomes U+FFFD", "{\"src\":\"c\xff1\",\"dest\":\"n1\",\"body\":{\"type\":\"read\"}}", with(func(m *Message) { m.Src = "c\uFFFD1" }), nil},
		{"one U+FFFD per bad byte", "{\"src\":\"\xe2\x82x\xed\xa0\x80\",\"dest\":\"n1\",\"body\":{\"type\":\"read\"}}", with(func(m *Message) { m.Src = "\uFFFD\uFFFDx\uFFFD\uFFFD\uFFFD" }), nil},
		{"overlong and out-of-range UTF-8", "{\"src\":\"\xc0\x80\xf4\x90\x80\x80\",\"dest\":\"n1\",\"body\":{\"type\":\"read\"}}", with(func(m *Message) { m.Src = strings.Repeat("\uFFFD", 6) }), nil},
		{"lone surrogate escapes become U+FFFD", `{"src":"\ud800c\udc00","dest":"n1","body":{"type":"read"}}`, with(func(m *Message) { m.Src = "\uFFFDc\uFFFD" }), nil},
		{"surrogate pair escape", `{"src":"\ud83d\ude00","dest":"n1","body":{"type":"read"}}`, with(func(m *Message) { m.Src = "😀" }), nil},
		{"escaped NUL is a character", `{"src":"\u0000","dest":"n1","body":{"type":"read"}}`, with(func(m *Message) { m.Src = "\x00" }), nil},
		{"invalid UTF-8 in an unknown key and value", "{" + env + "\"body\":{\"type\":\"read\",\"\xff\":\"\xfe\"}}", read, nil},
		{"DEL is not a control character", "{" + env + "\"body\":{\"type\":\"read\",\"x\":\"\x7f\"}}", read, nil},
		{"control character in an unknown key", "{" + env + "\"body\":{\"type\":\"read\",\"x\x01\":1}}", Message{}, ErrNotObject},
		{"control character in an unknown value", "{" + env + "\"body\":{\"type\":\"read\",\"x\":\"\x1f\"}}", Message{}, ErrNotObject},

		// Escapes in strings that sonic skips (the bug fixed with
		// validEscapes): found whatever follows them.
		{"invalid escape in an unknown field", `{"x":"\q","src":"c1","dest":"n1","body":{"type":"read"}}`, Message{}, ErrNotObject},
		{"escaped zero in an unknown field", `{` + env + `"body":{"type":"read"},"x":"\0"}` + strings.Repeat(" ", 40), Message{}, ErrNotObject},
		{"short \\u in a raw field", `{` + env + `"body":{"message":"\u00zz","type":"read"}}`, Message{}, ErrNotObject},
		{"truncated \\u in an unknown key", `{` + env + `"body":{"type":"read","x":{"\u12":1}}}`, Message{}, ErrNotObject},
		{"invalid escape after a field of the wrong type", `{"src":1,"dest":"n1","body":{"type":"read"},"x":"\q"}`, Message{}, ErrNotObject},
		{"invalid escape after src", `{"src":"c1","x":"\q"}` + strings.Repeat(" ", 40), Message{}, ErrNotObject},
		{"invalid escape in a long line", `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","x":"\q","messages":` + arr + `}}`, Message{}, ErrNotObject},
		{"invalid escape in a long line's messages", `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","messages":["\q", ` + arr[1:] + `}}`, Message{}, ErrNotObject},
		{"control character in a long line's messages", `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","messages":["` + "\x02" + `", ` + arr[1:] + `}}`, Message{}, ErrNotObject},
		{"every valid escape in skipped strings", `{` + env + `"body":{"type":"read","x":"\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00\u0000","\\":1}}`, read, nil},
		{"escaped backslash before the closing quote", `{` + env + `"body":{"type":"read","node_id":"\\"}}`, with(func(m *Message) { m.NodeID = []byte(`"\\"`) }), nil},

		// Whole lines.
		{"null line is an empty envelope", `null`, Message{}, ErrNoSrc},
		{"null line with spaces", " \tnull\r\n", Message{}, ErrNoSrc},
		{"empty line", ``, Message{}, ErrNotObject},
		{"spaces only", `   `, Message{}, ErrNotObject},
		{"a string", `"c1"`, Message{}, ErrNotObject},
		{"true", `true`, Message{}, ErrNotObject},
		{"form feed is not JSON whitespace", `{` + env + `"body":{"type":"read"}}` + "\f", Message{}, ErrNotObject},
		{"byte order mark", "\ufeff{" + env + `"body":{"type":"read"}}`, Message{}, ErrNotObject},
		{"NUL after the object", `{` + env + `"body":{"type":"read"}}` + "\x00", Message{}, ErrNotObject},

		// Field types, and malformed JSON after a field of the wrong type:
		// not JSON wins (the bug fixed in classify).
		{"src a number", `{"src":1,"dest":"n1","body":{"type":"read"}}`, Message{}, ErrFieldType},
		{"body a string", `{` + env + `"body":"read"}`, Message{}, ErrFieldType},
		{"wrong type, then garbage", `{"src":1,"dest":"n1","body":{"type":"read"}} x`, Message{}, ErrNotObject},
		{"wrong type, then a second object", `{"src":"c1","dest":"n1","body":"read"}{}`, Message{}, ErrNotObject},
		{"wrong type, then NUL", `{"src":"c1","dest":"n1","body":{"type":7}}` + "\x00", Message{}, ErrNotObject},
		{"wrong type, then bad JSON inside", `{"src":1,"dest":"n1","body":{"type":"read","x":[1,,2]}}`, Message{}, ErrNotObject},
		{"wrong type is found before a missing src", `{"dest":"n1","body":{"type":true}}`, Message{}, ErrFieldType},

		// Integers.
		{"msg_id with exponent", `{` + env + `"body":{"type":"read","msg_id":1e2}}`, Message{}, ErrMsgID},
		{"msg_id too big", `{` + env + `"body":{"type":"read","msg_id":9223372036854775808}}`, Message{}, ErrMsgID},
		{"msg_id -0", `{` + env + `"body":{"type":"read","msg_id":-0}}`, with(func(m *Message) { m.HasMsgID = true }), nil},
		{"msg_id min", `{` + env + `"body":{"type":"read","msg_id":-9223372036854775808}}`, with(func(m *Message) { m.MsgID, m.HasMsgID = -1<<63, true }), nil},
		{"bad in_reply_to is ignored", `{` + env + `"body":{"type":"read","in_reply_to":"4"}}`, read, nil},
		{"raw value without its spaces", `{` + env + `"body":{"type":"read","message" :  12 ,"topology": {} }}`, with(func(m *Message) { m.Message, m.Topology = []byte("12"), []byte("{}") }), nil},
		{"huge exponent in an unknown field", `{` + env + `"body":{"type":"read","x":1e999}}`, read, nil},

		// Long lines.
		{"long gossip_sync", `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","messages":` + arr + `}}`, sync(arr), nil},
		{"long, messages not the bulk of the line", `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","x":"` + strings.Repeat("x", len(arr)) + `","messages":` + arr + `}}`, sync(arr), nil},
		{"long, messages not integers", `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","messages":` + strings.Replace(arr, "0", "0.5", 1) + `}}`, sync(strings.Replace(arr, "0", "0.5", 1)), nil},
		{"long, the last of two messages", `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","messages":[1],"messages":` + arr + `}}`, sync(arr), nil},
		{"long, wrong type then garbage", `{"src":1,"dest":"n1","body":{"type":"gossip_sync","messages":` + arr + `}} x`, Message{}, ErrNotObject},
		{"long null line", `null` + strings.Repeat(" ", 1024), Message{}, ErrNoSrc},
	}
	d := NewDecoder()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m, err := reference([]byte(tc.line))
			wantResult(t, "reference", m, err, tc.want, tc.err)
			var dm Message
			err = d.Decode([]byte(tc.line), &dm)
			wantResult(t, "Decode", dm, err, tc.want, tc.err)
			if x := checkDecode(t, d, []byte(tc.line)); x != "" {
				t.Fatalf("exception %q applied", x)
			}
		})
	}
}

// exceptionCase is a line on which Decode and the reference differ, with
// both results and the exception that must cover the difference.
type exceptionCase struct {
	name    string
	line    string
	want    Message // Decode's result
	err     error
	ref     Message // the reference's (encoding/json) result
	refErr  error
	applies bool // whether the exception applies (false: a near miss, no difference)
}

func runExceptionCases(t *testing.T, exc string, cases []exceptionCase) {
	t.Helper()
	var x *exception
	for i := range exceptions {
		if exceptions[i].name == exc {
			x = &exceptions[i]
		}
	}
	if x == nil {
		t.Fatalf("no exception %q", exc)
	}
	d := NewDecoder()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			line := []byte(tc.line)
			if got := x.applies(line); got != tc.applies {
				t.Fatalf("exception applies = %v, want %v", got, tc.applies)
			}
			var m Message
			err := d.Decode(line, &m)
			wantResult(t, "Decode", m, err, tc.want, tc.err)
			rm, rerr := reference(line)
			wantResult(t, "reference", rm, rerr, tc.ref, tc.refErr)
			want := ""
			if !sameResult(m, err, rm, rerr) {
				want = exc
			}
			if got := checkDecode(t, d, line); got != want {
				t.Fatalf("checkDecode used exception %q, want %q", got, want)
			}
		})
	}
}

// TestException_KeyFolding shows the exception "non-ASCII key folding":
// sonic matches a key to a field by strings.ToLower, encoding/json by Unicode
// case folding, and they differ on U+017F (ſ, which folds to s) and U+0130
// (İ, whose lower case is i). The Kelvin sign U+212A is k to both.
func TestException_KeyFolding(t *testing.T) {
	const env = `"src":"c1","dest":"n1",`
	read := Message{Src: "c1", Dest: "n1", Type: "read"}
	runExceptionCases(t, "non-ASCII key folding", []exceptionCase{
		{
			name: "long s in src: encoding/json reads it, sonic does not",
			line: `{"ſrc":"c1","dest":"n1","body":{"type":"read"}}`,
			err:  ErrNoSrc, ref: read, applies: true,
		},
		{
			name: "escaped long s in a body key",
			line: `{` + env + `"body":{"type":"read","me\u017f\u017fages":[1]}}`,
			want: read, ref: Message{Src: "c1", Dest: "n1", Type: "read", Messages: []byte("[1]")}, applies: true,
		},
		{
			name: "long s in a key that names no field: no difference",
			line: `{` + env + `"bodſ":{"type":"read"},"boDy":{"type":"x"}}`,
			want: Message{Src: "c1", Dest: "n1", Type: "x"}, ref: Message{Src: "c1", Dest: "n1", Type: "x"}, applies: false,
		},
		{
			name: "dotted capital I in msg_id: sonic reads it, encoding/json does not",
			line: `{` + env + `"body":{"type":"read","msg_İd":5}}`,
			want: Message{Src: "c1", Dest: "n1", Type: "read", MsgID: 5, HasMsgID: true}, ref: read, applies: true,
		},
		{
			name: "dotted capital I makes a bad msg_id an error on one side only",
			line: `{` + env + `"body":{"type":"read","msg_\u0130d":"x"}}`,
			err:  ErrMsgID, ref: read, applies: true,
		},
		{
			name: "folded key inside a body matched only by encoding/json",
			line: `{` + env + `"body":{"type":"read"},"x":{"ſrc":1}}`,
			want: read, ref: read, applies: false,
		},
		{
			name: "Kelvin sign: the same to both",
			line: `{` + env + `"body":{"type":"read","ac` + "\u212a" + `":5}}`,
			want: Message{Src: "c1", Dest: "n1", Type: "read", Ack: []byte("5")},
			ref:  Message{Src: "c1", Dest: "n1", Type: "read", Ack: []byte("5")}, applies: false,
		},
	})
}

// TestException_InvalidUTF8 shows the exception "invalid UTF-8": Decode's raw
// field holds U+FFFD for each bad byte, encoding/json's the bytes as they
// were (decoded, both are the same JSON value).
func TestException_InvalidUTF8(t *testing.T) {
	const env = `"src":"c1","dest":"n1",`
	read := Message{Src: "c1", Dest: "n1", Type: "read"}
	with := func(f func(m *Message)) Message { m := read; f(&m); return m }
	long := strings.Repeat(" ", 1024)
	arr := "[" + strings.Join(longInts(), ", ") + "]"
	runExceptionCases(t, "invalid UTF-8", []exceptionCase{
		{
			name:    "node_id",
			line:    "{" + env + "\"body\":{\"type\":\"read\",\"node_id\":\"n\xff\"}}",
			want:    with(func(m *Message) { m.NodeID = []byte("\"n\uFFFD\"") }),
			ref:     with(func(m *Message) { m.NodeID = []byte("\"n\xff\"") }),
			applies: true,
		},
		{
			name:    "one U+FFFD per bad byte, in a nested string",
			line:    "{" + env + "\"body\":{\"type\":\"read\",\"topology\":{\"n1\":[\"\xe2\x82\"]}}}",
			want:    with(func(m *Message) { m.Topology = []byte("{\"n1\":[\"\uFFFD\uFFFD\"]}") }),
			ref:     with(func(m *Message) { m.Topology = []byte("{\"n1\":[\"\xe2\x82\"]}") }),
			applies: true,
		},
		{
			name:    "messages of a long line",
			line:    "{" + env + "\"body\":{\"type\":\"read\",\"messages\":[\"\xff\"]}}" + long,
			want:    with(func(m *Message) { m.Messages = []byte("[\"\uFFFD\"]") }),
			ref:     with(func(m *Message) { m.Messages = []byte("[\"\xff\"]") }),
			applies: true,
		},
		{
			name:    "a long gossip_sync with invalid UTF-8 in its type",
			line:    "{\"src\":\"n2\",\"dest\":\"n1\",\"body\":{\"type\":\"gossip_sync\xee\",\"messages\":" + arr + "}}",
			want:    Message{Src: "n2", Dest: "n1", Type: "gossip_sync\uFFFD", Messages: []byte(arr)},
			ref:     Message{Src: "n2", Dest: "n1", Type: "gossip_sync\uFFFD", Messages: []byte(arr)},
			applies: true,
		},
		{
			name:    "invalid UTF-8 elsewhere: no difference",
			line:    "{" + env + "\"body\":{\"type\":\"read\",\"node_id\":\"n1\",\"x\":\"\xff\"}}",
			want:    with(func(m *Message) { m.NodeID = []byte(`"n1"`) }),
			ref:     with(func(m *Message) { m.NodeID = []byte(`"n1"`) }),
			applies: true,
		},
		{
			name:    "U+FFFD written out: no difference",
			line:    "{" + env + "\"body\":{\"type\":\"read\",\"node_id\":\"n\uFFFD\"}}",
			want:    with(func(m *Message) { m.NodeID = []byte("\"n\uFFFD\"") }),
			ref:     with(func(m *Message) { m.NodeID = []byte("\"n\uFFFD\"") }),
			applies: false,
		},
	})
}

// nested returns a JSON value nested n levels deep (n >= 1): arrays, objects
// or both alternately, by shape.
func nested(n int, shape string) string {
	var open, close strings.Builder
	for i := range n {
		if shape == "obj" || shape == "mix" && i%2 == 1 {
			open.WriteString(`{"a":`)
		} else {
			open.WriteString(`[`)
		}
	}
	for i := n - 1; i >= 0; i-- {
		if shape == "obj" || shape == "mix" && i%2 == 1 {
			close.WriteString(`}`)
		} else {
			close.WriteString(`]`)
		}
	}
	return open.String() + "1" + close.String()
}

// TestException_Depth shows the exception "nesting deeper than sonic's
// limit": every line up to maxSonicDepth levels is accepted wherever the
// nesting sits, sonic refuses some lines of 4097 levels and all beyond 4099,
// and encoding/json accepts up to 10000 levels.
func TestException_Depth(t *testing.T) {
	read := Message{Src: "c1", Dest: "n1", Type: "read"}
	ints := "[" + strings.Join(longInts(), ", ") + "]"
	// Where the nesting sits: a line with a value nested n levels at
	// depth(n) levels in all.
	places := []struct {
		name  string
		line  func(v string) string
		depth func(n int) int
		want  func(v string) Message
	}{
		{"an unknown top-level field",
			func(v string) string { return `{"x":` + v + `,"src":"c1","dest":"n1","body":{"type":"read"}}` },
			func(n int) int { return n + 1 }, func(string) Message { return read }},
		{"an unknown body field",
			func(v string) string { return `{"src":"c1","dest":"n1","body":{"type":"read","x":` + v + `}}` },
			func(n int) int { return n + 2 }, func(string) Message { return read }},
		{"a raw body field",
			func(v string) string { return `{"src":"c1","dest":"n1","body":{"type":"read","topology":` + v + `}}` },
			func(n int) int { return n + 2 },
			func(v string) Message { m := read; m.Topology = []byte(v); return m }},
		{"an unknown field of a long line",
			func(v string) string {
				return `{"src":"c1","dest":"n1","body":{"type":"read","x":` + v + `,"messages":` + ints + `}}`
			},
			func(n int) int { return n + 2 },
			func(string) Message { m := read; m.Messages = []byte(ints); return m }},
		{"an element of a long line's messages",
			func(v string) string {
				return `{"src":"c1","dest":"n1","body":{"type":"read","messages":[` + v + `, ` + ints[1:] + `}}`
			},
			func(n int) int { return n + 3 },
			func(v string) Message { m := read; m.Messages = []byte("[" + v + ", " + ints[1:]); return m }},
	}
	var cases []exceptionCase
	for _, p := range places {
		for _, shape := range []string{"arr", "obj", "mix"} {
			n := maxSonicDepth - p.depth(0)
			v := nested(n, shape)
			cases = append(cases, exceptionCase{
				name: "4096 levels in " + p.name + ", " + shape,
				line: p.line(v), want: p.want(v), ref: p.want(v), applies: false,
			})
			for _, extra := range []int{4, 10000 - maxSonicDepth} {
				v := nested(n+extra, shape)
				cases = append(cases, exceptionCase{
					name: strconv.Itoa(maxSonicDepth+extra) + " levels in " + p.name + ", " + shape,
					line: p.line(v), err: ErrNotObject, ref: p.want(v), applies: true,
				})
			}
			v = nested(n+10001-maxSonicDepth, shape)
			cases = append(cases, exceptionCase{
				name: "10001 levels in " + p.name + ", " + shape,
				line: p.line(v), err: ErrNotObject, refErr: ErrNotObject, applies: true,
			})
		}
	}
	// The least depths that sonic refuses: 4097 levels of objects at the
	// top level, but 4098 levels of arrays there, and 4099 in a body.
	top := places[0]
	cases = append(cases,
		exceptionCase{name: "4097 levels of objects, top level", line: top.line(nested(4096, "obj")), err: ErrNotObject, ref: read, applies: true},
		exceptionCase{name: "4097 levels of arrays, top level", line: top.line(nested(4096, "arr")), want: read, ref: read, applies: true},
		exceptionCase{name: "4098 levels of arrays, top level", line: top.line(nested(4097, "arr")), err: ErrNotObject, ref: read, applies: true},
		exceptionCase{name: "4098 levels of arrays, body", line: places[1].line(nested(4096, "arr")), want: read, ref: read, applies: true},
		exceptionCase{name: "4099 levels of arrays, body", line: places[1].line(nested(4097, "arr")), err: ErrNotObject, ref: read, applies: true},
	)
	for _, tc := range cases {
		if got, want := nestingDepth([]byte(tc.line)), depthOfCase(tc.name); want > 0 && got != want {
			t.Fatalf("%s: nesting depth %d, want %d", tc.name, got, want)
		}
	}
	runExceptionCases(t, "nesting deeper than sonic's limit", cases)
}

// depthOfCase reads the depth that a case of TestException_Depth announces
// at the start of its name.
func depthOfCase(name string) int {
	n := 0
	for _, c := range name {
		if c < '0' || c > '9' {
			break
		}
		n = n*10 + int(c-'0')
	}
	return n
}
