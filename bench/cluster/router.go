package cluster

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// msg is one line in flight to a node. buf holds the line with its newline
// and belongs to whoever holds the msg.
type msg struct {
	due      int64 // intended delivery, clock ns
	seq      uint64
	src, dst int32 // node indexes; src is -1 for client traffic
	buf      *[]byte
}

// msgHeap is a binary min-heap on (due, seq), so equal deadlines keep send
// order. It is not synchronized; the scheduler's lock guards it.
type msgHeap []msg

func (h msgHeap) less(i, j int) bool {
	return h[i].due < h[j].due || h[i].due == h[j].due && h[i].seq < h[j].seq
}

func (h *msgHeap) push(m msg) {
	*h = append(*h, m)
	s := *h
	i := len(s) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !s.less(i, p) {
			break
		}
		s[i], s[p] = s[p], s[i]
		i = p
	}
}

func (h *msgHeap) pop() msg {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s[last] = msg{}
	s = s[:last]
	i := 0
	for {
		l := 2*i + 1
		if l >= len(s) {
			break
		}
		c := l
		if r := l + 1; r < len(s) && s.less(r, l) {
			c = r
		}
		if !s.less(c, i) {
			break
		}
		s[i], s[c] = s[c], s[i]
		i = c
	}
	*h = s
	return top
}

// netCounters are the network statistics, updated atomically by readers,
// the scheduler and writers.
type netCounters struct {
	serverSent, serverRecv, serverBytes atomic.Int64
	lossDrops, cutDrops, deadDrops      atomic.Int64
	clientSent, clientRecv              atomic.Int64
	clientBytes                         atomic.Int64
	staleReplies                        atomic.Int64
	// duplicated counts the extra copies delivered by Options.Duplicate.
	duplicated atomic.Int64
	// control counts the bench's own messages to and from nodes that are
	// not workload traffic (catch-up probes, and init and topology of
	// restarted nodes), in both directions.
	control atomic.Int64
}

// BadLine is a line a node printed on stdout that is not a valid message.
type BadLine struct {
	Node  string `json:"node"`
	Time  int64  `json:"time_ns"`
	Error string `json:"error"`
	Line  string `json:"line"` // truncated
}

// router is the simulated network. Node stdout readers call route; messages
// between servers get loss, duplication, latency (through the scheduler) and
// partitions; messages to clients go to the client at once. Everything in
// router is safe for concurrent use.
type router struct {
	clk  *clock
	ids  []string
	loss float64
	dup  float64
	lat  latency
	// jitter is Options.Jitter in ns: the most extra delay a server message
	// may get on top of its latency.
	jitter int64
	cut    atomic.Pointer[grudge]
	// writers holds each node's current stdin writer; a restarted node's
	// new process replaces its dead one's.
	writers []atomic.Pointer[nodeWriter]
	clients []*client // by client number; fixed before nodes start
	sched   scheduler
	stats   netCounters
	sends   *series // server messages sent over time
	// nodeSent counts, by node, the server messages each node printed;
	// nodeRecv those delivered to it (copies made by Options.Duplicate
	// included).
	nodeSent, nodeRecv []atomic.Int64

	badMu    sync.Mutex
	bad      []BadLine
	badCount []int // per node

	typesMu sync.Mutex
	types   map[string]int64 // server messages sent, by body type
}

// countType adds one server message of body to the count of its type.
func (r *router) countType(body []byte) {
	t := bodyType(body)
	r.typesMu.Lock()
	if r.types == nil {
		r.types = make(map[string]int64)
	}
	r.types[string(t)]++
	r.typesMu.Unlock()
}

// typeCounts returns a copy of the per-type counts.
func (r *router) typeCounts() map[string]int64 {
	r.typesMu.Lock()
	defer r.typesMu.Unlock()
	m := make(map[string]int64, len(r.types))
	for k, v := range r.types {
		m[k] = v
	}
	return m
}

// bodyType returns the string value of the first "type" key in a body
// object, or "?" when there is none; it is a statistic, not validation.
func bodyType(body []byte) []byte {
	i := bytes.Index(body, []byte(`"type"`))
	if i < 0 {
		return []byte("?")
	}
	rest := bytes.TrimLeft(body[i+6:], " \t\r\n")
	if len(rest) == 0 || rest[0] != ':' {
		return []byte("?")
	}
	rest = bytes.TrimLeft(rest[1:], " \t\r\n")
	if len(rest) == 0 || rest[0] != '"' {
		return []byte("?")
	}
	end := bytes.IndexByte(rest[1:], '"')
	if end < 0 || end > 64 {
		return []byte("?")
	}
	return rest[1 : 1+end]
}

const maxBadLinesKept = 100

// nodeIndex parses "n<k>" with k < len(ids).
func (r *router) nodeIndex(id []byte) (int, bool) {
	return parseID(id, 'n', len(r.ids))
}

func (r *router) clientByID(id []byte) (*client, bool) {
	i, ok := parseID(id, 'c', len(r.clients))
	if !ok {
		return nil, false
	}
	return r.clients[i], true
}

func parseID(id []byte, prefix byte, limit int) (int, bool) {
	if len(id) < 2 || len(id) > 12 || id[0] != prefix || (id[1] == '0' && len(id) > 2) {
		return 0, false
	}
	n := 0
	for _, c := range id[1:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n < limit
}

func (r *router) badLine(node int, line []byte, err error) {
	r.badMu.Lock()
	defer r.badMu.Unlock()
	r.badCount[node]++
	if len(r.bad) >= maxBadLinesKept {
		return
	}
	if len(line) > 200 {
		line = line[:200]
	}
	r.bad = append(r.bad, BadLine{Node: r.ids[node], Time: r.clk.now(), Error: err.Error(), Line: string(line)})
}

// readLoop reads node's stdout until it ends, routing every line. Lines may
// be of any length. It is the only goroutine that reads this node's stdout
// and uses rng and jit (see route).
func (r *router) readLoop(node int, out io.Reader, rng, jit *rand.Rand) {
	rd := bufio.NewReaderSize(out, 64<<10)
	var long []byte
	for {
		line, err := rd.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			long = append(long[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				line, err = rd.ReadSlice('\n')
				long = append(long, line...)
			}
			line = long
		}
		if len(line) > 0 {
			r.route(node, trimLine(line), rng, jit)
		}
		if err != nil {
			return
		}
		if cap(long) > 64<<20 {
			long = nil
		}
	}
}

// route handles one line printed by node. rng draws loss, duplication and
// latency; jit draws the jitter, and may be nil when r.jitter is 0 (it is
// not touched then), so that jitter leaves rng's draws as they were.
func (r *router) route(node int, line []byte, rng, jit *rand.Rand) {
	vals := getValues()
	env, err := parseEnvelope(line, vals)
	if env.rep.values != nil {
		vals = env.rep.values
	}
	if err != nil {
		releaseValues(vals)
		r.badLine(node, line, err)
		return
	}
	if dst, ok := r.nodeIndex(env.dest); ok {
		releaseValues(vals)
		src, ok := r.nodeIndex(env.src)
		if !ok {
			r.badLine(node, line, errors.New(ErrBadMessage.Error()+": src "+strconv.Quote(string(env.src))+" is not a node"))
			return
		}
		now := r.clk.now()
		r.nodeSent[node].Add(1)
		r.stats.serverSent.Add(1)
		r.stats.serverBytes.Add(int64(len(line) + 1))
		r.sends.add(now)
		r.countType(env.body)
		if r.loss > 0 && rng.Float64() < r.loss {
			r.stats.lossDrops.Add(1)
			return
		}
		copies := 1
		if r.dup > 0 && rng.Float64() < r.dup {
			r.stats.duplicated.Add(1)
			copies = 2
		}
		for range copies {
			b := getBuf()
			*b = append(append(*b, line...), '\n')
			m := msg{due: now + r.delay(rng, jit), src: int32(src), dst: int32(dst), buf: b}
			if m.due <= now+earlyWindow {
				r.deliver(m)
			} else {
				r.sched.push(m)
			}
		}
		return
	}
	c, ok := r.clientByID(env.dest)
	if !ok {
		releaseValues(vals)
		r.badLine(node, line, errors.New(ErrBadMessage.Error()+": unknown dest "+strconv.Quote(string(env.dest))))
		return
	}
	if c.control {
		r.stats.control.Add(1)
	} else {
		r.stats.clientSent.Add(1)
		r.stats.clientRecv.Add(1)
		r.stats.clientBytes.Add(int64(len(line) + 1))
	}
	rep := env.rep
	if !env.hasRep {
		if rep, err = parseReply(env.body, vals[:0]); err != nil {
			releaseValues(rep.values)
			r.badLine(node, line, err)
			return
		}
	}
	if !c.offer(rep) {
		r.stats.staleReplies.Add(1)
		releaseValues(rep.values)
	}
}

// delay draws one server message's delay in ns: its latency from rng, plus,
// with jitter, a uniform draw from [0, jitter] from jit.
func (r *router) delay(rng, jit *rand.Rand) int64 {
	d := r.lat.draw(rng)
	if r.jitter > 0 {
		d += jit.Int64N(r.jitter + 1)
	}
	return d
}

// deliver hands a server message to its destination unless a partition
// cuts it, which is decided now, at delivery time.
func (r *router) deliver(m msg) {
	if g := r.cut.Load(); g != nil && g.blocks(int(m.dst), int(m.src)) {
		r.stats.cutDrops.Add(1)
		releaseBuf(m.buf)
		return
	}
	r.stats.serverRecv.Add(1)
	r.nodeRecv[m.dst].Add(1)
	r.writers[m.dst].Load().enqueue(m)
}

// sendFromClient queues a request of client c for its node, or for w when w
// is not nil (the writer of a restarted node, not yet published); client
// traffic has no latency, loss or partitions.
func (r *router) sendFromClient(c *client, b *[]byte, w *nodeWriter) {
	if c.control {
		r.stats.control.Add(1)
	} else {
		r.stats.clientSent.Add(1)
		r.stats.clientRecv.Add(1)
		r.stats.clientBytes.Add(int64(len(*b)))
	}
	if w == nil {
		w = r.writers[c.node].Load()
	}
	w.enqueue(msg{due: r.clk.now(), src: -1, dst: int32(c.node), buf: b})
}

// earlyWindow is how early the scheduler may release a message. Go's timers
// wake up to a millisecond late when the process is idle (the runtime waits
// on epoll in whole milliseconds), so the scheduler aims half a millisecond
// early and releases what is due within half a millisecond: delivery errors
// then centre on zero instead of averaging half a millisecond late. (Maelstrom
// itself sleeps whole milliseconds, delivering up to one early.)
const earlyWindow = int64(500 * time.Microsecond)

// absNs is |d|: errors are recorded as distances from the intended time.
func absNs(d int64) int64 {
	if d < 0 {
		return -d
	}
	return d
}

// scheduler holds delayed messages in a heap and delivers each when due. One
// goroutine runs it; push is safe for concurrent use.
type scheduler struct {
	mu   sync.Mutex
	h    msgHeap
	seq  uint64
	wake chan struct{}
	// late records |dispatch time − due time|; only run touches it.
	late *hist
}

func (s *scheduler) push(m msg) {
	s.mu.Lock()
	s.seq++
	m.seq = s.seq
	s.h.push(m)
	first := s.h[0].seq == m.seq
	s.mu.Unlock()
	if first {
		select {
		case s.wake <- struct{}{}:
		default:
		}
	}
}

// run delivers due messages until stop is closed; messages still queued then
// are dropped.
func (s *scheduler) run(r *router, stop <-chan struct{}) {
	timer := newStoppedTimer()
	var batch []msg
	for {
		now := r.clk.now()
		s.mu.Lock()
		for len(s.h) > 0 && s.h[0].due <= now+earlyWindow {
			batch = append(batch, s.h.pop())
		}
		next := int64(-1)
		if len(s.h) > 0 {
			next = s.h[0].due
		}
		s.mu.Unlock()
		for i := range batch {
			s.late.record(absNs(now - batch[i].due))
			r.deliver(batch[i])
			batch[i] = msg{}
		}
		batch = batch[:0]
		if next < 0 {
			select {
			case <-s.wake:
			case <-stop:
				s.drain()
				return
			}
			continue
		}
		d := next - earlyWindow - r.clk.now()
		if d <= 0 {
			continue
		}
		timer.Reset(durationNs(d))
		select {
		case <-timer.C:
		case <-s.wake:
			timer.Stop()
		case <-stop:
			timer.Stop()
			s.drain()
			return
		}
	}
}

func (s *scheduler) drain() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.h {
		releaseBuf(m.buf)
	}
	s.h = nil
}

// nodeWriter owns one node's stdin. enqueue is safe for concurrent use; one
// goroutine runs run, which writes queued lines in batches and flushes when
// the queue is empty.
type nodeWriter struct {
	mu     sync.Mutex
	q      []msg
	closed bool
	wake   chan struct{}
	w      io.WriteCloser
	// late records |write time − due time|; only run touches it.
	late *hist
	// holdUntil: lines due before it are not counted in late. The pause
	// nemesis sets it to the maximum while the node is stopped and to the
	// time of its resumption after: lines that waited for a stopped node
	// measure the fault, not the bench.
	holdUntil atomic.Int64
	// dead is set once a write fails (the node exited).
	dead  bool
	stats *netCounters
}

func newNodeWriter(w io.WriteCloser, stats *netCounters) *nodeWriter {
	return &nodeWriter{w: w, wake: make(chan struct{}, 1), late: newHist(), stats: stats}
}

func (w *nodeWriter) enqueue(m msg) {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		releaseBuf(m.buf)
		return
	}
	w.q = append(w.q, m)
	n := len(w.q)
	w.mu.Unlock()
	if n == 1 {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
}

// close stops the writer after it has written what is queued; run then
// closes the node's stdin.
func (w *nodeWriter) close() {
	w.mu.Lock()
	w.closed = true
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

func (w *nodeWriter) run(clk *clock) {
	bw := bufio.NewWriterSize(w.w, 64<<10)
	var batch []msg
	for range w.wake {
		for {
			w.mu.Lock()
			batch, w.q = w.q, batch[:0]
			closed := w.closed
			w.mu.Unlock()
			if len(batch) == 0 {
				if closed {
					if !w.dead {
						bw.Flush()
					}
					w.w.Close()
					return
				}
				break
			}
			now := clk.now()
			for i := range batch {
				m := &batch[i]
				if m.due >= w.holdUntil.Load() {
					w.late.record(absNs(now - m.due))
				}
				if w.dead {
					w.stats.deadDrops.Add(1)
				} else if _, err := bw.Write(*m.buf); err != nil {
					w.dead = true
				}
				releaseBuf(m.buf)
				*m = msg{}
			}
			if !w.dead {
				if err := bw.Flush(); err != nil {
					w.dead = true
				}
			}
		}
	}
}
