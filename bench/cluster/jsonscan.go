package cluster

import (
	"bytes"
	"encoding/json"
)

// maxDepth bounds the nesting the scanner accepts, so that a hostile line
// cannot exhaust the stack.
const maxDepth = 1000

// envelope is the routing view of one protocol line. Its slices alias the
// line and are valid only until the line's buffer is reused.
type envelope struct {
	src, dest []byte
	body      []byte // the body object, braces included
	// rep is the decoded body when dest (a client id, starting with 'c')
	// came before the body, so that it was decoded in the same pass. Its
	// values slice, when non-nil, supersedes the one passed in, even when
	// decoding failed.
	rep    reply
	hasRep bool
}

// scanner validates JSON text and extracts the few fields the bench needs
// without building any values. A scanner is a plain cursor over one line; it
// MUST NOT be shared between goroutines.
type scanner struct {
	b     []byte
	i     int
	depth int
}

func (s *scanner) ws() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

func (s *scanner) peek() byte {
	if s.i < len(s.b) {
		return s.b[s.i]
	}
	return 0
}

// str scans a string at the cursor and returns its raw content (between the
// quotes) and whether it holds escapes.
func (s *scanner) str() (raw []byte, escaped, ok bool) {
	if s.peek() != '"' {
		return nil, false, false
	}
	s.i++
	start := s.i
	for s.i < len(s.b) {
		c := s.b[s.i]
		switch {
		case c == '"':
			raw = s.b[start:s.i]
			s.i++
			return raw, escaped, true
		case c == '\\':
			escaped = true
			s.i++
			if s.i >= len(s.b) {
				return nil, false, false
			}
			switch s.b[s.i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				s.i++
			case 'u':
				if s.i+4 >= len(s.b) {
					return nil, false, false
				}
				for k := 1; k <= 4; k++ {
					if !isHex(s.b[s.i+k]) {
						return nil, false, false
					}
				}
				s.i += 5
			default:
				return nil, false, false
			}
		case c < 0x20:
			return nil, false, false
		default:
			s.i++
		}
	}
	return nil, false, false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// number scans a JSON number and reports whether it is an integer (no
// fraction or exponent).
func (s *scanner) number() (integer, ok bool) {
	start := s.i
	if s.peek() == '-' {
		s.i++
	}
	switch c := s.peek(); {
	case c == '0':
		s.i++
	case '1' <= c && c <= '9':
		for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
			s.i++
		}
	default:
		return false, false
	}
	integer = true
	if s.peek() == '.' {
		integer = false
		s.i++
		if !s.digits() {
			return false, false
		}
	}
	if c := s.peek(); c == 'e' || c == 'E' {
		integer = false
		s.i++
		if c := s.peek(); c == '+' || c == '-' {
			s.i++
		}
		if !s.digits() {
			return false, false
		}
	}
	return integer, s.i > start
}

func (s *scanner) digits() bool {
	start := s.i
	for s.i < len(s.b) && '0' <= s.b[s.i] && s.b[s.i] <= '9' {
		s.i++
	}
	return s.i > start
}

func (s *scanner) literal(lit string) bool {
	if len(s.b)-s.i < len(lit) || string(s.b[s.i:s.i+len(lit)]) != lit {
		return false
	}
	s.i += len(lit)
	return true
}

// value scans and validates any JSON value at the cursor.
func (s *scanner) value() bool {
	switch c := s.peek(); {
	case c == '{':
		return s.object(nil)
	case c == '[':
		return s.array(nil)
	case c == '"':
		_, _, ok := s.str()
		return ok
	case c == 't':
		return s.literal("true")
	case c == 'f':
		return s.literal("false")
	case c == 'n':
		return s.literal("null")
	case c == '-' || '0' <= c && c <= '9':
		_, ok := s.number()
		return ok
	}
	return false
}

// object scans an object. For each member it calls field, when non-nil, with
// the cursor on the member's value; field must consume the value and report
// success. With a nil field every value is validated and skipped.
func (s *scanner) object(field func(key []byte) bool) bool {
	if s.peek() != '{' {
		return false
	}
	s.depth++
	if s.depth > maxDepth {
		return false
	}
	s.i++
	s.ws()
	if s.peek() == '}' {
		s.i++
		s.depth--
		return true
	}
	for {
		s.ws()
		key, escaped, ok := s.str()
		if !ok {
			return false
		}
		s.ws()
		if s.peek() != ':' {
			return false
		}
		s.i++
		s.ws()
		if escaped {
			key = unescape(key)
		}
		if field != nil {
			ok = field(key)
		} else {
			ok = s.value()
		}
		if !ok {
			return false
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case '}':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// array scans an array, calling elem (when non-nil) with the cursor on each
// element; elem must consume it.
func (s *scanner) array(elem func() bool) bool {
	if s.peek() != '[' {
		return false
	}
	s.depth++
	if s.depth > maxDepth {
		return false
	}
	s.i++
	s.ws()
	if s.peek() == ']' {
		s.i++
		s.depth--
		return true
	}
	for {
		s.ws()
		var ok bool
		if elem != nil {
			ok = elem()
		} else {
			ok = s.value()
		}
		if !ok {
			return false
		}
		s.ws()
		switch s.peek() {
		case ',':
			s.i++
		case ']':
			s.i++
			s.depth--
			return true
		default:
			return false
		}
	}
}

// unescape decodes the raw content of a JSON string that holds escapes. The
// content was validated by str, so decoding cannot fail.
func unescape(raw []byte) []byte {
	quoted := make([]byte, 0, len(raw)+2)
	quoted = append(quoted, '"')
	quoted = append(quoted, raw...)
	quoted = append(quoted, '"')
	var out string
	if err := json.Unmarshal(quoted, &out); err != nil {
		return raw
	}
	return []byte(out)
}

// parseEnvelope validates one protocol line and returns its src, dest and
// body. The line must be a single JSON object with string src and dest and an
// object body; other members are allowed and ignored. When vals is non-nil
// and dest names a client and precedes the body, the body is decoded as a
// reply on the way, its values appended to vals.
func parseEnvelope(line []byte, vals []int64) (envelope, error) {
	var env envelope
	s := scanner{b: line}
	s.ws()
	var haveSrc, haveDest, haveBody bool
	ok := s.object(func(key []byte) bool {
		switch string(key) {
		case "src", "dest":
			raw, escaped, ok := s.str()
			if !ok {
				return s.value() // valid JSON, wrong type: caught below
			}
			if escaped {
				raw = unescape(raw)
			}
			if key[0] == 's' {
				env.src, haveSrc = raw, true
			} else {
				env.dest, haveDest = raw, true
			}
			return true
		case "body":
			start := s.i
			if s.peek() != '{' {
				return s.value()
			}
			if vals != nil && haveDest && len(env.dest) > 0 && env.dest[0] == 'c' {
				env.rep, env.hasRep = s.reply(vals)
				if !env.hasRep {
					env.rep = reply{values: env.rep.values}
					return false
				}
			} else if !s.object(nil) {
				return false
			}
			env.body, haveBody = line[start:s.i], true
			return true
		}
		return s.value()
	})
	if !ok {
		return env, ErrBadJSON
	}
	s.ws()
	if s.i != len(line) {
		return env, ErrBadJSON
	}
	if !haveSrc || !haveDest || !haveBody {
		return env, ErrBadMessage
	}
	return env, nil
}

// replyKind classifies a reply body's type.
type replyKind uint8

const (
	replyOther replyKind = iota
	replyInitOK
	replyTopologyOK
	replyBroadcastOK
	replyReadOK
	replyError
)

var replyKinds = map[string]replyKind{
	"init_ok":      replyInitOK,
	"topology_ok":  replyTopologyOK,
	"broadcast_ok": replyBroadcastOK,
	"read_ok":      replyReadOK,
	"error":        replyError,
}

// reply is a decoded reply to a client request. Values is owned by the reply
// and comes from valuesPool; whoever drops the reply returns it.
type reply struct {
	kind        replyKind
	typ         string // the body's type, copied, when kind is replyOther
	inReplyTo   int64
	hasIRT      bool
	hasMessages bool
	values      []int64
	badValues   int    // elements of messages that are not int64 integers
	badSample   string // the first such element, as text
	code        int64
	text        string
}

// parseReply decodes a reply body addressed to a client. Integer elements of
// "messages" are appended to vals, which becomes r.values.
func parseReply(body []byte, vals []int64) (reply, error) {
	s := scanner{b: body}
	s.ws()
	r, ok := s.reply(vals)
	s.ws()
	if !ok || s.i != len(body) {
		return r, ErrBadJSON
	}
	return r, nil
}

// reply decodes the reply body object at the cursor.
func (s *scanner) reply(vals []int64) (r reply, ok bool) {
	ok = s.object(func(key []byte) bool {
		switch string(key) {
		case "type":
			raw, escaped, ok := s.str()
			if !ok {
				return s.value()
			}
			if escaped {
				raw = unescape(raw)
			}
			if k, found := replyKinds[string(raw)]; found {
				r.kind = k
			} else {
				r.kind, r.typ = replyOther, string(raw)
			}
			return true
		case "in_reply_to":
			v, isInt, ok := s.int64()
			if ok && isInt {
				r.inReplyTo, r.hasIRT = v, true
			}
			return ok
		case "code":
			v, isInt, ok := s.int64()
			if ok && isInt {
				r.code = v
			}
			return ok
		case "text":
			raw, escaped, ok := s.str()
			if !ok {
				return s.value()
			}
			if escaped {
				raw = unescape(raw)
			}
			r.text = string(raw)
			return true
		case "messages":
			if s.peek() != '[' {
				return s.value()
			}
			r.hasMessages = true
			if v, ok := s.compactInts(vals); ok {
				vals = v
				return true
			}
			return s.array(func() bool {
				start := s.i
				v, isInt, ok := s.int64()
				if ok && isInt {
					vals = append(vals, v)
					return true
				}
				s.i = start
				if !s.value() {
					return false
				}
				r.badValues++
				if r.badSample == "" {
					sample := s.b[start:s.i]
					if len(sample) > 40 {
						sample = sample[:40]
					}
					r.badSample = string(sample)
				}
				return true
			})
		}
		return s.value()
	})
	r.values = vals
	return r, ok
}

// compactInts scans, at the cursor, an array of integers of at most 18
// digits written without whitespace ("[1,-2,3]"), which is how nodes print
// read_ok's messages, and appends them to vals. For anything else it
// returns false with the cursor and vals as they were, and the caller takes
// the general path; it is only a shortcut, and accepts nothing that path
// would not.
func (s *scanner) compactInts(vals []int64) ([]int64, bool) {
	b, i, n0 := s.b, s.i, len(vals)
	if i+1 >= len(b) || b[i] != '[' {
		return vals, false
	}
	i++
	if b[i] == ']' {
		s.i = i + 1
		return vals, true
	}
	for {
		neg := i < len(b) && b[i] == '-'
		if neg {
			i++
		}
		start := i
		var u uint64
		for i < len(b) {
			c := b[i] - '0'
			if c > 9 {
				break
			}
			u = u*10 + uint64(c)
			i++
		}
		if nd := i - start; nd == 0 || nd > 18 || nd > 1 && b[start] == '0' || i >= len(b) {
			return vals[:n0], false
		}
		v := int64(u)
		if neg {
			v = -v
		}
		vals = append(vals, v)
		switch b[i] {
		case ',':
			i++
		case ']':
			s.i = i + 1
			return vals, true
		default:
			return vals[:n0], false
		}
	}
}

// int64 scans a value at the cursor. When it is a JSON integer that fits an
// int64 it returns the value with isInt set; any other valid value is
// consumed with isInt false. Digits are converted as they are validated.
func (s *scanner) int64() (v int64, isInt, ok bool) {
	start := s.i
	neg := s.peek() == '-'
	if neg {
		s.i++
	}
	digits := s.i
	var u uint64
	for s.i < len(s.b) {
		c := s.b[s.i] - '0'
		if c > 9 {
			break
		}
		u = u*10 + uint64(c)
		s.i++
	}
	nd := s.i - digits
	switch c := s.peek(); {
	case nd == 0 || nd > 1 && s.b[digits] == '0' || c == '.' || c == 'e' || c == 'E':
		// Not a plain integer (or not a number): validate it the slow way.
		s.i = start
		return 0, false, s.value()
	case nd > 19:
		return 0, false, true
	case neg && u <= 1<<63:
		return -int64(u), true, true // -(1<<63) wraps to itself, as wanted
	case !neg && u < 1<<63:
		return int64(u), true, true
	}
	return 0, false, true
}

// trimLine drops a trailing newline (and carriage return) from a line.
func trimLine(line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte{'\n'})
	return bytes.TrimSuffix(line, []byte{'\r'})
}
