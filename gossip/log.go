package gossip

// FromClient is the source of a value that did not come from a peer: a
// client's broadcast, or a value added to the node's set directly.
const FromClient = -1

// Log lists a node's values in the order the node first saw them, each with
// the peer it came from. Position p of the log is the value that made the
// node's set p+1 values large, so a count of values (what a Plan knows a
// peer holds) is also a position: "peer i holds the first n values" means it
// holds every logged value before position n.
//
// A log keeps only a recent window: Trim drops the entries every peer that
// matters holds, Skip records that values joined without being listed (a
// large merge), and entries beyond MaxLogEntries are dropped from the front.
// A position before Base can no longer be listed; a peer that may lack it
// gets the whole set instead.
//
// Log MUST NOT be used from concurrently running goroutines; each Plan owns
// one.
type Log struct {
	base int     // position of vals[0]
	vals []int64 // values from base on, in arrival order
	srcs []int32 // srcs[j]: peer index that vals[j] came from, or FromClient
}

// MaxLogEntries bounds the entries a Log keeps. It is far above what a
// healthy cluster leaves unacknowledged, and small enough (1.5 MiB) that a
// burst of new values never pins much memory.
const MaxLogEntries = 1 << 17

// Len returns the number of values seen: the node's set size.
func (l *Log) Len() int { return l.base + len(l.vals) }

// Base returns the first position the log still lists.
func (l *Log) Base() int { return l.base }

// Append records value v, new to the node, from peer src (or FromClient).
func (l *Log) Append(v int64, src int) {
	if len(l.vals) == MaxLogEntries {
		l.drop(MaxLogEntries / 2)
	}
	l.vals = append(l.vals, v)
	l.srcs = append(l.srcs, int32(src))
}

// Skip records that n new values joined the set without being listed. The
// log forgets everything it listed: every position before the new Len is
// now before Base.
func (l *Log) Skip(n int) {
	if n <= 0 {
		return
	}
	l.base = l.Len() + n
	l.vals, l.srcs = l.vals[:0], l.srcs[:0]
}

// Trim forgets the entries before position pos, which no peer needs any
// more.
func (l *Log) Trim(pos int) {
	if pos > l.Len() {
		pos = l.Len()
	}
	if pos > l.base {
		l.drop(pos - l.base)
	}
}

func (l *Log) drop(k int) {
	n := copy(l.vals, l.vals[k:])
	copy(l.srcs, l.srcs[k:])
	l.vals, l.srcs = l.vals[:n], l.srcs[:n]
	l.base += k
}

// Missing reports whether peer may lack a value at position from or later:
// one that did not come from peer, or came from it before position trust
// (when peer lost its state, what it sent before no longer counts). It is
// true when from is before Base (the log cannot tell).
func (l *Log) Missing(from, peer, trust int) bool {
	if from < l.base {
		return true
	}
	for k, s := range l.srcs[from-l.base:] {
		if int(s) != peer || from+k < trust {
			return true
		}
	}
	return false
}

// AppendFrom appends to dst the values at position from or later that peer
// may lack (see Missing), in log order, and reports true. It appends nothing
// and reports false when from is before Base: the caller must send the whole
// set.
func (l *Log) AppendFrom(dst []int64, from, peer, trust int) ([]int64, bool) {
	if from < l.base {
		return dst, false
	}
	j := from - l.base
	for k, s := range l.srcs[j:] {
		if int(s) != peer || from+k < trust {
			dst = append(dst, l.vals[j+k])
		}
	}
	return dst, true
}
