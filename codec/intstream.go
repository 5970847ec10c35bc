package codec

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"
	"strconv"
)

// IntSink receives the values of a JSON array of integers as an IntStream
// parses them. The values come in array order, consecutive values folded
// into runs; a sink may reorder nothing it is given and MUST NOT retain vals
// after the call.
type IntSink interface {
	// AddRun receives the consecutive values lo, lo+1, ..., hi (lo < hi).
	AddRun(lo, hi int64)
	// AddValues receives values that are not part of a long run.
	AddValues(vals []int64)
	// Reset drops every value received so far: a Stream calls it when a
	// line holds another messages array, which wins over the earlier one.
	Reset()
}

// Status is what IntStream.Feed found.
type Status uint8

const (
	// More: every byte was consumed and the array goes on.
	More Status = iota
	// Done: the array ended; Feed's count includes its closing bracket.
	Done
	// Bad: an element is not a JSON integer in the int64 range (or the
	// text is not an array at all). Feed's count is where the rest of the
	// text starts that must follow IntStream.Partial to rebuild the array
	// from that element on.
	Bad
)

// A bad element is handed on with a prefix that keeps its context: "0, "
// when an element came before it (so that a missing element, as in "[1, ]",
// stays an error, and the element index is off by one, see
// IntStream.ElemBase), "0 " when a value was followed by something other
// than a comma or the end, nothing when it is the first element.
const (
	prefixAfterComma = "0, "
	prefixNoComma    = "0 "
)

// runMin is the length from which consecutive values go to the sink as one
// run rather than one by one.
const runMin = 32

// windowLen is how many values an IntStream collects before handing them to
// its sink.
const windowLen = 4096

// kernelLen is how many values one call of the digit kernel (scanDigits) may
// read; kernelMinText is the least text, from the first value on, for which
// an IntStream calls it (it reads whole 64-byte blocks); kernelRest is how
// many values an IntStream reads its own way after the kernel found none
// where it was called, before it calls the kernel again.
const (
	kernelLen     = 256
	kernelMinText = 192
	kernelRest    = 32
)

// kernelRoom is the least room in out with which either digit kernel reads
// a block (35 values: see scanDigits512); an IntStream keeps more than
// that in its window for the kernel to write into.
const kernelRoom = 35

type intState uint8

const (
	isOpen  intState = iota // before the opening bracket
	isFirst                 // after '[': a value or ']'
	isValue                 // after ',': a value
	isNum                   // inside a number; num holds its text so far
	isAfter                 // after a value: ',' or ']'
	isDone
	isBad
)

// IntStream parses the text of one JSON array of integers given in pieces of
// any size, cut anywhere, and hands the values to an IntSink: the way a
// gossip_sync of millions of values is read as it arrives, in memory
// independent of its length. It accepts exactly the arrays that AppendInts
// accepts; on the first element that is not an int64 it stops with Bad, so
// that the caller can hand the rest of the text to a full parser for the
// error.
//
// Sequential values, the common shape of a node's whole set, are matched
// against the text predicted for the next value, eight bytes at a time,
// without converting them. Other values go, where the machine has one, to
// the digit kernel (scanDigits: AVX2 on amd64, 64 bytes at a time), which
// takes the simple elements, non-negative and of at most 16 digits, a few
// hundred per call; the rest are read with the SWAR scanner of AppendInts,
// which is the whole portable path (other platforms, or the purego build
// tag). Either way the bytes are read in place: nothing is copied but a
// number cut by the end of a piece (at most 21 bytes).
//
// An IntStream MUST NOT be used from concurrently running goroutines. Reset
// makes it ready for the next array.
type IntStream struct {
	sink  IntSink
	state intState
	count int     // elements parsed
	win   []int64 // values not yet handed to the sink
	num   [24]byte
	nn    int    // bytes of num in use (isNum, or the partial element of Bad)
	pre   string // after Bad: the prefix of Partial
	part  [32]byte

	inRun        bool
	runLo, runHi int64

	// kbuf receives the values of the digit kernel while a run is open,
	// and those after a run found among the ones it wrote into win (see
	// kernel); rest counts down the values to read before it is called
	// again (see kernelRest).
	kbuf [kernelLen]int64
	rest int

	// The prediction of the next value of a run: its decimal text, lo
	// and hi words (little-endian, first digit in the lowest byte) with
	// predLen digits. Valid when predOK.
	predOK     bool
	predLen    int
	predLo     uint64
	predHi     uint64
	predMaskLo uint64
	predMaskHi uint64
}

// Reset prepares s for a new array whose values go to sink.
func (s *IntStream) Reset(sink IntSink) {
	s.sink, s.state, s.count, s.nn, s.pre = sink, isOpen, 0, 0, ""
	s.rest = 0
	s.win = s.win[:0]
	s.inRun, s.predOK = false, false
}

// Count returns the number of elements parsed so far: after Bad, the index
// of the bad element.
func (s *IntStream) Count() int { return s.count }

// Partial returns, after Bad, the text that must come before the rest of
// the piece (from Feed's count on) to make an array with the same elements
// from the bad one on, and the same validity: a prefix that keeps the bad
// element's context (see prefixAfterComma), then the part of the element
// that was read already. Written after "[", it makes the rest of the array
// parse as the original would have from that element. It aliases s.
func (s *IntStream) Partial() []byte {
	return append(append(s.part[:0], s.pre...), s.num[:s.nn]...)
}

// ElemBase returns, after Bad, what to add to the index of an element of the
// array that Partial starts, to get its index in the whole array.
func (s *IntStream) ElemBase() int {
	if s.pre == prefixAfterComma {
		return s.count - 1
	}
	return s.count
}

// Feed parses the next piece of the array and returns how many of its bytes
// it consumed and what it found (see Status). After Done or Bad, every value
// before the end or the bad element has reached the sink; Feed must not be
// called again before Reset.
func (s *IntStream) Feed(b []byte) (int, Status) {
	i := 0
	for i < len(b) {
		switch s.state {
		case isOpen:
			c := b[i]
			if isSpace(c) {
				i++
				continue
			}
			if c != '[' {
				return i, s.bad()
			}
			s.state = isFirst
			i++
		case isFirst, isValue:
			i = s.values(b, i)
			if s.state == isDone || s.state == isBad {
				return s.stop(i)
			}
		case isNum:
			i = s.number(b, i)
			if s.state == isBad {
				return i, Bad
			}
		case isAfter:
			i = s.after(b, i)
			if s.state == isDone || s.state == isBad {
				return s.stop(i)
			}
		}
	}
	return i, More
}

// stop ends the array at b[i:] (Done, i past the bracket, or Bad).
func (s *IntStream) stop(i int) (int, Status) {
	if s.state == isBad {
		return i, Bad
	}
	s.flush()
	return i, Done
}

// bad stops the stream at a text that is not an array.
func (s *IntStream) bad() Status {
	s.fail(0, "")
	return Bad
}

// fail stops the stream at a bad element of which nn bytes are in num,
// with the given context prefix.
func (s *IntStream) fail(nn int, pre string) {
	s.state, s.nn, s.pre = isBad, nn, pre
	s.flush()
}

// elemPrefix is the prefix of a bad element that starts now.
func (s *IntStream) elemPrefix() string {
	if s.count > 0 {
		return prefixAfterComma
	}
	return ""
}

// values parses from b[i], where a value (or, in state isFirst, ']') is
// expected, as far as it can: the fast paths while at least 24 bytes
// remain, then one value at a time. It returns where it stopped, with the
// state set for what comes next.
func (s *IntStream) values(b []byte, i int) int {
	for {
		// Fast path: the predicted next value of a run, then any
		// simple integer, each followed by ", " or ",".
		for i+24 <= len(b) {
			if b[i] == ' ' {
				i++ // after a comma read on the slow path
			}
			if s.predOK {
				if j := s.predicted(b, i); j > i {
					s.state = isValue
					i = j
					continue
				}
			}
			if digitKernel && s.rest == 0 && i >= 16 && len(b)-i >= kernelMinText {
				if j := s.kernel(b, i); j > i {
					s.state = isValue
					i = j
					continue
				}
				s.rest = kernelRest
			}
			if s.rest > 0 {
				s.rest--
			}
			v, j, ok := fastInt(b, i)
			if !ok {
				break
			}
			c := b[j]
			if c != ',' && c != ']' && !isSpace(c) {
				break
			}
			s.value(v)
			i = j
			if c != ',' {
				s.state = isAfter
				return i
			}
			s.state = isValue
			i++
			if b[i] == ' ' {
				i++
			}
		}
		// Slow path: one byte at a time.
		for i < len(b) && isSpace(b[i]) {
			i++
		}
		if i == len(b) {
			return i
		}
		c := b[i]
		switch {
		case c == ']' && s.state == isFirst:
			s.state = isDone
			return i + 1
		case c == '-' || '0' <= c && c <= '9':
			s.state, s.nn = isNum, 0
			i = s.number(b, i)
			if s.state != isAfter {
				return i // the number goes on in the next piece, or is bad
			}
			i = s.after(b, i)
			if s.state != isValue {
				return i
			}
		default:
			s.fail(0, s.elemPrefix())
			return i
		}
	}
}

// number collects the digits of a number from b[i] into num and, at its
// end, parses it. A number cut by the end of b stays in num for the next
// piece.
func (s *IntStream) number(b []byte, i int) int {
	for ; i < len(b); i++ {
		c := b[i]
		if '0' <= c && c <= '9' || c == '-' && s.nn == 0 {
			if s.nn == len(s.num)-3 { // longer than any int64
				return s.badNumber(b, i)
			}
			s.num[s.nn] = c
			s.nn++
			continue
		}
		if c == '.' || c == 'e' || c == 'E' || c != ',' && c != ']' && !isSpace(c) {
			return s.badNumber(b, i)
		}
		break
	}
	if i == len(b) {
		return i // the number may go on
	}
	v, end, ok := scanInt(s.num[:s.nn], 0)
	if !ok || end != s.nn {
		return s.badNumber(b, i)
	}
	s.nn = 0
	s.value(v)
	s.state = isAfter
	return i
}

// badNumber stops at a number that turned out not to be an int64, at b[i]:
// the element's text is num plus b[i:].
func (s *IntStream) badNumber(b []byte, i int) int {
	s.fail(s.nn, s.elemPrefix())
	return i
}

// after reads what follows a value from b[i]: whitespace, then ',' (the next
// value) or ']' (the end).
func (s *IntStream) after(b []byte, i int) int {
	for ; i < len(b); i++ {
		switch c := b[i]; {
		case isSpace(c):
		case c == ',':
			s.state = isValue
			return i + 1
		case c == ']':
			s.state = isDone
			return i + 1
		default:
			// Not an array: hand the rest over after a value and no
			// comma (the full parser reports it).
			s.fail(0, prefixNoComma)
			return i
		}
	}
	return i
}

// kernel reads values from b[i] with scanDigits and returns where they end
// (i when it read none). Values that do not continue one another, the
// common case the kernel is for, go to the window as they are; from where a
// run may begin (see runStart), or where one continues the current run,
// the kernel's values go through value, so that runs are folded and
// predicted as on the other paths.
//
// Unless a run of two or more is open, the kernel writes straight into the
// window, after the open run of one (the last value of its previous call),
// which joins the window as endRun would put it there: values far apart
// are then written once, not copied from a buffer.
func (s *IntStream) kernel(b []byte, i int) int {
	if s.inRun && s.runLo != s.runHi {
		next, n := scanKernel(b, i, s.kbuf[:])
		if n == 0 {
			return i
		}
		s.count += n
		s.fold(s.kbuf[:n])
		return next
	}
	if cap(s.win) < windowLen {
		s.win = slices.Grow(s.win, windowLen-len(s.win))
	}
	if windowLen-len(s.win) <= kernelRoom {
		s.sink.AddValues(s.win)
		s.win = s.win[:0]
	}
	start := len(s.win)
	if s.inRun {
		s.win = append(s.win, s.runLo)
	}
	out := s.win[len(s.win):min(len(s.win)+kernelLen, windowLen)]
	next, n := scanKernel(b, i, out)
	if n == 0 {
		s.win = s.win[:start]
		return i
	}
	s.count += n
	vals := s.win[start : len(s.win)+n] // the run of one, if any, then the kernel's values
	s.inRun, s.predOK = false, false
	if k := runStart(vals); k < len(vals) {
		// A run begins at vals[k-1]: it and the values after it go the
		// general way, out of the window's room, where the window may
		// write.
		rest := s.kbuf[:copy(s.kbuf[:], vals[k:])]
		s.win = s.win[:start+k-1]
		s.inRun, s.runLo, s.runHi = true, vals[k-1], vals[k-1]
		s.fold(rest)
		return next
	}
	// The last value stays open, as a run of one.
	last := vals[len(vals)-1]
	s.win = s.win[:len(s.win)+n-1]
	s.inRun, s.runLo, s.runHi = true, last, last
	return next
}

// fold records vals, values the kernel read and counted: the values up to
// where a run may begin go to the window, the run to value.
func (s *IntStream) fold(vals []int64) {
	for len(vals) > 0 {
		k := 0
		if !s.inRun || vals[0] != s.runHi+1 {
			k = runStart(vals)
			s.window(vals[:k])
		}
		for ; k < len(vals) && vals[k] == s.runHi+1; k++ {
			s.value(vals[k])
			s.count--
		}
		vals = vals[k:]
	}
}

// runStep is the stride at which runStart looks for a step: every run of
// runMin or more consecutive values, which has runMin-1 steps in a row,
// has one at a multiple of it.
const runStep = runMin - 1

// runStart returns k ≥ 1 where v[k] == v[k-1]+1 and v[k-1] starts a run
// (k == 1 or v[k-1] != v[k-2]+1), such that v[:k-1] holds no run of runMin
// or more consecutive values; or len(v) when v holds none. It looks at the
// steps at k = runStep, 2·runStep, ... only, and from the first one it
// finds walks back to the start of its run, so that values far apart cost
// one compare for runStep of them; a shorter run between those k stays in
// the values, where the window would put it anyway (see endRun). The
// kernel's values are below 10^16: v[k-1]+1 does not wrap.
func runStart(v []int64) int {
	for c := runStep; c < len(v); c += runStep {
		if v[c] != v[c-1]+1 {
			continue
		}
		for c > 1 && v[c-1] == v[c-2]+1 {
			c--
		}
		return c
	}
	return len(v)
}

// window ends the current run and records vals, the last as a new run and
// the others as values (a run among them shorter than runMin, as endRun
// would hand it on).
func (s *IntStream) window(vals []int64) {
	s.endRun()
	last := vals[len(vals)-1]
	for vals = vals[:len(vals)-1]; len(vals) > 0; {
		room := min(windowLen-len(s.win), len(vals))
		s.win = append(s.win, vals[:room]...)
		vals = vals[room:]
		if len(s.win) == windowLen {
			s.sink.AddValues(s.win)
			s.win = s.win[:0]
		}
	}
	s.inRun, s.runLo, s.runHi = true, last, last
}

// value records the next element, v.
func (s *IntStream) value(v int64) {
	s.count++
	if s.inRun && v == s.runHi+1 && s.runHi != math.MaxInt64 {
		// A run of two or more: predict the text of the next value
		// (afresh: the prediction may have fallen behind while values
		// came through the other paths, at the end of a piece).
		s.runHi = v
		s.predOK = false
		if v < 1e15 && v >= 0 {
			s.setPrediction(v + 1)
		}
		return
	}
	if s.inRun && s.runLo == s.runHi {
		// The common case of sparse values: a run of one, which needs
		// no prediction to drop. This is endRun's short-run case written
		// out: through a call (too costly to inline) it parsed sparse
		// arrays about 10% slower.
		s.win = append(s.win, s.runLo)
		if len(s.win) == windowLen {
			s.sink.AddValues(s.win)
			s.win = s.win[:0]
		}
	} else {
		s.endRun()
	}
	s.inRun, s.runLo, s.runHi = true, v, v
}

// endRun hands the current run to the sink (a long one as a run, a short one
// as values) and starts none.
func (s *IntStream) endRun() {
	if !s.inRun {
		return
	}
	s.inRun, s.predOK = false, false
	if s.runHi-s.runLo >= runMin-1 {
		if len(s.win) > 0 { // keep the array's order
			s.sink.AddValues(s.win)
			s.win = s.win[:0]
		}
		s.sink.AddRun(s.runLo, s.runHi)
		return
	}
	for v := s.runLo; ; v++ {
		s.win = append(s.win, v)
		if len(s.win) == windowLen {
			s.sink.AddValues(s.win)
			s.win = s.win[:0]
		}
		if v == s.runHi {
			return
		}
	}
}

// flush hands every value parsed so far to the sink.
func (s *IntStream) flush() {
	s.endRun()
	if len(s.win) > 0 {
		s.sink.AddValues(s.win)
		s.win = s.win[:0]
	}
}

// setPrediction sets the predicted text to that of p (0 <= p < 10^15).
func (s *IntStream) setPrediction(p int64) {
	var b [16]byte
	n := len(strconv.AppendInt(b[:0], p, 10))
	s.predLen = n
	s.predLo = binary.LittleEndian.Uint64(b[:8])
	s.predHi = binary.LittleEndian.Uint64(b[8:])
	s.predMaskLo, s.predMaskHi = byteMask(min(n, 8)), byteMask(max(n-8, 0))
	s.predOK = true
}

// byteMask returns a mask of the lowest k bytes of a word.
func byteMask(k int) uint64 {
	if k >= 8 {
		return math.MaxUint64
	}
	return 1<<(8*k) - 1
}

// predicted reads, from b[i:], the values of the run that match the
// predicted text, each followed by "," or ", " (whichever follows the first
// of them), while at least 24 bytes remain; it returns where it stopped (i
// when nothing matched). Values of up to 8 digits are matched with their
// separator and advanced in one word; longer ones through the digit bytes.
// What follows the last comma is left to the other paths, which check it (a
// comma before "]" is an error there).
func (s *IntStream) predicted(b []byte, i int) int {
	plen := s.predLen
	if plen > 8 {
		return s.predictedLong(b, i)
	}
	if i+24 > len(b) || b[i+plen] != ',' {
		return i
	}
	sep := 1
	if b[i+plen+1] == ' ' {
		sep = 2
	}
	stride := plen + sep
	// pat is the digits and the separator; when they do not fit a word
	// (7 or 8 digits and ", "), the separator's bytes are checked apart.
	sepBits := uint64(',')
	if sep == 2 {
		sepBits = uint64(',') | uint64(' ')<<8
	}
	word := s.predLo
	top := uint(8 * (plen - 1)) // shift of the last digit
	up := uint(8 * (8 - plen))  // shift that puts the digits at the top of a word
	const nines = 0x3939393939393939
	n := int64(0)
	reformat := false
	if stride <= 8 {
		mask := byteMask(stride)
		pat := word | sepBits<<(8*uint(plen))
		for ; i+24 <= len(b); n++ {
			if binary.LittleEndian.Uint64(b[i:i+8])&mask != pat {
				break
			}
			i += stride
			if byte(pat>>top) != '9' {
				pat += 1 << top
				continue
			}
			if pat, reformat = carry(pat, plen, top, up, nines); reformat {
				n++
				break
			}
		}
		word = pat & s.predMaskLo
	} else {
		mask := s.predMaskLo
		sep16 := uint16(sepBits)
		if sep == 1 {
			sep16 = 0
		}
		for ; i+24 <= len(b); n++ {
			w := b[i : i+24]
			if binary.LittleEndian.Uint64(w)&mask != word || w[plen] != ',' ||
				sep == 2 && binary.LittleEndian.Uint16(w[plen:]) != sep16 {
				break
			}
			i += stride
			if byte(word>>top) != '9' {
				word += 1 << top
				continue
			}
			if word, reformat = carry(word, plen, top, up, nines); reformat {
				n++
				break
			}
		}
	}
	s.runHi += n
	s.count += int(n)
	s.predLo = word
	if reformat {
		s.setPrediction(s.runHi + 1)
	}
	return i
}

// carry returns the text after word, whose last digit (at shift top) is a 9:
// the trailing nines become zeros and the digit before them goes up by one;
// all true when every digit is a nine (the next value is a digit longer).
// Bytes above the plen digits are left as they are.
func carry(word uint64, plen int, top, up uint, nines uint64) (uint64, bool) {
	t := bits.LeadingZeros64((word^nines)<<up) / 8 // trailing nines
	if t >= plen {
		return word, true
	}
	tail := (uint64(1)<<(8*uint(t)) - 1) << (8 * uint(plen-t)) // the trailing nines' bytes
	return word - (9*0x0101010101010101)&tail + 1<<(8*uint(plen-1-t)), false
}

// predictedLong is predicted for values of 9 to 15 digits: the text is
// compared in two words and advanced digit by digit.
func (s *IntStream) predictedLong(b []byte, i int) int {
	var text [16]byte
	binary.LittleEndian.PutUint64(text[:8], s.predLo)
	binary.LittleEndian.PutUint64(text[8:], s.predHi)
	plen := s.predLen
	lo, hi, mhi := s.predLo, s.predHi, s.predMaskHi
	n := int64(0)
	reformat := false
	for i+24 <= len(b) {
		if binary.LittleEndian.Uint64(b[i:]) != lo || binary.LittleEndian.Uint64(b[i+8:])&mhi != hi || b[i+plen] != ',' {
			break
		}
		i += plen + 1
		if b[i] == ' ' {
			i++
		}
		n++
		k := plen - 1
		for ; k >= 0 && text[k] == '9'; k-- {
			text[k] = '0'
		}
		if k < 0 {
			reformat = true // all nines: the next value is a digit longer
			break
		}
		text[k]++
		lo, hi = binary.LittleEndian.Uint64(text[:8]), binary.LittleEndian.Uint64(text[8:])&mhi
	}
	s.runHi += n
	s.count += int(n)
	s.predLo, s.predHi = lo, hi
	if reformat {
		if s.runHi+1 >= 1e15 {
			s.predOK = false
		} else {
			s.setPrediction(s.runHi + 1)
		}
	}
	return i
}
