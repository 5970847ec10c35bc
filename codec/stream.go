package codec

import "errors"

// ErrTooLong is returned by Stream.End for a line whose held part grew past
// the Stream's limit; the line was dropped as it arrived.
var ErrTooLong = errors.New("codec: line too long")

// Placeholder is what stands in a streamed line, after Stream.End, for the
// messages array that went to the IntSink.
const Placeholder = "0"

// Stream reads one line in pieces of any size, cut anywhere, the way a long
// input line arrives from a pipe: the body's messages array, if it is an
// array of integers, goes to an IntSink value by value (an IntStream parses
// it in place), and everything else of the line is held, with the array
// replaced by Placeholder, to be decoded whole at the end (DecodeStreamed).
// A gossip_sync of ten million values is thus read in memory proportional to
// the rest of its line, not to the array.
//
// Finding the array takes a lexical scan of the rest of the line: strings
// (with their escapes) and nesting, and the keys of the first two levels,
// matched as ASCII case-insensitively as the decoder matches them ("body",
// then "messages"). The scan does not validate; the decoder does, on the held
// part, and tells whether the Placeholder is what it took for the messages
// field (a later duplicate key wins there, as it does in encoding/json). An
// array whose element is not an int64 is held from that element on (after a
// prefix that keeps its context, see IntStream.Partial), so that the decoder
// reports it exactly as for a line read whole; so is everything after it.
//
// A Stream MUST NOT be used from concurrently running goroutines. Reset it
// before each line.
type Stream struct {
	max  int // most bytes held; more makes the line too long
	rest []byte
	ints IntStream
	sink IntSink

	state    streamState
	depth    int       // nesting outside strings
	kinds    [3]byte   // '{' or '[' at depths 1 and 2
	wantKey  [3]bool   // an object at depth 1 or 2 expects a key next
	key      [16]byte  // the key being read at depth 1 or 2
	nk       int       // its length; -1 when it cannot match (escaped or long)
	keyAt    int       // the depth of that key
	lastKey  [3]string // the last key read at depths 1 and 2 ("body", "messages" or "")
	inBody   bool      // the object at depth 2 is the body
	escape   bool      // in a string, after a backslash
	holder   int       // offset in rest of the last streamed array's Placeholder; -1 none
	exotic   bool      // a key of the first two levels has an escape or a non-ASCII byte
	elemBase int       // after a bad element, see IntStream.ElemBase
	copying  bool      // holding the rest of the line after a bad element
	length   int       // bytes of the line seen
}

type streamState uint8

const (
	ssOut     streamState = iota // between tokens
	ssString                     // in a string
	ssKey                        // in a key at depth 1 or 2
	ssColon                      // after a key "messages" in the body, before its colon
	ssArray                      // after that colon, before its value
	ssInts                       // in the streamed array
	ssTooLong                    // over the limit: dropping the line
)

// NewStream returns a Stream that holds at most max bytes of a line.
func NewStream(max int) *Stream {
	return &Stream{max: max}
}

// Reset prepares s for a new line whose array values go to sink.
func (s *Stream) Reset(sink IntSink) {
	*s = Stream{max: s.max, rest: s.rest[:0], ints: s.ints, sink: sink, holder: -1}
	s.ints.Reset(sink)
}

// Len returns the bytes of the line seen so far.
func (s *Stream) Len() int { return s.length }

// Feed reads the next piece of the line (without its newline). piece is not
// retained.
func (s *Stream) Feed(piece []byte) {
	s.length += len(piece)
	if s.state == ssTooLong {
		return
	}
	if s.copying {
		s.hold(piece)
		return
	}
	start := 0 // piece[start:i] is still to be held
	for i := 0; i < len(piece); i++ {
		c := piece[i]
		switch s.state {
		case ssString, ssKey:
			if s.escape {
				s.escape = false
				s.nk = -1
				continue
			}
			if s.state == ssKey && (c == '\\' || c >= 0x80) {
				s.exotic = true // a key the decoder may match where the scan does not
			}
			switch c {
			case '\\':
				s.escape = true
			case '"':
				s.state = s.endString()
			default:
				if s.state == ssKey && s.nk >= 0 {
					if s.nk == len(s.key) {
						s.nk = -1
					} else {
						s.key[s.nk] = c
						s.nk++
					}
				}
			}
			continue
		case ssColon:
			if c == ':' {
				s.state, s.wantKey[2] = ssArray, false
				continue
			}
			if !isSpace(c) {
				s.state = ssOut
				i--
			}
			continue
		case ssArray:
			if isSpace(c) {
				continue
			}
			if c != '[' {
				// A later messages field that is no array: it wins
				// over an array streamed before.
				s.holder = -1
				s.state = ssOut
				i--
				continue
			}
			// The body's messages array: hold what came before it and
			// the placeholder, and stream it.
			s.hold(piece[start:i])
			if s.state == ssTooLong {
				return
			}
			s.holder = len(s.rest)
			s.hold([]byte(Placeholder))
			s.sink.Reset() // a later messages field wins over an earlier one
			s.ints.Reset(s.sink)
			s.state = ssInts
			n, st := s.ints.Feed(piece[i:])
			i, start = s.afterInts(piece, i+n, st)
			if s.copying || s.state == ssTooLong {
				return
			}
			i--
			continue
		case ssInts:
			n, st := s.ints.Feed(piece[i:])
			i, start = s.afterInts(piece, i+n, st)
			if s.copying || s.state == ssTooLong {
				return
			}
			i--
			continue
		}
		// ssOut
		switch c {
		case '"':
			if s.depth >= 1 && s.depth <= 2 && s.kinds[s.depth] == '{' && s.wantKey[s.depth] {
				s.state, s.nk, s.keyAt = ssKey, 0, s.depth
			} else {
				s.state = ssString
			}
		case '{', '[':
			s.depth++
			if s.depth >= 1 && s.depth <= 2 {
				s.kinds[s.depth] = c
				s.wantKey[s.depth] = c == '{'
				s.lastKey[s.depth] = ""
				if s.depth == 2 {
					s.inBody = c == '{' && s.lastKey[1] == "body"
				}
			}
		case '}', ']':
			s.depth--
		case ',':
			if s.depth >= 1 && s.depth <= 2 {
				s.wantKey[s.depth] = s.kinds[s.depth] == '{'
			}
		case ':':
			if s.depth >= 1 && s.depth <= 2 {
				s.wantKey[s.depth] = false
			}
		}
	}
	if s.state != ssInts {
		s.hold(piece[start:])
	}
}

// afterInts continues after the array stream consumed piece up to i with
// status st, and returns where the scan goes on and where the bytes to hold
// start.
func (s *Stream) afterInts(piece []byte, i int, st Status) (int, int) {
	switch st {
	case Done:
		// The array's brackets were read by the IntStream: the scan
		// goes on after the value, at the depth of its key.
		s.state = ssOut
		return i, i
	case Bad:
		// Hold the array from the bad element on, and the rest of the
		// line: the decoder reports it as for a line read whole.
		s.rest = s.rest[:s.holder]
		s.holder = -1
		s.elemBase = s.ints.ElemBase()
		s.state = ssOut
		s.hold([]byte("["))
		s.hold(s.ints.Partial())
		s.copying = true
		s.hold(piece[i:])
		return len(piece), len(piece)
	}
	return len(piece), len(piece) // More: all consumed
}

// endString ends the string being read and returns the state that follows:
// after the key "messages" of the body, the wait for its colon. A key is
// recorded when it is one the scan looks for.
func (s *Stream) endString() streamState {
	if s.state != ssKey {
		return ssOut
	}
	d := s.keyAt
	s.lastKey[d] = ""
	k := s.key[:max(s.nk, 0)]
	switch {
	case d == 1 && s.nk >= 0 && equalFoldASCII(k, "body"):
		s.lastKey[d] = "body"
	case d == 2 && s.nk >= 0 && s.inBody && equalFoldASCII(k, "messages"):
		s.lastKey[d] = "messages"
		return ssColon
	}
	return ssOut
}

// hold appends b to the held part of the line, or drops the line when that
// grows past the limit.
func (s *Stream) hold(b []byte) {
	if s.state == ssTooLong {
		return
	}
	if len(s.rest)+len(b) > s.max {
		s.state = ssTooLong
		s.rest = s.rest[:0]
		return
	}
	s.rest = append(s.rest, b...)
}

// End finishes the line and returns its held part, to decode with
// DecodeStreamed, and the offset of the Placeholder of the streamed array in
// it (-1 when none was streamed, its values went to the sink only in part,
// or a later messages field replaced it). It returns ErrTooLong when the
// line was dropped. held aliases s until the next Reset.
func (s *Stream) End() (held []byte, placeholder int, err error) {
	if s.state == ssTooLong {
		return nil, -1, ErrTooLong
	}
	if s.state == ssInts {
		// The line ended inside the array: keep it unbalanced, so that
		// the decoder refuses it as it would the whole line.
		s.hold([]byte("["))
		s.holder = -1
	}
	return s.rest, s.holder, nil
}

// Sure reports whether the scan saw every key of the line's first two levels
// as the decoder reads it: none has an escape or a non-ASCII byte, which
// the decoder may fold onto "body" or "messages" where the scan does not.
// When it is sure, the Placeholder that End returns is the messages field
// the decoder takes, if the line is well-formed.
func (s *Stream) Sure() bool { return !s.exotic }

// ElemBase returns what to add to the index of an element error reported
// for the held part of the line, to get its index in the line's array (see
// IntStream.ElemBase).
func (s *Stream) ElemBase() int { return s.elemBase }

// equalFoldASCII reports whether b equals the lower-case ASCII name when
// ASCII letters are folded.
func equalFoldASCII(b []byte, name string) bool {
	if len(b) != len(name) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != name[i] {
			return false
		}
	}
	return true
}
