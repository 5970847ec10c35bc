//go:build !race

package node

import (
	"bufio"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

func TestNode_HandleAllocs(t *testing.T) {
	n, err := New(Config{Seed: 1, Stderr: io.Discard})
	if err != nil {
		t.Fatal(err)
	}
	out := n.Handle([]byte(strings.TrimSpace(init3)), nil)
	for i := range 10 {
		out = n.Handle(fmt.Appendf(nil, `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":%d,"message":%d}}`, i+2, i), out[:0])
	}
	lines := map[string]string{
		"broadcast":   `{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":20,"message":3}}`,
		"read":        `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":21}}`,
		"gossip_sync": `{"src":"n2","dest":"n1","body":{"type":"gossip_sync","msg_id":22,"messages":[1, 5, 11, 12]}}`,
		"sync_ok":     `{"src":"n2","dest":"n1","body":{"type":"gossip_sync_ok","msg_id":23,"in_reply_to":3,"new_count":0}}`,
		"round":       `{"src":"c1","dest":"n1","body":{"type":"gossip_round","msg_id":24}}`,
	}
	for name, line := range lines {
		b := []byte(line)
		allocs := testing.AllocsPerRun(1000, func() { out = n.Handle(b, out[:0]) })
		if allocs != 0 {
			t.Errorf("%s: %v allocations per message, want 0", name, allocs)
		}
	}
}

// TestRun_BigRepliesReuseBuffers checks that repeated read_ok replies of a
// million values are written from the set's text as it is kept, without a
// multi-megabyte buffer per reply.
func TestRun_BigRepliesReuseBuffers(t *testing.T) {
	const values, reads = 1_000_000, 20
	var b strings.Builder
	b.WriteString(init3)
	b.WriteString(`{"src":"n2","dest":"n1","body":{"type":"gossip_sync","messages":[`)
	for i := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprint(&b, i)
	}
	b.WriteString("]}}\n")
	read := `{"src":"c1","dest":"n1","body":{"type":"read","msg_id":3}}` + "\n"
	measure := func(k int) uint64 {
		in := b.String() + strings.Repeat(read, k)
		cfg := quiet()
		cfg.Stdin, cfg.Stdout = strings.NewReader(in), io.Discard
		_, got := runAllocating(t, cfg)
		return got
	}
	// Both runs make the text once; the difference is the steady state.
	base, more := measure(2+reads), measure(2+2*reads)
	perRead := int64(more-base) / reads
	replyBytes := int64(values * 9)
	t.Logf("bytes allocated per read of %d values: %d (reply is about %d bytes)", values, perRead, replyBytes)
	// Without the text, every read would allocate the whole reply.
	if perRead > replyBytes/10 {
		t.Fatalf("each big read allocates %d bytes, want well under the %d-byte reply", perRead, replyBytes)
	}
}

// TestRun_PolledAllocs: on pipes, a message's way from its line to its reply
// (read, handle, write) allocates nothing in steady state.
func TestRun_PolledAllocs(t *testing.T) {
	inR, inW, outR, outW := pipes(t)
	cfg := quiet()
	cfg.Stdin, cfg.Stdout, cfg.Stderr = inR, outW, io.Discard
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- n.Run(); outW.Close() }()
	rd := bufio.NewReaderSize(outR, 1<<16)
	roundTrip := func(line string) {
		if _, err := io.WriteString(inW, line); err != nil {
			t.Fatal(err)
		}
		if _, err := rd.ReadSlice('\n'); err != nil {
			t.Fatal(err)
		}
	}
	roundTrip(init3)
	lines := make([]string, 2000)
	for i := range lines {
		lines[i] = fmt.Sprintf(`{"src":"c1","dest":"n1","body":{"type":"broadcast","msg_id":%d,"message":%d}}`+"\n", i+2, i%50)
		if i%2 == 1 {
			lines[i] = fmt.Sprintf(`{"src":"c1","dest":"n1","body":{"type":"read","msg_id":%d}}`+"\n", i+2)
		}
	}
	for _, l := range lines[:1000] { // warm-up: buffers reach their size
		roundTrip(l)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for _, l := range lines[1000:] {
		roundTrip(l)
	}
	runtime.ReadMemStats(&after)
	// The test's own goroutine allocates nothing per round trip either
	// (the lines are made above; ReadSlice reuses its buffer).
	if per := float64(after.Mallocs-before.Mallocs) / 1000; per > 0.05 {
		t.Errorf("%.2f allocations per message", per)
	}
	inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
