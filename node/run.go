package node

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/valyala/bytebufferpool"
)

// readSize is how much the reader asks of stdin at a time.
const readSize = 64 << 10

// queueLen bounds the chunks waiting for the handler and the batches waiting
// for the writer; a full queue blocks its producer, which is the back
// pressure that keeps memory bounded when stdout is slower than stdin.
const queueLen = 16

// Run serves the node on its configured streams until the end of its input:
// every line read is handled, every reply written and flushed, and then Run
// returns nil. It returns the first error of reading stdin or writing stdout.
// Between lines it sends the gossip that falls due (Tick), waking when Next
// says; at the end of input, gossip not yet sent is dropped.
//
// Run starts a reader and a writer goroutine; the calling goroutine is the
// handler loop, the only one that touches the node's state besides its Set.
func (n *Node) Run() error {
	n.outs.wait = true // the writer below gives every output buffer back
	chunks := make(chan *bytebufferpool.ByteBuffer, queueLen)
	outs := make(chan *bytebufferpool.ByteBuffer, queueLen)
	readErr := make(chan error, 1)
	writeErr := make(chan error, 1)
	go n.readLoop(chunks, readErr)
	go n.writeLoop(outs, writeErr)

	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	armed := time.Time{} // when the timer fires; zero when stopped

	out := n.outs.Get()
	var err error
	for {
		select {
		case c, ok := <-chunks:
			if !ok {
				if len(out.B) > 0 {
					if out, err = n.pass(outs, out); err != nil {
						return n.abort(outs, writeErr, err)
					}
				}
				n.outs.Put(out)
				close(outs)
				if n.store != nil {
					n.store.close()
				}
				if n.id != "" {
					fmt.Fprintf(n.cfg.Stderr, "[INFO] node: %s sent %d pushes with values (%d in repair rounds), %d acknowledgements alone, %d gossip_round syncs; holds %d values\n",
						n.id, n.sent.data, n.sent.repairs, n.sent.acks, n.sent.syncs, n.set.Len())
				}
				werr := <-writeErr
				if rerr := <-readErr; rerr != nil {
					return rerr
				}
				return werr
			}
			out, err = n.handleChunk(c.B, out, outs)
			n.in.Put(c)
			if err != nil {
				return n.abort(outs, writeErr, err)
			}
		case <-timer.C:
			armed = time.Time{}
			out.B = n.Tick(out.B)
		}
		if len(out.B) > 0 {
			if out, err = n.pass(outs, out); err != nil {
				return n.abort(outs, writeErr, err)
			}
		}
		if next, ok := n.Next(); ok && (armed.IsZero() || next.Before(armed)) {
			timer.Stop()
			timer.Reset(time.Until(next))
			armed = next
		}
	}
}

// batchBytes is the output size from which the handler passes a batch to the
// writer without waiting for the end of the chunk, so that a batch of big
// replies never grows past one big reply plus this.
const batchBytes = 64 << 10

// handleChunk handles each line of chunk, a run of whole lines (the last one
// may lack its newline at the end of input), and returns the batch that holds
// the output not yet passed to outs.
func (n *Node) handleChunk(chunk []byte, out *bytebufferpool.ByteBuffer, outs chan<- *bytebufferpool.ByteBuffer) (*bytebufferpool.ByteBuffer, error) {
	for len(chunk) > 0 {
		line := chunk
		if i := bytes.IndexByte(chunk, '\n'); i >= 0 {
			line, chunk = chunk[:i], chunk[i+1:]
		} else {
			chunk = nil
		}
		if len(line) > n.cfg.MaxLineBytes {
			n.lines++
			n.warnf("skipped line %d: %d bytes is over the %d-byte limit", n.lines, len(line), n.cfg.MaxLineBytes)
			continue
		}
		out.B = n.Handle(line, out.B)
		if len(out.B) >= batchBytes {
			var err error
			if out, err = n.pass(outs, out); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// pass hands the batch out to the writer and returns a fresh one. When the
// node persists what it acknowledges (DataDir), the values of the
// acknowledgements in the batch are synced to disk first; if that fails the
// batch is dropped, so that nothing is acknowledged that is not durable.
func (n *Node) pass(outs chan<- *bytebufferpool.ByteBuffer, out *bytebufferpool.ByteBuffer) (*bytebufferpool.ByteBuffer, error) {
	if n.store != nil && n.store.dirty() {
		if err := n.store.sync(n.set); err != nil {
			n.outs.Put(out)
			return nil, fmt.Errorf("node: persisting acknowledged values: %w", err)
		}
	}
	outs <- out
	return n.outs.Get(), nil
}

// abort stops Run after err: what was passed to the writer is written, and
// err is returned.
func (n *Node) abort(outs chan<- *bytebufferpool.ByteBuffer, writeErr <-chan error, err error) error {
	close(outs)
	<-writeErr
	n.warnf("%v; stopping", err)
	return err
}

// readLoop cuts stdin into chunks of whole lines and sends them on chunks,
// which it closes at the end of input. A partial line is carried into the
// next chunk; one that grows past MaxLineBytes is dropped as it arrives, so a
// huge line never sits in memory whole.
func (n *Node) readLoop(chunks chan<- *bytebufferpool.ByteBuffer, errc chan<- error) {
	defer close(chunks)
	buf := n.in.Get()
	skipping := 0 // bytes of an over-long line dropped so far, 0 when not skipping
	for {
		buf.B = n.in.Reserve(buf.B, readSize)
		old := len(buf.B)
		k, err := n.cfg.Stdin.Read(buf.B[old:cap(buf.B)])
		buf.B = buf.B[:old+k]
		if k > 0 && skipping > 0 {
			// buf holds nothing but this read's bytes.
			if i := bytes.IndexByte(buf.B, '\n'); i < 0 {
				skipping += len(buf.B)
				buf.B = buf.B[:0]
			} else {
				n.warnf("skipped a line of %d bytes: over the %d-byte limit", skipping+i, n.cfg.MaxLineBytes)
				buf.B = buf.B[:copy(buf.B, buf.B[i+1:])]
				skipping, old = 0, 0
			}
		}
		if k > 0 && skipping == 0 {
			if last := bytes.LastIndexByte(buf.B[old:], '\n'); last >= 0 {
				last += old
				next := n.in.Get()
				next.B = append(next.B, buf.B[last+1:]...)
				buf.B = buf.B[:last+1]
				chunks <- buf
				buf = next
			} else if len(buf.B) > n.cfg.MaxLineBytes {
				skipping = len(buf.B)
				buf.B = buf.B[:0]
			}
		}
		if err != nil {
			if skipping > 0 {
				n.warnf("skipped a line of %d bytes: over the %d-byte limit", skipping, n.cfg.MaxLineBytes)
			}
			if len(buf.B) > 0 {
				chunks <- buf // the last line, without a newline
			} else {
				n.in.Put(buf)
			}
			if err != io.EOF {
				errc <- err
			}
			close(errc)
			return
		}
	}
}

// writeLoop writes the batches from outs to stdout through one buffered
// writer, flushing whenever no further batch is queued: replies leave at once
// under light load and in large writes under heavy load. After a write error
// it keeps draining outs, so the handler never blocks on a dead stdout.
func (n *Node) writeLoop(outs <-chan *bytebufferpool.ByteBuffer, errc chan<- error) {
	w := bufio.NewWriterSize(n.cfg.Stdout, 64<<10)
	var err error
	for b := range outs {
		if err == nil {
			_, err = w.Write(b.B)
			if err == nil && len(outs) == 0 {
				err = w.Flush()
			}
			if err != nil {
				n.warnf("stdout: %v; dropping further output", err)
			}
		}
		n.outs.Put(b)
	}
	if err == nil {
		err = w.Flush()
	}
	errc <- err
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
