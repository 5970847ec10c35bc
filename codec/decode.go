package codec

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"

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
// was decoded (except strings that held JSON escapes, and everything in a line
// with invalid UTF-8): they are valid only until that line's buffer is reused,
// so copy whatever must outlive it.
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
	Ack      []byte // gossip_push: an integer, the highest msg_id received
	Inc      []byte // gossip_push: an integer, the sender's incarnation
	AckInc   []byte // gossip_push: an integer, the incarnation whose msg_id ack names
	Prev     []byte // gossip_push: an integer, the msg_id of the push this one is chained to
	Grid     []byte // gossip_push: true when the push is on the hub's flush grid

	// Staged reports, for a line read by a Stream, that its messages
	// array went to the Stream's IntSink (Messages then holds the
	// Placeholder): see DecodeStreamed.
	Staged bool
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
	Ack       sonic.NoCopyRawMessage `json:"ack"`
	Inc       sonic.NoCopyRawMessage `json:"inc"`
	AckInc    sonic.NoCopyRawMessage `json:"ack_inc"`
	Prev      sonic.NoCopyRawMessage `json:"prev"`
	Grid      sonic.NoCopyRawMessage `json:"grid"`
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

var (
	compileOnce sync.Once
	warmOnce    sync.Once
	// warm is set once sonic's decoder of the envelope is compiled; until
	// then Decode uses encoding/json.
	warm atomic.Bool
)

// Pretouch compiles sonic's decoder of the envelope now, on the calling
// goroutine (several milliseconds), after which every Decoder uses sonic.
// It is safe to call more than once and from several goroutines.
func Pretouch() {
	compileOnce.Do(func() {
		// A failure only means that the first sonic decode compiles
		// lazily.
		// The probe, decoded only for a line without a type, is left to
		// compile when first needed.
		_ = sonic.PretouchMany([]reflect.Type{reflect.TypeOf(envelope{})},
			option.WithCompileMaxInlineDepth(2))
		warm.Store(true)
	})
}

// Warm starts Pretouch on a goroutine of its own, once per process, so that a
// process can answer messages (with encoding/json) while sonic compiles:
// compiling takes tens of milliseconds. A Decoder calls it once it has sent
// warmAfter lines to the general path.
func Warm() {
	warmOnce.Do(func() { go Pretouch() })
}

// Warmed reports whether sonic's decoder is compiled, so that Decode uses it
// for the lines that are not plain.
func Warmed() bool { return warm.Load() }

// warmAfter is how many lines a Decoder decodes with encoding/json before it
// has sonic compiled (Warm). Only lines that are not plain (see decodePlain)
// count: Maelstrom and the nodes send plain lines only, so a node never pays
// for the compiler (about 25 ms of CPU, which sonic's faster decodes repay
// only after a few thousand lines) unless something feeds it other lines,
// many of them.
const warmAfter = 4096

// Decoder decodes lines into Messages, reusing its state between calls so that
// a steady-state Decode allocates nothing.
//
// A Decoder MUST NOT be used from concurrently running goroutines.
type Decoder struct {
	dec     *decoder.Decoder
	env     envelope
	skip    struct{} // decoding into it validates a whole value
	fixed   []byte   // scratch: a streamed line made valid UTF-8
	general int      // lines sent to the general path, up to warmAfter
}

// NewDecoder returns a ready Decoder.
//
// Decode reads a plain line (ASCII, no escapes in keys or in src, dest and
// type: every line that Maelstrom and the nodes send) in one pass of its own
// (decodePlain), and any other line with the general path: encoding/json
// until sonic's decoder is compiled, sonic after. The Decoder has sonic
// compiled in the background (Warm) once it has taken warmAfter lines the
// general way; Pretouch compiles it now.
//
// Decode accepts exactly the lines that encoding/json accepts and reads the
// same values from them (the fuzz tests cross-check the two; see
// reference_test.go), except that, once sonic is compiled: a key that is not
// exactly a field name is matched by strings.ToLower, which differs from
// encoding/json's case folding for a few non-ASCII letters (ſ, İ); values
// nested deeper than about 4096 levels are refused (encoding/json allows
// 10000); and in a line with invalid UTF-8, whose strings both read with
// U+FFFD, the raw fields hold U+FFFD too, in a copy of the line. None of these
// can occur in a plain line, and until sonic is compiled the general path is
// encoding/json itself.
func NewDecoder() *Decoder {
	d := decoder.NewDecoder("")
	d.SetOptions(decoder.OptionValidateString)
	return &Decoder{dec: d}
}

// Decode parses line (one JSON object, without its newline) into m. On error m
// is left in an unspecified state, and the error wraps one of the package's
// sentinels. m aliases line: see Message.
func (d *Decoder) Decode(line []byte, m *Message) error {
	if decodePlain(line, m) {
		return nil
	}
	if d.general < warmAfter {
		if d.general++; d.general == warmAfter {
			Warm()
		}
	}
	return d.decodeGeneral(line, m)
}

// decodeGeneral is Decode for any line: with sonic once it is compiled, with
// encoding/json until then.
func (d *Decoder) decodeGeneral(line []byte, m *Message) error {
	if !warm.Load() {
		return decodeStd(line, m)
	}
	if err := d.decode(line); err != nil {
		return err
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
		Ack:      e.Body.Ack,
		Inc:      e.Body.Inc,
		AckInc:   e.Body.AckInc,
		Prev:     e.Body.Prev,
		Grid:     e.Body.Grid,
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

// DecodeStreamed decodes held, the held part of a line that a Stream read,
// as Decode does, and sets m.Staged when the messages field it took is the
// Placeholder at offset placeholder (Stream.End): then the line's array went
// to the Stream's sink, and Messages holds only the Placeholder. Otherwise
// (another messages field won, or none was streamed) Messages is the field's
// own text, as for any line.
//
// sure is the Stream's Sure: then the scan already knows that the
// Placeholder is the messages field the decoder takes. Otherwise (a key with
// an escape or a non-ASCII byte, which may fold onto a field name) it is
// told by where the field's text lies in the line, which sonic's raw fields
// show (DecodeStreamed waits for sonic's compilation if it is not done yet);
// a line with invalid UTF-8, which sonic would read from a copy of its own,
// is first made valid here the same way (each bad byte becomes U+FFFD, as
// encoding/json and sonic read it), in d's scratch, and m then aliases that
// scratch.
func (d *Decoder) DecodeStreamed(held []byte, placeholder int, sure bool, m *Message) error {
	if placeholder >= 0 && sure {
		if err := d.Decode(held, m); err != nil {
			return err
		}
		m.Staged = string(m.Messages) == Placeholder
		return nil
	}
	if placeholder >= 0 && !warm.Load() {
		// encoding/json's raw fields are copies, which do not tell where
		// they were: wait for sonic.
		Pretouch()
	}
	if placeholder >= 0 && !utf8.Valid(held) {
		held, placeholder = d.validUTF8(held, placeholder)
	}
	if err := d.Decode(held, m); err != nil {
		return err
	}
	if placeholder >= 0 && len(m.Messages) == len(Placeholder) {
		if off, ok := offsetIn(held, m.Messages); ok && off == placeholder {
			m.Staged = true
		}
	}
	return nil
}

// validUTF8 returns a copy of b, in d's scratch, in which every byte that is
// not part of valid UTF-8 is U+FFFD, and where offset off of b is in it.
func (d *Decoder) validUTF8(b []byte, off int) ([]byte, int) {
	out := d.fixed[:0]
	moved := off
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			out = utf8.AppendRune(out, utf8.RuneError)
			if i < off {
				moved += utf8.RuneLen(utf8.RuneError) - 1
			}
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	d.fixed = out
	return out, moved
}

// decode runs sonic on line into d.env.
func (d *Decoder) decode(line []byte) error {
	d.env = envelope{}
	d.dec.Reset(b2s(line))
	err := d.dec.Decode(&d.env)
	if err == nil {
		err = d.dec.CheckTrailings()
	}
	if err == nil && !validEscapes(line) {
		err = errEscape
	}
	if err != nil {
		return d.classify(line, err)
	}
	return nil
}

// validate checks with sonic that b is one well-formed JSON value and nothing
// else.
func (d *Decoder) validate(b []byte) error {
	d.dec.Reset(b2s(b))
	err := d.dec.Decode(&d.skip)
	if err == nil {
		err = d.dec.CheckTrailings()
	}
	if err == nil && !validEscapes(b) {
		err = errEscape
	}
	return err
}

// errEscape reports a line that sonic validated but for the escapes of the
// strings that it skipped (see validEscapes).
var errEscape = errors.New("invalid escape in a string")

// validEscapes reports whether every backslash in b starts a valid JSON
// escape: \" \\ \/ \b \f \n \r \t, or \u and four hex digits. sonic checks
// the escapes of the strings it decodes, but not always those of the strings
// it skips (unread and raw fields): there `"\q"` or `"\u00zz"` may pass,
// depending on what follows. In a line that sonic has validated otherwise,
// every backslash is inside a string, so one pass from the left reads each
// escape exactly as a JSON parser does.
func validEscapes(b []byte) bool {
	for {
		i := bytes.IndexByte(b, '\\')
		if i < 0 {
			return true
		}
		if i+1 == len(b) {
			return false
		}
		switch b[i+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			b = b[i+2:]
		case 'u':
			if len(b) < i+6 {
				return false
			}
			for _, c := range b[i+2 : i+6] {
				if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
					return false
				}
			}
			b = b[i+6:]
		default:
			return false
		}
	}
}

// classify turns a sonic error into one of the package's errors. Sonic's own
// text (with its position) is kept on one line for the log.
func (d *Decoder) classify(line []byte, err error) error {
	if i := skipSpace(line, 0); i >= len(line) || line[i] != '{' {
		return ErrNotObject
	}
	var se decoder.SyntaxError
	if !errors.As(err, &se) && err != errEscape {
		// After a field of the wrong type sonic stops before the check
		// of what follows the object: a line that is not JSON at all
		// (`{"src":1} x`) must still be reported as such.
		if verr := d.validate(line); verr != nil {
			err = verr
		}
	}
	if errors.As(err, &se) || err == errEscape {
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
