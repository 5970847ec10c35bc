package node

import (
	"bytes"
	"fmt"
	"io"
	"sync"
	"time"
)

// Sizes of the node's I/O.
const (
	// flushBytes is the size of a batch of output from which it is written
	// without waiting for the input to fall idle, so that a batch of big
	// replies never grows past one big reply plus this.
	flushBytes = 256 << 10
	// streamMin is the length from which a line that has not ended yet is
	// read as it arrives (codec.Stream) instead of being held whole.
	streamMin = 64 << 10
)

// Run serves the node on its configured streams until the end of its input:
// every line read is handled, every reply written, and then Run returns nil.
// It returns the first error of reading stdin or writing stdout. Between
// lines it sends the gossip that falls due (Tick), waking when Next says; at
// the end of input, gossip not yet sent is dropped.
//
// Everything runs on the calling goroutine when stdin is a pipe or socket:
// a read that finds nothing waits in Go's poller, with the next timer as its
// deadline, and the output is written (one vectored write a batch) when the
// input falls idle or the batch is big. So a lone message costs one wake-up,
// and a burst is handled and answered in batches, with back pressure: while
// stdout is full, stdin is not read. Any other stdin is read by a goroutine
// of its own.
func (n *Node) Run() error {
	in := openInput(n.cfg.Stdin)
	defer in.close()
	n.w = newWriter(n.cfg.Stdout)
	defer n.w.close()
	var out []byte
	flush := func() error {
		var err error
		out, err = n.flush(out)
		return err
	}
	for {
		var deadline time.Time
		if next, ok := n.Next(); ok {
			if !next.After(n.cfg.Clock()) {
				out = n.Tick(out)
				continue
			}
			deadline = next
		}
		chunk, err := in.next(deadline, flush)
		switch {
		case err == errDeadline:
			continue
		case err == io.EOF:
			out = n.endInput(out)
			if err := flush(); err != nil {
				return n.stop(err)
			}
			n.summary()
			return nil
		case err != nil:
			n.flush(out)
			return n.stop(err)
		}
		out = n.feed(chunk, out)
		// A short read most likely emptied the pipe: write now, before the
		// read that would find it empty, so that a lone request's reply
		// does not wait for that read.
		if n.batchSize(out) >= flushBytes || len(chunk) < readSize && len(n.carry) == 0 && !n.streaming {
			if err := flush(); err != nil {
				return n.stop(err)
			}
		}
		if n.failed != nil {
			return n.stop(n.failed)
		}
	}
}

// stop ends Run after err.
func (n *Node) stop(err error) error {
	if n.store != nil {
		n.store.close()
	}
	if n.runLog != nil {
		n.runLog.close(false)
	}
	n.warnf("%v; stopping", err)
	return err
}

// summary writes the exit summary to stderr.
func (n *Node) summary() {
	if n.store != nil {
		n.store.close()
	}
	if n.runLog != nil {
		n.runLog.close(true)
	}
	if n.id == "" {
		return
	}
	fmt.Fprintf(n.cfg.Stderr, "[INFO] node: %s sent %d pushes with values (%d in repair rounds), %d acknowledgements alone, %d gossip_round syncs; holds %d values; %s\n",
		n.id, n.sent.data, n.sent.repairs, n.sent.acks, n.sent.syncs, n.set.Len(), n.plan.Summary(n.now()))
}

// flush writes the batch out (its owned bytes and the pieces it refers to)
// and returns the emptied buffer. When the node persists what it
// acknowledges (DataDir), the values of the batch's acknowledgements are
// synced to disk first; if that fails the batch is dropped, so that nothing
// is acknowledged that is not durable. The run log (RunLog) is written
// first too; if that fails the node goes on without it.
func (n *Node) flush(out []byte) ([]byte, error) {
	if n.batchSize(out) == 0 {
		return out, nil
	}
	if n.store != nil && n.store.dirty() {
		if err := n.store.sync(n.set); err != nil {
			n.resetBatch()
			return out[:0], fmt.Errorf("node: persisting acknowledged values: %w", err)
		}
	}
	if n.runLog != nil && n.runLog.dirty() {
		if err := n.runLog.sync(n.plan.Replicated()); err != nil {
			n.warnf("run log off: %v", err) // the node works without it
			n.runLog.close(false)
			n.runLog = nil
		}
	}
	n.o.iov = append(n.o.iov, out[n.o.cut:])
	err := n.w.write(n.o.iov)
	n.resetBatch()
	if err != nil {
		err = fmt.Errorf("node: stdout: %w", err)
	}
	return out[:0], err
}

// feed handles the complete lines of chunk, with the part of a line carried
// from the chunks before, and keeps what is left of the last line: held,
// when short, or fed to the line stream, when it is long.
func (n *Node) feed(chunk []byte, out []byte) []byte {
	for len(chunk) > 0 {
		i := bytes.IndexByte(chunk, '\n')
		switch {
		case n.streaming:
			if i < 0 {
				n.stream.Feed(chunk)
				return out
			}
			n.stream.Feed(chunk[:i])
			out = n.endStream(out)
		case i < 0:
			if len(n.carry)+len(chunk) < streamMin {
				n.carry = append(n.carry, chunk...)
				return out
			}
			n.startStream()
			n.stream.Feed(chunk)
			return out
		case len(n.carry) > 0:
			n.carry = append(n.carry, chunk[:i]...)
			out = n.line(n.carry, out)
			n.carry = n.carry[:0]
		default:
			out = n.line(chunk[:i], out)
		}
		chunk = chunk[i+1:]
		if n.batchSize(out) >= flushBytes {
			var err error
			if out, err = n.flush(out); err != nil {
				n.failed = err
				return out
			}
		}
	}
	return out
}

// endInput handles a last line without its newline.
func (n *Node) endInput(out []byte) []byte {
	switch {
	case n.streaming:
		out = n.endStream(out)
	case len(n.carry) > 0:
		out = n.line(n.carry, out)
		n.carry = n.carry[:0]
	}
	return out
}

// startStream starts reading the line that began with the carried bytes as
// it arrives.
func (n *Node) startStream() {
	n.streaming = true
	n.stream.Reset(n.stage)
	n.stream.Feed(n.carry)
	n.carry = n.carry[:0]
}

// lockedWriter serializes the log lines of the node's goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
