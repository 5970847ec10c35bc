package codec

// This file holds the decoder of plain lines: the lines that Maelstrom and
// the nodes actually send (ASCII, keys without escapes, strings to decode
// without escapes), read in one pass without reflection, compiled code or
// type caches. In a cluster of many node processes sharing a few cores every
// message finds a node's caches cold, and there the few hundred bytes of
// code and no data that this pass touches cost a fraction of a general
// decoder's. Anything else is left to the general decoders, which also
// classify every error: decodePlain never fails a line, it only declines it.

// plainDepth bounds the nesting that decodePlain follows (the envelope is 1,
// the body 2; a topology's arrays are 4): a deeper line is declined.
const plainDepth = 64

// decodePlain decodes line into m, as Decode would, when line is plain: one
// JSON object, ASCII only, whose keys and decoded strings (src, dest, type)
// hold no escapes, nested at most plainDepth deep, with src, dest and type
// present and a msg_id that is absent, null or an int64. It reports whether
// it did; otherwise m is in an unspecified state and the line is left to
// the general decoders.
//
// It reads keys, duplicate keys, null and the body's raw fields exactly as
// encoding/json does (see the facts in reference_test.go): a key matches a
// field whose name it equals case-insensitively (ASCII folding suffices for
// an ASCII key), the last of duplicates wins, null leaves a string field as
// it was, a second body is merged into the first, and a raw field holds the
// value's exact text (null included). Like Decode's other paths, m aliases
// line.
func decodePlain(line []byte, m *Message) bool {
	*m = Message{}
	p := plainLine{m: m}
	b := line
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return false
	}
	i, ok := plainObject(b, i, &p, false)
	if !ok || skipSpace(b, i) != len(b) || m.Src == "" || m.Dest == "" || m.Type == "" {
		return false
	}
	if raw := p.msgID; raw != nil && !isNull(raw) {
		v, end, ok := scanInt(raw, 0)
		if !ok || end != len(raw) {
			return false // not an int64: ErrMsgID, from the general path
		}
		m.MsgID, m.HasMsgID = v, true
	}
	if raw := p.inReplyTo; raw != nil && !isNull(raw) {
		if v, end, ok := scanInt(raw, 0); ok && end == len(raw) {
			m.InReplyTo, m.HasInReplyTo = v, true
		}
	}
	return true
}

// plainLine is what decodePlain reads a line into: the Message, and the raw
// text of msg_id and in_reply_to until the line is read whole.
type plainLine struct {
	m                *Message
	msgID, inReplyTo []byte
}

// plainObject reads the object at b[i] ('{'), the envelope or (body) the
// body, handing each key's value to envelopeField or bodyField, and returns
// the index past its closing brace.
func plainObject(b []byte, i int, p *plainLine, body bool) (int, bool) {
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		end, ok := plainString(b, i)
		if !ok {
			return 0, false
		}
		key := b[i+1 : end]
		i = skipSpace(b, end+1)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		i = skipSpace(b, i+1)
		if i >= len(b) {
			return 0, false
		}
		if body {
			i, ok = bodyField(b, i, key, p)
		} else {
			i, ok = envelopeField(b, i, key, p)
		}
		if !ok {
			return 0, false
		}
		var more bool
		if i, more, ok = afterMember(b, i, '}'); !ok || !more {
			return i, ok
		}
	}
}

// envelopeField reads the value of a key of the envelope (src, dest, body,
// or one to skip) at b[i] into p and returns the index past it; ok is false
// to decline the line.
func envelopeField(b []byte, i int, key []byte, p *plainLine) (int, bool) {
	switch {
	case equalFoldASCII(key, "src"):
		return plainStringField(b, i, &p.m.Src)
	case equalFoldASCII(key, "dest"):
		return plainStringField(b, i, &p.m.Dest)
	case equalFoldASCII(key, "body"):
		switch b[i] {
		case '{':
			return plainObject(b, i, p, true)
		case 'n':
			return plainLiteral(b, i, "null") // leaves the body as it was
		}
		return 0, false // a body of the wrong type
	}
	return skipValue(b, i, 1)
}

// bodyField is envelopeField for a key of the body: type, a raw field, or
// one to skip.
func bodyField(b []byte, i int, key []byte, p *plainLine) (int, bool) {
	if equalFoldASCII(key, "type") {
		return plainStringField(b, i, &p.m.Type)
	}
	raw := p.rawField(key)
	end, ok := skipValue(b, i, 2)
	if ok && raw != nil {
		*raw = b[i:end:end]
	}
	return end, ok
}

// rawField returns the raw field that key names, or nil.
func (p *plainLine) rawField(key []byte) *[]byte {
	m := p.m
	// Exact names first, the only ones the nodes and Maelstrom send.
	switch string(key) {
	case "msg_id":
		return &p.msgID
	case "in_reply_to":
		return &p.inReplyTo
	case "message":
		return &m.Message
	case "messages":
		return &m.Messages
	case "node_id":
		return &m.NodeID
	case "node_ids":
		return &m.NodeIDs
	case "topology":
		return &m.Topology
	case "new_count":
		return &m.NewCount
	case "ack":
		return &m.Ack
	case "inc":
		return &m.Inc
	case "ack_inc":
		return &m.AckInc
	case "prev":
		return &m.Prev
	case "grid":
		return &m.Grid
	}
	for _, f := range [...]struct {
		name string
		p    *[]byte
	}{
		{"msg_id", &p.msgID}, {"in_reply_to", &p.inReplyTo}, {"message", &m.Message},
		{"messages", &m.Messages}, {"node_id", &m.NodeID}, {"node_ids", &m.NodeIDs},
		{"topology", &m.Topology}, {"new_count", &m.NewCount}, {"ack", &m.Ack},
		{"inc", &m.Inc}, {"ack_inc", &m.AckInc}, {"prev", &m.Prev}, {"grid", &m.Grid},
	} {
		if equalFoldASCII(key, f.name) {
			return f.p
		}
	}
	return nil
}

// plainStringField reads the value at b[i] into *dst: a string without
// escapes, or null, which leaves *dst as it was.
func plainStringField(b []byte, i int, dst *string) (int, bool) {
	switch b[i] {
	case '"':
		end, ok := plainString(b, i)
		if !ok {
			return 0, false
		}
		*dst = b2s(b[i+1 : end])
		return end + 1, true
	case 'n':
		return plainLiteral(b, i, "null")
	}
	return 0, false
}

// plainString returns the index of the closing quote of the string that
// starts at b[i], or false for a string with an escape, a control byte or a
// byte outside ASCII, or one without its closing quote.
func plainString(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j, true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return 0, false
		}
	}
	return 0, false
}

// skipValue returns the index past the JSON value that starts at b[i], which
// it checks against JSON's grammar; ok is false for a malformed value, a
// byte outside ASCII, or nesting beyond plainDepth (depth is the value's).
func skipValue(b []byte, i, depth int) (int, bool) {
	if i >= len(b) {
		return 0, false
	}
	switch c := b[i]; {
	case c == '"':
		return skipString(b, i)
	case c == '-' || '0' <= c && c <= '9':
		return skipNumber(b, i)
	case c == 't':
		return plainLiteral(b, i, "true")
	case c == 'f':
		return plainLiteral(b, i, "false")
	case c == 'n':
		return plainLiteral(b, i, "null")
	case c == '[':
		return skipArray(b, i, depth)
	case c == '{':
		return skipObject(b, i, depth)
	}
	return 0, false
}

// skipArray is skipValue for an array.
func skipArray(b []byte, i, depth int) (int, bool) {
	if depth >= plainDepth {
		return 0, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, true
	}
	for {
		var ok bool
		if i, ok = skipValue(b, i, depth+1); !ok {
			return 0, false
		}
		var more bool
		if i, more, ok = afterMember(b, i, ']'); !ok || !more {
			return i, ok
		}
	}
}

// afterMember reads what follows a member of an object or an array, from
// b[i] on: a comma, and then more is true and next is the index of the next
// member; or close ('}' or ']'), and then more is false and next is the
// index past it. ok is false for anything else.
func afterMember(b []byte, i int, close byte) (next int, more, ok bool) {
	i = skipSpace(b, i)
	switch {
	case i >= len(b):
		return 0, false, false
	case b[i] == ',':
		return skipSpace(b, i+1), true, true
	case b[i] == close:
		return i + 1, false, true
	}
	return 0, false, false
}

// skipObject is skipValue for an object.
func skipObject(b []byte, i, depth int) (int, bool) {
	if depth >= plainDepth {
		return 0, false
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, true
	}
	for {
		if i >= len(b) || b[i] != '"' {
			return 0, false
		}
		var ok bool
		if i, ok = skipString(b, i); !ok {
			return 0, false
		}
		i = skipSpace(b, i)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		if i, ok = skipValue(b, skipSpace(b, i+1), depth+1); !ok {
			return 0, false
		}
		var more bool
		if i, more, ok = afterMember(b, i, '}'); !ok || !more {
			return i, ok
		}
	}
}

// skipString returns the index past the string that starts at b[i]: escapes
// are checked, not decoded (the string is skipped or kept raw).
func skipString(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return j + 1, true
		case c == '\\':
			if j+1 >= len(b) {
				return 0, false
			}
			switch b[j+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				j++
			case 'u':
				if j+6 > len(b) {
					return 0, false
				}
				for _, h := range b[j+2 : j+6] {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return 0, false
					}
				}
				j += 5
			default:
				return 0, false
			}
		case c < 0x20 || c >= 0x80:
			return 0, false
		}
	}
	return 0, false
}

// skipNumber returns the index past the number that starts at b[i], by
// JSON's grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func skipNumber(b []byte, i int) (int, bool) {
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i >= len(b):
		return 0, false
	case b[i] == '0':
		i++
	case '1' <= b[i] && b[i] <= '9':
		i = skipDigits(b, i+1)
	default:
		return 0, false
	}
	if i < len(b) && b[i] == '.' {
		j := skipDigits(b, i+1)
		if j == i+1 {
			return 0, false
		}
		i = j
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		j := skipDigits(b, i)
		if j == i {
			return 0, false
		}
		i = j
	}
	return i, true
}

func skipDigits(b []byte, i int) int {
	for i < len(b) && b[i]-'0' <= 9 {
		i++
	}
	return i
}

// plainLiteral returns the index past lit (true, false or null) at b[i].
func plainLiteral(b []byte, i int, lit string) (int, bool) {
	if len(b)-i < len(lit) || string(b[i:i+len(lit)]) != lit {
		return 0, false
	}
	return i + len(lit), true
}
