package loadgen

import (
	"errors"
	"math"
	"math/bits"
	"math/rand/v2"
	"strconv"
)

// Kind is the type of a line of the stream.
type Kind int

// The kinds of lines a Source writes.
const (
	Init Kind = iota
	Broadcast
	Read
	Sync
)

// Source writes the stream of a Mix one line at a time, from the seed, so
// that a stream of any length can be written without holding it: the lines
// are those Generate puts in memory, in the same order. It also follows the
// values it has written, that is the set of a node that took every line so
// far: Values bounds that set, which stops growing once every value in
// [0, Values) has been sent.
//
// A Source is not safe for concurrent use.
type Source struct {
	m     Mix
	total float64
	r     *rand.Rand
	id    int // the msg_id of the next line; 0 is init

	seen     []uint64 // bit v set: value v was written
	distinct int      // bits set in seen
	lastNew  int      // msg_id of the last line that brought a new value
}

// NewSource returns the Source of m.
func NewSource(m Mix) (*Source, error) {
	if m.Lines < 1 || m.Values < 1 || m.SyncMax < 1 || m.Peers < 2 {
		return nil, errors.New("loadgen: Lines, Values, SyncMax must be positive and Peers at least 2")
	}
	total := m.Broadcast + m.Read + m.Sync
	if total <= 0 || m.Broadcast < 0 || m.Read < 0 || m.Sync < 0 {
		return nil, errors.New("loadgen: shares must be non-negative with a positive sum")
	}
	return &Source{m: m, total: total, r: rand.New(rand.NewPCG(m.Seed, 99)), seen: make([]uint64, (m.Values+63)/64)}, nil
}

// Lines is the number of lines of the stream, init included; it is also the
// number of replies a node writes to it.
func (s *Source) Lines() int { return s.m.Lines + 1 }

// Written is the number of lines appended so far.
func (s *Source) Written() int { return s.id }

// Done reports whether every line has been appended.
func (s *Source) Done() bool { return s.id > s.m.Lines }

// Distinct is the number of distinct values in the lines appended so far:
// the size of the set of a node that handled them.
func (s *Source) Distinct() int { return s.distinct }

// LastNew is the msg_id (the line number, init being 0) of the last line
// appended that carried a value not written before: from there on the set
// does not grow. It is 0 while no value has been written.
func (s *Source) LastNew() int { return s.lastNew }

// Append appends the next line, with its newline, to dst and returns the
// extended slice and the kind of the line. After Done it appends nothing and
// returns Init.
func (s *Source) Append(dst []byte) ([]byte, Kind) {
	m := &s.m
	id := s.id
	if id > m.Lines {
		return dst, Init
	}
	s.id++
	if id == 0 {
		dst = append(dst, `{"src":"c0","dest":"n0","body":{"type":"init","msg_id":0,"node_id":"n0","node_ids":[`...)
		for i := range m.Peers {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, `"n`...)
			dst = strconv.AppendInt(dst, int64(i), 10)
			dst = append(dst, '"')
		}
		return append(dst, "]}}\n"...), Init
	}
	x := s.r.Float64() * s.total
	switch {
	case x < m.Broadcast:
		v := s.r.IntN(m.Values)
		s.mark(v, v+1, id)
		dst = append(dst, `{"src":"c`...)
		dst = strconv.AppendInt(dst, int64(id%m.Peers), 10)
		dst = append(dst, `","dest":"n0","body":{"type":"broadcast","message":`...)
		dst = strconv.AppendInt(dst, int64(v), 10)
		dst = append(dst, `,"msg_id":`...)
		dst = strconv.AppendInt(dst, int64(id), 10)
		return append(dst, "}}\n"...), Broadcast
	case x < m.Broadcast+m.Read:
		dst = append(dst, `{"src":"c`...)
		dst = strconv.AppendInt(dst, int64(id%m.Peers), 10)
		dst = append(dst, `","dest":"n0","body":{"type":"read","msg_id":`...)
		dst = strconv.AppendInt(dst, int64(id), 10)
		return append(dst, "}}\n"...), Read
	default:
		// Log-uniform size; the values ascending, as nodes send them.
		n := int(math.Exp(s.r.Float64() * math.Log(float64(m.SyncMax))))
		n = min(n, m.Values)
		start := s.r.IntN(m.Values - n + 1)
		s.mark(start, start+n, id)
		dst = append(dst, `{"src":"n`...)
		dst = strconv.AppendInt(dst, int64(1+id%(m.Peers-1)), 10)
		dst = append(dst, `","dest":"n0","body":{"type":"gossip_sync","msg_id":`...)
		dst = strconv.AppendInt(dst, int64(id), 10)
		dst = append(dst, `,"messages":[`...)
		for v := start; v < start+n; v++ {
			if v > start {
				dst = append(dst, ',')
			}
			dst = strconv.AppendInt(dst, int64(v), 10)
		}
		return append(dst, "]}}\n"...), Sync
	}
}

// mark records the values [lo, hi) as written by line id.
func (s *Source) mark(lo, hi, id int) {
	if s.distinct == s.m.Values {
		return // all seen: the set is complete
	}
	added := 0
	for v := lo; v < hi; {
		w, b := v/64, uint(v%64)
		k := min(hi-v, 64-int(b)) // bits of word w in the range
		mask := (^uint64(0) >> (64 - uint(k))) << b
		added += bits.OnesCount64(mask &^ s.seen[w])
		s.seen[w] |= mask
		v += k
	}
	if added > 0 {
		s.distinct += added
		s.lastNew = id
	}
}
