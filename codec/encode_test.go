package codec

import (
	"encoding/json"
	"testing"
)

func TestAppendString(t *testing.T) {
	// The expectations are what Python's json.dumps (ensure_ascii) writes.
	tests := []struct {
		name, in, want string
	}{
		{"plain", "n1", `"n1"`},
		{"empty", "", `""`},
		{"quote and backslash", `a"b\c`, `"a\"b\\c"`},
		{"short escapes", "\n\r\t\b\f", `"\n\r\t\b\f"`},
		{"other control", "\x00\x01\x1f", `"\u0000\u0001\u001f"`},
		{"delete kept", "\x7f", "\"\x7f\""},
		{"latin", "é", `"\u00e9"`},
		{"bmp", "€", `"\u20ac"`},
		{"astral", "😀", `"\ud83d\ude00"`},
		{"invalid utf-8", "a\xffb", `"a\ufffdb"`},
		{"slash kept", "a/b", `"a/b"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(AppendString(nil, tt.in)); got != tt.want {
				t.Fatalf("AppendString(%q) = %s, want %s", tt.in, got, tt.want)
			}
		})
	}
}

func TestAppendMessage(t *testing.T) {
	var b []byte
	b = AppendStart(b, "n1", "c1", "read_ok")
	b = AppendIntsField(b, "messages", []int64{10, 20, 30})
	b = AppendIntField(b, "in_reply_to", 4)
	b = AppendEnd(b, 3)
	want := `{"src": "n1", "dest": "c1", "body": {"type": "read_ok", "messages": [10, 20, 30], "in_reply_to": 4, "msg_id": 3}}` + "\n"
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	b = AppendStart(b[:0], "n1", "c1", "error")
	b = AppendIntField(b, "code", 12)
	b = AppendStringField(b, "text", `bad "x"`)
	b = AppendEnd(b, 0)
	want = `{"src": "n1", "dest": "c1", "body": {"type": "error", "code": 12, "text": "bad \"x\"", "msg_id": 0}}` + "\n"
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range []string{"n1", "", "\x00", "é😀", "a\xffb", `"\`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := AppendString(nil, s)
		for _, c := range b {
			if c >= 0x80 {
				t.Fatalf("AppendString(%q) = %q: not ASCII", s, b)
			}
		}
		var got string
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("AppendString(%q) = %s: not a JSON string: %v", s, b, err)
		}
		// encoding/json turns invalid UTF-8 into U+FFFD on encoding, as
		// AppendString does; compare with its own round trip.
		want, _ := json.Marshal(s)
		var wantS string
		_ = json.Unmarshal(want, &wantS)
		if got != wantS {
			t.Fatalf("AppendString(%q) decodes to %q, want %q", s, got, wantS)
		}
	})
}
