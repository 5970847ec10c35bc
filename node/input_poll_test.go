//go:build unix

package node

import (
	"bufio"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

// TestRun_PolledPipes runs the node on real pipes, as Maelstrom starts it:
// stdin is read through the poller on the handler's goroutine, replies
// leave without the input ending, and a timer falls due while the node waits
// for input (here the leaf's push of a broadcast value to its hub).
func TestRun_PolledPipes(t *testing.T) {
	inR, inW, outR, outW := pipes(t)
	if _, ok := openInput(inR).(*polledInput); !ok {
		t.Fatal("a pipe is not read through the poller")
	}
	cfg := DefaultConfig()
	cfg.Seed, cfg.Stdin, cfg.Stdout, cfg.Stderr = 1, inR, outW, io.Discard
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- n.Run(); outW.Close() }()
	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func() string {
		select {
		case l := <-lines:
			return l
		case <-time.After(5 * time.Second):
			t.Fatal("no output within 5 s")
			return ""
		}
	}
	io.WriteString(inW, `{"src":"c0","dest":"n2","body":{"type":"init","msg_id":1,"node_id":"n2","node_ids":["n1","n2","n3"]}}`+"\n")
	if l := next(); !strings.Contains(l, `"init_ok"`) {
		t.Fatalf("got %s", l)
	}
	io.WriteString(inW, `{"src":"c1","dest":"n2","body":{"type":"broadcast","msg_id":2,"message":42}}`+"\n")
	if l := next(); !strings.Contains(l, `"broadcast_ok"`) {
		t.Fatalf("got %s", l)
	}
	if l := next(); !strings.Contains(l, `"dest": "n1"`) || !strings.Contains(l, `"gossip_push", "messages": [42]`) {
		t.Fatalf("got %s, want the push of 42 to the hub", l)
	}
	inW.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// TestPolledInput_DataAfterShortRead: data that arrives after a read that
// emptied the pipe, and that the poller notices before the next read starts,
// is read at once (a wait would never end: the poller's readiness is reset
// when a read starts, and no more data comes).
func TestPolledInput_DataAfterShortRead(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	p := pollFile(r)
	if p == nil {
		t.Fatal("a pipe is not polled")
	}
	defer p.close()
	idle := func() error { return nil }
	io.WriteString(w, "A\n")
	if b, err := p.next(time.Time{}, idle); err != nil || string(b) != "A\n" {
		t.Fatalf("first read %q, %v", b, err)
	}
	io.WriteString(w, "B\n")
	time.Sleep(50 * time.Millisecond) // the poller sees the data arrive
	if b, err := p.next(time.Now().Add(2*time.Second), idle); err != nil || string(b) != "B\n" {
		t.Fatalf("second read %q, %v: want B at once", b, err)
	}
}
