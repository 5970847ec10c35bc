package soak

import (
	"bytes"
	"fmt"
	"sync"
)

// arrayCounter counts the values of a read_ok's "messages" array as the
// reply line goes by in chunks, without decoding them: the values are
// integers, so they are the commas between the brackets plus one, unless the
// array is empty. It looks for the array in a line's first chunk, after a
// "read_ok" type (the node writes the type first and lines are read in
// chunks of 1 MiB), and ignores other lines.
type arrayCounter struct {
	state  int // counterOff, counterOpen, counterSome or counterDone
	commas int
}

const (
	counterOff  = iota // not in a read_ok array
	counterOpen        // in the array, no value seen yet
	counterSome        // in the array, some value seen
	counterDone        // the array is closed
)

var (
	messagesKey = []byte(`"messages"`)
	readOKType  = []byte(`"read_ok"`)
)

// begin starts a line with its first chunk.
func (c *arrayCounter) begin(chunk []byte) {
	*c = arrayCounter{}
	i := bytes.Index(chunk, messagesKey)
	if i < 0 || !bytes.Contains(chunk[:i], readOKType) {
		return
	}
	j := bytes.IndexByte(chunk[i:], '[')
	if j < 0 {
		return
	}
	c.state = counterOpen
	c.feed(chunk[i+j+1:])
}

// feed takes the next chunk of the line.
func (c *arrayCounter) feed(b []byte) {
	if c.state != counterOpen && c.state != counterSome {
		return
	}
	end := bytes.IndexByte(b, ']')
	seg := b
	if end >= 0 {
		seg = b[:end]
	}
	if c.state == counterOpen && len(bytes.TrimLeft(seg, " \t\r\n")) > 0 {
		c.state = counterSome
	}
	c.commas += bytes.Count(seg, []byte{','})
	if end >= 0 {
		if c.state == counterOpen {
			c.commas = -1 // empty: no value
		}
		c.state = counterDone
	}
}

// count returns the values of the array, and false when the line was no
// read_ok or its array was not closed.
func (c *arrayCounter) count() (int, bool) {
	if c.state != counterDone {
		return 0, false
	}
	return c.commas + 1, true
}

// fifo is an unbounded queue of ints, safe for one producer and one
// consumer: the set sizes that the reads written so far should report.
type fifo struct {
	mu   sync.Mutex
	q    []int
	head int
}

func (f *fifo) push(v int) {
	f.mu.Lock()
	if f.head > 1024 && f.head*2 > len(f.q) {
		f.q = f.q[:copy(f.q, f.q[f.head:])]
		f.head = 0
	}
	f.q = append(f.q, v)
	f.mu.Unlock()
}

func (f *fifo) pop() (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.head == len(f.q) {
		return 0, false
	}
	f.head++
	return f.q[f.head-1], true
}

// tail keeps the last bytes written to it (about max of them): the end of
// the node's stderr.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 2*t.max {
		t.b = t.b[:copy(t.b, t.b[len(t.b)-t.max:])]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.b)
}

// note is the end of stderr, for an error message, or "".
func (t *tail) note() string {
	s := t.String()
	if len(s) > t.max {
		s = s[len(s)-t.max:]
	}
	if s == "" {
		return ""
	}
	return fmt.Sprintf("; its stderr ends with:\n%s", s)
}
