package codec

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync"

	"github.com/bytedance/sonic"
	"github.com/bytedance/sonic/decoder"
	"github.com/bytedance/sonic/option"
)

// Errors that Decode returns for a line that cannot be answered. Each wraps
// one of these sentinels; test with errors.Is.
var (
	// ErrNotObject: the line is not a single well-formed JSON object.
	ErrNotObject = errors.New("codec: not a JSON object")
	// ErrFieldType: src, dest, body or body.type has the wrong JSON type.
	ErrFieldType = errors.New("codec: field has the wrong JSON type")
	// ErrNoSrc: src is missing or empty.
	ErrNoSrc = errors.New("codec: missing src")
	// ErrNoDest: dest is missing or empty.
	ErrNoDest = errors.New("codec: missing dest")
	// ErrNoBody: body is missing.
	ErrNoBody = errors.New("codec: missing body")
	// ErrNoType: body.type is missing or empty.
	ErrNoType = errors.New("codec: missing body.type")
	// ErrMsgID: body.msg_id is present but not an int64.
	ErrMsgID = errors.New("codec: body.msg_id is not an int64")
)

// Message is one decoded line. Its strings and raw fields alias the line that
// was decoded (except strings that held JSON escapes): they are valid only
// until that line's buffer is reused, so copy whatever must outlive it.
//
// The raw fields hold the exact JSON text of a body field, or nil when the
// field is absent; ParseInt and AppendInts turn them into values.
type Message struct {
	Src  string
	Dest string
	Type string

	MsgID        int64
	HasMsgID     bool
	InReplyTo    int64
	HasInReplyTo bool

	Message  []byte // broadcast: one integer
	Messages []byte // gossip_sync, read_ok: an array of integers
	NodeID   []byte // init: a string
	NodeIDs  []byte // init: an array of strings
	Topology []byte // topology: an object of string arrays
	NewCount []byte // gossip_sync_ok
}

// body mirrors the fields of a Maelstrom body that the node reads. Every field
// but type stays raw, so a value of the wrong type is reported by the handler
// with the request's msg_id instead of failing the whole line in sonic.
type body struct {
	Type      string                 `json:"type"`
	MsgID     sonic.NoCopyRawMessage `json:"msg_id"`
	InReplyTo sonic.NoCopyRawMessage `json:"in_reply_to"`
	Message   sonic.NoCopyRawMessage `json:"message"`
	Messages  sonic.NoCopyRawMessage `json:"messages"`
	NodeID    sonic.NoCopyRawMessage `json:"node_id"`
	NodeIDs   sonic.NoCopyRawMessage `json:"node_ids"`
	Topology  sonic.NoCopyRawMessage `json:"topology"`
	NewCount  sonic.NoCopyRawMessage `json:"new_count"`
}

type envelope struct {
	Src  string `json:"src"`
	Dest string `json:"dest"`
	Body body   `json:"body"`
}

// probe is decoded only on the error path, to tell a missing body from a body
// without a type.
type probe struct {
	Body sonic.NoCopyRawMessage `json:"body"`
}

var pretouch sync.Once

// Pretouch compiles sonic's decoders for the envelope types now, so that the
// first message is not delayed by a JIT compilation of several milliseconds.
// It is safe to call more than once and from several goroutines.
func Pretouch() {
	pretouch.Do(func() {
		// A failure only means that the first decode compiles lazily.
		_ = sonic.PretouchMany([]reflect.Type{
			reflect.TypeOf(envelope{}), reflect.TypeOf(probe{}),
			reflect.TypeOf([]string(nil)), reflect.TypeOf(map[string][]string(nil)),
		}, option.WithCompileMaxInlineDepth(2))
	})
}

// Decoder decodes lines into Messages, reusing its state between calls so that
// a steady-state Decode allocates nothing.
//
// A Decoder MUST NOT be used from concurrently running goroutines.
type Decoder struct {
	strict *decoder.Decoder // lines below bigLine: validates everything
	fast   *decoder.Decoder // lines of bigLine bytes or more: see NewDecoder
	env    envelope
}

// bigLine is the line length from which Decode skips the values of fields it
// does not read without validating them.
const bigLine = 64 << 10

// NewDecoder returns a ready Decoder (and pretouches sonic once per process).
//
// Decode rejects control characters inside strings, as JSON requires (sonic's
// ValidateString), but passes invalid UTF-8 through where encoding/json would
// replace it with U+FFFD; AppendString writes such bytes as \ufffd, so
// nothing invalid reaches the output either way.
//
// Lines of 64 KiB or more are in practice gossip_sync messages with a big
// array. For them sonic skips the values of fields it does not decode without
// validating their syntax (its NoValidateJSON option): validating skipped
// values costs about 16 times more than skipping them, and the one big value
// the node reads, the messages array, is validated completely by AppendInts
// anyway. Shorter lines are validated in full.
func NewDecoder() *Decoder {
	Pretouch()
	strict := decoder.NewDecoder("")
	strict.SetOptions(decoder.OptionValidateString)
	fast := decoder.NewDecoder("")
	fast.SetOptions(decoder.OptionValidateString | decoder.OptionNoValidateJSON)
	return &Decoder{strict: strict, fast: fast}
}

// Decode parses line (one JSON object, without its newline) into m. On error m
// is left in an unspecified state, and the error wraps one of the package's
// sentinels. m aliases line: see Message.
func (d *Decoder) Decode(line []byte, m *Message) error {
	d.env = envelope{}
	dec := d.strict
	if len(line) >= bigLine {
		dec = d.fast
	}
	dec.Reset(b2s(line))
	err := dec.Decode(&d.env)
	if err == nil {
		err = dec.CheckTrailings()
	}
	if err != nil {
		return classify(line, err)
	}
	e := &d.env
	*m = Message{
		Src:      e.Src,
		Dest:     e.Dest,
		Type:     e.Body.Type,
		Message:  e.Body.Message,
		Messages: e.Body.Messages,
		NodeID:   e.Body.NodeID,
		NodeIDs:  e.Body.NodeIDs,
		Topology: e.Body.Topology,
		NewCount: e.Body.NewCount,
	}
	if m.Src == "" {
		return ErrNoSrc
	}
	if m.Dest == "" {
		return ErrNoDest
	}
	if m.Type == "" {
		var p probe
		if sonic.UnmarshalString(b2s(line), &p) == nil && (len(p.Body) == 0 || isNull(p.Body)) {
			return ErrNoBody
		}
		return ErrNoType
	}
	if raw := e.Body.MsgID; len(raw) > 0 && !isNull(raw) {
		v, err := ParseInt(raw)
		if err != nil {
			return fmt.Errorf("%w: %s", ErrMsgID, clip(raw))
		}
		m.MsgID, m.HasMsgID = v, true
	}
	if raw := e.Body.InReplyTo; len(raw) > 0 && !isNull(raw) {
		if v, err := ParseInt(raw); err == nil {
			m.InReplyTo, m.HasInReplyTo = v, true
		}
	}
	return nil
}

// classify turns a sonic error into one of the package's errors. Sonic's own
// text (with its position) is kept on one line for the log.
func classify(line []byte, err error) error {
	if i := skipSpace(line, 0); i >= len(line) || line[i] != '{' {
		return ErrNotObject
	}
	var se decoder.SyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("%w (%s)", ErrNotObject, firstLine(err.Error()))
	}
	return fmt.Errorf("%w (%s)", ErrFieldType, firstLine(err.Error()))
}

func isNull(raw []byte) bool {
	return string(raw) == "null"
}

// Snippet returns raw, the JSON text of a value, for an error text: cut to a
// few dozen bytes, so that one bad value in a huge array cannot make a huge
// reply.
func Snippet(raw []byte) string { return clip(raw) }

func clip(raw []byte) string {
	const max = 32
	if len(raw) > max {
		return string(raw[:max]) + "..."
	}
	return string(raw)
}

// firstLine returns the first line of an error text (sonic's syntax errors
// come quoted, with a multi-line excerpt of the input).
func firstLine(s string) string {
	if u, err := strconv.Unquote(s); err == nil {
		s = u
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
