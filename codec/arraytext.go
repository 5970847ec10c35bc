package codec

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
)

// RangeSource is a set of int64 values that an ArrayText encodes: its size,
// and its values in a range, ascending, each once, in pieces of about limit
// values (AppendRangeLimit appends at least limit values, or all there are
// in the range, and at most a bounded number more; the caller goes on after
// the last).
type RangeSource interface {
	Len() int
	AppendRangeLimit(dst []int64, lo, hi int64, limit int) []int64
}

// fetchValues is how many values an ArrayText reads from its source at a
// time, so that encoding a big set again needs scratch for about that many,
// not for the whole set.
const fetchValues = 8192

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
	vals  []int64   // scratch: values read from the source
	made  []segment // scratch: segments made by splitting one
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
		for k := 0; k < len(a.segs); k++ {
			if a.segs[k].dirty {
				k = a.encode(src, k)
			}
		}
		n := 0
		for k := range a.segs {
			n += a.segs[k].n
		}
		if n == src.Len() || pass == 1 {
			return
		}
		a.Reset()
	}
}

// encode encodes segment k again, splitting it when it holds more than
// maxSegment values, and returns the index of the last segment it made. It
// reads the segment's values from src in pieces of about fetchValues, so
// that its scratch stays small however many values the segment holds.
func (a *ArrayText) encode(src RangeSource, k int) int {
	lo, hi := a.segs[k].lo, int64(math.MaxInt64)
	if k+1 < len(a.segs) {
		hi = a.segs[k+1].lo - 1
	}
	a.vals = src.AppendRangeLimit(a.vals[:0], lo, hi, maxSegment+1)
	if len(a.vals) <= maxSegment { // every value of the range
		a.fill(&a.segs[k], a.vals)
		return k
	}
	// Split into segments of splitSegment values: the first keeps the
	// segment's lower bound (and buffer), each other starts at its first
	// value.
	head := a.segs[k]
	a.made = a.made[:0]
	add := func(vals []int64) {
		seg := segment{lo: vals[0]}
		if len(a.made) == 0 {
			seg = head
		}
		a.fill(&seg, vals)
		a.made = append(a.made, seg)
	}
	for {
		off := 0
		for ; len(a.vals)-off >= splitSegment; off += splitSegment {
			add(a.vals[off : off+splitSegment])
		}
		a.vals = a.vals[:copy(a.vals, a.vals[off:])]
		last := a.made[len(a.made)-1].last
		if len(a.vals) > 0 {
			last = a.vals[len(a.vals)-1]
		}
		if last == hi {
			break
		}
		n := len(a.vals)
		if a.vals = src.AppendRangeLimit(a.vals, last+1, hi, fetchValues); len(a.vals) == n {
			break
		}
	}
	if len(a.vals) > 0 {
		add(a.vals)
	}
	a.segs = slices.Replace(a.segs, k, k+1, a.made...)
	clear(a.made) // the texts now belong to a.segs
	return k + len(a.made) - 1
}

// fill sets the text of segment s to vals (ascending, all of its values),
// in its own buffer unless that was handed out in this epoch.
func (a *ArrayText) fill(s *segment, vals []int64) {
	t := s.text[:0]
	if s.lent == a.epoch {
		t = nil // handed out: leave it to its readers
	}
	if need := textBound(vals); cap(t) < need {
		t = make([]byte, 0, need)
	}
	for i := 0; i < len(vals); {
		j := i + 1
		for j < len(vals) && vals[j] == vals[j-1]+1 {
			j++
		}
		if j-i >= runText {
			t = appendRun(t, vals[i], vals[j-1])
		} else {
			for _, v := range vals[i:j] {
				t = appendElem(t, v, true)
			}
		}
		i = j
	}
	s.text, s.n, s.dirty = t, len(vals), false
	if len(vals) > 0 {
		s.last = vals[len(vals)-1]
	}
}

// textBound returns a bound on the text of ascending vals, each preceded by
// ", " (its longest value is one of its ends), and the 8 bytes that
// appendRun may write past its last value.
func textBound(vals []int64) int {
	if len(vals) == 0 {
		return 0
	}
	return len(vals)*(2+max(intLen(vals[0]), intLen(vals[len(vals)-1]))) + 8
}

// runText is the length from which a run of consecutive values is written
// by appendRun.
const runText = 16

// appendRun appends ", v" for each v from lo to hi (lo <= hi). The digits of
// each value are made from those of the value before by adding one, eight
// digits at a time in a word (carry, as IntStream predicts its input), which
// is several times faster than formatting each; values that are negative or
// of more than eight digits are formatted one by one.
func appendRun(dst []byte, lo, hi int64) []byte {
	const nines = 0x3939393939393939
	for {
		if lo < 0 || lo >= 1e8 {
			dst = appendElem(dst, lo, true)
			if lo == hi {
				return dst
			}
			lo++
			continue
		}
		var b [8]byte
		n := len(strconv.AppendInt(b[:0], lo, 10))
		word := binary.LittleEndian.Uint64(b[:])
		top, up := uint(8*(n-1)), uint(8*(8-n))
		end := min(hi, int64(pow10[n])-1) // the last value with n digits
		count := int(end - lo + 1)
		p := len(dst)
		dst = slices.Grow(dst, count*(n+2)+8)
		w := dst[:cap(dst)] // the word writes go up to 8 bytes past a value
		for range count {
			w[p], w[p+1] = ',', ' '
			binary.LittleEndian.PutUint64(w[p+2:], word)
			p += n + 2
			if byte(word>>top) != '9' {
				word += 1 << top
			} else {
				word, _ = carry(word, n, top, up, nines)
			}
		}
		dst = dst[:p]
		if end == hi {
			return dst
		}
		lo = end + 1
	}
}
