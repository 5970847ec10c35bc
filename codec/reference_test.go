package codec

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// This file holds the reference that Decode is cross-checked against: a
// classifier built on encoding/json that predicts, for any line, either the
// sentinel error Decode must return or every field of the Message it must
// produce. FuzzDecode and FuzzDecodeLong run it on every input; the named
// exceptions below are the only places where the two may disagree, and each
// has a table test that shows the difference.
//
// Facts about both decoders that the reference relies on, each shown by a
// row of TestDecode_MatchesReference:
//   - keys match case-insensitively, an exact match preferred (SRC is src);
//   - the last of duplicate keys wins (for a string or a raw field);
//   - a duplicate body is merged into the first (both decode into the same
//     struct), and a later "body":null leaves it as it was;
//   - null for a string field leaves it as it was (so "src":null is no src);
//   - invalid UTF-8 inside a decoded string becomes U+FFFD, one per bad
//     byte, in both (sonic with ValidateString replaces exactly as
//     encoding/json does), and so do lone surrogate escapes like \ud800;
//   - raw fields hold the exact text of the value, bytes untouched, in
//     valid UTF-8 (for invalid UTF-8 see the exceptions);
//   - a line that is the literal null is an empty envelope to both, hence
//     ErrNoSrc, not ErrNotObject (node/hostile_test.go relies on that).

// The keys that Decode reads, at each level of the line (TestReference_Mirrors
// checks that stdEnvelope and stdBody read the same as envelope and body).
var (
	envelopeKeys = jsonKeys(reflect.TypeFor[stdEnvelope]())
	bodyKeys     = jsonKeys(reflect.TypeFor[stdBody]())
)

func jsonKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		keys = append(keys, f.Tag.Get("json"))
	}
	return keys
}

// rawFields returns pointers to the raw fields of m ([]byte), by name.
func rawFields(m *Message) map[string]*[]byte {
	v := reflect.ValueOf(m).Elem()
	raw := map[string]*[]byte{}
	for f := range v.Type().Fields() {
		if f.Type == reflect.TypeFor[[]byte]() {
			raw[f.Name] = v.FieldByIndex(f.Index).Addr().Interface().(*[]byte)
		}
	}
	return raw
}

// reference returns what Decode must return for line according to
// encoding/json: the sentinel error, or (err == nil) the whole Message. It is
// decodeStd, the encoding/json path that Decode takes before sonic is
// compiled.
func reference(line []byte) (Message, error) {
	var m Message
	err := decodeStd(line, &m)
	if err != nil {
		return Message{}, err
	}
	return m, nil
}

// refInts reads raw as encoding/json reads an array of int64, except that
// null (the whole or an element), which encoding/json takes for "no value",
// is refused.
func refInts(raw []byte) ([]int64, bool) {
	var ps []*int64
	if err := json.Unmarshal(raw, &ps); err != nil || ps == nil {
		return nil, false
	}
	vals := make([]int64, len(ps))
	for i, p := range ps {
		if p == nil {
			return nil, false
		}
		vals[i] = *p
	}
	return vals, true
}

// An exception names a class of lines on which Decode may disagree with the
// reference, and says how.
type exception struct {
	name string
	// applies reports whether line is in the class.
	applies func(line []byte) bool
	// allows reports whether Decode's result (m, err) is an accepted
	// departure from the reference's (want, wantErr).
	allows func(m Message, err error, want Message, wantErr error) bool
}

var exceptions = []exception{
	{
		// Decode matches a key that is not exactly a field name with
		// sonic's rule, strings.ToLower(key) == name; encoding/json with
		// Unicode simple case folding. They differ for the non-ASCII
		// letters whose folding reaches an ASCII one: "ſrc" (U+017F, a
		// long s) is src to encoding/json only, "msg_İd" (U+0130) is
		// msg_id to sonic only; "ac\u212a" (the Kelvin sign) is ack to
		// both. Such a key may change any field, so nothing is compared
		// beyond the invariants that hold for every line. See
		// TestException_KeyFolding.
		name:    "non-ASCII key folding",
		applies: hasFoldedKey,
		allows:  func(Message, error, Message, error) bool { return true },
	},
	{
		// With ValidateString, sonic decodes a line that holds invalid
		// UTF-8 from a copy of it in which each bad byte is U+FFFD (the
		// line itself is left alone). Strings come out as from
		// encoding/json, which replaces the same bytes the same way, but a
		// raw field holds U+FFFD where encoding/json's RawMessage keeps the
		// bytes: the same JSON value, so raw fields are compared as JSON
		// values here. See TestException_InvalidUTF8.
		name:    "invalid UTF-8",
		applies: func(line []byte) bool { return !utf8.Valid(line) },
		allows: func(m Message, err error, want Message, wantErr error) bool {
			if err != nil || wantErr != nil {
				return false
			}
			wantRaw := rawFields(&want)
			for name, p := range rawFields(&m) {
				if !sameJSON(*p, *wantRaw[name]) {
					return false
				}
				*p = *wantRaw[name]
			}
			return sameResult(m, err, want, wantErr)
		},
	},
	{
		// sonic refuses values nested deeper than about 4096 levels
		// ("recursion exceeded max depth"), encoding/json only beyond
		// 10000. A line no deeper than maxSonicDepth is never refused
		// for its depth; a deeper one may be, as not JSON. When Decode
		// accepts such a line, it must agree with the reference. See
		// TestException_Depth.
		name:    "nesting deeper than sonic's limit",
		applies: func(line []byte) bool { return nestingDepth(line) > maxSonicDepth },
		allows: func(_ Message, err error, _ Message, _ error) bool {
			return errors.Is(err, ErrNotObject)
		},
	},
}

// sameJSON reports whether a and b are both absent or the same JSON value
// as encoding/json reads them (numbers compared as their text).
func sameJSON(a, b []byte) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	va, oka := jsonValue(a)
	vb, okb := jsonValue(b)
	return oka && okb && reflect.DeepEqual(va, vb)
}

func jsonValue(raw []byte) (any, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// maxSonicDepth is the deepest nesting (the line's own object counting as 1)
// that sonic accepts wherever it sits in a line. The limit of each place
// lies between 4097 and 4099 (sonic counts from where it starts to skip
// a value, and an object level costs it more than an array level); see
// TestException_Depth.
const maxSonicDepth = 4096

// foldDiffers reports whether sonic and encoding/json disagree on whether
// key names one of names.
func foldDiffers(key string, names []string) bool {
	for _, n := range names {
		sonicMatch := key == n || strings.ToLower(key) == n
		stdMatch := strings.EqualFold(key, n)
		if sonicMatch != stdMatch {
			return true
		}
	}
	return false
}

// hasFoldedKey reports whether a key of line's object, or of any body in it,
// is one that sonic and encoding/json match to different fields.
func hasFoldedKey(line []byte) bool {
	keys, vals := members(line)
	for i, k := range keys {
		if foldDiffers(k, envelopeKeys) {
			return true
		}
		if k == "body" || strings.EqualFold(k, "body") || strings.ToLower(k) == "body" {
			bk, _ := members(vals[i])
			for _, k := range bk {
				if foldDiffers(k, bodyKeys) {
					return true
				}
			}
		}
	}
	return false
}

// members returns the keys (as encoding/json unquotes them) and the raw
// values of raw when it is a well-formed JSON object, and nothing otherwise.
func members(raw []byte) (keys []string, vals []json.RawMessage) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil, nil
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, nil
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil
		}
		keys, vals = append(keys, t.(string)), append(vals, v)
	}
	return keys, vals
}

// nestingDepth returns the deepest nesting of arrays and objects in line,
// read as JSON text (brackets inside strings do not count), whether or not
// the line is well-formed.
func nestingDepth(line []byte) int {
	depth, deepest := 0, 0
	inString := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		if inString {
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
			continue
		}
		switch c {
		case '"':
			inString = true
		case '[', '{':
			depth++
			deepest = max(deepest, depth)
		case ']', '}':
			depth--
		}
	}
	return deepest
}

var sentinels = []error{ErrNotObject, ErrFieldType, ErrNoSrc, ErrNoDest, ErrNoBody, ErrNoType, ErrMsgID}

// checkDecode decodes line with d and fails t unless the result is the
// reference's, or a departure that a named exception allows. It returns the
// name of the exception that applied, or "".
func checkDecode(t *testing.T, d *Decoder, line []byte) string {
	t.Helper()
	// The plain path, where it takes the line, is encoding/json exactly.
	var pm Message
	if decodePlain(line, &pm) {
		if want, wantErr := reference(line); !sameResult(pm, nil, want, wantErr) {
			t.Fatalf("decodePlain(%q):\n got %s\nwant %s, %v (encoding/json)", clipQ(line), fmtMessage(pm), fmtMessage(want), wantErr)
		}
	}
	// The general path on every line, and Decode, which takes one of them.
	name := checkDecodeBy(t, "decodeGeneral", d.decodeGeneral, line)
	if n := checkDecodeBy(t, "Decode", d.Decode, line); n != "" {
		name = n
	}
	return name
}

// checkDecodeBy checks one decoder against the reference, within the
// exceptions, and returns the exception that applied, if any.
func checkDecodeBy(t *testing.T, by string, decode func([]byte, *Message) error, line []byte) string {
	t.Helper()
	var m Message
	err := decode(line, &m)

	// Invariants of every result, exception or not.
	if err != nil {
		n := 0
		for _, s := range sentinels {
			if errors.Is(err, s) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("%s(%q): error %v wraps %d sentinels, want 1", by, clipQ(line), err, n)
		}
	} else {
		if m.Src == "" || m.Dest == "" || m.Type == "" {
			t.Fatalf("%s(%q) accepted a message without src, dest or type: %+v", by, clipQ(line), m)
		}
	}

	want, wantErr := reference(line)
	if sameResult(m, err, want, wantErr) {
		return ""
	}
	for _, x := range exceptions {
		if x.applies(line) && x.allows(m, err, want, wantErr) {
			return x.name
		}
	}
	if wantErr != nil || err != nil {
		t.Fatalf("%s(%q):\n got error %v\nwant error %v (encoding/json)", by, clipQ(line), err, wantErr)
	}
	t.Fatalf("%s(%q):\n got %s\nwant %s (encoding/json)", by, clipQ(line), fmtMessage(m), fmtMessage(want))
	return ""
}

// sameResult compares a result of Decode with the reference's: the same
// sentinel, or the same fields, raw ones byte for byte.
func sameResult(m Message, err error, want Message, wantErr error) bool {
	if err != nil || wantErr != nil {
		return err != nil && wantErr != nil && errors.Is(err, wantErr)
	}
	wantRaw := rawFields(&want)
	for name, p := range rawFields(&m) {
		a, b := *p, *wantRaw[name]
		if (a == nil) != (b == nil) || !bytes.Equal(a, b) {
			return false
		}
	}
	return m.Src == want.Src && m.Dest == want.Dest && m.Type == want.Type &&
		m.MsgID == want.MsgID && m.HasMsgID == want.HasMsgID &&
		m.InReplyTo == want.InReplyTo && m.HasInReplyTo == want.HasInReplyTo &&
		m.Staged == want.Staged
}

func fmtMessage(m Message) string {
	var b strings.Builder
	b.WriteString("{Src:" + quote(m.Src) + " Dest:" + quote(m.Dest) + " Type:" + quote(m.Type))
	if m.HasMsgID {
		b.WriteString(" MsgID:" + string(AppendInts64(nil, []int64{m.MsgID})))
	}
	if m.HasInReplyTo {
		b.WriteString(" InReplyTo:" + string(AppendInts64(nil, []int64{m.InReplyTo})))
	}
	raw := rawFields(&m)
	for _, name := range slices.Sorted(maps.Keys(raw)) {
		if *raw[name] != nil {
			b.WriteString(" " + name + ":" + quote(clip(*raw[name])))
		}
	}
	if m.Staged {
		b.WriteString(" Staged")
	}
	b.WriteString("}")
	return b.String()
}

func quote(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// clipQ shortens a long line for a failure message.
func clipQ(line []byte) string {
	if len(line) <= 200 {
		return string(line)
	}
	return string(line[:120]) + "..." + string(line[len(line)-60:])
}

// TestReference_Mirrors checks that the reference reads the fields that Decode
// reads: envelope and body have the same fields, with the same JSON names,
// as stdEnvelope and stdBody, and every raw field of Message comes from the
// body field of the same name. A field added to Decode fails here until the
// reference has it too.
func TestReference_Mirrors(t *testing.T) {
	pairs := []struct{ ours, ref reflect.Type }{
		{reflect.TypeFor[envelope](), reflect.TypeFor[stdEnvelope]()},
		{reflect.TypeFor[body](), reflect.TypeFor[stdBody]()},
	}
	for _, p := range pairs {
		if p.ours.NumField() != p.ref.NumField() {
			t.Fatalf("%v has %d fields, %v %d", p.ours, p.ours.NumField(), p.ref, p.ref.NumField())
		}
		for f := range p.ours.Fields() {
			r, ok := p.ref.FieldByName(f.Name)
			if !ok || r.Tag.Get("json") != f.Tag.Get("json") {
				t.Errorf("%v.%s (%s) has no twin in %v", p.ours, f.Name, f.Tag, p.ref)
			}
		}
	}
	var m Message
	for name := range rawFields(&m) {
		f, ok := reflect.TypeFor[stdBody]().FieldByName(name)
		if !ok || f.Type != reflect.TypeFor[json.RawMessage]() {
			t.Errorf("Message.%s has no raw twin in stdBody", name)
		}
	}
}
