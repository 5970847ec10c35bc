//go:build !race

package codec

import "testing"

func TestDecoder_DecodeAllocs(t *testing.T) {
	d := NewDecoder()
	lines := [][]byte{
		[]byte(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":2,"message":10}}`),
		[]byte(`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":4}}`),
		[]byte(`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":3,"messages":[10, 20, 30]}}`),
	}
	var m Message
	vals := make([]int64, 0, 16)
	for _, line := range lines {
		allocs := testing.AllocsPerRun(1000, func() {
			if err := d.Decode(line, &m); err != nil {
				t.Fatal(err)
			}
			if m.Messages != nil {
				vals, _ = AppendInts(vals[:0], m.Messages)
			}
		})
		if allocs != 0 {
			t.Errorf("Decode(%s): %v allocations, want 0", line, allocs)
		}
	}
}

func TestAppendAllocs(t *testing.T) {
	buf := make([]byte, 0, 4096)
	vals := []int64{1, 2, 3, 1 << 40}
	allocs := testing.AllocsPerRun(1000, func() {
		buf = AppendStart(buf[:0], "n1", "c1", "read_ok")
		buf = AppendIntsField(buf, "messages", vals)
		buf = AppendIntField(buf, "in_reply_to", 7)
		buf = AppendEnd(buf, 8)
	})
	if allocs != 0 {
		t.Errorf("encoding a read_ok: %v allocations, want 0", allocs)
	}
}
