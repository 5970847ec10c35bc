package loadgen

import (
	"bytes"
	"encoding/json"
	"testing"
)

// TestSourceIsGenerate checks that a Source writes, line by line, the stream
// Generate holds, that it is fixed by the seed, and that Lines and Done agree
// with what was written.
func TestSourceIsGenerate(t *testing.T) {
	m := DefaultMix()
	m.Lines = 3000
	s, err := Generate(m)
	if err != nil {
		t.Fatal(err)
	}
	stream := func(m Mix) []byte {
		src, err := NewSource(m)
		if err != nil {
			t.Fatal(err)
		}
		var b []byte
		for !src.Done() {
			before := len(b)
			b, _ = src.Append(b)
			if n := bytes.Count(b[before:], []byte{'\n'}); n != 1 || b[len(b)-1] != '\n' {
				t.Fatalf("line %d: %d newlines in %q", src.Written()-1, n, b[before:])
			}
		}
		if src.Written() != src.Lines() || src.Lines() != m.Lines+1 {
			t.Fatalf("wrote %d lines, Lines says %d, the mix %d after init", src.Written(), src.Lines(), m.Lines)
		}
		if b2, k := src.Append(b); len(b2) != len(b) || k != Init {
			t.Fatal("Append after Done appended something")
		}
		return b
	}
	a := stream(m)
	if !bytes.Equal(a, s.Data) {
		t.Fatal("the Source's lines differ from Generate's")
	}
	if !bytes.Equal(stream(m), a) {
		t.Fatal("the same seed gave another stream")
	}
	m.Seed++
	if bytes.Equal(stream(m), a) {
		t.Fatal("another seed gave the same stream")
	}
}

// TestSourceLines streams 300,000 lines without keeping them, counts them,
// decodes one line in 97 (and every read), and checks Distinct and LastNew
// against the values of the lines decoded in full for the first 20,000.
func TestSourceLines(t *testing.T) {
	m := DefaultMix()
	m.Lines = 300_000
	m.Values = 20_000
	src, err := NewSource(m)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]bool{}
	lastNew := 0
	kinds := map[Kind]int{}
	var buf []byte
	lines := 0
	for !src.Done() {
		var k Kind
		buf, k = src.Append(buf[:0])
		id := lines
		lines++
		kinds[k]++
		if id >= 20_000 && id%97 != 0 && k != Read {
			continue
		}
		var msg struct {
			Body struct {
				Type     string
				MsgID    *int64 `json:"msg_id"`
				Message  *int64
				Messages []int64
			}
		}
		if err := json.Unmarshal(buf, &msg); err != nil || msg.Body.MsgID == nil || *msg.Body.MsgID != int64(id) {
			t.Fatalf("line %d %q: %v", id, buf, err)
		}
		want := map[Kind]string{Init: "init", Broadcast: "broadcast", Read: "read", Sync: "gossip_sync"}[k]
		if msg.Body.Type != want {
			t.Fatalf("line %d is a %s, Append said %s", id, msg.Body.Type, want)
		}
		if id >= 20_000 {
			continue
		}
		vals := msg.Body.Messages
		if msg.Body.Message != nil {
			vals = append(vals, *msg.Body.Message)
		}
		for _, v := range vals {
			if v < 0 || v >= int64(m.Values) {
				t.Fatalf("line %d: value %d out of [0, %d)", id, v, m.Values)
			}
			if !seen[v] {
				seen[v] = true
				lastNew = id
			}
		}
		if src.Distinct() != len(seen) || src.LastNew() != lastNew {
			t.Fatalf("after line %d: Distinct %d, LastNew %d; want %d, %d", id, src.Distinct(), src.LastNew(), len(seen), lastNew)
		}
	}
	if lines != m.Lines+1 || kinds[Init] != 1 {
		t.Fatalf("%d lines (%d init), want %d", lines, kinds[Init], m.Lines+1)
	}
	if kinds[Broadcast] < 170_000 || kinds[Sync] < 110_000 || kinds[Read] < 1000 {
		t.Fatalf("mix = %v", kinds)
	}
	// The values are bounded: after 300,000 lines over 20,000 values the
	// set is complete.
	if src.Distinct() != m.Values || src.LastNew() < 1 || src.LastNew() >= lines {
		t.Fatalf("Distinct %d of %d, LastNew %d", src.Distinct(), m.Values, src.LastNew())
	}
}

func TestNewSourceRejects(t *testing.T) {
	for _, m := range []Mix{
		{Lines: 0, Broadcast: 1, Values: 1, SyncMax: 1, Peers: 2},
		{Lines: 1, Broadcast: 1, Values: 0, SyncMax: 1, Peers: 2},
		{Lines: 1, Broadcast: 1, Values: 1, SyncMax: 1, Peers: 1},
		{Lines: 1, Values: 1, SyncMax: 1, Peers: 2},
		{Lines: 1, Broadcast: 1, Read: -1, Values: 1, SyncMax: 1, Peers: 2},
	} {
		if _, err := NewSource(m); err == nil {
			t.Errorf("NewSource(%+v) accepted it", m)
		}
	}
}

// BenchmarkSourceAppend is the cost of writing one line of the default mix.
func BenchmarkSourceAppend(b *testing.B) {
	m := DefaultMix()
	m.Lines = 1 << 62
	src, err := NewSource(m)
	if err != nil {
		b.Fatal(err)
	}
	var buf []byte
	var n int64
	for b.Loop() {
		buf, _ = src.Append(buf[:0])
		n += int64(len(buf))
	}
	b.SetBytes(n / int64(b.N))
}
