package codec

import "math"

// RangeSource is a set of int64 values that an ArrayText encodes: its size,
// and its values in a range, ascending, each once.
type RangeSource interface {
	Len() int
	AppendRange(dst []int64, lo, hi int64) []int64
}

// Segment sizes of an ArrayText, in values: a segment that grows past
// maxSegment is split into segments of splitSegment.
const (
	maxSegment   = 4096
	splitSegment = 2048
)

// segment is the text of the set's values v with lo <= v < the next
// segment's lo: each value preceded by ", ".
type segment struct {
	lo    int64
	last  int64 // its largest value, when n > 0 and not dirty
	n     int   // its values, when not dirty
	text  []byte
	dirty bool   // values joined that the text lacks
	lent  uint64 // the epoch in which text was last handed out
}

// ArrayText keeps the JSON text of a growing set of int64 values, as
// AppendInts64 writes it, so that a read_ok (or a gossip_sync of the whole
// set) is not encoded afresh for every request: the text is cut into
// segments of up to a few thousand values, and only a segment whose values
// changed is encoded again. A value greater than every value of its segment
// (the common case: a set of consecutive integers growing at its top) is
// appended to that segment's text in place.
//
// The owner of the set tells the ArrayText what changed (Added, Changed,
// Reset) and asks for the text (Pieces, AppendTo), which it reads from the
// set's RangeSource where it must. If a change went unreported the text
// would be stale, so Pieces checks that the segments hold as many values as
// the source and starts over if they do not.
//
// The pieces that Pieces returns alias the segments' texts: they stay valid,
// and unchanged, until Release is called (a segment that is encoded again
// while its text is out gets a new buffer), so that a writer can send them
// from where they are. An ArrayText MUST NOT be used from concurrently
// running goroutines.
type ArrayText struct {
	segs  []segment
	vals  []int64 // scratch for re-encoding
	epoch uint64
}

// NewArrayText returns the text of an empty set.
func NewArrayText() *ArrayText {
	return &ArrayText{segs: []segment{{lo: math.MinInt64}}, epoch: 1}
}

// Reset forgets the text: the next Pieces encodes the whole set.
func (a *ArrayText) Reset() {
	a.segs = append(a.segs[:0], segment{lo: math.MinInt64, dirty: true})
}

// find returns the index of the segment that covers v.
func (a *ArrayText) find(v int64) int {
	lo, hi := 0, len(a.segs)-1 // segs[0].lo is MinInt64
	for lo < hi {
		mid := int(uint(lo+hi+1) >> 1)
		if a.segs[mid].lo <= v {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// Added records that v, which was not in the set, now is.
func (a *ArrayText) Added(v int64) {
	k := a.find(v)
	s := &a.segs[k]
	if s.dirty {
		return
	}
	if s.n > 0 && v <= s.last {
		s.dirty = true
		return
	}
	if s.n >= maxSegment {
		// Full: v starts a segment of its own.
		a.segs = append(a.segs, segment{})
		copy(a.segs[k+2:], a.segs[k+1:])
		a.segs[k+1] = segment{lo: v}
		s = &a.segs[k+1]
	}
	s.text = appendElem(s.text, v, true)
	s.last = v
	s.n++
}

// AddedAll records Added for each value of vals.
func (a *ArrayText) AddedAll(vals []int64) {
	for _, v := range vals {
		a.Added(v)
	}
}

// Changed records that any values from lo to hi may have joined the set.
func (a *ArrayText) Changed(lo, hi int64) {
	for k := a.find(lo); k < len(a.segs) && a.segs[k].lo <= hi; k++ {
		a.segs[k].dirty = true
	}
}

// Release tells the ArrayText that the pieces handed out so far are no
// longer read, so that their buffers may be written again.
func (a *ArrayText) Release() { a.epoch++ }

// Pieces brings the text up to date with src and appends it to dst as
// pieces whose concatenation is the set's JSON array without its brackets
// ("1, 2, 3", or nothing for an empty set). The pieces alias a (see
// ArrayText). It returns the extended dst and the total length of the
// pieces.
func (a *ArrayText) Pieces(src RangeSource, dst [][]byte) ([][]byte, int) {
	a.update(src)
	total := 0
	first := true
	for k := range a.segs {
		s := &a.segs[k]
		if s.n == 0 {
			continue
		}
		t := s.text
		if first {
			t, first = t[2:], false // the leading ", "
		}
		s.lent = a.epoch
		dst = append(dst, t)
		total += len(t)
	}
	return dst, total
}

// AppendTo appends the set's JSON array, brackets included, to dst: the
// same bytes as AppendInts64 of the set's sorted values.
func (a *ArrayText) AppendTo(src RangeSource, dst []byte) []byte {
	a.update(src)
	dst = append(dst, '[')
	first := true
	for k := range a.segs {
		if t := a.segs[k].text; a.segs[k].n > 0 {
			if first {
				t, first = t[2:], false
			}
			dst = append(dst, t...)
		}
	}
	return append(dst, ']')
}

// update encodes every dirty segment again from src, splitting those that
// grew too long, and starts over when the segments do not hold as many
// values as src (a change that went unreported).
func (a *ArrayText) update(src RangeSource) {
	for pass := 0; ; pass++ {
		n := 0
		for k := 0; k < len(a.segs); k++ {
			if a.segs[k].dirty {
				k = a.encode(src, k)
			}
			n += a.segs[k].n
		}
		if n == src.Len() || pass == 1 {
			return
		}
		a.Reset()
	}
}

// encode encodes segment k again, splitting it when it holds more than
// maxSegment values, and returns the index of the last segment it made.
func (a *ArrayText) encode(src RangeSource, k int) int {
	hi := int64(math.MaxInt64)
	if k+1 < len(a.segs) {
		hi = a.segs[k+1].lo - 1
	}
	a.vals = src.AppendRange(a.vals[:0], a.segs[k].lo, hi)
	vals := a.vals
	if len(vals) <= maxSegment {
		a.fill(k, vals)
		return k
	}
	// Split: the first part keeps the segment's lower bound; each other
	// part starts at its first value.
	parts := (len(vals) + splitSegment - 1) / splitSegment
	extra := make([]segment, parts-1)
	a.segs = append(a.segs[:k+1], append(extra, a.segs[k+1:]...)...)
	for p := range parts {
		part := vals[p*splitSegment : min((p+1)*splitSegment, len(vals))]
		if p > 0 {
			a.segs[k+p] = segment{lo: part[0]}
		}
		a.fill(k+p, part)
	}
	return k + parts - 1
}

// fill sets the text of segment k to vals (ascending, all of its values).
func (a *ArrayText) fill(k int, vals []int64) {
	s := &a.segs[k]
	t := s.text[:0]
	if s.lent == a.epoch {
		t = nil // handed out: leave it to its readers
	}
	for _, v := range vals {
		t = appendElem(t, v, true)
	}
	s.text, s.n, s.dirty = t, len(vals), false
	if len(vals) > 0 {
		s.last = vals[len(vals)-1]
	}
}
