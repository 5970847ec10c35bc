package codec

import (
	"strings"
	"testing"
)

// TestDecodePlain: the lines the plain pass takes (and then reads exactly as
// encoding/json does), and those it leaves to the general path.
func TestDecodePlain(t *testing.T) {
	deep := `{"src":"a","dest":"b","body":{"type":"t","x":` + strings.Repeat("[", plainDepth) + strings.Repeat("]", plainDepth) + `}}`
	for _, tc := range []struct {
		line  string
		taken bool
	}{
		{`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":10}}`, true},
		{` { "src" : "c1" , "dest":"n1", "body": { "type": "read", "msg_id": -0 } } `, true},
		{`{"src":"n2","dest":"n1","body":{"type":"gossip_push","msg_id":4,"messages":[1, 2, -3],"ack":3,"inc":1,"ack_inc":2,"prev":3,"grid":true}}`, true},
		{`{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1","n2"]}}`, true},
		{`{"src":"c0","dest":"n1","body":{"type":"topology","msg_id":1,"topology":{"n1":["n2"],"n2":["n1"]}}}`, true},
		// Folded keys, duplicates (the last wins), null, a second body
		// merged into the first, unknown keys of every kind skipped.
		{`{"SRC":"c1","Dest":"n1","BODY":{"TYPE":"read","Msg_ID":7,"MESSAGES":[1]}}`, true},
		{`{"src":"a","src":"c1","dest":"n1","body":{"type":"read","msg_id":1,"msg_id":2}}`, true},
		{`{"src":"c1","src":null,"dest":"n1","body":{"type":"read","type":null}}`, true},
		{`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":1},"body":{"message":5},"body":null}`, true},
		{`{"x":{"y":[1.5e-3,"\u00e9\n",true,false,null,{}]},"src":"c1","dest":"n1","body":{"type":"t","z":-0.0E+1,"message":null}}`, true},
		{`{"src":"c1","dest":"n1","body":{"type":"read","in_reply_to":1.5}}`, true}, // an unmatched reply
		{deep, false}, // nested deeper than plainDepth
		// Left to the general path: errors of every kind, escapes and
		// non-ASCII bytes where they are decoded, anything not an int64
		// in msg_id.
		{`{"src":"c\u0031","dest":"n1","body":{"type":"read"}}`, false},
		{`{"s\u0072c":"c1","dest":"n1","body":{"type":"read"}}`, false},
		{`{"src":"c1","dest":"n1","body":{"type":"read","node_id":"é"}}`, false},
		{`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":1.0}}`, false},
		{`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":9223372036854775808}}`, false},
		{`{"src":"c1","dest":"n1","body":{"type":"read","message":01}}`, false},
		{`{"src":"c1","dest":"n1","body":{"type":"read","message":"\q"}}`, false},
		{`{"src":"c1","dest":"n1","body":{"type":"read"}} x`, false},
		{`{"src":"c1","dest":"n1","body":{"type":"read"},}`, false},
		{`{"src":"c1","dest":"n1","body":{"type":5}}`, false},
		{`{"src":"c1","dest":"n1","body":[]}`, false},
		{`{"src":"c1","dest":"n1"}`, false},
		{`{"src":"","dest":"n1","body":{"type":"read"}}`, false},
		{`null`, false},
		{`[]`, false},
		{"{\"src\":\"c1\",\"dest\":\"n1\",\"body\":{\"type\":\"read\",\"x\":\"\t\"}}", false},
	} {
		var m Message
		taken := decodePlain([]byte(tc.line), &m)
		if taken != tc.taken {
			t.Errorf("decodePlain(%q) took it: %v, want %v", tc.line, taken, tc.taken)
			continue
		}
		if !taken {
			continue
		}
		want, wantErr := reference([]byte(tc.line))
		if !sameResult(m, nil, want, wantErr) {
			t.Errorf("decodePlain(%q) = %s; encoding/json %s, %v", tc.line, fmtMessage(m), fmtMessage(want), wantErr)
		}
	}
	// Nesting up to plainDepth is followed.
	ok := `{"src":"a","dest":"b","body":{"type":"t","x":` + strings.Repeat("[", plainDepth-2) + strings.Repeat("]", plainDepth-2) + `}}`
	var m Message
	if !decodePlain([]byte(ok), &m) {
		t.Errorf("decodePlain declined %d levels", plainDepth)
	}
}
